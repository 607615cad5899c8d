/**
 * LZMA1, decoded in JavaScript as the LZMA specification (LzmaSpec.cpp) describes it: a range
 * decoder, the literal, match and rep states, output through a circular dictionary window. It is
 * resumable: input is fed in chunks and a symbol is decoded only when enough input for any symbol
 * (LOOKAHEAD bytes) is buffered, or the input has ended; decoded bytes stay in the window until the
 * caller takes them (`take`), at most FLUSH at a time. The window grows with the output up to the
 * declared dictionary size (or the known output size), so a small stream costs little memory, and
 * never past MAX_DICT: a stream declaring more decodes whole when no match reaches farther back, else stops there, named. LZMA2 (`lzma2.ts`) drives
 * the same decoder chunk by chunk, resetting state, properties or dictionary as its chunks say.
 */

/** The largest window the audit gives an LZMA dictionary: 8 MiB, `xz -6`'s, as xz-walk.ts's XZ_DICT_MAX (xz -9's is 64). */
export const MAX_DICT = 8 * 1024 * 1024;
/** More input than one symbol can consume (the SDK's LZMA_REQUIRED_INPUT_MAX is 20). */
const LOOKAHEAD = 64;
/** The most output handed out at once. */
const FLUSH = 256 * 1024;
const MATCH_MAX = 273;

export class LzmaError extends Error {}

export interface LzmaProps {
  lc: number;
  lp: number;
  pb: number;
  dictSize: number;
}

/** The properties byte (lc + lp·9 + pb·45) and a dictionary size; undefined when out of range. */
export function parseProps(byte: number, dictSize: number): LzmaProps | undefined {
  if (byte >= 9 * 5 * 5) return undefined;
  const lc = byte % 9;
  const lp = Math.floor(byte / 9) % 5;
  const pb = Math.floor(byte / 45);
  return { lc, lp, pb, dictSize };
}

const bitModels = (n: number) => new Uint16Array(n).fill(1024);

/** A length decoder's probabilities: choice, choice2, low[16][8], mid[16][8], high[256]. */
const LEN_LOW = 2;
const LEN_MID = 2 + 128;
const LEN_HIGH = 2 + 256;
const LEN_SIZE = 2 + 256 + 256;

export class LzmaCore {
  lc = 0;
  lp = 0;
  pb = 0;
  private _dictSize = 0;
  /** The dictionary the stream declared (at most its output's size), when above MAX_DICT. */
  private _declared = 0;
  private _literal = bitModels(0x300);
  private readonly _isMatch = bitModels(192);
  private readonly _isRep = bitModels(12);
  private readonly _isRepG0 = bitModels(12);
  private readonly _isRepG1 = bitModels(12);
  private readonly _isRepG2 = bitModels(12);
  private readonly _isRep0Long = bitModels(192);
  private readonly _posSlot = bitModels(256);
  private readonly _posSpec = bitModels(115);
  private readonly _align = bitModels(16);
  private readonly _len = bitModels(LEN_SIZE);
  private readonly _repLen = bitModels(LEN_SIZE);
  private _state = 0;
  private _rep0 = 0;
  private _rep1 = 0;
  private _rep2 = 0;
  private _rep3 = 0;
  /** The window: grows with the output up to the dictionary size, then wraps. */
  private _buf: Uint8Array = new Uint8Array(0);
  private _pos = 0;
  private _flushed = 0;
  /** Bytes decoded since the dictionary was last reset. */
  total = 0;
  /** The rest of a match cut by the window's end. */
  private _pending = 0;
  private _range = -1;
  private _code = 0;
  private _in: Uint8Array = new Uint8Array(0);
  private _inPos = 0;
  private _short = false;
  /** An end marker was decoded. */
  marked = false;

