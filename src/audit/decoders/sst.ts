/**
 * RocksDB and LevelDB tables (`*.sst`, `*.ldb`: Kafka Streams' state stores, CockroachDB, TiKV, Ceph, a Chrome or
 * Electron profile's LevelDB) read as their reader reads them: the footer at the file's end (LevelDB's 48 bytes, or
 * RocksDB's 53 with a checksum type and a format version; its magic number checked) gives the index block, whose
 * entries give each data block's handle (offset and size; RocksDB's format 4 and later write a restart entry's handle
 * whole and the others' sizes as deltas), and each block is decompressed by the type byte after it — 0 none, 1 snappy,
 * 2 zlib (raw deflate: no header a search inside could find), 3 bzip2, 4 and 5 LZ4 (a raw block), 7 zstd, from format 2
 * on behind a varint of the decompressed size — and written, in order, to one content (`000013.sst!`) whose records
 * (keys and values) are then scanned as any content is (a bzip2 block decoded whole by the audit's bzip2 decoder).
 * Claimed by name (the format has no magic at its start; `sniffSst`): a file so named
 * whose footer is not a table's is given to the plain read, which reads every byte but its first two, and named (a table
 * cut short has lost the handles of its compressed blocks). Held up to MAX_FILE; a larger table,
 * an index that does not parse, a block type not read (Windows' XPRESS) or a block that does not decode is named.
 */
import { inflateRawSync, zstdDecompressSync } from 'node:zlib';
import { bzip2 } from './bzip2.js';
import { heldPlain } from './held-image.js';
import { lz4Block } from './lz4.js';
import { unsnappy } from './snappy.js';
import { trial, type Decoder, type DecodeEnv, type Decoding } from './types.js';
import { valuesOnward, type HeldValue } from './value-streams.js';

const MAX_FILE = 64 << 20;
/** What one block may decode to (RocksDB's blocks are 4 KiB by default; a few MiB at most in practice). */
const MAX_BLOCK = 64 << 20;
const LEVELDB = Buffer.from('57fb808b247547db', 'hex');
const ROCKSDB = Buffer.from('f7cff485b741e288', 'hex');
const TRAILER = 5;

class Bad extends Error {}

/** A varint (up to 64 bits, as a number) at `at`: [value, next]. */
function varint(b: Buffer, at: number): [number, number] {
  let v = 0;
  for (let shift = 0; shift <= 63; shift += 7) {
    if (at >= b.length) throw new Bad();
    const byte = b[at++]!;
    v += (byte & 0x7f) * 2 ** shift;
    if (!(byte & 0x80)) return [v, at];
  }
  throw new Bad();
}

interface Handle {
  offset: number;
  size: number;
}

/** The footer: the metaindex and index blocks' handles and the table's format version (0 for LevelDB). */
function footer(file: Buffer): { meta: Handle; index: Handle; version: number } | undefined {
  if (file.length >= 48 && file.subarray(file.length - 8).equals(LEVELDB)) {
    const [mo, a] = varint(file, file.length - 48);
    const [ms, b] = varint(file, a);
    const [offset, c] = varint(file, b);
    const [size] = varint(file, c);
    return { meta: { offset: mo, size: ms }, index: { offset, size }, version: 0 };
  }
  if (file.length >= 53 && file.subarray(file.length - 8).equals(ROCKSDB)) {
    const version = file.readUInt32LE(file.length - 12);
    if (version < 1 || version > 5) return undefined;
    const [mo, a] = varint(file, file.length - 52);
    const [ms, b] = varint(file, a);
    const [offset, c] = varint(file, b);
    const [size] = varint(file, c);
    return { meta: { offset: mo, size: ms }, index: { offset, size }, version };
  }
  return undefined;
}

