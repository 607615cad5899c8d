/**
 * Buffers where a chunk is joined to the bytes a reader held back from the one before (`RewrittenText`'s carry,
 * `EncodedRuns`' cut), leased for one push and given back when it is read: each reader's own, grown to a chunk's
 * size (64 KiB and its context), was an ArrayBuffer made for every text content — its bytes counted toward V8's
 * external memory, which starts scavenges and, promoted, full collections (arch-H5's finding). A push that reads
 * another content's push while it waits (a copy routed and read) leases another: at most one per level of nesting.
 */

/** Buffers given back, kept for the next lease: the largest KEPT. */
const FREE: Buffer[] = [];
const KEPT = 4;

/** A buffer of `size` bytes at least, the caller's until it gives it back (`giveBack`); its bytes are not cleared. */
export function lease(size: number): Buffer {
  let best = -1;
  for (let k = 0; k < FREE.length; k++) if (FREE[k]!.length >= size && (best < 0 || FREE[k]!.length < FREE[best]!.length)) best = k;
  if (best >= 0) return FREE.splice(best, 1)[0]!;
  return Buffer.allocUnsafe(size);
}

/** A leased buffer no one reads any more (nothing may keep a view of it). */
export function giveBack(b: Buffer): void {
  if (FREE.length < KEPT) {
    FREE.push(b);
    return;
  }
  let least = 0;
  for (let k = 1; k < FREE.length; k++) if (FREE[k]!.length < FREE[least]!.length) least = k;
  if (FREE[least]!.length < b.length) FREE[least] = b;
}
