/**
 * `mkdir -p` that cannot spin. Node's `mkdir(path, { recursive: true })` loops for ever, at full CPU,
 * where a parent exists but refuses children with ENOENT (`/proc/nope/x`: Node 20 and 24), so an
 * output's `dest` there hung the run after the build. Here each missing level is made on its own,
 * and the first refusal is thrown as it came.
 */
import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

export async function makeDirs(path: string): Promise<void> {
  const missing: string[] = [];
  for (let dir = resolve(path); ;) {
    const found = await stat(dir).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' || e.code === 'ENOTDIR' ? undefined : Promise.reject(e)));
    if (found) {
      if (!found.isDirectory()) throw Object.assign(new Error(`${dir} is not a directory`), { code: 'ENOTDIR' });
      break;
    }
    missing.push(dir);
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  for (const dir of missing.reverse()) await mkdir(dir).catch((e: NodeJS.ErrnoException) => (e.code === 'EEXIST' ? undefined : Promise.reject(e)));
}
