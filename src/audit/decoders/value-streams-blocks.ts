/**
 * The LZ77 block formats an app puts in one value with no frame around them — a raw snappy block (python-snappy's
 * `snappy.compress`, Go's `snappy.Encode`, Java's `Snappy.compress`: a varint of the output's length, then literals and
 * copies) and an LZ4 block (python-lz4's `lz4.block.compress`: by default its output's length in 4 little-endian
 * bytes first; with `store_size=False`, Java's `LZ4Compressor` and C's `LZ4_compress_default`, the block alone). No magic
 * number: taken only where the block fills the value exactly and decodes to the length it declares (an LZ4 block
 * alone: to its last literal run ending at the value's end) — the value's bounds are the evidence. Read in JS first as
 * far as its first elements go (`blockHeadHolds`): random bytes fail a copy reaching before the output's start within
 * a few elements. Their first literals stay plain, so the value's start is found in the file as before; what follows
 * is copies, only read here.
 */
import { lz4Block } from './lz4.js';
import { unsnappy } from './snappy.js';
import { trial } from './types.js';

/** The most one value may give. */
const MAX_OUT = 64 << 20;
/** The elements read in JS before a block is decoded whole. */
const HEAD_ELEMENTS = 64;
/** The least a block must give to be taken. */
const MIN_OUT = 16;

/** A varint at the value's start (a snappy block's length): its value and size, or undefined. */
function varint(b: Uint8Array): { v: number; size: number } | undefined {
  let v = 0;
  for (let i = 0; i < 5 && i < b.length; i++) {
    v += (b[i]! & 0x7f) * 2 ** (7 * i);
    if (!(b[i]! & 0x80)) return { v, size: i + 1 };
  }
  return undefined;
}

/**
 * A snappy block's elements from `at`, as far as HEAD_ELEMENTS: literals in bounds, no copy before the output's start or
 * past `size`, and one copy at least (a block of literals alone holds its output plain, found where it lies).
 */
function snappyHead(b: Uint8Array, at: number, size: number): boolean {
  let o = 0;
  let copies = 0;
  for (let n = 0; n < HEAD_ELEMENTS && at < b.length; n++) {
    const tag = b[at++]!;
    let len = (tag >> 2) + 1;
    if ((tag & 3) === 0) {
      if (len > 60) {
        const k = len - 60;
        len = 1 + (b[at] ?? 0) + (k > 1 ? (b[at + 1] ?? 0) << 8 : 0) + (k > 2 ? (b[at + 2] ?? 0) << 16 : 0) + (k > 3 ? (b[at + 3] ?? 0) * 2 ** 24 : 0);
        at += k;
      }
      if (at + len > b.length || o + len > size) return false;
      at += len;
      o += len;
      continue;
    }
    const kind = tag & 3;
    const offset = kind === 1 ? ((tag >> 5) << 8) | (b[at] ?? 0) : kind === 2 ? (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8) : Infinity;
    if (kind === 1) len = 4 + ((tag >> 2) & 7);
    at += kind === 1 ? 1 : 2;
    if (offset === 0 || offset > o || o + len > size) return false;
    o += len;
    copies++;
  }
  return at <= b.length && copies > 0;
}

/**
 * An LZ4 block's sequences from `at`, as far as HEAD_ELEMENTS: a first literal run, no match before the output's start
 * or past `max`, one match at least, and a block ending within them ending on 5 literals or more (the format's rule).
 */
function lz4Head(b: Uint8Array, at: number, max: number): boolean {
  if (b[at] === undefined || b[at]! >> 4 === 0) return false;
  let o = 0;
  let copies = 0;
  for (let n = 0; n < HEAD_ELEMENTS && at < b.length; n++) {
    const token = b[at++]!;
    let lit = token >> 4;
    if (lit === 15) for (let x = 255; x === 255 && at < b.length; lit += x) x = b[at++]!;
    at += lit;
    o += lit;
    if (at > b.length || o > max) return false;
    if (at === b.length) return copies > 0 && lit >= 5;
    const offset = (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8);
    at += 2;
    let len = (token & 15) + 4;
    if (len === 19) for (let x = 255; x === 255 && at < b.length; len += x) x = b[at++]!;
    if (offset === 0 || offset > o || o + len > max) return false;
    o += len;
    copies++;
  }
  return at < b.length;
}

