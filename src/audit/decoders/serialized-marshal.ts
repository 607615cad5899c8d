/**
 * Python's marshal — a compiled module (`.pyc`, a wheel's or `compileall`'s output; often all an image ships of a
 * module) and `marshal.dump` files (a tool's cache): a bytes object is `s` (its reference flag 0x80 or not), a 4-byte
 * little-endian length, then its bytes. A module's constant holding what an app compressed with no magic (brotli, raw
 * deflate, raw LZMA2, a raw snappy or LZ4 block) is such a value: each is handed on whole to the magicless-stream trial
 * (value-streams.ts `valuesOnward`), which takes it only where a stream fills it exactly and gives text. No damaged or
 * cut value is guessed at: a .pyc is mostly code and names, whose bytes read as text (a raw-deflate scan at every offset
 * named a "damaged value" in 23 of 6,000 of this machine's .pyc files).
 */
import type { HeldValue } from './value-streams.js';
import { MIN_VALUE } from './value-streams.js';

/** Python 3.7's first magic (PEP 552): from it a .pyc has 4 bytes of flags after the magic; before, the source's mtime. */
const PEP552 = 3392;
/** Python 3.3's magic that added the source's size to the header (a 12-byte header until 3.7). */
const SIZED = 3210;
/** Python 2's magics: 2.4, 2.5, 2.6, 2.7 (one code layout; CentOS 6's and 7's, old python:2 images' .pyc). */
const PY2 = new Set([62061, 62131, 62161, 62211]);

/**
 * A compiled module (a magic number of Python 2.4–2.7 or 3.x ending in CR LF, then the code object `c` at byte 8, 12 or 16
 * by the version: 3.7 on, flags 0–3 at byte 4; before, bytes 4–7 are the source's mtime — any value the clock gave, so
 * not checked: a 2.7 or 3.6 .pyc whose source was written after 1970-01-01 00:00:03 was refused) or `marshal.dump` of a
 * dict whose first key is a short ASCII str (`z`/`Z`, its length, then that many printable bytes).
 */
export function pythonMarshal(h: Uint8Array): boolean {
  const magic = h[0]! | (h[1]! << 8);
  const code = (at: number) => (h[at]! & 0x7f) === 0x63;
  if (h[2] === 0x0d && h[3] === 0x0a && magic >= PEP552 && magic < 4000 && h[5] === 0 && h[6] === 0 && h[7] === 0 && h[4]! <= 3) return code(16);
  if (h[2] === 0x0d && h[3] === 0x0a && ((magic >= 3000 && magic < PEP552) || PY2.has(magic))) return code(8) || code(12);
  if ((h[0] !== 0x7b && h[0] !== 0xfb) || (h[1] !== 0x7a && h[1] !== 0xfa && h[1] !== 0x5a && h[1] !== 0xda)) return false;
  const len = h[2]!;
  if (len < 1 || len > 64 || h.length < 3 + len) return false;
  for (let i = 3; i < 3 + len; i++) if (h[i]! < 0x20 || h[i]! > 0x7e) return false;
  return true;
}

/**
 * The bytes values of a marshal (`s`): those its objects hold as data — a module's constants, a dumped dict's values —
 * found by walking its objects (`walk`), not a code object's bytecode, line table or exception table, which are most of a
 * .pyc's `s` marks and never a value an app wrote. Where the walk does not end at the file's end (a type it does not know,
 * a version's code object it reads wrong, a cut file), every `s` mark whose length fits is tried, as before the walk.
 */
export function* marshalValues(b: Uint8Array): Generator<HeldValue> {
  const walked = walk(b);
  if (walked) {
    yield* walked;
    return;
  }
  const view = Buffer.from(b.buffer, b.byteOffset, b.length);
  for (let at = 0; at + 5 + MIN_VALUE <= b.length; at++) {
    if ((b[at]! & 0x7f) !== 0x73) continue;
    const n = view.readUInt32LE(at + 1);
    if (n >= MIN_VALUE && at + 5 + n <= b.length) yield { bytes: b.subarray(at + 5, at + 5 + n), at: at + 5 };
  }
}

/** How deep objects may nest before the walk gives way to the marks (CPython's own marshal refuses past 2000). */
const MAX_DEPTH = 2000;

/**
 * A code object's layout by the .pyc's magic: the 32-bit integers after its `c` (argument counts, locals, stack size,
 * flags: 4 in 2.x, 5 in 3.0–3.7, 6 in 3.8–3.10 with positional-only arguments, 5 from 3.11), then 8 objects (bytecode,
 * constants, names, …), the first line's integer, and 1 table (2 from 3.11: locations and exceptions).
 */
function codeLayout(magic: number): { ints: number; tables: number } {
  if (PY2.has(magic)) return { ints: 4, tables: 1 };
  if (magic < 3400) return { ints: 5, tables: 1 };
  if (magic < 3450) return { ints: 6, tables: 1 };
  return { ints: 5, tables: 2 };
}

