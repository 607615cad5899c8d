/**
 * What a file inside a layer holds when it is itself a container: a gzip stream (a `.tar.gz`, a
 * rotated log), an xz or bzip2 stream, a hex dump (`hexdump.ts`), a zip (`.jar`, `.war`, `.whl`, `.apk`, `.nupkg`: stored and deflated entries), a tar.
 * Recognised by content, not by name; decoded as it streams (fflate, synchronously, so the layer is
 * still read in one pass), each thing inside handed on as content of its own — to be scanned and,
 * nested, routed again. Bounded: a depth, an expansion ratio and a total of decoded bytes per
 * layer; what passes a bound is reported as not fully audited, never passed in silence.
 */
import { Gunzip, Unzip, UnzipInflate, type FlateError, type UnzipDecoder, type UnzipFile } from 'fflate';
import { inflateRawSync, zstdDecompressSync } from 'node:zlib';
import { DumpDecoder, sniffDump, type DumpFormat } from './hexdump.js';
import { TarWalker, type TarEntry } from './tar.js';

/** The most of a zstd stream inside a layer that is gathered to be decoded. */
const ZSTD_INPUT = 64 * 1024 * 1024;

export interface Limits {
  /** How deep containers are opened (a jar in a tar.gz in a layer is depth 2). */
  depth: number;
  /** Decoded bytes per encoded byte above which a stream is a bomb, not content. */
  ratio: number;
  /** Decoded bytes per layer, across all its containers. */
  bytes: number;
}

export const DEFAULT_LIMITS: Limits = { depth: 4, ratio: 200, bytes: 2 * 1024 ** 3 };

/** Where decoded content goes: scanned under its path, and routed again (one level deeper). */
export interface ContentSink {
  write(bytes: Uint8Array): void;
  end(): void;
}

export interface RouteContext {
  limits: Limits;
  /** Decoded bytes so far in this layer (shared by every router of the layer). */
  budget: { used: number; exceeded: boolean };
  /** A sink for content found at `path`, `depth` levels down. */
  open(path: string, depth: number): ContentSink;
  /** Reports a part that was not fully audited (a bound passed, a format not read, a corrupt container). */
  limit(what: string, path: string): void;
  /** Work that finishes after the layer's pass (xz and bzip2, decoded by libraries loaded on first use); the audit awaits it. */
  defer(work: Promise<void>): void;
}

type Kind = 'gzip' | 'zip' | 'tar' | 'zstd' | 'bzip2' | 'xz' | 'plain';

export function sniff(head: Uint8Array): Kind {
  const b = (i: number) => head[i];
  if (b(0) === 0x1f && b(1) === 0x8b) return 'gzip';
  if (b(0) === 0x50 && b(1) === 0x4b && b(2) === 0x03 && b(3) === 0x04) return 'zip';
  if (b(0) === 0x28 && b(1) === 0xb5 && b(2) === 0x2f && b(3) === 0xfd) return 'zstd';
  if (b(0) === 0x42 && b(1) === 0x5a && b(2) === 0x68) return 'bzip2';
  if (b(0) === 0xfd && b(1) === 0x37 && b(2) === 0x7a && b(3) === 0x58 && b(4) === 0x5a && b(5) === 0x00) return 'xz';
  if (head.length >= 262 && Buffer.from(head.subarray(257, 262)).toString('latin1') === 'ustar') return 'tar';
  return 'plain';
}

const SNIFF = 512;

/** The path of something inside a container: `app.jar!/META-INF/x`, `pkg.tar.gz!/pkg/.npmrc`. */
const inside = (path: string, name: string) => `${path.endsWith('!') ? path : `${path}!`}/${name}`;

/** One file's contents, routed into what they hold. */
export class ContentRouter {
  #head: Buffer[] = [];
  #headSize = 0;
  #decoder: { push(bytes: Uint8Array, final: boolean): void } | undefined;
  #stopped = false;
  #in = 0;
  #out = 0;

  constructor(
    readonly path: string,
    readonly depth: number,
    readonly cx: RouteContext,
  ) {}

