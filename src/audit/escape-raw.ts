/**
 * Two backslash families whose escapes no other family reads alike:
 *
 * - Decimal code points: Haskell's `show` (`"tok\233n\8364\128512"`, `\&` between an escape and a digit after it),
 *   also Scheme's and Lisp printers' decimal escapes of one character. The C family reads `\233` as octal (a byte) and
 *   `\8364` as `8364`; this one reads the digits as one code point, as far as they stay at or under U+10FFFF.
 * - Python's `raw_unicode_escape` (pickle protocol 0, `repr` of old `ur''` strings): a character under U+0100 as its
 *   Latin-1 byte, raw, and those above as `\uXXXX` / `\UXXXXXXXX`. A value with é before its first `\u` is neither
 *   UTF-8 nor Latin-1 (`€` has no Latin-1 byte): a reading begins at a byte above 0x7F inside a match begun (`inside`:
 *   stopped at only where a pattern has begun, so binary text and UTF-8 text outside a match cost nothing), reading
 *   each such byte as its Latin-1 character and the backslash escapes as the JSON family does. A value beginning with
 *   a Latin-1 character before any other is not read so (a known gap: a stop at every high byte would cost binary
 *   content a trial each).
 */
import { HEX, utf8, type Decoder, type Sink } from './escape-decoders.js';

const ONE = [0] as const;
const isDigit = (b: number) => b >= 0x30 && b <= 0x39;
const [DEC, SIMPLE] = [1, 2];
const SIMPLE_ESCAPES: Readonly<Record<number, number>> = { 0x6e: 10, 0x74: 9, 0x72: 13, 0x62: 8, 0x66: 12, 0x76: 11, 0x61: 7 };

/** Haskell's decimal escapes: `\` and 1–7 digits a code point (at most U+10FFFF), `\&` nothing, `\n` `\"` `\\` as C. */
export class DecimalDecoder implements Decoder {
  /** 0 text, 1 after `\`, 2 digits. */
  #st = 0;
  #acc = 0;
  #count = 0;

  get idle(): boolean {
    return this.#st === 0;
  }

  reset(): void {
    this.#st = 0;
  }

  push(b: number, sink: Sink): void {
    if (this.#st === 2) {
      const acc = this.#acc * 10 + b - 0x30;
      if (isDigit(b) && acc <= 0x10ffff && this.#count < 7) {
        this.#acc = acc;
        this.#count++;
        return;
      }
      this.#st = 0;
      utf8(this.#acc, DEC, sink);
      return this.push(b, sink);
    }
    if (this.#st === 1) {
      this.#st = 0;
      if (isDigit(b)) {
        this.#st = 2;
        this.#acc = b - 0x30;
        this.#count = 1;
      } else if (b === 0x26) sink.cut(DEC);
      else sink.out(SIMPLE_ESCAPES[b] ?? b, SIMPLE);
      return;
    }
    if (b === 0x5c) this.#st = 1;
    else sink.out(b, 0);
  }
}

/** The decimal family: begun at a backslash before a digit. */
export const DECIMAL_ESCAPES = {
  kinds: ['', 'decimal-escaped (Haskell \\233)', 'backslash-escaped'],
  triggers: '\\',
  modes: (_: number, next: number) => (next < 0 || isDigit(next) ? ONE : undefined),
  decoder: () => new DecimalDecoder(),
  quick: quickDecimal,
};

/**
 * The first byte the decimal escape at `i` makes (a code point's UTF-8 lead), as `quickCss` does: most places are over
 * on it (it begins no pattern from the state there) without a trial, which in a run of escapes reads to its allowance
 * (the decoder is idle only between escapes). -2: no decimal escape here, or one of C's octal escapes of UTF-8.
 */
function quickDecimal(chunk: Uint8Array, i: number): number {
  if (i + 1 >= chunk.length) return -1;
  if (!isDigit(chunk[i + 1]!) || octalUtf8(chunk, i)) return -2;
  let cp = 0;
  let j = i + 1;
  for (; j < chunk.length && j <= i + 7 && isDigit(chunk[j]!) && cp * 10 + chunk[j]! - 0x30 <= 0x10ffff; j++) cp = cp * 10 + chunk[j]! - 0x30;
  if (j === chunk.length) return -1;
  return cp < 0x80 ? cp : cp < 0x800 ? 0xc0 | (cp >> 6) : cp < 0x10000 ? 0xe0 | (cp >> 12) : 0xf0 | (cp >> 18);
}

const isOctal = (b: number | undefined) => b !== undefined && b >= 0x30 && b <= 0x37;
/** A 3-digit octal escape at `at` (`\ooo`) whose first digit is `first` (or any, -1). */
const octalAt = (b: Uint8Array, at: number, first: number) =>
  b[at] === 0x5c && (first < 0 ? isOctal(b[at + 1]) : b[at + 1] === first) && isOctal(b[at + 2]) && isOctal(b[at + 3]);

/**
 * Whether the escape at `i` is one of C's octal escapes of UTF-8 (`\303\251`, `\344\270\255`): a lead byte's
 * (`\3oo`) before a continuation's (`\2oo`), or a continuation's after another octal byte. No decimal reading is
 * begun there: text dense with them (a C string of CJK) cost 16 times the scan's CPU in trials that make nothing.
 */
function octalUtf8(b: Uint8Array, i: number): boolean {
  if (octalAt(b, i, 0x33) && octalAt(b, i + 4, 0x32)) return true;
  return octalAt(b, i, 0x32) && octalAt(b, i - 4, -1);
}

/** The kind of a Latin-1 byte read as its character (quiet: alone, it names no finding of this family). */
const LATIN1 = 3;

/** The bytes above 0x7F, each a Latin-1 character in raw_unicode_escape. */
const HIGH = Array.from({ length: 128 }, (_, i) => String.fromCharCode(0x80 + i)).join('');

/**
 * raw_unicode_escape as Python's codec reads it: `\uXXXX` and `\UXXXXXXXX` a character, a byte above 0x7F its Latin-1
 * character, and every other byte — a backslash before anything else too — as it is.
 */
export class RawUnicodeDecoder implements Decoder {
  /** 0 text, 1 after `\`, 2 hex digits. */
  #st = 0;
  /** A Latin-1 byte was read: the escapes after it are this codec's, not JSON's. */
  #latin = false;
  #held: number[] = [];
  #need = 0;
  #acc = 0;

