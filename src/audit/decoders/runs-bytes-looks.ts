/**
 * Where the text readers' looks may find something, a window of a buffer at a time, sixteen bytes a step with
 * WebAssembly SIMD (`runs-bytes-looks.wat`): the spaced characters' runs (`spaced-chars.ts`: a one-byte separator equal
 * to the bytes two before and two after it, a carriage return to those three before and after) and the word lists'
 * numbers (`runs-bytes-words.ts`: a digit). Each reader looked at every seventh or eighth byte of a layer's text in
 * JavaScript, and did nothing at nearly all of them: 2.7 s of a 1 GiB bench's CPU, where the mask costs a copy and a
 * pass. Where WebAssembly is not there, `fill` says so and the readers look byte by byte as before.
 */
import { LOOKS_WASM } from './runs-bytes-looks-wasm.js';

interface Exports {
  memory: { readonly buffer: ArrayBuffer };
  spaced(input: number, blocks: number, out: number): void;
  digits(input: number, blocks: number, out: number): void;
  members(input: number, blocks: number, out: number): void;
}

/** The global WebAssembly (the project's TypeScript libraries do not declare it). */
const WebAssembly = (
  globalThis as unknown as {
    WebAssembly?: { Module: new (bytes: Uint8Array) => object; Instance: new (module: object) => { exports: unknown } };
  }
).WebAssembly;

let made: Exports | null | undefined;
/** The module every reader shares (a mask is copied out at once: a reader's sink may use it in turn), or null. */
function wasm(): Exports | null {
  if (made === undefined) {
    try {
      if (!WebAssembly) throw new Error('no WebAssembly');
      made = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(LOOKS_WASM, 'base64'))).exports as unknown as Exports;
    } catch {
      made = null;
    }
  }
  return made;
}

/** The bytes marked at a time (a multiple of 32). */
export const WINDOW = 16384;
/** Buffers shorter than this are looked at byte by byte: the call and the copies cost more than they save. */
export const MIN_MARKED = 1024;
/** Where the window is in the module's memory (the members' nibble tables before it): the three bytes before it read too. */
const INPUT = 64;
/** Where the mask is written: after the window, the word after it (`members`), its three bytes after, a block's padding. */
const OUT = INPUT + WINDOW + 128;
/** The bytes read around each: before and after a window. */
const AROUND = 3;

/** The nibble tables of a table of ASCII bytes: LO[c & 15] & HI[c >> 4] is not 0 where c is in it (a bit a high nibble). */
function nibbles(table: Uint8Array): Uint8Array {
  const t = new Uint8Array(32);
  for (let c = 0; c < 128; c++) if (table[c]) t[c & 15]! |= 1 << (c >> 4);
  for (let h = 0; h < 8; h++) t[16 + h] = 1 << h;
  return t;
}

export class Marks {
  /** Bit j of word k: byte `from + 32k + j` is marked (one word more: a stretch's bytes after the window). */
  readonly #words = new Uint32Array(WINDOW / 32 + 1);
  readonly #nibbles: Uint8Array | undefined;
  /** The window marked: [from, to) of the buffer last filled (to = from: none). */
  from = 0;
  to = 0;

  /**
   * `members`: bytes p to p + min - 1 are all in `table` (ASCII bytes only; min of 2 to 32) — where a stretch of them
   * `min` long or longer starts, or goes on.
   */
  constructor(
    readonly kind: 'spaced' | 'digits' | 'members',
    table?: Uint8Array,
    readonly min = 1,
  ) {
    this.#nibbles = table && nibbles(table);
  }

  /** Forgets the window (a new buffer is looked at). */
  reset(): void {
    this.from = this.to = 0;
  }

  /** Whether `p` is in the window marked. */
  holds(p: number): boolean {
    return p >= this.from && p < this.to;
  }

  /** Marks the window of `b` from `at`; false where WebAssembly is not there (nothing marked). */
  fill(b: Uint8Array, at: number): boolean {
    const w = wasm();
    if (!w) return false;
    const length = Math.min(WINDOW, b.length - at);
    // A stretch's marks need the bytes after the window: its next word's are marked too.
    const span = Math.min(length + (this.kind === 'members' ? 32 : 0), b.length - at);
    const memory = new Uint8Array(w.memory.buffer);
    if (this.#nibbles) memory.set(this.#nibbles, 0);
    const before = Math.min(AROUND, at);
    memory.fill(0, INPUT - AROUND, INPUT - before);
    const read = Math.min(span + AROUND, b.length - at);
    memory.set(b.subarray(at - before, at + read), INPUT - before);
    const blocks = Math.ceil(span / 32) * 2;
    memory.fill(0, INPUT + read, INPUT + blocks * 16 + AROUND + 16);
    w[this.kind](INPUT, blocks, OUT);
    this.#words.set(new Uint32Array(w.memory.buffer, OUT, blocks >>> 1));
    if (this.kind === 'members') this.#stretches(blocks >>> 1);
    // Bits past the window's end (its last word's) are none.
    if (length & 31) this.#words[length >>> 5] = this.#words[length >>> 5]! & ((1 << (length & 31)) - 1);
    this.from = at;
    this.to = at + length;
    return true;
  }

  /** Members to where `min` of them in a row start: bit p and'ed with bit p + s for s of 1, 2, 4, … (the words' last reads zeros after it). */
  #stretches(count: number): void {
    const words = this.#words;
    for (let have = 1; have < this.min;) {
      const s = Math.min(have, this.min - have);
      for (let k = 0; k < count; k++) words[k] = words[k]! & ((words[k]! >>> s) | (k + 1 < count ? words[k + 1]! << (32 - s) : 0));
      have += s;
    }
  }

  /**
   * The first marked byte from `p` (within the window) whose distance from `p` is a multiple of `stride` (1 or 8; a
   * power of two up to 8), or -1 where none is left in the window.
   */
  next(p: number, stride = 1): number {
    const from = this.from;
    let k = (p - from) >>> 5;
    const end = (this.to - from + 31) >>> 5;
    if (k >= end) return -1;
    // The bits a stride may land on, in word k (32k is a multiple of 8): every one, or one a byte at p's phase.
    const phase = stride === 1 ? 0xffffffff : ((stride === 2 ? 0x55555555 : stride === 4 ? 0x11111111 : 0x01010101) << ((p - from) & (stride - 1))) >>> 0;
    let m = this.#words[k]! & phase & (0xffffffff << ((p - from) & 31));
    while (m === 0) {
      if (++k >= end) return -1;
      m = this.#words[k]! & phase;
    }
    return from + (k << 5) + (31 - Math.clz32(m & -m));
  }
}
