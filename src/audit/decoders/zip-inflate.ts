/**
 * A deflated zip member inflated by Node's zlib, which also says where its data ends: deflate ends
 * itself, so a member written with a data descriptor (Java's ZipOutputStream — every jar, jmod and
 * war —, Info-ZIP from a pipe: sizes 0 in the local header) ends where zlib stopped taking input.
 * A member that ends inside the bytes in hand is inflated at once (`inflateAtOnce`: one zlib engine
 * for all, reset between members; the input it consumed said by the engine); one whose end is not
 * in hand yet asks for twice the bytes (the walker gathers them) up to NATIVE_ENTRY; a larger one, or one inflating past NATIVE_OUTPUT (a bomb, flat data),
 * streams through a zlib `InflateRaw`, its output written as it comes under the member's bounds.
 * Nothing scans the compressed bytes for a signature, which they may hold by chance.
 */
import * as zlib from 'node:zlib';
import { bombText, isBomb, nameBomb, zeroBytes } from './bomb.js';
import type { MemberOutput } from './zip-member.js';
import type { Lease } from './zip-output-pool.js';

/**
 * The most of a deflated member gathered for one inflation; beyond it the member streams. No more than NATIVE_OUTPUT:
 * a member larger stored almost always inflates to more, and would be gathered (copied twice) only to stream after all.
 */
export const NATIVE_ENTRY = 1024 * 1024;
/**
 * The most one inflation may give at once; past it the member streams, its output bounded as it comes. An attempt that
 * gives more is inflated again by the stream: this bounds that work and the memory an attempt holds (it was 16 MiB:
 * a member of 12 MiB was inflated into 16 KiB pieces joined into one buffer, 24 MiB at once).
 */
const NATIVE_OUTPUT = 1024 * 1024;
const STREAM = { chunkSize: 64 * 1024, readableHighWaterMark: 64 * 1024, writableHighWaterMark: 64 * 1024 };

export type Attempt = { out: Buffer; used: number } | 'more' | 'large' | 'damaged';

/**
 * One inflation of `input`: its output and the input it took, or why not. `size`, the member's size as its header says
 * (when it says one within `max`), is the output buffer's: the output is that one buffer, where zlib's 16 KiB default
 * made it pieces joined into another (twice its bytes allocated, a jar member's 128 KiB in nine buffers).
 */
function attempt(input: Buffer, max: number, size: number | undefined, lease: Lease): Attempt {
  // One more byte than the output: a buffer filled to its end makes zlib take another before it knows the stream ended.
  const chunkSize = size !== undefined && size < max ? Math.max(64, size + 1) : undefined;
  return inflateAtOnce(input, max, chunkSize, lease);
}

