/**
 * Layers audited clean before: a base's 200 MiB layer is inflated and audited once per machine, not once per build
 * (issue 36: on the docker path the base's audit was the critical path, 14 s at load 17). An entry says: this content
 * (a layer tar's digest), and the blob that inflates to it, were read whole by the audit and nothing was found — no leak,
 * no key, no part left unread — by this very code, for this very set of secret values. It never stands for more:
 *
 * - The scope of every entry is an HMAC under a random key of the cache's own (`key`, 0600, in a 0700 directory of
 *   this user) over: the code's identity (a hash of every file of the running bundle, or of `src/` when run from the
 *   sources), Node's and zlib's versions, and the secret values through scrypt (N=2^15, salted with that key). The
 *   values, or a plain hash of them, are never written; another bundle, another Node, one value changed, added or
 *   removed: another scope, no entry found.
 * - An entry's name is an HMAC of its subject under the scope; its content is MACed too: a damaged or edited entry is
 *   ignored with a warning, and one nobody holding the key wrote cannot be made.
 * - Only a whole, clean read is recorded (the caller's rule: a layer with any finding, a limit included, is not), and
 *   the caller uses an entry only for bytes whose digest it verifies as they stream.
 *
 * Where: HOIST_AUDIT_CACHE (an absolute directory, or `off`); else $XDG_CACHE_HOME/hoist/audited-layers, else
 * $RUNNER_TOOL_CACHE/hoist/audited-layers, else ~/.cache/hoist/audited-layers. A directory or key that is not this
 * user's alone is not used (said once).
 */
