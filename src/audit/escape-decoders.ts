/**
 * The escape spellings the audit reads through, as byte-at-a-time decoders: each takes the text a
 * byte at a time and puts out what it reads as — a byte as it was (kind 0), a byte an escape made
 * (the escape's kind), or a piece the reading removes (a quote, a soft line break). A sequence that
 * turns out not to be an escape is given back as it was. Used by `escapes.ts` from a place where an
 * escape may begin, for as long as what is read could still be part of a secret.
 */
import { LONGEST_REFERENCE, NAMED_REFERENCES } from './escape-entities.js';

/** Where a decoder puts what it reads. */
export interface Sink {
  /** A byte of the reading: `kind` 0 if it was in the text as it is, otherwise the kind of escape that made it. */
  out(byte: number, kind: number): void;
  /** A piece of the text the reading leaves out (a quote, a soft line break), made by an escape of `kind`. */
  cut(kind: number): void;
}

export interface Decoder {
  push(byte: number, sink: Sink): void;
  /** No part of an escape is held back. */
  readonly idle: boolean;
  /** Back to its start, reading in `mode` (a family's decoders are reused to try a place out). */
  reset(mode: number): void;
  /**
   * It holds the one byte last pushed and nothing else, as a new decoder would after it (`%` of a
   * run of `%%%%`): a reading in this state reads on as one begun at that byte.
   */
  readonly fresh?: boolean;
}

