// Property: in an ext2/ext3/ext4 image made by the real `mke2fs -d` (and `debugfs -w`, as a build
// script updates an image), a file whose content is not one run of the image's bytes — ext2/3's
// indirect blocks between its blocks (single, double, triple), ext4's extents around a group's
// backup superblock or through fragmented free space (an extent tree of depth 1), inline data
// (`-O inline_data`), `-O 64bit` descriptors, `meta_bg` — is given back whole, in logical order,
// under its path, so a value across the cut is found; a file in one run is left to the image's own
// bytes (read on as plain content, less its boot block); in random chunk sizes; each leaky image has
// a clean twin. Generated: seeded values with + / = & < > % " \ ` and Latin-1 letters across a cut
// or at random, random filler and file sizes.
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { decodeWith } from './decode.testing.js';
import { extSuperblock } from './ext-fs.js';
import { cutFiles, ext } from './ext.js';
import { fragmented, mkfs, straddle as straddleWith } from './ext.testing.js';
import { auditFiles, has, SECRET, tool } from './testing.js';

const rng = seededPerTest(0xef53);
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=&<>%"\\`éß';

/** The cut files of `img`, by path, and what the image lacks. */
function cuts(img: Buffer): { files: Map<string, Buffer | undefined>; notes: string[] } {
  const notes = new Set<string>();
  const files = new Map(cutFiles(img, extSuperblock(img)!, notes, () => undefined));
  return { files, notes: [...notes] };
}

/** The decoder on `img` in random chunks: its plain read is the image (up to the superblock's magic as zeros), then the cut files. */
async function decoded(img: Buffer): Promise<{ joined: Buffer; limits: string[] }> {
  const chunk = rng.int(1, 200_000);
  const { out, limits } = await decodeWith(ext, img, { chunk });
  expect(out.subarray(0, img.length).equals(Buffer.concat([Buffer.alloc(1082), img.subarray(1082)])), `chunks of ${chunk}`).toBe(true);
  return { joined: out.subarray(img.length), limits };
}

const straddle = (v: string, at: number, tail?: number) => straddleWith(rng, v, at, tail);
const value = () => rng.chars(ALPHABET, rng.int(8, 60));

