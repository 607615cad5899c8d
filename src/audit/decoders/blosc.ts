/**
 * Blosc buffers (c-blosc 1.x's format 1 and 2): what zarr writes for every chunk by default (numcodecs' `Blosc`:
 * lz4 after a byte shuffle), PyTables and pandas' HDFStore write through HDF5's filter 32001, and python-blosc's
 * `pack_array`/`compress` write on their own. No magic number: a 16-byte header (version, codec version, flags,
 * element size, then the bytes it holds, its block size and its own length, little-endian), a table of each block's
 * start, and each block as one stream or one stream per byte of the element (split), each behind its length — BloscLZ,
 * LZ4, snappy, zlib or zstd, a stream whose length equals its output stored as it is —, then the block's byte shuffle
 * or bit shuffle undone. Told by structure (`STRUCTURE_ONLY`): the header's sizes agree and the first block starts
 * right after the table; the whole buffer must decode to the length it names, with the buffer's own length as its
 * size, or the claim was a chance. The buffer is gathered (at most 64 MiB), its plain read written on beside.
 */
import { inflateSync, zstdDecompressSync } from 'node:zlib';
import { BOMB_AFTER } from './bomb.js';
import { gathered } from './gathered.js';
import { lz4Block } from './lz4.js';
import { unsnappy } from './snappy.js';
import { trial, type Decoder } from './types.js';

const HEADER = 16;
const FLAG_SHUFFLE = 0x01;
const FLAG_MEMCPYED = 0x02;
const FLAG_BITSHUFFLE = 0x04;
const FLAG_NOSPLIT = 0x10;
/** The most a buffer may say it holds: c-blosc's BLOSC_MAX_BUFFERSIZE (2 GiB less its overhead), bounded here by what is gathered. */
const MAX_NBYTES = 256 << 20;
const CODECS = ['blosclz', 'lz4', 'snappy', 'zlib', 'zstd'];

interface Header {
  version: number;
  flags: number;
  typesize: number;
  nbytes: number;
  blocksize: number;
  cbytes: number;
}

function header(h: Uint8Array): Header | undefined {
  if (h.length < HEADER) return undefined;
  const dv = new DataView(h.buffer, h.byteOffset, h.length);
  const [version, versionlz, flags, typesize] = [h[0]!, h[1]!, h[2]!, h[3]!];
  const nbytes = dv.getUint32(4, true);
  const blocksize = dv.getUint32(8, true);
  const cbytes = dv.getUint32(12, true);
  if (version < 1 || version > 2 || versionlz < 1 || versionlz > 8 || typesize === 0) return undefined;
  if (flags & 0x08 || flags >> 5 >= CODECS.length || (flags & FLAG_SHUFFLE && flags & FLAG_BITSHUFFLE)) return undefined;
  if (nbytes === 0 || nbytes > MAX_NBYTES || blocksize === 0 || blocksize > nbytes || cbytes < HEADER) return undefined;
  if (flags & FLAG_MEMCPYED) return cbytes === nbytes + HEADER ? { version, flags, typesize, nbytes, blocksize, cbytes } : undefined;
  const blocks = Math.ceil(nbytes / blocksize);
  // The table of block starts, then the first block's first stream length: a buffer holds at least these.
  if (cbytes < HEADER + 4 * blocks + 4 || blocks > (cbytes - HEADER) / 8) return undefined;
  return { version, flags, typesize, nbytes, blocksize, cbytes };
}

/** Whether `h` starts a Blosc buffer: its header's sizes agree and its first block starts where the table of starts ends. */
export function isBlosc(h: Uint8Array): boolean {
  const hd = header(h);
  if (!hd) return false;
  if (hd.flags & FLAG_MEMCPYED) return true;
  if (h.length < HEADER + 4) return false;
  const first = new DataView(h.buffer, h.byteOffset, h.length).getUint32(HEADER, true);
  return first === HEADER + 4 * Math.ceil(hd.nbytes / hd.blocksize);
}

