// Property: a short run of base64's family (hex, base32 and base32hex in either case, base2, base64 and base64url) is
// judged from its bytes as it was from its string — `BASE64.alphabetsIn` names the alphabets `alphabets` names for the
// run's text, and `decodeText` gives exactly what `decode` gives when that is text (`stacked`), nothing when it is not —
// at every alignment a run in binary content is read from, and the scanner routes the same short runs either way.
// Nearest real-world variants: a log line's path (`GET /api/v1/items/42`), a class file's names (`Ljava/lang/String;`),
// a request id in hex, a value base64'd twice (`echo -n token | base64 | base64`), basenc --base32 / --base2msbf of a word.
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { BASE64 } from './runs.js';
import { RunScanner, stacked, type Family } from './runs-scan.js';
import type { Sink } from './types.js';

const rand = seededPerTest(20261206);

const ALPHABETS = {
  upper32: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567',
  hex32: '0123456789ABCDEFGHIJKLMNOPQRSTUV',
  hex: '0123456789abcdefABCDEF',
  bits: '01',
  base64: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/',
  url: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_',
  mixed: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_',
};

/** A run of the family's characters: a text encoded in one of its alphabets (text, so it is routed), or drawn at random. */
function run(): string {
  const text = Buffer.from(rand.chars(' !"#$%&()*+,-./0123456789:;<=>?@ABCXYZabcxyz[]{}|~\t\n', rand.int(4, 40)), 'latin1');
  switch (rand.int(9)) {
    case 0:
      return rand.pick([(s: string) => s, (s: string) => s.toUpperCase()])(text.toString('hex'));
    case 1:
      return text.toString('base64').replace(/=+$/, '');
    case 2:
      return text.toString('base64url');
    case 3:
      return [...text].map((b) => b.toString(2).padStart(8, '0')).join('');
    case 4:
      return rand.pick([(s: string) => s, (s: string) => s.toLowerCase()])(rand.chars(ALPHABETS.upper32, rand.int(11, 60)));
    case 5:
      return rand.pick([(s: string) => s, (s: string) => s.toLowerCase()])(rand.chars(ALPHABETS.hex32, rand.int(11, 60)));
    case 6:
      return `/api/v1/items/${rand.int(100_000)}`;
    case 7:
      return rand.pick(['Ljava/lang/String', 'org/example/service/Handler', 'LineNumberTable']);
    default:
      return rand.chars(rand.pick(Object.values(ALPHABETS)), rand.int(1, 80));
  }
}

/** The (offset, alphabet, bytes) a scanner of `family` routes from `data` cut into chunks of `chunk`. */
async function routed(family: Family, data: Buffer, delimited: boolean, chunk: number): Promise<string[]> {
  const out: string[] = [];
  const open = (offset: number, alphabet: string): Sink => {
    const parts: Buffer[] = [];
    return {
      write: async (b) => void parts.push(Buffer.from(b)),
      end: async () => void out.push(`${offset} ${alphabet} ${Buffer.concat(parts).toString('hex')}`),
    };
  };
  const scanner = new RunScanner(family, open, delimited);
  for (let at = 0; at < data.length; at += chunk) await scanner.push(data.subarray(at, at + chunk));
  await scanner.end();
  return out;
}

/** Base64's family as it was judged: its string's alphabets and decoding (no byte-level path). */
const BY_STRING: Family = { ...BASE64, alphabetsIn: undefined, decodeText: undefined, textFrom: undefined };

describe(`base64's family: short runs judged from their bytes (seed ${rand.seed})`, () => {
  it('alphabetsIn names what alphabets names, and decodeText gives what decode gives when it is text, at every alignment', () => {
    const differ: string[] = [];
    let texts = 0;
    for (let round = 0; round < 4000; round++) {
      const s = run();
      const b = Buffer.from(`${rand.pick(['', ' ', '"', '=', 'key: '])}${s}${rand.pick(['', ' ', '\n', '",'])}`, 'latin1');
      const start = b.indexOf(s);
      const end = start + s.length;
      for (const delimited of [true, false]) {
        const want = BASE64.alphabets(s, delimited);
        const got = BASE64.alphabetsIn!(b, start, end, delimited);
        if (JSON.stringify(got) !== JSON.stringify(want)) differ.push(`${s} ${delimited}: ${JSON.stringify(got)} ≠ ${JSON.stringify(want)}`);
        for (const alphabet of want)
          for (let skip = 0; skip < BASE64.group(alphabet) && end - start - skip >= BASE64.textFrom!; skip++) {
            const decoded = BASE64.decode(s.slice(skip), alphabet);
            const expected = stacked(decoded) ? decoded.toString('hex') : undefined;
            const text = BASE64.decodeText!(b, start + skip, end, alphabet);
            if (expected) texts++;
            if ((text && stacked(text) ? text.toString('hex') : undefined) !== expected)
              differ.push(`${s} ${alphabet} +${skip}: ${text?.toString('hex')} ≠ ${expected}`);
          }
      }
    }
    expect(differ.slice(0, 5)).toEqual([]);
    expect(texts).toBeGreaterThan(1000);
  });

  it('fewer than textFrom characters decode to no text in any alphabet the family names', () => {
    for (const [alphabet, character] of [
      ['hex', 'a'],
      ['base32', 'A'],
      ['base32hex', 'A'],
      ['base2', '1'],
      ['base64', 'A'],
    ] as const)
      expect(BASE64.decode(character.repeat(BASE64.textFrom! - 1), alphabet).length).toBeLessThan(8);
  });

  it('a scanner routes the same short runs from the bytes as from strings, in text and binary content, in chunks of any size', async () => {
    const differ: string[] = [];
    let total = 0;
    for (let round = 0; round < 600; round++) {
      let text = '';
      for (let n = rand.int(1, 12); n > 0; n--)
        text +=
          rand.next() < 0.6
            ? run() + rand.pick([' ', '\n', '"', ':', ' = ', '\n  ', ';', '\x00\x01', '=='])
            : rand.chars('(){}<>!?; \n\x00\xff', rand.int(1, 20));
      const data = Buffer.from(text, 'latin1');
      for (const delimited of [true, false]) {
        const chunk = rand.pick([data.length, rand.int(1, 64)]);
        const [want, got] = [await routed(BY_STRING, data, delimited, chunk), await routed(BASE64, data, delimited, chunk)];
        total += want.length;
        if (JSON.stringify(got) !== JSON.stringify(want))
          differ.push(`${JSON.stringify(text)} ${delimited} ${chunk}: ${JSON.stringify(got)} ≠ ${JSON.stringify(want)}`);
      }
    }
    expect(differ.slice(0, 3)).toEqual([]);
    expect(total).toBeGreaterThan(500);
  });
});
