/**
 * Zip members compressed with Deflate64 (method 9: Windows Explorer's "compressed folder" for large
 * files, 7-Zip's `-mm=Deflate64`): deflate with a 64 KiB window, length code 285 taking 16 extra
 * bits (up to 65538) and distance codes 30 and 31 (up to 65536). Neither Node's zlib nor fflate reads
 * it; this is a small inflater in the manner of zlib's puff.c — canonical Huffman codes decoded bit by
 * bit, every length and distance checked. A member is gathered (at most MAX_IN bytes) and inflated at
 * its end into at most MAX_OUT bytes (its declared size when smaller), then handed on in slices that
 * the zip's own bounds (its expansion, `allow`) see; a larger member is named, not held.
 */
import type { MethodDecoder, MethodError } from './zip-method.js';

const MAX_IN = 16 * 1024 * 1024;
const MAX_OUT = 64 * 1024 * 1024;
const SLICE = 1024 * 1024;

const LBASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 3];
const LEXT = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 16];
const DBASE = [
  1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577, 32769, 49153,
];
const DEXT = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13, 14, 14];
const ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

export class Deflate64Error extends Error {}

/** A canonical Huffman code: how many codes of each length, and the symbols in code order. */
interface Huffman {
  count: Uint16Array;
  symbol: Uint16Array;
}

function huffman(lengths: ArrayLike<number>): Huffman {
  const count = new Uint16Array(16);
  for (let i = 0; i < lengths.length; i++) count[lengths[i]!]!++;
  let left = 1;
  for (let len = 1; len < 16; len++) {
    left = left * 2 - count[len]!;
    if (left < 0) throw new Deflate64Error('an over-subscribed Huffman code');
  }
  const offs = new Uint16Array(16);
  for (let len = 1; len < 15; len++) offs[len + 1] = offs[len]! + count[len]!;
  const symbol = new Uint16Array(lengths.length);
  for (let s = 0; s < lengths.length; s++) if (lengths[s]) symbol[offs[lengths[s]!]!++] = s;
  return { count, symbol };
}

const FIXED = (() => {
  const l = new Uint8Array(288);
  l.fill(8, 0, 144).fill(9, 144, 256).fill(7, 256, 280).fill(8, 280, 288);
  return { lit: huffman(l), dist: huffman(new Uint8Array(32).fill(5)) };
})();

/** Inflates a whole Deflate64 stream; throws Deflate64Error on damage, or when the output passes `max`. */
export function inflate64(src: Uint8Array, max: number): Uint8Array {
  let ip = 0;
  let buf = 0;
  let cnt = 0;
  let out = new Uint8Array(Math.min(max, Math.max(1024, src.length * 4)));
  let op = 0;
  const bits = (n: number) => {
    while (cnt < n) {
      if (ip >= src.length) throw new Deflate64Error('the data ends inside the stream');
      buf |= src[ip++]! << cnt;
      cnt += 8;
    }
    const v = buf & ((1 << n) - 1);
    buf >>>= n;
    cnt -= n;
    return v;
  };
  const decode = (h: Huffman) => {
    let code = 0;
    let first = 0;
    let index = 0;
    for (let len = 1; len < 16; len++) {
      code |= bits(1);
      const count = h.count[len]!;
      if (code - count < first) return h.symbol[index + (code - first)]!;
      index += count;
      first = (first + count) << 1;
      code <<= 1;
    }
    throw new Deflate64Error('a Huffman code that means nothing');
  };
  const room = (n: number) => {
    if (op + n <= out.length) return;
    if (op + n > max) throw new Deflate64Error(`more than ${max} bytes`);
    const grown = new Uint8Array(Math.min(max, Math.max(op + n, out.length * 2)));
    grown.set(out.subarray(0, op));
    out = grown;
  };
  for (let last = 0; !last;) {
    last = bits(1);
    const type = bits(2);
    if (type === 0) {
      buf = cnt = 0; // a stored block starts at a byte: what is left of this one is padding
      if (ip + 4 > src.length) throw new Deflate64Error('the data ends inside a stored block');
      const len = src[ip]! | (src[ip + 1]! << 8);
      if ((len ^ 0xffff) !== (src[ip + 2]! | (src[ip + 3]! << 8))) throw new Deflate64Error('a stored block whose length does not check');
      ip += 4;
      if (ip + len > src.length) throw new Deflate64Error('the data ends inside a stored block');
      room(len);
      out.set(src.subarray(ip, ip + len), op);
      ip += len;
      op += len;
      continue;
    }
    if (type === 3) throw new Deflate64Error('a block of the reserved type');
    const { lit, dist } = type === 1 ? FIXED : dynamic(bits, decode);
    for (;;) {
      const sym = decode(lit);
      if (sym < 256) {
        room(1);
        out[op++] = sym;
        continue;
      }
      if (sym === 256) break;
      if (sym > 285) throw new Deflate64Error(`length symbol ${sym}`);
      const len = LBASE[sym - 257]! + bits(LEXT[sym - 257]!);
      const d = decode(dist);
      if (d > 31) throw new Deflate64Error(`distance symbol ${d}`);
      const distance = DBASE[d]! + bits(DEXT[d]!);
      if (distance > op) throw new Deflate64Error('a distance before the start of the data');
      room(len);
      for (let k = 0, from = op - distance; k < len; k++) out[op++] = out[from++]!;
    }
  }
  return out.subarray(0, op);
}