/** BloscLZ (c-blosc's FastLZ derivative) decoded into `out` (its length the block's); false when it does not. */
function blosclz(src: Uint8Array, out: Uint8Array): boolean {
  const MAX_DISTANCE = 8191;
  if (!src.length) return out.length === 0;
  let ip = 0;
  let op = 0;
  let ctrl = src[ip++]! & 31;
  for (;;) {
    if (ctrl >= 32) {
      let len = (ctrl >> 5) - 1;
      let ofs = (ctrl & 31) << 8;
      if (len === 6) {
        let code: number;
        do {
          if (ip + 1 >= src.length) return false;
          code = src[ip++]!;
          len += code;
        } while (code === 255);
      } else if (ip + 1 >= src.length) return false;
      const code = src[ip++]!;
      len += 3;
      let distance = ofs + code;
      if (code === 255 && ofs === 31 << 8) {
        if (ip + 1 >= src.length) return false;
        ofs = (src[ip]! << 8) + src[ip + 1]!;
        ip += 2;
        distance = ofs + MAX_DISTANCE;
      }
      const ref = op - distance - 1;
      if (op + len > out.length || ref < 0) return false;
      for (let k = 0; k < len; k++, op++) out[op] = out[ref + k]!;
      if (ip >= src.length) break;
      ctrl = src[ip++]!;
    } else {
      ctrl++;
      if (op + ctrl > out.length || ip + ctrl > src.length) return false;
      out.set(src.subarray(ip, ip + ctrl), op);
      op += ctrl;
      ip += ctrl;
      if (ip >= src.length) break;
      ctrl = src[ip++]!;
    }
  }
  return op === out.length;
}

/** One stream of codec `codec` decoded to exactly `out.length` bytes into `out`; false when it does not. */
function stream(codec: number, src: Uint8Array, out: Uint8Array): boolean {
  if (src.length === out.length) {
    out.set(src);
    return true;
  }
  const got = (r: unknown) => {
    if (!(r instanceof Uint8Array) || r.length !== out.length) return false;
    out.set(r);
    return true;
  };
  switch (CODECS[codec]) {
    case 'blosclz':
      return trial(() => blosclz(src, out)) === true;
    case 'lz4':
      return trial(() => lz4Block(src, out, 0)) === out.length;
    case 'snappy':
      return got(trial(() => unsnappy(src, out.length)));
    case 'zlib':
      return got(trial(() => inflateSync(src, { maxOutputLength: out.length + 1 })));
    case 'zstd':
      return got(trial(() => zstdDecompressSync(src, { maxOutputLength: out.length + 1 })));
    default:
      return false;
  }
}

/** Undoes blosc's byte shuffle of a block: byte j of every element first; the bytes past the last whole element kept. */
function unshuffle(data: Uint8Array, size: number): Uint8Array {
  const n = Math.floor(data.length / size);
  if (size <= 1 || n <= 1) return data;
  const out = new Uint8Array(data.length);
  for (let j = 0; j < size; j++) for (let e = 0, from = j * n; e < n; e++) out[e * size + j] = data[from + e]!;
  out.set(data.subarray(n * size), n * size);
  return out;
}

/**
 * Undoes bitshuffle's transpose of a block: row 8j+k holds bit k of byte j of every element, element i's at bit i%8 of
 * the row's byte i/8; the bytes past the last whole element kept. Blosc's format 2 (c-blosc 1.x) bit-shuffles only a
 * block whose elements are a multiple of 8 and copies any other as it is (`bitunshuffle`, format_version 2).
 */
export function unbitshuffle(data: Uint8Array, size: number): Uint8Array {
  const n = Math.floor(data.length / size);
  const m = n - (n % 8);
  if (m === 0 || m !== n) return data;
  const out = new Uint8Array(data.length);
  const row = m / 8;
  for (let j = 0; j < size; j++)
    for (let k = 0; k < 8; k++) {
      const at = (j * 8 + k) * row;
      const bit = 1 << k;
      for (let i = 0; i < m; i++) if ((data[at + (i >> 3)]! >> (i & 7)) & 1) out[i * size + j]! |= bit;
    }
  out.set(data.subarray(m * size), m * size);
  return out;
}

