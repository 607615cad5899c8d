/**
 * Java array initializers as javac compiles them (Kotlin's `byteArrayOf` is compiled alike; not
 * tried here, no kotlinc being installed):
 * `static final byte[] K = {0x41, 0x42, …}` is `newarray T_BYTE`, then per element `dup`, the
 * index pushed, the value pushed, `bastore` — the value's bytes one opcode operand apart, in a
 * class file or a jar's member (the audit opens zip members). Read as the bytes the array holds: a
 * `char[]` (`castore`) or a `short[]` (`sastore`) of the value's characters as UTF-16 code units,
 * made UTF-8. Found by a native search for `dup`, `iconst_0` — every initializer's first element —
 * with `newarray T` before it, then read element by element while the indices follow on; an array
 * of at least MIN_BYTES elements is routed as content of its own (`(Java byte[] initializer at N)`).
 * A `char[]` element above U+7FFF is an `ldc` of the constant pool (`한`, half a surrogate pair),
 * which is not looked up: the array is read up to it.
 */
import { MIN_BYTES } from './runs-bytes.js';
import type { Sink } from './types.js';

const NEWARRAY = 0xbc;
const DUP = 0x59;
const [ICONST_M1, ICONST_5, BIPUSH, SIPUSH] = [0x02, 0x08, 0x10, 0x11];

/** The kinds read, by `newarray`'s type operand: the store opcode that ends each element, and what the elements are. */
const KINDS = [
  { type: 0x08, store: 0x54, name: 'Java byte[] initializer', units: false },
  { type: 0x05, store: 0x55, name: 'Java char[] initializer', units: true },
  { type: 0x09, store: 0x56, name: 'Java short[] initializer', units: true },
] as const;
type Kind = (typeof KINDS)[number];

/** Every initializer's first element begins `dup`, `iconst_0` (after `newarray T`): searched natively, the bytes before checked. */
const OPENING = Buffer.from([DUP, 0x03]);
/** The kind by `newarray`'s type operand. */
const KIND_OF: Array<Kind | undefined> = [];
for (const k of KINDS) KIND_OF[k.type] = k;
/** Decoded bytes gathered before they are written to the sink. */
const FLUSH = 16 * 1024;

/** Where an element is read: its `dup`, its index's opcode and operand bytes, its value's, its store. */
const enum At {
  Dup,
  Index,
  IndexOperand,
  Value,
  ValueOperand,
  Store,
}

/** One array being read, a byte at a time (only from its opening on: no per-byte work elsewhere). */
class ArrayRun {
  #at = At.Dup;
  /** The operand bytes still to come, and the number read so far. */
  #need = 0;
  #acc = 0;
  #value = 0;
  /** The elements read. */
  count = 0;
  /** A high surrogate waiting for its low half (char[] and short[]). */
  #high = -1;
  out = Buffer.allocUnsafe(256);
  length = 0;

  constructor(
    readonly kind: Kind,
    /** The stream offset of its `newarray`. */
    readonly offset: number,
  ) {}

