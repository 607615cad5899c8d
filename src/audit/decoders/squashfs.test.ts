// Property: a value in a file of a squashfs image is found when its blocks are gzip, xz or zstd
// (each block a stream with its magic, found inside the image) — in a file's data blocks, in a
// small file's fragment block — and clean twins pass; an image whose blocks are lzo or lz4 (raw,
// no magic, their sizes only in the tables at the image's end) is named as not fully audited,
// never passed silently.
// Nearest real-world variants: a .snap (xz), an AppImage's payload (gzip or zstd), a firmware or
// live image made with mksquashfs -comp lz4 / lzo.
import { describe, expect, it } from 'vitest';
import { auditFiles, has, SECRET, tool } from './testing.js';

const lorem = 'lorem ipsum dolor sit amet, consectetur adipiscing elit '.repeat(200);
// The value split by earlier copies of its halves: an LZ coder's matches, not the value's bytes, carry it.
const env = (value: string) => `${lorem}# ${value.slice(0, 12)} ${value.slice(12)}\nDB_PASSWORD=${value}\n${lorem}`;

/** An image of a tree with the value in a large file (data blocks of 4 KiB) or a small one (a fragment). */
const image = (comp: string, value: string, where: 'large' | 'small') =>
  tool(
    'sh',
    ['-c', `mksquashfs root out.img -comp ${comp} -b 4096 -quiet -no-progress -all-root >/dev/null`],
    {
      'root/usr/share/doc/big.txt': `${lorem}\n`.repeat(where === 'large' ? 1 : 20),
      [where === 'large' ? 'root/etc/app/data.bin' : 'root/etc/app/.env']: where === 'large' ? `${lorem.repeat(3)}${env(value)}` : env(value),
    },
    'out.img',
  );

describe.skipIf(!has('mksquashfs'))('squashfs', () => {
  it.each(['gzip', 'xz', 'zstd'].flatMap((c) => [[c, 'large'] as const, [c, 'small'] as const]))(
    '-comp %s, the value in a %s file: found in the block that holds it; the clean twin passes',
    async (comp, where) => {
      const found = await auditFiles({ 'var/lib/snapd/snaps/app.snap': image(comp, SECRET, where) });
      expect(found).toEqual([{ severity: 'leak', what: 'token', path: expect.stringMatching(/^var\/lib\/snapd\/snaps\/app\.snap@\d+!$/) }]);
      expect(await auditFiles({ 'var/lib/snapd/snaps/app.snap': image(comp, 'clean-value-nothing-here', where) })).toEqual([]);
    },
  );

  it.each(['lz4', 'lzo'])('-comp %s: named as not fully audited (its blocks have no magic); the clean twin is named too', async (comp) => {
    const named = {
      severity: 'limit',
      what: `not fully audited: a squashfs image compressed with ${comp}, whose blocks the audit does not read`,
      path: 'opt/app.img',
    };
    expect(await auditFiles({ 'opt/app.img': image(comp, SECRET, 'small') })).toContainEqual(named);
    expect(await auditFiles({ 'opt/app.img': image(comp, 'clean-value-nothing-here', 'small') })).toEqual([named]);
  });

  it('-comp lz4 -noD -noF (stored as they are): the value in the bytes of the image found, the image still named', async () => {
    const img = tool(
      'sh',
      ['-c', 'mksquashfs root out.img -comp lz4 -noD -noF -quiet -no-progress >/dev/null'],
      { 'root/etc/app/.env': env(SECRET) },
      'out.img',
    );
    expect(await auditFiles({ 'opt/app.img': img })).toEqual([
      { severity: 'leak', what: 'token', path: 'opt/app.img' },
      { severity: 'limit', what: expect.stringMatching(/squashfs image compressed with lz4/), path: 'opt/app.img' },
    ]);
  });
  it.each([
    [2, 'lzma'],
    [9, 'compression 9'],
  ])('compression id %i (old lzma images, an id this audit does not know): named', async (id, name) => {
    const img = Buffer.from(image('gzip', 'clean-value-nothing-here', 'small'));
    img.writeUInt16LE(id, 20);
    expect(await auditFiles({ 'opt/app.img': img })).toContainEqual({
      severity: 'limit',
      what: `not fully audited: a squashfs image compressed with ${name}, whose blocks the audit does not read`,
      path: 'opt/app.img',
    });
  });
});