  get idle(): boolean {
    return this.#st === 0;
  }

  reset(): void {
    this.#st = 0;
    this.#latin = false;
  }

  push(b: number, sink: Sink): void {
    if (this.#st === 2) {
      if (HEX[b]! >= 0) {
        this.#held.push(b);
        this.#acc = this.#acc * 16 + HEX[b]!;
        if (this.#held.length - 2 < this.#need) return;
        this.#st = 0;
        // Named as the JSON family names it when no Latin-1 byte came before: that family's finding too, one finding.
        return this.#acc <= 0x10ffff ? utf8(this.#acc, this.#latin ? 1 : 2, sink) : this.#giveBack(sink);
      }
      this.#giveBack(sink);
    } else if (this.#st === 1) {
      if (b === 0x75 || b === 0x55) {
        this.#st = 2;
        this.#held.push(b);
        this.#need = b === 0x75 ? 4 : 8;
        this.#acc = 0;
        return;
      }
      this.#giveBack(sink);
    }
    if (b === 0x5c) {
      this.#st = 1;
      this.#held = [b];
    } else if (b >= 0x80) {
      this.#latin = true;
      utf8(b, LATIN1, sink);
    } else sink.out(b, 0);
  }

  /** Not an escape after all: the bytes held, as they were (a backslash before anything but u or U is itself). */
  #giveBack(sink: Sink): void {
    this.#st = 0;
    for (const x of this.#held) sink.out(x, 0);
  }
}

/** raw_unicode_escape: begun inside a match at a byte above 0x7F, read as its Latin-1 character. */
export const RAW_UNICODE_ESCAPE = {
  kinds: ['', 'raw_unicode_escape (Latin-1 bytes)', 'JSON \\u-escaped', 'Latin-1'],
  // Latin-1 bytes alone are the value's Latin-1 form, which its pattern finds (forms.ts): one finding, not two.
  quiet: LATIN1,
  // Begun only inside a match, at a Latin-1 byte or a `\\u`: a value whose `\\u` escapes come before its match begins is the
  // JSON family's reading (one begun at any backslash stood in for JSON's two readings of `\\\\u0041`). A backslash of the
  // value itself is written raw, so `\\\\u20ac` may be a backslash and a `€`: no parity rule.
  triggers: '\\',
  inside: HIGH,
  modes: (b: number, next: number, state: number) =>
    state === 0 ? undefined : b === 0x5c ? (next < 0 || next === 0x75 || next === 0x55 ? ONE : undefined) : b >= 0x80 ? ONE : undefined,
  decoder: () => new RawUnicodeDecoder(),
  quick: quickRaw,
  lead: (b: number) => (b >= 0x80 ? [0xc0 | (b >> 6), 0x80 | (b & 0x3f)] : undefined),
};

/**
 * At a backslash, the first byte its `\u`/`\U` escape makes (as `quickCss`): most places are over on it without a trial;
 * -2 where no whole escape follows (a run of `\\u` makes none). At a byte above 0x7F, -1: a trial.
 */
function quickRaw(chunk: Uint8Array, i: number): number {
  if (chunk[i] !== 0x5c) return -1;
  const need = chunk[i + 1] === 0x75 ? 4 : chunk[i + 1] === 0x55 ? 8 : 0;
  if (!need) return i + 1 < chunk.length ? -2 : -1;
  if (i + 2 + need > chunk.length) return -1;
  let cp = 0;
  for (let j = i + 2; j < i + 2 + need; j++) {
    if (HEX[chunk[j]!]! < 0) return -2;
    cp = cp * 16 + HEX[chunk[j]!]!;
  }
  if (cp > 0x10ffff) return -2;
  return cp < 0x80 ? cp : cp < 0x800 ? 0xc0 | (cp >> 6) : cp < 0x10000 ? 0xe0 | (cp >> 12) : 0xf0 | (cp >> 18);
}