  constructor(
    props: LzmaProps,
    /** The most the window needs: the output's size when known (the window never exceeds it). */
    readonly outSize?: number,
  ) {
    this.setProps(props);
    // A declared dictionary larger than the output (7z -md=256m on a small file) needs only the output's size.
    this._declared = Math.min(props.dictSize, outSize ?? Infinity);
    this._dictSize = Math.max(Math.min(this._declared, MAX_DICT), 4096);
  }

  /** New lc/lp/pb (LZMA2's property reset): the literal coder sized anew, every probability reset. */
  setProps(p: LzmaProps): void {
    if (p.lc + p.lp > 12 || p.pb > 4) throw new LzmaError('LZMA properties out of range');
    this.lc = p.lc;
    this.lp = p.lp;
    this.pb = p.pb;
    this._literal = bitModels(0x300 << (p.lc + p.lp));
    this.resetState();
  }

  /** Every probability and the state reset (LZMA2's state reset); the window kept. */
  resetState(): void {
    this._literal.fill(1024);
    for (const a of [
      this._isMatch,
      this._isRep,
      this._isRepG0,
      this._isRepG1,
      this._isRepG2,
      this._isRep0Long,
      this._posSlot,
      this._posSpec,
      this._align,
      this._len,
      this._repLen,
    ])
      a.fill(1024);
    this._state = 0;
    this._rep0 = this._rep1 = this._rep2 = this._rep3 = 0;
  }

  /** As new, its properties and window kept: a trial's decoder used again (making one costs ~0.1 ms, most of a failed trial). */
  restart(): void {
    this.resetState();
    this.resetDict();
    this.drop();
    this._pending = 0;
    this._short = false;
    this.marked = false;
  }

  /** The window emptied (LZMA2's dictionary reset); the caller must have taken its output. */
  resetDict(): void {
    this.total = 0;
    this._pos = this._flushed = 0;
  }

