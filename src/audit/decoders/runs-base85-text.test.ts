// A short base85 run is decoded only if it ends in groups of text (`decodeText`): its last three
// groups are looked at first. The same answer as reading group by group from the start (the
// reference below, as it was before), for every alignment of generated runs: values encoded in
// each alphabet after prefixes of their own characters, words, code, random characters, `z`.
import { describe, expect, it } from 'vitest';
import { seeded, testSeeds, type Seeded } from '../../../test/support/random.js';
import { A85, B85, B85_ALPHABET, BASE85_FAMILIES, decode85 } from './runs-base85.js';

const Z85_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#';
const A85_ALPHABET = Array.from({ length: 85 }, (_, i) => String.fromCharCode(33 + i)).join('');
const Z85 = new Int8Array(256).fill(-1);
for (let i = 0; i < 85; i++) Z85[Z85_ALPHABET.charCodeAt(i)] = i;
const FAMILIES = [
  { alphabet: B85_ALPHABET, values: B85, zeros: false },
  { alphabet: Z85_ALPHABET, values: Z85, zeros: false },
  { alphabet: A85_ALPHABET, values: A85, zeros: true },
];

/** The reading group by group from the run's start, as textOf did before its shortcut. */
function reference(bytes: Uint8Array, start: number, end: number, alphabet: Int8Array, zeros: boolean): Buffer | undefined {
  const whole = end - ((end - start) % 5);
  let from = start;
  for (let i = start; i < whole && whole - from >= 15; i += 5) {
    let v = alphabet[bytes[i]!]!;
    let text = v >= 0 && v <= 40;
    for (let j = i + 1; j < i + 5 && text; j++) {
      const d = alphabet[bytes[j]!]!;
      if (d < 0) return undefined;
      v = v * 85 + d;
    }
    if (v < 0) return undefined;
    for (let s = 24; s >= 0 && text; s -= 8) {
      const b = (v >>> s) & 0xff;
      text = (b >= 0x20 && b <= 0x7e) || b === 9 || b === 10 || b === 13;
    }
    if (text) continue;
    if (i - start >= 20) return undefined;
    from = i + 5;
  }
  if (whole - from < 15) return undefined;
  return decode85(Buffer.from(bytes).toString('latin1', from, end), alphabet, zeros);
}

function encode85(bytes: Uint8Array, alphabet: string): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 4) {
    const k = Math.min(4, bytes.length - i);
    let v = 0;
    for (let j = 0; j < 4; j++) v = v * 256 + (j < k ? bytes[i + j]! : 0);
    const group: string[] = [];
    for (let j = 0; j < 5; j++) {
      group.unshift(alphabet[v % 85]!);
      v = Math.floor(v / 85);
    }
    out += group.slice(0, k + 1).join('');
  }
  return out;
}

/** A run of the alphabet's characters (and `z` for ASCII85), 15 to 80 long. */
function run(r: Seeded, alphabet: string): string {
  const text = () => Buffer.from(r.chars('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/=&<>%"\\ \t\n|}~', r.int(8, 50)));
  const own = (n: number) => r.chars(alphabet, n);
  switch (r.int(5)) {
    case 0:
      return encode85(text(), alphabet);
    case 1:
      return own(r.int(0, 25)) + encode85(text(), alphabet);
    case 2:
      return encode85(text(), alphabet) + own(r.int(1, 10));
    case 3:
      return r.chars(alphabet.replace(/[^a-z]/g, '') + '_.(', r.int(15, 60)); // words and code
    default:
      return own(r.int(15, 80)) + (alphabet === A85_ALPHABET && r.int(4) === 0 ? 'z' + own(r.int(0, 20)) : '');
  }
}

describe('short base85 runs decoded only when they end in text', () => {
  for (const seed of testSeeds([85, 8585])) {
    it(`gives what reading every group from the start gives, at every alignment (seed ${seed})`, () => {
      const r = seeded(seed);
      let decoded = 0;
      for (let round = 0; round < 6000; round++) {
        const k = r.int(3);
        const { alphabet, values, zeros } = FAMILIES[k]!;
        const bytes = Buffer.from(`${r.pick([' ', '"', ''])}${run(r, alphabet)}${r.pick([' ', '\n', ''])}`, 'latin1');
        for (let start = 0; start < Math.min(6, bytes.length); start++) {
          const want = reference(bytes, start, bytes.length, values, zeros);
          expect(
            BASE85_FAMILIES[k]!.decodeText!(bytes, start, bytes.length, BASE85_FAMILIES[k]!.alphabets('', true)[0]!),
            `seed ${seed} round ${round}`,
          ).toEqual(want);
          if (want) decoded++;
        }
      }
      expect(decoded).toBeGreaterThan(1000); // runs of text among them, decoded
    });
  }
});
