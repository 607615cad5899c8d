// The cache of layers audited clean (audited-cache.ts): what makes an entry found, and what keeps it from being found or
// trusted. Properties: an entry is found only by the same secret values (a set: order and names aside) and the same code;
// the directory and key are this user's alone (0700, 0600), and a cache that is not is not used (said); a damaged or
// edited entry is ignored with a warning; nothing in the cache holds a value or its plain hash; HOIST_AUDIT_CACHE=off
// turns it off. Nearest real variants: a self-hosted runner's ~/.cache shared by every job of its user, a CI secret
// rotated between two builds of the same base, a new Hoist release, a cache restored by actions/cache with 0644 files.
import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { auditCacheDir, openAuditedCache } from './audited-cache.js';

const A = Buffer.from('ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z');
const B = Buffer.from('npm_4f9Qz7LmW2xVb8KcT1rYd3HsJ6uEa0NpGq5');
const CONTENT = `sha256:${'c'.repeat(64)}`;
const BLOB = `sha256:${'d'.repeat(64)}`;
let root: string | undefined;
afterEach(async () => {
  if (root) await rm(root, { recursive: true, force: true });
  root = undefined;
});

async function cacheDir(): Promise<string> {
  root = await mkdtemp(join(tmpdir(), 'hoist-audited-cache-'));
  return join(root, 'cache');
}

const open = (dir: string, values: Buffer[], code = 'build-1', warnings: string[] = []) =>
  openAuditedCache({ HOIST_AUDIT_CACHE: dir }, values, (m) => warnings.push(m), code);

describe('an entry is found by the same values and code only', () => {
  it('recorded, then found by the same set of values in another order; its blob too', async () => {
    const dir = await cacheDir();
    const first = (await open(dir, [A, B]))!;
    await first.recordContent(CONTENT, 10240);
    await first.recordBlob(BLOB, CONTENT);
    const again = (await open(dir, [B, A]))!;
    expect({ size: await again.cleanContent(CONTENT), blob: await again.cleanBlob(BLOB) }).toEqual({ size: 10240, blob: CONTENT });
  });

  it('a value changed, added or removed, or another build of the code: not found', async () => {
    const dir = await cacheDir();
    await (await open(dir, [A]))!.recordContent(CONTENT, 1);
    const changed = Buffer.from(A);
    changed[0] = changed[0]! ^ 1;
    const found = [];
    for (const [values, code] of [
      [[changed], 'build-1'],
      [[A, B], 'build-1'],
      [[], 'build-1'],
      [[A], 'build-2'],
    ] as const)
      found.push(await (await open(dir, [...values], code))!.cleanContent(CONTENT));
    expect(found).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('a blob whose content entry is gone is not found', async () => {
    const dir = await cacheDir();
    const c = (await open(dir, [A]))!;
    await c.recordBlob(BLOB, CONTENT);
    expect(await c.cleanBlob(BLOB)).toBeUndefined();
  });
});

describe('the cache holds no value, and is this user alone', () => {
  it('no file holds a value, its hex, base64 or plain SHA-256; the directory is 0700, every file 0600', async () => {
    const dir = await cacheDir();
    const c = (await open(dir, [A, B]))!;
    await c.recordContent(CONTENT, 1);
    await c.recordBlob(BLOB, CONTENT);
    const files = await readdir(dir);
    const all = Buffer.concat(await Promise.all(files.map((f) => readFile(join(dir, f)))));
    const forms = [A, B].flatMap((v) => [v.toString(), v.toString('hex'), v.toString('base64'), createHash('sha256').update(v).digest('hex')]);
    const modes = await Promise.all(files.map(async (f) => ((await stat(join(dir, f))).mode & 0o777).toString(8)));
    expect({
      held: forms.filter((f) => all.includes(f)),
      dir: ((await stat(dir)).mode & 0o777).toString(8),
      modes: [...new Set(modes)],
      files: files.length,
    }).toEqual({ held: [], dir: '700', modes: ['600'], files: 3 });
  });

  it('a directory others may write, or a key others may read: not used, said once', async () => {
    const dir = await cacheDir();
    await (await open(dir, [A]))!.recordContent(CONTENT, 1);
    const warnings: string[] = [];
    await chmod(dir, 0o777);
    const open1 = await open(dir, [A], 'build-1', warnings);
    await chmod(dir, 0o700);
    await chmod(join(dir, 'key'), 0o644);
    const open2 = await open(dir, [A], 'build-1', warnings);
    expect({ open1, open2, warnings: warnings.map((w) => w.replace(dir, 'DIR')) }).toEqual({
      open1: undefined,
      open2: undefined,
      warnings: [expect.stringMatching(/^the cache of audited layers is not used: DIR is mode 777/), expect.stringMatching(/DIR\/key is mode 644/)],
    });
  });

  it('HOIST_AUDIT_CACHE=off: none; relative: refused by name; else XDG_CACHE_HOME, RUNNER_TOOL_CACHE, ~/.cache', () => {
    expect(auditCacheDir({ HOIST_AUDIT_CACHE: 'off', HOME: '/home/u' })).toBeUndefined();
    expect(() => auditCacheDir({ HOIST_AUDIT_CACHE: 'cache' })).toThrow(/HOIST_AUDIT_CACHE is 'cache': set an absolute directory/);
    expect([
      auditCacheDir({ XDG_CACHE_HOME: '/x', RUNNER_TOOL_CACHE: '/t', HOME: '/h' }),
      auditCacheDir({ RUNNER_TOOL_CACHE: '/t', HOME: '/h' }),
      auditCacheDir({ HOME: '/h' }),
      auditCacheDir({}),
    ]).toEqual(['/x/hoist/audited-layers', '/t/hoist/audited-layers', '/h/.cache/hoist/audited-layers', undefined]);
  });
});

describe('a damaged entry is ignored with a warning', () => {
  it('an edited size, a forged MAC, JSON cut short, a symlink: each not found, each said', async () => {
    const dir = await cacheDir();
    const c = (await open(dir, [A]))!;
    const edits: Array<(path: string, text: string) => Promise<void>> = [
      (p, t) => writeFile(p, t.replace(/"size":\d+/, '"size":99')),
      (p, t) => writeFile(p, t.replace(/"mac":"[0-9a-f]/, '"mac":"z')),
      (p, t) => writeFile(p, t.slice(0, 20)),
      async (p) => (await rm(p), await mkdir(join(dir, 'elsewhere'), { recursive: true }), await symlink(join(dir, 'elsewhere'), p)),
    ];
    const results = [];
    for (const edit of edits) {
      await c.recordContent(CONTENT, 1);
      const entry = (await readdir(dir)).find((f) => f !== 'key' && f !== 'elsewhere')!;
      await edit(join(dir, entry), await readFile(join(dir, entry), 'utf8'));
      const warnings: string[] = [];
      const found = await (await open(dir, [A], 'build-1', warnings))!.cleanContent(CONTENT);
      results.push({ found, said: warnings.length === 1 && /a damaged entry of the cache of audited layers, ignored/.test(warnings[0]!) });
      await rm(join(dir, entry), { force: true, recursive: true });
    }
    expect(results).toEqual(edits.map(() => ({ found: undefined, said: true })));
  });
});