  /** Input appended; the unread rest of the previous input kept before it. */
  feed(bytes: Uint8Array): void {
    const rest = this._in.length - this._inPos;
    if (!rest)
      this._in = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length); // one map (a Buffer is another)
    else {
      const joined = new Uint8Array(rest + bytes.length);
      joined.set(this._in.subarray(this._inPos));
      joined.set(bytes, rest);
      this._in = joined;
    }
    this._inPos = 0;
  }

  /** The unread input dropped. */
  drop(): void {
    this._in = new Uint8Array(0);
    this._inPos = 0;
  }

  get unread(): number {
    return this._in.length - this._inPos;
  }

  /** The range decoder started on its 5 bytes (there must be 5 unread). */
  startRange(): void {
    if (this._in[this._inPos] !== 0) throw new LzmaError('a range coder that does not start with a zero byte');
    let code = 0;
    for (let i = 1; i < 5; i++) code = code * 256 + this._in[this._inPos + i]!;
    this._inPos += 5;
    this._range = -1;
    this._code = code | 0;
    if (code === 0xffffffff) throw new LzmaError('a range coder that cannot start');
  }

  /** Raw bytes into the window (LZMA2's uncompressed chunks); as much as fits before the caller must `take`. */
  putRaw(bytes: Uint8Array, from: number): number {
    let i = from;
    while (i < bytes.length && this._room()) {
      const n = Math.min(bytes.length - i, this._buf.length - this._pos, FLUSH - (this._pos - this._flushed));
      this._buf.set(bytes.subarray(i, i + n), this._pos);
      this._pos += n;
      this.total += n;
      i += n;
    }
    return i - from;
  }

  /** What a match reaching past the window is: past MAX_DICT in a stream declaring more, or before the data's start. */
  private _past(): string {
    const mib = (n: number) => `${Math.round(n / 2 ** 20)} MiB`;
    if (this._rep0 >= this._declared) return 'a match reaching before the start of the data';
    return `a ${mib(this._declared)} dictionary, read within the audit's ${mib(MAX_DICT)} memory bound until a match reached ${this._rep0 + 1} bytes back`;
  }

  /** Whether a byte can be written now: the window grown or wrapped as needed; false once the caller must `take`. */
  private _room(): boolean {
    if (this._pos - this._flushed >= FLUSH) return false;
    if (this._pos < this._buf.length) return true;
    if (this._pos !== this._flushed) return false;
    const cap = Math.min(this._dictSize, this.outSize ?? Infinity);
    if (this._buf.length < cap) {
      const grown = new Uint8Array(Math.max(Math.min(cap, this._buf.length * 2), Math.min(cap, 1 << 16)));
      grown.set(this._buf);
      this._buf = grown;
    } else {
      this._pos = this._flushed = 0;
      if (!this._buf.length) this._buf = new Uint8Array(Math.max(1, Math.min(cap, 1 << 16)));
    }
    return true;
  }

  /** The output decoded and not yet taken (a view of the window: copy before the next `decode`). */
  take(): Uint8Array {
    const out = this._buf.subarray(this._flushed, this._pos);
    this._flushed = this._pos;
    return out;
  }

  private _byte(): number {
    if (this._inPos < this._in.length) return this._in[this._inPos++]!;
    this._short = true;
    return 0;
  }

  // range and code are int32 throughout (compared unsigned by flipping their sign bits), as the C decoder's
  // uint32s: no value leaves the small-integer range, so V8 keeps them unboxed.
  private _bit(p: Uint16Array, i: number): number {
    const prob = p[i]!;
    let range = this._range;
    let code = this._code;
    const bound = Math.imul(range >>> 11, prob);
    let bit: number;
    if ((code ^ 0x80000000) < (bound ^ 0x80000000)) {
      range = bound;
      p[i] = prob + ((2048 - prob) >>> 5);
      bit = 0;
    } else {
      range = (range - bound) | 0;
      code = (code - bound) | 0;
      p[i] = prob - (prob >>> 5);
      bit = 1;
    }
    if (range >>> 24 === 0) {
      range <<= 8;
      code = (code << 8) | this._byte();
    }
    this._range = range;
    this._code = code;
    return bit;
  }

  private _tree(p: Uint16Array, base: number, bits: number): number {
    let m = 1;
    for (let i = 0; i < bits; i++) m = (m << 1) | this._bit(p, base + m);
    return m - (1 << bits);
  }

  private _reverse(p: Uint16Array, base: number, bits: number): number {
    let m = 1;
    let sym = 0;
    for (let i = 0; i < bits; i++) {
      const b = this._bit(p, base + m);
      m = (m << 1) | b;
      sym |= b << i;
    }
    return sym;
  }

  private _direct(bits: number): number {
    let v = 0;
    let range = this._range;
    let code = this._code;
    for (let i = 0; i < bits; i++) {
      range >>>= 1;
      let b = 0;
      if ((code ^ 0x80000000) >= (range ^ 0x80000000)) {
        code = (code - range) | 0;
        b = 1;
      }
      v = (v << 1) | b;
      if (range >>> 24 === 0) {
        range <<= 8;
        code = (code << 8) | this._byte();
      }
    }
    this._range = range | 0;
    this._code = code;
    return v;
  }

  private _length(p: Uint16Array, posState: number): number {
    if (!this._bit(p, 0)) return this._tree(p, LEN_LOW + posState * 8, 3);
    if (!this._bit(p, 1)) return 8 + this._tree(p, LEN_MID + posState * 8, 3);
    return 16 + this._tree(p, LEN_HIGH, 8);
  }

  /** The distance as int32 (a field stays a small integer): the end marker (2^32 − 1) is −1, any distance past 2^31 negative. */
  private _distance(len: number): number {
    const slot = this._tree(this._posSlot, Math.min(len, 3) << 6, 6);
    if (slot < 4) return slot;
    const direct = (slot >>> 1) - 1;
    const dist = (2 | (slot & 1)) << direct;
    if (slot < 14) return (dist + this._reverse(this._posSpec, dist - slot, direct)) | 0;
    return (dist + (this._direct(direct - 4) << 4) + this._reverse(this._align, 0, 4)) | 0;
  }

  private _at(dist: number): number {
    const i = this._pos - dist - 1;
    return this._buf[i < 0 ? i + this._buf.length : i]!;
  }

  private _put(b: number): void {
    this._buf[this._pos++] = b;
    this.total++;
  }

  /** Copies what is left of a match while the window has room. */
  private _copy(): void {
    const dist = this._rep0;
    while (this._pending > 0 && this._room()) {
      this._put(this._at(dist));
      this._pending--;
    }
  }

  /**
   * Decodes until `limit` bytes have been decoded since the dictionary's reset, the end marker, the
   * window must be taken from, or the input runs short (`ended`: the input is all here). Throws
   * LzmaError on damage; returns whether it stopped for want of input.
   */
  decode(limit: number, ended: boolean): boolean {
    if (this._pending) this._copy();
    const pbMask = (1 << this.pb) - 1;
    const lpMask = (1 << this.lp) - 1;
    while (this.total < limit && !this.marked && !this._pending) {
      if (!ended && this._in.length - this._inPos < LOOKAHEAD) return true;
      if (!this._room()) return false;
      const posState = this.total & pbMask;
      const state = this._state;
      if (!this._bit(this._isMatch, (state << 4) + posState)) {
        const prev = this.total ? this._at(0) : 0;
        const base = 0x300 * (((this.total & lpMask) << this.lc) + (prev >>> (8 - this.lc)));
        let sym = 1;
        if (state >= 7) {
          let match = this._at(this._rep0);
          do {
            const mb = (match >>> 7) & 1;
            match <<= 1;
            const b = this._bit(this._literal, base + ((1 + mb) << 8) + sym);
            sym = (sym << 1) | b;
            if (mb !== b) break;
          } while (sym < 0x100);
        }
        while (sym < 0x100) sym = (sym << 1) | this._bit(this._literal, base + sym);
        this._put(sym & 0xff);
        this._state = state < 4 ? 0 : state < 10 ? state - 3 : state - 6;
      } else {
        let len: number;
        if (!this._bit(this._isRep, state)) {
          this._rep3 = this._rep2;
          this._rep2 = this._rep1;
          this._rep1 = this._rep0;
          len = this._length(this._len, posState);
          this._state = state < 7 ? 7 : 10;
          this._rep0 = this._distance(len);
          if (this._rep0 === -1) {
            this.marked = true;
            break;
          }
          if (this._rep0 < 0 || this._rep0 >= this.total) throw new LzmaError('a match reaching before the start of the data');
          if (this._rep0 >= this._dictSize) throw new LzmaError(this._past());
        } else {
          if (!this.total) throw new LzmaError('a repeated match before any data');
          if (!this._bit(this._isRepG0, state)) {
            if (!this._bit(this._isRep0Long, (state << 4) + posState)) {
              this._state = state < 7 ? 9 : 11;
              this._put(this._at(this._rep0));
              continue;
            }
          } else {
            let dist: number;
            if (!this._bit(this._isRepG1, state)) dist = this._rep1;
            else {
              if (!this._bit(this._isRepG2, state)) dist = this._rep2;
              else {
                dist = this._rep3;
                this._rep3 = this._rep2;
              }
              this._rep2 = this._rep1;
            }
            this._rep1 = this._rep0;
            this._rep0 = dist;
          }
          len = this._length(this._repLen, posState);
          this._state = state < 7 ? 8 : 11;
        }
        this._pending = Math.min(len + 2, MATCH_MAX, limit - this.total);
        this._copy();
      }
      if (this._short) throw new LzmaError('the data ends inside the stream');
    }
    if (this._short) throw new LzmaError('the data ends inside the stream');
    return false;
  }
}
