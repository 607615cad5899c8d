/**
 * LZ4 frames (`lz4` CLI, zstd's cousin in kernels, initramfs and some layer tools), decoded here:
 * the frame format is small and Node has no LZ4. One block (at most 4 MiB) is held at a time, with
 * the 64 KiB of history that linked blocks may copy from. Checksums are not verified: a damaged
 * frame shows as an impossible offset or length, or a frame cut short.
 */
import { Joined, NOTHING, readAlready } from './concatenated.js';
import { startsWith, type Decoder, type DecodeEnv, type Decoding, type Sink } from './types.js';

const MAGIC = [0x04, 0x22, 0x4d, 0x18];
const HISTORY = 64 * 1024;

/** Magic, then a FLG byte of version 01 with its reserved bit clear, and a BD byte naming a block size. */
export const isLz4 = (h: Uint8Array, at = 0) =>
  startsWith(h, MAGIC, at) && h.length > at + 5 && (h[at + 4]! & 0xc2) === 0x40 && (h[at + 5]! & 0x8f) === 0 && h[at + 5]! >> 4 >= 4;

/** Decodes one LZ4 block into `dst` from `at` (history before it); returns where the output ends. */
export function lz4Block(src: Uint8Array, dst: Uint8Array, at: number): number {
  let i = 0;
  let o = at;
  while (i < src.length) {
    const token = src[i++]!;
    let lit = token >> 4;
    if (lit === 15) for (let b = 255; b === 255 && i < src.length; lit += b) b = src[i++]!;
    if (i + lit > src.length || o + lit > dst.length) throw new Error('a literal run past the block');
    dst.set(src.subarray(i, i + lit), o);
    i += lit;
    o += lit;
    if (i >= src.length) break; // the last sequence has no match
    const offset = src[i]! | (src[i + 1]! << 8);
    i += 2;
    let len = (token & 15) + 4;
    if (len === 19) for (let b = 255; b === 255 && i < src.length; len += b) b = src[i++]!;
    if (offset === 0 || offset > o) throw new Error('a match before the start of the data');
    if (o + len > dst.length) throw new Error('a match past the block');
    for (let k = 0; k < len; k++, o++) dst[o] = dst[o - offset]!;
  }
  return o;
}

/** A block, compressed or stored, decoded into `window` after `kept` bytes of history; returns where it ends. */
function blockInto(data: Uint8Array, raw: boolean, window: Uint8Array, kept: number): number {
  if (!raw) return lz4Block(data, window, kept);
  window.set(data, kept);
  return kept + data.length;
}

/** A frame header's length, flags and block size, from its first bytes (undefined: more are needed). */
function frameHeader(peek: Uint8Array): { length: number; flags: number; blockMax: number } | undefined {
  const flags = peek[4]!;
  const length = 7 + (flags & 0x08 ? 8 : 0) + (flags & 0x01 ? 4 : 0);
  return peek.length < length ? undefined : { length, flags, blockMax: 1 << (8 + 2 * (peek[5]! >> 4)) };
}

/** A skippable frame's magic (0x184D2A50 to 0x184D2A5F, little-endian): `lz4 -dc` passes over it. */
const isSkippable = (b: Uint8Array) => (b[0]! & 0xf0) === 0x50 && b[1] === 0x2a && b[2] === 0x4d && b[3] === 0x18;

export const lz4: Decoder = {
  name: 'lz4',
  sniff: (h) => isLz4(h),
  // A later frame of an lz4 file, found by the router's search after its first: read with the frames before it.
  open: (env) => (readAlready(env) ? NOTHING : new Lz4Decoding(env)),
  more: true,
};

/**
 * Frame after frame, their output one content, as `lz4 -dc` gives it (`cat a.lz4 b.lz4`, `lz4 -c >>`), skippable frames
 * passed over; bytes after the last frame that start none are the router's, searched for lz4 frames as before (`more`),
 * the frames read here passed over (`concatenated.ts`). A frame found inside other bytes (`env.trial`) is read alone:
 * the frames after it are found there too.
 */
class Lz4Decoding implements Decoding {
  readonly #sink: Sink;
  readonly #parts: Uint8Array[] = [];
  #have = 0;
  /** Bytes taken so far: where in the content the next one is. */
  #taken = 0;
  #state: 'header' | 'size' | 'block' | 'next' | 'skipsize' | 'skip' | 'done' | 'failed' = 'header';
  #flags = 0;
  #blockMax = 0;
  #need = 7;
  #block = { size: 0, raw: false };
  #window = new Uint8Array(0);
  /** History bytes at the start of `window`. */
  #kept = 0;
  readonly #joined: Joined;

  constructor(readonly env: DecodeEnv) {
    this.#sink = env.open();
    this.#joined = new Joined(env);
  }

  get finished(): boolean {
    return this.#state === 'done' || this.#state === 'failed';
  }

