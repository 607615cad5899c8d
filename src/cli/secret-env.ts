/** The environment variables secret inputs come from (`HOIST_NAME`), and the environment tools get without them. */
import { ConfigError } from '../core/errors.js';
import { fileVariableText } from '../secrets/file-variable.js';
import { SECRET_INPUTS } from '../secrets/inputs.js';
import { UsageError } from './usage.js';

export const envName = (input: string) => `HOIST_${input.toUpperCase().replaceAll('-', '_')}`;

const SECRET_ENV_NAMES = new Set([...SECRET_INPUTS].map(envName));

/** The environment without the secret variables Hoist reads: what the tools it runs get. */
export const childEnv = (env: NodeJS.ProcessEnv): NodeJS.ProcessEnv => Object.fromEntries(Object.entries(env).filter(([k]) => !SECRET_ENV_NAMES.has(k)));

/**
 * A secret input's `HOIST_NAME`, or undefined when unset. A value that is the path of a file (a
 * GitLab File-type variable, a Jenkins file credential) is that file's text, without its final
 * newline as --NAME-file reads it: HOIST_AUDIT_VALUES=/builds/app.tmp/TOKENS had the audit look for
 * the path, pass, and push an image holding the tokens.
 */
export function secretEnv(env: Readonly<Record<string, string | undefined>>, input: string): string | undefined {
  const value = env[envName(input)];
  if (value === undefined) return undefined;
  let text: string | undefined;
  try {
    text = fileVariableText(value, envName(input));
  } catch (error) {
    // A file it names that cannot be read: a usage error (exit 2) naming the variable, before anything runs.
    throw error instanceof ConfigError ? new UsageError(error.message) : error;
  }
  return text === undefined ? value : text.replace(/\r?\n$/, '');
}