/** What `inflateRawSync` would do with `{ info: true, maxOutputLength: max, chunkSize }`, said as an `Attempt`. */
function inflateSyncAttempt(input: Uint8Array, max: number, chunkSize: number | undefined): Attempt {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0; // a member cut by the chunk's end fails here often: no stack for it
  try {
    const r = zlib.inflateRawSync(input, { info: true, maxOutputLength: max, chunkSize }) as unknown as { buffer: Buffer; engine: zlib.InflateRaw };
    return { out: r.buffer, used: r.engine.bytesWritten };
  } catch (e) {
    return failed((e as { code?: string }).code);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

const failed = (code: string | undefined): Attempt => (code === 'Z_BUF_ERROR' ? 'more' : code === 'ERR_BUFFER_TOO_LARGE' ? 'large' : 'damaged');

/** The parts of a zlib engine `ReusedInflate` drives: its native handle, and the two counts its writes leave. */
interface EngineParts {
  _handle?: {
    writeSync?: (flush: number, input: Uint8Array, inOff: number, inLen: number, out: Buffer, outOff: number, outLen: number) => void;
    reset?: () => void;
  };
  _writeState?: Uint32Array;
}

/**
 * A raw deflate stream inflated at once by one zlib engine, reset between streams, where `inflateRawSync` made an
 * engine per member — a Transform stream, its native zlib state and async resource, made and closed, its handle freed
 * only when a full collection saw it: the audit of bench/audit.ts's archives (1 GiB of layers, a third of the files
 * jars and .gz files) made 2,732. One engine for all: ~0.8 s less CPU of ~19.5 (alternated, 3 runs each, load 6–7);
 * the collector's pauses and mark-compacts hardly changed (1.66 → 1.62 s, 181 → 174), so most of it was the engines'
 * own making and closing. Its handle is written as `inflateRawSync` writes it (Node's processChunkSync: Z_FINISH, a new
 * output buffer while the last one filled; the input taken from the engine's write state); an engine that failed is
 * dropped (a damaged stream destroys it) and the next stream gets a new one. Where the handle is not as this reads it
 * (another Node), each stream is `inflateRawSync`'s as before.
 */
class ReusedInflate {
  #engine: zlib.InflateRaw | undefined;

  #ready(): (zlib.InflateRaw & EngineParts) | undefined {
    let engine = this.#engine as (zlib.InflateRaw & EngineParts) | undefined;
    if (!engine || engine.destroyed) {
      engine = zlib.createInflateRaw() as zlib.InflateRaw & EngineParts;
      engine.on('error', () => undefined); // said by `errored` as it happens; the event comes later, to no one
      this.#engine = engine;
    } else engine.reset();
    const h = engine._handle;
    return typeof h?.writeSync === 'function' && engine._writeState instanceof Uint32Array ? engine : undefined;
  }

  inflate(input: Uint8Array, max: number, chunkSize: number | undefined, lease?: Lease): Attempt {
    const engine = this.#ready();
    if (!engine) return inflateSyncAttempt(input, max, chunkSize);
    const handle = engine._handle!;
    const state = engine._writeState!;
    const size = chunkSize ?? 16 * 1024; // zlib.Z_DEFAULT_CHUNK, as inflateRawSync
    // The first output buffer leased when its size is known (the whole output, when the size was right).
    const first = lease && chunkSize !== undefined ? lease.take(size) : undefined;
    let out = first ?? Buffer.allocUnsafe(size);
    let offset = 0;
    let availOutBefore = size;
    let inOff = 0;
    let availInBefore = input.length;
    let used = 0;
    let total = 0;
    const pieces: Buffer[] = [];
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0; // a member cut by the chunk's end fails here often: no stack for its error
    try {
      for (;;) {
        handle.writeSync!(zlib.constants.Z_FINISH, input, inOff, availInBefore, out, offset, availOutBefore);
        if (engine.errored || engine.destroyed) {
          this.#engine = undefined;
          if (first) lease!.unused(first);
          return failed((engine.errored as { code?: string } | null)?.code);
        }
        const availOutAfter = state[0]!;
        const availInAfter = state[1]!;
        const took = availInBefore - availInAfter;
        used += took;
        const have = availOutBefore - availOutAfter;
        if (have > 0) {
          pieces.push(out.subarray(offset, offset + have));
          offset += have;
          total += have;
          if (total > max) {
            if (first) lease!.unused(first);
            return 'large';
          }
        }
        if (availOutAfter === 0 || offset >= size) {
          availOutBefore = size;
          offset = 0;
          out = Buffer.allocUnsafe(size);
        }
        if (availOutAfter !== 0) break;
        inOff += took;
        availInBefore = availInAfter;
      }
    } finally {
      Error.stackTraceLimit = limit;
    }
    if (pieces.length === 1) return { out: first ? pieces[0]! : fitted(pieces[0]!), used };
    if (!lease) return { out: Buffer.concat(pieces, total), used };
    // Joined into a leased buffer (the pieces, and a first buffer leased for a size guessed wrong, are done with).
    const joined = lease.take(total);
    let at = 0;
    for (const piece of pieces) at += piece.copy(joined, at);
    if (first) lease.unused(first);
    return { out: joined.subarray(0, total), used };
  }
}

/**
 * The output of one piece: the view of its buffer, or a copy when the buffer is more than twice as large (a size
 * guessed wrong — a gzip trailer's ISIZE of another member, a zip header's — would keep the whole buffer alive
 * for as long as the output is read).
 */
const fitted = (piece: Buffer): Buffer => (piece.buffer.byteLength > 2 * piece.length + 4096 ? Buffer.from(piece) : piece);

const reused = new ReusedInflate();

/**
 * A raw deflate stream that ends inside `input`, inflated at once: its output (at most `max` bytes, in a buffer of
 * `chunkSize` when it fits) and the input it took; else why not — `more` (it does not end in `input`), `large`
 * (more than `max`), `damaged`. With a `lease`, the output is in a buffer leased from the pool (`Lease`), which the
 * caller releases once the content it writes the output to has ended.
 */
export function inflateAtOnce(input: Uint8Array, max: number, chunkSize?: number, lease?: Lease): Attempt {
  return reused.inflate(input, max, chunkSize, lease);
}

/**
 * One deflated member. The walker offers it the member's next bytes (no more than its size, when
 * the local header says it); `read` says how many it took, `want` how many it needs in hand before
 * it is offered again (counted from its first byte not taken), `ended` once its data ended.
 */
export class DeflateEntry {
  /** Stored bytes taken, the bytes they inflated to and their CRC-32. */
  taken = 0;
  inflated = 0;
  crc = 0;
  want = 0;
  ended = false;
  /** Why its data could not be read to its end (damaged, cut short). */
  failure: string | undefined;
  #stream: RawInflateStream | undefined;
  /** Stored bytes handed to the stream so far: its output is bounded against them as it comes. */
  #handed = 0;
  /** Told a bomb (`bomb.ts`, named at the member): inflated on to its end (CRC and size checked), its output dropped. */
  #bomb = false;

  constructor(
    readonly out: MemberOutput,
    /** Its compressed size, when the local header says it. */
    readonly size: number | undefined,
    /** Its size inflated, when the local header says it. */
    readonly original?: number,
  ) {}

  /** `bytes`: the member's next bytes in hand (`tail`: all there will be). */
  async read(bytes: Buffer, tail: boolean): Promise<number> {
    if (this.#stream) return this.#feed(bytes, tail);
    if (this.size === 0) {
      this.ended = true; // no data: an empty member some writers mark deflated
      return 0;
    }
    const whole = this.size !== undefined;
    if (whole && this.size! > NATIVE_ENTRY) return this.#streamed(bytes, tail);
    if (whole && bytes.length < this.size! && !tail) {
      this.want = this.size!;
      return 0;
    }
    const input = whole ? bytes.subarray(0, this.size) : bytes;
    const r = attempt(input, Math.min(NATIVE_OUTPUT, this.out.ratio * input.length + (1 << 20)), this.original, this.out.lease);
    if (typeof r === 'object') {
      this.ended = true;
      this.taken = whole ? this.size! : r.used;
      this.inflated = r.out.length;
      this.crc = zlib.crc32(r.out);
      await this.out.write(r.out, this.taken);
      return this.taken;
    }
    if (r === 'more' && !whole && !tail && input.length <= NATIVE_ENTRY) {
      this.want = Math.max(2 * input.length, input.length + 4096);
      return 0;
    }
    // Damaged, cut short, larger than one inflation gives: streamed, which writes what it can and says what went wrong.
    return this.#streamed(bytes, tail);
  }

  async #streamed(bytes: Buffer, tail: boolean): Promise<number> {
    this.#stream = new RawInflateStream(
      async (chunk) => {
        this.inflated += chunk.length;
        this.crc = zlib.crc32(chunk, this.crc);
        if (!this.#bomb) await this.out.write(chunk, this.#handed);
      },
      (made) => {
        this.#bomb = true;
        nameBomb(this.out.env, made, this.out.path);
      },
    );
    return this.#feed(bytes, tail);
  }

  /**
   * Through the stream. A member of known size takes all of it (what follows its stream's end, if
   * anything, is the walker's to skip); one with a descriptor what zlib took.
   */
  async #feed(bytes: Buffer, tail: boolean): Promise<number> {
    const s = this.#stream!;
    const known = this.size !== undefined;
    const input = known ? bytes.subarray(0, this.size! - this.taken) : bytes;
    this.#handed = this.taken + input.length;
    const took = await s.feed(input);
    const step = known ? input.length : took;
    this.taken += step;
    this.want = 1;
    if (s.ended || (known && this.taken >= this.size!) || tail) {
      this.ended = true;
      this.failure = await s.finish();
    }
    return step;
  }
}

