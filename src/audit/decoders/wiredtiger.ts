/**
 * WiredTiger files (MongoDB's data directory: `collection-*.wt`, `index-*.wt`; the `wt` tool's tables): a descriptor
 * block (magic 120897, little-endian, version 1.x) then pages in blocks of the allocation size (4 KiB). A compressed
 * page keeps its first 64 bytes as they are (its 28-byte page header, the 12-byte block header and 24 bytes of the
 * page: WT_BLOCK_COMPRESS_SKIP) and compresses the rest with the table's block compressor — snappy (MongoDB's
 * default: an 8-byte length, then a raw snappy block), zlib, zstd (an 8-byte length, then a frame) or LZ4 (a 16-byte
 * prefix, then a raw block). A value across byte 64 of a page is in the file only in two pieces; snappy's copies cut
 * one too. Each page is read as it streams in (one block held at a time, up to 64 MiB), its image (the 64 bytes and
 * what they were compressed from) written at `file.wt!`, in file order; the file's own bytes are read as plain
 * beside (the magic blanked). A page the audit cannot decompress (encrypted, or a compressor it does not know) is named.
 */
import { inflateSync, zstdDecompressSync } from 'node:zlib';
import { lz4Block } from './lz4.js';
import { unsnappy } from './snappy.js';
import { startsWith, trial, type Decoder, type DecodeEnv, type Decoding, type Sink } from './types.js';

const MAGIC = [0x41, 0xd8, 0x01, 0x00];
const ALLOC = 4096;
const SKIP = 64;
const PAGE_HEADER = 28;
const MAX_BLOCK = 64 << 20;
const PAGE_COMPRESSED = 0x01;
const PAGE_ENCRYPTED = 0x08;

/** The descriptor block's magic and major version 1. */
export const isWiredTiger = (h: Uint8Array) => startsWith(h, MAGIC) && h.length >= 8 && h[4] === 1 && h[5] === 0 && h[7] === 0;

/** CRC-32C (Castagnoli), WiredTiger's block checksum. */
const CRC32C = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/**
 * Whether the block of `disk` bytes at `at` holds its checksum: CRC-32C of its first 64 bytes (or, its block flag
 * WT_BLOCK_DATA_CKSUM set, of the whole block), the checksum's own 4 bytes taken as 0.
 */
