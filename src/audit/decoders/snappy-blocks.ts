/**
 * Snappy's raw blocks in the two framings the JVM world writes, besides the framing format of
 * `snappy.ts`: snappy-java's `SnappyOutputStream` (`\x82SNAPPY\0`, a version and a compatible
 * version, then blocks of ≤ 32 KiB input each behind a big-endian length — Kafka's snappy batches,
 * Spark's spills and shuffle files) and Hadoop's `SnappyCodec` (no magic: each block of ≤ 256 KiB
 * input behind its big-endian raw length, then its compressed chunks each behind a big-endian length
 * — `part-00000.snappy` of Hadoop, Hive and Spark jobs). A value across a block cut is split by
 * those lengths and a tag, which the plain scan cannot see through. One compressed chunk is held at a
 * time (at most 4 MiB), its output allowed before it is written.
 */
import { unsnappy } from './snappy.js';
import { startsWith, type Decoder, type DecodeEnv, type Decoding } from './types.js';

const XERIAL = [0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00];
const XERIAL_HEADER = 16;
/** A compressed chunk held whole: larger is damage (snappy-java's blocks are 32 KiB, Hadoop's 256 KiB by default). */
const MAX_CHUNK = 4 << 20;
/** A block's input: Hadoop's buffer size is configurable, snappy-java's block size too; above this it is not one. */
const MAX_BLOCK = 16 << 20;

/** A varint's value at `at` (a raw snappy block's length), or -1. */
function varint(h: Uint8Array, at: number): number {
  let v = 0;
  for (let shift = 0, i = at; shift <= 28 && i < h.length; shift += 7, i++) {
    v += (h[i]! & 0x7f) * 2 ** shift;
    if (!(h[i]! & 0x80)) return v;
  }
  return -1;
}

/**
 * Whether `h` starts a Hadoop block: a raw length, a compressed length that fits snappy's bound for
 * it, then a raw snappy block whose own length is within the block and whose compressed length fits
 * snappy's bound for that length (`32 + n + n/6`), and whose elements, as far as the head holds them,
 * decode: a literal first (a block starts with nothing to copy from), no copy from before the block's
 * start or past its length, the chunk ending where its length is reached. Random heads passed the
 * lengths and a literal first tag about once in 1.2 million (a raw length of 8 MB, a chunk of 2.5 MB
 * said to decode to 101 bytes).
 */
export function sniffHadoop(h: Uint8Array): boolean {
  if (h.length < 12) return false;
  const dv = new DataView(h.buffer, h.byteOffset, h.length);
  const raw = dv.getUint32(0);
  const packed = dv.getUint32(4);
  if (raw === 0 || raw > MAX_BLOCK || packed < 2 || packed > 32 + raw + Math.ceil(raw / 6)) return false;
  const size = varint(h, 8);
  if (size <= 0 || size > raw) return false;
  const tagAt = 8 + Math.max(1, Math.ceil(Math.log2(size + 1) / 7));
  if (packed - (tagAt - 8) > 32 + size + Math.ceil(size / 6)) return false;
  return tagAt < h.length && (h[tagAt]! & 3) === 0 && elementsHold(h, tagAt, 8 + packed, size);
}

/**
 * Whether a raw snappy block's elements from `at` decode, as far as `h` holds them: no copy reaching before the
 * block's first byte, no output past `size`, no element past the chunk's `end`, and `size` bytes made where it ends.
 */
function elementsHold(h: Uint8Array, at: number, end: number, size: number): boolean {
  const stop = Math.min(h.length, end);
  let out = 0;
  for (let i = at; i < stop;) {
    const tag = h[i]!;
    const kind = tag & 3;
    let length: number;
    let next: number;
    if (kind === 0) {
      const extra = tag >> 2 >= 60 ? (tag >> 2) - 59 : 0;
      if (i + 1 + extra > stop) return true;
      length = 1 + (extra ? le(h, i + 1, extra) : tag >> 2);
      next = i + 1 + extra + length;
    } else {
      next = i + [0, 2, 3, 5][kind]!;
      if (next > stop) return true;
      length = kind === 1 ? ((tag >> 2) & 7) + 4 : (tag >> 2) + 1;
      const offset = kind === 1 ? ((tag >> 5) << 8) | h[i + 1]! : le(h, i + 1, kind === 2 ? 2 : 4);
      if (offset === 0 || offset > out) return false;
    }
    out += length;
    if (out > size || next > end) return false;
    i = next;
  }
  return end > h.length || out === size;
}

