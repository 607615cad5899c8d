// Property: a value in a file of a UBIFS image (made by mkfs.ubifs with each compressor it has: lzo
// — the default —, zlib, zstd, none) is found wherever the file's 4 KiB data nodes cut it, each
// inode's blocks decoded and joined in order; every file of the image read back whole; the clean twin
// passes; a UBI image (ubinize) of such a volume read the same way, one of a squashfs named; damaged images (cut, bits flipped, a node's block that does not decode) are named or read
// as far as they go, never thrown, never hung; random heads with the node magic planted are not
// claimed. Nearest real-world variants: an embedded device's rootfs image (OpenWrt, Yocto) built in a
// firmware image with a provisioning token in /etc.
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { damaged, decodeWith, DAMAGE_SEED } from './decode.testing.js';
import { straddle, straddleTree } from './fs-image.testing.js';
import { auditFiles, has, SECRET, tool } from './testing.js';
import { isUbi, isUbifs, ubifs } from './ubifs.js';
import { seededPerTest } from '../../../test/support/random.js';

const rand = seededPerTest(1);

const tree = (value: string) => straddleTree(value, { 'root/var/zeros.bin': new Uint8Array(3 * 4096) });

/** A UBIFS image by mkfs.ubifs of `files` (under root/), compressed with `comp`. */
const image = (comp: string, files: Record<string, string | Uint8Array>) =>
  tool('sh', ['-c', `mkfs.ubifs -x ${comp} -r root -m 2048 -e 129024 -c 64 -o out.img`], files, 'out.img');

const UBI_INI = '[v]\nmode=ubi\nimage=vol.img\nvol_id=0\nvol_type=dynamic\nvol_name=rootfs\nvol_flags=autoresize\n';

/** A UBI image by ubinize (2 KiB pages, 128 KiB erase blocks, 512-byte sub-pages: 126 KiB logical blocks) of one volume `vol`. */
const ubi = (vol: Uint8Array) =>
  tool('sh', ['-c', 'ubinize -o out.ubi -m 2048 -p 128KiB -s 512 ubi.ini 2> /dev/null'], { 'vol.img': vol, 'ubi.ini': UBI_INI }, 'out.ubi');

/** The offsets of the image's data nodes (node type 1). */
function dataNodes(img: Buffer): number[] {
  const at: number[] = [];
  for (let p = 0; p + 24 <= img.length; p += 8) if (img.readUInt32LE(p) === 0x06101831 && img[p + 20] === 1) at.push(p);
  return at;
}

/** `img` with the data node at `at` given `data` as its stored bytes (its CRC made right again). */
function rewritten(img: Buffer, at: number, patch: (node: Buffer) => void): Buffer {
  const copy = Buffer.from(img);
  const len = copy.readUInt32LE(at + 16);
  patch(copy.subarray(at, at + len));
  copy.writeUInt32LE((crc32(copy.subarray(at + 8, at + len)) ^ 0xffffffff) >>> 0, at + 4);
  return copy;
}

