/**
 * The layout of an ext2/ext3/ext4 file system, as `mke2fs` writes it: the superblock 1024 bytes in
 * (its magic 0xEF53 at byte 1080), validated by more than the magic — the block size, the first
 * data block, the groups' sizes, the inode count that must be the groups' inodes exactly — so random
 * bytes with the magic planted are not taken for one; the group descriptors (32 bytes, or
 * `s_desc_size` with `-O 64bit`; in the first blocks after the superblock, or each meta group's
 * own with `-O meta_bg`); each group's inode bitmap and inode table (wherever `flex_bg` put them);
 * an inode's bytes. Every offset is checked against the image: what lies past its end is undefined.
 */

/** Where the superblock is, and how much of the image's start the reader needs to tell one. */
export const SUPER_AT = 1024;
export const EXT_HEAD = 2048;

const MAGIC = 0xef53;
const INCOMPAT_FILETYPE = 0x2;
const INCOMPAT_META_BG = 0x10;
const INCOMPAT_64BIT = 0x80;
const RO_SPARSE_SUPER = 0x1;
const RO_GDT_CSUM = 0x10;
const RO_BIGALLOC = 0x200;
const RO_METADATA_CSUM = 0x400;
const COMPAT_SPARSE_SUPER2 = 0x200;
/** A group whose inode table is not in use yet (`uninit_bg`, `metadata_csum`): its bitmap and table are not read. */
const BG_INODE_UNINIT = 0x1;

export interface ExtFs {
  /** Block size in bytes (1 KiB to 64 KiB). */
  bs: number;
  blocks: number;
  firstData: number;
  blocksPerGroup: number;
  inodesPerGroup: number;
  groups: number;
  inodeSize: number;
  /** The first inode not reserved (11 but for a tuned file system). */
  firstIno: number;
  descSize: number;
  /** Directory entries carry a file type byte (their name length is one byte). */
  fileType: boolean;
  metaBg: number | undefined;
  sparseSuper: boolean;
  /** `sparse_super2`: the two groups with a backup superblock. */
  backups: [number, number] | undefined;
  /** Groups may be marked unused (their inode table's tail too). */
  csum: boolean;
}

const isPow2 = (n: number) => n > 0 && (n & (n - 1)) === 0;

/** The file system whose superblock is `SUPER_AT` bytes into `b`, when every field checked holds; else undefined. */
export function extSuperblock(b: Uint8Array): ExtFs | undefined {
  if (b.length < SUPER_AT + 352) return undefined;
  const v = new DataView(b.buffer, b.byteOffset + SUPER_AT, 352);
  const u32 = (at: number) => v.getUint32(at, true);
  const u16 = (at: number) => v.getUint16(at, true);
  if (u16(56) !== MAGIC) return undefined;
  const [incompat, ro, compat] = [u32(96), u32(100), u32(92)];
  const log = u32(24);
  const rev = u32(76);
  if (log > 6 || rev > 1 || u16(58) & ~7 || u16(60) > 3 || u32(72) > 4) return undefined;
  const bs = 1024 << log;
  const bigalloc = (ro & RO_BIGALLOC) !== 0;
  const wide = (incompat & INCOMPAT_64BIT) !== 0;
  const blocks = u32(4) + (wide ? u32(0x150) * 2 ** 32 : 0);
  const [firstData, blocksPerGroup, inodesPerGroup] = [u32(20), u32(32), u32(40)];
  if (firstData !== (bs === 1024 && !bigalloc ? 1 : 0) || blocks <= firstData) return undefined;
  if (blocksPerGroup < 8 || blocksPerGroup % 8 || (!bigalloc && (blocksPerGroup > 8 * bs || u32(36) !== blocksPerGroup || u32(28) !== log))) return undefined;
  if (inodesPerGroup < 1 || inodesPerGroup > 8 * bs) return undefined;
  const groups = Math.ceil((blocks - firstData) / blocksPerGroup);
  if (u32(0) !== inodesPerGroup * groups || u32(16) > u32(0) || u32(12) > blocks) return undefined;
  const inodeSize = rev ? u16(88) : 128;
  const firstIno = rev ? u32(84) : 11;
  if (!isPow2(inodeSize) || inodeSize < 128 || inodeSize > bs || firstIno < 11 || firstIno > u32(0)) return undefined;
  const descSize = wide ? u16(254) : 32;
  if (!isPow2(descSize) || descSize < (wide ? 64 : 32) || descSize > 1024) return undefined;
  return {
    bs,
    blocks,
    firstData,
    blocksPerGroup,
    inodesPerGroup,
    groups,
    inodeSize,
    firstIno,
    descSize,
    fileType: (incompat & INCOMPAT_FILETYPE) !== 0,
    metaBg: incompat & INCOMPAT_META_BG ? u32(260) : undefined,
    sparseSuper: (ro & RO_SPARSE_SUPER) !== 0,
    backups: compat & COMPAT_SPARSE_SUPER2 ? [u32(0x24c), u32(0x250)] : undefined,
    csum: (ro & (RO_GDT_CSUM | RO_METADATA_CSUM)) !== 0,
  };
}