/** A bzip2 stream decoded whole by the audit's bzip2 decoder (a block: at most MAX_BLOCK); undefined when it fails. */
async function unbzip2(bytes: Buffer): Promise<Buffer | undefined> {
  const parts: Buffer[] = [];
  let failed = false;
  let total = 0;
  const sink = { write: (b: Uint8Array) => void parts.push(Buffer.from(b)), end: () => undefined };
  const env: DecodeEnv = {
    path: '',
    open: () => sink,
    openAt: () => sink,
    allow: (n) => (total += n) <= MAX_BLOCK,
    limit: () => void (failed = true),
    ratio: Infinity,
    stopped: false,
  };
  const d = bzip2.open(env);
  await d.push(bytes);
  await d.end();
  return failed || total > MAX_BLOCK ? undefined : Buffer.concat(parts);
}

/** A block's bytes decompressed by its type (its trailer's first byte). */
async function block(file: Buffer, h: Handle, version: number, dictionary?: Buffer): Promise<Buffer> {
  const got = blockSync(file, h, version, dictionary);
  if (!got.bzip2) return got.bytes;
  const out = await unbzip2(got.bytes);
  if (!out) throw new Bad();
  return out;
}

function blockSync(file: Buffer, h: Handle, version: number, dictionary?: Buffer): { bytes: Buffer; bzip2?: boolean } {
  if (h.offset + h.size + TRAILER > file.length) throw new Bad();
  const raw = file.subarray(h.offset, h.offset + h.size);
  const type = file[h.offset + h.size]!;
  if (type === 0) return { bytes: raw };
  if (type === 1) return { bytes: unsnappy(raw, MAX_BLOCK) };
  let body = raw;
  let size = -1;
  if (version >= 2) {
    const [n, at] = varint(raw, 0);
    if (n > MAX_BLOCK) throw new Bad();
    size = n;
    body = raw.subarray(at);
  }
  if (type === 2) return { bytes: inflateRawSync(body, { maxOutputLength: MAX_BLOCK, ...(dictionary && { dictionary }) }) };
  if (type === 3) return { bytes: body, bzip2: true };
  if (type === 7) return { bytes: zstdDecompressSync(body, { maxOutputLength: MAX_BLOCK, ...(dictionary && { dictionary }) }) };
  if ((type === 4 || type === 5) && size >= 0) {
    // With a dictionary, LZ4 (LZ4_decompress_safe_usingDict) takes it as the history before the block.
    const history = dictionary ?? Buffer.alloc(0);
    const out = Buffer.alloc(history.length + size);
    out.set(history);
    return { bytes: out.subarray(history.length, lz4Block(body, out, history.length)) };
  }
  throw new Bad(`a block of compression type ${type}`);
}

/**
 * The values of a data block's entries (each a shared and an unshared key length, a value length, the key's new part and
 * the value), as far as they parse: what `valuesOnward` tries as a magicless stream (an app's value it compressed).
 */
export function* blockValues(block: Buffer): Generator<HeldValue> {
  if (block.length < 4) return;
  const end = block.length - 4 - 4 * (block.readUInt32LE(block.length - 4) & 0x7fffffff);
  for (let at = 0; at < end;) {
    const parsed = trial(() => {
      const [, a] = varint(block, at);
      const [unshared, b] = varint(block, a);
      const [length, c] = varint(block, b);
      return [c + unshared, length] as const;
    });
    if (!parsed || typeof parsed === 'symbol' || parsed[0] + parsed[1] > end) return;
    yield { bytes: block.subarray(parsed[0], parsed[0] + parsed[1]) };
    at = parsed[0] + parsed[1];
  }
}

/** The data blocks' handles in the index block's entries. */
function dataHandles(index: Buffer, version: number): Handle[] {
  if (index.length < 4) throw new Bad();
  const restarts = index.readUInt32LE(index.length - 4) & 0x7fffffff;
  const end = index.length - 4 - 4 * restarts;
  if (restarts < 1 || end < 0) throw new Bad();
  const starts = new Set<number>();
  for (let i = 0; i < restarts; i++) starts.add(index.readUInt32LE(end + 4 * i));
  const delta = version >= 4;
  const out: Handle[] = [];
  for (let at = 0; at < end;) {
    const restart = starts.has(at);
    const [, a] = varint(index, at);
    const [unshared, b] = varint(index, a);
    let v = b;
    if (!delta) v = varint(index, b)[1];
    v += unshared;
    const prev = out.at(-1);
    if (!delta || restart || !prev) {
      const [offset, c] = varint(index, v);
      const [size, d] = varint(index, c);
      out.push({ offset, size });
      at = delta ? d : varint(index, b)[0] + v;
    } else {
      const [zz, c] = varint(index, v);
      const change = zz % 2 ? -(zz + 1) / 2 : zz / 2;
      out.push({ offset: prev.offset + prev.size + TRAILER, size: prev.size + change });
      at = c;
    }
    if (at > end) throw new Bad();
  }
  return out;
}

