/**
 * cramfs images (`mkfs.cramfs`: initrds and root file systems of routers, set-top boxes, older
 * embedded Linux). A file is compressed 4 KiB page by page, each page a zlib stream of its own
 * after the file's table of block end offsets; the search inside finds each stream on its own, so
 * a value across two pages is cut. The image is held up to MAX_IMAGE and at its end each file of
 * more than one page is written whole, its pages inflated in order, as `rootfs.cramfs!/etc/app.conf`;
 * the image's own bytes are read on as plain content under its path, its superblock as zeros, so a
 * one-page file's stream is still found there. Images with the extended block pointer flag (a page
 * stored or at another offset, mkfs.cramfs -X) are read too where a pointer says no such thing.
 */
import { crc32, inflateSync } from 'node:zlib';
import { heldImage } from './held-image.js';
import { trial, type Decoder, type DecodeEnv, type Decoding } from './types.js';

const MAX_IMAGE = 64 << 20;
const PAGE = 4096;
const SUPER = 76;

/** The cramfs magic (little-endian) and its signature, at 0 (or 512, after a boot block, read as plain). */
export const isCramfs = (h: Uint8Array) =>
  h.length >= SUPER &&
  h[0] === 0x45 &&
  h[1] === 0x3d &&
  h[2] === 0xcd &&
  h[3] === 0x28 &&
  Buffer.from(h.subarray(16, 32)).toString('latin1') === 'Compressed ROMFS';

interface Inode {
  /** The inode's bytes with its name. */
  length: number;
  mode: number;
  size: number;
  name: string;
  offset: number;
}

function inode(img: Buffer, at: number): Inode | undefined {
  if (at + 12 > img.length) return undefined;
  const w = img.readUInt32LE(at + 8);
  const nameLength = (w & 0x3f) * 4;
  if (at + 12 + nameLength > img.length) return undefined;
  return {
    length: 12 + nameLength,
    mode: img.readUInt16LE(at),
    size: img.readUInt32LE(at + 4) & 0xffffff,
    name: img
      .subarray(at + 12, at + 12 + nameLength)
      .toString('utf8')
      .replace(/\0+$/, ''),
    offset: (w >>> 6) * 4,
  };
}

/** A file's pages inflated and joined, or undefined when a page cannot be read. */
function fileBytes(img: Buffer, f: Inode): Buffer | undefined {
  const pages = Math.ceil(f.size / PAGE);
  if (f.offset + pages * 4 > img.length) return undefined;
  const out: Buffer[] = [];
  let start = f.offset + pages * 4;
  for (let p = 0; p < pages; p++) {
    const end = img.readUInt32LE(f.offset + p * 4);
    if (end < start || end > img.length) return undefined;
    const page =
      end === start ? Buffer.alloc(Math.min(PAGE, f.size - p * PAGE)) : trial(() => inflateSync(img.subarray(start, end), { maxOutputLength: PAGE }));
    if (!page || typeof page === 'symbol') return undefined;
    out.push(page);
    start = end;
  }
  return Buffer.concat(out).subarray(0, f.size);
}

/** Every regular file of more than one page: its path and bytes (undefined bytes: a file that could not be read). */
export function* multiPageFiles(img: Buffer): Generator<[string, Buffer | undefined]> {
  const root = inode(img, 64);
  if (!root) return;
  const dirs: Array<[string, Inode]> = [['', root]];
  const seen = new Set<number>();
  while (dirs.length) {
    const [base, dir] = dirs.pop()!;
    if (seen.has(dir.offset)) continue;
    seen.add(dir.offset);
    for (let at = dir.offset; at < dir.offset + dir.size;) {
      const e = inode(img, at);
      if (!e) break;
      at += e.length;
      const path = `${base}${e.name}`;
      const type = e.mode & 0xf000;
      if (type === 0x4000 && e.offset) dirs.push([`${path}/`, e]);
      else if (type === 0x8000 && e.size > PAGE) yield [path, fileBytes(img, e)];
    }
  }
}

/**
 * Whether the image's CRC holds where mkfs.cramfs wrote one (flag FSID_VERSION_2): a CRC-32 of the image's `size` bytes
 * with the CRC's own field as zeros. Any damage, and any cut, fails it — where a damaged inode or directory otherwise
 * only ends the walk, its files never met.
 */
export function cramfsCrcHolds(img: Buffer): boolean {
  if (img.length < SUPER || !(img.readUInt32LE(8) & 1)) return true;
  const size = img.readUInt32LE(4);
  if (size > img.length || size < SUPER) return false;
  const zeroed = Buffer.alloc(4);
  const crc = crc32(img.subarray(36, size), crc32(zeroed, crc32(img.subarray(0, 32))));
  return crc === img.readUInt32LE(32);
}

export const cramfs: Decoder = {
  name: 'cramfs image',
  sniff: isCramfs,
  open: (env: DecodeEnv): Decoding =>
    heldImage(env, {
      header: SUPER,
      max: MAX_IMAGE,
      tooLarge: `a cramfs image over ${MAX_IMAGE >> 20} MiB: files across its pages are not joined`,
      unreadable: 'a cramfs file whose pages cannot be read: it is not joined',
      files(img) {
        if (!cramfsCrcHolds(img)) env.limit('a cramfs image whose CRC does not hold (damaged or cut): its files may not all be read');
        return multiPageFiles(img);
      },
    }),
};
