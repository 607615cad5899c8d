/**
 * UBIFS images (`mkfs.ubifs`: the root file system of embedded devices on NAND flash, OpenWrt and
 * Yocto builds). An image is logical erase blocks of nodes, each node 8-byte aligned with a common
 * header (magic 0x06101831, a CRC-32 of the node after its first 8 bytes, a sequence number, the
 * node's length, its type); a file's data is data nodes of one 4 KiB block each — the inode number
 * and block number in the node's key, the block's size, and its bytes stored, LZO1X-compressed (the
 * default), raw deflate or zstd. Claimed by the superblock node at the start; read by walking the
 * aligned offsets for node headers, each data node's CRC checked before it is believed (so a chance
 * magic inside a node's data or in erased space is passed over), its block decoded to the size it
 * names. A UBI image (`ubinize`: the flash image as written, each physical erase block an erase-counter
 * header `UBI#` whose CRC holds, a volume header, then a logical block of the volume) is claimed too:
 * its UBIFS volume's nodes sit at aligned offsets of the blocks in order and are read the same way; a
 * UBI image holding no UBIFS volume (a squashfs on ubiblock, a raw volume) is named. Consecutive blocks of one inode are joined into one content (`image!/inode-69`; names are in
 * directory entries written after the data, so the inode number names it; a file whose blocks are
 * not in order is cut where they jump: `inode-69+block-5`), so a value across a 4 KiB block is read
 * whole. One node (at most 12 KiB) is held at a time. A data node whose CRC fails, that does not
 * decode to its size, is encrypted (fscrypt) or uses a compressor this does not know, or a node cut
 * by the image's end, is counted and named at the end, never passed over in silence.
 */
import { inflateRawSync, zstdDecompressSync, crc32 } from 'node:zlib';
import { AlignedNodes, InodeJoin } from './flash-image.js';
import { lzo1x } from './lzop.js';
import { startsWith, trial, type Decoder, type DecodeEnv, type Decoding } from './types.js';

const MAGIC = [0x31, 0x18, 0x10, 0x06];
const MAGIC_BYTES = Buffer.from(MAGIC);
const HEADER = 24;
const DATA_HEADER = 48;
const BLOCK = 4096;
const DATA_NODE = 1;
const SUPERBLOCK_NODE = 6;
/** The largest data node read: a 4 KiB block stored (or worse compressed) with room for an encrypted block's padding. */
const MAX_DATA_NODE = DATA_HEADER + 3 * BLOCK;

/** A UBIFS superblock node at `at`: the magic, node type 6, group type and padding zero, a length of 4096. */
export const isUbifs = (h: Uint8Array, at = 0): boolean =>
  startsWith(h, MAGIC, at) &&
  h.length >= at + HEADER &&
  h[at + 20] === SUPERBLOCK_NODE &&
  h[at + 21] === 0 &&
  h[at + 22] === 0 &&
  h[at + 23] === 0 &&
  new DataView(h.buffer, h.byteOffset + at + 16, 4).getUint32(0, true) === 4096;

/** A UBI erase-counter header: `UBI#`, version 1, three zero bytes, a CRC-32 of its first 60 bytes (big-endian) that holds. */
export function isUbi(h: Uint8Array): boolean {
  if (!startsWith(h, [0x55, 0x42, 0x49, 0x23, 1, 0, 0, 0]) || h.length < 64) return false;
  const b = Buffer.from(h.buffer, h.byteOffset, 64);
  return b.readUInt32BE(60) === (crc32(b.subarray(0, 60)) ^ 0xffffffff) >>> 0;
}

/** Whether the node at `at` of length `len` holds its CRC (UBIFS: crc32_le from ~0 with no final inversion). */
const crcHolds = (b: Buffer, at: number, len: number) => b.readUInt32LE(at + 4) === (crc32(b.subarray(at + 8, at + len)) ^ 0xffffffff) >>> 0;

/** A data node's block decoded to the size it names, or why not. */
export function dataBlock(node: Buffer): Buffer | string {
  const size = node.readUInt32LE(40);
  const type = node.readUInt16LE(44);
  const data = node.subarray(DATA_HEADER);
  if (size > BLOCK) return `a block of ${size} bytes`;
  if (node.readUInt16LE(46) !== 0) return 'an encrypted block';
  let out: Buffer | undefined;
  if (type === 0) out = data;
  else if (type === 1) {
    const dst = Buffer.alloc(size);
    const n = trial(() => lzo1x(data, dst));
    out = n === size ? dst : undefined;
  } else if (type === 2) out = asBuffer(trial(() => inflateRawSync(data, { maxOutputLength: BLOCK })));
  else if (type === 3) out = asBuffer(trial(() => zstdDecompressSync(data, { maxOutputLength: BLOCK })));
  else return `compression type ${type}`;
  return out?.length === size ? out : `a block that does not decode to its ${size} bytes`;
}

/** The largest node of another kind stepped over whole (an index node of a large fanout, the 4 KiB superblock). */
const MAX_OTHER_NODE = 1 << 20;

/**
 * Bytes between nodes that hold none: erased flash (FF), UBIFS's padding (zeros after a pad node, CE where no pad node
 * fits), and in a UBI image each block's erase-counter and volume headers (64 bytes from `UBI#`, `UBI!`).
 */
