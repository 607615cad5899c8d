// Property: an OSTree archive repository's content objects (`.filez`: a big-endian header length, 4
// bytes of padding, the GVariant file header, then the file as raw deflate) are read back to the
// committed files byte for byte, so a credential committed into a Flatpak/OSTree repo served from an
// image is found in objects/XX/<hash>.filez!; a symlink's object (header only) gives nothing and names
// nothing; in any chunk sizes. Real: `ostree init --mode=archive-z2` + `ostree commit` of a tree of
// seeded files (text and random bytes, empty, large). A cut object is named; a header whose padding
// is not zero, or an object not named .filez, is not claimed; random heads named .filez are not claimed.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { decodeWith } from './decode.testing.js';
import { filezStart, ostreeFilez } from './ostree.js';
import { auditFiles, has, SECRET } from './testing.js';

const rng = seededPerTest(0x05e3);

/** The .filez objects of an archive-z2 repo committed from `files` (and a symlink), by path under objects/. */
function archive(files: Record<string, Uint8Array | string>): Map<string, Buffer> {
  const dir = mkdtempSync(join(tmpdir(), 'hoist-ostree-'));
  try {
    for (const [name, content] of Object.entries(files)) {
      mkdirSync(join(dir, 'tree', name, '..'), { recursive: true });
      writeFileSync(join(dir, 'tree', name), content);
    }
    symlinkSync('app.conf', join(dir, 'tree', 'link.conf'));
    execFileSync('ostree', [`--repo=${dir}/repo`, 'init', '--mode=archive-z2']);
    execFileSync('ostree', [`--repo=${dir}/repo`, 'commit', '-b', 'app/x86_64/stable', `--tree=dir=${dir}/tree`], { stdio: 'ignore' });
    const objects = new Map<string, Buffer>();
    for (const sub of readdirSync(join(dir, 'repo/objects')))
      for (const f of readdirSync(join(dir, 'repo/objects', sub)))
        if (f.endsWith('.filez')) objects.set(`repo/objects/${sub}/${f}`, readFileSync(join(dir, 'repo/objects', sub, f)));
    return objects;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.runIf(has('ostree'))(`OSTree archive content objects (seed ${rng.seed})`, { timeout: 120_000 }, () => {
  it('every committed file read back byte for byte from its .filez in random chunk sizes; a symlink gives nothing', async () => {
    const files: Record<string, Buffer> = {
      'etc/app/app.conf': Buffer.from(`API_TOKEN=${rng.chars('ABCDEFabcdef0123456789+/=&<>%"\\é😀', 40)}\n${'x = 1\n'.repeat(rng.int(1, 5000))}`),
      'bin/blob': rng.bytes(rng.int(1, 300_000)),
      empty: Buffer.alloc(0),
      'share/big.txt': Buffer.from(Array.from({ length: 30_000 }, (_, i) => `row ${i} ${rng.int(1e6)}\n`).join('')),
    };
    const objects = archive(files);
    const wanted = new Set(Object.values(files).map((b) => b.toString('base64')));
    const read = new Set<string>();
    for (const [path, obj] of objects) {
      const chunk = rng.pick([1, 5, 8, 33, 4096, obj.length]);
      const { out, limits } = await decodeWith(ostreeFilez, obj, { chunk });
      expect({ limits, sniffed: ostreeFilez.sniff(obj.subarray(0, 512), path) }, path).toEqual({ limits: [], sniffed: true });
      const text = out.toString('base64');
      expect(wanted.has(text) || out.length === 0, `${path}: a committed file, or a symlink's object (nothing)`).toBe(true);
      read.add(text);
    }
    expect([...wanted].filter((w) => !read.has(w))).toEqual([]);
  });

  it('a cut object is named; near misses and random heads are not claimed', async () => {
    const obj = [...archive({ 'a.conf': rng.bytes(5000) }).entries()].find(([, o]) => o.length > 200)!;
    const start = filezStart(obj[1])!;
    for (let k = 0; k < 10; k++) {
      const cut = await decodeWith(ostreeFilez, obj[1].subarray(0, rng.int(16, obj[1].length - 1)), { chunk: rng.int(1, 300) });
      expect(cut.limits.length, `cut at ${cut.out.length}`).toBe(1);
    }
    expect((await decodeWith(ostreeFilez, obj[1].subarray(0, start - 1))).limits).toEqual([
      'a damaged OSTree content object (it ends inside its header): not audited',
    ]);
    const padded = Buffer.from(obj[1]);
    padded[6] = 1;
    expect(ostreeFilez.sniff(padded, obj[0])).toBe(false);
    expect(ostreeFilez.sniff(obj[1], 'repo/objects/ab/cd.file')).toBe(false);
    for (let i = 0; i < 20_000; i++) expect(ostreeFilez.sniff(rng.bytes(64), 'objects/00/x.filez')).toBe(false);
  });

  it('a damaged stream that ends before the size its header gives is named (a word of the stream set to 0xffffffff ended it after 175 bytes of a 5 KB file, silently)', async () => {
    const [, obj] = [...archive({ 'a.conf': Buffer.from('API_TOKEN=value\n'.repeat(200)) }).entries()].find(([, o]) => o.length > filezStart(o)!)!;
    const start = filezStart(obj)!;
    const whole = await decodeWith(ostreeFilez, obj);
    expect(whole.limits).toEqual([]);
    const ended = Buffer.concat([obj.subarray(0, start), deflateRawSync(whole.out.subarray(0, 100)), obj.subarray(start)]);
    const short = await decodeWith(ostreeFilez, ended);
    expect(short.out.length).toBe(100);
    expect(short.limits).toEqual([
      `a damaged OSTree content object (its content ends after 100 of the ${whole.out.length} bytes its header gives): the rest is not audited`,
    ]);
  });

  it('through the audit: a committed credential found in its .filez, the clean twin passes', async () => {
    const conf = (v: string) => `API_TOKEN=${v}\n${'option = value\n'.repeat(200)}`;
    const leaky = archive({ 'etc/app/app.env': conf(SECRET) });
    const clean = archive({ 'etc/app/app.env': conf('an-other-value-of-the-same-length+/=') });
    const layer = Object.fromEntries([...[...leaky].map(([p, o]) => [`srv/leaky/${p}`, o]), ...[...clean].map(([p, o]) => [`srv/clean/${p}`, o])]);
    const found = await auditFiles(layer);
    expect(found.map((f) => `${f.severity} ${f.path.replace(/[0-9a-f]{2}\/[0-9a-f]{62}/, 'H')}`)).toEqual(['leak srv/leaky/repo/objects/H.filez!']);
  });
});
