/**
 * lzip (`.lz`, `.tar.lz`: `lzip`, `tar --lzip`, plzip, GNU source tarballs): members one after the
 * other, each a 6-byte header — "LZIP", version 1, the dictionary size coded in one byte — a raw
 * LZMA1 stream (lc 3, lp 0, pb 2) ending on its end marker, decoded by `lzma-core.ts`, and a 20-byte
 * trailer: the CRC-32 of the data, the data's size, the member's size. The CRC and the size are
 * checked, so damage the range coder lets through is still named. Members follow each other
 * (plzip, `cat a.lz b.lz`); bytes after the last that start no member end the decoding, as lzip's
 * own `--ignore-trailing` does. Output goes out as the window fills, each part allowed by the bounds first.
 */
import { crc32 } from 'node:zlib';
import { LzmaCore, LzmaError } from './lzma-core.js';
import { errorText, startsWith, type Decoder, type DecodeEnv, type Decoding, type Sink } from './types.js';

const MAGIC = [0x4c, 0x5a, 0x49, 0x50];
const HEADER = 6;
const TRAILER = 20;
/** More than the LZMA decoder ever leaves unread before it asks for input (its lookahead is 64). */
const TAIL = 128;

/** The dictionary size a header's byte codes: 2^n (n 12 to 29) less a sixteenth of it times the top three bits. */
export function lzipDict(byte: number): number | undefined {
  const n = byte & 0x1f;
  if (n < 12 || n > 29) return undefined;
  const size = 2 ** n - (2 ** n / 16) * (byte >> 5);
  return size >= 4096 ? size : undefined;
}

export const isLzip = (h: Uint8Array, at = 0) => startsWith(h, MAGIC, at) && h[at + 4] === 1 && h.length > at + 5 && lzipDict(h[at + 5]!) !== undefined;

const join = (a: Uint8Array, b: Uint8Array) => {
  if (!a.length) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
};

export const lzip: Decoder = {
  name: 'lzip',
  sniff: (h) => isLzip(h),
  open: (env) => new LzipDecoding(env),
};

/** Members read one after the other: a header, the LZMA stream, the trailer, then maybe the next member. */
class LzipDecoding implements Decoding {
  readonly #sink: Sink;
  #phase: 'header' | 'stream' | 'trailer' | 'next' | 'done' = 'header';
  #pending: Uint8Array = new Uint8Array(0);
  /** The last input given to the LZMA decoder: what it left unread after the end marker is the trailer's start. */
  #recent: Uint8Array = new Uint8Array(0);
  #core: LzmaCore | undefined;
  #started = false;
  #crc = 0;
  #members = 0;
  #fed = 0;
  #gave = 0;

  constructor(readonly env: DecodeEnv) {
    this.#sink = env.open();
  }

  get finished(): boolean {
    return this.#phase === 'done' && this.#members > 0;
  }

  async push(bytes: Uint8Array): Promise<void> {
    if (this.#phase === 'done' || this.env.stopped) return;
    this.#fed += bytes.length;
    await this.#guarded(bytes, false);
  }

  async end(): Promise<void> {
    if (this.#phase !== 'done' && this.#phase !== 'next' && !this.env.stopped) await this.#guarded(new Uint8Array(0), true);
    await this.#sink.end();
  }

  #fail(why: string): void {
    this.#phase = 'done';
    // Met inside other bytes by its magic, a failure is named only once the stream gave more than it was fed.
    if (!this.env.stopped && (!this.env.trial || this.#gave > this.#fed)) this.env.limit(`a damaged lzip member (${why}): the rest is not audited`);
  }

  async #guarded(bytes: Uint8Array, ended: boolean): Promise<void> {
    try {
      while (bytes && this.#phase !== 'done') {
        const rest = this.#phase === 'stream' ? await this.#stream(bytes, ended) : this.#framing(bytes, ended);
        if (!rest) return;
        bytes = rest;
      }
    } catch (e) {
      this.#fail(e instanceof LzmaError ? e.message : errorText(e));
    }
  }

  /** A header, a trailer or what follows a member, gathered until whole: what follows it, or undefined when more is needed. */
  #framing(bytes: Uint8Array, ended: boolean): Uint8Array | undefined {
    const phase = this.#phase;
    const pending = (this.#pending = join(this.#pending, bytes));
    const need = phase === 'next' ? 4 : phase === 'header' ? HEADER : TRAILER;
    if (pending.length < need) {
      if (ended && phase !== 'next') this.#fail(`the data ends inside its ${phase}`);
      return undefined;
    }
    this.#pending = new Uint8Array(0);
    if (phase === 'next') {
      if (!startsWith(pending, MAGIC))
        this.#phase = 'done'; // trailing bytes, not a member
      else this.#phase = 'header';
      return pending;
    }
    if (phase === 'header') {
      const dict = isLzip(pending) ? lzipDict(pending[5]!) : undefined;
      if (dict === undefined) return void this.#fail('a header that cannot be read');
      this.#core = new LzmaCore({ lc: 3, lp: 0, pb: 2, dictSize: dict });
      this.#started = false;
      this.#crc = 0;
      this.#recent = new Uint8Array(0);
      this.#phase = 'stream';
      return pending.subarray(HEADER);
    }
    const view = new DataView(pending.buffer, pending.byteOffset, TRAILER);
    const size = view.getUint32(4, true) + view.getUint32(8, true) * 2 ** 32;
    const total = this.#core!.total;
    if (size !== total) return void this.#fail(`${total} bytes decoded where its trailer says ${size}`);
    if (view.getUint32(0, true) !== this.#crc >>> 0) return void this.#fail('a CRC that does not match its data');
    this.#members++;
    this.#core = undefined;
    this.#phase = 'next';
    return pending.subarray(TRAILER);
  }

  /** The LZMA stream fed and decoded: what follows its end marker, or undefined while it goes on. */
  async #stream(bytes: Uint8Array, ended: boolean): Promise<Uint8Array | undefined> {
    const core = this.#core!;
    this.#recent = join(this.#recent.subarray(Math.max(0, this.#recent.length - TAIL)), bytes);
    core.feed(bytes);
    if (!this.#started) {
      if (core.unread < 5 && !ended) return undefined;
      if (core.unread < 5) throw new LzmaError('the data ends inside the stream');
      core.startRange();
      this.#started = true;
    }
    for (;;) {
      const wanting = core.decode(Infinity, ended);
      const out = core.take();
      if (out.length) {
        if (!this.env.allow(out.length)) return void (this.#phase = 'done');
        this.#crc = crc32(out, this.#crc);
        this.#gave += out.length;
        await this.#sink.write(out.slice());
      }
      if (core.marked) break;
      if (wanting || !out.length) {
        if (ended) this.#fail('the data ends inside the stream');
        return undefined;
      }
    }
    this.#phase = 'trailer';
    return this.#recent.subarray(this.#recent.length - core.unread);
  }
}
