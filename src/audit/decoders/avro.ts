/**
 * Avro object container files (`Obj\x01`: Kafka Connect and Spark exports, Hive tables, data
 * pipelines' dumps). After the header (a map of metadata — the schema, `avro.codec` — and a 16-byte
 * sync marker) come blocks: a count of records, a size, that many bytes, the sync marker. Under the
 * `deflate` codec a block is raw deflate, which no search inside finds (no header); `snappy` is a raw
 * snappy block then its CRC-32; `zstandard` a zstd frame. The file's own bytes are read on as plain
 * (its magic as zeros: the schema, a `null` codec's records, snappy's literals), the file held up to
 * MAX_FILE and at its end the blocks are decoded in order into one stream (`events.avro!`). A codec
 * not read here (bzip2, xz) and a block that does not decode are named. Each block's records are read by the writer
 * schema (avro-records.ts) and their bytes, string and fixed values handed on to the whole-value trial
 * (value-streams.ts `valuesOnward`): `d.avro@OFFSET!` in a null codec's block, `d.avro!(value N)` in a decoded one.
 */
import { inflateRawSync, zstdDecompressSync } from 'node:zlib';
import { avroRecords, avroSchema } from './avro-records.js';
import { heldPlain } from './held-image.js';
import { unsnappy } from './snappy.js';
import { startsWith, trial, type Decoder, type DecodeEnv, type Decoding } from './types.js';
import { valuesOnward, type HeldValue } from './value-streams.js';

const MAGIC = [0x4f, 0x62, 0x6a, 0x01];
const MAX_FILE = 64 << 20;
/** What one block may decode to: Avro's writers cut blocks at about 64 KiB of records (a sync interval of up to 1 GiB is allowed, seldom used). */
const MAX_BLOCK = 64 << 20;

/** Avro's long: zigzag varint. */
function long(b: Buffer, at: number): [number, number] | undefined {
  let v = 0;
  for (let shift = 0, i = at; i < b.length && shift <= 63; shift += 7, i++) {
    const byte = b[i]!;
    v += (byte & 0x7f) * 2 ** shift;
    if (!(byte & 0x80)) return [v % 2 ? -(v + 1) / 2 : v / 2, i + 1];
  }
  return undefined;
}

interface Header {
  codec: string;
  /** The writer schema (`avro.schema`), as JSON text. */
  schema: string;
  sync: Buffer;
  /** Where the first block starts. */
  end: number;
}

/** The header's metadata map (blocks of key/value pairs, a negative count followed by the block's size) and sync marker. */
function header(b: Buffer): Header | undefined {
  let at = 4;
  const meta = new Map<string, Buffer>();
  for (;;) {
    const c = long(b, at);
    if (!c) return undefined;
    let [count] = c;
    at = c[1];
    if (count === 0) break;
    if (count < 0) {
      count = -count;
      const size = long(b, at);
      if (!size) return undefined;
      at = size[1];
    }
    for (let i = 0; i < count; i++) {
      const k = long(b, at);
      if (!k || k[0] < 0 || k[1] + k[0] > b.length) return undefined;
      const key = b.toString('utf8', k[1], k[1] + k[0]);
      const v = long(b, k[1] + k[0]);
      if (!v || v[0] < 0 || v[1] + v[0] > b.length) return undefined;
      meta.set(key, b.subarray(v[1], v[1] + v[0]));
      at = v[1] + v[0];
    }
  }
  if (at + 16 > b.length) return undefined;
  return {
    codec: meta.get('avro.codec')?.toString('utf8') || 'null',
    schema: meta.get('avro.schema')?.toString('utf8') ?? '',
    sync: b.subarray(at, at + 16),
    end: at + 16,
  };
}

const CODECS: Record<string, (block: Buffer) => Buffer> = {
  deflate: (b) => inflateRawSync(b, { maxOutputLength: MAX_BLOCK }),
  snappy: (b) => unsnappy(b.subarray(0, b.length - 4), MAX_BLOCK),
  zstandard: (b) => zstdDecompressSync(b, { maxOutputLength: MAX_BLOCK }),
};

export const avro: Decoder = {
  name: 'Avro container file',
  sniff: (h) => startsWith(h, MAGIC),
  open(env: DecodeEnv): Decoding {
    const plain = heldPlain(env, MAGIC.length, MAX_FILE);
    return {
      push: (bytes) => plain.push(bytes),
      async end() {
        const file = await plain.end();
        if (env.stopped) return;
        if (!file) return env.limit(`an Avro file over ${MAX_FILE >> 20} MiB: its compressed blocks are not decoded`);
        const h = header(file);
        if (!h) return env.limit('an Avro file whose header cannot be read: its blocks are not decoded');
        let codec = h.codec;
        if (codec === 'null') {
          // No codec (its blocks plain, read as the file's own bytes) — unless its first block deflates: the header's
          // codec entry damaged. Then read as deflate, and named.
          const count = long(file, h.end);
          const size = count && long(file, count[1]);
          if (h.end >= file.length) return;
          // Nor a first block followed by the header's sync marker: the header itself damaged (its map's count).
          if (!size || size[0] < 0 || !file.subarray(size[1] + size[0], size[1] + size[0] + 16).equals(h.sync))
            return env.limit('an Avro file whose first block does not follow its header (a damaged header): its blocks are not decoded');
          const first = size[0] > 0 ? trial(() => inflateRawSync(file.subarray(size[1], size[1] + size[0]), { maxOutputLength: MAX_BLOCK })) : undefined;
          if (first instanceof Buffer && first.length > size[0]) {
            env.limit('an Avro file whose header names no codec but whose blocks deflate (a damaged header): read as deflate');
            codec = 'deflate';
          }
        }
        const decode = codec === 'null' ? (b: Buffer) => b : CODECS[codec];
        if (!decode) return env.limit(`an Avro file of codec ${JSON.stringify(h.codec.slice(0, 32))}: its blocks are not decoded`);
        const schema = avroSchema(h.schema);
        const values: HeldValue[] = [];
        let stopped = !schema;
        // The null codec's blocks are the file's own bytes, read as plain already: only their values are handed on.
        const sink = codec === 'null' ? undefined : env.open();
        for (let at = h.end; at < file.length;) {
          const count = long(file, at);
          const size = count && long(file, count[1]);
          if (!size || size[0] < 0 || size[1] + size[0] + 16 > file.length || !file.subarray(size[1] + size[0], size[1] + size[0] + 16).equals(h.sync)) {
            env.limit('an Avro file whose blocks are damaged: the rest is not decoded');
            break;
          }
          const out = trial(() => decode(file.subarray(size[1], size[1] + size[0])));
          if (!(out instanceof Buffer)) env.limit(`an Avro ${codec} block that does not decode (at ${size[1]})`);
          else if (sink && !env.allow(out.length)) break;
          else {
            await sink?.write(out);
            const r = schema && avroRecords(out, count[0], schema, sink ? undefined : size[1]);
            for (const v of r ? r.values : []) values.push(v);
            stopped ||= !r || r.stopped;
          }
          at = size[1] + size[0] + 16;
        }
        await sink?.end();
        await valuesOnward(env, values);
        if (stopped && !env.stopped) env.limit('an Avro file whose records do not follow its schema: their values after that read as plain only');
      },
    };
  },
};
