/**
 * Snappy in its framing format (`sNaPpY` stream identifier, then chunks of at most 64 KiB of input,
 * each with a CRC): python-snappy's `.sz`, snzip, Go's snappy.Writer, Node's snappy streams. A snappy
 * block keeps a literal run as it is, so most of a value is seen raw — but the input is cut every
 * 64 KiB, and a value across that cut is split by a chunk header and a tag; one with a repeat inside
 * is a copy. Decoded here one chunk at a time (at most 1 MiB held, its output at most 64 KiB), each
 * output allowed first. The CRCs are not checked: a damaged chunk still gives what it holds.
 * snappy-java's framing (`\x82SNAPPY\0`: Kafka, Spark) is not read yet.
 */
import { startsWith, type Decoder, type DecodeEnv, type Decoding } from './types.js';

const FRAMED = [0xff, 0x06, 0x00, 0x00, 0x73, 0x4e, 0x61, 0x50, 0x70, 0x59];
/** A chunk held whole to be decoded: larger is damage, not data (a compressed chunk of 64 KiB is at most ~76 KiB). */
const MAX_CHUNK = 1 << 20;
/** What one chunk may decode to: the framing format says 64 KiB. */
const MAX_OUT = 65536;

/** Decodes one raw snappy block (a varint length, then literals and copies); throws on damage. */
export function unsnappy(block: Uint8Array, maxOut: number): Buffer {
  let i = 0;
  let size = 0;
  for (let shift = 0; ; shift += 7) {
    if (i >= block.length || shift > 28) throw new Error('a damaged length');
    const b = block[i++]!;
    size += (b & 0x7f) * 2 ** shift;
    if (!(b & 0x80)) break;
  }
  if (size > maxOut) throw new Error(`a block of ${size} bytes`);
  const out = Buffer.allocUnsafe(size);
  let o = 0;
  while (i < block.length) {
    const tag = block[i++]!;
    let len: number;
    let offset = 0;
    switch (tag & 3) {
      case 0: {
        len = (tag >> 2) + 1;
        if (len > 60) {
          const n = len - 60;
          if (i + n > block.length) throw new Error('a literal cut short');
          len = 1;
          for (let k = 0; k < n; k++) len += block[i + k]! * 2 ** (8 * k);
          i += n;
        }
        if (i + len > block.length || o + len > size) throw new Error('a literal beyond the block');
        out.set(block.subarray(i, i + len), o);
        i += len;
        o += len;
        continue;
      }
      case 1:
        len = 4 + ((tag >> 2) & 7);
        offset = ((tag >> 5) << 8) | (block[i++] ?? 0);
        break;
      case 2:
        len = (tag >> 2) + 1;
        offset = (block[i] ?? 0) | ((block[i + 1] ?? 0) << 8);
        i += 2;
        break;
      default:
        len = (tag >> 2) + 1;
        offset = ((block[i] ?? 0) | ((block[i + 1] ?? 0) << 8) | ((block[i + 2] ?? 0) << 16) | ((block[i + 3] ?? 0) << 24)) >>> 0;
        i += 4;
    }
    if (i > block.length || offset === 0 || offset > o || o + len > size) throw new Error('a copy outside the output');
    // Byte by byte: a copy may overlap what it writes (offset < len repeats a pattern).
    for (let k = 0; k < len; k++, o++) out[o] = out[o - offset]!;
  }
  if (o !== size) throw new Error('a block shorter than its length');
  return out;
}

/** Reads a stream of headed chunks: `headerSize` bytes tell a chunk's length; each chunk, gathered whole, is handed to `chunk`. */
function chunked(env: DecodeEnv, headerSize: number, lengthOf: (h: Buffer) => number, chunk: (h: Buffer, body: Buffer) => Buffer | undefined): Decoding {
  const sink = env.open();
  // Bytes are kept as the parts they came in, joined once a whole chunk is there: fed a byte at a time, no chunk is copied twice.
  let parts: Buffer[] = [];
  let have = 0;
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
  let head: Buffer | undefined;
  return {
    get finished() {
      return failed || env.stopped;
    },
    async push(bytes) {
      if (failed || env.stopped) return;
      parts.push(Buffer.from(bytes));
      have += bytes.length;
      for (;;) {
        if (!head) {
          if (have < headerSize) return;
          head = Buffer.from(take(headerSize));
        }
        const length = lengthOf(head);
        if (length > MAX_CHUNK) return fail(`a chunk of ${length} bytes`);
        if (have < length) return;
        const h = head;
        head = undefined;
        let out: Buffer | undefined;
        try {
          out = chunk(h, take(length));
        } catch (e) {
          return fail((e as Error).message);
        }
        if (!out?.length) continue;
        if (!env.allow(out.length)) return;
        await sink.write(out);
      }
    },
    async end() {
      if (!failed && !env.stopped && (have || head)) fail('cut short');
      await sink.end();
    },
  };
}

export const snappy: Decoder = {
  name: 'snappy',
  sniff: (h) => startsWith(h, FRAMED),
  open: (env) =>
    chunked(
      env,
      4,
      (h) => h.readUIntLE(1, 3),
      (h, body) => {
        const type = h[0]!;
        if (type === 0x00) return unsnappy(body.subarray(4), MAX_OUT);
        if (type === 0x01) return body.subarray(4);
        if (type < 0x80) throw new Error(`a chunk of reserved type ${type}`);
        return undefined; // the stream identifier (again, in a concatenated stream), padding, skippable chunks
      },
    ),
};
