// Property: a git pack is read as git reads it — every object whole, deltas resolved against their
// bases — so a value that a later commit rotated, edited or removed is found in the object that held
// it (`pack-x.pack!/<id>`: `git cat-file -p <id>` shows it), even where git stored that object as a
// delta that copies part of the value from its base (the old way, scanning each zlib stream's
// inserted bytes, missed it: asserted below on the stored delta). Each history has a clean twin (the
// same history, another value) that gives no finding and no limit. Packs are made by the real git
// (`gc --aggressive`, `repack -adf --depth=50 --window=250`, `pack-objects --no-delta-base-offset`,
// `bundle create`, a sha256 repository). Nearest real-world variants beside each case.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { craftedPack, deltaSize, Repo, storedData } from './gitpack.testing.js';
import { auditFiles, has, SECRET } from './testing.js';

const CLEAN = SECRET.replace('value', 'other');
/** The value rotated to: it shares a long prefix with SECRET, so the old version's delta copies most of it. */
const ROTATED = `${SECRET.slice(0, 28)}rotated-2026`;
const lines = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `SETTING_${i}=value number ${i} of ${tag}\n`).join('');
const repos: Repo[] = [];
const repo = (format?: 'sha1' | 'sha256') => {
  const r = new Repo(format);
  repos.push(r);
  return r;
};
afterEach(() => void repos.splice(0).forEach((r) => r.rm()));

/** A token rotated in a later commit (which also grows the file, so git keeps the new version whole and the old as a delta). */
function rotated(r: Repo, value: string): string {
  r.commit({ 'index.js': 'console.log("hello")\n', '.env': `${lines(30, 'env')}TOKEN=${value}\n` }, 'init');
  r.commit({ '.env': `${lines(30, 'env')}TOKEN=${ROTATED}\n${lines(5, 'more')}` }, 'rotate the token');
  return 'HEAD~1:.env';
}

/** A secret line added to a settings file, then removed (by a commit that also adds settings: git keeps that one whole). */
function removed(r: Repo, value: string): string {
  const head = lines(200, 'settings').split('\n');
  r.commit({ 'settings.py': lines(200, 'settings') }, 'v1');
  r.commit({ 'settings.py': [...head.slice(0, 100), `SECRET_KEY = "${value}"`, ...head.slice(100)].join('\n') }, 'staging');
  r.commit({ 'settings.py': `${lines(200, 'settings')}${lines(20, 'added later')}` }, 'remove the key, add settings');
  return 'HEAD~1:settings.py';
}

/** The value in the first of 10 commits that each edit one more line (and the value itself once): the oldest version is deepest in git's chain. */
function deep(r: Repo, value: string): string {
  const file = (i: number, v: string) =>
    `${Array.from({ length: 80 }, (_, k) => `LINE_${k}=${k <= i * 8 ? `edited in revision ${Math.floor(k / 8)}` : 'as first written'}\n`).join('')}API_KEY=${v}\n${lines(i, 'tail')}`;
  r.commit({ 'config/app.env': file(0, value) }, 'rev 0');
  for (let i = 1; i < 10; i++) r.commit({ 'config/app.env': file(i, ROTATED) }, `rev ${i}`);
  return 'HEAD~9:config/app.env';
}

