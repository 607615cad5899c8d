/**
 * The filesystem seam, as the pipeline uses it: its own private directory, the files it checks and
 * reads. `effects/files.ts` is the implementation; the registry connection and the inputs take it.
 */

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
  /** Makes a directory and every missing parent (`mkdir -p`), failing at once where one cannot be made. */
  makeDirs(path: string): Promise<void>;
  /** Writes a file that is not secret (its directory made as needed), replacing what was there. */
  writeText(path: string, data: string): Promise<void>;
  /** Removes a file or a directory tree; nothing there is fine. */
  remove(path: string): Promise<void>;
  /** The same, synchronously (a cancelled step has no time to wait). */
  removeSync(path: string): void;
}
