// Property: a value in a zisofs-compressed file of an ISO image (made by xorriso --zisofs) is found
// wherever the file's blocks cut it — blocks of 32, 64 and 128 KiB, zisofs2's 256 KiB — the file's
// blocks inflated in order and joined, found inside the ISO by the header's magic, several files in
// one image each read (a block of zeros too); the clean twin passes; a zisofs file on its own (as
// mkzftree leaves one) is claimed at its start; damaged files (cut, pointers back or past the end, a
// block that does not inflate) are named, never thrown, never hung; random heads are not claimed.
// Nearest real-world variants: a compressed live or installer ISO (Debian live builds) holding a
// preseed or a config with a password.
import { describe, expect, it } from 'vitest';
import { damaged, decodeWith, DAMAGE_SEED } from './decode.testing.js';
import { straddle } from './fs-image.testing.js';
import { auditFiles, has, SECRET, tool } from './testing.js';
import { isZisofs, zisofs } from './zisofs.js';
import { seededPerTest } from '../../../test/support/random.js';

const rand = seededPerTest(1);

/** An ISO by xorriso of `files` (under root/), every file zisofs-compressed with `options`. */
const iso = (options: string, files: Record<string, string | Uint8Array>) =>
  tool('sh', ['-c', `xorriso -outdev out.iso -zisofs ${options} -map root / -set_filter_r --zisofs / -- -commit >/dev/null 2>&1`], files, 'out.iso');

const tree = (value: string, block: number) => ({
  'root/etc/app/app.conf': straddle(value, block),
  'root/usr/share/doc/notes.txt': 'some notes on the app\n'.repeat(4000),
  'root/var/zeros.bin': new Uint8Array(3 * block),
});

const FIRST = Buffer.from([0x37, 0xe4, 0x53, 0x96, 0xc9, 0xdb, 0xd6, 0x07]);

describe.skipIf(!has('xorriso'))('zisofs', () => {
  it.each([
    ['level=9', 32768],
    ['level=9:block_size=64k', 65536],
    ['level=6:block_size=128k', 131072],
    ['level=9:version_2=on:block_size_v2=256k', 262144],
  ])(
    '-zisofs %s: the value across the first block boundary found in the file joined; the clean twin passes',
    async (options, block) => {
      const img = iso(options, tree(SECRET, block));
      expect(img.includes(SECRET)).toBe(false);
      const found = await auditFiles({ 'srv/live.iso': img });
      expect(found).toEqual([{ severity: 'leak', what: 'token', path: expect.stringMatching(/^srv\/live\.iso@\d+!$/) }]);
      expect(await auditFiles({ 'srv/live.iso': iso(options, tree('clean-value-nothing-here', block)) })).toEqual([]);
    },
    60_000,
  );

  it('each file of the image read whole (a block of zeros given as zeros); a zisofs file on its own is claimed at its start', async () => {
    const files = tree(SECRET, 32768);
    const img = iso('level=9', files);
    const starts: number[] = [];
    for (let i = img.indexOf(FIRST); i >= 0; i = img.indexOf(FIRST, i + 1)) starts.push(i);
    const read = await Promise.all(starts.map(async (s) => (await decodeWith(zisofs, img.subarray(s), { chunk: 5000 })).out));
    const want = Object.values(files).map((v) => Buffer.from(v));
    expect(read.map((r) => r.length).sort()).toEqual(want.map((w) => w.length).sort());
    for (const w of want) expect(read.some((r) => r.equals(w))).toBe(true);
    const own = img.subarray(starts.find((s, k) => read[k]!.includes(SECRET)));
    expect(await auditFiles({ 'opt/app.conf': own })).toEqual([{ severity: 'leak', what: 'token', path: 'opt/app.conf!' }]);
  });

  it(`damaged (cut, bits flipped, a pointer back, a pointer past the end): named or read as far as it goes, never thrown (seed ${DAMAGE_SEED})`, async () => {
    const img = iso('level=9', tree(SECRET, 32768));
    const file = img.subarray(img.indexOf(FIRST));
    const table = (i: number) => 16 + 4 * i;
    const back = Buffer.from(file);
    back.writeUInt32LE(back.readUInt32LE(table(1)) - 1000, table(2));
    expect((await decodeWith(zisofs, back)).limits).toEqual([expect.stringMatching(/^a damaged zisofs file \(block pointer 2 at \d+, after \d+\)/)]);
    const past = Buffer.from(file.subarray(0, file.readUInt32LE(table(1)) + 10));
    expect((await decodeWith(zisofs, past)).limits).toEqual(['a damaged zisofs file (it ends in block 1): the rest is not audited']);
    const big = Buffer.from(file);
    big.writeUInt32LE(0xfffffff0, 8);
    expect((await decodeWith(zisofs, big)).limits).toEqual([expect.stringMatching(/a table of \d+ block pointers/)]);
    for (const d of damaged(file.subarray(0, 200_000), 200)) await decodeWith(zisofs, d, { chunk: 4096 });
  }, 60_000);

  it(`random heads are not claimed; the magic on random bytes mostly not (seed ${rand.seed})`, () => {
    let claimed = 0;
    for (let i = 0; i < 4000; i++) {
      const h = rand.bytes(64);
      if (i % 2) FIRST.copy(h);
      if (isZisofs(h)) claimed++;
    }
    expect(claimed).toBe(0);
  });
});
