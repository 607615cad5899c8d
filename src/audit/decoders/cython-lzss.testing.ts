/**
 * An LZSS writer of the format Cython 3.3 compresses a module's string table in (`cython-lzss.ts`), for the tests: a
 * flag byte per 8 items, least significant bit first (1: a literal), references of 2 bytes (7-bit offset and 8-bit
 * length; or 9-bit offset and 5-bit length) or 3 (14-bit offset, 8-bit length), the offset counted from the match's end
 * back to the output's end. Matches are found by their first 3 bytes; `pick` chooses, at each place with a match,
 * whether to take it and how much of it (so that each form of reference is written, and literals where Cython's
 * greedy writer would have copied).
 */

/** The farthest back a reference's end may be (0x80 + 14 bits) and the longest copy. */
const MAX_OFFSET = 0x80 + (1 << 14) - 1;
const MAX_LENGTH = 258;

export function lzss(data: Uint8Array, pick: (longest: number) => number = (n) => n): Buffer {
  const out: number[] = [];
  const heads = new Map<number, number[]>();
  let flagAt = -1;
  let items = 8;
  let flags = 0;
  const item = (literal: boolean, bytes: number[]) => {
    if (items === 8) {
      if (flagAt >= 0) out[flagAt] = flags;
      flagAt = out.length;
      out.push(0);
      items = 0;
      flags = 0;
    }
    if (literal) flags |= 1 << items;
    items++;
    out.push(...bytes);
  };
  const key = (p: number) => (data[p]! << 16) | (data[p + 1]! << 8) | data[p + 2]!;
  let pos = 0;
  while (pos < data.length) {
    // The longest match ending before `pos` (a copy never overlaps what it writes: its offset is counted from its end).
    let best = 0;
    let bestEnd = 0;
    if (pos + 3 <= data.length) {
      const list = heads.get(key(pos)) ?? [];
      for (let k = list.length - 1; k >= 0 && k >= list.length - 64; k--) {
        const prev = list[k]!;
        let n = 0;
        while (n < MAX_LENGTH && pos + n < data.length && prev + n < pos && data[prev + n] === data[pos + n]) n++;
        if (n > best && pos - (prev + n) <= MAX_OFFSET) {
          best = n;
          bestEnd = prev + n;
        }
      }
    }
    const take = best >= 3 ? pick(best) : 0;
    const offset = pos - (bestEnd - best + take);
    let bytes: number[] | undefined;
    // (A shorter copy of the match ends farther back: still within reach, or a literal.)
    if (take >= 3 && offset <= MAX_OFFSET) {
      const length = take - 3;
      if (offset <= 0x7f) bytes = [offset, length];
      else if (offset - 0x80 < 1 << 9 && length < 1 << 5) bytes = [((offset - 0x80) & 0x7f) | 0x80, (((offset - 0x80) & 0x180) >> 2) | length];
      else bytes = [((offset - 0x80) & 0x7f) | 0x80, (((offset - 0x80) >> 7) & 0x7f) | 0x80, length];
    }
    const n = bytes ? take : 1;
    if (bytes) item(false, bytes);
    else item(true, [data[pos]!]);
    for (let k = 0; k < n; k++) {
      if (pos + k + 3 <= data.length) heads.set(key(pos + k), [...(heads.get(key(pos + k)) ?? []).slice(-63), pos + k]);
    }
    pos += n;
  }
  if (flagAt >= 0) out[flagAt] = flags;
  return Buffer.from(out);
}

/** `lzss` read back by the decompressor's rules, to `length` bytes (the writer's own check). */
export function unlzss(src: Uint8Array, length: number): Buffer {
  const out: number[] = [];
  let p = 0;
  while (out.length < length) {
    let flags = src[p++]! | 0xff00;
    while (flags & 0x100 && out.length < length) {
      if (flags & 1) out.push(src[p++]!);
      else {
        const lo = src[p++]!;
        const hi = src[p++]!;
        let offset: number;
        let n: number;
        if (!(lo & 0x80)) [offset, n] = [lo, hi];
        else if (!(hi & 0x80)) [offset, n] = [0x80 + (((hi << 2) & 0x180) | (lo & 0x7f)), hi & 0x1f];
        else [offset, n] = [0x80 + (((hi & 0x7f) << 7) | (lo & 0x7f)), src[p++]!];
        n += 3;
        const from = out.length - offset - n;
        for (let k = 0; k < n; k++) out.push(out[from + k]!);
      }
      flags >>= 1;
    }
  }
  return Buffer.from(out);
}
