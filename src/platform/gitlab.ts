/**
 * The GitLab CI adapter, chosen when `GITLAB_CI` is set. Inputs arrive as `INPUT_*` job variables
 * (GitLab variable names cannot hold `-`: `INPUT_BUILD_ARGS` is `build-args`); defaults come from
 * CI variables (`CI_REGISTRY_IMAGE` for images, a login to `CI_REGISTRY`); outputs go to a dotenv
 * report for later jobs (`IMAGE_DIGEST`, …) and the metadata and summary to files beside it; log
 * groups are collapsible sections. GitLab has no runtime log masking: nothing secret may be
 * printed at all (the Redactor sees every line that could carry one). There is no post step: the
 * template's `after_script` runs the entry again with `HOIST_PHASE=post`, state in a private file.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileVariableText } from '../secrets/file-variable.js';
import { GITLAB_FILE_SECRETS } from '../secrets/inputs.js';
import { gitlabFacts } from './context.js';
import { gitlabJobInput } from './gitlab-job.js';
import { logText } from './log-safe.js';
import { privateState } from './private-state.js';
import type { Platform } from './platform.js';

type Env = Readonly<Record<string, string | undefined>>;

/** Outputs → dotenv names; values must stay on one line (GitLab's dotenv has no multi-line values). */
const DOTENV: Record<string, string> = {
  digest: 'IMAGE_DIGEST',
  imageid: 'IMAGE_ID',
  version: 'IMAGE_VERSION',
  tags: 'IMAGE_TAGS',
  platforms: 'IMAGE_PLATFORMS',
  // sign: key — each .sig reference written, comma-separated
  signatures: 'IMAGE_SIGNATURES',
  // promote's
  'bytes-sent': 'HOIST_BYTES_SENT',
  'bytes-shared': 'HOIST_BYTES_SHARED',
  // every component's: ok, found, failed-input, failed, cancelled (cli/exit.ts RESULT)
  result: 'HOIST_RESULT',
};

/**
 * Inputs whose value may be a File-type variable (its value the path of a file holding it): the
 * secret ones the table says may (src/secrets/inputs.ts), and ssh-known-hosts, public but many lines.
 */
const FILE_INPUTS = new Set([...GITLAB_FILE_SECRETS, 'ssh-known-hosts']);

export function gitlabInput(env: Env, name: string): string {
  const key = `INPUT_${name.toUpperCase()}`;
  const given = env[key.replaceAll('-', '_')] ?? env[key] ?? '';
  // A File-type variable's file is read in its place (then, for registry-auth, the job's own login added as to any value).
  const value = (FILE_INPUTS.has(name) ? fileVariableText(given, name) : undefined) ?? given;
  return gitlabJobInput(env, name, value);
}

/** One `KEY=value` line per output, within GitLab's dotenv rules (one line, no quotes needed). */
export function dotenvLines(outputs: ReadonlyMap<string, string>): string[] {
  const lines: string[] = [];
  for (const [name, key] of Object.entries(DOTENV)) {
    const value = outputs.get(name);
    if (value !== undefined) lines.push(`${key}=${value.split(/\r?\n/).filter(Boolean).join(',')}`);
  }
  return lines;
}

const ESC = '\u001b';
const where = (a?: { file?: string; line?: number }) => (a?.file ? ` ${logText(a.file)}${a.line ? `:${a.line}` : ''}:` : '');

export function createGitLabPlatform(env: Env = process.env): Platform {
  const isPost = env.HOIST_PHASE === 'post';
  // The job runs in the project directory (CI_PROJECT_DIR on GitLab); the working directory is
  // used because it is also where artifacts paths such as the dotenv report are resolved.
  const dir = process.cwd();
  // Outside the project directory, so it never lands in artifacts or the next job's checkout.
  const state = privateState(tmpdir(), env.CI_JOB_ID ?? 'local', isPost ? 'post' : 'main');
  const outputs = new Map<string, string>();
  const writeDotenv = () => writeFileSync(join(dir, env.HOIST_DOTENV || 'hoist.env'), `${dotenvLines(outputs).join('\n')}\n`);
  let section = 0;
  const say = (line: string) => process.stdout.write(`${line}\n`);
  return {
    name: 'gitlab',
    isPost,
    getInput: (name) => gitlabInput(env, name),
    setOutput: (name, value) => {
      outputs.set(name, value);
      if (name === 'metadata') writeFileSync(join(dir, 'hoist-metadata.json'), value);
      else writeDotenv();
    },
    // GitLab has no runtime masking: secrets are kept out of the log by the Redactor instead.
    mask: () => undefined,
    debug: (message) => {
      if (env.CI_DEBUG_TRACE === 'true' || env.HOIST_DEBUG === 'true') say(`debug: ${logText(message)}`);
    },
    // Every message may hold a tool's or a registry's bytes: made inert (log-safe.ts) before Hoist's
    // own colours and section markers are put around it.
    info: (message) => say(logText(message)),
    warning: (message, a) => say(`${ESC}[33mWARNING:${where(a)} ${logText(message)}${ESC}[0m`),
    error: (message, a) => say(`${ESC}[31mERROR:${where(a)} ${logText(message)}${ESC}[0m`),
    group: async (title, fn) => {
      const name = `hoist_${++section}`;
      say(`${ESC}[0Ksection_start:${Math.floor(Date.now() / 1000)}:${name}[collapsed=true]\r${ESC}[0K${logText(title)}`);
      try {
        return await fn();
      } finally {
        say(`${ESC}[0Ksection_end:${Math.floor(Date.now() / 1000)}:${name}\r${ESC}[0K`);
      }
    },
    // GitLab has no job summary page: the summary is a collapsed section of the log, and an artifact.
    summary: async (markdown) => {
      writeFileSync(join(dir, 'hoist-summary.md'), markdown, { flag: 'a' });
      const name = `hoist_${++section}`;
      say(`${ESC}[0Ksection_start:${Math.floor(Date.now() / 1000)}:${name}[collapsed=true]\r${ESC}[0KHoist summary`);
      say(logText(markdown.trimEnd()));
      say(`${ESC}[0Ksection_end:${Math.floor(Date.now() / 1000)}:${name}\r${ESC}[0K`);
    },
    saveState: (name, value) => state.set(name, value),
    getState: (name) => state.get(name),
    context: {
      facts: gitlabFacts(env),
      now: () => new Date(),
      workspace: dir,
      tempDir: tmpdir(),
      env,
    },
  };
}
