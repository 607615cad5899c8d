// Property: the looks' masks (WebAssembly, a window at a time) mark exactly the bytes the readers' own tests hold at —
// byte lists: fifteen list characters in a row start there;
// spaced characters: a blank, line break, tab or comma equal to the bytes two before and after it, a carriage return
// equal to those three before and after; word lists: a digit — so a reader that goes from mark to mark meets every place
// its byte-by-byte loop did something at. And the readers find the same runs whether a text comes in one chunk (marked)
// or in chunks too short to mark (byte by byte). Nearest real-world variant: a spaced or word-list value in a long
// minified JavaScript or log file, at a window's edge.
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { Marks, MIN_MARKED, WINDOW } from './runs-bytes-looks.js';
import { SpacedChars } from './spaced-chars.js';
import { WordLists } from './runs-bytes-words.js';

const rng = seededPerTest(0x100c5);

const SEPARATORS = [0x20, 0x0a, 0x09, 0x2c, 0x0d];
const spacedAt = (b: Uint8Array, i: number) => {
  const c = b[i]!;
  if (c === 0x0d) return b[i - 3] === c && b[i + 3] === c;
  return SEPARATORS.includes(c) && b[i - 2] === c && b[i + 2] === c;
};
const digitAt = (b: Uint8Array, i: number) => b[i]! >= 0x30 && b[i]! <= 0x39;
/** The byte lists' table (runs-bytes.ts): fifteen of its bytes in a row start or continue a stretch it reads. */
const TABLE = new Uint8Array(256);
for (const c of '0123456789abcdefABCDEFxX,:-.\'" \t\r\n') TABLE[c.charCodeAt(0)] = 1;
const stretchAt = (b: Uint8Array, i: number) => {
  for (let k = 0; k < 15; k++) if (i + k >= b.length || !TABLE[b[i + k]!]) return false;
  return true;
};

/** Text of separators, digits, letters and runs (`a b c`, CRLF's), some bytes beyond ASCII. */
function textOf(n: number): Buffer {
  const parts: string[] = [];
  let size = 0;
  while (size < n) {
    const part = rng.pick([
      '0x74, 0x6f, 0x6b, 0x65, 0x6e',
      '74:6f:6b:65',
      'de ad be ef 12 34',
      'a b c d e f g h',
      'x\r\ny\r\nz\r\nw\r\n',
      '1,2,3,4,5',
      'q\tw\te\tr',
      'word ',
      '12345 ',
      '\n',
      ' ',
      '\r',
      'é ü',
      ' = ',
      rng.chars('ab ,\n\r\t0123456789', 20),
    ]);
    parts.push(part);
    size += part.length;
  }
  return Buffer.from(parts.join('').slice(0, n), 'latin1');
}

describe('the looks marked a window at a time', () => {
  it('mark exactly the bytes the readers test, at every window start and stride (seed in .seed)', () => {
    for (let t = 0; t < 40; t++) {
      const b = textOf(rng.int(1, 3 * WINDOW));
      for (const [kind, at] of [
        ['spaced', spacedAt],
        ['digits', digitAt],
        ['members', stretchAt],
      ] as const) {
        const marks = kind === 'members' ? new Marks(kind, TABLE, 15) : new Marks(kind);
        const from = rng.pick([0, 1, 2, 3, rng.int(b.length), Math.max(0, b.length - 5)]);
        expect(marks.fill(b, from)).toBe(true);
        expect(marks.to).toBe(Math.min(b.length, from + WINDOW));
        for (const stride of [1, 8]) {
          const p = rng.int(from, marks.to);
          let want = -1;
          for (let i = p; i < marks.to; i += stride)
            if (at(b, i)) {
              want = i;
              break;
            }
          expect(marks.next(p, stride), `${kind} from ${from} p ${p} stride ${stride}`).toBe(want);
        }
        const all: number[] = [];
        for (let i = marks.next(from); i >= 0; i = i + 1 < marks.to ? marks.next(i + 1) : -1) all.push(i);
        const expected: number[] = [];
        for (let i = from; i < marks.to; i++) if (at(b, i)) expected.push(i);
        expect(all).toEqual(expected);
      }
    }
  });

  it('the readers find the same runs and lists in one chunk (marked) as in short chunks (byte by byte)', async () => {
    const read = async (Reader: typeof SpacedChars | typeof WordLists, b: Buffer, size: number) => {
      const found: string[] = [];
      const reader = new Reader((at, label) => ({
        write: async (bytes: Uint8Array) => void found.push(`${at} ${label} ${Buffer.from(bytes).toString('latin1')}`),
        end: async () => undefined,
      }));
      for (let o = 0; o < b.length; o += size) await reader.push(b.subarray(o, o + size));
      await reader.end();
      return found.sort();
    };
    for (let t = 0; t < 6; t++) {
      const noise = textOf(3 * WINDOW).toString('latin1');
      const at = rng.int(noise.length);
      const value = 'tok-looks-Secret-42';
      const spaced = [...value].join(rng.pick([' ', '\n', ',', '\t', '\r\n']));
      const words = Array.from(Buffer.from(value.slice(0, 18)).reduce<number[]>((w, x, i, a) => (i % 2 ? w : [...w, (x << 8) | a[i + 1]!]), [])).join(', ');
      const b = Buffer.from(`${noise.slice(0, at)} ${spaced} ; [${words}] ${noise.slice(at)}`, 'latin1');
      for (const Reader of [SpacedChars, WordLists]) {
        const whole = await read(Reader, b, b.length);
        expect(whole.join('\n'), Reader.name).toContain(Reader === SpacedChars ? value : value.slice(0, 18));
        expect(whole).toEqual(await read(Reader, b, MIN_MARKED - 1));
      }
    }
  });
});
