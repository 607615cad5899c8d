/**
 * Where an ext inode's content lies: its runs of blocks in logical order, from a block map (ext2,
 * ext3: twelve direct blocks, then single, double and triple indirect blocks) or an extent tree
 * (ext4: up to four extents in the inode, deeper trees in index blocks), or its bytes inline (ext4
 * `inline_data`: the first 60 in the inode's block array, the rest in its `system.data` attribute).
 * Bounded: a block past the file system's or the image's end, a tree node that is not one (its
 * magic, counts and depth), a block met twice (in this file or another: a cyclic or crafted map) —
 * the file cannot be followed, and says why. Unwritten extents and unmapped blocks are holes.
 */
import type { ExtFs } from './ext-fs.js';

export interface Run {
  /** The first logical block. */
  logical: number;
  /** The first block in the image. */
  block: number;
  count: number;
}

export type Layout = { runs: Run[] } | { inline: Buffer[] } | { error: string };

const EXTENTS_FL = 0x80000;
const INLINE_DATA_FL = 0x10000000;
const EXTENT_MAGIC = 0xf30a;
const MAX_DEPTH = 5;
/** An unwritten (preallocated) extent's length is stored plus this. */
const UNWRITTEN = 32768;
const ATTR_MAGIC = 0xea020000;
/** The attribute name index of `system.` */
const SYSTEM = 7;

/** The blocks already met in this image (a map's and its data's): one more meeting is a crafted or cyclic map. */
export class BlockUse {
  readonly #seen: Uint8Array;
  constructor(
    readonly img: Buffer,
    readonly fs: ExtFs,
  ) {
    this.#seen = new Uint8Array(Math.floor(img.length / fs.bs));
  }

