// Round 20's notation forms, each checked against the real tool that writes it: a value's UTF-8 as one big number in
// base36 (Ruby's Integer#to_s(36), Node's BigInt#toString(36), upper case as Java's toUpperCase of it), base62 and
// base58 (as the base62/base58 packages write them: Python's divmod loop here, no package installed), rot13 and rot47
// (`tr`), NFD and NFC (Python's unicodedata). Property: each form is the tool's output exactly, differs from the value,
// is named, and none is made for the start of a longer value (none of these forms' starts is the whole's start).
// Nearest real-world variant: an opaque id made of a key by a Rails helper, a WordPress plugin's str_rot13, a key in a
// file name on APFS. All silent through the bundle of the session's start (/tmp/lead/dist-start); looked for once
// forms.ts lists them (/work/notes/s59/H2-forms.diff).
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../test/support/random.js';
import { tool } from './decoders/testing.js';
import { atbash, fullwidth, mathBold, notationForms, RADIX_MAX, rot13, rot47, tagged } from './notation-forms.js';

const rand = seededPerTest(2022);
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const out = (b: Buffer) => b.toString('utf8').trim();
const RADIX_PY = (alphabet: string) =>
  `import sys\nA = '${alphabet}'\nb = open('v', 'rb').read()\nn = int.from_bytes(b, 'big'); o = ''\nwhile n: n, r = divmod(n, len(A)); o = A[r] + o\nprint(A[0] * (len(b) - len(b.lstrip(b'\\0'))) + o if len(A) == 58 else o)`;

describe(`round 20: notation forms against the real tools (seed ${rand.seed})`, () => {
  it('each form is the tool’s output, named, and differs from the value', { timeout: 120_000 }, () => {
    for (let i = 0; i < 2; i++) {
      const v = `${rand.chars(LETTERS, 6)}+/=${rand.chars(LETTERS, 5)}&"é${rand.chars(LETTERS, 4)}${i % 2 ? '€' : 'ß'}${rand.chars(LETTERS, 4)}`;
      const forms = new Map(notationForms(v).map(([f, n]) => [f.toString('utf8'), n]));
      const expected: Array<[string, string]> = [
        [out(tool('ruby', ['-e', "print File.binread('v').unpack1('H*').to_i(16).to_s(36)"], { v })), 'base36'],
        [out(tool('node', ['-e', "console.log(BigInt('0x' + require('fs').readFileSync('v').toString('hex')).toString(36).toUpperCase())"], { v })), 'base36'],
        [out(tool('python3', ['-c', RADIX_PY('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz')], { v })), 'base62'],
        [out(tool('python3', ['-c', RADIX_PY('123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz')], { v })), 'base58'],
        [rot('tr', ['A-Za-z', 'N-ZA-Mn-za-m'], v), 'rot13'],
        [rot('tr', ['!-~', 'P-~!-O'], v), 'rot47'],
        [out(tool('python3', ['-c', "import unicodedata; print(unicodedata.normalize('NFD', open('v', encoding='utf-8').read()))"], { v })), 'Unicode NFD'],
      ];
      for (const [form, name] of expected) expect(forms.get(form), `${name} of ${JSON.stringify(v)}`).toBe(name);
      expect([...forms.keys()].filter((f) => f === v)).toEqual([]);
    }
  });

  it("makes the start of a longer value's rotations (no radix), none equal to the value, no radix past RADIX_MAX", () => {
    const v = rand.chars(LETTERS, 40);
    expect(notationForms(v.slice(0, 20), v).map(([f, n]) => [f.toString(), n])).toEqual([
      [rot13(v).slice(0, 20), 'rot13'],
      [rot47(v).slice(0, 20), 'rot47'],
      ...START_FORMS.map(([f, n]): [string, string] => [f(v.slice(0, 20)), n]),
      // Reversed: the start of the whole value's reversal (its last characters), as compile-reach's cut reach requires.
      [[...v].reverse().join('').slice(0, 20), 'reversed'],
    ]);
    expect(notationForms('12345678').map(([, n]) => n)).not.toContain('rot13');
    expect(notationForms('x'.repeat(RADIX_MAX + 1)).map(([, n]) => n)).toEqual(['rot13', 'rot47', ...START_FORMS.map(([, n]) => n)]);
  });
});

/** Round 22's forms of a value's start (none equal to the value; `reversed` made apart: of a cut value, the whole's end). */
const START_FORMS: ReadonlyArray<[(s: string) => string, string]> = [
  [atbash, 'Atbash'],
  [fullwidth, 'fullwidth'],
  [mathBold, 'mathematical bold'],
  [tagged, 'Unicode tag characters'],
  [(s) => [...s].join('\u200b'), 'zero-width spaces between'],
  [(s) => [...s].join('\u200d'), 'zero-width joiners between'],
];

// Round 22's forms, against the real tools: `rev`, Atbash by `tr`, ICU's Halfwidth-Fullwidth (`uconv`), and Python's
// unicodedata for the mathematical bold letters and NFKC folding every hiding form back to the value. Property: each form
// is the tool's output exactly and named. Nearest real-world variant: a key pasted into a chat or a prompt through a
// "fancy text" generator, a key hidden in a config by `rev`. All silent through /tmp/lead/dist-start.
describe(`round 22: hiding forms against the real tools (seed ${rand.seed})`, () => {
  it('each form is the tool’s output, named', { timeout: 60_000 }, () => {
    const v = `${rand.chars(LETTERS, 12)}-${rand.chars(LETTERS, 12)}`;
    const forms = new Map(notationForms(v).map(([f, n]) => [f.toString('utf8'), n]));
    const nfkc = (f: (s: string) => string) =>
      out(tool('python3', ['-c', `import unicodedata; print(unicodedata.normalize('NFKC', open('v', encoding='utf-8').read()))`], { v: f(v) }));
    const expected: Array<[string, string]> = [
      [out(tool('rev', ['v'], { v })), 'reversed'],
      [rot('tr', ['a-zA-Z', 'zyxwvutsrqponmlkjihgfedcbaZYXWVUTSRQPONMLKJIHGFEDCBA'], v), 'Atbash'],
      [out(tool('uconv', ['-f', 'utf-8', '-t', 'utf-8', '-x', 'Halfwidth-Fullwidth', 'v'], { v })), 'fullwidth'],
    ];
    for (const [form, name] of expected) expect(forms.get(form), name).toBe(name);
    expect([mathBold, fullwidth].map(nfkc)).toEqual([v, v]);
    expect(forms.get(mathBold(v))).toBe('mathematical bold');
    expect(out(tool('python3', ['-c', "print(''.join(chr(ord(c) - 0xE0000) for c in open('v', encoding='utf-8').read()))"], { v: tagged(v) }))).toBe(v);
  });
});

/** `tr` of the value (read from stdin through a file: tool() runs with no stdin). */
function rot(command: string, args: string[], v: string): string {
  return tool('sh', ['-c', `${command} '${args[0]}' '${args[1]}' < v`], { v }).toString('utf8');
}