/** The first object of a .pyc (after its header, by its magic) or of a `marshal.dump` file (byte 0). */
function firstObject(b: Uint8Array): { at: number; magic: number } {
  const magic = b[0]! | (b[1]! << 8);
  if (b[2] !== 0x0d || b[3] !== 0x0a) return { at: 0, magic: 3495 };
  return { at: PY2.has(magic) || magic < SIZED ? 8 : magic < PEP552 ? 12 : 16, magic };
}

/** One past the leaf object (no objects inside) of type `type` at `at`, -1 where cut; undefined for a type that holds others or is unknown. */
function leafEnd(b: Uint8Array, u32: (at: number) => number, at: number, type: number): number | undefined {
  switch (type) {
    case 0x4e: // N None
    case 0x46: // F False
    case 0x54: // T True
    case 0x53: // S StopIteration
    case 0x2e: // . Ellipsis
      return at + 1;
    case 0x69: // i int32
    case 0x72: // r a reference
    case 0x52: // R Python 2's interned string reference
      return at + 5;
    case 0x49: // I int64 (old)
    case 0x67: // g binary float
      return at + 9;
    case 0x79: // y binary complex
      return at + 17;
    case 0x6c: {
      // l a long: a signed count of 15-bit digits, 2 bytes each
      const n = u32(at + 1);
      return n < 0 ? -1 : at + 5 + 2 * Math.abs(n | 0);
    }
    case 0x66: // f a float as text: a byte's length
      return at + 2 + (b[at + 1] ?? b.length);
    case 0x78: {
      // x a complex as text: two
      const re = at + 2 + (b[at + 1] ?? b.length);
      return re + 1 + (b[re] ?? b.length);
    }
    case 0x74: // t interned str
    case 0x75: // u str
    case 0x61: // a ASCII
    case 0x41: {
      // A interned ASCII
      const n = u32(at + 1);
      return n < 0 ? -1 : at + 5 + n;
    }
    case 0x7a: // z short ASCII
    case 0x5a: // Z short interned ASCII
      return at + 2 + (b[at + 1] ?? b.length);
    default:
      return undefined;
  }
}

/** The data values of marshal `b` by a walk of its objects, or undefined where the walk does not end at its end. */
export function walk(b: Uint8Array): HeldValue[] | undefined {
  const { at: start, magic } = firstObject(b);
  const layout = codeLayout(magic);
  const view = Buffer.from(b.buffer, b.byteOffset, b.length);
  const u32 = (at: number) => (at + 4 <= b.length ? view.readUInt32LE(at) : -1);
  const out: HeldValue[] = [];
  /** One past the object at `at`, or -1; `data`: a bytes object here is a value (not a code object's bytecode or table). */
  const object = (at: number, data: boolean, depth: number): number => {
    if (at < 0 || at >= b.length || depth > MAX_DEPTH) return -1;
    const type = b[at]! & 0x7f;
    const leaf = leafEnd(b, u32, at, type);
    if (leaf !== undefined) return leaf;
    switch (type) {
      case 0x73: {
        // s bytes
        const n = u32(at + 1);
        if (n < 0) return -1;
        if (data && n >= MIN_VALUE && at + 5 + n <= b.length) out.push({ bytes: b.subarray(at + 5, at + 5 + n), at: at + 5 });
        return at + 5 + n;
      }
      case 0x29: // ) small tuple: a byte's count
        return items(at + 2, b[at + 1] ?? -1, data, depth);
      case 0x28: // ( tuple
      case 0x5b: // [ list
      case 0x3c: // < set
      case 0x3e: // > frozenset
        return items(at + 5, u32(at + 1), data, depth);
      case 0x7b: {
        // { dict: keys and values until NULL (0)
        let p = at + 1;
        while (p >= 0 && p < b.length && b[p] !== 0x30) p = object(object(p, false, depth + 1), data, depth + 1);
        return p >= 0 && p < b.length ? p + 1 : -1;
      }
      case 0x63: {
        // c code: integers, bytecode, constants (data), names and other tuples, the first line, tables
        let p = at + 1 + 4 * layout.ints;
        for (let k = 0; k < 8 && p >= 0; k++) p = object(p, k === 1, depth + 1);
        if (p < 0) return -1;
        p += 4;
        for (let k = 0; k < layout.tables && p >= 0; k++) p = object(p, false, depth + 1);
        return p;
      }
      default:
        return -1;
    }
  };
  const items = (at: number, n: number, data: boolean, depth: number): number => {
    if (n < 0 || n > b.length) return -1;
    let p = at;
    for (let k = 0; k < n && p >= 0; k++) p = object(p, data, depth + 1);
    return p;
  };
  return object(start, true, 0) === b.length ? out : undefined;
}
