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
 * it, then a raw snappy block whose own length is within the block and whose first tag is a literal
 * (a block starts with nothing to copy from).
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
  return tagAt < h.length && (h[tagAt]! & 3) === 0;
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
