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

/**
 * A compiled module (a magic number of Python 2.7 or 3.x ending in CR LF, then the code object `c` at byte 8, 12 or 16
 * by the version: 3.7 on, flags 0–3 at byte 4; before, bytes 4–7 are the source's mtime — any value the clock gave, so
 * not checked: a 2.7 or 3.6 .pyc whose source was written after 1970-01-01 00:00:03 was refused) or `marshal.dump` of a
 * dict whose first key is a short ASCII str (`z`/`Z`, its length, then that many printable bytes).
 */
export function pythonMarshal(h: Uint8Array): boolean {
  const magic = h[0]! | (h[1]! << 8);
  const code = (at: number) => (h[at]! & 0x7f) === 0x63;
  if (h[2] === 0x0d && h[3] === 0x0a && magic >= PEP552 && magic < 4000 && h[5] === 0 && h[6] === 0 && h[7] === 0 && h[4]! <= 3) return code(16);
  if (h[2] === 0x0d && h[3] === 0x0a && ((magic >= 3000 && magic < PEP552) || magic === 62211)) return code(8) || code(12);
  if ((h[0] !== 0x7b && h[0] !== 0xfb) || (h[1] !== 0x7a && h[1] !== 0xfa && h[1] !== 0x5a && h[1] !== 0xda)) return false;
  const len = h[2]!;
  if (len < 1 || len > 64 || h.length < 3 + len) return false;
  for (let i = 3; i < 3 + len; i++) if (h[i]! < 0x20 || h[i]! > 0x7e) return false;
  return true;
}

/** Every `s` mark of `b` whose length fits in the file, with its bytes (a chance mark's value is tried and fails). */
export function* marshalValues(b: Uint8Array): Generator<HeldValue> {
  const view = Buffer.from(b.buffer, b.byteOffset, b.length);
  for (let at = 0; at + 5 + MIN_VALUE <= b.length; at++) {
    if ((b[at]! & 0x7f) !== 0x73) continue;
    const n = view.readUInt32LE(at + 1);
    if (n >= MIN_VALUE && at + 5 + n <= b.length) yield { bytes: b.subarray(at + 5, at + 5 + n), at: at + 5 };
  }
}