describe.skipIf(!has('git'))('git packs, deltas resolved', () => {
  it.each([
    ['a token rotated to a value sharing its prefix', rotated, 1, false],
    ['a secret line committed then removed', removed, 1, true],
    ['a value in the oldest of 10 edits (a deep delta chain)', deep, 8, false],
  ] as const)(
    '%s: found in the object that held it, named by its id; the clean twin gives nothing',
    async (_name, history, minDepth, inLiterals) => {
      // Nearest real-world variants: `COPY . .` of a checkout whose history rotated a GitHub token, reverted a settings.py, or edited a .env for months.
      const r = repo();
      const spec = history(r, SECRET);
      r.repack();
      const id = r.id(spec);
      const { offset, depth } = r.stored(id);
      expect(depth).toBeGreaterThanOrEqual(minDepth);
      const { path, bytes } = r.pack();
      // Whether the stored delta's inserted bytes alone hold the value (when not, scanning them, the old way, missed it).
      expect(storedData(bytes, offset).includes(SECRET)).toBe(inLiterals);
      expect(await auditFiles(r.packFiles())).toEqual([{ severity: 'leak', what: 'token', path: `${path}!/${id}` }]);
      const twin = repo();
      history(twin, CLEAN);
      twin.repack();
      expect(await auditFiles(twin.packFiles())).toEqual([]);
    },
    60_000,
  );

  it('REF_DELTA (`git pack-objects --no-delta-base-offset`, as older servers and some tools write packs): resolved by base id', async () => {
    // Nearest real-world variant: a pack fetched from a server without ofs-delta, kept as-is in .git/objects/pack.
    for (const value of [SECRET, CLEAN]) {
      const r = repo();
      const spec = rotated(r, value);
      r.repack();
      const list = r.git('rev-list', '--objects', '--all').toString();
      const prefix = join(r.dir, 'refpack');
      const name = execGit(r, list, prefix);
      const bytes = readFileSync(`${prefix}-${name}.pack`);
      // The object holding the value is stored as a REF_DELTA (type 7: its base named by id, not by offset).
      expect((bytes[r.stored(r.id(spec), `${prefix}-${name}.idx`).offset]! >> 4) & 7).toBe(7);
      const found = await auditFiles({ [`srv/refpack-${name}.pack`]: bytes });
      expect(found).toEqual(value === SECRET ? [{ severity: 'leak', what: 'token', path: `srv/refpack-${name}.pack!/${r.id(spec)}` }] : []);
    }
  }, 60_000);

  it('a git bundle (`git bundle create --all`): its header lines skipped, its pack read', async () => {
    // Nearest real-world variant: a repository shipped as a .bundle for an offline install.
    for (const value of [SECRET, CLEAN]) {
      const r = repo();
      const spec = rotated(r, value);
      r.git('bundle', 'create', '-q', 'app.bundle', '--all');
      const found = await auditFiles({ 'opt/app.bundle': readFileSync(join(r.dir, 'app.bundle')) });
      expect(found).toEqual(value === SECRET ? [{ severity: 'leak', what: 'token', path: `opt/app.bundle!/${r.id(spec)}` }] : []);
    }
  }, 60_000);

  it.skipIf(!sha256Works())(
    'a sha256 repository (`git init --object-format=sha256`): objects named by their sha256 ids, a v3 bundle too',
    async () => {
      // Nearest real-world variant: a repository created with the sha256 object format (git ≥ 2.29, experimental).
      for (const value of [SECRET, CLEAN]) {
        const r = repo('sha256');
        const spec = rotated(r, value);
        r.repack();
        const { path } = r.pack();
        expect(path).toMatch(/pack-[0-9a-f]{64}\.pack$/);
        const id = r.id(spec);
        expect(await auditFiles(r.packFiles())).toEqual(value === SECRET ? [{ severity: 'leak', what: 'token', path: `${path}!/${id}` }] : []);
        r.git('bundle', 'create', '-q', 'app.bundle', '--all');
        const bundle = readFileSync(join(r.dir, 'app.bundle'));
        expect(bundle.subarray(0, 16).toString()).toBe('# v3 git bundle\n');
        expect(await auditFiles({ 'opt/app.bundle': bundle })).toEqual(
          value === SECRET ? [{ severity: 'leak', what: 'token', path: `opt/app.bundle!/${id}` }] : [],
        );
      }
    },
    60_000,
  );

  it('a thin pack (`pack-objects --thin`, bases outside it): deltas scanned as their inserted bytes, quietly — no limit for an intact pack', async () => {
    // Nearest real-world variant: a pack received by `git fetch` before index-pack completed it, kept in a CI cache.
    for (const value of [SECRET, CLEAN]) {
      const r = repo();
      r.commit({ 'settings.py': lines(100, 'settings') }, 'v1');
      r.commit({ 'settings.py': `${lines(50, 'settings')}TOKEN = "${value}"\n${lines(100, 'settings').split('\n').slice(50).join('\n')}` }, 'v2');
      const pack = execFileSync('git', ['pack-objects', '-q', '--thin', '--stdout', '--revs'], { cwd: r.dir, input: 'HEAD\n^HEAD~1\n' });
      const found = await auditFiles({ 'srv/thin.pack': pack });
      const paths = found.map((f) => `${f.severity} ${f.what} ${f.path.replace(/@\d+ /, '@N ')}`);
      expect(paths).toEqual(value === SECRET ? ['leak token srv/thin.pack!/@N (delta)'] : []);
    }
  }, 60_000);

  it('a pack inside other bytes (a cache, a backup) is read as a pack, once, its objects not again as zlib streams', async () => {
    // Nearest real-world variant: a CI cache archive format that stores a fetched pack after its own header.
    for (const value of [SECRET, CLEAN]) {
      const r = repo();
      const spec = rotated(r, value);
      r.repack();
      const before = Buffer.from('CACHEv1\0'.repeat(100));
      const file = Buffer.concat([before, r.pack().bytes, Buffer.from('trailing bytes of the cache\n'.repeat(50))]);
      const found = await auditFiles({ 'var/cache/objects.bin': file });
      expect(found).toEqual(value === SECRET ? [{ severity: 'leak', what: 'token', path: `var/cache/objects.bin@${before.length}!/${r.id(spec)}` }] : []);
    }
  }, 60_000);
});

