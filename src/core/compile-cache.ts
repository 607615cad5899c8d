/**
 * Node's on-disk cache of compiled code (`module.enableCompileCache`, Node ≥ 22.1) for the bundle's chunks (issue 36's
 * cold start): a process that finds a chunk's code there does not parse and compile it again. Every Action step pays the
 * start — and a step that audits pays it twice (core/malloc.ts starts Node again) —; the post step, a job's later Hoist
 * steps and every `hoist` command after the first read the chunks from the cache.
 *
 * Where: `$XDG_CACHE_HOME/hoist/compile-cache`, else `$HOME/.cache/hoist/compile-cache` — the user's own, never a shared
 * /tmp (Node's default): V8 reads a code cache as trusted, so a directory another user could write is not used. The
 * directory is made 0700 and used only when it is a directory (not a link) of this user's that no one else can write.
 * Node keys each entry by the source's hash and by its own version and V8's flags, and ignores an entry that does not
 * match; `NODE_COMPILE_CACHE` (a directory of the user's choosing) takes precedence, `NODE_DISABLE_COMPILE_CACHE=1` turns
 * it off. Anything that fails here leaves the run as it was: the cache only saves time.
 */
import { lstatSync, mkdirSync } from 'node:fs';
import { enableCompileCache } from 'node:module';
import { isAbsolute, join } from 'node:path';

/** The directory for the cache, or undefined when the environment names no home of the user's. */
export function compileCacheDir(env: NodeJS.ProcessEnv): string | undefined {
  const xdg = env.XDG_CACHE_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, 'hoist', 'compile-cache');
  const home = env.HOME;
  return home && isAbsolute(home) ? join(home, '.cache', 'hoist', 'compile-cache') : undefined;
}

/** Whether `dir` is a directory (not a link) owned by this process's user that group and others cannot write. */
export function ownDirectory(dir: string): boolean {
  try {
    const s = lstatSync(dir);
    const uid = process.getuid?.();
    return s.isDirectory() && (uid === undefined || s.uid === uid) && (s.mode & 0o022) === 0;
  } catch {
    return false;
  }
}

/**
 * Turns Node's compile cache on for what this process loads next, in compileCacheDir's directory when it is the user's
 * own; returns the directory used, or undefined. Call it before the bundle's chunks are imported.
 */
export function cacheCompiledCode(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (typeof enableCompileCache !== 'function' || env.NODE_DISABLE_COMPILE_CACHE || env.NODE_COMPILE_CACHE) return undefined;
  const dir = compileCacheDir(env);
  if (!dir) return undefined;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!ownDirectory(dir)) return undefined;
    const result = enableCompileCache(dir);
    return result.directory === undefined ? undefined : dir;
  } catch {
    return undefined;
  }
}
