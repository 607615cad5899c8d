/**
 * A pipeline verb's command line (build, promote, merge, stale, push), as its parse makes it and
 * its run reads it: the inputs as the Action would get them, the run context flags, and the secret
 * inputs read from `--NAME-file` or `HOIST_NAME` just before the run.
 */
import type { Effects } from '../effects/effects.js';
import { envName, secretEnv } from './secret-env.js';
import { UsageError } from './usage.js';

/** Facts of the run a CI system would give, for machines that are not one (or to override it). */
export const CONTEXT_FLAGS = {
  'git-tag': 'the git tag this run releases (default: the tag on HEAD, or $CI tag variables)',
  commit: 'the commit the image is built from (default: HEAD)',
  branch: 'the branch (default: the checked-out branch)',
  'pull-request': 'the pull request number, for pr-N tags',
  'commit-time': 'the commit time, RFC 3339 (default: the commit time git records)',
} as const;
export type ContextFlag = keyof typeof CONTEXT_FLAGS;

export interface CommandLine {
  command: string;
  /** Input name → raw value, as the Action would get it (repeated flags joined by newlines). */
  inputs: Map<string, string>;
  /** `--NAME-file` paths for secret inputs, read before the run. */
  secretFiles: Map<string, string>;
  /** The secret inputs this verb takes: each from its `--NAME-file` or `HOIST_NAME`. */
  secretInputs: readonly string[];
  context: Partial<Record<ContextFlag, string>>;
  json: boolean;
}

/** A pipeline (pipeline/*.ts), on the effects it runs on. */
export type Pipeline = (fx: Effects) => Promise<unknown>;

/**
 * Secret inputs from `--NAME-file` or `HOIST_NAME` (both at once is an error; a `HOIST_NAME` that is
 * a file's path is that file's text, secret-env.ts). The file's contents are never echoed: a file
 * that cannot be read is named, with the reason.
 */
export async function readSecretInputs(
  line: CommandLine,
  env: Readonly<Record<string, string | undefined>>,
  readText: (path: string) => Promise<string>,
): Promise<void> {
  for (const name of line.secretInputs) {
    const file = line.secretFiles.get(name);
    const fromEnv = secretEnv(env, name);
    if (file !== undefined && fromEnv !== undefined) throw new UsageError(`--${name}-file and ${envName(name)} are both set: give one`, line.command);
    if (fromEnv !== undefined) line.inputs.set(name, fromEnv);
    if (file === undefined) continue;
    try {
      // A byte order mark (Windows Notepad's UTF-8) is no part of a value: a YAML login list
      // beginning with one did not parse, a password file's first password began with U+FEFF.
      line.inputs.set(name, (await readText(file)).replace(/^\uFEFF/, '').replace(/\r?\n$/, ''));
    } catch (e) {
      throw new UsageError(`--${name}-file: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`, line.command);
    }
  }
}
