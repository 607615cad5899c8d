// Property: a value's bytes written as numbers in any radix convention a language prints — C23 `0b`, VB `&H`/`&O`/`&B`,
// Lisp `#x`/`#o`/`#b`, Erlang's and Ada's `16#74`/`8#164#`, Delphi's `#116`, Pascal's `#$74`, NASM's `074h`, C's octal
// `0164`, eight bits between commas — are read back as those bytes at any chunking; text that only looks like them
// (CSS colours, HTML entities' `#`, a C table of small octal flags, version numbers, a VB `&` join) gives no value.
// Nearest real-world variants: a generated VBA macro `Array(&H74, …)`, a Delphi unit's `#116#111`, a NASM `db` line.
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { listsOf } from './runs-bytes-r18.testing.js';
import { bareRadix, NUMBER, tokenOf } from './radix-tokens.js';

const rng = seededPerTest(0x4ad1c5);
const VALUE = Buffer.from('tok+/=Ab9x\u00e9z\u20acQ-value_7f3a', 'utf8');
const hex2 = (c: number) => c.toString(16).toUpperCase().padStart(2, '0');
const NOTATIONS: Record<string, (b: Buffer) => string> = {
  'C23 0b': (b) => `uint8_t k[] = {${[...b].map((c) => `0b${c.toString(2).padStart(8, '0')}`).join(', ')}};\n`,
  'VB &H': (b) => `k = Array(${[...b].map((c) => `&H${c.toString(16).toUpperCase()}`).join(', ')})\n`,
  'VB &O': (b) => `k = Array(${[...b].map((c) => `&O${c.toString(8)}`).join(', ')})\n`,
  'Lisp #x': (b) => `(defvar *k* '(${[...b].map((c) => `#x${hex2(c)}`).join(' ')}))\n`,
  'Lisp #o': (b) => `(defvar *k* '(${[...b].map((c) => `#o${c.toString(8)}`).join(' ')}))\n`,
  'Erlang 16#': (b) => `${[...b].map((c) => `16#${hex2(c)}`).join(',')}\n`,
  'Ada 16#..#': (b) => `K : constant Bytes := (${[...b].map((c) => `16#${hex2(c)}#`).join(', ')});\n`,
  'Delphi #N': (b) => `const K = ${[...b].map((c) => `#${c}`).join('')};\n`,
  'Pascal #$': (b) => `const K = ${[...b].map((c) => `#$${hex2(c)}`).join('')};\n`,
  'NASM h': (b) => `key: db ${[...b].map((c) => `0${hex2(c)}h`).join(',')}\n`,
  'C octal': (b) => `static const unsigned char k[] = {${[...b].map((c) => `0${c.toString(8)}`).join(', ')}};\n`,
  'bits, commas': (b) => `${[...b].map((c) => c.toString(2).padStart(8, '0')).join(',')}\n`,
};

describe('numbers in every radix convention, read as bytes', () => {
  it.each(Object.entries(NOTATIONS))('%s: the value read back at chunks of 1, 7, 64, random and whole', async (_name, write) => {
    const text = Buffer.from(`// generated\n${write(VALUE)}// end\n`);
    for (const size of [1, 7, 64, () => rng.int(1, 200), text.length]) {
      const read = (await listsOf(text, size)).map((r) => r.bytes.toString('latin1'));
      expect(
        read.some((r) => r.includes(VALUE.toString('latin1'))),
        `${_name} at ${String(size)}`,
      ).toBe(true);
    }
  });

  it('look-alikes give no list: colours, entities, small octal flags, versions, a VB join, prose', async () => {
    const text = Buffer.from(
      [
        'a { color: #fff; background: #abcdef; border: #123 #456 #789 #0ab #cde #f01 #234 #567; }',
        '&#38; &#60; &#62; &amp; #1 #2 #3 #4 #5 #6 #7 #8 #9 #10',
        'static const int modes[] = {0644, 0755, 0600, 0700, 0444, 0555, 0640, 0750, 0711};',
        'versions: 1.2.3, 4.5.6, 7.8.9, 10.11.12, 13.14.15, 16.17.18, 19.20.21',
        's = "a" & "b" & "c" & "d" & "e" & "f" & "g" & "h" & "i" & "j"',
        'Mix 8h of work, 16h the week after, 24h, 32h, 40h, 48h, 56h and 64h in all.',
      ].join('\n') + '\n',
    );
    expect((await listsOf(text, 64)).map((r) => r.bytes.toString('latin1'))).toEqual([]);
  });

  it('a radix mark whose digits are no number of it is no token (&116, &x74, #h74)', () => {
    const tokens = [...'&116, &x74, #h74, &$74'.matchAll(NUMBER)].map(tokenOf);
    expect(tokens.filter((t) => t?.marked)).toEqual([]);
  });

  it('bare conventions: 0-led octal needs a number of 3 digits or more; bits need 8 digits each', () => {
    const toks = (s: string) => [...s.matchAll(NUMBER)].map((m) => tokenOf(m)!);
    expect(bareRadix(toks('01, 02, 03, 04, 05, 06, 07, 00'))).toBeUndefined();
    expect(bareRadix(toks('0164, 070, 053'))?.map((t) => t.radix)).toEqual([8, 8, 8]);
    expect(bareRadix(toks('01110100,0110111'))).toBeUndefined();
    expect(bareRadix(toks('01110100,01101111'))?.map((t) => t.radix)).toEqual([2, 2]);
  });
});
