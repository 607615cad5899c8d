/**
 * Percent-encoding, form encoding, JavaScript's escape() and quoted-printable, as byte-at-a-time
 * decoders (see `escape-decoders.ts`).
 */
import { HEX, isHex, utf8, type Decoder, type Sink } from './escape-decoders.js';

/** What `%XX` or `=XX` at `i` makes: the byte; -2 if it is not one; -1 where the chunk ends first. */
export function quickHexPair(chunk: Uint8Array, i: number): number {
  if (i + 2 >= chunk.length) return -1;
  const [h, l] = [HEX[chunk[i + 1]!]!, HEX[chunk[i + 2]!]!];
  return h < 0 || l < 0 ? -2 : h * 16 + l;
}

/** Percent-encoding (`%2B`, `%2b`, any subset of characters); in form encoding also `+` for a space. */
export class PercentDecoder implements Decoder {
  /** 0 text, 1 after `%`, 2 after `%` and a digit. */
  #st = 0;
  #acc = 0;
  #digit = 0;

  constructor(readonly form: boolean) {}

  get idle(): boolean {
    return this.#st === 0;
  }

  get fresh(): boolean {
    return this.#st === 1;
  }

  reset(): void {
    this.#st = 0;
  }

  push(b: number, sink: Sink): void {
    if (this.#st === 0) {
      if (b === 0x25) this.#st = 1;
      else if (b === 0x2b && this.form) sink.out(0x20, 1);
      else sink.out(b, 0);
      return;
    }
    const h = HEX[b]!;
    if (h < 0) {
      sink.out(0x25, 0);
      if (this.#st === 2) sink.out(this.#digit, 0);
      this.#st = 0;
      return this.push(b, sink);
    }
    if (this.#st === 1) {
      this.#st = 2;
      this.#acc = h;
      this.#digit = b;
    } else {
      this.#st = 0;
      sink.out(this.#acc * 16 + h, 1);
    }
  }
}

/**
 * What JavaScript's escape() escape at `i` makes first (a filter: a decoder reads the rest): the
 * first UTF-8 byte of `%XX`'s Latin-1 character or of `%uXXXX`'s code unit; -2 if no escape is
 * there; -1 where the chunk ends first.
 */
export function quickJsEscape(chunk: Uint8Array, i: number): number {
  if (i + 1 >= chunk.length) return -1;
  if (chunk[i + 1] !== 0x75) {
    const c = quickHexPair(chunk, i);
    return c < 0x80 ? c : 0xc0 | (c >> 6);
  }
  if (i + 5 >= chunk.length) return -1;
  let unit = 0;
  for (let j = i + 2; j < i + 6; j++) {
    const h = HEX[chunk[j]!]!;
    if (h < 0) return -2;
    unit = unit * 16 + h;
  }
  // A high surrogate's pair is a code point of 4 bytes, whose first the high half alone tells.
  if (unit >= 0xd800 && unit <= 0xdbff) return 0xf0 | ((unit - 0xd800 + 0x40) >> 8);
  return unit < 0x80 ? unit : unit < 0x800 ? 0xc0 | (unit >> 6) : 0xe0 | (unit >> 12);
}

/**
 * JavaScript's escape(), as unescape() reads it: `%uXXXX` a UTF-16 code unit (a character beyond
 * U+FFFF as two, a surrogate pair), `%XX` a Latin-1 character — é is `%E9`, one byte, where
 * percent-encoding writes UTF-8's `%C3%A9` —, hex digits in either case, any subset of characters
 * escaped (a `u` only in lower case: unescape leaves `%U00E9` as it is). What it makes is UTF-8, as
 * the values are: at most twice an escape's length (`%E9` 3 bytes for 2, `%u53F0` 6 for 3, a
 * pair's 12 for 4), as `escape-islands.ts` needs of every escape.
 */
export class JsEscapeDecoder implements Decoder {
  /** 0 text, 1 after `%`, 2 after `%` and a digit, 3 after `%u` and `#count` digits. */
  #st = 0;
  #acc = 0;
  #count = 0;
  /** The escape read so far (`%uXXX` at most), for giving it back. */
  readonly #held: number[] = [0, 0, 0, 0, 0];
  #heldLength = 0;
  /** A high surrogate waiting for its low half. */
  #high = -1;

  get idle(): boolean {
    return this.#st === 0 && this.#high < 0;
  }

  get fresh(): boolean {
    return this.#st === 1 && this.#high < 0;
  }

  reset(): void {
    this.#st = 0;
    this.#high = -1;
  }

  push(b: number, sink: Sink): void {
    const h = HEX[b]!;
    switch (this.#st) {
      case 0:
        if (b === 0x25) {
          this.#st = 1;
          this.#held[0] = b;
          this.#heldLength = 1;
          return;
        }
        this.#flushHigh(sink);
        return sink.out(b, 0);
      case 1:
        if (b === 0x75 || h >= 0) {
          this.#st = b === 0x75 ? 3 : 2;
          this.#acc = b === 0x75 ? 0 : h;
          this.#count = 0;
          this.#held[this.#heldLength++] = b;
          return;
        }
        break;
      case 2:
        if (h >= 0) {
          this.#st = 0;
          this.#flushHigh(sink);
          return utf8(this.#acc * 16 + h, 1, sink);
        }
        break;
      default:
        if (h >= 0) {
          this.#acc = this.#acc * 16 + h;
          this.#held[this.#heldLength++] = b;
          if (++this.#count === 4) this.#unit(this.#acc, sink);
          return;
        }
    }
    // Not an escape after all: what was held is text, and `b` is read anew.
    this.#st = 0;
    this.#flushHigh(sink);
    for (let k = 0; k < this.#heldLength; k++) sink.out(this.#held[k]!, 0);
    this.push(b, sink);
  }

  /** A `%uXXXX` read: a high surrogate waits for its low half, which makes the pair's code point. */
  #unit(c: number, sink: Sink): void {
    this.#st = 0;
    if (c >= 0xdc00 && c <= 0xdfff && this.#high >= 0) {
      const cp = 0x10000 + ((this.#high - 0xd800) << 10) + (c - 0xdc00);
      this.#high = -1;
      return utf8(cp, 1, sink);
    }
    this.#flushHigh(sink);
    if (c >= 0xd800 && c <= 0xdbff) this.#high = c;
    else utf8(c, 1, sink);
  }

  /** A high surrogate whose low half did not come: as WTF-8 (which no value holds). */
  #flushHigh(sink: Sink): void {
    if (this.#high >= 0) utf8(this.#high, 1, sink);
    this.#high = -1;
  }
}

/** Quoted-printable: `=2B` (either case) and soft line breaks (`=` CRLF or LF). */
export class QuotedPrintableDecoder implements Decoder {
  /** 0 text, 1 after `=`, 2 after `=` and a digit, 3 after `=` CR. */
  #st = 0;
  #first = 0;

  get idle(): boolean {
    return this.#st === 0;
  }

  get fresh(): boolean {
    return this.#st === 1;
  }

  reset(): void {
    this.#st = 0;
  }

  push(b: number, sink: Sink): void {
    switch (this.#st) {
      case 0:
        if (b === 0x3d) this.#st = 1;
        else sink.out(b, 0);
        return;
      case 1:
        if (isHex(b)) {
          this.#st = 2;
          this.#first = b;
        } else if (b === 0x0d) this.#st = 3;
        else if (b === 0x0a) {
          sink.cut(1);
          this.#st = 0;
        } else this.#giveBack([0x3d], b, sink);
        return;
      case 2:
        if (isHex(b)) {
          this.#st = 0;
          sink.out(HEX[this.#first]! * 16 + HEX[b]!, 1);
        } else this.#giveBack([0x3d, this.#first], b, sink);
        return;
      case 3:
        if (b === 0x0a) {
          sink.cut(1);
          this.#st = 0;
        } else this.#giveBack([0x3d, 0x0d], b, sink);
        return;
    }
  }

  #giveBack(held: number[], b: number, sink: Sink): void {
    this.#st = 0;
    for (const x of held) sink.out(x, 0);
    this.push(b, sink);
  }
}
