/**
 * File-type variables: GitLab writes such a variable's value to a file and sets the variable to
 * that file's path (Jenkins' file credentials and Buildkite's secrets files do the same). A secret
 * input whose whole value is one absolute path of a regular file is read from that file: taken as
 * it stands, the path would be the secret — the audit looking for the path instead of the values in
 * the file and passing, or a login line that is a file name.
 */
import { readFileSync, statSync } from 'node:fs';

/** The text of the file `value` names when it is one absolute path of a regular file; else undefined. */
export function fileVariableText(value: string): string | undefined {
  const path = value.trim();
  if (!/^\/\S+$/.test(path)) return undefined;
  try {
    if (!statSync(path).isFile()) return undefined;
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
