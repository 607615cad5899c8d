// Property: a value in a file of a squashfs image (made by mksquashfs) is found wherever the file's
// blocks cut it — across two data blocks of 4 KiB or 128 KiB, across a file's last block and its
// tail in a fragment block — with every compressor mksquashfs has (gzip, xz, zstd, lz4, lzo, lzma),
// the file read as squashfs reads it (superblock, inode, directory and fragment tables, block
// lists); a value inside one block is still found as before; clean twins pass; an image whose
// compressor the audit does not know, or whose tables point past its end, is named, never thrown;
// random heads are not claimed.
// Nearest real-world variants: an OpenWrt-style root with small blocks holding a credentials file, a
// .snap (xz), an AppImage's payload (gzip or zstd), a firmware image made with -comp lz4 / lzo.
import { describe, expect, it } from 'vitest';
import { decodeWith, damaged, DAMAGE_SEED } from './decode.testing.js';
import { squashfs, squashfsFiles } from './squashfs.js';
import { auditFiles, has, SECRET, tool } from './testing.js';
import { seededPerTest } from '../../../test/support/random.js';

const rand = seededPerTest(1);
const lorem = 'lorem ipsum dolor sit amet, consectetur adipiscing elit '.repeat(200);
// The value split by earlier copies of its halves: an LZ coder's matches, not the value's bytes, carry it.
const env = (value: string) => `${lorem}# ${value.slice(0, 12)} ${value.slice(12)}\nDB_PASSWORD=${value}\n${lorem}`;

/** A config of numbered lines with API_TOKEN=value across byte `at` of the file, `tail` lines after it. */
function straddle(value: string, at: number, tail = 200): string {
  const fill = Array.from({ length: Math.ceil(at / 20) + 2 }, (_, i) => `option.${String(i).padStart(5, '0')} = value-${(i * 7919) % 100003}\n`).join('');
  const pre = at - Math.floor(value.length / 2) - 'API_TOKEN='.length;
  const after = Array.from({ length: tail }, (_, i) => `tail.${i} = ${i}\n`).join('');
  return `${fill.slice(0, pre - 1)}\nAPI_TOKEN=${value}\n${after}`;
}

/** An image made by mksquashfs of `files` with `flags`. */
const mk = (flags: string, files: Record<string, string>) =>
  tool('sh', ['-c', `mksquashfs root out.img ${flags} -noappend -quiet -no-progress -all-root >/dev/null`], files, 'out.img');

/** An image of a tree with the value in a large file (data blocks of 4 KiB) or a small one (a fragment). */
const image = (comp: string, value: string, where: 'large' | 'small') =>
  mk(`-comp ${comp} -b 4096`, {
    'root/usr/share/doc/big.txt': `${lorem}\n`.repeat(where === 'large' ? 1 : 20),
    [where === 'large' ? 'root/etc/app/data.bin' : 'root/etc/app/.env']: where === 'large' ? `${lorem.repeat(3)}${env(value)}` : env(value),
  });

const COMPS = ['gzip', 'xz', 'zstd', 'lz4', 'lzo', 'lzma'];