/** `n` bytes at `at`, little-endian. */
function le(h: Uint8Array, at: number, n: number): number {
  let v = 0;
  for (let k = n - 1; k >= 0; k--) v = v * 256 + h[at + k]!;
  return v;
}

/**
 * A reader of big-endian `u32` lengths and the bytes they announce, fed as the content streams:
 * `next` says what it wants (a length, or a chunk of n bytes), and is handed it when it is there.
 */
function framed(env: DecodeEnv, skip: number, next: (kind: 'length' | 'chunk', bytes: Buffer) => Buffer | 'chunk' | 'length'): Decoding {
  const sink = env.open();
  let parts: Buffer[] = [];
  let have = 0;
  let want: 'length' | 'chunk' = 'length';
  let size = 4;
  let skipping = skip;
  let failed = false;
  const fail = (why: string) => {
    failed = true;
    env.limit(`a damaged snappy stream (${why}): the rest is not audited`);
  };
  const take = (n: number): Buffer => {
    const all = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    parts = all.length > n ? [all.subarray(n)] : [];
    have -= n;
    return all.subarray(0, n);
  };
  return {
    async push(bytes) {
      if (failed || env.stopped) return;
      parts.push(Buffer.from(bytes));
      have += bytes.length;
      if (skipping) {
        const n = Math.min(skipping, have);
        take(n);
        skipping -= n;
        if (skipping) return;
      }
      while (have >= size) {
        const got = take(size);
        let r: ReturnType<typeof next>;
        try {
          r = next(want, got);
        } catch (e) {
          return fail((e as Error).message);
        }
        if (want === 'length') {
          if (r === 'length') continue; // not a chunk's length (a block's raw length, a header): another length follows
          size = got.readUInt32BE(0);
          if (size > MAX_CHUNK) return fail(`a chunk of ${size} bytes`);
          want = 'chunk';
          continue;
        }
        want = 'length';
        size = 4;
        if (!(r instanceof Buffer) || !r.length) continue;
        if (!env.allow(r.length)) return;
        await sink.write(r);
      }
    },
    async end() {
      if (!failed && !env.stopped && have) fail('cut short');
      await sink.end();
    },
  };
}

export const snappyJava: Decoder = {
  name: 'snappy-java stream',
  sniff: (h) => startsWith(h, XERIAL),
  // After the header, each block is a length and a raw snappy block; a second stream's header (appended output) is skipped.
  open: (env) => {
    let header = 0;
    return framed(env, XERIAL_HEADER, (kind, bytes) => {
      if (header) {
        header--;
        return 'length';
      }
      if (kind === 'length') {
        // `\x82SNA` as a length: the next stream's header, 16 bytes, read as four lengths.
        if (bytes.readUInt32BE(0) === 0x82534e41) {
          header = 3;
          return 'length';
        }
        return 'chunk';
      }
      return unsnappy(bytes, MAX_BLOCK);
    });
  },
};

export const hadoopSnappy: Decoder = {
  name: 'Hadoop snappy stream',
  sniff: sniffHadoop,
  // Each block: its raw length, then chunks (length, raw snappy) until that much is decoded.
  open: (env) => {
    let left = 0;
    return framed(env, 0, (kind, bytes) => {
      if (kind === 'chunk') {
        const out = unsnappy(bytes, Math.max(left, 1));
        left -= out.length;
        return out;
      }
      if (left > 0) return 'chunk';
      left = bytes.readUInt32BE(0);
      if (left > MAX_BLOCK) throw new Error(`a block of ${left} bytes`);
      return 'length';
    });
  },
};