/**
 * A Blosc buffer (`b`, exactly its own length or longer) decoded: its bytes, or undefined when it does not decode (a
 * chance claim, or damage). Each block is tried split (one stream per byte of the element, as c-blosc splits a block
 * unless told not to) and whole, the one that decodes to the block's length taken.
 */
export function unblosc(b: Uint8Array): Uint8Array | undefined {
  const hd = header(b);
  if (!hd || b.length < hd.cbytes) return undefined;
  const buf = b.subarray(0, hd.cbytes);
  if (hd.flags & FLAG_MEMCPYED) return buf.subarray(HEADER);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.length);
  const blocks = Math.ceil(hd.nbytes / hd.blocksize);
  const out = new Uint8Array(hd.nbytes);
  const codec = hd.flags >> 5;
  for (let k = 0; k < blocks; k++) {
    const start = dv.getUint32(HEADER + 4 * k, true);
    const bsize = Math.min(hd.blocksize, hd.nbytes - k * hd.blocksize);
    const leftover = bsize < hd.blocksize;
    const tries = !leftover && !(hd.flags & FLAG_NOSPLIT) && hd.typesize > 1 && bsize % hd.typesize === 0 ? [hd.typesize, 1] : [1];
    let block: Uint8Array | undefined;
    for (const splits of tries) {
      block = splitBlock(buf, dv, start, bsize, splits, codec);
      if (block) break;
    }
    if (!block) return undefined;
    if (hd.flags & FLAG_SHUFFLE) block = unshuffle(block, hd.typesize);
    else if (hd.flags & FLAG_BITSHUFFLE) block = unbitshuffle(block, hd.typesize);
    out.set(block, k * hd.blocksize);
  }
  return out;
}

/** A block of `bsize` bytes from `start`, as `splits` streams each behind its length; undefined when one does not decode. */
function splitBlock(buf: Uint8Array, dv: DataView, start: number, bsize: number, splits: number, codec: number): Uint8Array | undefined {
  const each = bsize / splits;
  const block = new Uint8Array(bsize);
  let at = start;
  for (let s = 0; s < splits; s++) {
    if (at < HEADER || at + 4 > buf.length) return undefined;
    const len = dv.getInt32(at, true);
    at += 4;
    if (len <= 0 || at + len > buf.length) return undefined;
    if (!stream(codec, buf.subarray(at, at + len), block.subarray(s * each, (s + 1) * each))) return undefined;
    at += len;
  }
  return block;
}

export const blosc: Decoder = {
  name: 'Blosc buffer',
  sniff: isBlosc,
  open: (env) =>
    gathered(env, {
      skip: HEADER,
      over: () => {},
      read: async (file) => {
        const hd = header(file);
        if (!hd) return;
        // A header whose sizes agree and whose first block starts after its table (the claim), and a length past the
        // content's: a buffer cut short (a zarr chunk copied half-way), its blocks past the cut gone.
        if (hd.cbytes > file.length) return env.limit(`a Blosc buffer cut short (${file.length} of ${hd.cbytes} bytes)`);
        // Its header's size is allocated whole (and again per block, and for the shuffle): held to bomb.ts's bound — a
        // 1 MiB buffer saying 256 MiB of LZ4'd zeros took 848 MiB of memory, nothing named. Named as a failure to decode
        // is: when the buffer is the whole content (shorter, a chance claim of other bytes).
        if (hd.nbytes > Math.max(BOMB_AFTER, env.ratio * hd.cbytes)) {
          if (hd.cbytes === file.length)
            env.limit(
              `a Blosc buffer saying it holds ${hd.nbytes} bytes, more than ${env.ratio} times its own ${hd.cbytes} (a decompression bomb): not decoded`,
            );
          return;
        }
        const out = unblosc(file);
        if (!out) {
          // Its own length the content's: a buffer that does not decode (damage), named. Shorter: a chance claim of
          // other bytes (told by structure alone), nothing to say.
          if (hd.cbytes === file.length) env.limit(`a Blosc buffer (${CODECS[hd.flags >> 5]}) that does not decode`);
          return;
        }
        if (!env.allow(out.length)) return;
        const sink = env.open();
        await sink.write(out);
        await sink.end();
      },
    }),
};