  async push(bytes: Uint8Array): Promise<void> {
    if (this.finished || this.env.stopped) return;
    this.#parts.push(bytes.slice());
    this.#have += bytes.length;
    await this.#step();
  }

  async end(): Promise<void> {
    this.#joined.forget();
    await this.#sink.end();
    if (this.#state === 'next' || this.#state === 'skip' || this.#state === 'skipsize') return; // after a whole frame
    if (!this.finished && !this.env.stopped) this.#fail('the frame is cut short');
  }

  #take(n: number): Uint8Array {
    const all = this.#parts.length === 1 ? this.#parts[0]! : Buffer.concat(this.#parts);
    this.#parts.length = 0;
    if (all.length > n) this.#parts.push(all.subarray(n));
    this.#have -= n;
    this.#taken += n;
    return all.subarray(0, n);
  }

  #fail(why: string): void {
    this.#state = 'failed';
    this.env.limit(`a damaged lz4 frame (${why}): the rest is not audited`);
  }

  async #step(): Promise<void> {
    while ((this.#state === 'skip' ? this.#have > 0 : this.#have >= this.#need) && !this.finished) {
      const state = this.#state;
      if (state === 'header') this.#header();
      else if (state === 'size') this.#size();
      else if (state === 'block') await this.#decodeBlock();
      else if (state === 'skip') this.#skip();
      else if (state === 'skipsize') this.#skipSize();
      else this.#next();
    }
  }

  /** After a frame: the next frame, a skippable frame, or bytes that start neither — the end (the router reads on in them). */
  #next(): void {
    const head = this.#take(6);
    if (isLz4(head)) {
      this.#parts.unshift(head);
      [this.#have, this.#taken, this.#state, this.#need] = [this.#have + 6, this.#taken - 6, 'header', 7];
      this.#joined.member(this.#taken);
    } else if (isSkippable(head)) {
      this.#parts.unshift(head.subarray(4));
      [this.#have, this.#taken, this.#state, this.#need] = [this.#have + 2, this.#taken - 2, 'skipsize', 4];
    } else this.#state = 'done';
  }

  #skipSize(): void {
    const b = this.#take(4);
    const size = (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
    [this.#state, this.#need] = size ? ['skip', size] : ['next', 6];
  }

  /** A skippable frame's body, or a frame's content checksum, passed over as it comes. */
  #skip(): void {
    this.#need -= this.#take(Math.min(this.#have, this.#need)).length;
    if (!this.#need) [this.#state, this.#need] = ['next', 6];
  }

  #header(): void {
    const peek = this.#take(Math.min(this.#have, 19));
    if (!isLz4(peek)) return this.#fail('not a frame header');
    const header = frameHeader(peek);
    const length = header?.length ?? 19;
    this.#parts.unshift(peek.subarray(header ? length : 0));
    this.#have += peek.length - (header ? length : 0);
    this.#taken -= peek.length - (header ? length : 0);
    if (!header) {
      this.#need = 7 + (peek[4]! & 0x08 ? 8 : 0) + (peek[4]! & 0x01 ? 4 : 0);
      return;
    }
    ({ flags: this.#flags, blockMax: this.#blockMax } = header);
    if (this.#window.length !== HISTORY + this.#blockMax) this.#window = new Uint8Array(HISTORY + this.#blockMax);
    this.#kept = 0; // a frame copies from nothing before it
    [this.#state, this.#need] = ['size', 4];
  }

  #size(): void {
    const b = this.#take(4);
    const word = (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
    if (word === 0) {
      // The end mark, then the content checksum if the frame has one (not checked); then maybe another frame.
      if (this.env.trial) return void (this.#state = 'done');
      [this.#state, this.#need] = this.#flags & 0x04 ? ['skip', 4] : ['next', 6];
      return;
    }
    this.#block = { size: word & 0x7fffffff, raw: word >>> 31 === 1 };
    if (this.#block.size > this.#blockMax) return this.#fail(`a block of ${this.#block.size} bytes in a frame of ${this.#blockMax}-byte blocks`);
    [this.#state, this.#need] = ['block', this.#block.size + (this.#flags & 0x10 ? 4 : 0)];
  }

  async #decodeBlock(): Promise<void> {
    let end: number;
    try {
      end = blockInto(this.#take(this.#need).subarray(0, this.#block.size), this.#block.raw, this.#window, this.#kept);
    } catch (e) {
      return this.#fail((e as Error).message);
    }
    const produced = this.#window.slice(this.#kept, end);
    const keep = Math.min(HISTORY, end);
    this.#window.copyWithin(0, end - keep, end);
    this.#kept = this.#flags & 0x20 ? 0 : keep; // independent blocks copy from nothing before them
    [this.#state, this.#need] = ['size', 4];
    if (!this.env.allow(produced.length)) return void (this.#state = 'failed');
    await this.#sink.write(produced);
  }
}
