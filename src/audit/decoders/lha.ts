/**
 * LHA/LZH archives (`.lzh`, `.lha`: `lha a` of jlha-utils and LHa for UNIX; old vendor tools,
 * firmware and game bundles), named rather than passed in silence when a member is compressed:
 * -lh5-, -lh6-, -lh7- (LZSS with static Huffman blocks) and their older kin are not decoded by the
 * audit. Told by a header of level 0 or 1 (its size, an 8-bit checksum that holds, the method
 * `-lh?-`/`-lz?-`, DOS attributes) or of level 2 (its size, the method, and a CRC-16 of the header
 * in its common extended header that holds). The headers are walked (each member's packed size
 * skips its data), so an archive that only stores its members (-lh0-, -lz4-, directories) is read
 * as it is — its bytes scanned like every file's — and not named.
 */
import { type Decoder, type DecodeEnv, type Decoding } from './types.js';

const u16 = (b: Uint8Array, i: number) => b[i]! | (b[i + 1]! << 8);
const u32 = (b: Uint8Array, i: number) => (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;
const METHOD = /^-(lh[0-7d]|lz[s45])-$/;
const STORED = new Set(['-lh0-', '-lz4-', '-lhd-']);

/** CRC-16/ARC (LHA's header and data CRC). */
function crc16(b: Uint8Array): number {
  let c = 0;
  for (const x of b) {
    c ^= x;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xa001 : c >>> 1;
  }
  return c;
}

const methodAt = (h: Uint8Array, i: number) => String.fromCharCode(...h.subarray(i + 2, i + 7));

/** A level 2 header at `i` (its `total` bytes here) whose common extended header's CRC-16 holds. */
function level2Holds(h: Uint8Array, i: number, total: number): boolean {
  let at = i + 26;
  for (let size = u16(h, i + 24); size; at += size, size = u16(h, at - 2)) {
    if (size < 3 || at + size > i + total) return false;
    if (h[at] === 0) {
      const copy = Uint8Array.from(h.subarray(i, i + total));
      copy[at - i + 1] = 0;
      copy[at - i + 2] = 0;
      return crc16(copy) === u16(h, at + 1);
    }
  }
  return false;
}

/** The header at `i` of `h`: its member's bytes in all (header and data) and method; undefined if not an LHA header; 0 if more bytes are needed. */
export function lhaHeader(h: Uint8Array, i = 0): { length: number; method: string } | undefined | 0 {
  if (h.length < i + 22) return 0;
  const method = methodAt(h, i);
  const level = h[i + 20]!;
  if (!METHOD.test(method) || level > 2) return undefined;
  const packed = u32(h, i + 7);
  if (level === 2) {
    const total = u16(h, i);
    if (total < 26) return undefined;
    if (h.length < i + total) return 0;
    return level2Holds(h, i, total) ? { length: total + packed, method } : undefined;
  }
  const size = h[i]!;
  const attributes = h[i + 19] === 0x20 || (level === 0 && h[i + 19] === 0);
  if (size < 20 || 22 + h[i + 21]! > size + 2 || !attributes) return undefined;
  if (h.length < i + size + 2) return 0;
  let sum = 0;
  for (let k = i + 2; k < i + 2 + size; k++) sum += h[k]!;
  return (sum & 0xff) === h[i + 1] ? { length: size + 2 + packed, method } : undefined;
}

export const isLha = (h: Uint8Array): boolean => !!lhaHeader(h);

/** Walks the headers as the bytes stream; `compressed` is the first member's method that is not stored. */
class LhaWalk {
  #held: Uint8Array = new Uint8Array(0);
  #skip = 0;
  state: 'walking' | 'done' | 'broken' = 'walking';
  compressed: string | undefined;

  push(bytes: Uint8Array): void {
    let b = bytes;
    while (b.length && this.state === 'walking' && this.compressed === undefined) {
      if (this.#skip) {
        const n = Math.min(this.#skip, b.length);
        this.#skip -= n;
        b = b.subarray(n);
        continue;
      }
      const joined = this.#held.length ? Buffer.concat([this.#held, b]) : b;
      if (joined[0] === 0) return void (this.state = 'done');
      const header = lhaHeader(joined);
      if (header === 0) return void (this.#held = joined.length > 65_600 ? ((this.state = 'broken'), new Uint8Array(0)) : joined.slice());
      this.#held = new Uint8Array(0);
      if (!header) return void (this.state = 'broken');
      if (!STORED.has(header.method)) this.compressed = header.method;
      this.#skip = header.length;
      b = joined;
    }
  }
}

export const lha: Decoder = {
  name: 'LHA archive',
  sniff: isLha,
  open(env: DecodeEnv): Decoding {
    const walk = new LhaWalk();
    return {
      push: (bytes) => walk.push(bytes),
      end() {
        if (env.stopped) return;
        if (walk.compressed) env.limit(`an LHA archive with members compressed by ${walk.compressed}, which the audit does not decode`);
        else if (walk.state === 'broken') env.limit('an LHA archive whose headers could not be walked: its members are not decoded');
      },
    };
  },
};
