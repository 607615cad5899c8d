/**
 * squashfs images (`.snap`, `.squashfs`, an AppImage's payload, OpenWrt and live-system images). A
 * file is cut into blocks of the image's block size (4 KiB to 1 MiB), each compressed on its own,
 * and its tail may go into a fragment block shared with other files' tails; a block's compressed
 * size is known only from the inode and fragment tables at the image's end. A value across two of
 * a file's blocks, or across its last block and its tail, is in no one block. The image is held up
 * to MAX_IMAGE and read as squashfs does (`squashfs-read.ts`); at its end each file is written whole
 * as `root.squashfs!/etc/app/app.conf`: with gzip, xz and zstd (ids 1, 4, 6: each block a stream
 * with its magic, found on its own inside the image, `embedded.ts`) the files of more than one
 * piece, with lzo, lz4 and lzma (ids 3, 5, 2: raw blocks, found by nothing else) every file. The
 * image's own bytes are read on as plain content, its magic as zeros, as before (a value inside
 * one block, or stored). A compressor this audit does not read, or an image over MAX_IMAGE, is named.
 */
import { inflateSync, zstdDecompressSync } from 'node:zlib';
import { heldImage } from './held-image.js';
import { aloneHeader, lzmaRun } from './lzma.js';
import { lz4Block } from './lz4.js';
import { lzo1x } from './lzop.js';
import { fileBytes, fragments, superOf, walk, type Unpack } from './squashfs-read.js';
import { startsWith, trial, type Decoder, type DecodeEnv, type Decoding } from './types.js';
import { xzClass } from './xz.js';

/** Compressions whose blocks carry a magic number, found inside the image as it is: only files of several pieces are written. */
const FOUND_INSIDE = new Set([1, 4, 6]);
const MAX_IMAGE = 64 << 20;
/** A file larger than this is not joined (named): what one file's joining holds at once. */
const MAX_FILE = 256 << 20;
/**
 * Bytes left out of the image's plain read: its magic only, so that it is not claimed again — the rest of the superblock
 * kept, so that the plain read does not start at the first data block (with xz, a stream that the read would then claim
 * as an xz file and name as damaged where the image's tables follow it).
 */
const MAGIC = 4;

/** "hsqs", a block size of 4 KiB to 1 MiB (its log beside it), version 4.0: the image's compression id, or undefined. */
export function squashfsCompression(h: Uint8Array): number | undefined {
  if (!startsWith(h, [0x68, 0x73, 0x71, 0x73]) || h.length < 32) return undefined;
  const v = new DataView(h.buffer, h.byteOffset, h.length);
  const blockSize = v.getUint32(12, true);
  const log = v.getUint16(22, true);
  if (log < 12 || log > 20 || blockSize !== 2 ** log || v.getUint16(28, true) !== 4 || v.getUint16(30, true) !== 0) return undefined;
  return v.getUint16(20, true);
}

/** Decoded into a buffer of `max` bytes by a raw block decoder (LZO1X, an LZ4 block): what it wrote. */
const rawInto = (decode: (src: Buffer, dst: Buffer) => number) => (bytes: Buffer, max: number) => {
  const dst = Buffer.alloc(max);
  const n = trial(() => decode(bytes, dst));
  return typeof n === 'number' ? dst.subarray(0, n) : undefined;
};

/** One xz stream (a block of an xz image: stream header, one block, index, footer) decoded whole, up to `max` bytes. */
async function unxz(bytes: Buffer, max: number): Promise<Buffer | undefined> {
  const Xz = await xzClass();
  const out: Buffer[] = [];
  let n = 0;
  try {
    const source = new ReadableStream<Uint8Array>({ start: (c) => (c.enqueue(bytes), c.close()) });
    for await (const part of new Xz(source) as unknown as AsyncIterable<Uint8Array>) {
      n += part.length;
      if (n > max) return undefined;
      out.push(Buffer.from(part));
    }
  } catch {
    return undefined;
  }
  return Buffer.concat(out);
}

/** squashfs's lzma blocks: an LZMA-alone header (properties, dictionary, the block's size) then raw LZMA1. */
async function unlzma(bytes: Buffer, max: number): Promise<Buffer | undefined> {
  const header = aloneHeader(bytes);
  if (!header || (header.size ?? 0) > max) return undefined;
  const out: Buffer[] = [];
  let failed = false;
  const run = lzmaRun(
    header.props,
    header.size,
    async (b) => (out.push(Buffer.from(b)), true),
    () => (failed = true),
  );
  await run.push(bytes.subarray(13));
  await run.end();
  return failed ? undefined : Buffer.concat(out);
}

const sync = (f: (bytes: Buffer, max: number) => Buffer | undefined) => (bytes: Buffer, max: number) => {
  const out = trial(() => f(bytes, max));
  return Promise.resolve(out instanceof Buffer ? out : undefined);
};

/** Each compression id's block decoder. */
const UNPACK: Record<number, Unpack> = {
  1: sync((b, max) => inflateSync(b, { maxOutputLength: max })),
  2: unlzma,
  3: sync(rawInto(lzo1x)),
  4: unxz,
  5: sync(rawInto((src, dst) => lz4Block(src, dst, 0))),
  6: sync((b, max) => zstdDecompressSync(b, { maxOutputLength: max })),
};

/** The files to write whole: path and bytes (undefined: a file that cannot be read, named). */
export async function* squashfsFiles(img: Buffer): AsyncGenerator<[string, Buffer | undefined]> {
  const s = superOf(img);
  const unpack = s && UNPACK[s.compression];
  if (!s || !unpack) return;
  const frags = await fragments(img, s, unpack);
  for await (const [path, f] of walk(img, s, unpack)) {
    if (!f) yield [path, undefined];
    else if (FOUND_INSIDE.has(s.compression) && f.blocks.length + (f.frag === 0xffffffff ? 0 : 1) < 2) continue;
    else if (!frags || f.size > MAX_FILE) yield [path, undefined];
    else yield [path, await fileBytes(img, s, f, frags, unpack)];
  }
}

export const squashfs: Decoder = {
  name: 'squashfs',
  sniff: (h) => squashfsCompression(h) !== undefined,
  open(env: DecodeEnv): Decoding {
    let id: number | undefined;
    const held = heldImage(env, {
      header: MAGIC,
      max: MAX_IMAGE,
      tooLarge: `a squashfs image over ${MAX_IMAGE >> 20} MiB: files across its blocks are not joined`,
      unreadable: 'a squashfs file whose blocks cannot be read: it is not joined',
      files: squashfsFiles,
    });
    return {
      push(bytes) {
        id ??= squashfsCompression(bytes);
        return held.push(bytes);
      },
      async end() {
        await held.end();
        // Named at the end: naming this content stops its decoding.
        if (id !== undefined && !UNPACK[id] && !env.stopped)
          env.limit(`a squashfs image compressed with compression ${id}, whose blocks the audit does not read`);
      },
    };
  },
};
