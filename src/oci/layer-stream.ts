/**
 * One entry of `docker save`'s archive streamed into the layout once: each chunk hashed as it comes,
 * written to the blob's file in batches (what came while a write was in flight goes out in the next
 * writev), and — a layer being audited — handed to the audit through a queue it reads at its own
 * pace. The three run side by side: the archive is read on while the audit scans and the disk
 * writes, so neither waits for the other chunk by chunk. What is read ahead is bounded: at most
 * `AUDIT_AHEAD` bytes the audit has not taken yet, and `WRITE_AHEAD` bytes not yet written; past
 * either, the archive waits (back-pressure reaches `docker save` through its pipe).
 *
 * No chunk is copied: each is the archive's own, held by the queue until the audit takes it and by
 * the batch until it is written.
 */
import { createHash, randomBytes } from 'node:crypto';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { LayerAudit } from '../core/builder.js';
import { onDiskFull } from './disk.js';
import { blobPath } from './layout.js';

const MiB = 1024 * 1024;
/**
 * How far the archive is read ahead of the audit: while the audit is slower (an archive inside the
 * layer decoding), `docker save` still runs on into this much, rather than block on its pipe. The
 * audit is the slower side, so the queue is full: at 2 MiB its chunks waited long enough to reach
 * V8's old generation, freed only by a full GC. bench/run.sh base, 10 alternated pairs: peak RSS
 * (bimodal, 93–102 or 121–125 MiB) median 124 → 101.5 MiB, 1 of 10 runs in the low mode → 6 of
 * 10; time unchanged (2.90–3.22 s both).
 */
export const AUDIT_AHEAD = 1 * MiB;
/** How much is held while the disk catches up (writes take ~5 ms each on a loaded runner: what comes meanwhile goes out in one writev). */
const WRITE_AHEAD = 1 * MiB;

