// Property: an LHA archive made by `lha a` (jlha-utils) is read member by member — -lh5- (the
// default), -lh6-, -lh7- decoded and -lh0- stored, headers of level 0, 1 and 2, directories in the
// names — each member's content exactly as it went in, in any chunk sizes; a value in a member is
// found under `archive.lzh!/dir/name`, the clean twin passes; a method not decoded (-lh1-) is named,
// a member whose data does not decode or whose CRC-16 does not hold is named, an archive cut inside a
// member is named; damaged archives never throw. Generated: seeded member counts, sizes and contents
// (runs and noise, so matches and literals both), random chunk cuts. Nearest real-world variants: an
// old vendor tool or firmware bundle shipped as .lzh in a builder image.
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { damaged, decodeWith, DAMAGE_SEED } from './decode.testing.js';
import { lha, lhaHeader } from './lha.js';
import { auditFiles, has, SECRET, tool } from './testing.js';

const rng = seededPerTest(0x1a5);

/** A member's text: rows of counters with runs and noise, the value's line `API_TOKEN=` somewhere inside when given. */
function content(value?: string): string {
  const rows = Array.from({ length: rng.int(1, 4000) }, (_, i) => `row ${i} ${rng.chars('abcdef0123456789', rng.int(0, 12))} ${'='.repeat(rng.int(0, 30))}\n`);
  if (value !== undefined) rows.splice(rng.int(rows.length), 0, `API_TOKEN=${value}\n`);
  return rows.join('');
}

/** `lha a<options>` of the files, in their order. */
const lhaOf = (options: string, files: Record<string, string>) =>
  tool('sh', ['-c', `lha a${options} out.lzh ${Object.keys(files).join(' ')} > /dev/null`], files, 'out.lzh');

/** `arc` with its first header's method made `method` (the level 2 header's CRC-16 left as it was: level 0, its checksum made right). */
function withMethod(arc: Buffer, method: string): Buffer {
  const copy = Buffer.from(arc);
  copy.write(method, 2, 'latin1');
  let sum = 0;
  for (let k = 2; k < 2 + copy[0]!; k++) sum += copy[k]!;
  copy[1] = sum & 0xff;
  return copy;
}

describe.runIf(has('lha'))(`LHA archives (seed ${rng.seed})`, { timeout: 120_000 }, () => {
  it('every method and header level lha writes: each member read back exactly, in random chunk sizes', async () => {
    for (const options of ['o5', 'o6', 'o7', '0o5', '1o6', '2o7', 'z0', 'z1', 'z2']) {
      const files: Record<string, string> = {};
      for (let i = rng.int(1, 4); i > 0; i--) files[`d${i}/m${i}.txt`] = content();
      const chunk = rng.int(1, 70_000);
      const { out, limits } = await decodeWith(lha, lhaOf(options, files), { chunk });
      expect(limits, `lha a${options}, chunks of ${chunk}`).toEqual([]);
      expect(out.toString() === Object.values(files).join(''), `lha a${options}, chunks of ${chunk}`).toBe(true);
    }
  });

  it('through the audit: the value found under the member’s path; the clean twin passes', async () => {
    const files = { 'etc/app/app.env': content(SECRET), 'notes.txt': content() };
    expect(await auditFiles({ 'srv/vendor.lzh': lhaOf('', files) })).toEqual([{ severity: 'leak', what: 'token', path: 'srv/vendor.lzh!/etc/app/app.env' }]);
    expect(await auditFiles({ 'srv/vendor.lzh': lhaOf('1o7', { 'etc/app/app.env': content('clean-value-nothing-here'), 'notes.txt': content() }) })).toEqual(
      [],
    );
  });

  it('a method not decoded, a member that does not decode, a CRC-16 that does not hold, a cut archive, a bomb by ratio: named', async () => {
    const arc = lhaOf('0o5', { 'a.txt': content(SECRET), 'b.txt': content() });
    const h = lhaHeader(arc);
    if (!h) throw new Error('no header');
    expect((await decodeWith(lha, withMethod(arc, '-lh1-'))).limits).toEqual([
      'an LHA archive with members compressed by -lh1-, which the audit does not decode',
    ]);
    const garbled = Buffer.from(arc);
    garbled.fill(0xff, h.length, h.length + 40);
    expect((await decodeWith(lha, garbled)).limits[0]).toMatch(/^a damaged LHA member a\.txt \((-lh5- does not decode|its CRC-16 does not hold)/);
    const crc = Buffer.from(arc);
    crc.writeUInt16LE(h.crc ^ 1, 22 + 'a.txt'.length);
    let sum = 0;
    for (let k = 2; k < 2 + crc[0]!; k++) sum += crc[k]!;
    crc[1] = sum & 0xff;
    expect((await decodeWith(lha, crc)).limits).toEqual(['a damaged LHA member a.txt (its CRC-16 does not hold): read as decoded']);
    expect((await decodeWith(lha, arc.subarray(0, h.length + 10))).limits).toEqual(['an LHA archive cut inside a member: the rest is not audited']);
    const bomb = lhaOf('0o5', { 'z.bin': '\0'.repeat(8 << 20) });
    expect((await decodeWith(lha, bomb, { ratio: 100 })).limits).toEqual([
      'an LHA member that expands more than 100 times (a decompression bomb?): not audited',
    ]);
    expect((await decodeWith(lha, bomb, { ratio: 10_000 })).out.length).toBe(8 << 20);
  });

  it(`damaged (cut, bits flipped): named or read as far as it goes, never thrown (seed ${DAMAGE_SEED})`, async () => {
    let ran = 0;
    for (const arc of [lhaOf('o5', { 'a.txt': content(SECRET) }), lhaOf('1o7', { 'a.txt': content(SECRET), 'b.txt': content() })])
      for (const d of damaged(arc, 100)) {
        await decodeWith(lha, d, { chunk: 4096 });
        ran++;
      }
    expect(ran).toBe(200);
  });
});
