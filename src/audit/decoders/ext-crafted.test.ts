// Property: what is not an ext image is not claimed as one, and what is a damaged one is named,
// never hangs or throws. Random 2 KiB heads with the magic 0xEF53 planted at byte 1080 (the rest
// random, or the usual fields plausible and the counts not) are not taken for a superblock; content
// whose first 512 bytes are zero but is no image is read once, as plain content (a stream inside it
// found at its own offset, no decoded-bytes bound spent on it), and zeros alone are not named; a truncated
// image is named as cut short; a crafted cyclic extent tree or indirect block (made from real
// `mke2fs -d` images by rewriting one pointer) names the file; damaged copies of real images (cut at
// random, bits flipped) end and throw nothing.
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { DEFAULT_LIMITS } from '../nested.js';
import { damaged, decodeWith } from './decode.testing.js';
import { extSuperblock } from './ext-fs.js';
import { ext } from './ext.js';
import { fragmented, mkfs, straddle as straddleWith } from './ext.testing.js';
import { auditFiles, has, SECRET, tool } from './testing.js';

const rng = seededPerTest(0xef5301);
const straddle = (v: string, at: number, tail?: number) => straddleWith(rng, v, at, tail);

/** A number from debugfs's output for `request` on `img`. */
const debugfs = (img: Buffer, request: string, pattern: RegExp): number => {
  const m = pattern.exec(tool('debugfs', ['-R', request, 'img'], { img }).toString());
  if (!m) throw new Error(`debugfs ${request}: no ${pattern}`);
  return Number(m[1]);
};

describe(`ext2/3/4: heads that are not images (seed ${rng.seed})`, () => {
  it('20,000 random 2 KiB heads with the magic at 1080 are not taken for a superblock', () => {
    for (let i = 0; i < 20_000; i++) {
      const head = rng.bytes(2048);
      if (i % 2) head.fill(0, 0, 1024);
      const v = new DataView(head.buffer, head.byteOffset + 1024);
      v.setUint16(56, 0xef53, true);
      if (i % 4 >= 2) {
        // The usual fields plausible (1 KiB blocks, revision 1, 256-byte inodes, 8192 blocks a group): only the counts random.
        v.setUint32(24, 0, true);
        v.setUint32(20, 1, true);
        v.setUint32(76, 1, true);
        v.setUint16(88, 256, true);
        v.setUint32(84, 11, true);
        v.setUint32(32, 8192, true);
        v.setUint32(36, 8192, true);
        v.setUint32(28, 0, true);
        v.setUint16(58, 1, true);
        v.setUint16(60, 1, true);
        v.setUint32(72, 0, true);
        v.setUint32(96, 0, true);
        v.setUint32(40, 1 + rng.int(8192), true);
      }
      expect(extSuperblock(head)).toBeUndefined();
      expect(ext.sniff(head, '')).toBe(false);
    }
  });

  it('content zero for its first 512 bytes that is no image: read once as plain, a stream in it found at its own offset; zeros alone are not named', async () => {
    const gz = gzipSync(Buffer.from(`API_TOKEN=${SECRET}\n`));
    const at = rng.int(512, 100_000);
    const disk = Buffer.concat([Buffer.alloc(at), gz, Buffer.alloc(rng.int(0, 5000)), rng.bytes(rng.int(100_000, 3_000_000))]);
    const files = { 'srv/disk.bin': disk, 'srv/zeros.bin': Buffer.alloc(rng.int(512, 3_000_000)), 'srv/short.bin': Buffer.alloc(rng.int(512, 2048)) };
    expect((await auditFiles(files)).map((f) => `${f.severity} ${f.path}`)).toEqual([`leak srv/disk.bin@${at}!`]);
    // Read once: the file's decoded-bytes bound is not spent on the file itself (it was, when a pass-through decoder
    // claimed zero-headed content to look at its 2 KiB and handed it on as decoded content: a 1 GiB disk image named).
    const bound = { ...DEFAULT_LIMITS, fileBytes: 64 * 1024 };
    expect((await auditFiles(files, bound)).map((f) => `${f.severity} ${f.path}`)).toEqual([`leak srv/disk.bin@${at}!`]);
    expect(ext.sniff(disk.subarray(0, 2048), '')).toBe(false);
  });
});