describe.runIf(has('mke2fs') && has('debugfs'))(`ext2/3/4 images (seed ${rng.seed})`, { timeout: 300_000 }, () => {
  it.each([
    ['ext2', '-t ext2 -b 1024', 12 * 1024],
    ['ext2, 4 KiB blocks', '-t ext2 -b 4096', 12 * 4096],
    ['ext3', '-t ext3 -b 1024', 12 * 1024],
    ['ext4 without extents', '-t ext4 -O ^extent,^64bit -b 1024', 12 * 1024],
  ])('%s: a value across the 13th block (after the indirect block) given back whole', async (_, options, cut) => {
    const v = value();
    const conf = straddle(v, cut);
    const img = mkfs(options, { 'etc/app/bundle.env': conf, 'etc/hostname': 'box\n' }, '8M');
    expect(img.includes(Buffer.from(v))).toBe(false);
    const { files, notes } = cuts(img);
    expect({ files: [...files.keys()], notes }).toEqual({ files: ['etc/app/bundle.env'], notes: [] });
    expect(files.get('etc/app/bundle.env')?.equals(conf)).toBe(true);
    const { joined, limits } = await decoded(img);
    expect({ joined: joined.equals(conf), limits }).toEqual({ joined: true, limits: [] });
  });

  it('ext2: a file past the double and triple indirect thresholds (sparse), each cut joined, holes bounded', () => {
    const [a, b] = [value(), value()];
    // Logical blocks 268 (the first double-indirect one) and 65804 (the first triple-indirect one), 1 KiB blocks.
    const piece = (v: string, block: number) => {
      const p = straddle(v, 1024, 2000);
      return { p, at: (block - 1) * 1024 };
    };
    const [pa, pb] = [piece(a, 268), piece(b, 65804)];
    const img = tool(
      'sh',
      [
        '-c',
        `mkdir -p root/data && dd if=a of=root/data/big.bin bs=1024 seek=267 status=none && dd if=b of=root/data/big.bin bs=1024 seek=65803 conv=notrunc status=none && mke2fs -q -t ext2 -b 1024 -d root img 2M`,
      ],
      { a: pa.p, b: pb.p },
      'img',
    );
    expect(img.includes(Buffer.from(a)) || img.includes(Buffer.from(b))).toBe(false);
    const big = cuts(img).files.get('data/big.bin')!;
    expect(big.includes(Buffer.from(a)) && big.includes(Buffer.from(b))).toBe(true);
    // 64 MiB of holes read as a block of zeros each: the content is its blocks, not the size it claims.
    expect(big.length).toBeLessThan(16 * 1024);
  });

  it('ext4 -g 1024: a file in three extents (groups begin with a backup superblock), the value across each cut', async () => {
    const ids = Buffer.from(Array.from({ length: 200_000 }, (_, i) => `${i + 1}\n`).join(''));
    const probe = mkfs('-t ext4 -b 1024 -g 1024', { 'var/lib/app/ids.txt': ids });
    const runs = tool('debugfs', ['-R', 'ex /var/lib/app/ids.txt', 'img'], { img: probe }).toString();
    const ends = [...runs.matchAll(/^\s*0\/\s*0\s+\d+\/\s*\d+\s+\d+\s+-\s+(\d+)/gm)].map((m) => (Number(m[1]) + 1) * 1024);
    expect(ends.length).toBeGreaterThan(1);
    for (const leaky of [true, false]) {
      const v = leaky ? value() : 'clean-clean-clean-clean';
      const at = rng.pick(ends.slice(0, -1));
      const line = Buffer.from(`API_TOKEN=${v}`);
      const file = Buffer.concat([ids.subarray(0, at - Math.floor(line.length / 2)), line, ids.subarray(at - Math.floor(line.length / 2) + line.length)]);
      const img = mkfs('-t ext4 -b 1024 -g 1024', { 'var/lib/app/ids.txt': file });
      expect(img.includes(Buffer.from(v))).toBe(false);
      const { joined, limits } = await decoded(img);
      expect({ joined: joined.equals(file), limits }).toEqual({ joined: true, limits: [] });
    }
  });

  it('ext4: a file written into fragmented free space (an extent tree of depth 1, dozens of extents) given back whole', () => {
    const conf = straddle(value(), rng.int(4096, 150_000), 100_000);
    const img = fragmented(rng, conf);
    const ex = tool('debugfs', ['-R', 'ex /app.conf', 'img'], { img }).toString();
    expect(ex).toMatch(/^\s*0\/\s*1\s/m);
    const { files, notes } = cuts(img);
    expect({ conf: files.get('app.conf')?.equals(conf), notes }).toEqual({ conf: true, notes: [] });
  });

  it('ext4 -O inline_data: a small file past the inode block array (60 bytes) joined with its attribute; inline directories walked', async () => {
    for (let n = 0; n < 6; n++) {
      const v = value();
      // The file stays inline only while it fits the inode (60 bytes and the system.data attribute's ~68 at -I 256): at
      // HOIST_TEST_SEED=6 a 129-byte one went to a block of its own, the value whole in the image. 61 + half the value
      // come before the tail, so the tail is cut to keep the file at 120 bytes at most.
      const conf = straddle(v, 60, Math.max(0, Math.min(rng.int(0, 40), 120 - 61 - Math.ceil(Buffer.byteLength(v) / 2))));
      const img = mkfs('-t ext4 -I 256 -O inline_data', { 'etc/app/k.env': conf, 'etc/app/sub/deep.env': conf, 'etc/short': 'x=1\n' });
      expect(img.includes(Buffer.from(v))).toBe(false);
      const { files, notes } = cuts(img);
      expect({ notes, paths: [...files.keys()].sort() }).toEqual({ notes: [], paths: ['etc/app/k.env', 'etc/app/sub/deep.env'] });
      expect(files.get('etc/app/k.env')?.equals(conf)).toBe(true);
      const { joined, limits } = await decoded(img);
      expect({ joined: joined.equals(Buffer.concat([conf, conf])), limits }).toEqual({ joined: true, limits: [] });
    }
  });

  it.each([
    ['-O 64bit', '-t ext4 -O 64bit -b 1024 -g 1024', 64, '4M'],
    // 32 groups: the descriptors of groups 16 on (64bit) or beyond 32 are in their meta group's first group.
    ['-O 64bit,meta_bg', '-t ext4 -O 64bit,meta_bg,^resize_inode -b 1024 -g 256', 64, '8M'],
    ['-O ^64bit,meta_bg', '-t ext4 -O ^64bit,meta_bg,^resize_inode -b 1024 -g 256', 32, '16M'],
    ['-O ^64bit,^flex_bg', '-t ext4 -O ^64bit,^flex_bg -b 1024 -g 1024', 32, '4M'],
  ])('ext4 %s: a file cut by group boundaries given back whole, in random chunk sizes', async (_, options, descSize, size) => {
    const conf = straddle(value(), rng.int(100_000, 900_000), 1_100_000); // over a group: cut by the next group's metadata
    const img = mkfs(options, { 'srv/other': rng.bytes(rng.int(0, 50_000)), 'srv/data/settings.conf': conf }, size);
    const fs = extSuperblock(img)!;
    expect(fs.descSize).toBe(descSize);
    const { files, notes } = cuts(img);
    expect({ conf: files.get('srv/data/settings.conf')?.equals(conf), notes }).toEqual({ conf: true, notes: [] });
    const { limits } = await decoded(img);
    expect(limits).toEqual([]);
  });

  it('property: a value at a generated place in a 1 KiB-block ext2 or ext4 image is found in the plain bytes or the joined file', async () => {
    for (let n = 0; n < 12; n++) {
      const v = value();
      const at = rng.next() < 0.6 ? 1024 * rng.pick([12, 13, 268, 269, 300]) + rng.int(-30, 30) : rng.int(0, 400_000);
      const conf = straddle(v, at, rng.int(0, 30_000));
      const options = rng.pick(['-t ext2 -b 1024', '-t ext3 -b 1024', '-t ext4 -b 1024 -g 1024 -O ^flex_bg', '-t ext4 -b 1024 -g 512']);
      const img = mkfs(options, { 'etc/app/bundle.env': conf, [`lib/f${n}`]: rng.bytes(rng.int(0, 70_000)) });
      const { joined, limits } = await decoded(img);
      expect(limits, options).toEqual([]);
      expect(img.includes(Buffer.from(v)) || joined.includes(Buffer.from(v)), `${options}, value at ${at}`).toBe(true);
    }
  });

  it('through the audit: the cut file found by its path in ext2, ext3, ext4 (depth-1 extent tree) and inline-data images; each clean twin passes', async () => {
    const CLEAN = 'an-other-value-of-the-same-length+/=';
    const kinds: Array<[string, string, (v: string) => Buffer]> = [
      ['rootfs.ext2', 'etc/app/bundle.env', (v) => mkfs('-t ext2 -b 1024', { 'etc/app/bundle.env': straddle(v, 12 * 1024) })],
      ['rootfs.ext3', 'etc/app/bundle.env', (v) => mkfs('-t ext3 -b 4096', { 'etc/app/bundle.env': straddle(v, 12 * 4096) }, '8M')],
      ['frag.ext4', 'app.conf', (v) => fragmented(rng, straddle(v, 4096 * rng.int(1, 20), 60_000))],
      ['data.ext4', 'etc/app/k.env', (v) => mkfs('-t ext4 -O inline_data', { 'etc/app/k.env': straddle(v, 60, 10) })],
    ];
    const files: Record<string, Buffer> = {};
    for (const [name, , make] of kinds) {
      files[`srv/${name}`] = make(SECRET);
      files[`srv/clean-${name}`] = make(CLEAN);
      expect(files[`srv/${name}`]!.includes(Buffer.from(SECRET)), name).toBe(false);
    }
    const found = await auditFiles(files);
    expect(found.map((f) => `${f.severity} ${f.path}`).sort()).toEqual(kinds.map(([name, path]) => `leak srv/${name}!/${path}`).sort());
  });

  it("a deleted file's leftover blocks are still found in the image's own bytes", async () => {
    const img = mkfs(
      '-t ext4',
      { 'etc/old.env': `API_TOKEN=${SECRET}\n${'x'.repeat(5000)}`, 'etc/keep': 'k\n' },
      '4M',
      'debugfs -w -R "rm /etc/old.env" img > /dev/null 2>&1',
    );
    expect(cuts(img).files.size).toBe(0);
    const found = await auditFiles({ 'srv/rootfs.ext4': img });
    expect(found.map((f) => `${f.severity} ${f.path}`)).toEqual(['leak srv/rootfs.ext4']);
  });
});