import { createHash, createHmac, randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { link, lstat, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const scrypt = promisify(scryptCb) as (
  password: Buffer,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;
const VERSION = 1;
const KEY_BYTES = 32;
const ENTRY_LIMIT = 4096;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
/** scrypt's cost: 32 MiB and ~0.1 s once per run, so that a stolen cache and key do not make weak values cheap to guess. */
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

export interface AuditedCache {
  readonly dir: string;
  /** The uncompressed size of `content`, when it was audited clean in this scope. */
  cleanContent(content: string): Promise<number | undefined>;
  /** The content blob `blob` inflates to, when that content was audited clean in this scope. */
  cleanBlob(blob: string): Promise<string | undefined>;
  /** Records `content` (its tar's size) as read whole and clean. */
  recordContent(content: string, size: number): Promise<void>;
  /** Records that blob `blob` inflates to `content`, read whole and clean. */
  recordBlob(blob: string, content: string): Promise<void>;
}

/** The cache's directory from the environment; undefined under HOIST_AUDIT_CACHE=off or with no home. */
export function auditCacheDir(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const set = env.HOIST_AUDIT_CACHE?.trim();
  if (set === 'off') return undefined;
  if (set) {
    if (!isAbsolute(set)) throw new Error(`HOIST_AUDIT_CACHE is '${set}': set an absolute directory for the cache of audited layers, or off`);
    return set;
  }
  const root = [env.XDG_CACHE_HOME, env.RUNNER_TOOL_CACHE].map((v) => v?.trim()).find((v) => v && isAbsolute(v));
  if (root) return join(root, 'hoist', 'audited-layers');
  return env.HOME && isAbsolute(env.HOME) ? join(env.HOME, '.cache', 'hoist', 'audited-layers') : undefined;
}

/** Why `path` is not this user's alone, if it is not. */
async function notPrivate(path: string, kind: 'directory' | 'file'): Promise<string | undefined> {
  const st = await lstat(path);
  if (kind === 'directory' ? !st.isDirectory() : !st.isFile()) return `not a ${kind}`;
  if (typeof process.getuid === 'function' && st.uid !== process.getuid()) return `owned by uid ${st.uid}, not this user's`;
  if (st.mode & 0o077) return `mode ${(st.mode & 0o777).toString(8)}: others may read or write it (chmod ${kind === 'directory' ? 700 : 600})`;
  return undefined;
}

/** The cache's own key: made once (atomically: written aside, then linked into place), then read. */
async function cacheKey(dir: string): Promise<Buffer> {
  const path = join(dir, 'key');
  const fresh = join(dir, `.key-${randomBytes(8).toString('hex')}`);
  await writeFile(fresh, randomBytes(KEY_BYTES), { mode: 0o600, flag: 'wx' });
  try {
    await link(fresh, path).catch((e: NodeJS.ErrnoException) => (e.code === 'EEXIST' ? undefined : Promise.reject(e)));
  } finally {
    await rm(fresh, { force: true });
  }
  const why = await notPrivate(path, 'file');
  if (why) throw new Error(`${path} is ${why}`);
  const key = await readFile(path);
  if (key.length !== KEY_BYTES) throw new Error(`${path} holds ${key.length} bytes, not a key of ${KEY_BYTES}`);
  return key;
}

let identity: Promise<string> | undefined;

/** Every file of the running code (dist/ and its chunks, or src/ without its tests), hashed: another build, another identity. */
export function codeIdentity(): Promise<string> {
  return (identity ??= (async () => {
    // dist/chunks/<chunk>.js → dist; src/audit/audited-cache.ts → src; a bundle of its own → its directory.
    const here = dirname(fileURLToPath(import.meta.url));
    const root = ['chunks', 'audit'].includes(basename(here)) ? dirname(here) : here;
    const hash = createHash('sha256');
    const walk = async (dir: string, rel: string): Promise<void> => {
      for (const e of (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
        if (e.isDirectory() && e.name !== 'node_modules') await walk(join(dir, e.name), `${rel}${e.name}/`);
        else if (e.isFile() && /\.(m?js|ts|wasm|json)$/.test(e.name) && !/\.test(ing)?\.ts$/.test(e.name)) {
          hash
            .update(`${rel}${e.name}\0`)
            .update(await readFile(join(dir, e.name)))
            .update('\0');
        }
      }
    };
    await walk(root, `${basename(root)}/`);
    if (basename(root) === 'src') hash.update(await readFile(join(dirname(root), 'package-lock.json')).catch(() => Buffer.alloc(0)));
    return hash.digest('hex');
  })());
}

/** The secret values, each length-prefixed, in byte order (a set: order and names do not matter; values do). */
function canonicalSecrets(values: readonly Buffer[]): Buffer {
  const sorted = [...values].sort(Buffer.compare);
  const out: Buffer[] = [];
  for (const v of sorted) {
    const n = Buffer.alloc(4);
    n.writeUInt32BE(v.length);
    out.push(n, v);
  }
  return Buffer.concat(out);
}

interface Entry {
  v: number;
  kind: 'content' | 'blob';
  subject: string;
  content: string;
  size: number;
  mac: string;
}

/**
 * Opens the cache for `values` (the secrets' exact bytes): undefined when it is off, and (said through `warn`) when its
 * directory or key cannot be used.
 */
export async function openAuditedCache(
  env: Readonly<Record<string, string | undefined>>,
  values: readonly Buffer[],
  warn: (message: string) => void,
  /** The code's identity (tests stand in another build); `codeIdentity()` unless given. */
  code?: string,
): Promise<AuditedCache | undefined> {
  let dir: string | undefined;
  let key: Buffer;
  try {
    // A value it cannot use (a relative path) is said, as a directory not this user's is: never dropped in silence.
    dir = auditCacheDir(env);
    if (!dir) return undefined;
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const why = await notPrivate(dir, 'directory');
    if (why) throw new Error(`${dir} is ${why}`);
    key = await cacheKey(dir);
  } catch (e) {
    warn(`the cache of audited layers is not used: ${e instanceof Error ? e.message : String(e)} (HOIST_AUDIT_CACHE names another directory, or off)`);
    return undefined;
  }
  const secrets = await scrypt(canonicalSecrets(values), Buffer.concat([key, Buffer.from('hoist audited-layers secrets')]), 32, SCRYPT);
  code ??= await codeIdentity();
  const scope = createHmac('sha256', key)
    .update(`hoist audited-layers v${VERSION}\0${code}\0${process.version}\0${process.versions.zlib ?? ''}\0`)
    .update(secrets)
    .digest();
  const mac = (...parts: Array<string | number>) => createHmac('sha256', scope).update(parts.join('\0')).digest('hex');
  const pathOf = (kind: Entry['kind'], subject: string) => join(dir, mac('name', kind, subject));
  const readEntry = async (kind: Entry['kind'], subject: string): Promise<Entry | undefined> => {
    const path = pathOf(kind, subject);
    let text: string;
    try {
      const st = await lstat(path);
      if (!st.isFile() || st.size > ENTRY_LIMIT) throw new Error('not an entry');
      text = await readFile(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      warn(`${path}: a damaged entry of the cache of audited layers, ignored (${e instanceof Error ? e.message : String(e)})`);
      return undefined;
    }
    try {
      const e = JSON.parse(text) as Entry;
      const expected = mac('entry', basename(path), e.v, e.kind, e.subject, e.content, e.size);
      const good =
        e.v === VERSION &&
        e.kind === kind &&
        e.subject === subject &&
        DIGEST.test(e.content) &&
        Number.isSafeInteger(e.size) &&
        e.size >= 0 &&
        typeof e.mac === 'string';
      if (!good || e.mac.length !== expected.length || !timingSafeEqual(Buffer.from(e.mac), Buffer.from(expected)))
        throw new Error('its fields or MAC do not match');
      return e;
    } catch (e) {
      warn(`${path}: a damaged entry of the cache of audited layers, ignored and read again (${e instanceof Error ? e.message : String(e)})`);
      return undefined;
    }
  };
  const write = async (kind: Entry['kind'], subject: string, content: string, size: number): Promise<void> => {
    if (!DIGEST.test(subject) || !DIGEST.test(content)) return;
    const path = pathOf(kind, subject);
    const entry: Entry = { v: VERSION, kind, subject, content, size, mac: mac('entry', basename(path), VERSION, kind, subject, content, size) };
    const aside = `${path}.${randomBytes(6).toString('hex')}`;
    await writeFile(aside, JSON.stringify(entry), { mode: 0o600, flag: 'wx' });
    await rename(aside, path).catch(async (e: unknown) => (await rm(aside, { force: true }), Promise.reject(e)));
  };
  return {
    dir,
    cleanContent: async (content) => (await readEntry('content', content))?.size,
    cleanBlob: async (blob) => {
      const b = await readEntry('blob', blob);
      return b && (await readEntry('content', b.content)) ? b.content : undefined;
    },
    recordContent: (content, size) => write('content', content, content, size),
    recordBlob: (blob, content) => write('blob', blob, content, 0),
  };
}