  push(bytes: Uint8Array): void {
    if (this.#stopped) return;
    this.#in += bytes.length;
    if (this.#decoder) return this.#feed(bytes, false);
    // The common case, a first segment long enough to tell: decided on it as it is, with no copy.
    if (this.#headSize === 0 && bytes.length >= SNIFF) return this.#decide(bytes);
    this.#head.push(Buffer.from(bytes));
    this.#headSize += bytes.length;
    if (this.#headSize >= SNIFF) this.#start();
  }

  end(): void {
    if (this.#stopped) return;
    if (!this.#decoder && this.#headSize) this.#start();
    if (this.#decoder) this.#feed(new Uint8Array(0), true);
  }

  #feed(bytes: Uint8Array, final: boolean): void {
    try {
      this.#decoder!.push(bytes, final);
    } catch (e) {
      this.#stop(`a damaged container (${e instanceof Error ? e.message : String(e)})`);
    }
  }

  #stop(why: string): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.cx.limit(why, this.path);
  }

  /** Counts decoded bytes against the bounds; false once one is passed. */
  #allow(n: number, ratioChecked = false): boolean {
    const { limits, budget } = this.cx;
    this.#out += n;
    budget.used += n;
    if (budget.used > limits.bytes) {
      if (!budget.exceeded) this.cx.limit(`the layer's archives hold more than ${limits.bytes} decoded bytes: the rest is not audited`, this.path);
      budget.exceeded = true;
      this.#stopped = true;
      return false;
    }
    if (!ratioChecked && this.#out > limits.ratio * this.#in + (1 << 20)) {
      this.#stop(`it expands more than ${limits.ratio} times (a decompression bomb?): the rest is not audited`);
      return false;
    }
    return true;
  }

  #start(): void {
    const head = Buffer.concat(this.#head);
    this.#head = [];
    this.#decide(head);
  }

  #decide(head: Uint8Array): void {
    const kind = sniff(head);
    const dump = kind === 'plain' ? sniffDump(head) : undefined;
    if (dump) {
      this.#decoder = this.#dump(dump);
      return this.#feed(head, false);
    }
    if (kind === 'plain') return void (this.#stopped = true); // nothing inside: the parent scanned it
    if (this.depth > this.cx.limits.depth) return this.#stop(`containers nested deeper than ${this.cx.limits.depth} levels`);
    this.#decoder =
      kind === 'gzip' ? this.#gzip() : kind === 'zip' ? this.#zip() : kind === 'zstd' ? this.#zstd() : kind === 'tar' ? this.#tar() : this.#later(kind);
    this.#feed(head, false);
  }

  /** A hex dump (xxd, hexdump -C, od): the bytes it shows, scanned (and routed) as content of their own. */
  #dump(format: DumpFormat) {
    const sink = this.cx.open(`${this.path} (as a hex dump)`, this.depth + 1);
    const decoder = new DumpDecoder(format, (bytes) => {
      if (this.#allow(bytes.length)) sink.write(bytes);
    });
    return {
      push: (bytes: Uint8Array, final: boolean) => {
        decoder.push(bytes, final);
        if (final) sink.end();
      },
    };
  }

  #gzip() {
    const sink = this.cx.open(`${this.path}!`, this.depth + 1);
    const g = new Gunzip((chunk, final) => {
      if (chunk.length && this.#allow(chunk.length)) sink.write(chunk);
      if (final) sink.end();
    });
    return { push: (bytes: Uint8Array, final: boolean) => g.push(bytes, final) };
  }

  /**
   * zstd (Node's own): no synchronous stream exists, so the frame is gathered — at most
   * ZSTD_INPUT bytes of it — and decoded at its end, its output bounded by what the budget has left.
   */
  #zstd() {
    const parts: Buffer[] = [];
    let size = 0;
    const sink = this.cx.open(`${this.path}!`, this.depth + 1);
    return {
      push: (bytes: Uint8Array, final: boolean) => {
        size += bytes.length;
        if (size > ZSTD_INPUT) return this.#stop(`a zstd stream larger than ${ZSTD_INPUT} bytes inside a layer: the rest is not audited`);
        parts.push(Buffer.from(bytes));
        if (!final) return;
        const room = Math.max(0, Math.min(this.cx.limits.bytes - this.cx.budget.used, this.cx.limits.ratio * size + (1 << 20)));
        const out = zstdDecompressSync(Buffer.concat(parts), { maxOutputLength: room + 1 });
        if (this.#allow(out.length)) sink.write(out);
        sink.end();
      },
    };
  }

  /**
   * xz and bzip2: the stream is gathered (at most ZSTD_INPUT bytes) and decoded after the layer's
   * pass by a library loaded only then — xz-decompress (xz-embedded in WebAssembly), unbzip2-stream —
   * its output bounded as any other's.
   */
  #later(kind: 'xz' | 'bzip2') {
    const parts: Buffer[] = [];
    let size = 0;
    return {
      push: (bytes: Uint8Array, final: boolean) => {
        size += bytes.length;
        if (size > ZSTD_INPUT) return this.#stop(`a ${kind} stream larger than ${ZSTD_INPUT} bytes inside a layer: the rest is not audited`);
        parts.push(Buffer.from(bytes));
        if (final) this.cx.defer(this.#decodeLater(kind, Buffer.concat(parts)));
      },
    };
  }

  async #decodeLater(kind: 'xz' | 'bzip2', input: Buffer): Promise<void> {
    const sink = this.cx.open(`${this.path}!`, this.depth + 1);
    try {
      // What the bounds leave for this stream: the decoder is stopped once past it, a bomb never decoded whole.
      const room = Math.max(0, Math.min(this.cx.limits.bytes - this.cx.budget.used, this.cx.limits.ratio * input.length + (1 << 20)));
      for await (const chunk of kind === 'xz' ? xzChunks(input) : bzip2Chunks(input, room)) {
        if (!chunk.length) continue;
        if (!this.#allow(chunk.length)) return;
        sink.write(chunk);
      }
    } catch (e) {
      this.#stop(`a damaged ${kind} stream (${e instanceof Error ? e.message : String(e)})`);
    } finally {
      sink.end();
    }
  }

  #zip() {
    const unzip = new Unzip((file: UnzipFile) => {
      const path = inside(this.path, file.name);
      const sink = this.cx.open(path, this.depth + 1);
      // An entry of known size has its own expansion bound: a bomb entry stops alone, the entries beside it are still read.
      const cap = file.size === undefined ? undefined : this.cx.limits.ratio * file.size + (1 << 20);
      let out = 0;
      let bombed = false;
      file.ondata = (err, chunk, final) => {
        if (err) return this.#stop(`a damaged zip entry ${file.name} (${err.message})`);
        if (bombed) return;
        out += chunk.length;
        if (cap !== undefined && out > cap) {
          bombed = true;
          this.cx.limit(`it expands more than ${this.cx.limits.ratio} times (a decompression bomb?): the rest is not audited`, path);
          return sink.end();
        }
        if (chunk.length && this.#allow(chunk.length, cap !== undefined)) sink.write(chunk);
        if (final) sink.end();
      };
      if (file.compression !== 0 && file.compression !== 8)
        return this.cx.limit(`a zip entry compressed with method ${file.compression}, which the audit does not read`, inside(this.path, file.name));
      file.start();
    });
    unzip.register(NativeInflate);
    return { push: (bytes: Uint8Array, final: boolean) => unzip.push(bytes, final) };
  }

  #tar() {
    let current: { entry: TarEntry; sink: ContentSink } | undefined;
    const close = () => {
      current?.sink.end();
      current = undefined;
    };
    const walker = new TarWalker(
      (bytes, entry, part) => {
        if (part !== 'data' || !entry || (entry.type !== '0' && entry.type !== '\0')) return part === 'header' ? close() : undefined;
        if (current?.entry !== entry) {
          close();
          current = { entry, sink: this.cx.open(inside(this.path, entry.path), this.depth + 1) };
        }
        if (this.#allow(bytes.length)) current.sink.write(bytes);
      },
      (reason) => this.#stop(reason),
    );
    return {
      push: (bytes: Uint8Array, final: boolean) => {
        walker.write(bytes);
        if (final) close();
      },
    };
  }
}

/** An xz stream's content, as xz-decompress reads it. */
async function* xzChunks(input: Buffer): AsyncGenerator<Uint8Array> {
  const { XzReadableStream } = await import('xz-decompress');
  const source = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new Uint8Array(input));
      controller.close();
    },
  });
  const reader = new XzReadableStream(source).getReader();
  try {
    for (let r = await reader.read(); !r.done; r = await reader.read()) yield r.value;
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

const ENOUGH = new Error('enough');

/**
 * A bzip2 stream's content, a megabyte of input at a time. unbzip2-stream decodes synchronously
 * (a block, at most ~46 MB, per call); once more than `room` bytes came out, the next block is
 * refused, so a bomb stops after its first blocks.
 */
async function* bzip2Chunks(input: Buffer, room: number): AsyncGenerator<Buffer> {
  const unbzip2 = (await import('unbzip2-stream')).default;
  const decoder = unbzip2();
  const out: Buffer[] = [];
  let total = 0;
  let failure: unknown;
  decoder.on('data', (c: Buffer) => {
    out.push(c);
    total += c.length;
    if (total > room) throw ENOUGH; // caught by the decoder, which stops and says 'error'
  });
  decoder.on('error', (e: unknown) => (failure ??= e));
  const STEP = 1 << 20;
  for (let at = 0; ; at += STEP) {
    const last = at + STEP >= input.length;
    decoder.write(input.subarray(at, at + STEP));
    if (last) decoder.end();
    if (failure && failure !== ENOUGH) throw failure;
    yield* out.splice(0);
    if (last || failure) return;
  }
}

/** The most of a deflated zip entry gathered for Node's native inflate; larger ones stream through fflate. */
const NATIVE_ENTRY = 16 * 1024 * 1024;
/** The most one natively inflated entry may give; past it (a bomb, a lying header) fflate streams it, under the bounds. */
const NATIVE_OUTPUT = 64 * 1024 * 1024;

/**
 * Deflated zip entries (the class files of a jar) inflated by Node's zlib, several times faster
 * than JavaScript: an entry of known size is gathered and inflated at its end. An entry of unknown
 * size, a large one, or one whose output passes NATIVE_OUTPUT goes through fflate's streaming
 * inflate instead, so the router's bounds see its output as it comes.
 */
class NativeInflate implements UnzipDecoder {
  static readonly compression = 8;
  ondata: (err: FlateError | null, data: Uint8Array, final: boolean) => void = () => undefined;
  #parts: Uint8Array[] = [];
  #size = 0;
  #stream: UnzipInflate | undefined;

  constructor(
    readonly name: string,
    readonly compressed?: number,
    readonly original?: number,
  ) {
    if (compressed === undefined || compressed > NATIVE_ENTRY) this.#streamed();
  }

  #streamed(): UnzipInflate {
    const s = (this.#stream = new UnzipInflate());
    s.ondata = (err, data, final) => this.ondata(err, data, final);
    return s;
  }

  push(chunk: Uint8Array, final: boolean): void {
    if (this.#stream) return this.#stream.push(chunk, final);
    this.#parts.push(chunk.slice()); // fflate reuses its buffers
    this.#size += chunk.length;
    if (this.#size > NATIVE_ENTRY) return this.#replay(final);
    if (!final) return;
    const input = Buffer.concat(this.#parts);
    let out: Buffer;
    try {
      out = inflateRawSync(input, { maxOutputLength: Math.min(NATIVE_OUTPUT, (this.original ?? NATIVE_OUTPUT) + 1) });
    } catch {
      return this.#replay(true); // too large for its header, or damaged: fflate says which, under the bounds
    }
    this.#parts = [];
    this.ondata(null, out, true);
  }

  /** What was gathered, and the rest, through fflate's streaming inflate. */
  #replay(final: boolean): void {
    const parts = this.#parts;
    this.#parts = [];
    const s = this.#streamed();
    parts.forEach((p, i) => s.push(p, final && i === parts.length - 1));
  }
}