/** Whether group `g` starts with a backup superblock (and descriptors): all of them, or 0, 1 and powers of 3, 5 and 7. */
export function hasSuper(fs: ExtFs, g: number): boolean {
  if (g <= 1) return true;
  if (fs.backups) return g === fs.backups[0] || g === fs.backups[1];
  if (!fs.sparseSuper) return true;
  for (const p of [3, 5, 7]) {
    let n = p;
    while (n < g) n *= p;
    if (n === g) return true;
  }
  return false;
}

/** The byte offset of group `g`'s descriptor. */
function descriptorAt(fs: ExtFs, g: number): number {
  const perBlock = fs.bs / fs.descSize;
  const index = Math.floor(g / perBlock);
  let block = fs.firstData + 1 + index;
  if (fs.metaBg !== undefined && index >= fs.metaBg) {
    const first = index * perBlock;
    block = fs.firstData + first * fs.blocksPerGroup + (hasSuper(fs, first) ? 1 : 0);
  }
  return block * fs.bs + (g % perBlock) * fs.descSize;
}

export interface Group {
  /** The inodes of the group in use, by their index in it. */
  inUse(i: number): boolean;
  /** How many of the group's inodes may be in use (those after are unused: `bg_itable_unused`). */
  count: number;
  table: number;
}

/** Group `g`: its inode bitmap and table, or undefined where they lie past the image's end; null: a group with no inodes in use. */
export function group(img: Buffer, fs: ExtFs, g: number): Group | null | undefined {
  const at = descriptorAt(fs, g);
  if (at + fs.descSize > img.length) return undefined;
  const wide = fs.descSize >= 64;
  const hi = (off: number) => (wide ? img.readUInt32LE(at + off) * 2 ** 32 : 0);
  const bitmap = img.readUInt32LE(at + 4) + hi(0x24);
  const table = img.readUInt32LE(at + 8) + hi(0x28);
  const unused = img.readUInt16LE(at + 0x1c) + (wide ? img.readUInt16LE(at + 0x32) * 65536 : 0);
  if (fs.csum && img.readUInt16LE(at + 0x12) & BG_INODE_UNINIT) return null;
  const count = fs.csum ? Math.max(0, fs.inodesPerGroup - unused) : fs.inodesPerGroup;
  const bits = bitmap * fs.bs;
  if (!count) return null;
  if (bitmap >= fs.blocks || table >= fs.blocks || bits + Math.ceil(count / 8) > img.length) return undefined;
  return { inUse: (i) => ((img[bits + (i >> 3)]! >> (i & 7)) & 1) === 1, count, table };
}

/** Inode `n`'s bytes (from 1), or undefined where its group or table lies past the image's end. */
export function inodeBytes(img: Buffer, fs: ExtFs, n: number, g?: Group | null): Buffer | undefined {
  if (n < 1 || n > fs.inodesPerGroup * fs.groups) return undefined;
  const info = g === undefined ? group(img, fs, Math.floor((n - 1) / fs.inodesPerGroup)) : g;
  if (!info) return undefined;
  const at = info.table * fs.bs + ((n - 1) % fs.inodesPerGroup) * fs.inodeSize;
  return at + fs.inodeSize <= img.length ? img.subarray(at, at + fs.inodeSize) : undefined;
}