/**
 * A raw deflate stream inflated by a zlib stream (on the threadpool), its output handed to
 * `onData` in order, with backpressure. Where it ends is the input zlib took: `feed` says how
 * much of what it was given that was. A bomb (`bomb.ts`: the output against the input zlib took) is told to `onBomb`
 * (with what it made before), once, and the stream goes on to its end (the caller drops what follows); without `onBomb` the stream stops there,
 * its failure the bomb's text (a gzip member: named as its failure, the rest of the gzip file not read).
 */
export class RawInflateStream {
  readonly #inflate = zlib.createInflateRaw(STREAM);
  readonly #pump: Promise<void>;
  #done = false;
  #failure: string | undefined;
  #fed = 0;

  #out = 0;
  /** Its output's whole 4 KiB pieces of zeros (`zeroBytes`): not a bomb's measure. */
  #zeros = 0;
  #bomb = false;

  constructor(onData: (chunk: Buffer) => Promise<void>, onBomb?: (made: number) => void) {
    this.#inflate.on('error', (e: Error) => void (this.#failure ??= e.message));
    this.#pump = (async () => {
      try {
        for await (const chunk of this.#inflate as AsyncIterable<Buffer>) {
          this.#out += chunk.length;
          this.#zeros += zeroBytes(chunk);
          if (!this.#bomb && isBomb(this.#out, this.#inflate.bytesWritten, undefined, this.#zeros)) {
            this.#bomb = true;
            if (!onBomb) {
              this.#failure ??= bombText(this.#out);
              break;
            }
            onBomb(this.#out - chunk.length);
          }
          await onData(chunk);
        }
      } catch {
        // told by the 'error' handler
      } finally {
        this.#done = true;
      }
    })();
  }

  /** True once the stream reached its end (or failed): zlib took less than it was given, or its output ended. */
  get ended(): boolean {
    return this.#done || this.#inflate.bytesWritten < this.#fed;
  }

  /** Feeds `bytes`; resolves, once zlib took what it would, with how many of them it took. */
  async feed(bytes: Uint8Array): Promise<number> {
    if (this.ended || !bytes.length) return 0;
    const before = this.#inflate.bytesWritten;
    this.#fed += bytes.length;
    await Promise.race([new Promise<void>((resolve) => this.#inflate.write(bytes, () => resolve())), this.#pump]);
    return this.#inflate.bytesWritten - before;
  }

  /** The input ended: the output drained; a failure (damaged, or cut short before the stream's end) said. */
  async finish(): Promise<string | undefined> {
    // Z_FINISH: a stream not at its end fails, 'unexpected end of file'. One that ended has its output drained.
    if (!this.ended) this.#inflate.end();
    await this.#pump;
    this.#inflate.destroy();
    return this.#failure;
  }
}