export const HEX = new Int8Array(256).fill(-1);
for (let i = 0; i < 16; i++) HEX['0123456789abcdef'.charCodeAt(i)] = HEX['0123456789ABCDEF'.charCodeAt(i)] = i;
export const isHex = (b: number) => b >= 0 && HEX[b]! >= 0;
const isAlnum = (b: number) => (b >= 0x30 && b <= 0x39) || ((b | 0x20) >= 0x61 && (b | 0x20) <= 0x7a);
export const isAlpha = (b: number) => (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7a;

/** A code point as UTF-8 (a lone surrogate as WTF-8), each byte of `kind`. */
export function utf8(cp: number, kind: number, sink: Sink): void {
  if (cp < 0x80) sink.out(cp, kind);
  else if (cp < 0x800) {
    sink.out(0xc0 | (cp >> 6), kind);
    sink.out(0x80 | (cp & 63), kind);
  } else if (cp < 0x10000) {
    sink.out(0xe0 | (cp >> 12), kind);
    sink.out(0x80 | ((cp >> 6) & 63), kind);
    sink.out(0x80 | (cp & 63), kind);
  } else {
    sink.out(0xf0 | (cp >> 18), kind);
    sink.out(0x80 | ((cp >> 12) & 63), kind);
    sink.out(0x80 | ((cp >> 6) & 63), kind);
    sink.out(0x80 | (cp & 63), kind);
  }
}

/** Backslash escapes' kinds, most telling first. */
export const BACKSLASH_KINDS = ['', 'JSON \\u-escaped', '\\x-escaped', 'octal-escaped', 'backslash-escaped'];
const [U, X, OCTAL, SIMPLE] = [1, 2, 3, 4];
const SIMPLE_ESCAPES = new Int16Array(256).fill(-1);
for (const [c, b] of Object.entries({ n: 10, t: 9, r: 13, b: 8, f: 12, v: 11, a: 7, e: 27 })) SIMPLE_ESCAPES[c.charCodeAt(0)] = b;

/**
 * What a backslash escape at `i` makes, read from the bytes alone where that is quick: the byte
 * (`\n`, `\"`, `\+`); -1 where it takes a decoder to tell (`\u`, `\x`, octal, a continued line,
 * the chunk's end).
 */
export function quickBackslash(chunk: Uint8Array, i: number): number {
  const b = i + 1 < chunk.length ? chunk[i + 1]! : -1;
  if (b < 0 || b === 0x75 || b === 0x55 || b === 0x78 || (b >= 0x30 && b <= 0x37) || b === 0x0a || b === 0x0d) return -1;
  const simple = SIMPLE_ESCAPES[b]!;
  return simple >= 0 ? simple : b;
}

/**
 * Backslash escapes as JSON, JavaScript, C, Python, Java properties, YAML and TOML double-quoted
 * strings write them: `\uXXXX` (any case; surrogate pairs joined), `\u{X…}`, `\UXXXXXXXX` (and Apple's `\UXXXX`), `\xXX`, Perl's `\x{X…}`,
 * octal `\0`–`\377`, `\n` and the other letters, a line continued with `\` (the next line's
 * indentation left out, as YAML and TOML read it), and any other character after `\` as itself.
 * `\x` and octal make a byte; `\u` and `\x{…}` (Data::Dumper's spelling beyond ASCII) a character, as UTF-8.
 */
export class BackslashDecoder implements Decoder {
  /** 0 text, 1 after `\`, 2 hex digits, 3 `\u{…}`, 4 octal digits, 5 after `\` CR, 6 the indentation after a continued line. */
  #st = 0;
  /** The escape read so far (`\u{10FFFF}` at most: 9 bytes), for giving it back; written by index, not emptied per escape (`length = 0` frees its store, grown again at the next). */
  readonly #held: number[] = [];
  #heldLength = 0;
  #acc = 0;
  #count = 0;
  #need = 0;
  #kind = 0;
  /** The digits are in braces (`\u{…}`, `\x{…}`). */
  #braced = false;
  /** A high surrogate waiting for its low half. */
  #high = -1;
  /** A UTF-8 lead byte from `\x` or octal, waiting to see whether continuation bytes follow (C: bytes) or not (Python, YAML, TOML: `\xE9` is é). */
  #lead = -1;
  #leadKind = 0;
  /** Continuation bytes still expected after a lead. */
  #cont = 0;

  /**
   * `plain`: what a byte outside an escape does (a shell's `$'…'` ends at a quote). `bytes`: `\x` and octal always make
   * the byte, as in a bytes literal (Python's `b'a\x00\xe9\x00'` of UTF-16, C), never the character.
   */
  constructor(
    readonly plain: (b: number, sink: Sink) => void = (b, sink) => sink.out(b, 0),
    readonly bytes = false,
  ) {}

  get idle(): boolean {
    return this.#st === 0 && this.#high < 0 && this.#lead < 0;
  }

  get fresh(): boolean {
    return this.#st === 1 && this.#high < 0 && this.#lead < 0 && this.#cont === 0;
  }

  reset(): void {
    this.#st = 0;
    this.#high = -1;
    this.#lead = -1;
    this.#cont = 0;
  }

  push(b: number, sink: Sink): void {
    switch (this.#st) {
      case 0:
        if (b === 0x5c) {
          this.#st = 1;
          this.#held[0] = b;
          this.#heldLength = 1;
          return;
        }
        this.#flushHigh(sink);
        return this.plain(b, sink);
      case 1:
        return this.#afterBackslash(b, sink);
      case 2: {
        const h = HEX[b]!;
        if (h >= 0) {
          this.#hold(b);
          this.#acc = this.#acc * 16 + h;
          if (++this.#count === this.#need) this.#finish(sink);
          // Four digits past 0x0010 begin no 8-digit `\U` (U+10FFFF at most): Apple's `\Ude00` then a digit is two characters.
          else if (this.#need === 8 && this.#count === 4 && this.#acc > 0x10) {
            this.#need = 4;
            this.#finish(sink);
          }
          return;
        }
        if (b === 0x7b && this.#count === 0 && (this.#need === 4 || this.#kind === X)) {
          this.#hold(b);
          this.#st = 3;
          this.#braced = true;
          return;
        }
        if (this.#kind === X && this.#count > 0) this.#finish(sink);
        else if (this.#need === 8 && this.#count === 4) {
          // NeXTSTEP's old-style plists and Apple's .strings: `\U00e9`, a surrogate pair `\Ud83d\Ude00` (4 digits, not 8).
          this.#need = 4;
          this.#finish(sink);
        } else this.#giveBack(sink);
        return this.push(b, sink);
      }
      case 3: {
        const h = HEX[b]!;
        if (h >= 0 && this.#count < 6) {
          this.#hold(b);
          this.#acc = this.#acc * 16 + h;
          this.#count++;
          return;
        }
        if (b === 0x7d && this.#count > 0 && this.#acc <= 0x10ffff) return this.#finish(sink);
        this.#giveBack(sink);
        return this.push(b, sink);
      }
      case 4:
        if (b >= 0x30 && b <= 0x37) {
          this.#acc = this.#acc * 8 + b - 0x30;
          if (++this.#count === 3) this.#finish(sink);
          return;
        }
        this.#finish(sink);
        return this.push(b, sink);
      case 5:
        this.#st = 6;
        if (b !== 0x0a) this.push(b, sink);
        return;
      case 6:
        if (b === 0x20 || b === 0x09) return;
        this.#st = 0;
        return this.push(b, sink);
    }
  }

  /** The byte after `\\`: which escape it is. */
  #afterBackslash(b: number, sink: Sink): void {
    if (b === 0x75 || b === 0x55 || b === 0x78) {
      this.#hold(b);
      this.#st = 2;
      this.#need = b === 0x75 ? 4 : b === 0x55 ? 8 : 2;
      this.#kind = b === 0x78 ? X : U;
      this.#braced = false;
      this.#acc = 0;
      this.#count = 0;
    } else if (b >= 0x30 && b <= 0x37) {
      this.#st = 4;
      this.#acc = b - 0x30;
      this.#count = 1;
      this.#kind = OCTAL;
    } else if (b === 0x0a || b === 0x0d) {
      this.#flushHigh(sink);
      sink.cut(SIMPLE);
      this.#st = b === 0x0a ? 6 : 5;
    } else {
      this.#st = 0;
      this.#flushHigh(sink);
      const simple = SIMPLE_ESCAPES[b]!;
      sink.out(simple >= 0 ? simple : b, SIMPLE);
    }
  }

  #finish(sink: Sink): void {
    this.#st = 0;
    const c = this.#acc;
    if (this.#kind === X && this.#braced) {
      this.#flushHigh(sink);
      return utf8(c, X, sink);
    }
    if (this.#kind !== U) return this.#byte(c & 0xff, sink);
    if (this.#need === 4 && c >= 0xdc00 && c <= 0xdfff && this.#high >= 0) {
      const cp = 0x10000 + ((this.#high - 0xd800) << 10) + (c - 0xdc00);
      this.#high = -1;
      return utf8(cp, U, sink);
    }
    this.#flushHigh(sink);
    if (this.#need === 4 && c >= 0xd800 && c <= 0xdbff) this.#high = c;
    else if (c <= 0x10ffff) utf8(c, U, sink);
  }

  /**
   * A byte from `\x` or octal: C and shells mean the byte, Python, YAML and TOML the character
   * (they differ above 0x7F). Read as bytes where they make UTF-8 (`\xc3\xa9`), else as characters.
   */
  #byte(b: number, sink: Sink): void {
    const kind = this.#kind;
    if (this.bytes) return sink.out(b, kind);
    if (b >= 0x80 && b <= 0xbf && this.#lead >= 0) {
      const lead = this.#lead;
      this.#lead = -1;
      this.#cont = (lead >= 0xf0 ? 3 : lead >= 0xe0 ? 2 : 1) - 1;
      sink.out(lead, this.#leadKind);
      return sink.out(b, kind);
    }
    if (b >= 0x80 && b <= 0xbf && this.#cont > 0) {
      this.#cont--;
      return sink.out(b, kind);
    }
    this.#flushHigh(sink);
    if (b >= 0xc2 && b <= 0xf4) {
      this.#lead = b;
      this.#leadKind = kind;
    } else utf8(b, kind, sink);
  }

  /** What was held for the next escape, which did not come: a lone high surrogate, a lead byte (then a character). */
  #flushHigh(sink: Sink): void {
    if (this.#high >= 0) utf8(this.#high, U, sink);
    if (this.#lead >= 0) utf8(this.#lead, this.#leadKind, sink);
    this.#high = this.#lead = -1;
    this.#cont = 0;
  }

  #hold(b: number): void {
    this.#held[this.#heldLength++] = b;
  }

  /** Not an escape after all: the bytes held, as they were. */
  #giveBack(sink: Sink): void {
    this.#st = 0;
    this.#flushHigh(sink);
    for (let k = 0; k < this.#heldLength; k++) sink.out(this.#held[k]!, 0);
  }
}

/** XML and HTML character references: named (`&amp;`, `&plus;`, HTML5's `&eacute;`), decimal (`&#43;`) and hex (`&#x2B;`, any case, leading zeros). */
export class EntityDecoder implements Decoder {
  /** 0 text, 1 after `&`, 2 after `&#`, 3 decimal digits, 4 hex digits, 5 a name. */
  #st = 0;
  /** As the backslash decoder's: `&` and a name, or `&#x` and its digits. */
  readonly #held: number[] = [];
  #heldLength = 0;
  #acc = 0;
  #count = 0;

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
        if (b === 0x26) {
          this.#st = 1;
          this.#held[0] = b;
          this.#heldLength = 1;
        } else sink.out(b, 0);
        return;
      case 1:
        if (b === 0x23) this.#st = 2;
        else if (isAlpha(b)) this.#st = 5;
        else return this.#giveBack(b, sink);
        this.#hold(b);
        this.#count = 0;
        return;
      case 2:
        if (b === 0x78 || b === 0x58) this.#st = 4;
        else if (b >= 0x30 && b <= 0x39) {
          this.#st = 3;
          this.#count = 1;
        } else return this.#giveBack(b, sink);
        this.#hold(b);
        this.#acc = b === 0x78 || b === 0x58 ? 0 : b - 0x30;
        return;
      case 3:
      case 4: {
        const digit = this.#st === 3 ? (b >= 0x30 && b <= 0x39 ? b - 0x30 : -1) : HEX[b]!;
        if (digit >= 0 && this.#count < 12) {
          this.#hold(b);
          this.#acc = Math.min(this.#acc * (this.#st === 3 ? 10 : 16) + digit, 0x110000);
          this.#count++;
          return;
        }
        if (b === 0x3b && this.#count > 0 && this.#acc > 0 && this.#acc <= 0x10ffff) {
          this.#st = 0;
          return utf8(this.#acc, 1, sink);
        }
        return this.#giveBack(b, sink);
      }
      case 5:
        if (isAlnum(b) && this.#heldLength <= LONGEST_REFERENCE) {
          this.#hold(b);
          return;
        }
        if (b === 0x3b) {
          const cp = NAMED_REFERENCES.get(String.fromCharCode(...this.#held.slice(1, this.#heldLength)));
          if (cp !== undefined) {
            this.#st = 0;
            return utf8(cp, 1, sink);
          }
        }
        return this.#giveBack(b, sink);
    }
  }

  #hold(b: number): void {
    this.#held[this.#heldLength++] = b;
  }

  #giveBack(b: number, sink: Sink): void {
    this.#st = 0;
    for (let k = 0; k < this.#heldLength; k++) sink.out(this.#held[k]!, 0);
    this.push(b, sink);
  }
}
