// Property: a DjVu document (made by djvulibre's cjb2 and djvused) whose annotations (ANTz) or hidden text (TXTz) hold
// a value — BZZ-compressed, not in the file's bytes — is named as not fully audited, leaky or clean, never passed in
// silence; one without them (a page alone) gives nothing; the chunk walk holds across any push size (seed named);
// random heads are not claimed. Fails with djvu unregistered: the documents pass in silence (round 17's djvu-*
// artifacts, missed by the bundle of 66e13b4). Nearest real-world variant: a scanned manual or an OCR'd document
// (DjVu with a text layer and metadata) shipped in a documentation or archive image.
import { describe, expect, it } from 'vitest';
import { seeded, seededPerTest, testSeed } from '../../../test/support/random.js';
import { decodeWith } from './decode.testing.js';
import { djvu, isDjvu } from './djvu.js';
import { auditFiles, has, SECRET, tool } from './testing.js';

const rng = seededPerTest(0xd1e0);
const PBM = 'P1\n8 8\n0 0 0 0 0 0 0 0\n0 1 1 1 1 1 1 0\n0 1 0 0 0 0 1 0\n0 1 0 1 1 0 1 0\n0 1 0 1 1 0 1 0\n0 1 0 0 0 0 1 0\n0 1 1 1 1 1 1 0\n0 0 0 0 0 0 0 0\n';

/** doc.djvu: one page by cjb2, then `set` (djvused: set-ant or set-txt) of `content` (the value in it), or nothing. */
const doc = (v: string, set?: 'set-ant' | 'set-txt') =>
  tool(
    'sh',
    [
      '-c',
      `cjb2 p.pbm doc.djvu
${set === 'set-ant' ? `printf '(metadata (Keywords "api_token=%s"))\\n' "$(cat secret)" > x.txt` : `printf '(page 0 0 8 8 (line 0 0 8 8 (word 0 0 8 8 "api_token=%s")))\\n' "$(cat secret)" > x.txt`}
${set ? `djvused doc.djvu -e "select 1; ${set} x.txt" -s` : ''}`,
    ],
    { 'p.pbm': PBM, secret: v },
    'doc.djvu',
  );

describe.runIf(has('cjb2') && has('djvused'))(`DjVu documents made by djvulibre (seed ${rng.seed})`, { timeout: 60_000 }, () => {
  it.each([
    ['set-ant', 'annotations (ANTz)'],
    ['set-txt', 'hidden text (TXTz)'],
  ] as const)('djvused %s: the BZZ chunk named, leaky or clean', async (set, what) => {
    const file = doc(SECRET, set);
    expect(isDjvu(file)).toBe(true);
    expect(file.includes(SECRET)).toBe(false);
    const { limits } = await decodeWith(djvu, file, { chunk: rng.int(1, 40) });
    expect(limits).toEqual([`a DjVu document with BZZ-compressed ${what}, which the audit does not decode`]);
    expect(await auditFiles({ 'srv/doc.djvu': doc('tok-clean-twin-1d4f', set) })).toEqual([
      { severity: 'limit', what: expect.stringContaining(what), path: 'srv/doc.djvu' },
    ]);
  });

  it('a page alone: nothing named', async () => {
    expect((await decodeWith(djvu, doc(SECRET), { chunk: rng.int(1, 40) })).limits).toEqual([]);
  });
});

describe('DjVu sniff', () => {
  const r = seeded(testSeed(0xd1e1));
  it(`random heads are not claimed (seed ${r.seed})`, () => {
    let claimed = 0;
    for (let i = 0; i < 20_000; i++) if (isDjvu(r.bytes(64))) claimed++;
    expect(claimed).toBe(0);
  });
});