  /** Reads `b`: false where the array's initializer ended before it, or at it (an index not the next element's). */
  feed(b: number): boolean {
    switch (this.#at) {
      case At.Dup:
        if (b !== DUP) return false;
        this.#at = At.Index;
        return true;
      case At.Index:
      case At.Value:
        return this.#push(b);
      case At.IndexOperand:
      case At.ValueOperand: {
        this.#acc = (this.#acc << 8) | b;
        if (--this.#need > 0) return true;
        const shift = 32 - 8 * this.#width;
        return this.#pushed((this.#acc << shift) >> shift);
      }
      default:
        if (b !== this.kind.store) return false;
        this.#element(this.#value);
        this.#at = At.Dup;
        return true;
    }
  }

  /** Operand bytes of the push being read (`bipush` 1, `sipush` 2), signed. */
  #width = 0;

  /** A push opcode: `iconst_m1`…`iconst_5` alone, `bipush` and `sipush` (for a value, of a char[] or short[] only) with operands. */
  #push(b: number): boolean {
    if (b >= ICONST_M1 && b <= ICONST_5 && (this.#at === At.Value || b > ICONST_M1)) return this.#pushed(b - 0x03);
    if (b !== BIPUSH && !(b === SIPUSH && (this.#at === At.Index || this.kind.units))) return false;
    this.#need = this.#width = b === BIPUSH ? 1 : 2;
    this.#acc = 0;
    this.#at = this.#at === At.Index ? At.IndexOperand : At.ValueOperand;
    return true;
  }

  /** A number pushed: the index (false unless it is the next element's), or the value. */
  #pushed(n: number): boolean {
    if (this.#at === At.Index || this.#at === At.IndexOperand) {
      if (n !== this.count) return false;
      this.#at = At.Value;
    } else {
      this.#value = n;
      this.#at = At.Store;
    }
    return true;
  }

  /** An element stored: its byte, or its code unit as UTF-8. */
  #element(v: number): void {
    this.count++;
    if (!this.kind.units) return this.#byte(v & 0xff);
    const unit = v & 0xffff;
    if (unit >= 0xdc00 && unit <= 0xdfff && this.#high >= 0) {
      const cp = 0x10000 + ((this.#high - 0xd800) << 10) + (unit - 0xdc00);
      this.#high = -1;
      return this.#utf8(cp);
    }
    if (this.#high >= 0) this.#utf8(this.#high);
    this.#high = -1;
    if (unit >= 0xd800 && unit <= 0xdbff) this.#high = unit;
    else this.#utf8(unit);
  }

  #utf8(cp: number): void {
    if (cp < 0x80) return this.#byte(cp);
    if (cp < 0x800) return (this.#byte(0xc0 | (cp >> 6)), this.#byte(0x80 | (cp & 63)));
    if (cp < 0x10000) return (this.#byte(0xe0 | (cp >> 12)), this.#byte(0x80 | ((cp >> 6) & 63)), this.#byte(0x80 | (cp & 63)));
    this.#byte(0xf0 | (cp >> 18));
    this.#byte(0x80 | ((cp >> 12) & 63));
    this.#byte(0x80 | ((cp >> 6) & 63));
    this.#byte(0x80 | (cp & 63));
  }

  #byte(b: number): void {
    if (this.length === this.out.length) {
      const grown = Buffer.allocUnsafe(this.out.length * 2);
      grown.set(this.out);
      this.out = grown;
    }
    this.out[this.length++] = b;
  }
}

/** The array initializers of one content, fed chunk by chunk. */
export class JavaArrays {
  /** The array the chunks before ended inside. */
  #run: ArrayRun | undefined;
  #sink: Sink | undefined;
  /** The last 3 bytes of the chunks before (-1: none), for an opening cut by a chunk's end. */
  readonly #tail = [-1, -1, -1];
  #offset = 0;

  constructor(readonly open: (offset: number, alphabet: string) => Sink | undefined) {}

  async push(chunk: Uint8Array): Promise<void> {
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    const base = this.#offset;
    this.#offset += bytes.length;
    let i = this.#run ? this.#read(bytes, 0) : this.#straddling(bytes);
    if (this.#run && i === bytes.length) return this.#keep(bytes);
    await this.#close();
    for (let at = bytes.indexOf(OPENING, i); at >= 0; at = bytes.indexOf(OPENING, i)) {
      const kind = KIND_OF[this.#byte(bytes, at - 1)];
      if (kind && this.#byte(bytes, at - 2) === NEWARRAY) {
        this.#run = new ArrayRun(kind, base + at - 2);
        i = this.#read(bytes, at);
        if (i === bytes.length) return this.#keep(bytes);
        await this.#close();
      } else i = at + 1;
    }
    return this.#keep(bytes);
  }

  async end(): Promise<void> {
    await this.#close();
  }

  /** The byte at `q` of `bytes`, or of the chunks before where `q` is below 0 (-1 where none was). */
  #byte(bytes: Uint8Array, q: number): number {
    return q >= 0 ? bytes[q]! : this.#tail[3 + q]!;
  }

  /** An opening cut between its `dup` and `iconst_0` by the chunk's end: read from its `dup` on; the index in `bytes` to search from. */
  #straddling(bytes: Buffer): number {
    const t = this.#tail;
    const kind = KIND_OF[t[1]!];
    if (!kind || t[0] !== NEWARRAY || t[2] !== DUP || bytes[0] !== 0x03) return 0;
    this.#run = new ArrayRun(kind, this.#offset - bytes.length - 3);
    this.#run.feed(DUP);
    return this.#read(bytes, 0);
  }

  /** The array read from `from` on: the index where it ended (the chunk's length if it goes on). */
  #read(bytes: Uint8Array, from: number): number {
    const run = this.#run!;
    let j = from;
    while (j < bytes.length && run.feed(bytes[j]!)) j++;
    return j;
  }

  /** The chunk's last bytes kept; an array it ended inside written out as far as FLUSH bytes have gathered. */
  async #keep(bytes: Uint8Array): Promise<void> {
    const t = this.#tail;
    for (let k = Math.max(0, bytes.length - 3); k < bytes.length; k++) {
      t[0] = t[1]!;
      t[1] = t[2]!;
      t[2] = bytes[k]!;
    }
    const run = this.#run;
    if (run && run.length >= FLUSH && run.count >= MIN_BYTES) await this.#flush(run);
  }

  /** Writes what the array made so far to its sink (opened with its first write). */
  async #flush(run: ArrayRun): Promise<void> {
    this.#sink ??= this.open(run.offset, run.kind.name);
    const bytes = Buffer.from(run.out.subarray(0, run.length));
    run.length = 0;
    await this.#sink?.write(bytes);
  }

  /** The array ended: routed when it had MIN_BYTES elements. */
  async #close(): Promise<void> {
    const run = this.#run;
    this.#run = undefined;
    if (!run) return;
    if (run.count >= MIN_BYTES) await this.#flush(run);
    await this.#sink?.end();
    this.#sink = undefined;
  }
}
