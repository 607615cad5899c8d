/** The GitHub Actions adapter: inputs, outputs, masking, groups and state through @actions/core. */
import * as core from '@actions/core';
import { tmpdir } from 'node:os';
import type { Platform } from './platform.js';

const POST_MARKER = 'hoist_main_ran';

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
    info: (message) => core.info(message),
    warning: (message, a) => core.warning(message, a && { file: a.file, startLine: a.line, title: a.title }),
    error: (message, a) => core.error(message, a && { file: a.file, startLine: a.line, title: a.title }),
    group: (title, fn) => core.group(title, fn),
    saveState: (name, value) => core.saveState(name, value),
    getState: (name) => core.getState(name),
    context: {
      ref: env.GITHUB_REF || undefined,
      sha: env.GITHUB_SHA || undefined,
      workspace: env.GITHUB_WORKSPACE || process.cwd(),
      tempDir: env.RUNNER_TEMP || tmpdir(),
      env,
    },
  };
}
