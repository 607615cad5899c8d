// Property: in a cramfs image made by the real mkfs.cramfs, a file of more than one 4 KiB page — each
// page a zlib stream of its own — is given back whole, so a value across two pages is found under
// the file's path; one-page files are left to the streams found in the image's own bytes (read on as
// plain content, less the superblock); in random chunk sizes; the clean twin passes. Generated:
// seeded values with + / = & < > % " \ ` and Latin-1 letters at a page boundary or at random, random
// trees and file sizes; random heads with the magic are not claimed, and a damaged page is named.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { cramfs, isCramfs, multiPageFiles } from './cramfs.js';
import { decodeWith } from './decode.testing.js';
import { auditFiles, has, SECRET } from './testing.js';

const rng = seededPerTest(0xc4a3f5);
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=&<>%"\\`éß';

/** A config holding `value` across a page boundary (or at random), filler lines around it. */
function config(value: string): Buffer {
  const line = Buffer.from(`API_TOKEN=${value}\n`);
  const at = rng.next() < 0.7 ? 4096 * rng.int(1, 4) - rng.int(1, line.length - 1) : rng.int(0, 12_000);
  const fill = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i % 40 === 39 ? '\n' : String.fromCharCode(97 + rng.int(26)))).join(''));
  return Buffer.concat([fill(at), line, fill(rng.int(1, 9000))]);
}

/** mkfs.cramfs of a tree of random files and `etc/app/app.conf`. */
function image(files: Record<string, Buffer>): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'hoist-cramfs-'));
  try {
    for (const [name, bytes] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, 'root', name)), { recursive: true });
      writeFileSync(join(dir, 'root', name), bytes);
    }
    execFileSync('mkfs.cramfs', [join(dir, 'root'), join(dir, 'img')], { stdio: 'ignore' });
    return readFileSync(join(dir, 'img'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const tree = (conf: Buffer) => {
  const files: Record<string, Buffer> = { 'etc/app/app.conf': conf };
  for (let i = 0; i < rng.int(0, 6); i++)
    files[`${rng.pick(['bin', 'lib', 'etc'])}/f${i}`] = rng.next() < 0.5 ? rng.bytes(rng.int(0, 20_000)) : Buffer.from('x'.repeat(rng.int(0, 9000)));
  return files;
};

describe.runIf(has('mkfs.cramfs'))(`cramfs images (seed ${rng.seed})`, { timeout: 120_000 }, () => {
  it('every file of more than a page given back whole, in random chunk sizes; the plain bytes exact', async () => {
    for (let n = 0; n < 8; n++) {
      const files = tree(config(rng.chars(ALPHABET, rng.int(8, 60))));
      const img = image(files);
      const joined = new Map([...multiPageFiles(img)].map(([p, b]) => [p, b]));
      const expected = Object.entries(files).filter(([, b]) => b.length > 4096);
      expect(new Set(joined.keys())).toEqual(new Set(expected.map(([p]) => p)));
      for (const [p, b] of expected) expect(joined.get(p)?.equals(b), p).toBe(true);
      const chunk = rng.int(1, 70_000);
      const { out, limits } = await decodeWith(cramfs, img, { chunk });
      const plain = Buffer.concat([Buffer.alloc(76), img.subarray(76)]);
      expect({ plain: out.subarray(0, img.length).equals(plain), limits }, `chunks of ${chunk}`).toEqual({ plain: true, limits: [] });
      expect(out.length - img.length).toBe(expected.reduce((s, [, b]) => s + b.length, 0));
    }
  });

  it('random heads are not claimed; a damaged page is named, not joined', async () => {
    for (let i = 0; i < 20_000; i++) {
      const head = rng.bytes(128);
      head.set([0x45, 0x3d, 0xcd, 0x28]);
      expect(isCramfs(head)).toBe(false);
    }
    const img = image({ 'etc/app/app.conf': config('x'.repeat(30)) });
    const damaged = Buffer.from(img);
    let last = img.length - 1;
    while (img[last] === 0) last--;
    damaged.fill(0xff, last - 150, last - 50);
    const { limits } = await decodeWith(cramfs, damaged);
    // The image's CRC named too (fs-readers-fuzz: a damaged inode or directory otherwise ends the walk in silence).
    expect(limits).toEqual([
      expect.stringMatching(/^a cramfs image whose CRC does not hold/),
      expect.stringMatching(/^a cramfs file whose pages cannot be read/),
    ]);
  });

  it('through the audit: the value across pages found under the file, the clean twin passes', async () => {
    let conf = config(SECRET);
    while (!conf.subarray(0, 4096).includes(Buffer.from('API_TOKEN=')) || conf.subarray(0, 4096).includes(Buffer.from(SECRET))) conf = config(SECRET);
    const found = await auditFiles({
      'srv/rootfs.cramfs': image({ 'etc/app/app.conf': conf }),
      'srv/clean.cramfs': image(tree(config('an-other-value-of-the-same-length+/='))),
    });
    expect(found.map((f) => `${f.severity} ${f.path}`)).toEqual(['leak srv/rootfs.cramfs!/etc/app/app.conf']);
  });
});