  /** Takes blocks `block` to `block + count`: an error when one is past an end or was taken before. */
  take(block: number, count: number): string | undefined {
    if (block < this.fs.firstData || block + count > this.fs.blocks) return 'a block past the file system';
    if (block + count > this.#seen.length) return "a block past the image's end";
    const seen = this.#seen;
    for (let b = block; b < block + count; b++) {
      if (seen[b]) return 'a block met twice (a cyclic or crafted map)';
      seen[b] = 1;
    }
    return undefined;
  }

  bytes(block: number): Buffer {
    return this.img.subarray(block * this.fs.bs, (block + 1) * this.fs.bs);
  }
}

/** Runs in logical order, each extended when the next block follows it in both the file and the image. */
class Runs {
  readonly list: Run[] = [];
  add(logical: number, block: number, count: number): void {
    const last = this.list.at(-1);
    if (last && last.logical + last.count === logical && last.block + last.count === block) last.count += count;
    else this.list.push({ logical, block, count });
  }
}

/** A block map's runs, its first `blocks` logical blocks. */
function blockMap(use: BlockUse, iblock: Buffer, blocks: number): Layout {
  const runs = new Runs();
  const per = use.fs.bs / 4;
  const walk = (ptrs: Buffer, level: number, first: number): string | undefined => {
    const span = per ** (level - 1);
    for (let i = 0; i * 4 < ptrs.length && first + i * span < blocks; i++) {
      const p = ptrs.readUInt32LE(i * 4);
      if (!p) continue;
      const error = use.take(p, 1);
      if (error) return error;
      if (level === 1) runs.add(first + i, p, 1);
      else {
        const inner = walk(use.bytes(p), level - 1, first + i * span);
        if (inner) return inner;
      }
    }
    return undefined;
  };
  let error = walk(iblock.subarray(0, 48), 1, 0);
  let first = 12;
  for (let level = 1; level <= 3 && !error && first < blocks; level++) {
    error = walk(iblock.subarray(44 + level * 4, 48 + level * 4), level + 1, first);
    first += per ** level;
  }
  return error ? { error } : { runs: runs.list };
}

/** An extent tree's runs (unwritten extents left out: holes), from the node in `node`. */
function extentTree(use: BlockUse, root: Buffer, blocks: number): Layout {
  const runs = new Runs();
  const visit = (node: Buffer, depth: number | undefined): string | undefined => {
    const entries = node.readUInt16LE(2);
    const d = node.readUInt16LE(6);
    if (node.readUInt16LE(0) !== EXTENT_MAGIC || entries > node.readUInt16LE(4) || 12 + 12 * entries > node.length)
      return 'an extent tree node that is not one';
    if (d > MAX_DEPTH || (depth !== undefined && d !== depth)) return 'an extent tree deeper than it says';
    for (let i = 0; i < entries; i++) {
      const e = node.subarray(12 + 12 * i, 24 + 12 * i);
      const logical = e.readUInt32LE(0);
      if (logical >= blocks) break;
      if (d > 0) {
        const child = e.readUInt32LE(4) + e.readUInt16LE(8) * 2 ** 32;
        const error = use.take(child, 1) ?? visit(use.bytes(child), d - 1);
        if (error) return error;
        continue;
      }
      const length = e.readUInt16LE(4);
      if (length > UNWRITTEN) continue;
      const start = e.readUInt32LE(8) + e.readUInt16LE(6) * 2 ** 32;
      const count = Math.min(length, blocks - logical);
      const error = use.take(start, count);
      if (error) return error;
      runs.add(logical, start, count);
    }
    return undefined;
  };
  const error = visit(root, undefined);
  if (error) return { error };
  // Runs in logical order: a crafted tree's extents out of order (or overlapping) are not joined as if they were a file.
  const list = runs.list;
  for (let i = 1; i < list.length; i++) if (list[i]!.logical < list[i - 1]!.logical + list[i - 1]!.count) return { error: 'extents out of order' };
  return { runs: list };
}

/** The value of the in-inode attribute `system.data` (inline data past the first 60 bytes), or undefined. */
function inlineRest(inode: Buffer): Buffer | undefined {
  if (inode.length <= 128) return undefined;
  const extra = inode.readUInt16LE(128);
  const start = 128 + extra;
  if (extra % 4 || start + 4 > inode.length || inode.readUInt32LE(start) !== ATTR_MAGIC) return undefined;
  const base = start + 4;
  for (let at = base; at + 16 <= inode.length && inode.readUInt32LE(at) !== 0;) {
    const nameLength = inode[at]!;
    const offset = inode.readUInt16LE(at + 2);
    const size = inode.readUInt32LE(at + 8);
    const name = inode.subarray(at + 16, at + 16 + nameLength).toString('latin1');
    if (inode[at + 1] === SYSTEM && name === 'data' && inode.readUInt32LE(at + 4) === 0) {
      return base + offset + size <= inode.length ? inode.subarray(base + offset, base + offset + size) : undefined;
    }
    at += (16 + nameLength + 3) & ~3;
  }
  return undefined;
}

/** An inode's size in bytes (the high word counted for every type: regular files, and directories with `largedir`). */
export const inodeSize = (inode: Buffer): number => inode.readUInt32LE(4) + inode.readUInt32LE(108) * 2 ** 32;

/** Where inode `inode`'s content lies. */
export function layout(use: BlockUse, inode: Buffer): Layout {
  const size = inodeSize(inode);
  const flags = inode.readUInt32LE(32);
  const iblock = inode.subarray(40, 100);
  if (flags & INLINE_DATA_FL) {
    if (size <= 60) return { inline: [iblock.subarray(0, size)] };
    const rest = inlineRest(inode);
    return rest && rest.length >= size - 60 ? { inline: [iblock, rest.subarray(0, size - 60)] } : { error: 'inline data whose attribute cannot be read' };
  }
  const blocks = Math.ceil(size / use.fs.bs);
  return flags & EXTENTS_FL ? extentTree(use, iblock, blocks) : blockMap(use, iblock, blocks);
}

/** Whether a file's content lies in more than one place in the image (a value across the cut is not in its bytes). */
export const isCut = (l: Layout): boolean => ('runs' in l ? l.runs.length > 1 : 'inline' in l && l.inline.length > 1);

/**
 * The content of `size` bytes laid out as `runs`: its blocks in order, and a hole (unmapped blocks,
 * an unwritten extent) as zeros, no more than a block of them — a sparse file's holes are bounded
 * by its blocks, not by the size it claims.
 */
export function assemble(use: BlockUse, runs: Run[], size: number): Buffer {
  const bs = use.fs.bs;
  const parts: Buffer[] = [];
  let at = 0;
  const hole = (to: number) => {
    if (to > at) parts.push(Buffer.alloc(Math.min(to - at, bs)));
  };
  for (const r of runs) {
    const from = r.logical * bs;
    if (from >= size) break;
    hole(from);
    const end = Math.min(size, from + r.count * bs);
    parts.push(use.img.subarray(r.block * bs, r.block * bs + (end - from)));
    at = end;
  }
  hole(size);
  return Buffer.concat(parts);
}