/** Wakes the reading loop when a side made room or failed. */
class Signal {
  #wake: (() => void) | undefined;
  wait(): Promise<void> {
    return new Promise((resolve) => (this.#wake = resolve));
  }
  fire(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}

/**
 * The audit's side: the chunks it has not taken yet. Its end is the reader's end: once every chunk
 * is queued (`end`), a write that fails afterwards is not the layer ending early — the reader, maybe
 * still scanning the last chunk, has every byte. `failedFirst` says which side failed first, so the
 * conversion fails with the cause (a full disk, a truncated archive, a scanner's error), not the
 * other side's echo of it; `stop` is the reader giving up, read or not.
 */
class AuditQueue implements AsyncIterable<Buffer> {
  readonly #chunks: Buffer[] = [];
  #bytes = 0;
  #reader: { resolve: (r: IteratorResult<Buffer>) => void; reject: (e: Error) => void } | undefined;
  #ended = false;
  #error: Error | undefined;
  failedFirst: 'write' | 'reader' | undefined;

  constructor(private readonly room: Signal) {}

  get full(): boolean {
    return this.#bytes >= AUDIT_AHEAD;
  }

  /** Throws once the reader stopped: nothing reads on for it. */
  check(): void {
    if (this.#error) throw this.#error;
  }

  push(chunk: Buffer): void {
    this.check();
    const reader = this.#reader;
    if (reader) {
      this.#reader = undefined;
      reader.resolve({ value: chunk, done: false });
    } else {
      this.#chunks.push(chunk);
      this.#bytes += chunk.length;
    }
  }

  end(): void {
    if (this.#error || this.#ended) return;
    this.#ended = true;
    this.#reader?.resolve({ value: undefined, done: true });
    this.#reader = undefined;
  }

  /** The writing side failed before the end: the reader is told why. */
  fail(e: Error): void {
    if (this.#ended || this.#error) return;
    this.failedFirst ??= 'write';
    this.#error = e;
    this.#reader?.reject(e);
    this.#reader = undefined;
  }

  /** The reader gave up (its audit failed, or it returned early): the archive is not read on for it. */
  stop(): void {
    if (this.#ended || this.#error) return;
    this.failedFirst ??= 'reader';
    this.#error = new Error('the audit stopped reading the layer');
    this.#chunks.length = 0;
    this.#bytes = 0;
    this.room.fire();
  }

  #next(): Promise<IteratorResult<Buffer>> {
    const chunk = this.#chunks.shift();
    if (chunk) {
      this.#bytes -= chunk.length;
      if (this.#bytes < AUDIT_AHEAD) this.room.fire();
      return Promise.resolve({ value: chunk, done: false });
    }
    if (this.#error) return Promise.reject(this.#error);
    if (this.#ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => (this.#reader = { resolve, reject }));
  }

  [Symbol.asyncIterator](): AsyncIterator<Buffer> {
    return {
      next: () => this.#next(),
      return: () => (this.stop(), Promise.resolve({ value: undefined, done: true })),
    };
  }
}

/** The blob's file: chunks written in batches, one writev in flight at a time. */
class BatchedFile {
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #inFlight: Promise<void> | undefined;
  #inFlightBytes = 0;
  #error: unknown;
  written = 0;

  constructor(
    private readonly file: FileHandle,
    private readonly room: Signal,
  ) {}

  get full(): boolean {
    return this.#pendingBytes + this.#inFlightBytes >= WRITE_AHEAD;
  }

  /** Throws the write's error once one failed. */
  check(): void {
    if (this.#error !== undefined) throw this.#error;
  }

  push(chunk: Buffer): void {
    this.check();
    this.#pending.push(chunk);
    this.#pendingBytes += chunk.length;
    if (!this.#inFlight) this.#write();
  }

  /** Everything pushed, on disk. */
  async drain(): Promise<void> {
    while (this.#inFlight) await this.#inFlight;
    if (this.#error !== undefined) throw this.#error;
  }

  #write(): void {
    const buffers = this.#pending;
    const bytes = this.#pendingBytes;
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#inFlightBytes = bytes;
    this.#inFlight = writeAll(this.file, buffers, bytes).then(
      () => {
        this.written += bytes;
        this.#inFlightBytes = 0;
        this.#inFlight = undefined;
        if (this.#pending.length) this.#write();
        this.room.fire();
      },
      (e: unknown) => {
        this.#error = e;
        this.#inFlight = undefined;
        this.#inFlightBytes = 0;
        this.room.fire();
      },
    );
  }
}

/** `buffers` written whole: a write the disk took only part of goes on from where it stopped (the next call says why it stopped). */
async function writeAll(file: FileHandle, buffers: Buffer[], bytes: number): Promise<void> {
  const left = buffers; // ours: the batch was handed over
  for (let todo = bytes; todo > 0;) {
    const { bytesWritten } = await file.writev(left);
    if (bytesWritten <= 0) throw new Error(`the disk took none of ${todo} bytes`);
    todo -= bytesWritten;
    let skip = bytesWritten;
    while (skip > 0 && skip >= left[0]!.length) skip -= left.shift()!.length;
    if (skip > 0) left[0] = left[0]!.subarray(skip);
  }
}

/** Every chunk of `source` hashed, written and (with `queue`) handed to the audit; waits where a side is full. */
async function pump(source: AsyncIterable<Buffer>, out: BatchedFile, room: Signal, queue: AuditQueue | undefined) {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of source) {
    hash.update(chunk);
    size += chunk.length;
    queue?.push(chunk);
    out.push(chunk);
    while (out.full || queue?.full) {
      await room.wait();
      out.check(); // a write failed, or the reader stopped, meanwhile
      queue?.check();
    }
  }
  queue?.end(); // every byte is the reader's: it need not wait for the disk
  await out.drain();
  return { digest: `sha256:${hash.digest('hex')}`, size };
}

/** `source` into the layout as a blob under its digest (its temporary file removed on failure); hashed, and audited when `queue` is given. */
async function writeBlob(source: AsyncIterable<Buffer>, layoutDir: string, room: Signal, queue?: AuditQueue): Promise<{ digest: string; size: number }> {
  const tmp = join(layoutDir, 'blobs', `.tmp-${randomBytes(8).toString('hex')}`);
  let out: BatchedFile | undefined;
  try {
    const file = await open(tmp, 'w', 0o644);
    let blob;
    try {
      out = new BatchedFile(file, room);
      blob = await pump(source, out, room, queue);
    } finally {
      await out?.drain().catch(() => undefined); // no write in flight once the file is closed
      await file.close();
    }
    await rename(tmp, blobPath(layoutDir, blob.digest));
    return blob;
  } catch (e) {
    queue?.fail(e instanceof Error ? e : new Error(String(e)));
    await rm(tmp, { force: true });
    // A full disk said as such, with what was written.
    return onDiskFull(layoutDir, `a blob of the OCI layout (${out?.written ?? 0} bytes written so far)`, () => Promise.reject(e));
  }
}

/** A layer that is not audited here (compressed, or no audit): hashed and written as it streams. */
export function streamBlob(source: AsyncIterable<Buffer>, layoutDir: string): Promise<{ digest: string; size: number }> {
  return writeBlob(source, layoutDir, new Signal());
}

/**
 * An uncompressed layer hashed, written and audited as it streams. Each side's failure fails the
 * other; the one that failed first says why (a full disk, a truncated archive; the scanner's error).
 */
export async function streamAuditedLayer(
  source: AsyncIterable<Buffer>,
  layoutDir: string,
  audit: LayerAudit,
  size?: number, // the tar's size when the archive says it ahead: the cache of audited layers may know a base's of that size
): Promise<{ digest: string; size: number }> {
  const room = new Signal();
  const queue = new AuditQueue(room);
  let named!: (digest: string) => void;
  let unnamed!: (e: unknown) => void;
  const digest = new Promise<string>((resolve, reject) => ((named = resolve), (unnamed = reject)));
  digest.catch(() => undefined); // the audit awaits it only once it has read the whole layer
  const audited = audit.layer(queue, digest, size === undefined ? {} : { size });
  audited.catch(() => queue.stop()); // an audit that failed without reading to the end leaves the archive unread for it
  const written = writeBlob(source, layoutDir, room, queue).then(
    (blob) => (named(blob.digest), blob),
    (e: unknown) => (unnamed(e), Promise.reject(e)),
  );
  const [w, a] = await Promise.allSettled([written, audited]);
  if (w.status === 'rejected' && (a.status === 'fulfilled' || queue.failedFirst !== 'reader')) throw w.reason;
  if (a.status === 'rejected') throw a.reason;
  return (w as PromiseFulfilledResult<{ digest: string; size: number }>).value;
}
