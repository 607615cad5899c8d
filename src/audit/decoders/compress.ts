/**
 * Unix compress (`.Z`, `.tar.Z`, `.taz`: ncompress, old tarballs and core dumps, gzip -d reads it):
 * the magic 1f 9d, a flags byte (block mode, the widest code, 9 to 16 bits), then LZW codes packed
 * least significant bit first, starting 9 bits wide. Decoded here — Node has no LZW — as gzip's
 * unlzw.c and ncompress do, quirk included: codes come in groups of eight (a group of n-bit codes is
 * n bytes), and when the code width grows or the table is cleared (code 256 in block mode) the rest
 * of the current group is skipped. The stream has no end mark: it ends with the content. The tables
 * are fixed (64 Ki entries); output goes out in OUT-byte buffers, each allowed by the bounds first,
 * so a bomb (a few KiB of codes can expand a thousand times) stops at its first buffer past them.
 */
import { startsWith, type Decoder, type DecodeEnv, type Decoding } from './types.js';

const CLEAR = 256;
const OUT = 64 * 1024;
/** The longest string one code gives: one byte per table entry. */
const STACK = 1 << 16;

/** The magic, then a flags byte with its reserved bits clear and a widest code of 9 to 16 bits. */
export const isCompress = (h: Uint8Array, at = 0) =>
  startsWith(h, [0x1f, 0x9d], at) && h.length > at + 2 && (h[at + 2]! & 0x60) === 0 && (h[at + 2]! & 0x1f) >= 9 && (h[at + 2]! & 0x1f) <= 16;

export class LzwError extends Error {}

/**
 * The LZW decoder, resumable: `feed` input, then `run` decodes until its output buffer is full
 * (`take` it) or the input is used up (`ended`: no more will come, the last partial code is dropped).
 */
export class Lzw {
  readonly #maxBits: number;
  readonly #block: boolean;
  readonly #prefix = new Uint16Array(1 << 16);
  readonly #suffix = new Uint8Array(1 << 16);
  readonly #stack = new Uint8Array(STACK);
  /**
   * The code width, the next free table entry, the previous code and its first byte, the codes read since the width
   * last changed (a width change skips to the end of their group of eight), the bit position of the next code in `#in`.
   */
  #state: { bits: number; free: number; old: number; fin: number; codes: number; pos: number };
  #in = new Uint8Array(0);
  readonly #out = new Uint8Array(OUT + STACK);
  #outAt = 0;
  total = 0;

  constructor(flags: number) {
    this.#maxBits = flags & 0x1f;
    this.#block = (flags & 0x80) !== 0;
    this.#state = { bits: 9, free: this.#block ? 257 : 256, old: -1, fin: 0, codes: 0, pos: 0 };
    for (let i = 0; i < 256; i++) this.#suffix[i] = i;
  }

  feed(bytes: Uint8Array): void {
    const keep = this.#state.pos >> 3;
    const rest = this.#in.subarray(keep);
    const joined = new Uint8Array(rest.length + bytes.length);
    joined.set(rest);
    joined.set(bytes, rest.length);
    this.#in = joined;
    this.#state.pos -= keep * 8;
  }

  /** Decodes until OUT bytes wait (true) or the input is used up (false). Throws LzwError on damage. */
  run(): boolean {
    const max = this.#maxBits;
    const maxCode = 1 << max;
    const block = this.#block;
    const prefix = this.#prefix;
    const suffix = this.#suffix;
    const stack = this.#stack;
    const out = this.#out;
    const input = this.#in;
    const avail = input.length * 8;
    // The state in locals for the loop (V8 keeps them in registers), written back at its end.
    let { bits, free, old, fin, codes, pos } = this.#state;
    let top = bits === max ? maxCode : (1 << bits) - 1;
    let mask = (1 << bits) - 1;
    let at = this.#outAt;
    try {
      while (at < OUT) {
        if (free > top && bits < max) {
          // A wider code: the rest of this group of eight codes is padding.
          pos += ((8 - (codes % 8)) % 8) * bits;
          codes = 0;
          bits++;
          top = bits === max ? maxCode : (1 << bits) - 1;
          mask = (1 << bits) - 1;
          continue;
        }
        if (pos + bits > avail) break;
        const byte = pos >> 3;
        const word = input[byte]! | ((input[byte + 1] ?? 0) << 8) | ((input[byte + 2] ?? 0) << 16);
        let code = (word >>> (pos & 7)) & mask;
        pos += bits;
        codes++;
        if (old === -1) {
          if (code >= 256) throw new LzwError('a first code that is not a byte');
          old = fin = code;
          out[at++] = code;
          continue;
        }
        if (code === CLEAR && block) {
          pos += ((8 - (codes % 8)) % 8) * bits;
          codes = 0;
          bits = 9;
          top = 511;
          mask = 511;
          free = 256; // the next code read makes entry 256, never used (it is CLEAR's)
          continue;
        }
        const incoming = code;
        let sp = STACK;
        if (code >= free) {
          if (code > free) throw new LzwError(`code ${code} before its table entry (${free})`);
          stack[--sp] = fin;
          code = old;
        }
        while (code >= 256) {
          stack[--sp] = suffix[code]!;
          code = prefix[code]!;
        }
        stack[--sp] = fin = suffix[code]!;
        while (sp < STACK) out[at++] = stack[sp++]!;
        if (free < maxCode) {
          prefix[free] = old;
          suffix[free] = fin;
          free++;
        }
        old = incoming;
      }
    } finally {
      this.#state = { bits, free, old, fin, codes, pos };
      this.#outAt = at;
    }
    return at >= OUT;
  }

  /** The decoded bytes waiting, copied out. */
  take(): Uint8Array {
    const out = this.#out.slice(0, this.#outAt);
    this.total += this.#outAt;
    this.#outAt = 0;
    return out;
  }
}

export const compress: Decoder = {
  name: 'compress',
  sniff: (h) => isCompress(h),
  open(env: DecodeEnv): Decoding {
    const sink = env.open();
    let header = new Uint8Array(0);
    let lzw: Lzw | undefined;
    let state: 'run' | 'stopped' = 'run';
    let fed = 0;
    const drain = async () => {
      if (!lzw || state !== 'run') return;
      try {
        for (;;) {
          const full = lzw.run();
          const out = lzw.take();
          if (out.length) {
            if (!env.allow(out.length)) return void (state = 'stopped');
            await sink.write(out);
          }
          if (!full) return;
        }
      } catch (e) {
        state = 'stopped';
        // Met inside other bytes by its magic, a failure is named only once the stream gave more than it was fed.
        if (!env.stopped && (!env.trial || lzw.total > fed)) env.limit(`a damaged compress (.Z) stream (${(e as Error).message}): the rest is not audited`);
      }
    };
    return {
      get finished() {
        return state === 'stopped';
      },
      async push(bytes) {
        if (state !== 'run' || env.stopped) return;
        fed += bytes.length;
        if (!lzw) {
          const joined = new Uint8Array(header.length + bytes.length);
          joined.set(header);
          joined.set(bytes, header.length);
          if (joined.length < 3) return void (header = joined);
          lzw = new Lzw(joined[2]!);
          bytes = joined.subarray(3);
        }
        lzw.feed(bytes);
        await drain();
      },
      async end() {
        await sink.end();
      },
    };
  },
};
