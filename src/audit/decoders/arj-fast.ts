/**
 * ARJ's method 4 (`arj a -m4`, "fastest"): LZ77 over a 26,624-byte window without Huffman tables — the bits read most
 * significant first; each item a length code (a run of up to 7 one-bits, a stop bit when fewer, then as many bits as
 * the run's ones: 0 a literal of 8 bits, n ≥ 1 a match of n + 2 bytes) and, for a match, a distance code of the same
 * shape (a run of up to 4 one-bits from a base of 9 bits). Decoded here until `size` bytes (the member's original
 * size, bounded by the caller); a distance before the output's start, or a stream that ends early, throws.
 */

export class ArjFastError extends Error {}

/** Method-4 data `src` decoded to `size` bytes (the caller's bound), or throws ArjFastError when it does not decode. */
export function arjFastDecode(src: Uint8Array, size: number): Buffer {
  // Grown as it fills, not allocated at the claimed size: a header may claim 4 GiB over a few bytes of data.
  let out = Buffer.allocUnsafe(Math.min(size, 1 << 20));
  const room = (need: number) => {
    if (need <= out.length || out.length >= size) return;
    const grown = Buffer.allocUnsafe(Math.min(size, Math.max(need, out.length * 2)));
    out.copy(grown);
    out = grown;
  };
  let bit = 0;
  const total = src.length * 8;
  const read = (n: number): number => {
    if (bit + n > total) throw new ArjFastError('ARJ method-4 data ends early');
    let v = 0;
    for (let i = 0; i < n; i++, bit++) v = (v << 1) | ((src[bit >> 3]! >> (7 - (bit & 7))) & 1);
    return v;
  };
  /** A run of up to `stop - start` one-bits (a zero ends it early), then bits as wide as `start` plus the run. */
  const code = (start: number, stop: number): number => {
    let plus = 0;
    let width = start;
    for (let pwr = 1 << start; width < stop && read(1); width++, pwr <<= 1) plus += pwr;
    return plus + (width ? read(width) : 0);
  };
  let n = 0;
  while (n < size) {
    const len = code(0, 7);
    room(n + 258);
    if (len === 0) {
      out[n++] = read(8);
      continue;
    }
    const distance = code(9, 13) + 1;
    if (distance > n) throw new ArjFastError('an ARJ method-4 match before the data’s start');
    for (let k = Math.min(len + 2, size - n); k > 0; k--, n++) out[n] = out[n - distance]!;
  }
  return out.subarray(0, n);
}
