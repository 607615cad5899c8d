/**
 * BSON files: a document, or a run of them (`mongodump`'s collection.bson, a driver's cache written with bson.encode),
 * each its length, elements (a type byte, a NUL-ended name, the value) and a NUL. A Binary or string element may hold
 * what an app compressed with brotli, raw deflate or raw LZMA2 — no magic number to find it by. Told by structure: a
 * length within bounds, a first element of a known type named by a short printable key, and the first bytes parsing
 * as documents. The file's bytes are read on as plain content (text, and streams with a magic number, are found there as
 * before); held up to MAX_FILE, it is parsed whole and each Binary and string handed on to the magicless-stream trial
 * (value-streams.ts `valuesOnward`), decoded at its offset (`users.bson@OFFSET!`). A file that stops parsing is named.
 */
import { MIN_VALUE, parsedWhole, type HeldValue } from './value-streams.js';
import type { Decoder } from './types.js';

/** What is held to parse values; past it the file is read as plain only. */
export const MAX_FILE = 64 << 20;
/** A document's largest size (MongoDB's own bound). */
const MAX_DOC = 16 << 20;
const MAX_DEPTH = 100;

/** Fixed sizes of the element types that have one. */
const FIXED: Record<number, number> = { 0x01: 8, 0x06: 0, 0x07: 12, 0x08: 1, 0x09: 8, 0x0a: 0, 0x10: 4, 0x11: 8, 0x12: 8, 0x13: 16, 0x7f: 0, 0xff: 0 };

/** Where the NUL-ended name at `at` ends (after its NUL), or -1 when none within 256 bytes or the buffer. */
function cstringEnd(b: Buffer, at: number): number {
  const nul = b.indexOf(0, at);
  return nul < 0 || nul - at > 255 ? -1 : nul + 1;
}

/** The size of an element's value of `type` at `at` (not counting an embedded document's, which the parse enters), or -1. */
function valueSize(b: Buffer, type: number, at: number): number {
  if (type in FIXED) return FIXED[type]!;
  if (at + 4 > b.length) return -1;
  const n = b.readInt32LE(at);
  if (type === 0x02 || type === 0x0d || type === 0x0e) return n >= 1 && b[at + 4 + n - 1] === 0 ? 4 + n : -1;
  if (type === 0x05) return n >= 0 ? 5 + n : -1;
  if (type === 0x0c) return n >= 1 ? 4 + n + 12 : -1;
  if (type === 0x0f) return n >= 14 ? n : -1;
  if (type === 0x0b) {
    const e = cstringEnd(b, at);
    const f = e < 0 ? -1 : cstringEnd(b, e);
    return f < 0 ? -1 : f - at;
  }
  return -1;
}

/**
 * Parses `b` as a run of BSON documents from its start: where the parse stopped (b.length when whole: each document's
 * length matching its elements and NUL), where its last whole document ended, and every string and Binary with its offset.
 */
export function parseBson(b: Buffer): { end: number; whole: number; values: HeldValue[] } {
  const values: HeldValue[] = [];
  const ends: number[] = [];
  let at = 0;
  let good = 0;
  while (at < b.length) {
    if (!ends.length) {
      if (at + 5 > b.length) break;
      const n = b.readInt32LE(at);
      if (n < 5 || n > MAX_DOC || at + n > b.length) break;
      ends.push(at + n);
      at += 4;
    }
    const end = ends.at(-1)!;
    const type = b[at]!;
    if (type === 0) {
      if (at + 1 !== end) break;
      at = end;
      ends.pop();
      if (!ends.length) good = at;
      continue;
    }
    const name = cstringEnd(b, at + 1);
    if (name < 0 || name > end) break;
    if (type === 0x03 || type === 0x04) {
      const n = name + 4 <= end ? b.readInt32LE(name) : -1;
      if (n < 5 || name + n > end || ends.length >= MAX_DEPTH) break;
      ends.push(name + n);
      at = name + 4;
      continue;
    }
    const size = valueSize(b, type, name);
    if (size < 0 || name + size > end) break;
    if (type === 0x02 && size - 5 >= MIN_VALUE) values.push({ bytes: b.subarray(name + 4, name + size - 1), at: name + 4 });
    if (type === 0x05 && size - 5 >= MIN_VALUE) values.push({ bytes: b.subarray(name + 5, name + size), at: name + 5 });
    at = name + size;
  }
  return { end: ends.length ? good : at, whole: good, values };
}

/** A document's length within bounds, its first element of a known type named by a 1–64 byte printable key. */
export function sniffBson(h: Uint8Array): boolean {
  if (h.length < 8) return false;
  const b = Buffer.from(h.buffer, h.byteOffset, h.length);
  const n = b.readInt32LE(0);
  const type = b[4]!;
  if (n < 8 || n > MAX_DOC || !(type in FIXED || (type >= 0x02 && type <= 0x05) || (type >= 0x0b && type <= 0x0f))) return false;
  let k = 5;
  while (k < b.length && k < 70 && b[k]! >= 0x20 && b[k]! <= 0x7e) k++;
  if (k === 5 || k >= 70 || (k < b.length && b[k] !== 0)) return false;
  // A document within the head parses whole; a longer one is judged by its first element's name.
  return n > b.length || parseBson(b.subarray(0, n)).end === n;
}

export const bson: Decoder = {
  name: 'BSON',
  sniff: sniffBson,
  open: (env) => parsedWhole(env, 'BSON', 4, MAX_FILE, parseBson, true),
};
