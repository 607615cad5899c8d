/**
 * PostgreSQL's compressed values (TOAST): a value over ~2 KiB is compressed before it is stored —
 * pglz by default (an LZ77 of its own: a control byte before every 8 items, each a literal byte or
 * a 2–3 byte back-reference), LZ4 where a column says `COMPRESSION lz4` — so a JSON settings row,
 * a cookie store or a config blob holding a token is never plain in the database's files, and pglz's
 * control bytes cut every run of 8 literals. A compressed datum is its 4-byte varlena header, then
 * `tcinfo` (the raw size in 30 bits, the method in 2), then the compressed bytes; a datum moved out
 * of line into the TOAST table is `tcinfo` and the compressed bytes, cut into chunks.
 * Decoding is strict, as the evidence that bytes are a datum at all: every back-reference within
 * what was written, the input consumed exactly, the raw size reached exactly.
 */
import { lz4Block } from './lz4.js';

/** PostgreSQL's own bound on a value (1 GiB); what the audit decodes of one is bounded by the caller. */
const MAX_RAW = 0x3fffffff;
/** pglz's best case: a 3-byte tag for 273 bytes, a control byte per 8 tags. */
const PGLZ_MAX_RATIO = 92;
/** LZ4's best case is ~255:1. */
const LZ4_MAX_RATIO = 256;

/** pglz-decompresses `src` into exactly `raw` bytes; undefined unless the whole input gives exactly that. */
export function unpglz(src: Uint8Array, raw: number): Buffer | undefined {
  if (raw > src.length * PGLZ_MAX_RATIO || raw <= 0) return undefined;
  const dst = Buffer.allocUnsafe(raw);
  let sp = 0;
  let dp = 0;
  while (sp < src.length && dp < raw) {
    let ctrl = src[sp++]!;
    for (let c = 0; c < 8 && sp < src.length && dp < raw; c++, ctrl >>= 1) {
      if (!(ctrl & 1)) {
        dst[dp++] = src[sp++]!;
        continue;
      }
      if (sp + 1 >= src.length) return undefined;
      let len = (src[sp]! & 0x0f) + 3;
      const off = ((src[sp]! & 0xf0) << 4) | src[sp + 1]!;
      sp += 2;
      if (len === 18) {
        if (sp >= src.length) return undefined;
        len += src[sp++]!;
      }
      if (off === 0 || off > dp || dp + len > raw) return undefined;
      for (let k = 0; k < len; k++, dp++) dst[dp] = dst[dp - off]!;
    }
  }
  return sp === src.length && dp === raw ? dst : undefined;
}

/** LZ4-decompresses a block into exactly `raw` bytes; undefined unless it does. */
export function unlz4(src: Uint8Array, raw: number): Buffer | undefined {
  if (raw > src.length * LZ4_MAX_RATIO || raw <= 0) return undefined;
  const dst = Buffer.allocUnsafe(raw);
  try {
    return lz4Block(src, dst, 0) === raw ? dst : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The value of a compressed datum's body: `tcinfo` at `at`, the compressed bytes up to `end`. Undefined unless it
 * decodes exactly (so a chance match in other bytes gives nothing).
 */
export function compressedValue(bytes: Uint8Array, at: number, end: number): Buffer | undefined {
  if (end - at < 6) return undefined;
  const tcinfo = (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
  const raw = tcinfo & MAX_RAW;
  const method = tcinfo >>> 30;
  const body = bytes.subarray(at + 4, end);
  if (raw <= body.length) return undefined; // compression that saved nothing is not kept by PostgreSQL
  if (method === 0) return unpglz(body, raw);
  if (method === 1) return unlz4(body, raw);
  return undefined;
}

/**
 * Every inline compressed datum in `bytes` from `from` to `to` (a page's tuples, or WAL records), on offsets of
 * `step` (4 in a heap page: a 4-byte varlena is int-aligned; 1 in WAL, where records keep no alignment), decoded.
 * A candidate is a header saying "compressed, 4-byte" (low bits 10) whose length stays within `to`; only those that
 * start before `startsBefore` are tried (the rest are tried again once more bytes have come).
 */
export function* inlineValues(bytes: Uint8Array, from: number, to: number, step: number, startsBefore = to): Generator<Buffer> {
  for (let at = from; at < startsBefore && at + 10 <= to; at += step) {
    const b0 = bytes[at]!;
    if ((b0 & 3) !== 2) continue;
    if (bytes[at + 3] !== 0) continue; // a datum inline is far below 16 MiB
    const size = (b0 | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16)) >>> 2;
    if (size < 10 || at + size > to) continue;
    if (bytes[at + 7]! >>> 6 > 1) continue; // neither pglz nor lz4
    const value = compressedValue(bytes, at + 4, at + size);
    if (!value) continue;
    yield value;
    at += size - step; // what a datum held is not read again for another
  }
}
