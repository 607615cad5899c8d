// Property: a value in a file of a JFFS2 image (made by mkfs.jffs2 with zlib — its default —, rtime,
// LZO, no compression, little- and big-endian) is found wherever the file's 4 KiB pages cut it, each
// inode's pages decoded and joined in order; every file of the image read back whole; the clean twin
// passes; an inode node whose page does not decode, or whose CRC fails, or that is cut, is named;
// damaged images never throw; random heads with the magic planted are not claimed. Nearest
// real-world variants: an OpenWrt-like rootfs_data or a NOR-flash rootfs built in a firmware image
// with a provisioning token in /etc.
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { damaged, decodeWith, DAMAGE_SEED } from './decode.testing.js';
import { straddleTree } from './fs-image.testing.js';
import { isJffs2, jffs2 } from './jffs2.js';
import { auditFiles, has, SECRET, tool } from './testing.js';
import { seededPerTest } from '../../../test/support/random.js';

const rand = seededPerTest(1);

/** A JFFS2 image by mkfs.jffs2 of `files` (under root/) with `options`. */
const image = (options: string, files: Record<string, string | Uint8Array>) =>
  tool('sh', ['-c', `mkfs.jffs2 ${options} -r root -o out.img -e 0x10000`], files, 'out.img');

const OPTIONS: Record<string, string> = {
  zlib: '',
  rtime: '-x zlib',
  lzo: '-X lzo -x zlib -x rtime',
  none: '-x zlib -x rtime',
  'zlib, big-endian': '-b',
};

/** The offsets of the image's inode nodes with data (little-endian). */
function inodeNodes(img: Buffer): number[] {
  const at: number[] = [];
  for (let p = 0; p + 68 <= img.length; p += 4)
    if (img.readUInt16LE(p) === 0x1985 && img.readUInt16LE(p + 2) === 0xe002 && img.readUInt32LE(p + 48) > 100) at.push(p);
  return at;
}

describe.skipIf(!has('mkfs.jffs2'))('JFFS2 images', () => {
  it.each(Object.keys(OPTIONS))(
    '%s: the value across a 4 KiB page boundary found in its inode read whole; the clean twin passes',
    async (name) => {
      const img = image(OPTIONS[name]!, straddleTree(SECRET));
      expect(img.includes(SECRET)).toBe(false);
      const found = await auditFiles({ 'srv/rootfs.jffs2': img });
      expect(found).toEqual([{ severity: 'leak', what: 'token', path: expect.stringMatching(/^srv\/rootfs\.jffs2!\/inode-\d+$/) }]);
      expect(await auditFiles({ 'srv/rootfs.jffs2': image(OPTIONS[name]!, straddleTree('clean-value-nothing-here')) })).toEqual([]);
    },
    60_000,
  );

  it('every file of the image read back whole, in any chunk size, nothing named', async () => {
    const files = straddleTree(SECRET);
    const img = image('', files);
    for (const chunk of [1000, 4099, 65536]) {
      const { out, limits } = await decodeWith(jffs2, img, { chunk });
      expect(limits).toEqual([]);
      expect(Object.values(files).filter((content) => !out.includes(Buffer.from(content)))).toEqual([]);
    }
  });

  it('an inode node whose page does not decode, whose CRC fails, or that is cut: named; the other files still read', async () => {
    const img = image('', straddleTree(SECRET));
    const nodes = inodeNodes(img);
    const bad = Buffer.from(img);
    const at = nodes[0]!;
    bad.fill(0x55, at + 70, at + 90);
    bad.writeUInt32LE(~crc32(bad.subarray(at + 68, at + 68 + bad.readUInt32LE(at + 48)), 0xffffffff) >>> 0, at + 60);
    expect((await decodeWith(jffs2, bad)).limits).toEqual([
      expect.stringMatching(/^a JFFS2 image with 1 inode node not read \(the first: a page that does not decode/),
    ]);
    const flipped = Buffer.from(img);
    flipped[nodes[1]! + 100]! ^= 1;
    const { out, limits } = await decodeWith(jffs2, flipped);
    expect(limits).toEqual([expect.stringContaining('(the first: an inode node whose CRC fails)')]);
    expect(out.includes(Buffer.from('device\n'))).toBe(true);
    expect((await decodeWith(jffs2, img.subarray(0, nodes[2]! + 100))).limits).toEqual([
      expect.stringContaining('(the first: an inode node cut by the image’s end)'),
    ]);
  });

  it(`damaged (cut, bits flipped): named or read as far as it goes, never thrown (seed ${DAMAGE_SEED})`, async () => {
    const img = image('-x zlib', straddleTree(SECRET));
    let ran = 0;
    for (const d of damaged(img, 80)) {
      await decodeWith(jffs2, d, { chunk: 4096 });
      ran++;
    }
    expect(ran).toBe(80);
  }, 60_000);

  it(`random heads are not claimed, the magic planted at the start or not (seed ${rand.seed})`, () => {
    let claimed = 0;
    for (let i = 0; i < 20_000; i++) {
      const h = rand.bytes(512);
      if (i % 3 === 1) h.set([0x85, 0x19, 0x03, 0x20]);
      if (i % 3 === 2) h.set([0x19, 0x85, 0xe0, 0x02]);
      if (isJffs2(h)) claimed++;
    }
    expect(claimed).toBe(0);
  });
});