function checksumHolds(b: Uint8Array, at: number, disk: number): boolean {
  const end = at + (b[at + PAGE_HEADER + 8]! & 1 ? disk : SKIP);
  let c = 0xffffffff;
  for (let i = at; i < end; i++) c = CRC32C[(c ^ (i >= at + 32 && i < at + 36 ? 0 : b[i]!)) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0 === new DataView(b.buffer, b.byteOffset + at + 32, 4).getUint32(0, true);
}

/**
 * A page's header at `at` of `b`, if it reads as one: its type, flags, image size and size on disk — `damaged` when
 * all but its type byte read (a size on disk in whole units and an image size in bounds: no free unit's chance).
 */
function page(b: Uint8Array, at: number): { flags: number; mem: number; disk: number; damaged?: true } | undefined {
  if (at + SKIP > b.length) return undefined;
  const dv = new DataView(b.buffer, b.byteOffset + at, SKIP);
  const mem = dv.getUint32(16, true);
  const type = dv.getUint8(24);
  const flags = dv.getUint8(25);
  const disk = dv.getUint32(PAGE_HEADER, true);
  // Page types 1-7 (WT_PAGE_BLOCK_MANAGER … WT_PAGE_ROW_LEAF); a size on disk in whole allocation units; an image at
  // least its header (an extent list's or an empty leaf's is 46-51 bytes).
  if (disk < ALLOC || disk % ALLOC || disk > MAX_BLOCK || mem < PAGE_HEADER || mem > MAX_BLOCK) return undefined;
  return type < 1 || type > 7 ? { flags, mem, disk, damaged: true } : { flags, mem, disk };
}

/** The compressed part of a page (`src`, after its 64 bytes) decoded to `size` bytes by whichever compressor gives exactly that. */
function decompress(src: Uint8Array, size: number): Uint8Array | undefined {
  const exact = (r: unknown) => (r instanceof Uint8Array && r.length === size ? r : undefined);
  const dv = new DataView(src.buffer, src.byteOffset, src.length);
  if (src.length >= 2 && (src[0]! & 0x0f) === 8 && ((src[0]! << 8) | src[1]!) % 31 === 0) {
    const z = exact(trial(() => inflateSync(src, { maxOutputLength: size + 1 })));
    if (z) return z;
  }
  if (src.length > 8) {
    const len = Number(dv.getBigUint64(0, true));
    if (len > 0 && len <= src.length - 8) {
      const body = src.subarray(8, 8 + len);
      const s = exact(trial(() => unsnappy(body, size)));
      if (s) return s;
      const z = exact(trial(() => zstdDecompressSync(body, { maxOutputLength: size + 1 })));
      if (z) return z;
    }
  }
  if (src.length > 16) {
    // The LZ4 extension's prefix: the compressed length, the uncompressed length, the length used, 4 unused bytes.
    const len = dv.getUint32(0, true);
    if (len > 0 && len <= src.length - 16 && dv.getUint32(4, true) <= size) {
      const out = new Uint8Array(size);
      const n = trial(() => lz4Block(src.subarray(16, 16 + len), out, 0));
      if (typeof n === 'number' && n > 0) return out.subarray(0, n);
    }
  }
  return undefined;
}

export const wiredTiger: Decoder = {
  name: 'WiredTiger file',
  sniff: isWiredTiger,
  open(env: DecodeEnv): Decoding {
    const plain = env.openAt(env.path);
    let images: Sink | undefined;
    let pending = Buffer.alloc(0);
    let offset = 0;
    let seen = 0;
    let named = false;
    const name = (what: string) => {
      if (named) return;
      named = true;
      env.limit(`a WiredTiger file with ${what}, which the audit does not read`);
    };
    /** Pages whole in `pending`, from its start (at `offset` of the file), each read and dropped. */
    const pages = async (last: boolean) => {
      while (pending.length >= (last ? 1 : SKIP) && !env.stopped) {
        const at = offset === 0 ? ALLOC : 0;
        if (offset === 0 && pending.length < ALLOC && !last) return;
        const p = page(pending, at);
        // A unit is told a page or not only whole: a header cut by a push's end was read as no page, and a partial unit
        // skipped put every later page off its 4 KiB unit (pushes of 13, 2050, 4097, 4100 bytes: the value missed in
        // silence). A whole unit that is no page is passed over: free space, or the tail of a freed page's extent.
        if (!p && pending.length < at + ALLOC && !last) return;
        const size = p ? at + p.disk : Math.min(pending.length, at + ALLOC);
        if (p && size > pending.length) {
          if (!last) return;
          return name('a page cut short');
        }
        if (p && size <= pending.length && (p.damaged || !checksumHolds(pending, at, p.disk))) {
          // Read on (a value in its 64 bytes may still be there) but named: a page type or checksum damaged.
          name('a page whose type or checksum does not hold (damaged)');
          if (p.damaged) {
            pending = pending.subarray(size);
            offset += size;
            continue;
          }
        }
        if (p && p.flags & PAGE_ENCRYPTED) name('encrypted pages');
        else if (p && p.flags & PAGE_COMPRESSED) {
          const body = decompress(pending.subarray(at + SKIP, size), p.mem - SKIP);
          if (!body) name('a compressed page that does not decode (a compressor or damage it does not know)');
          else if (env.allow(p.mem)) {
            images ??= env.open();
            await images.write(Buffer.concat([pending.subarray(at, at + SKIP), body]));
          }
        }
        pending = pending.subarray(size);
        offset += size;
      }
    };
    return {
      async push(bytes) {
        if (env.stopped) return;
        const blank = Math.max(0, Math.min(bytes.length, MAGIC.length - seen));
        seen += bytes.length;
        if (env.allow(bytes.length)) await plain.write(blank ? Buffer.concat([Buffer.alloc(blank, 0x20), bytes.subarray(blank)]) : bytes);
        pending = pending.length ? Buffer.concat([pending, bytes]) : Buffer.from(bytes);
        await pages(false);
      },
      async end() {
        // A WiredTiger file grows by whole allocation units: one that ends inside a unit was cut (its pages past the cut gone).
        if (seen % ALLOC && !env.stopped) name('its end cut off (not a whole number of 4 KiB blocks)');
        await pages(true);
        await plain.end();
        await images?.end();
      },
    };
  },
};
