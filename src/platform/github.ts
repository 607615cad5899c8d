/** The GitHub Actions adapter: inputs, outputs, masking, groups and state through @actions/core. */
import * as core from '@actions/core';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { githubFacts, type GitHubEvent } from './context.js';
import { githubLogText, logText } from './log-safe.js';
import type { Annotation, Platform } from './platform.js';

const POST_MARKER = 'hoist_main_ran';

export function createGitHubPlatform(env: Readonly<Record<string, string | undefined>> = process.env): Platform {
  const isPost = core.getState(POST_MARKER) === 'true';
  if (!isPost) core.saveState(POST_MARKER, 'true');
  return {
    name: 'github',
    isPost,
    // secrets untrimmed, as build-push-action reads it: a quoted entry keeps its final newline.
    getInput: (name) => core.getInput(name, { trimWhitespace: name !== 'secrets' }),
    setOutput: (name, value) => core.setOutput(name, value),
    // Only through the GITHUB_ENV file: without it @actions/core falls back to `::set-env`, which
    // the runner refuses (disabled since 2020) — the variable is then not set, and said in the debug log.
    exportVariable: (name, value) => (env.GITHUB_ENV ? core.exportVariable(name, value) : core.debug(`No GITHUB_ENV: ${name} not exported`)),
    mask: (value) => core.setSecret(value),
    // Every message may hold a tool's or a registry's bytes (log-safe.ts): a log line is fenced
    // when the runner could read it as a command; the others are commands @actions/core writes
    // with their data escaped, their text made inert all the same.
    debug: (message) => core.debug(logText(message)),
    info: (message) => core.info(githubLogText(message)),
    warning: (message, a) => core.warning(logText(message), annotation(a)),
    error: (message, a) => core.error(logText(message), annotation(a)),
    group: (title, fn) => core.group(logText(title), fn),
    summary: async (markdown) => {
      // No GITHUB_STEP_SUMMARY (an old runner, a local run): the summary is not written, and said.
      if (!env.GITHUB_STEP_SUMMARY) return core.info('No GITHUB_STEP_SUMMARY: the job summary was not written');
      await core.summary.addRaw(logText(markdown), true).write();
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

const annotation = (a: Annotation | undefined) =>
  a && { file: a.file === undefined ? undefined : logText(a.file), startLine: a.line, title: a.title === undefined ? undefined : logText(a.title) };

/** The event payload the runner wrote. Without it only the env's facts are known (said once). */
function readEvent(path: string | undefined): GitHubEvent | undefined {
  if (!path) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as GitHubEvent;
  } catch (e) {
    core.warning(
      logText(`could not read the event payload ${path} (${(e as Error).message}): labels lack the repository's description, license and commit time`),
    );
    return undefined;
  }
}