function isPadding(bytes: Buffer): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const x = bytes[i]!;
    if (x === 0xff || x === 0 || x === 0xce) continue;
    if (x === 0x55 && bytes[i + 1] === 0x42 && bytes[i + 2] === 0x49 && (bytes[i + 3] === 0x23 || bytes[i + 3] === 0x21)) {
      i += 63;
      continue;
    }
    return false;
  }
  return true;
}

const asBuffer = (b: unknown) => (b instanceof Buffer ? b : undefined);

/** One UBIFS image, fed from its superblock on: its files' data, block by block, to a content per run of an inode's blocks. */
class UbifsDecoding implements Decoding {
  readonly #nodes = new AlignedNodes(8);
  readonly #files: InodeJoin;
  /** Data nodes not read: how many, and the first reason. */
  #unread = 0;
  #why = '';
  /** Why bytes since the last node read were not padding (a header that does not hold, or bytes with no header), or ''. */
  #lost = '';
  /** Where the LEB properties tree's blocks lie in the image, [from, to) (the superblock says). */
  #lpt: [number, number] = [0, 0];
  /** Whether the content is a UBI image, and whether a UBIFS superblock node was met in it. */
  #ubi: boolean | undefined;
  #superblock = false;

  constructor(readonly env: DecodeEnv) {
    this.#files = new InodeJoin(env, 'block');
  }

  async push(bytes: Uint8Array): Promise<void> {
    if (this.env.stopped) return;
    this.#ubi ??= isUbi(bytes);
    this.#nodes.hold(bytes);
    await this.#nodes.walk(
      MAGIC_BYTES,
      (at) => this.#node(at),
      () => this.env.stopped,
      (bytes, at) => {
        // The LEB properties tree's blocks hold no nodes (its own bit-packed ones), and a UBI image's blocks are not
        // where its volume's offsets say: those are not told apart from damage.
        if (this.#ubi || this.#lost) return;
        const [from, to] = this.#lpt;
        const outside = [bytes.subarray(0, Math.max(0, from - at)), bytes.subarray(Math.max(0, to - at))];
        if (!outside.every(isPadding)) this.#lost = 'bytes between nodes that are not a node';
      },
    );
  }

  async end(): Promise<void> {
    if (this.#lost) this.#miss(`${this.#lost} (a node whose header was damaged?)`);
    const b = this.#nodes.buf;
    const at = this.#nodes.next(MAGIC_BYTES);
    if (at >= 0 && b.length >= at + HEADER && b[at + 20] === DATA_NODE) this.#miss('a data node cut by the image’s end');
    await this.#files.close();
    if (this.#ubi && !this.#superblock && !this.env.stopped)
      this.env.limit('a UBI image with no UBIFS volume (its volumes are not decoded): not fully audited');
    if (this.#unread)
      this.env.limit(`a UBIFS image with ${this.#unread} data node${this.#unread > 1 ? 's' : ''} not read (the first: ${this.#why}): not fully audited`);
  }

  /** The node whose header is at `at`: how far to step past it (8 past a header not believed), or 0 to wait for more bytes. */
  async #node(at: number): Promise<number> {
    const b = this.#nodes.buf;
    if (b.length < at + HEADER) return 0;
    const len = b.readUInt32LE(at + 16);
    if (isUbifs(b, at)) {
      this.#superblock = true;
      // The LEB properties tree's blocks: after the superblock's, two master blocks and the log's.
      if (b.length >= at + 64) {
        const leb = b.readUInt32LE(at + 36);
        const from = (3 + b.readUInt32LE(at + 56)) * leb;
        this.#lpt = [from, from + b.readUInt32LE(at + 60) * leb];
      }
    }
    if (b[at + 20] !== DATA_NODE) {
      // Any other node whose CRC holds is stepped over whole; a header that does not hold is a chance match inside a
      // node's data or a node's header damaged — which, the bytes up to the next node tell (padding or not).
      if (len >= HEADER && len <= MAX_OTHER_NODE) {
        if (b.length < at + len) return 0;
        if (crcHolds(b, at, len)) return (this.#read(), (len + 7) & ~7);
      }
      this.#lost ||= 'a node header that does not hold';
      return 8;
    }
    if (len < DATA_HEADER || len > MAX_DATA_NODE) {
      this.#miss(`a data node of ${len} bytes`);
      return 8;
    }
    if (b.length < at + len) return 0;
    if (!crcHolds(b, at, len)) {
      this.#miss('a data node whose CRC fails');
      return 8;
    }
    this.#read();
    const node = b.subarray(at, at + len);
    const block = dataBlock(node);
    if (typeof block === 'string') this.#miss(block);
    else {
      const number = node.readUInt32LE(28) & 0x1fffffff;
      await this.#files.write(node.readUInt32LE(24), number, number + 1, block);
    }
    return (len + 7) & ~7;
  }

  /** A node read whose CRC holds: what was passed over since the last one, if not padding, is named. */
  #read(): void {
    if (this.#lost) this.#miss(`${this.#lost} (a node whose header was damaged?)`);
    this.#lost = '';
  }

  #miss(why: string): void {
    if (!this.#unread++) this.#why = why;
  }
}

export const ubifs: Decoder = {
  name: 'UBIFS image',
  sniff: (h) => isUbifs(h) || isUbi(h),
  open: (env) => new UbifsDecoding(env),
};
