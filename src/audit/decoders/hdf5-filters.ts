/**
 * HDF5 filters registered by other libraries whose chunks hdf5.ts reads besides the built-in ones: PyTables' LZO (305) and
 * bzip2 (307), the LZ4 filter (32004); Blosc (32001) is blosc.ts's buffer, zstd (32015) one zstd frame.
 */
import { zstdDecompressSync } from 'node:zlib';
import { unblosc } from './blosc.js';
import { bunzip2Sync } from './bzip2.js';
import { lz4Block } from './lz4.js';
import { lzo1x } from './lzop.js';
import { trial } from './types.js';

/**
 * PyTables' LZO filter (305): the chunk LZO1X-compressed, an Adler-32 of it after (filter version 2.0 and later) or not;
 * a chunk LZO would have grown is kept as it is.
 */
function lzoChunk(data: Uint8Array, size: number): Uint8Array | undefined {
  if (data.length === size) return data;
  const out = new Uint8Array(size);
  for (const cut of [0, 4]) {
    const n = trial(() => lzo1x(data.subarray(0, Math.max(0, data.length - cut)), out));
    if (typeof n === 'number' && n > 0) return out.subarray(0, n);
  }
  return undefined;
}

/**
 * The LZ4 filter (32004, hdf5plugin and the HDF Group's registered plugin): the chunk's size (8 bytes) and a block size
 * (4 bytes), big-endian, then each block's compressed length (4 bytes) and the LZ4 block — stored when the length is the block's.
 */
function lz4Chunk(data: Uint8Array, size: number): Uint8Array | undefined {
  if (data.length < 12) return undefined;
  const dv = new DataView(data.buffer, data.byteOffset, data.length);
  const total = Number(dv.getBigUint64(0));
  const block = dv.getUint32(8);
  if (total > size || block === 0 || block > size) return undefined;
  const out = new Uint8Array(total);
  for (let at = 12, o = 0; o < total;) {
    const want = Math.min(block, total - o);
    if (at + 4 > data.length) return undefined;
    const len = dv.getUint32(at);
    at += 4;
    if (at + len > data.length) return undefined;
    const src = data.subarray(at, at + len);
    if (len === want) out.set(src, o);
    else if (trial(() => lz4Block(src, out.subarray(o, o + want), 0)) !== want) return undefined;
    at += len;
    o += want;
  }
  return out;
}

/** Undoes HDF5's shuffle of elements of `size` bytes: byte j of every element first, the bytes past the last whole element kept. */
export function unshuffle(data: Uint8Array, size: number): Uint8Array {
  const n = Math.floor(data.length / size);
  if (size <= 1 || n <= 1) return data;
  const out = new Uint8Array(data.length);
  for (let j = 0; j < size; j++) for (let e = 0, from = j * n; e < n; e++) out[e * size + j] = data[from + e]!;
  out.set(data.subarray(n * size), n * size);
  return out;
}

/** The names of filters in messages. */
export const FILTER_NAMES: Record<number, string> = {
  4: 'szip',
  5: 'n-bit',
  6: 'scale-offset',
  307: 'bzip2',
  32001: 'blosc',
  32004: 'LZ4',
  32008: 'bitshuffle',
  32015: 'zstd',
  32017: 'sz',
};

const got = (r: unknown) => (r instanceof Uint8Array ? r : undefined);

/**
 * A chunk of `size` bytes unfiltered by a registered filter read here: its bytes, undefined when it does not decode,
 * `unread` when the filter is not one of these.
 */
export function registered(id: number, data: Uint8Array, size: number, unread: string): Uint8Array | string | undefined {
  switch (id) {
    case 305:
      return lzoChunk(data, size);
    case 307:
      // PyTables' bzip2: one bzip2 stream a chunk (the decoder loaded by hdf5.ts's read first).
      return bunzip2Sync(data, size);
    case 32001:
      // PyTables, pandas' HDFStore, hdf5plugin: each chunk one Blosc buffer (blosc.ts).
      return got(trial(() => unblosc(data)));
    case 32004:
      return lz4Chunk(data, size);
    case 32015:
      return got(trial(() => zstdDecompressSync(data, { maxOutputLength: size + 4096 })));
    default:
      return unread;
  }
}
