/**
 * Archives and compressors the audit does not decode, named rather than passed in silence: a
 * bzip3 file (`BZ3v1`: LZP, RLE, a Burrows–Wheeler transform and context mixing per block) and an
 * ARJ archive whose members are compressed (methods 1–4: LZ77 with Huffman codes) — this file's `arj`
 * is no longer registered: arj.ts decodes methods 1–3 and names 4; `isArjHeader` is shared. Their bytes as
 * they are are scanned like every file's — a value in an ARJ member stored with `-m0`, or in a
 * literal the compressor kept, is still found — and the content is reported as not fully audited.
 * ARJ is told by its header's CRC-32; its headers are walked (each member's compressed size skips
 * its data), so an archive that only stores its members is read as it is and not named.
 */
import { crc32 } from 'node:zlib';
import { startsWith, type Decoder, type DecodeEnv, type Decoding } from './types.js';

const u16 = (b: Uint8Array, i: number) => b[i]! | (b[i + 1]! << 8);
const u32 = (b: Uint8Array, i: number) => (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;

/** bzip3's signature and a block size it allows (65 KiB to 511 MiB). */
export function isBzip3(h: Uint8Array): boolean {
  if (!startsWith(h, [0x42, 0x5a, 0x33, 0x76, 0x31]) || h.length < 9) return false;
  const block = u32(h, 5);
  return block >= 65 * 1024 && block <= 511 * 1024 * 1024;
}

/** An ARJ header at `i` of `h`: 60 EA, a basic header of 1–2600 bytes whose CRC-32 holds. */
export function isArjHeader(h: Uint8Array, i = 0): boolean {
  if (h[i] !== 0x60 || h[i + 1] !== 0xea || h.length < i + 4) return false;
  const size = u16(h, i + 2);
  if (size < 30 || size > 2600 || h.length < i + 8 + size) return false;
  return crc32(h.subarray(i + 4, i + 4 + size)) === u32(h, i + 4 + size);
}

export const bzip3: Decoder = {
  name: 'bzip3',
  sniff: isBzip3,
  open(env: DecodeEnv): Decoding {
    return {
      push() {},
      end() {
        if (!env.stopped) env.limit('a bzip3 stream, which the audit does not decode');
      },
    };
  },
};

/** Walks ARJ headers as the bytes stream: a header, its extended headers, then (for a member) its data skipped. */
class ArjWalk {
  #held = new Uint8Array(0);
  #skip = 0;
  #state: 'header' | 'ext' | 'done' | 'broken' = 'header';
  #main = true;
  /** A member's method other than 0 (stored), the first met. */
  compressed: number | undefined;

  get broken(): boolean {
    return this.#state === 'broken';
  }

  push(bytes: Uint8Array): void {
    let b = bytes;
    while (b.length && this.#state !== 'done' && this.#state !== 'broken') {
      if (this.#skip) {
        const n = Math.min(this.#skip, b.length);
        this.#skip -= n;
        b = b.subarray(n);
        continue;
      }
      const joined = this.#held.length ? Buffer.concat([this.#held, b]) : b;
      const used = this.#step(joined);
      if (used === 0) {
        this.#held = joined.slice();
        return;
      }
      this.#held = new Uint8Array(0);
      b = joined.subarray(used);
    }
  }

  /** Reads one header from `b`: the bytes it took, 0 when more are needed. */
  #step(b: Uint8Array): number {
    if (this.#state === 'ext') {
      if (b.length < 2) return 0;
      const size = u16(b, 0);
      if (size === 0) {
        this.#state = 'header';
        return 2;
      }
      if (b.length < 2 + size + 4) return 0;
      return 2 + size + 4;
    }
    if (b.length < 4) return 0;
    if (b[0] !== 0x60 || b[1] !== 0xea) return ((this.#state = 'broken'), b.length);
    const size = u16(b, 2);
    if (size === 0) return ((this.#state = 'done'), 4);
    if (b.length < 8 + size) return 0;
    if (!isArjHeader(b)) return ((this.#state = 'broken'), b.length);
    if (!this.#main) {
      const method = b[4 + 5]!;
      if (method !== 0) this.compressed ??= method;
      this.#skip = u32(b, 4 + 12);
    }
    this.#main = false;
    this.#state = 'ext';
    return 8 + size;
  }
}

export const arj: Decoder = {
  name: 'ARJ archive',
  sniff: (h) => isArjHeader(h),
  open(env: DecodeEnv): Decoding {
    const walk = new ArjWalk();
    return {
      push(bytes) {
        if (walk.compressed === undefined && !walk.broken) walk.push(bytes);
      },
      end() {
        if (env.stopped) return;
        if (walk.compressed !== undefined) env.limit(`an ARJ archive with members compressed by method ${walk.compressed}, which the audit does not decode`);
        else if (walk.broken) env.limit('an ARJ archive whose headers could not be walked: its members are not decoded');
      },
    };
  },
};