type Kind = 'snappy' | 'lz4-sized' | 'lz4';

/** The block formats whose first elements `bytes` holds (read in JS; no output written). */
export function blockKinds(bytes: Uint8Array): Kind[] {
  const kinds: Kind[] = [];
  const n = bytes.length;
  const len = varint(bytes);
  // snappy: an output of at least the input less its length's varint and tags, at most 21 times it (a 3-byte copy of 64).
  if (
    len &&
    len.v >= MIN_OUT &&
    len.v <= MAX_OUT &&
    len.v + 8 >= (n - len.size) * 0.8 &&
    len.v <= n * 22 &&
    (bytes[len.size]! & 3) === 0 &&
    snappyHead(bytes, len.size, len.v)
  )
    kinds.push('snappy');
  const sized = n >= 8 ? (bytes[0]! | (bytes[1]! << 8) | (bytes[2]! << 16)) + bytes[3]! * 2 ** 24 : 0;
  if (sized >= MIN_OUT && sized <= MAX_OUT && sized <= n * 255 && sized + 16 >= n - 4 && lz4Head(bytes, 4, sized)) kinds.push('lz4-sized');
  if (lz4Head(bytes, 0, Math.min(MAX_OUT, n * 255))) kinds.push('lz4');
  return kinds;
}

/** Whether an LZ4 block's sequences run to `b`'s end, the last one literals alone (5 or more, the format's rule). */
function lz4EndsOnLiterals(b: Uint8Array): boolean {
  let at = 0;
  while (at < b.length) {
    const token = b[at++]!;
    let lit = token >> 4;
    if (lit === 15) for (let x = 255; x === 255 && at < b.length; lit += x) x = b[at++]!;
    at += lit;
    if (at === b.length) return lit >= 5;
    at += 2;
    if ((token & 15) === 15) while (at < b.length && b[at++] === 255);
  }
  return false;
}

/** An LZ4 block alone filling `bytes`: decoded into a buffer of the most it may give, taken where its last literals end the value. */
function lz4Alone(bytes: Uint8Array): Buffer | undefined {
  if (!lz4EndsOnLiterals(bytes)) return undefined;
  // A value is seldom more than 255 times smaller than what it holds; the bound keeps a chance value's buffer small.
  const out = Buffer.allocUnsafe(Math.min(MAX_OUT, bytes.length * 255));
  const end = trial(() => lz4Block(bytes, out, 0));
  return typeof end === 'number' ? Buffer.from(out.subarray(0, end)) : undefined;
}

/**
 * What a raw snappy or LZ4 block filling `bytes` exactly decodes to, when it `shows` (text, or what the caller reads):
 * undefined otherwise.
 */
export function blockValue(bytes: Uint8Array, shows: (out: Uint8Array) => boolean): Buffer | undefined {
  for (const kind of blockKinds(bytes)) {
    let out: Buffer | undefined;
    if (kind === 'snappy') {
      const got = trial(() => unsnappy(bytes, MAX_OUT));
      out = got instanceof Buffer ? got : undefined;
    } else if (kind === 'lz4-sized') {
      const size = (bytes[0]! | (bytes[1]! << 8) | (bytes[2]! << 16)) + bytes[3]! * 2 ** 24;
      const dst = Buffer.allocUnsafe(size);
      const end = trial(() => lz4Block(bytes.subarray(4), dst, 0));
      out = end === size ? dst : undefined;
    } else out = lz4Alone(bytes);
    if (out && out.length >= MIN_OUT && shows(out.subarray(0, 4096))) return out;
  }
  return undefined;
}