describe.skipIf(!has('mkfs.ubifs'))('UBIFS images', () => {
  it.each(['lzo', 'zlib', 'zstd', 'none'])(
    '-x %s: the value across a 4 KiB block boundary found in its inode read whole; the clean twin passes',
    async (comp) => {
      const img = image(comp, tree(SECRET));
      expect(img.includes(SECRET)).toBe(false);
      const found = await auditFiles({ 'srv/rootfs.ubifs': img });
      expect(found).toContainEqual({ severity: 'leak', what: 'token', path: expect.stringMatching(/^srv\/rootfs\.ubifs!\/inode-\d+$/) });
      expect(found.filter((f) => f.severity !== 'leak')).toEqual([]);
      expect(await auditFiles({ 'srv/rootfs.ubifs': image(comp, tree('clean-value-nothing-here')) })).toEqual([]);
    },
    60_000,
  );

  it('every file of the image read back whole, in any chunk size, nothing named', async () => {
    const files = tree(SECRET);
    const img = image('lzo', files);
    for (const chunk of [1000, 4099, 65536]) {
      const { out, limits } = await decodeWith(ubifs, img, { chunk });
      expect(limits).toEqual([]);
      // mkfs.ubifs writes no data node for a block of zeros (a hole): zeros.bin has none.
      const wanted = Object.entries(files).filter(([name]) => !name.endsWith('zeros.bin'));
      expect(wanted.filter(([, content]) => !out.includes(Buffer.from(content))).map(([name]) => name)).toEqual([]);
    }
  });

  it.runIf(has('ubinize'))(
    'a UBI image (ubinize) of a UBIFS volume: the value found in the inode read whole; the clean twin passes; a UBI image of a squashfs named',
    async () => {
      const img = ubi(image('lzo', { ...tree(SECRET), 'root/usr/share/big.txt': straddle('filler', 300_000) }));
      expect([isUbi(img), img.includes(SECRET)]).toEqual([true, false]);
      const { out, limits } = await decodeWith(ubifs, img, { chunk: 3000 });
      expect(limits).toEqual([]);
      expect(out.includes(Buffer.from(straddle(SECRET, 8192)))).toBe(true);
      const found = await auditFiles({ 'srv/firmware.ubi': img });
      expect(found).toEqual([{ severity: 'leak', what: 'token', path: expect.stringMatching(/^srv\/firmware\.ubi!\/inode-\d+$/) }]);
      expect(await auditFiles({ 'srv/firmware.ubi': ubi(image('lzo', tree('clean-value-nothing-here'))) })).toEqual([]);
      const squash = ubi(tool('sh', ['-c', 'mksquashfs root out.sq -quiet -noappend > /dev/null'], { 'root/a.txt': 'a\n' }, 'out.sq'));
      expect((await decodeWith(ubifs, squash)).limits).toEqual(['a UBI image with no UBIFS volume (its volumes are not decoded): not fully audited']);
    },
  );

  it('a data node whose block does not decode, or whose CRC fails, is named; the other files still read', async () => {
    const img = image('lzo', tree(SECRET));
    const nodes = dataNodes(img);
    const lzo = rewritten(img, nodes[0]!, (n) => n.fill(0xff, 48));
    expect((await decodeWith(ubifs, lzo)).limits).toEqual([
      expect.stringMatching(/^a UBIFS image with 1 data node not read \(the first: a block that does not decode to its \d+ bytes\): not fully audited$/),
    ]);
    const unknown = rewritten(img, nodes[1]!, (n) => n.writeUInt16LE(9, 44));
    expect((await decodeWith(ubifs, unknown)).limits).toEqual([expect.stringContaining('(the first: compression type 9)')]);
    const flipped = Buffer.from(img);
    flipped[nodes[2]! + 60]! ^= 1;
    const { out, limits } = await decodeWith(ubifs, flipped);
    expect(limits).toEqual([expect.stringContaining('(the first: a data node whose CRC fails)')]);
    expect(out.includes(Buffer.from('device\n'))).toBe(true);
    const big = nodes.find((n) => img.readUInt32LE(n + 16) > 200)!;
    const cut = img.subarray(0, big + 100);
    expect((await decodeWith(ubifs, cut)).limits).toEqual([expect.stringContaining('(the first: a data node cut by the image’s end)')]);
  });

  it(`damaged (cut, bits flipped): named or read as far as it goes, never thrown (seed ${DAMAGE_SEED})`, async () => {
    const img = image('zlib', tree(SECRET));
    let ran = 0;
    for (const d of damaged(img, 60)) {
      await decodeWith(ubifs, d, { chunk: 8192 });
      ran++;
    }
    expect(ran).toBe(60);
  }, 60_000);

  it(`random heads are not claimed, the node magic or UBI's planted at the start or not (seed ${rand.seed})`, () => {
    let claimed = 0;
    for (let i = 0; i < 20_000; i++) {
      const h = rand.bytes(512);
      if (i % 3 === 1) h.set([0x31, 0x18, 0x10, 0x06]);
      if (i % 3 === 2) h.set([0x55, 0x42, 0x49, 0x23, 1, 0, 0, 0]);
      if (isUbifs(h) || isUbi(h)) claimed++;
    }
    expect(claimed).toBe(0);
  });
});
