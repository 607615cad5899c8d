/**
 * Buffers that the output of a stream inflated at once (`zip-inflate.ts` `inflateAtOnce`: a zip member, a `.gz` file's
 * member) is written into, used again once the content they were written to has ended.
 *
 * Output buffers used again, by size class (powers of two from 16 KiB to 2 MiB, and 64 bytes: an inflation at once gives at most 1 MiB): a member or a `.gz` file
 * inflated at once is written into one leased here, given back once the content it was written to has ended — every
 * reader of that content (the scan, the router, every decoder it opened, each awaited to its end) done with its
 * bytes. A buffer made for each was the archives row's largest share of ArrayBuffer memory besides the layer's own
 * chunks (bench/audit.ts, 1 GiB of layers, a third of the files jars and .gz files: 85 MiB of 277 in a 192 MiB sample);
 * V8 counts a new ArrayBuffer's bytes toward a scavenge at 2 MiB of them in the young generation (its semi-space is
 * 1 MiB: `core/malloc.ts`), and what is alive at two of those — the layer's chunk being routed, the content being
 * scanned — is promoted, its bytes then counted toward a full collection. A few of each size are kept (POOL_KEPT).
 */
class OutputPool {
  readonly #free = new Map<number, Buffer[]>();

  /** A buffer of at least `size` bytes (of its class's size, or `size` itself past the classes). */
  take(size: number): Buffer {
    const c = classOf(size);
    if (c === undefined) return Buffer.allocUnsafe(size);
    return this.#free.get(c)?.pop() ?? Buffer.allocUnsafeSlow(c);
  }

  give(buffer: Buffer): void {
    const c = buffer.length;
    if (classOf(c) !== c) return;
    const list = this.#free.get(c) ?? [];
    if (list.length < (c > POOL_SMALL ? 1 : POOL_KEPT)) list.push(buffer);
    this.#free.set(c, list);
  }
}

const POOL_MIN = 16 * 1024;
const POOL_MAX = 2 * 1024 * 1024;
/**
 * Buffers kept a class: 4 up to POOL_SMALL, 1 above it — at most ~5.5 MiB kept in all, whatever sizes came (4 of each
 * up to 2 MiB would be 16 MiB: the audit's bound is 100 MiB of peak RSS).
 */
const POOL_KEPT = 4;
const POOL_SMALL = 256 * 1024 + 64;
/** The most buffers one lease keeps to give back (`Lease.take`). */
const LEASE_KEPT = 4;
/** Bytes past each class's power of two: an output is its size and one byte (a full buffer makes zlib take another). */
const SLACK = 64;
/** The pool's size class of a buffer of `size` bytes: the power of two at or above it (and SLACK), within the pool's bounds. */
function classOf(size: number): number | undefined {
  if (size > POOL_MAX) return undefined;
  let c = POOL_MIN;
  while (c + SLACK < size) c *= 2;
  return c + SLACK;
}

const pool = new OutputPool();

/**
 * The buffers one content's outputs were written into, leased from the pool: given back (`release`) once that content
 * has ended — never before, a reader of the content may still hold a view of them until its end.
 */
export class Lease {
  #held: Buffer[] = [];

  take(size: number): Buffer {
    const b = pool.take(size);
    // A content of many members (bgzip's 64 KiB blocks, a log rotated thousands of times) does not keep them all: past
    // a few, the oldest is let go — left to the collector, never given back while the content may still be read.
    if (this.#held.length >= LEASE_KEPT) this.#held.shift();
    this.#held.push(b);
    return b;
  }

  /** A buffer taken and not handed on (the inflation failed, or its pieces were joined elsewhere): back at once. */
  unused(buffer: Buffer): void {
    const i = this.#held.indexOf(buffer);
    if (i >= 0) this.#held.splice(i, 1);
    pool.give(buffer);
  }

  /** The content the buffers were written to has ended: every one back to the pool. */
  release(): void {
    for (const b of this.#held.splice(0)) pool.give(b);
  }
}
