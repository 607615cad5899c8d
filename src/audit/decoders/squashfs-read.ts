/**
 * A squashfs 4.0 image's files as squashfs reads them: the superblock, the inode and directory
 * tables (metadata blocks of up to 8 KiB, each compressed on its own or stored), the fragment
 * table, and each regular file's block list — its data blocks back to back from its start, a size
 * each (bit 24: stored; 0: a sparse block of zeros), then its tail in a fragment block. Blocks are
 * decompressed by `unpack` (the image's compressor). A file whose blocks cannot be read (a pointer
 * past the image's end, a block that does not decompress) is given as undefined, never thrown.
 */

/** A compressed block's bytes decompressed, at most `max` bytes: undefined when they do not decompress. */
export type Unpack = (bytes: Buffer, max: number) => Promise<Buffer | undefined>;

export interface Super {
  blockSize: number;
  compression: number;
  flags: number;
  root: bigint;
  bytesUsed: number;
  inodeTable: number;
  dirTable: number;
  fragTable: number;
  fragCount: number;
}

export function superOf(img: Buffer): Super | undefined {
  if (img.length < 96 || img.readUInt32LE(0) !== 0x73717368) return undefined;
  const n = (at: number) => Number(img.readBigUInt64LE(at));
  return {
    blockSize: img.readUInt32LE(12),
    fragCount: img.readUInt32LE(16),
    compression: img.readUInt16LE(20),
    flags: img.readUInt16LE(24),
    root: img.readBigUInt64LE(32),
    bytesUsed: n(40),
    inodeTable: n(64),
    dirTable: n(72),
    fragTable: n(80),
  };
}

class Damaged extends Error {}
const need = (ok: boolean) => {
  if (!ok) throw new Damaged();
};

/** Metadata blocks (a u16 header: size, bit 15 stored) of one table, decompressed on demand, kept by their offset. */
class Meta {
  #blocks = new Map<number, { bytes: Buffer; next: number }>();
  constructor(
    readonly img: Buffer,
    readonly unpack: Unpack,
  ) {}

  async block(at: number): Promise<{ bytes: Buffer; next: number }> {
    const kept = this.#blocks.get(at);
    if (kept) return kept;
    need(at + 2 <= this.img.length);
    const h = this.img.readUInt16LE(at);
    const size = h & 0x7fff;
    need(at + 2 + size <= this.img.length && size > 0);
    const raw = this.img.subarray(at + 2, at + 2 + size);
    const bytes = h & 0x8000 ? raw : await this.unpack(raw, 8192);
    need(bytes !== undefined);
    const b = { bytes: bytes!, next: at + 2 + size };
    this.#blocks.set(at, b);
    return b;
  }

  /** `n` bytes from offset `off` of the block at `at`, on across the next blocks. */
  async read(at: number, off: number, n: number): Promise<Buffer> {
    const parts: Buffer[] = [];
    for (let hops = 0; n > 0; hops++) {
      need(hops < 1 << 16);
      const b = await this.block(at);
      need(off <= b.bytes.length);
      const take = Math.min(n, b.bytes.length - off);
      parts.push(b.bytes.subarray(off, off + take));
      n -= take;
      at = b.next;
      off = 0;
    }
    return Buffer.concat(parts);
  }
}

export interface FileInode {
  start: number;
  size: number;
  frag: number;
  fragOffset: number;
  blocks: number[];
}
/** The fixed part of a basic directory (1), a basic file (2), an extended directory (8), an extended file (9). */
const LENGTH: Record<number, number> = { 1: 32, 2: 32, 8: 40, 9: 56 };
type Inode = { dir: { block: number; offset: number; size: number } } | { file: FileInode } | undefined;

async function inodeAt(meta: Meta, s: Super, ref: bigint): Promise<Inode> {
  const at = s.inodeTable + Number(ref >> 16n);
  const off = Number(ref & 0xffffn);
  const type = (await meta.read(at, off, 2)).readUInt16LE(0);
  const head = await meta.read(at, off, LENGTH[type] ?? 2);
  if (type === 1) return { dir: { block: head.readUInt32LE(16), size: head.readUInt16LE(24), offset: head.readUInt16LE(26) } };
  if (type === 8) return { dir: { size: head.readUInt32LE(20), block: head.readUInt32LE(24), offset: head.readUInt16LE(34) } };
  if (type !== 2 && type !== 9) return undefined;
  const ext = type === 9;
  const start = ext ? Number(head.readBigUInt64LE(16)) : head.readUInt32LE(16);
  const size = ext ? Number(head.readBigUInt64LE(24)) : head.readUInt32LE(28);
  const frag = head.readUInt32LE(ext ? 44 : 20);
  const fragOffset = head.readUInt32LE(ext ? 48 : 24);
  const count = frag === 0xffffffff ? Math.ceil(size / s.blockSize) : Math.floor(size / s.blockSize);
  need(count <= meta.img.length);
  const list = await meta.read(at, off + (ext ? 56 : 32), 4 * count);
  const blocks = Array.from({ length: count }, (_, i) => list.readUInt32LE(4 * i));
  return { file: { start, size, frag, fragOffset, blocks } };
}

