/**
 * The one interface every decoder and container of the audit implements. A decoder claims content
 * by its first bytes (and, for formats without a magic number, its name); once opened it is fed the
 * content as it streams and writes what it decodes to sinks the router gives it — one for a
 * stream's content (`app.js.br!`), one per member of a container (`app.deb!/data.tar.xz`) — each of
 * them scanned and routed again. Decoders never gather a whole stream: what they hold at once is
 * bounded by their format's block or window, and every decoded byte is asked for (`allow`) before
 * it is written, so the router's bounds (bytes, expansion, time, depth) stop them.
 */

/** Where decoded content goes: scanned under its path, and routed again (one level deeper). */
export interface Sink {
  write(bytes: Uint8Array): void | Promise<void>;
  end(): void | Promise<void>;
}

export interface DecodeEnv {
  /** The path of the content being decoded (`var/lib/app.deb`, `app.deb!/data.tar.xz`). */
  readonly path: string;
  /** A sink for a stream's content (no name: `path!`) or for a member of a container (`path!/name`). */
  open(name?: string): Sink;
  /** A sink under a path of the decoder's own making (`etc/key.hex (as a hex dump)`). */
  openAt(path: string): Sink;
  /**
   * Counts `n` decoded bytes against the bounds; false once one is passed (the decoder then stops:
   * the router has already reported what was not audited).
   */
  allow(n: number): boolean;
  /** Reports a part not fully audited (a bound passed, a damaged stream, a format not read), at `path` or this content. */
  limit(what: string, path?: string): void;
  /** Decoded bytes per encoded byte above which a stream is a bomb (a zip member of known size checks its own). */
  readonly ratio: number;
  /**
   * True for content found by a trial rather than claimed (a magic number met inside other bytes, brotli tried on
   * content nothing claimed): bytes may match a format by chance, so a failure is reported only with evidence the
   * bytes were that format — the stream expanded what it was given (a chance stored block gives its input back).
   */
  readonly trial?: boolean;
  /** True once the bounds stopped this content: the decoder drops what it is fed. */
  readonly stopped: boolean;
  /**
   * One file of one layer and all it holds, the same object for every content inside it: what decoders note
   * about a file (`concatenated.ts`) is kept under it, so the same path in another layer audited at once is another file.
   */
  readonly scope?: object;
}

/** One content being decoded. */
export interface Decoding {
  push(bytes: Uint8Array): void | Promise<void>;
  /** The content ended; a stream cut short says so here (through `env.limit`). */
  end(): void | Promise<void>;
  /** The stream ended on its own (an embedded stream's end mark): what follows is not its input. */
  readonly finished?: boolean;
}

export interface Decoder {
  /** For messages: `gzip`, `xz`, `ar archive`. */
  readonly name: string;
  /**
   * Whether content starting with `head` at `path` is this format. `head` is the first 512 bytes (fewer only when
   * the content is shorter), or the first `head` bytes where the decoder names more.
   */
  sniff(head: Uint8Array, path: string): boolean;
  /** How many first bytes `sniff` needs where 512 do not hold its mark (ext's superblock at 1080): at most LONG_HEAD. */
  readonly head?: number;
  open(env: DecodeEnv): Decoding;
  /** A stream that ends on its own mark: others may follow it (`cat a.gz b.gz`), looked for as streams inside the content. */
  readonly more?: boolean;
  /**
   * The most this format can expand, where the format itself bounds it (deflate: 1032 to 1): above the audit's ratio,
   * such a stream is never a bomb by ratio (a flat PNG's IDAT expands ~1000 times); bytes and time still bound it.
   */
  readonly maxRatio?: number;
}

/** RFC 1951: a 258-byte match costs at least two bits, so deflate expands at most 1032 to 1 (and a little for its end). */
export const DEFLATE_MAX_RATIO = 1032;

/** The path of something inside a container: `app.jar!/META-INF/x`, `pkg.tar.gz!/pkg/.npmrc`. */
export const inside = (path: string, name: string) => `${path.endsWith('!') ? path : `${path}!`}/${name}`;

/** The bytes `head` starts with at `at`. */
export function startsWith(head: Uint8Array, magic: readonly number[], at = 0): boolean {
  if (head.length < at + magic.length) return false;
  for (let i = 0; i < magic.length; i++) if (head[at + i] !== magic[i]) return false;
  return true;
}

/** What `trial` gives when the output passed the bound it was given: the trial decoded that much. */
export const TOO_LARGE = Symbol('too large');

/**
 * The output chunk of a sync zlib trial (`chunkSize`). Each sync call makes an engine whose first output buffer is
 * `chunkSize` bytes: zlib's 16 KiB default is a buffer of its own (malloc'd), made and dropped by every trial, most of
 * which fail or give a few bytes. Below 4 KiB, `Buffer.allocUnsafe` cuts it from Node's shared 8 KiB pool. A layer of
 * Debian's 18,131 man pages made ~58,000 raw-deflate sniffs (906 MiB of 16 KiB buffers, garbage that outran the
 * collector: malloc kept its high-water mark, peak RSS ~300 MiB). Only where each call is made: what a trial gives is
 * the same whatever the chunk (a large output is more chunks joined).
 */
export const TRIAL_CHUNK = 2048;

/**
 * Runs a trial that usually fails (a chance header, random bytes tried as brotli) without the cost
 * of a stack trace for each failure: undefined when it threw.
 */
export function trial<T>(f: () => T): T | typeof TOO_LARGE | undefined {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return f();
  } catch (e) {
    return (e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' ? TOO_LARGE : undefined;
  } finally {
    Error.stackTraceLimit = limit;
  }
}

export const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * A container's members as its parser, which runs synchronously on each input chunk, meets them:
 * each member's bytes are queued to its sink in order, and `settled` is awaited before the next
 * chunk, so no more than one chunk of input waits.
 */
export class Members {
  #queue: Promise<void> = Promise.resolve();
  #current: Sink | undefined;

  constructor(readonly env: DecodeEnv) {}

  start(name: string): void {
    this.close();
    this.#current = this.env.open(name);
  }

  data(bytes: Uint8Array): void {
    const sink = this.#current;
    if (!sink || !bytes.length) return;
    if (!this.env.allow(bytes.length)) return this.close();
    const copy = bytes.slice();
    this.#queue = this.#queue.then(() => sink.write(copy));
  }

  close(): void {
    const sink = this.#current;
    this.#current = undefined;
    if (sink) this.#queue = this.#queue.then(() => sink.end());
  }

  get settled(): Promise<void> {
    return this.#queue;
  }
}
