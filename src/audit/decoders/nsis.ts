/**
 * NSIS installers (`makensis`: Electron apps' Windows installers, Wine-run setups, cross-built Windows releases kept
 * beside a Linux build): a PE stub whose section table holds NSIS's `.ndata`, then, at a 512-byte boundary, the first
 * header (flags, 0xDEADBEEF, `NullsoftInst`, the header's and the data's lengths) and the data — the installer's
 * script header and every file it installs — compressed by the script's `SetCompressor`: zlib (raw deflate, NSIS's
 * default) or LZMA, each block behind its length (bit 31: compressed), or with `/SOLID` one stream of them all. No
 * value in an installed file is in the exe's bytes. The deflate blocks are inflated here; an LZMA block is handed on
 * as an .lzma stream (its 5 property bytes, an unknown size); NSIS's own bzip2 (no stream header, no CRCs) is named.
 * The exe is gathered (at most 64 MiB), its own bytes read as plain beside (`MZ` blanked).
 */
import { inflateRawSync } from 'node:zlib';
import { gathered, within } from './gathered.js';
import { startsWith, trial, type Decoder, type DecodeEnv } from './types.js';

const FIRST = [0xef, 0xbe, 0xad, 0xde, 0x4e, 0x75, 0x6c, 0x6c, 0x73, 0x6f, 0x66, 0x74, 0x49, 0x6e, 0x73, 0x74];
const COMPRESSED = 0x80000000;
/** What one inflated stream may give at most (the bounds still count every byte). */
const MAX_OUT = 512 << 20;

/** A PE (`MZ`, `PE\0\0` at e_lfanew) whose section table, in the head, names `.ndata`: NSIS's uninitialised data section. */
export function isNsis(h: Uint8Array): boolean {
  if (h.length < 64 || h[0] !== 0x4d || h[1] !== 0x5a) return false;
  const pe = h[60]! | (h[61]! << 8);
  if (pe + 24 > h.length || !startsWith(h, [0x50, 0x45, 0, 0], pe)) return false;
  const sections = h[pe + 6]! | (h[pe + 7]! << 8);
  const optional = h[pe + 20]! | (h[pe + 21]! << 8);
  for (let k = 0, at = pe + 24 + optional; k < sections && at + 8 <= h.length; k++, at += 40)
    if (startsWith(h, [0x2e, 0x6e, 0x64, 0x61, 0x74, 0x61, 0], at)) return true;
  return false;
}

/** Where the PE's sections' raw data end: what follows is an installer's data. */
function sectionsEnd(b: Buffer): number {
  const pe = b.readUInt16LE(60);
  const sections = b.readUInt16LE(pe + 6);
  let end = 0;
  for (let k = 0, at = pe + 24 + b.readUInt16LE(pe + 20); k < sections && at + 24 <= b.length; k++, at += 40)
    end = Math.max(end, b.readUInt32LE(at + 20) + b.readUInt32LE(at + 16));
  return end;
}

const isLzmaProps = (b: Uint8Array, at: number) => b[at] === 0x5d && b[at + 1] === 0 && b.length > at + 5;
/** NSIS's bzip2: block data without the `BZh` header (7-Zip tells it by its first byte, '1', of the block magic's place). */
const isNsisBzip2 = (b: Uint8Array, at: number) => b[at] === 0x31;

/** An LZMA stream of NSIS (properties, then the stream) as an .lzma file: the properties, an unknown size, the stream. */
const asLzmaAlone = (s: Uint8Array) => Buffer.concat([s.subarray(0, 5), Buffer.alloc(8, 0xff), s.subarray(5)]);

async function read(env: DecodeEnv, b: Buffer): Promise<void> {
  let first = -1;
  for (let at = 512; at + 28 <= b.length; at += 512)
    if (startsWith(b, FIRST, at + 4)) {
      first = at;
      break;
    }
  // No data header: NSIS's own stubs (/usr/share/nsis/Stubs, a PE with `.ndata` and nothing after its sections) hold
  // nothing to read; bytes after the sections with no header are an installer's data whose header was damaged or cut.
  if (first < 0) return b.length > sectionsEnd(b) ? env.limit('an NSIS installer whose data header does not read (damaged or cut)') : undefined;
  const data = first + 28;
  const length = b.readUInt32LE(first + 24);
  const end = Math.min(b.length, first + length);
  if (first + length > b.length) env.limit('an NSIS installer cut short');
  const head = b.readUInt32LE(data);
  const deflated = (s: Uint8Array) => trial(() => inflateRawSync(s, { maxOutputLength: MAX_OUT }));
  const write = async (name: string, bytes: Uint8Array) => {
    if (!env.allow(bytes.length)) return;
    const sink = env.openAt(within(env.path, name));
    await sink.write(bytes);
    await sink.end();
  };
  // Solid: one stream of every block (the header's length first) — LZMA's properties, or deflate, at the data's start.
  // As 7-Zip tells them: an uncompressed header's length; LZMA's properties at the start (solid) or after a length; a
  // length below 16 MiB with bit 31 set, its last byte 0x80 (blocks); anything else one solid stream (deflate's first
  // bytes may set bit 31).
  const solid = head !== b.readUInt32LE(first + 20) && (isLzmaProps(b, data) || (!isLzmaProps(b, data + 4) && head >>> 24 !== 0x80));
  if (solid) {
    if (isLzmaProps(b, data)) return write('(solid).lzma', asLzmaAlone(b.subarray(data, end)));
    if (isNsisBzip2(b, data)) return env.limit("an NSIS installer compressed with NSIS's bzip2, which the audit does not read");
    const out = deflated(b.subarray(data, end));
    return out instanceof Uint8Array ? write('(solid)', out) : env.limit('an NSIS installer whose solid deflate stream does not decode');
  }
  for (let at = data, k = 0; at + 4 <= end && !env.stopped; k++) {
    const word = b.readUInt32LE(at);
    const len = word & ~COMPRESSED;
    at += 4;
    if (at + len > end) return env.limit('an NSIS installer with a block past its end');
    const block = b.subarray(at, at + len);
    at += len;
    const name = `(block ${k})`;
    if (!(word & COMPRESSED)) await write(name, block);
    else if (isLzmaProps(block, 0)) await write(`${name}.lzma`, asLzmaAlone(block));
    else if (isNsisBzip2(block, 0)) return env.limit("an NSIS installer compressed with NSIS's bzip2, which the audit does not read");
    else {
      const out = deflated(block);
      if (!(out instanceof Uint8Array)) return env.limit(`an NSIS installer whose ${name} does not inflate`);
      await write(name, out);
    }
    // The CRC-32 after the last block (4 bytes, unless the installer was built with CRCCheck off).
    if (end - at <= 4) break;
  }
}

export const nsis: Decoder = {
  name: 'NSIS installer',
  sniff: isNsis,
  head: 2048,
  open: (env) =>
    gathered(env, {
      skip: 2,
      over: (e, max) => e.limit(`an NSIS installer over ${max} bytes, whose compressed data the audit does not gather`),
      read: (file) => read(env, file),
    }),
};
