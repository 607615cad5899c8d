// Property: a value beyond ASCII whose UTF-8 was read as Latin-1 or Windows-1252 and written again as UTF-8 by the real
// iconv (é as Ã©, € as â‚¬ in cp1252) is read back whole in the rewritten copy, placed at random among lines of correct
// UTF-8 text, in chunks of 1/7/64/whole; the clean twin (other values through the same iconv) and random correct UTF-8
// text in many scripts give no copy holding a value. Nearest real-world variant: an env file "converted" from Latin-1
// to UTF-8 when it was UTF-8 already, or read as ANSI by PowerShell 5 (red team round 9, variant9-text.ts).
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { CHUNKS, expectNoneRead, expectReadBack, rewritten, tool } from './text-rewrite.testing.js';

const rand = seededPerTest(37);
const LABEL = 'mojibake';
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** Characters whose UTF-8 cp1252 can take (no byte 81 8D 8F 90 9D), and more for Latin-1. */
const CP1252_SAFE = ['é', 'ß', '£', 'ü', 'Ø', '€', 'ç', '™'];
const LATIN1_MORE = ['中', '😀', 'Ж', '台'];
const PROSE = ['café', 'naïve', 'Größe', 'Ωμέγα', '日本語', 'Ñandú', 'Ærø', 'Straße', '🙂', 'Ã la carte'];

const value = (wide: string[]) => {
  let v = `k${rand.pick(wide)}`;
  for (let n = rand.int(10, 36); n > 0; n--) v += rand.int(5) ? rand.chars(LETTERS, 1) : rand.pick([...wide, ...'+/=&<>%"\\']);
  return `${v}Z`;
};

/** An env file of the values among lines of prose, its UTF-8 read as `from` by iconv and written as UTF-8. */
function misread(values: string[], from: string): Buffer {
  const prose = () => Array.from({ length: rand.int(0, 6) }, () => rand.pick(PROSE)).join(' ');
  const text = values.map((v, i) => `# ${prose()}\nKEY_${i}=${v}\n`).join('');
  return tool('iconv', ['-f', from, '-t', 'UTF-8'], text);
}

describe(`mojibake (seed ${rand.seed})`, () => {
  it.each([
    ['ISO-8859-1', [...CP1252_SAFE, ...LATIN1_MORE]],
    ['CP1252', CP1252_SAFE],
  ])('reads values misread as %s back whole', async (from, wide) => {
    const values = Array.from({ length: 12 }, () => value(wide));
    const bytes = misread(values, from);
    await expectReadBack(bytes, LABEL, values);
  });

  it("reads the clean twin's file without the leaky values", async () => {
    const leaky = Array.from({ length: 6 }, () => value(CP1252_SAFE));
    const bytes = misread(
      leaky.map(() => value(CP1252_SAFE)),
      'CP1252',
    );
    await expectNoneRead(bytes, LABEL, leaky);
  });

  it('finds no value in random correct UTF-8 prose, and routes nothing where no mojibake is', async () => {
    const values = Array.from({ length: 20 }, () => value(CP1252_SAFE));
    const prose = Buffer.from(Array.from({ length: 3000 }, () => (rand.int(3) ? rand.pick(PROSE) : rand.chars(LETTERS, 6))).join(' '));
    for (const size of CHUNKS) {
      const read = (await rewritten(prose, size, LABEL)).join('\n');
      expect(values.filter((v) => read.includes(v))).toEqual([]);
      expect(await rewritten(Buffer.from('café naïve Größe £5 Ãx Â-'), size, LABEL)).toEqual([]);
      // Correct UTF-8 with characters beyond ASCII side by side that are no misread character (`é€`: E9 wants two
      // continuation bytes, `😀` is none): a value's own (pickle0's `é€😀\\ß"`), routed as a copy, was found there.
      expect(await rewritten(Buffer.from('password=sé€😀\\ß" Größe€ ü中 ñ€x'), size, LABEL)).toEqual([]);
    }
  });
});
