/**
 * The pieces a pre-check of a compressed stream's header reads with (brotli-value.ts, deflate-value.ts): bits least
 * significant first, and a prefix code built canonically from its lengths (shorter codes first, then by symbol) whose
 * codes are read most significant bit first — as both deflate (RFC 1951 §3.2.2) and brotli (RFC 7932 §3.2) write them.
 */

/** The bits of `b`, least significant first; past the end reads throw `PAST`. */
export class Bits {
  pos = 0;
  constructor(readonly b: Uint8Array) {}
  read(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++, this.pos++) {
      const byte = this.b[this.pos >> 3];
      if (byte === undefined) throw PAST;
      v |= ((byte >> (this.pos & 7)) & 1) << i;
    }
    return v >>> 0;
  }
}

export const PAST = new Error('past the end');
export const BAD = new Error('not a stream header');
export const fail = (): never => {
  throw BAD;
};

/** A prefix code as its canonical decoding table: how many codes of each length, and the symbols in code order. */
export type Code = { counts: ArrayLike<number>; symbols: ArrayLike<number> };

/** The code of `lengths` (0: no code), symbol `symbolOf(i)` for the i'th (sorted by symbol where i is not). */
export function canonical(lengths: ArrayLike<number>, symbolOf: (i: number) => number = (i) => i): Code {
  const counts = new Uint16Array(16);
  for (let i = 0; i < lengths.length; i++) counts[lengths[i]!]!++;
  counts[0] = 0;
  const next = new Uint16Array(16);
  for (let l = 1; l < 15; l++) next[l + 1] = next[l]! + counts[l]!;
  const symbols = new Uint16Array(next[15]! + counts[15]!);
  for (let i = 0; i < lengths.length; i++) if (lengths[i]) symbols[next[lengths[i]!]!++] = symbolOf(i);
  return { counts, symbols };
}

/** One symbol of `code`, its bits read most significant first (a one-symbol code reads none). */
export function decode(r: Bits, code: Code): number {
  if (code.symbols.length === 1) return code.symbols[0]!;
  let first = 0;
  let index = 0;
  let value = 0;
  for (let len = 1; len < 16; len++) {
    value |= r.read(1);
    const count = code.counts[len]!;
    if (value - first < count) return code.symbols[index + value - first]!;
    index += count;
    first = (first + count) << 1;
    value <<= 1;
  }
  return fail();
}