describe.runIf(has('mke2fs') && has('debugfs'))(`ext2/3/4: damaged and crafted images (seed ${rng.seed})`, { timeout: 300_000 }, () => {
  it('a truncated image is named as cut short; its files before the cut still joined', async () => {
    const conf = straddle(SECRET, 12 * 1024);
    const img = mkfs('-t ext2 -b 1024', { 'etc/app/bundle.env': conf, 'var/pad': rng.bytes(600_000) }, '4M');
    const { out, limits } = await decodeWith(ext, img.subarray(0, 2 << 20));
    expect(limits).toEqual(['an ext2/3/4 image cut short (2097152 of 4194304 bytes): files there are not joined']);
    expect(out.includes(conf)).toBe(true);
  });

  it('a cyclic extent tree (an index block pointing at itself) names the file, and the rest is read', async () => {
    const img = fragmented(rng, straddle('x'.repeat(20), 5000, 150_000), 40);
    const leaf = debugfs(img, 'ex /app.conf', /^\s*0\/\s*1\s+1\/\s*1\s+\d+\s+-\s+\d+\s+(\d+)/m);
    const inodeBlock = debugfs(img, 'imap /app.conf', /located at block (\d+)/);
    const inodeOffset = debugfs(img, 'imap /app.conf', /offset (0x[0-9a-f]+)/);
    const crafted = Buffer.from(img);
    // The root says depth 2; the leaf block becomes an index node of depth 1 whose entry points at itself.
    crafted.writeUInt16LE(2, inodeBlock * 4096 + inodeOffset + 40 + 6);
    crafted.writeUInt16LE(1, leaf * 4096 + 6);
    crafted.writeUInt32LE(leaf, leaf * 4096 + 12 + 4);
    crafted.writeUInt16LE(0, leaf * 4096 + 12 + 8);
    const started = Date.now();
    const { limits } = await decodeWith(ext, crafted);
    expect(limits).toEqual([expect.stringMatching(/^an ext2\/3\/4 file whose blocks cannot be followed/)]);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('a cyclic double indirect block (an entry pointing at the block itself) names the file', async () => {
    const img = mkfs('-t ext2 -b 1024', { 'data/big.bin': rng.bytes(300 * 1024) }, '4M');
    const dind = debugfs(img, 'stat /data/big.bin', /\(DIND\):(\d+)/);
    const crafted = Buffer.from(img);
    crafted.writeUInt32LE(dind, dind * 1024);
    const { limits } = await decodeWith(ext, crafted);
    expect(limits).toEqual([expect.stringMatching(/^an ext2\/3\/4 file whose blocks cannot be followed/)]);
  });

  it('damaged copies of real ext2 and ext4 images (cut, bits flipped) end and throw nothing', async () => {
    const images = [
      mkfs('-t ext2 -b 1024', { 'etc/app/bundle.env': straddle('v'.repeat(30), 12 * 1024), 'lib/x': rng.bytes(80_000) }, '1M'),
      mkfs('-t ext4 -O inline_data', { 'etc/k.env': straddle('v'.repeat(30), 60, 20), 'lib/x': rng.bytes(80_000) }, '2M'),
    ];
    for (const img of images) {
      for (const copy of damaged(img, 40)) {
        const { limits } = await decodeWith(ext, copy, { chunk: rng.int(1, 100_000) });
        for (const what of limits) expect(what).toMatch(/^an ext2\/3\/4 (image|file)|^an encrypted ext4 file/);
      }
    }
  });
});
