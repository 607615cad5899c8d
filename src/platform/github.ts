/** The GitHub Actions adapter: inputs, outputs, masking, groups and state through @actions/core. */
import * as core from '@actions/core';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { githubFacts, type GitHubEvent } from './context.js';
import type { Platform } from './platform.js';

const POST_MARKER = 'hoist_main_ran';

/**
 * A log line is never a workflow command: text that could be read as one (a tool's output, a
 * registry's error body starting a line with `::`) is fenced with `::stop-commands::`, under a
 * token nobody can guess, so the runner prints it as it is.
 */
export function fenced(message: string): string {
  if (!/(^|[\r\n])\s*::/.test(message)) return message;
  const token = randomBytes(16).toString('hex');
  return `::stop-commands::${token}\n${message}\n::${token}::`;
}

export function createGitHubPlatform(env: Readonly<Record<string, string | undefined>> = process.env): Platform {
  const isPost = core.getState(POST_MARKER) === 'true';
  if (!isPost) core.saveState(POST_MARKER, 'true');
  return {
    name: 'github',
    isPost,
    getInput: (name) => core.getInput(name),
    setOutput: (name, value) => core.setOutput(name, value),
    mask: (value) => core.setSecret(value),
    debug: (message) => core.debug(message),
    info: (message) => core.info(fenced(message)),
    warning: (message, a) => core.warning(message, a && { file: a.file, startLine: a.line, title: a.title }),
    error: (message, a) => core.error(message, a && { file: a.file, startLine: a.line, title: a.title }),
    group: (title, fn) => core.group(title, fn),
    summary: async (markdown) => {
      // No GITHUB_STEP_SUMMARY (an old runner, a local run): the summary is not written, and said.
      if (!env.GITHUB_STEP_SUMMARY) return core.info('No GITHUB_STEP_SUMMARY: the job summary was not written');
      await core.summary.addRaw(markdown, true).write();
    },
    saveState: (name, value) => core.saveState(name, value),
    getState: (name) => core.getState(name),
    context: {
      facts: githubFacts(env, readEvent(env.GITHUB_EVENT_PATH)),
      now: () => new Date(),
      workspace: env.GITHUB_WORKSPACE || process.cwd(),
      tempDir: env.RUNNER_TEMP || tmpdir(),
      env,
    },
  };
}

/** The event payload the runner wrote. Without it only the env's facts are known (said once). */
function readEvent(path: string | undefined): GitHubEvent | undefined {
  if (!path) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as GitHubEvent;
  } catch (e) {
    core.warning(`could not read the event payload ${path} (${(e as Error).message}): labels lack the repository's description, license and commit time`);
    return undefined;
  }
}
