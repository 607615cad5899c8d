/**
 * ext2/ext3/ext4 file system images (`mke2fs -d`: a device's or a VM's root file system, an
 * appliance's data partition, buildroot's `rootfs.ext2`). A file's blocks are wherever the
 * allocator put them: ext2/3 put a file's indirect block between its 12th and 13th blocks, ext4
 * splits a file into extents around a group's backup superblock or a fragmented free space — a value
 * across the cut is not in the image's bytes. The image is held up to MAX_IMAGE (`held-image.ts`,
 * as FAT and cramfs are) and at its end each file whose content is not one run of the image is
 * written whole, in logical order, as `rootfs.ext2!/etc/app/bundle.env`: block maps, extent trees,
 * inline data, holes as zeros (a block at most). A file in one run is found in the image's own
 * bytes, read on as plain content under its path (its boot block and superblock up to its magic as
 * zeros: found streams are named at the image's own offsets), as before; so are deleted
 * files' leftover blocks. A file that cannot be followed (a block past the end or met twice: a cyclic
 * or crafted map), an encrypted one, an image cut short or too large: named.
 *
 * The superblock's magic is at byte 1080, past the 512 bytes content is claimed by: the decoder asks
 * the router for EXT_HEAD (2048) bytes (`Decoder.head`) and is told by its superblock's fields.
 */
import { EXT_HEAD, SUPER_AT, extSuperblock, group, inodeBytes, type ExtFs, type Group } from './ext-fs.js';
import { assemble, BlockUse, inodeSize, isCut, layout, type Layout } from './ext-map.js';
import { heldImage } from './held-image.js';
import type { Decoder, DecodeEnv, Decoding } from './types.js';

const MAX_IMAGE = 64 << 20;
const ROOT = 2;
const S_IFMT = 0xf000;
const S_IFDIR = 0x4000;
const S_IFREG = 0x8000;
const S_IFLNK = 0xa000;
/** A symlink shorter than this is in the inode itself. */
const FAST_LINK = 60;
const ENCRYPT_FL = 0x800;
const DIR_TYPE = 2;

/** The content of a directory's blocks (or its inline entries), each a run of entries. */
function* dirParts(use: BlockUse, l: Layout, size: number): Generator<Buffer> {
  if ('inline' in l) {
    // The first four bytes are the parent's inode number, then entries, and more in the attribute.
    yield l.inline[0]!.subarray(4);
    if (l.inline[1]) yield l.inline[1];
    return;
  }
  if (!('runs' in l)) return;
  for (const r of l.runs) for (let k = 0; k < r.count && (r.logical + k) * use.fs.bs < size; k++) yield use.bytes(r.block + k);
}

/** A part's entries: inode number, name, whether it is a directory (by its type byte, or its inode's mode). */
function* entries(img: Buffer, fs: ExtFs, part: Buffer): Generator<[number, string, boolean]> {
  for (let at = 0; at + 8 <= part.length;) {
    const ino = part.readUInt32LE(at);
    let rec = part.readUInt16LE(at + 4);
    if (fs.bs >= 65536) rec = rec === 65535 || rec === 0 ? 65536 : (rec & 65532) | ((rec & 3) << 16);
    const length = fs.fileType ? part[at + 6]! : part.readUInt16LE(at + 6);
    if (rec < 8 || rec % 4 || at + rec > part.length || 8 + length > rec) return;
    const name = part.subarray(at + 8, at + 8 + length).toString('utf8');
    at += rec;
    if (!ino || !length || name === '.' || name === '..') continue;
    const dir = fs.fileType ? part[at - rec + 7] === DIR_TYPE : ((inodeBytes(img, fs, ino)?.readUInt16LE(0) ?? 0) & S_IFMT) === S_IFDIR;
    yield [ino, name, dir];
  }
}

/** Each inode's path through the directories from the root (the first one met, for hard links). */
function paths(img: Buffer, fs: ExtFs, use: BlockUse, notes: Set<string>): Map<number, string> {
  const out = new Map<number, string>();
  const queue: Array<[number, string]> = [[ROOT, '']];
  const seen = new Set([ROOT]);
  for (let q = 0; q < queue.length; q++) {
    const [ino, base] = queue[q]!;
    const inode = inodeBytes(img, fs, ino);
    if (!inode) {
      notes.add('with directories past its end');
      continue;
    }
    const l = layout(use, inode);
    if ('error' in l) notes.add(`with a directory that cannot be followed (${l.error})`);
    for (const part of dirParts(use, l, inodeSize(inode))) {
      for (const [n, name, dir] of entries(img, fs, part)) {
        if (!out.has(n)) out.set(n, `${base}${name}`);
        if (dir && !seen.has(n)) {
          seen.add(n);
          queue.push([n, `${base}${name}/`]);
        }
      }
    }
  }
  return out;
}

