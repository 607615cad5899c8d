/**
 * JFFS2 images (`mkfs.jffs2`: the root or data file system of NOR-flash devices, OpenWrt's
 * rootfs_data, older embedded builds), little- or big-endian. An image is nodes, each 4-byte aligned
 * with a header (magic 0x1985, the node's type and length, a CRC-32 of those 8 bytes); a file's data
 * is inode nodes of one page (4 KiB) each — the inode number, the page's offset, its sizes
 * compressed and decoded, the compressor, CRCs of the node and of its data — stored, zeros, zlib,
 * rtime (JFFS2's own run coder) or LZO1X. Claimed by a first node whose header CRC holds; read by
 * walking the aligned offsets for node headers, each inode node believed only when its node and data
 * CRCs hold (so a chance magic inside data or erased space is passed over), its page decoded to the
 * size it names. Consecutive pages of one inode are joined into one content (`image!/inode-3`; names
 * are in directory entry nodes, met apart from the data; pages out of order cut it:
 * `inode-3+at-8192`), so a value across a 4 KiB page is read whole. One node is held at a time. An
 * inode node whose CRCs fail, that does not decode to its size, or uses a compressor this does not
 * read (rubin, dynrubin, LZMA), or a node cut by the image's end, is counted and named at the end.
 */
import { crc32, inflateSync } from 'node:zlib';
import { AlignedNodes, InodeJoin } from './flash-image.js';
import { lzo1x } from './lzop.js';
import { trial, type Decoder, type DecodeEnv, type Decoding } from './types.js';

const INODE = 0xe002;
const KNOWN_TYPES = new Set([0xe001, INODE, 0x2003, 0x2004, 0x2006, 0xe008, 0xe009]);
const INODE_HEADER = 68;
const PAGE = 4096;
/** The largest inode node read: a page stored, or worse compressed, with room to spare. */
const MAX_INODE_NODE = INODE_HEADER + 2 * PAGE;

/** mtd-utils' crc32: CRC-32 from 0 with no final inversion. */
const mtdCrc = (b: Uint8Array) => ~crc32(b, 0xffffffff) >>> 0;

