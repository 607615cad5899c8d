/**
 * State kept between a GitLab job's script and its after_script (there is no post step): a file
 * in a directory only this user owns (0700, checked — never a link, never someone else's), written
 * without following links, started afresh by the main phase so no earlier job's keys survive.
 */
import { closeSync, constants, lstatSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export interface PrivateState {
  get(name: string): string;
  set(name: string, value: string): void;
}

/** The directory, made 0700 if missing; refused when it is a link, not a directory, or not ours. */
function privateDir(dir: string): string {
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  const s = lstatSync(dir);
  const uid = process.getuid?.();
  if (!s.isDirectory() || s.isSymbolicLink() || (uid !== undefined && s.uid !== uid) || (s.mode & 0o077) !== 0) {
    throw new Error(`${dir} is not a private directory of this user (a link, another user's, or open to others): Hoist keeps no state there`);
  }
  return dir;
}

export function privateState(parent: string, jobId: string, phase: 'main' | 'post'): PrivateState {
  const dir = privateDir(join(parent, `hoist-state-${process.getuid?.() ?? 'u'}`));
  const file = join(dir, `${jobId.replace(/[^\w.-]/g, '_')}.json`);
  let values: Record<string, string> = {};
  if (phase === 'main') rmSync(file, { force: true });
  else {
    try {
      const fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
      try {
        values = JSON.parse(readFileSync(fd, 'utf8')) as Record<string, string>;
      } finally {
        closeSync(fd);
      }
    } catch {
      values = {}; // none (the main phase saved nothing) or unreadable: nothing to clean up
    }
  }
  return {
    get: (name) => values[name] ?? '',
    set: (name, value) => {
      values = { ...values, [name]: value };
      const fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o600);
      try {
        writeSync(fd, JSON.stringify(values));
      } finally {
        closeSync(fd);
      }
    },
  };
}