describe.skipIf(!has('mksquashfs'))('squashfs', () => {
  it.each(COMPS.flatMap((c) => [[c, 4096] as const, [c, 131072] as const]))(
    "-comp %s -b %i, the value across the file's second block boundary: found in the file read whole; the clean twin passes",
    async (comp, block) => {
      const files = (v: string) => ({ 'root/usr/share/doc/big.txt': `${lorem}\n`.repeat(5), 'root/etc/app/app.conf': straddle(v, 2 * block) });
      const img = mk(`-comp ${comp} -b ${block}`, files(SECRET));
      expect(img.includes(SECRET)).toBe(false);
      expect(await auditFiles({ 'srv/root.squashfs': img })).toEqual([{ severity: 'leak', what: 'token', path: 'srv/root.squashfs!/etc/app/app.conf' }]);
      expect(await auditFiles({ 'srv/root.squashfs': mk(`-comp ${comp} -b ${block}`, files('clean-value-nothing-here')) })).toEqual([]);
    },
    60_000,
  );

  it.each(['gzip', 'lz4', 'xz'])("-comp %s -always-use-fragments: the value across a file's last block and its tail in a fragment block", async (comp) => {
    const files = (v: string) => ({
      'root/a.txt': 'a small file before\n'.repeat(30),
      'root/etc/app/app.conf': straddle(v, 8192, 40),
      'root/z.txt': 'a small file after\n'.repeat(30),
    });
    const img = mk(`-comp ${comp} -b 4096 -always-use-fragments`, files(SECRET));
    const read = new Map<string, Buffer | undefined>();
    for await (const [p, b] of squashfsFiles(img)) read.set(p, b);
    expect(read.get('etc/app/app.conf')?.toString()).toBe(files(SECRET)['root/etc/app/app.conf']);
    expect(await auditFiles({ 'srv/root.squashfs': img })).toEqual([{ severity: 'leak', what: 'token', path: 'srv/root.squashfs!/etc/app/app.conf' }]);
    expect(await auditFiles({ 'srv/root.squashfs': mk(`-comp ${comp} -b 4096 -always-use-fragments`, files('clean-value-nothing-here')) })).toEqual([]);
  });

  it.each(COMPS.flatMap((c) => [[c, 'large'] as const, [c, 'small'] as const]))(
    '-comp %s, the value inside one block of a %s file: found; the clean twin passes',
    async (comp, where) => {
      const found = await auditFiles({ 'var/lib/snapd/snaps/app.snap': image(comp, SECRET, where) });
      expect(found.length).toBeGreaterThan(0);
      expect(found.every((f) => f.severity === 'leak' && /^var\/lib\/snapd\/snaps\/app\.snap(@\d+)?!/.test(f.path))).toBe(true);
      expect(await auditFiles({ 'var/lib/snapd/snaps/app.snap': image(comp, 'clean-value-nothing-here', where) })).toEqual([]);
    },
  );

  it('-comp lz4 -noD -noF (stored as they are): the value in the bytes of the image found', async () => {
    const img = mk('-comp lz4 -noD -noF', { 'root/etc/app/.env': env(SECRET) });
    expect((await auditFiles({ 'opt/app.img': img })).map((f) => f.severity)).toContain('leak');
  });

  it('a compression id this audit does not know: named', async () => {
    const img = Buffer.from(image('gzip', 'clean-value-nothing-here', 'small'));
    img.writeUInt16LE(9, 20);
    expect(await auditFiles({ 'opt/app.img': img })).toContainEqual({
      severity: 'limit',
      what: 'not fully audited: a squashfs image compressed with compression 9, whose blocks the audit does not read',
      path: 'opt/app.img',
    });
  });

  it("tables past the image's end, a file's blocks past it: named at the file or the root, never thrown", async () => {
    const img = mk('-comp gzip -b 4096', { 'root/etc/app/app.conf': straddle(SECRET, 8192) });
    const lost = Buffer.from(img);
    lost.writeBigUInt64LE(BigInt(img.length + 4096), 64); // the inode table past the end
    expect((await decodeWith(squashfs, lost)).limits).toEqual(['a squashfs file whose blocks cannot be read: it is not joined']);
    const cut = img.subarray(0, 4096 + 200);
    const out = await decodeWith(squashfs, cut);
    expect(out.limits.length).toBeLessThanOrEqual(1);
  });

  it(`damaged images (cut, bits flipped): read as far as they go, never thrown, never hung (seed ${DAMAGE_SEED})`, async () => {
    const img = mk('-comp lz4 -b 4096 -always-use-fragments', { 'root/etc/app/app.conf': straddle(SECRET, 8192), 'root/b.txt': lorem });
    for (const d of damaged(img, 200)) {
      const { out, limits } = await decodeWith(squashfs, d, { chunk: 3000 });
      expect(out.length).toBeLessThan(4 * img.length + (1 << 20));
      expect(limits.every((l) => /squashfs/.test(l))).toBe(true);
    }
  }, 60_000);

  it(`random heads are not claimed (seed ${rand.seed})`, () => {
    for (let i = 0; i < 2000; i++) {
      const h = rand.bytes(512);
      if (i % 2) Buffer.from('hsqs').copy(h);
      expect(squashfs.sniff(h, 'x.img')).toBe(false);
    }
  });
});