describe.skipIf(!has('git'))('damaged git packs: a limit finding naming the pack, never a throw', () => {
  it('cut short anywhere inside its objects, or with bytes changed inside a stream: "not fully audited"', async () => {
    // Nearest real-world variants: a pack copied while `git gc` rewrote it, a disk error in an image layer.
    const r = repo();
    deep(r, CLEAN);
    r.repack();
    const { path, bytes } = r.pack();
    const limits = (found: Awaited<ReturnType<typeof auditFiles>>) => found.filter((f) => f.severity === 'limit' && f.path === path);
    for (const cut of [13, 40, Math.floor(bytes.length / 3), Math.floor(bytes.length / 2), bytes.length - 25]) {
      const found = await auditFiles({ [path]: bytes.subarray(0, cut) });
      expect(limits(found), `cut at ${cut}`).toHaveLength(1);
      expect(limits(found)[0]!.what).toMatch(/truncated git pack/);
    }
    // The trailer (the pack's checksum) cut: every object was read.
    expect(await auditFiles({ [path]: bytes.subarray(0, bytes.length - 10) })).toEqual([]);
    for (const at of [Math.floor(bytes.length / 4), Math.floor(bytes.length / 2)]) {
      const damaged = Buffer.from(bytes);
      for (let i = 0; i < 8; i++) damaged[at + i] = damaged[at + i]! ^ 0x5a;
      const found = await auditFiles({ [path]: damaged });
      expect(found.length, `bytes changed at ${at}`).toBeGreaterThan(0);
      expect(found.every((f) => f.severity === 'limit' && f.path.startsWith(path))).toBe(true);
    }
  }, 60_000);
});

function execGit(r: Repo, list: string, prefix: string): string {
  // pack-objects reads the object list on stdin (object ids and paths: no value).
  return execFileSync('git', ['pack-objects', '-q', '--no-delta-base-offset', '--window=250', '--depth=50', prefix], {
    cwd: r.dir,
    input: list,
    env: { PATH: process.env.PATH, HOME: r.dir, GIT_CONFIG_NOSYSTEM: '1' },
  })
    .toString()
    .trim();
}

function sha256Works(): boolean {
  if (!has('git')) return false;
  try {
    new Repo('sha256').rm();
    return true;
  } catch {
    return false;
  }
}

describe('other formats starting with PACK', () => {
  it('content whose first object does not parse is not claimed as a pack: read as it is, no limit', async () => {
    // Nearest real-world variant: a Quake-style .pak (`PACK`, its directory offset, then files), whose offset reads as version 2.
    const pak = Buffer.concat([Buffer.from('PACK\0\0\0\x02\x40\0\0\0'), Buffer.from(`maps/start.cfg\0\0\0\0TOKEN=${SECRET}\n`.repeat(3))]);
    expect(await auditFiles({ 'games/pak0.pak': pak })).toEqual([{ severity: 'leak', what: 'token', path: 'games/pak0.pak' }]);
  });
});

describe('crafted deltas: bounds hold', () => {
  const base = Buffer.from('x'.repeat(100));
  /** A delta copying the base's 100 bytes `n` times: 5 bytes an instruction. */
  const copies = (target: number, n: number) => Buffer.concat([deltaSize(100), deltaSize(target), Buffer.alloc(n * 3, Buffer.from([0x90, 100, 0]))]);

  it('a delta claiming a huge result: not built, a limit naming the object, its bytes still scanned', async () => {
    // Nearest real-world variant: a pack crafted to exhaust a scanner's memory (a delta bomb) in an uploaded repository.
    const found = await auditFiles({ 'srv/bomb.pack': craftedPack([{ blob: base }, { delta: copies(2 ** 30, 10) }]) });
    expect(found).toEqual([
      { severity: 'limit', what: expect.stringMatching(/git delta resolving to 1073741824 bytes/), path: expect.stringMatching(/^srv\/bomb\.pack!\/@\d+$/) },
    ]);
  });

  it('deltas that each expand 100 bytes to 3 MB: stopped by the expansion bound, not by memory', async () => {
    const n = 30_000;
    const delta = Buffer.concat([deltaSize(100), deltaSize(n * 100), Buffer.alloc(n * 3, Buffer.from([0x91, 0, 100]))]);
    const found = await auditFiles({ 'srv/bomb.pack': craftedPack([{ blob: base }, ...Array.from({ length: 40 }, () => ({ delta }))]) });
    expect(found.map((f) => f.severity)).toContain('limit');
    expect(found.find((f) => f.severity === 'limit')!.what).toMatch(/expands more than|decoded bytes/);
  });

  it('a delta copying past its base, or with the reserved instruction 0: a limit naming it, the pack read on', async () => {
    const bad = Buffer.concat([deltaSize(100), deltaSize(200), Buffer.from([0x91, 50, 100])]);
    const reserved = Buffer.concat([deltaSize(100), deltaSize(1), Buffer.from([0])]);
    const found = await auditFiles({
      'srv/bad.pack': craftedPack([{ blob: base }, { delta: bad }, { blob: Buffer.from(`TOKEN=${SECRET}\n`) }, { delta: reserved }]),
    });
    expect(found).toEqual([
      {
        severity: 'limit',
        what: expect.stringMatching(/damaged git delta \(a delta copying past the end of its base\)/),
        path: expect.stringMatching(/^srv\/bad\.pack!\/@\d+$/),
      },
      { severity: 'leak', what: 'token', path: expect.stringMatching(/^srv\/bad\.pack!\/[0-9a-f]{40}$/) },
      { severity: 'limit', what: expect.stringMatching(/reserved instruction 0/), path: expect.stringMatching(/^srv\/bad\.pack!\/@\d+$/) },
    ]);
  });
});
