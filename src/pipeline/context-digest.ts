/**
 * What a build context holds, as one digest: every file BuildKit would send (the context's
 * `.dockerignore`, or the Dockerfile's own `<name>.dockerignore`, honoured; `.git` left out), by
 * path, kind, mode and content, each file streamed through the hash (a file of any size, never
 * read whole), the total capped: past the cap there is no digest, and the entry is built.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { DockerIgnore } from '../plan/dockerignore.js';

/** 4 GiB of file content: more than any context Hoist should compare without building. */
export const CONTEXT_DIGEST_CAP = 4 * 1024 ** 3;

export type ContextDigest = { digest: string } | { tooLarge: number };

/** A .dockerignore is repository content: read only as a regular file (never through a link: `/dev/zero`, a FIFO), within a limit. */
const IGNORE_LIMIT = 1024 * 1024;

async function ignoreFile(context: string, dockerfile: string | undefined): Promise<DockerIgnore> {
  const candidates = [...(dockerfile ? [join(dirname(dockerfile), `${basename(dockerfile)}.dockerignore`)] : []), join(context, '.dockerignore')];
  for (const path of candidates) {
    const st = await lstat(path).catch(() => undefined);
    if (!st) continue;
    if (!st.isFile() || st.size > IGNORE_LIMIT)
      throw new Error(`${path} is not a regular file of at most ${IGNORE_LIMIT} bytes (a link, a device or a FIFO is not read): make it one`);
    return new DockerIgnore(await readFile(path, 'utf8'));
  }
  return new DockerIgnore('');
}

async function hashFile(path: string, into: Hash): Promise<void> {
  const h = createHash('sha256');
  await pipeline(createReadStream(path, { highWaterMark: 1024 * 1024 }), h);
  into.update(h.digest('hex'));
}

/** The digest of the context `dir`, as its Dockerfile `dockerfile` builds it; `cap` bytes of content at most. */
export async function contextDigest(dir: string, dockerfile?: string, cap = CONTEXT_DIGEST_CAP): Promise<ContextDigest> {
  const ignore = await ignoreFile(dir, dockerfile);
  const hash = createHash('sha256');
  let bytes = 0;
  const walk = async (at: string): Promise<boolean> => {
    for (const name of (await readdir(at)).sort()) {
      const path = join(at, name);
      const rel = relative(dir, path).split('\\').join('/');
      if (rel === '.git') continue;
      const st = await lstat(path);
      if (st.isDirectory()) {
        if (ignore.skipsDirectory(rel)) continue;
        hash.update(`d ${rel}\n`);
        if (!(await walk(path))) return false;
        continue;
      }
      if (ignore.ignored(rel)) continue;
      if (st.isSymbolicLink()) hash.update(`l ${rel} ${await readlink(path)}\n`);
      else if (st.isFile()) {
        bytes += st.size;
        if (bytes > cap) return false;
        hash.update(`f ${rel} ${st.mode & 0o111 ? 'x' : '-'} `);
        await hashFile(path, hash);
        hash.update('\n');
      } else hash.update(`o ${rel}\n`); // a socket or a device: its name only, never opened
    }
    return true;
  };
  return (await walk(dir)) ? { digest: hash.digest('hex') } : { tooLarge: bytes };
}
