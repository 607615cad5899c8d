/**
 * One zip member's content on its way to the audit: where its decoded bytes go (`MemberOutput`:
 * a sink opened at its first byte, each byte allowed first, the member's own expansion bound) and
 * what reads its data as stored for the methods other than deflate (`memberReader`): stored and
 * whole-stream methods pass through, LZMA and Deflate64 are decoded by `lzma-zip.ts` and
 * `deflate64.ts`, the rest are skipped, the walker having named them.
 */
import { ZipDeflate64 } from './deflate64.js';
import { ZipLzma } from './lzma-zip.js';
import type { MethodDecoder } from './zip-method.js';
import { Lease } from './zip-output-pool.js';
import { DEFLATE_MAX_RATIO, type DecodeEnv, type Sink } from './types.js';

/** What reads a member's data as stored (every method but deflate, which the walker inflates itself). */
export interface MemberReader {
  data(bytes: Uint8Array): Promise<void>;
  /** Its data ended (`cut`: before it should have: the archive ends inside it). */
  end(cut: boolean): Promise<void>;
}

/**
 * Methods whose member data is a whole stream of a format the registry reads, magic number and all: bzip2 (12,
 * `zip -Z bzip2`, Python's ZIP_BZIP2), zstd (93) and xz (95). Such a member's bytes go to its sink as they are and
 * the router there claims the stream, so the member is read by the same decoder, under the same bounds, as a
 * `.bz2`, `.zst` or `.xz` file (its content at `app.zip!/member!`).
 */
const WHOLE_STREAMS = new Set([12, 93, 95]);
const DECODED: Record<number, new (name: string, compressed?: number, original?: number) => MethodDecoder> = {
  [ZipLzma.compression]: ZipLzma,
  [ZipDeflate64.compression]: ZipDeflate64,
};
/** The methods the audit reads. */
export const readable = (method: number) => method === 0 || method === 8 || WHOLE_STREAMS.has(method) || method in DECODED;

/** A method the audit does not read, named. */
export function methodName(method: number): string {
  const known: Record<number, string> = { 1: 'shrunk', 6: 'imploded', 98: 'ppmd' };
  return method === 99 ? `encrypted (AES, method 99)` : `compressed with ${known[method] ? `${known[method]} (method ${method})` : `method ${method}`}`;
}

/** Where one member's decoded bytes go: its sink (opened at the first byte), each byte allowed, its expansion bounded. */
export class MemberOutput {
  #sink: Sink | undefined;
  #out = 0;
  #stopped = false;
  /** Decoded bytes per stored byte above which the member is a bomb: deflate bounds itself (1032), others the audit's ratio. */
  readonly ratio: number;
  /** The buffers its output was inflated into at once (`inflateAtOnce`), given back once its sink has ended. */
  readonly lease = new Lease();

  constructor(
    readonly env: DecodeEnv,
    readonly name: string,
    readonly path: string,
    method: number,
  ) {
    this.ratio = method === 8 ? Math.max(env.ratio, DEFLATE_MAX_RATIO + 1) : env.ratio;
  }

  get stopped(): boolean {
    return this.#stopped || this.env.stopped;
  }

  /** Writes decoded bytes, the member having taken `stored` bytes so far; false once it writes no more. */
  async write(bytes: Uint8Array, stored: number): Promise<boolean> {
    if (this.stopped) return false;
    if (!bytes.length) return true;
    this.#out += bytes.length;
    if (this.#out > this.ratio * stored + (1 << 20)) {
      this.#stopped = true;
      this.env.limit(`it expands more than ${this.ratio} times (a decompression bomb?): the rest is not audited`, this.path);
      return false;
    }
    if (!this.env.allow(bytes.length)) return !(this.#stopped = true);
    await (this.#sink ??= this.env.open(this.name)).write(bytes);
    return true;
  }

  /** The member's bytes as decoded: all of them, or all it was let write. */
  get written(): number {
    return this.#out;
  }

  async end(): Promise<void> {
    this.#stopped = true;
    const sink = this.#sink;
    this.#sink = undefined;
    await sink?.end();
    // Every reader of the member's content is done with its bytes (the sink's end awaits them all).
    this.lease.release();
  }
}

/** The reader of a member's data as stored in `method` (not 8, deflate), or undefined when the audit does not read it. */
export function memberReader(method: number, out: MemberOutput, original: number | undefined, fail: (what: string) => void): MemberReader | undefined {
  if (method === 0 || WHOLE_STREAMS.has(method)) return passThrough(out);
  const Decoded = DECODED[method];
  return Decoded ? decoded(new Decoded(out.name, undefined, original), out, fail) : undefined;
}

function passThrough(out: MemberOutput): MemberReader {
  let stored = 0;
  return {
    data: async (bytes) => void (await out.write(bytes, (stored += bytes.length))),
    end: () => out.end(),
  };
}

/** A member through its method's decoder: what it hands out during a push is written after it, in order. */
function decoded(decoder: MethodDecoder, out: MemberOutput, fail: (what: string) => void): MemberReader {
  let stored = 0;
  let failed = false;
  let pending: Uint8Array[] = [];
  decoder.ondata = (err, data) => {
    if (err) {
      failed = true;
      return fail(`a damaged zip entry (${err.message}): the rest is not audited`);
    }
    if (data.length) pending.push(data);
  };
  const flush = async () => {
    const parts = pending;
    pending = [];
    for (const p of parts) if (!(await out.write(p, stored))) break;
  };
  return {
    async data(bytes) {
      if (failed || out.stopped) return;
      stored += bytes.length;
      decoder.push(bytes.slice(), false); // the decoders keep what they have not read yet; the input is lent
      await flush();
    },
    async end(cut) {
      // Cut short, the walker names the member; its decoder is not asked to say so again.
      if (!failed && !out.stopped && !cut) decoder.push(new Uint8Array(0), true);
      await flush();
      await out.end();
    },
  };
}
