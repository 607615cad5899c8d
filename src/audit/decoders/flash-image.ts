/**
 * What the flash file systems' images (JFFS2, UBIFS) share. Their nodes start with a magic at
 * offsets aligned in the image (JFFS2: 4 bytes, UBIFS: 8): the bytes not yet walked are held (at most
 * a node, and what came after it in a chunk) and walked header by header as they stream. A file's
 * data is pieces (JFFS2's pages, UBIFS's blocks), each naming its inode and its place in the file,
 * met in the order the image was written: a run of one inode's consecutive pieces is joined into one
 * content (`image!/inode-3`), so a value across a piece's edge is read whole; a piece of another
 * inode, or one that does not follow the last, closes it and opens another, named by where it starts
 * (`inode-3+at-8192`, `inode-69+block-5`). One sink is open at a time.
 */
import type { DecodeEnv, Sink } from './types.js';

export class AlignedNodes {
  /** The bytes held, and the image's offset of the first. */
  buf = Buffer.alloc(0);
  base = 0;

  constructor(readonly align: number) {}

  hold(bytes: Uint8Array): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, bytes]) : Buffer.from(bytes);
  }

  /** The first aligned `magic` at or after `from` in the held bytes, or -1. */
  next(magic: Buffer, from = 0): number {
    for (let i = this.buf.indexOf(magic, from); i >= 0; i = this.buf.indexOf(magic, i + 1)) if ((this.base + i) % this.align === 0) return i;
    return -1;
  }

  /**
   * Walks the held bytes header by header: `node(at)` reads the node whose header is at `at` and says
   * how far to step past it, or 0 to wait for more bytes. With no header left, what is held from then
   * on is the first aligned offset where a magic cut by the end may begin. Ends early once `stopped`.
   * `passed` is given the bytes stepped over with no magic at an aligned offset (between one node's step and the next
   * header) and the image's offset of the first, so that a reader can tell padding from a node whose header was damaged.
   */
  async walk(magic: Buffer, node: (at: number) => Promise<number>, stopped: () => boolean, passed?: (bytes: Buffer, at: number) => void): Promise<void> {
    let at = 0;
    for (;;) {
      const found = this.next(magic, at);
      if (found < 0) {
        const keep = Math.max(at, this.#keep(magic.length));
        if (keep > at) passed?.(this.buf.subarray(at, keep), this.base + at);
        at = keep;
        break;
      }
      if (found > at) passed?.(this.buf.subarray(at, found), this.base + at);
      const step = await node(found);
      if (step === 0) {
        at = found;
        break;
      }
      at = found + step;
      if (stopped()) return;
    }
    this.base += at;
    this.buf = this.buf.subarray(at);
  }

  /** The first aligned offset among the held bytes' last `n - 1` (where a magic of `n` bytes cut by the end begins), else the end. */
  #keep(n: number): number {
    const tail = Math.max(0, this.buf.length - (n - 1));
    return Math.min(this.buf.length, tail + ((this.align - ((this.base + tail) % this.align)) % this.align));
  }
}

export class InodeJoin {
  #sink: Sink | undefined;
  #inode = -1;
  #next = 0;

  /** `unit` names where a content starts when not at the file's start: `at` (a byte offset), `block` (a block number). */
  constructor(
    readonly env: DecodeEnv,
    readonly unit: string,
  ) {}

  /** `bytes`, the piece of `inode` at `place`; the piece that follows it is at `next`. */
  async write(inode: number, place: number, next: number, bytes: Buffer): Promise<void> {
    if (inode !== this.#inode || place !== this.#next) {
      await this.close();
      this.#sink = this.env.open(place ? `inode-${inode}+${this.unit}-${place}` : `inode-${inode}`);
      this.#inode = inode;
    }
    this.#next = next;
    if (!bytes.length || !this.env.allow(bytes.length)) return;
    await this.#sink!.write(Buffer.from(bytes));
  }

  async close(): Promise<void> {
    const sink = this.#sink;
    this.#sink = undefined;
    this.#inode = -1;
    if (sink) await sink.end();
  }
}
