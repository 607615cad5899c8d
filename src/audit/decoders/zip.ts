/**
 * The zip family (`.jar`, `.war`, `.whl`, `.apk`, `.nupkg`, `.docx`): fflate's streaming `Unzip`
 * walks the local headers; stored members pass as they are, deflated ones are inflated by Node's
 * zlib (`NativeInflate`: an entry of known size gathered, at most 4 MiB, and inflated at its end;
 * others stream through fflate). A member of known size has its own expansion bound, so a bomb
 * member stops alone. LZMA members (14) are decoded by `lzma-zip.ts`, Deflate64 ones (9) by `deflate64.ts`;
 * bzip2, zstd and xz ones (12, 93, 95) are whole streams for the registry. Other methods are named as not read,
 * and so are encrypted members (`zip-encrypted.ts`).
 */
import { Unzip, UnzipInflate, UnzipPassThrough, type FlateError, type UnzipDecoder, type UnzipFile } from 'fflate';
import { inflateRawSync } from 'node:zlib';
import { ZipDeflate64 } from './deflate64.js';
import { ZipLzma } from './lzma-zip.js';
import { EncryptedMembers } from './zip-encrypted.js';
import { DEFLATE_MAX_RATIO, inside, startsWith, type Decoder, type Sink } from './types.js';

/** A local file header: its signature, a version needed below 6.4, a method zip tools write, a name of sane length. */
export function isZipLocal(h: Uint8Array, at = 0): boolean {
  if (!startsWith(h, [0x50, 0x4b, 0x03, 0x04], at) || h.length < at + 30) return false;
  const u16 = (i: number) => h[at + i]! | (h[at + i + 1]! << 8);
  return u16(4) <= 64 && [0, 8, 9, 12, 14, 93, 95, 99].includes(u16(8)) && u16(26) > 0 && u16(26) <= 1024;
}

export const zip: Decoder = {
  name: 'zip',
  // What the archive itself expands to: deflated and stored members (other methods' streams go to their own decoders as they are).
  maxRatio: DEFLATE_MAX_RATIO,
  sniff: (h) => startsWith(h, [0x50, 0x4b, 0x03, 0x04]),
  open(env) {
    let queue: Promise<void> = Promise.resolve();
    const run = (f: () => void | Promise<void>) => void (queue = queue.then(f));
    const encrypted = new EncryptedMembers();
    const met = new Set<string>();
    const unzip = new Unzip((file: UnzipFile) => {
      const path = inside(env.path, file.name);
      met.add(file.name);
      if (!READ.has(file.compression)) return env.limit(`a zip entry ${methodName(file.compression)}, which the audit does not read`, path);
      const sink: Sink = env.open(file.name);
      // A deflated member is held to deflate's own bound (a zip of a flat image or log is no bomb); others to the audit's.
      const ratio = file.compression === 8 ? Math.max(env.ratio, DEFLATE_MAX_RATIO + 1) : env.ratio;
      const cap = file.size === undefined ? undefined : ratio * file.size + (1 << 20);
      let out = 0;
      let over = false;
      file.ondata = (err, chunk, final) => {
        if (over) return;
        if (err) {
          over = true;
          env.limit(`a damaged zip entry (${err.message}): the rest is not audited`, path);
          return run(() => sink.end());
        }
        out += chunk.length;
        if (cap !== undefined && out > cap) {
          over = true;
          env.limit(`it expands more than ${ratio} times (a decompression bomb?): the rest is not audited`, path);
          return run(() => sink.end());
        }
        if (chunk.length && env.allow(chunk.length)) {
          const copy = chunk.slice();
          run(() => sink.write(copy));
        }
        if (final) run(() => sink.end());
      };
      file.start();
    });
    unzip.register(NativeInflate);
    unzip.register(ZipLzma);
    unzip.register(ZipDeflate64);
    for (const member of WHOLE_STREAMS) unzip.register(member);
    return {
      push(bytes) {
        if (env.stopped) return;
        encrypted.scan(bytes);
        try {
          unzip.push(bytes, false);
        } catch (e) {
          env.limit(`a damaged zip (${(e as Error).message}): the rest is not audited`);
        }
        return queue;
      },
      end() {
        try {
          unzip.push(new Uint8Array(0), true);
        } catch (e) {
          env.limit(`a damaged zip (${(e as Error).message}): the rest is not audited`);
        }
        for (const name of encrypted.encrypted(met))
          env.limit('an encrypted zip entry (zip -e: PKWARE encryption), which the audit cannot read', inside(env.path, name));
        return queue;
      },
    };
  },
};

/**
 * Methods whose member data is a whole stream of a format the registry reads, magic number and all: bzip2 (12,
 * `zip -Z bzip2`, Python's ZIP_BZIP2), zstd (93) and xz (95). Such a member's bytes go to its sink as they are and
 * the router there claims the stream, so the member is read by the same decoder, under the same bounds, as a
 * `.bz2`, `.zst` or `.xz` file (its content at `app.zip!/member!`).
 */
const WHOLE_STREAMS = [12, 93, 95].map(
  (method) =>
    class extends UnzipPassThrough {
      static override readonly compression = method;
    },
);
const READ = new Set([0, 8, ZipLzma.compression, ZipDeflate64.compression, ...WHOLE_STREAMS.map((m) => m.compression)]);

/** A method the audit does not read, named (LZMA, 14, and Deflate64, 9, are read: `lzma-zip.ts`, `deflate64.ts`). */
function methodName(method: number): string {
  const known: Record<number, string> = { 1: 'shrunk', 6: 'imploded', 9: 'deflate64', 14: 'lzma', 98: 'ppmd', 99: 'AES-encrypted' };
  return method === 99 ? `encrypted (AES, method 99)` : `compressed with ${known[method] ? `${known[method]} (method ${method})` : `method ${method}`}`;
}

/** The most of a deflated zip entry gathered for Node's native inflate; larger ones stream through fflate. */
const NATIVE_ENTRY = 4 * 1024 * 1024;
/** The most one natively inflated entry may give; past it (a bomb, a lying header) fflate streams it, under the bounds. */
const NATIVE_OUTPUT = 16 * 1024 * 1024;

/**
 * Deflated zip entries (the class files of a jar) inflated by Node's zlib, several times faster
 * than JavaScript: an entry of known size is gathered and inflated at its end. An entry of unknown
 * size, a large one, or one whose output passes NATIVE_OUTPUT goes through fflate's streaming
 * inflate instead, so the bounds see its output as it comes.
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
