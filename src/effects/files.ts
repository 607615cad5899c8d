/** The filesystem as the pipeline uses it: its own private directory, the files it checks and reads. */
import { rmSync } from 'node:fs';
import { access, constants, mkdir, mkdtemp, readdir, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export interface Files {
  readText(path: string): Promise<string>;
  readBytes(path: string): Promise<Buffer>;
  /** The text of a file, or undefined when there is none (other errors are thrown). */
  readTextIfExists(path: string): Promise<string | undefined>;
  /** A file's size, or undefined when it cannot be read. */
  size(path: string): Promise<number | undefined>;
  isDirectory(path: string): Promise<boolean>;
  /** The path with every link followed (`realpath`), or undefined when it does not exist. */
  realpath(path: string): Promise<string | undefined>;
  /** The regular files directly in a directory, by name, sorted. */
  listFiles(dir: string): Promise<string[]>;
  readable(path: string): Promise<boolean>;
  /** A new directory only this user can enter (0700), under `parent`. */
  makePrivateDir(parent: string, prefix: string): Promise<string>;
  /** Writes a new file only this user can read (0600); fails if it exists. */
  writePrivate(path: string, data: string): Promise<void>;
  /** Writes a file that is not secret (its directory made as needed), replacing what was there. */
  writeText(path: string, data: string): Promise<void>;
  /** Removes a file or a directory tree; nothing there is fine. */
  remove(path: string): Promise<void>;
  /** The same, synchronously (a cancelled step has no time to wait). */
  removeSync(path: string): void;
}

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
    await mkdir(parent, { recursive: true });
    return mkdtemp(join(parent, prefix)); // mkdtemp creates 0700
  },
  writeText: async (path, data) => {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, data);
  },
  writePrivate: (path, data) => writeFile(path, data, { mode: 0o600, flag: 'wx' }),
  remove: (path) => rm(path, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 }),
  removeSync: (path) => rmSync(path, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 }),
};
