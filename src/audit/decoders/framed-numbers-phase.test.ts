// Property: a list of numbers in one frame is found wherever it starts and whatever its items' length — the looks (one
// every 8 bytes) may not phase-lock onto the leads and separators of items 4, 8, 12 or 16 bytes long —, with digit groups
// (`0b0111_0100`) read as one number, and with its numbers' marks differing (`0b…` beside `0x…`), each read in its own
// mark's radix. Generated: item forms × every start offset 0–15 × values. Nearest real-world variants (made by their
// tools in test/support/corpus/variant23-text.ts): F#'s `0x74uy; `, C#'s `(byte)0X74, `, C++'s
// `static_cast<uint8_t>(0x74)`, Python's and Java's `0b0111_0100`, Java's casts of hex and binary by turns. Round 22's
// asserted gaps (fsharp-uy, bits-underscore, java-binary-casts-hex-mixed); all silent through /tmp/lead/dist-start.
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { FramedLooks } from './framed-numbers.js';

const rng = seededPerTest(0x9b17e3);
const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

const hex = (c: number, upper: boolean) => c.toString(16).padStart(2, '0')[upper ? 'toUpperCase' : 'toLowerCase']();
const bits = (c: number, group: boolean) => {
  const b = c.toString(2).padStart(8, '0');
  return group ? `${b.slice(0, 4)}_${b.slice(4)}` : b;
};

/** Item writers: each byte's item (`k` its index, for forms that alternate). */
const FORMS: Array<[string, (c: number, k: number) => string, string]> = [
  ['F# uy', (c) => `0x${hex(c, false)}uy`, '; '],
  ['C# (byte)0X', (c) => `(byte)0X${hex(c, true)}`, ', '],
  ['C++ static_cast<uint8_t>', (c) => `static_cast<uint8_t>(0x${hex(c, false)})`, ', '],
  ['Rust upper u8', (c) => `0x${hex(c, true)}u8`, ', '],
  ['Rust 0X upper u8', (c) => `0X${hex(c, true)}u8`, ', '],
  ['Python 0b groups', (c) => `0b${bits(c, true)}`, ', '],
  ['Java (byte) 0b groups', (c) => `(byte) 0b${bits(c, true)}`, ', '],
  ['Java hex and binary casts by turns', (c, k) => (k % 2 ? `(byte) 0x${hex(c, false)}` : `(byte) 0b${bits(c, false)}`), ', '],
  ['C hex and octal by turns', (c, k) => (k % 2 ? `0x${hex(c, true)}` : `0o${c.toString(8)}`), ', '],
  ['Kotlin 0x.toByte()', (c) => `0x${hex(c, false)}.toByte()`, ', '],
];

/** What FramedLooks routes from `text` fed in chunks of `size` bytes. */
async function read(text: Buffer, size: number): Promise<string[]> {
  const got: string[] = [];
  const looks = new FramedLooks(() => {
    const parts: Buffer[] = [];
    return { write: (b) => void parts.push(Buffer.from(b)), end: () => void got.push(Buffer.concat(parts).toString('utf8')) };
  });
  for (let i = 0; i < text.length; i += size) await looks.push(text.subarray(i, i + size));
  await looks.end();
  return got;
}

describe('framed numbers: every phase, digit groups, mixed marks', () => {
  it('each form at every start offset 0-15 (and in random chunks): the value read back', async () => {
    const missed: string[] = [];
    for (const [name, item, sep] of FORMS)
      for (let offset = 0; offset < 16; offset++) {
        const v = rng.chars(ALNUM, rng.int(10, 24));
        const body = [...Buffer.from(v)].map((c, k) => item(c, k)).join(sep);
        const text = Buffer.from(`${'x'.repeat(offset)}\nk = {${body}};\n`);
        if (!(await read(text, rng.pick([5, 64, 4096]))).includes(v)) missed.push(`${name} @${offset}`);
      }
    expect(missed).toEqual([]);
  });

  it('underscored numbers and mixed marks in no common frame, and identifiers with _: nothing read', async () => {
    const texts = [
      'const MASKS = [0b1111_0000, 0xFF, 1_000_000, 0o777]; // flags 0b0000_0001 0b0000_0010',
      'int a_1 = b_2 + c_3 * d_4 - e_5 / f_6 + g_7 - h_8 + i_9; long x = 1_000L + 2_000L + 3_000L + 4_000L;',
      `rates = [${Array.from({ length: 12 }, (_, k) => `${k + 1}_000_000`).join(', ')}]`,
    ];
    for (const t of texts) expect(await read(Buffer.from(t), 7), t).toEqual([]);
  });
});