/** A dynamic block's codes, read from its header. */
function dynamic(bits: (n: number) => number, decode: (h: Huffman) => number): { lit: Huffman; dist: Huffman } {
  const nlen = bits(5) + 257;
  const ndist = bits(5) + 1;
  const ncode = bits(4) + 4;
  const lengths = new Uint8Array(320);
  for (let i = 0; i < ncode; i++) lengths[ORDER[i]!] = bits(3);
  const lencode = huffman(lengths.subarray(0, 19));
  lengths.fill(0);
  for (let i = 0; i < nlen + ndist;) {
    const sym = decode(lencode);
    if (sym < 16) {
      lengths[i++] = sym;
      continue;
    }
    let len = 0;
    let n: number;
    if (sym === 16) {
      if (!i) throw new Deflate64Error('a repeat with nothing to repeat');
      len = lengths[i - 1]!;
      n = 3 + bits(2);
    } else n = sym === 17 ? 3 + bits(3) : 11 + bits(7);
    if (i + n > nlen + ndist) throw new Deflate64Error('code lengths past their count');
    lengths.fill(len, i, i + n);
    i += n;
  }
  if (!lengths[256]) throw new Deflate64Error('a block without an end code');
  return { lit: huffman(lengths.subarray(0, nlen)), dist: huffman(lengths.subarray(nlen, nlen + ndist)) };
}

/** The zip walker's decoder for method 9: gathered, inflated at its end, handed on in slices. */
export class ZipDeflate64 implements MethodDecoder {
  static readonly compression = 9;
  ondata: (err: MethodError | null, data: Uint8Array, final: boolean) => void = () => undefined;
  #parts: Uint8Array[] = [];
  #size = 0;
  #over = false;

  constructor(
    readonly name: string,
    readonly compressed?: number,
    readonly original?: number,
  ) {}

  push(chunk: Uint8Array, final: boolean): void {
    if (this.#over) return;
    this.#parts.push(chunk.slice()); // the walker's input is lent
    this.#size += chunk.length;
    if (this.#size > MAX_IN) return this.#fail(`deflate64: an entry over ${MAX_IN} bytes compressed, which the audit does not gather`);
    if (!final) return;
    this.#over = true;
    const src = new Uint8Array(this.#size);
    let at = 0;
    for (const p of this.#parts) src.set(p, (at += p.length) - p.length);
    this.#parts = [];
    let out: Uint8Array;
    try {
      out = inflate64(src, Math.min(MAX_OUT, this.original ?? MAX_OUT));
    } catch (e) {
      return this.#fail(`deflate64: ${(e as Error).message}`);
    }
    for (let i = 0; i < out.length || i === 0; i += SLICE) this.ondata(null, out.subarray(i, i + SLICE), i + SLICE >= out.length);
  }

  #fail(message: string): void {
    this.#over = true;
    this.#parts = [];
    this.ondata(Object.assign(new Error(message), { code: 0 }), new Uint8Array(0), true);
  }
}
