// Property: an SZDD file (mscompress, MS-DOS COMPRESS.EXE's format) is decoded as msexpand decodes it — LZSS with a
// flag byte before every eight items, a 4 KiB window of spaces written from 4080 — fed in random chunk sizes (seed
// named), its output exactly msexpand's, so a value whose text the flag bytes cut is found (`srv/APP.EN_!`); the clean
// twin gives no finding; a file cut short is named; damaged copies (seed named) never throw. Fails with szdd
// unregistered: no finding (round 12's szdd, missed by the shipped bundle).
// Nearest real-world variant: a Windows driver or installer payload (SETUP.EX_, APP.EN_) in a provisioning image.
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { damaged, DAMAGE_SEED, decodeWith } from './decode.testing.js';
import { szdd } from './szdd.js';
import { auditFiles, has, SECRET, tool } from './testing.js';

const rng = seededPerTest(0x5a0d);

/** An env file with `value` among 3,000 numbered lines (matches, then literals). */
const env = (value: string) =>
  `${Array.from({ length: 1500 }, (_, i) => `LINE_${i}`).join('\n')}\nAPI_TOKEN=${value}\n${Array.from({ length: 1500 }, (_, i) => `LINE_${i + 1500}`).join('\n')}\n`;
const compress = (text: string) => tool('sh', ['-c', 'mscompress app.env > /dev/null'], { 'app.env': text }, 'app.env_');

describe.runIf(has('mscompress') && has('msexpand'))(`SZDD (seed ${rng.seed})`, () => {
  it('decoded as msexpand decodes it, in random chunks; the value found, the clean twin passes', async () => {
    const file = compress(env(SECRET));
    expect(file.includes(SECRET)).toBe(false);
    const expanded = tool('sh', ['-c', 'msexpand < APP.EN_'], { 'APP.EN_': file });
    const { out, limits } = await decodeWith(szdd, file, { chunk: rng.int(1, 5000) });
    expect(limits).toEqual([]);
    expect(out.equals(expanded)).toBe(true);
    expect(await auditFiles({ 'srv/APP.EN_': file })).toEqual([expect.objectContaining({ severity: 'leak', path: 'srv/APP.EN_!' })]);
    expect(await auditFiles({ 'srv/APP.EN_': compress(env('tok-clean-twin-0000000000000000')) })).toEqual([]);
  });

  it(`a file cut short is named; damaged copies (seed ${DAMAGE_SEED}) never throw`, async () => {
    const file = compress(env(SECRET));
    expect((await decodeWith(szdd, file.subarray(0, file.length >> 1))).limits).toEqual([expect.stringMatching(/cut short/)]);
    for (const d of damaged(file, 16)) await expect(decodeWith(szdd, d, { chunk: rng.int(1, 5000) })).resolves.toBeDefined();
  });
});
