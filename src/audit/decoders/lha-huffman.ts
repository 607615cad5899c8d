/**
 * LHA's -lh4- to -lh7- methods (LHa for UNIX's `decode_c`/`decode_p`, as jlha and lhasa read them):
 * LZSS over a 4, 8, 32 or 64 KiB dictionary, coded in blocks — each a 16-bit count of codes, then
 * three canonical Huffman tables (the code lengths' own code of 19 symbols, the 510 literal and
 * length symbols, the position bit-counts) — bits read most significant first. A symbol below 256 is
 * a byte; others a match of symbol - 253 bytes at a distance whose bit count the position table gives.
 * Every length, table and distance is checked: damage throws LhaError, never reads out of bounds.
 */

export class LhaError extends Error {}

const NC = 510;
const NT = 19;
const TBIT = 5;
const CBIT = 9;

/** Bits of `src`, most significant first; past the end it reads zeros (LHa pads), counted so a long overrun is damage. */
class Bits {
  #at = 0;
  #buf = 0;
  #count = 0;
  #over = 0;
  constructor(readonly src: Uint8Array) {}

  peek(n: number): number {
    while (this.#count < n) {
      const byte = this.#at < this.src.length ? this.src[this.#at]! : (this.#over++, 0);
      this.#at++;
      this.#buf = ((this.#buf << 8) | byte) & 0xffffff;
      this.#count += 8;
    }
    if (this.#over > 8) throw new LhaError('the data ends inside a block');
    return (this.#buf >>> (this.#count - n)) & ((1 << n) - 1);
  }

  take(n: number): number {
    if (!n) return 0;
    const v = this.peek(n);
    this.#count -= n;
    return v;
  }
}

/** A canonical Huffman code from code lengths (codes in order of length, then symbol); decoded bit by bit against each length's first code. */
class Code {
  readonly #single: number | undefined;
  readonly #first: number[] = [];
  readonly #index: number[] = [];
  readonly #symbols: number[] = [];
  readonly #max: number;

  constructor(lengths: Uint8Array | number, n: number) {
    if (typeof lengths === 'number') {
      if (lengths >= n) throw new LhaError(`a table's only symbol ${lengths} of ${n}`);
      this.#single = lengths;
      this.#max = 0;
      return;
    }
    this.#max = Math.max(...lengths);
    if (this.#max > 16) throw new LhaError(`a code ${this.#max} bits long`);
    let code = 0;
    let kraft = 0;
    for (let len = 1; len <= this.#max; len++) {
      this.#first[len] = code;
      this.#index[len] = this.#symbols.length;
      for (let s = 0; s < n; s++) if (lengths[s] === len) this.#symbols.push(s);
      const count = this.#symbols.length - this.#index[len]!;
      kraft += count * 2 ** (16 - len);
      code = (code + count) << 1;
    }
    if (kraft > 2 ** 16) throw new LhaError('an oversubscribed code');
  }

  read(bits: Bits): number {
    if (this.#single !== undefined) return this.#single;
    let code = 0;
    for (let len = 1; len <= this.#max; len++) {
      code = (code << 1) | bits.take(1);
      const k = code - this.#first[len]!;
      const count = (this.#index[len + 1] ?? this.#symbols.length) - this.#index[len]!;
      if (k >= 0 && k < count) return this.#symbols[this.#index[len]! + k]!;
    }
    throw new LhaError('a code not in its table');
  }
}

/** The lengths of a table of `nn` symbols coded in `nbit`-bit counts (the length code's table and the position table). */
function readPtLen(bits: Bits, nn: number, nbit: number, special: number): Code {
  const n = bits.take(nbit);
  if (n === 0) return new Code(bits.take(nbit), nn);
  if (n > nn) throw new LhaError(`a table of ${n} lengths for ${nn} symbols`);
  const lengths = new Uint8Array(nn);
  for (let i = 0; i < n;) {
    let c = bits.peek(3);
    if (c !== 7) bits.take(3);
    else {
      bits.take(3);
      while (bits.take(1)) if (++c > 16) throw new LhaError('a code length above 16');
    }
    lengths[i++] = c;
    if (i === special) for (let z = bits.take(2); z > 0 && i < nn; z--) lengths[i++] = 0;
  }
  return new Code(lengths, nn);
}

/** The literal and length table's lengths, coded with `pt`. */
function readCLen(bits: Bits, pt: Code): Code {
  const n = bits.take(CBIT);
  if (n === 0) return new Code(bits.take(CBIT), NC);
  if (n > NC) throw new LhaError(`a table of ${n} lengths for ${NC} symbols`);
  const lengths = new Uint8Array(NC);
  for (let i = 0; i < n;) {
    const c = pt.read(bits);
    if (c > 2) lengths[i++] = c - 2;
    else {
      const zeros = c === 0 ? 1 : c === 1 ? bits.take(4) + 3 : bits.take(CBIT) + 20;
      if (i + zeros > NC) throw new LhaError('zeros past the table');
      i += zeros;
    }
  }
  return new Code(lengths, NC);
}

/** Decodes an -lh4- to -lh7- member's `src` (dictionary of 2^`dicbit` bytes) to its `size` bytes. */
export function lhDecode(src: Uint8Array, dicbit: number, size: number): Buffer {
  const np = dicbit + 1;
  const pbit = np > 15 ? 5 : 4;
  const out = Buffer.alloc(size);
  const bits = new Bits(src);
  let op = 0;
  let left = 0;
  let c: Code | undefined;
  let p: Code | undefined;
  while (op < size) {
    if (left === 0) {
      left = bits.take(16);
      const pt = readPtLen(bits, NT, TBIT, 3);
      c = readCLen(bits, pt);
      p = readPtLen(bits, np, pbit, -1);
      if (left === 0) throw new LhaError('a block of no codes');
    }
    left--;
    const sym = c!.read(bits);
    if (sym < 256) {
      out[op++] = sym;
      continue;
    }
    const len = sym - 253;
    const j = p!.read(bits);
    const dist = (j ? (1 << (j - 1)) + bits.take(j - 1) : 0) + 1;
    if (dist > op) throw new LhaError(`a match ${dist} back at ${op}`);
    for (let k = 0; k < len && op < size; k++, op++) out[op] = out[op - dist]!;
  }
  return out;
}