/** The groups whose inodes may be in use, their bitmaps and tables taken (overlapping ones are a crafted image). */
function* groups(img: Buffer, fs: ExtFs, use: BlockUse, notes: Set<string>): Generator<[number, Group]> {
  for (let g = 0; g < fs.groups; g++) {
    const info = group(img, fs, g);
    if (info === null) continue;
    // Past the end, the descriptors after this one are too: the loop stops (a crafted group count is not walked).
    if (!info) return void notes.add('with groups past its end');
    const tableBlocks = Math.ceil((info.count * fs.inodeSize) / fs.bs);
    const taken = use.take(info.table, tableBlocks);
    if (taken) {
      notes.add(`with an inode table that cannot be read (${taken})`);
      continue;
    }
    yield [g, info];
  }
}

/**
 * Every file of the image whose content is not one run of it (regular files, and symlinks whose
 * target is in blocks): its path and content, or undefined when its blocks cannot be followed.
 * What the image as a whole lacks is added to `notes`; an encrypted file is given to `encrypted`.
 */
export function* cutFiles(img: Buffer, fs: ExtFs, notes: Set<string>, encrypted: (path: string) => void): Generator<[string, Buffer | undefined]> {
  if (img.length < fs.blocks * fs.bs) notes.add(`cut short (${img.length} of ${fs.blocks * fs.bs} bytes)`);
  const use = new BlockUse(img, fs);
  const tables = [...groups(img, fs, use, notes)];
  const names = paths(img, fs, use, notes);
  for (const [g, info] of tables) {
    for (let i = 0; i < info.count; i++) {
      const n = g * fs.inodesPerGroup + i + 1;
      if (n < fs.firstIno || !info.inUse(i)) continue;
      const inode = inodeBytes(img, fs, n, info)!;
      const type = inode.readUInt16LE(0) & S_IFMT;
      const size = inodeSize(inode);
      if (type !== S_IFREG && !(type === S_IFLNK && size >= FAST_LINK)) continue;
      const path = names.get(n) ?? `(inode ${n})`;
      if (inode.readUInt32LE(32) & ENCRYPT_FL) {
        encrypted(path);
        continue;
      }
      const l = layout(use, inode);
      if ('error' in l) yield [path, undefined];
      else if (isCut(l)) yield [path, 'inline' in l ? Buffer.concat(l.inline) : assemble(use, l.runs, size)];
    }
  }
}

/** The image's reader: held, its cut files written at its end, what it lacks named after them. */
function imageReader(env: DecodeEnv): Decoding {
  const notes = new Set<string>();
  const held = heldImage(env, {
    // Through the superblock's magic (s_magic at 56): zeros in the plain read, which is not claimed again.
    header: SUPER_AT + 58,
    max: MAX_IMAGE,
    tooLarge: `an ext2/3/4 image over ${MAX_IMAGE >> 20} MiB: files cut across its blocks are not joined`,
    unreadable: 'an ext2/3/4 file whose blocks cannot be followed (past the image, met twice or a damaged extent tree): it is not joined',
    files: (img) => {
      const fs = extSuperblock(img);
      return fs ? cutFiles(img, fs, notes, (path) => env.limit('an encrypted ext4 file (fscrypt): its content is not read', `${env.path}!/${path}`)) : [];
    },
  });
  return {
    push: (bytes) => held.push(bytes),
    async end() {
      await held.end();
      // Named once its files are written: naming the image stops its decoding.
      if (notes.size && !env.stopped) env.limit(`an ext2/3/4 image ${[...notes].join('; ')}: files there are not joined`);
    },
  };
}

export const ext: Decoder = {
  name: 'ext2/3/4 image',
  head: EXT_HEAD,
  sniff: (h) => h.length >= EXT_HEAD && extSuperblock(h) !== undefined,
  open: (env: DecodeEnv): Decoding => imageReader(env),
};
