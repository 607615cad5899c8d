/**
 * File-type variables: GitLab writes such a variable's value to a file and sets the variable to
 * that file's path (Jenkins' file credentials and Buildkite's secrets files do the same). A secret
 * input whose whole value is one absolute path of a regular file is read from that file: taken as
 * it stands, the path would be the secret — the audit looking for the path instead of the values in
 * the file and passing, or a login line that is a file name.
 */
import { readFileSync, statSync } from 'node:fs';
import { ConfigError } from '../core/errors.js';

/**
 * The text of the file `value` names when it is one absolute path of a regular file; else undefined.
 * A regular file that cannot be read is an input error naming `input` (as the user spells it), never
 * the path taken as the value in its place.
 */
export function fileVariableText(value: string, input: string): string | undefined {
  const path = value.trim();
  if (!/^\/\S+$/.test(path)) return undefined;
  let regular: boolean;
  try {
    regular = statSync(path).isFile();
  } catch {
    return undefined;
  }
  if (!regular) return undefined;
  try {
    // A byte order mark (a file saved by Windows Notepad) is no part of the value.
    return readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? 'an error';
    throw new ConfigError([
      { input, message: `names the file ${path}, which cannot be read (${why}): make it readable by the job's user, or give the value itself` },
    ]);
  }
}