interface Order {
  u16(b: Uint8Array, i: number): number;
  u32(b: Uint8Array, i: number): number;
  magic: Buffer;
}
const LE: Order = {
  u16: (b, i) => b[i]! | (b[i + 1]! << 8),
  u32: (b, i) => (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0,
  magic: Buffer.from([0x85, 0x19]),
};
const BE: Order = {
  u16: (b, i) => (b[i]! << 8) | b[i + 1]!,
  u32: (b, i) => ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0,
  magic: Buffer.from([0x19, 0x85]),
};

/** A node header at `at` in byte order `o`: the magic, a known type, a length of 12 or more, its CRC holding. */
function headerHolds(b: Uint8Array, at: number, o: Order): boolean {
  if (b.length < at + 12 || b[at] !== o.magic[0] || b[at + 1] !== o.magic[1]) return false;
  return KNOWN_TYPES.has(o.u16(b, at + 2)) && o.u32(b, at + 4) >= 12 && o.u32(b, at + 8) === mtdCrc(b.subarray(at, at + 8));
}

/** The byte order of a JFFS2 image starting with `h`, or undefined. */
const orderOf = (h: Uint8Array): Order | undefined => (headerHolds(h, 0, LE) ? LE : headerHolds(h, 0, BE) ? BE : undefined);

export const isJffs2 = (h: Uint8Array): boolean => orderOf(h) !== undefined;

/** JFFS2's rtime: each byte, then a count of bytes to copy from after that byte's last place. */
export function rtime(src: Uint8Array, size: number): Buffer | undefined {
  const out = Buffer.alloc(size);
  const last = new Int32Array(256);
  let pos = 0;
  let op = 0;
  while (op < size) {
    if (pos + 2 > src.length) return undefined;
    const value = src[pos++]!;
    out[op++] = value;
    let repeat = src[pos++]!;
    let back = last[value]!;
    last[value] = op;
    if (op + repeat > size) return undefined;
    while (repeat--) out[op++] = out[back++]!;
  }
  return out;
}

/** An inode node's page decoded to the size it names, or why not. */
function page(compr: number, data: Buffer, size: number): Buffer | string {
  let out: Buffer | undefined;
  if (compr === 0) out = data;
  else if (compr === 1) out = Buffer.alloc(size);
  else if (compr === 2) out = rtime(data, size);
  else if (compr === 6) {
    const r = trial(() => inflateSync(data, { maxOutputLength: PAGE }));
    out = r instanceof Buffer ? r : undefined;
  } else if (compr === 7) {
    const dst = Buffer.alloc(size);
    out = trial(() => lzo1x(data, dst)) === size ? dst : undefined;
  } else return `compressor ${compr}`;
  return out?.length === size ? out : `a page that does not decode to its ${size} bytes`;
}

/** One JFFS2 image, fed from its first node on: its files' pages, to a content per run of an inode's consecutive pages. */
class Jffs2Decoding implements Decoding {
  readonly #nodes = new AlignedNodes(4);
  #order: Order | undefined;
  readonly #files: InodeJoin;
  #unread = 0;
  #why = '';
  /** Why bytes since the last node read were not padding (a header that does not hold, or bytes with no header), or ''. */
  #lost = '';

  constructor(readonly env: DecodeEnv) {
    this.#files = new InodeJoin(env, 'at');
  }

  async push(bytes: Uint8Array): Promise<void> {
    if (this.env.stopped) return;
    this.#nodes.hold(bytes);
    this.#order ??= orderOf(this.#nodes.buf);
    if (this.#order)
      await this.#nodes.walk(
        this.#order.magic,
        (at) => this.#node(at),
        () => this.env.stopped,
        (bytes) => {
          if (!this.#lost && bytes.some((x) => x !== 0xff && x !== 0)) this.#lost = 'bytes between nodes that are not a node';
        },
      );
  }

  async end(): Promise<void> {
    if (this.#lost) this.#miss(`${this.#lost} (a node whose header was damaged?)`);
    const b = this.#nodes.buf;
    const at = this.#order ? this.#nodes.next(this.#order.magic) : -1;
    if (at >= 0 && headerHolds(b, at, this.#order!) && this.#order!.u16(b, at + 2) === INODE) this.#miss('an inode node cut by the image’s end');
    await this.#files.close();
    if (this.#unread && !this.env.stopped)
      this.env.limit(`a JFFS2 image with ${this.#unread} inode node${this.#unread > 1 ? 's' : ''} not read (the first: ${this.#why}): not fully audited`);
  }

  /** The node at `at`: how far to step past it (4 past a header not believed), or 0 to wait for more bytes. */
  async #node(at: number): Promise<number> {
    const b = this.#nodes.buf;
    const o = this.#order!;
    if (b.length < at + 12) return 0;
    if (!headerHolds(b, at, o)) {
      // A node marked obsolete (its type's accurate bit cleared, as a used image has them): stepped over whole.
      const type = o.u16(b, at + 2);
      const accurate = Buffer.from(b.subarray(at, at + 8));
      accurate[o === LE ? 3 : 2] = accurate[o === LE ? 3 : 2]! | 0x20;
      if (!(type & 0x2000) && KNOWN_TYPES.has(type | 0x2000) && o.u32(b, at + 8) === mtdCrc(accurate) && o.u32(b, at + 4) >= 12)
        return this.#step(at, o.u32(b, at + 4));
      // A magic whose header does not hold: a chance match inside a node's data, or a node's header damaged. Which, the
      // bytes up to the next node tell: padding, or not (`passed`).
      this.#lost ||= 'a node header that does not hold';
      return 4;
    }
    const len = o.u32(b, at + 4);
    const skip = (len + 3) & ~3;
    if (this.#lost) this.#miss(`${this.#lost} (a node whose header was damaged?)`);
    this.#lost = '';
    if (o.u16(b, at + 2) !== INODE) return this.#step(at, len);
    if (len < INODE_HEADER || len > MAX_INODE_NODE) return (this.#miss(`an inode node of ${len} bytes`), 4);
    if (b.length < at + len) return 0;
    const csize = o.u32(b, at + 48);
    const data = b.subarray(at + INODE_HEADER, at + INODE_HEADER + csize);
    if (INODE_HEADER + csize > len || o.u32(b, at + 64) !== mtdCrc(b.subarray(at, at + 60)) || o.u32(b, at + 60) !== mtdCrc(data))
      return (this.#miss('an inode node whose CRC fails'), 4);
    const size = o.u32(b, at + 52);
    if (size > PAGE) return (this.#miss(`a page of ${size} bytes`), skip);
    const out = size ? page(b[at + 56]!, data, size) : Buffer.alloc(0);
    if (typeof out === 'string') this.#miss(out);
    else if (out.length) {
      const offset = o.u32(b, at + 44);
      await this.#files.write(o.u32(b, at + 12), offset, offset + out.length, out);
    }
    return skip;
  }

  /** How far to step past a node of `len` bytes at `at` whose header holds: past it whole where it is held (up to 1 MiB), else past its header. */
  #step(at: number, len: number): number {
    const skip = (len + 3) & ~3;
    if (skip > 1 << 20) return 12;
    return this.#nodes.buf.length >= at + skip ? skip : 0;
  }

  #miss(why: string): void {
    if (!this.#unread++) this.#why = why;
  }
}

export const jffs2: Decoder = {
  name: 'JFFS2 image',
  sniff: isJffs2,
  open: (env) => new Jffs2Decoding(env),
};