/** A directory's entries: name and inode reference. */
async function entries(meta: Meta, s: Super, d: { block: number; offset: number; size: number }): Promise<Array<[string, bigint]>> {
  const listing = await meta.read(s.dirTable + d.block, d.offset, Math.max(0, d.size - 3));
  const out: Array<[string, bigint]> = [];
  for (let at = 0; at + 12 <= listing.length;) {
    const count = listing.readUInt32LE(at) + 1;
    const inodeBlock = listing.readUInt32LE(at + 4);
    at += 12;
    for (let i = 0; i < count && at + 8 <= listing.length; i++) {
      const nameSize = listing.readUInt16LE(at + 6) + 1;
      const name = listing.subarray(at + 8, at + 8 + nameSize).toString('utf8');
      out.push([name, (BigInt(inodeBlock) << 16n) | BigInt(listing.readUInt16LE(at))]);
      at += 8 + nameSize;
    }
  }
  return out;
}

/** Every regular file's path and inode, the tree walked from the root (each directory once). */
export async function* walk(img: Buffer, s: Super, unpack: Unpack): AsyncGenerator<[string, FileInode | undefined]> {
  const inodes = new Meta(img, unpack);
  const dirs = new Meta(img, unpack);
  const stack: Array<[string, bigint]> = [['', s.root]];
  const seen = new Set<bigint>();
  while (stack.length) {
    const [path, ref] = stack.pop()!;
    if (seen.has(ref) || seen.size > 1 << 20) continue;
    seen.add(ref);
    let node: Inode;
    try {
      node = await inodeAt(inodes, s, ref);
      if (node && 'dir' in node) {
        for (const [name, child] of await entries(dirs, s, node.dir)) stack.push([`${path}${path ? '/' : ''}${name}`, child]);
      }
    } catch (e) {
      if (!(e instanceof Damaged || e instanceof RangeError)) throw e;
      yield [path || '/', undefined];
      continue;
    }
    if (node && 'file' in node) yield [path, node.file];
  }
}

/** The fragment table's entries (start, size word) that are read, by index; undefined for damage. */
export async function fragments(img: Buffer, s: Super, unpack: Unpack): Promise<Array<[number, number]> | undefined> {
  if (s.fragTable >= img.length || s.fragCount === 0) return [];
  const meta = new Meta(img, unpack);
  try {
    const out: Array<[number, number]> = [];
    const lists = Math.ceil(s.fragCount / 512);
    need(s.fragTable + 8 * lists <= img.length);
    for (let l = 0; l < lists; l++) {
      const n = Math.min(512, s.fragCount - 512 * l);
      const table = await meta.read(Number(img.readBigUInt64LE(s.fragTable + 8 * l)), 0, 16 * n);
      for (let i = 0; i < n; i++) out.push([Number(table.readBigUInt64LE(16 * i)), table.readUInt32LE(16 * i + 8)]);
    }
    return out;
  } catch (e) {
    if (e instanceof Damaged || e instanceof RangeError) return undefined;
    throw e;
  }
}

const STORED = 1 << 24;

/** One data or fragment block: stored (bit 24) or decompressed; a size of 0 a sparse block of `sparse` zero bytes. */
export async function dataBlock(img: Buffer, at: number, word: number, max: number, unpack: Unpack, sparse = max): Promise<Buffer | undefined> {
  const size = word & (STORED - 1);
  if (size === 0) return Buffer.alloc(sparse);
  if (at + size > img.length || size > max + (max >> 4) + 1024) return undefined;
  const raw = img.subarray(at, at + size);
  return word & STORED ? raw : unpack(raw, max);
}

/** A file's bytes: its blocks in order, then its tail from its fragment; undefined when a part cannot be read. */
export async function fileBytes(img: Buffer, s: Super, f: FileInode, frags: Array<[number, number]>, unpack: Unpack): Promise<Buffer | undefined> {
  const parts: Buffer[] = [];
  let at = f.start;
  for (let i = 0; i < f.blocks.length; i++) {
    const word = f.blocks[i]!;
    const left = f.size - i * s.blockSize;
    const b = await dataBlock(img, at, word, s.blockSize, unpack, Math.min(s.blockSize, left));
    if (!b) return undefined;
    parts.push(b);
    at += word & (STORED - 1);
  }
  if (f.frag !== 0xffffffff) {
    const entry = frags[f.frag];
    if (!entry) return undefined;
    const block = await dataBlock(img, entry[0], entry[1], s.blockSize, unpack);
    const tail = f.size % s.blockSize;
    if (!block || f.fragOffset + tail > block.length) return undefined;
    parts.push(block.subarray(f.fragOffset, f.fragOffset + tail));
  }
  const out = Buffer.concat(parts);
  return out.length >= f.size ? out.subarray(0, f.size) : undefined;
}
