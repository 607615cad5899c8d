/**
 * Whether a raw deflate stream that fills a byte string exactly may start it: its blocks read up to the first compressed
 * one as zlib's inflate reads them (RFC 1951 §3.2) — a stored block's LEN and NLEN, and inside the bytes; a fixed block's
 * first codes (native.ts `fixedBlockFails`); a dynamic block's whole header — the code-length code complete, the
 * literal/length and distance lengths read with it (a repeat never first nor past HLIT + HDIST), the end-of-block code
 * there, each code complete or a single code (zlib's "invalid literal/lengths set", "invalid distances set"); then the
 * compressed blocks' symbols (up to `MAX_SYMBOLS` a block), no distance before the output's start — all of it inside the
 * bytes, and a final block ending in their last byte.
 *
 * The cheap gate of the whole-value trial (value-streams.ts): of random values, one in forty passed the code-length check
 * of `deflateHeaderHolds`, and each was tried on a new native engine.
 */
import { BAD, Bits, canonical, decode, PAST, fail, type Code } from './prefix-code.js';

/** The order in which a dynamic block's code-length code lengths are written. */
const CL_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

/** Whether lengths make a code zlib builds: complete, or (where `single` allows) a single code of one bit; none over-subscribed. */
function holds(lengths: ArrayLike<number>, single: boolean): boolean {
  const count = new Uint16Array(16);
  for (let i = 0; i < lengths.length; i++) count[lengths[i]!]!++;
  let left = 1;
  let max = 0;
  for (let len = 1; len <= 15; len++) {
    left = 2 * left - count[len]!;
    if (count[len]) max = len;
    if (left < 0) return false;
  }
  return left === 0 || max === 0 || (single && max === 1);
}

/** Base lengths and distances of the length and distance codes, and their extra bits. */
const LEN_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const lenExtra = (i: number) => (i < 8 || i === 28 ? 0 : (i >> 2) - 1);
const DIST_BASE = [
  1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
];
const distExtra = (d: number) => (d < 4 ? 0 : (d >> 1) - 1);

/** The fixed codes (§3.2.6). */
const FIXED_LIT = canonical(Array.from({ length: 288 }, (_, s) => (s < 144 ? 8 : s < 256 ? 9 : s < 280 ? 7 : 8)));
const FIXED_DIST = canonical(Array.from({ length: 30 }, () => 5));

/** The most symbols of a block read before it is taken as holding (a chance byte string fails long before). */
const MAX_SYMBOLS = 1024;

/**
 * A compressed block's symbols up to its end-of-block: each length and distance code valid, no distance before the
 * output's start (zlib's "invalid distance too far back": a raw stream has no dictionary). The output so far after it,
 * or -1 once `MAX_SYMBOLS` were read.
 */
function body(r: Bits, lit: Code, dist: Code, out: number): number {
  for (let n = 0; n < MAX_SYMBOLS; n++) {
    const s = decode(r, lit);
    if (s === 256) return out;
    if (s < 256) {
      out++;
      continue;
    }
    if (s > 285) fail();
    const len = LEN_BASE[s - 257]! + r.read(lenExtra(s - 257));
    const d = decode(r, dist);
    if (d > 29 || DIST_BASE[d]! + r.read(distExtra(d)) > out) fail();
    out += len;
  }
  return -1;
}

/** A dynamic block's header after its three first bits: its two codes. */
function dynamicHeader(r: Bits): [Code, Code] {
  const hlit = r.read(5) + 257;
  const hdist = r.read(5) + 1;
  const hclen = r.read(4) + 4;
  if (hlit > 286 || hdist > 30) fail();
  const cl = new Uint8Array(19);
  for (let i = 0; i < hclen; i++) cl[CL_ORDER[i]!] = r.read(3);
  if (!holds(cl, false) || cl.every((l) => l === 0)) fail();
  const clCode = canonical(cl);
  const lengths: number[] = [];
  while (lengths.length < hlit + hdist) {
    const s = decode(r, clCode);
    if (s < 16) lengths.push(s);
    else {
      if (s === 16 && lengths.length === 0) fail();
      const [len, n] = s === 16 ? [lengths.at(-1)!, 3 + r.read(2)] : [0, s === 17 ? 3 + r.read(3) : 11 + r.read(7)];
      if (lengths.length + n > hlit + hdist) fail();
      for (let i = 0; i < n; i++) lengths.push(len);
    }
  }
  const lit = lengths.slice(0, hlit);
  const dist = lengths.slice(hlit);
  if (lit[256] === 0 || !holds(lit, true) || !holds(dist, true)) fail();
  return [canonical(lit), canonical(dist)];
}

/** The blocks, read on until the final one ends (it must end in the bytes' last byte) or `MAX_SYMBOLS` of one were read. */
function stream(r: Bits): boolean {
  const size = r.b.length;
  let out = 0;
  for (let blocks = 0; blocks < 256; blocks++) {
    const final = r.read(1) === 1;
    const type = r.read(2);
    if (type === 3) return false;
    if (type === 0) {
      r.pos = (r.pos + 7) & ~7;
      const len = r.read(16);
      if (r.read(16) !== (~len & 0xffff)) return false;
      r.pos += 8 * len;
      out += len;
    } else {
      const [lit, dist] = type === 1 ? [FIXED_LIT, FIXED_DIST] : dynamicHeader(r);
      out = body(r, lit, dist, out);
      if (out < 0) return true;
    }
    if (r.pos > 8 * size) return false;
    if (final) return out > 0 && (r.pos + 7) >> 3 === size;
  }
  return true;
}

/** Whether a raw deflate stream filling `bytes` exactly may start them. */
export function deflateValueHeadHolds(bytes: Uint8Array): boolean {
  try {
    return stream(new Bits(bytes));
  } catch (e) {
    if (e === PAST || e === BAD) return false;
    throw e;
  }
}
