/** The filesystem as the pipeline uses it: its own private directory, the files it checks and reads. */
import { rmSync } from 'node:fs';
import { access, constants, mkdtemp, readdir, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Files } from '../core/files.js';
import { makeDirs } from '../core/make-dirs.js';

/** The contract lives in core/; this module is its implementation. */
export type { Files };

export const nodeFiles: Files = {
  readText: (path) => readFile(path, 'utf8'),
  readBytes: (path) => readFile(path),
  readTextIfExists: (path) => readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? undefined : Promise.reject(e))),
  size: async (path) => (await stat(path).catch(() => undefined))?.size,
  isDirectory: async (path) => (await stat(path).catch(() => undefined))?.isDirectory() ?? false,
  realpath: (path) => realpath(path).catch(() => undefined),
  listFiles: async (dir) =>
    (await readdir(dir, { withFileTypes: true }))
      .filter((e) => e.isFile())
      .map((e) => e.name)
      .sort(),
  readable: (path) =>
    access(path, constants.R_OK).then(
      () => true,
      () => false,
    ),
  makePrivateDir: async (parent, prefix) => {
    await makeDirs(parent);
    return mkdtemp(join(parent, prefix)); // mkdtemp creates 0700
  },
  writeText: async (path, data) => {
    await makeDirs(dirname(path));
    await writeFile(path, data);
  },
  makeDirs,
  writePrivate: (path, data) => writeFile(path, data, { mode: 0o600, flag: 'wx' }),
  remove: (path) => rm(path, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 }),
  removeSync: (path) => rmSync(path, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 }),
};