/**
 * The compression dictionary a table's blocks were compressed with (`compression_max_dict_bytes`: RocksDB trains one per
 * table at compaction and keeps it in a meta block, `rocksdb.compression_dict`, which the metaindex block names), if
 * the metaindex names one: a zstd, zlib or LZ4 block compressed with it decodes only with it.
 */
async function compressionDict(file: Buffer, meta: Handle, version: number): Promise<Buffer | undefined> {
  const index = await block(file, meta, version);
  if (index.length < 4) return undefined;
  const restarts = index.readUInt32LE(index.length - 4) & 0x7fffffff;
  const end = index.length - 4 - 4 * restarts;
  let key = Buffer.alloc(0);
  for (let at = 0; at < end && at >= 0;) {
    const [shared, a] = varint(index, at);
    const [unshared, b] = varint(index, a);
    const [length, c] = varint(index, b);
    key = Buffer.concat([key.subarray(0, shared), index.subarray(c, c + unshared)]);
    at = c + unshared + length;
    if (key.toString('latin1') !== 'rocksdb.compression_dict') continue;
    const [offset, d] = varint(index, c + unshared);
    const [size] = varint(index, d);
    return block(file, { offset, size }, version);
  }
  return undefined;
}

/**
 * A file so named whose first two bytes are not both zero: a table's first block starts with a varint that is never
 * zero (a record's shared and unshared key lengths, 0 and at least 8 in RocksDB; a compressed block's size), and the
 * plain read of a table is given with those two bytes as zeros, so that it is not claimed again.
 */
export const sniffSst = (h: Uint8Array, path: string): boolean => /\.(sst|ldb)$/.test(path) && h.length > 2 && (h[0] !== 0 || h[1] !== 0);

export const sstTable: Decoder = {
  name: 'RocksDB/LevelDB table',
  sniff: (h, path) => sniffSst(h, path),
  open(env: DecodeEnv): Decoding {
    const plain = heldPlain(env, 2, MAX_FILE);
    return {
      push: (bytes) => plain.push(bytes),
      async end() {
        const file = await plain.end();
        if (env.stopped) return;
        if (!file) return env.limit(`a table over ${MAX_FILE >> 20} MiB (RocksDB/LevelDB): its compressed blocks are not decoded`);
        const f = trial(() => footer(file));
        // A table cut short (an interrupted copy of a state directory, a full disk) has lost its footer, and with it the
        // handles of its compressed blocks: named, as RocksDB names it (Corruption: bad table magic number), not passed.
        if (!f || typeof f === 'symbol')
          return env.limit('a file named as a RocksDB/LevelDB table whose footer does not read (cut short or damaged): its compressed blocks are not decoded');
        let handles: Handle[];
        let dictionary: Buffer | undefined;
        try {
          handles = dataHandles(await block(file, f.index, f.version), f.version);
          dictionary = await compressionDict(file, f.meta, f.version).catch(() => undefined);
        } catch {
          return env.limit('a RocksDB/LevelDB table whose index block does not parse: its compressed blocks are not decoded');
        }
        const sink = env.open();
        for (const h of handles) {
          let bytes: Buffer;
          try {
            bytes = await block(file, h, f.version, dictionary);
          } catch {
            env.limit(`a RocksDB/LevelDB table's block at ${h.offset} that does not decode: the rest is not decoded`);
            break;
          }
          if (!env.allow(bytes.length)) break;
          await sink.write(bytes);
          // Each value handed on to the magicless-stream trial (value-streams.ts): brotli, raw deflate, raw LZMA2 an app stored.
          await valuesOnward(env, blockValues(bytes));
        }
        await sink.end();
      },
    };
  },
};
