/**
 * Escapes of one escape character that the backslash family reads otherwise: CSS's hex escapes
 * (`\E9 `: up to six hex digits, then one optional white space, where a C reader sees `\E` and
 * octal), and the escape characters of Windows shells, PowerShell's backtick (`` `$ ``, `` `" ``)
 * and cmd's caret (`^&`, `^<`), each before any character it stands for. Byte-at-a-time decoders,
 * as in `escape-decoders.ts`.
 */
import { HEX, utf8, type Decoder, type Sink } from './escape-decoders.js';

/** CSS escapes (CSS Syntax 4.3.7): `\` and 1–6 hex digits, a code point (one space, tab or line break after it is part of it); `\` and any other character, that character; `\` and a line break, nothing. */
export class CssDecoder implements Decoder {
  /** 0 text, 1 after `\`, 2 hex digits, 3 after six digits or a CR ending them (one white space, or LF, still belongs). */
  #st = 0;
  #acc = 0;
  #count = 0;
  #held: number[] = [];

  get idle(): boolean {
    return this.#st === 0 || this.#st === 3;
  }

  reset(): void {
    this.#st = 0;
  }

  push(b: number, sink: Sink): void {
    switch (this.#st) {
      case 0:
        if (b === 0x5c) {
          this.#st = 1;
          this.#held.length = 0;
          this.#held.push(b);
        } else sink.out(b, 0);
        return;
      case 1: {
        const h = HEX[b]!;
        if (h >= 0) {
          this.#st = 2;
          this.#acc = h;
          this.#count = 1;
          this.#held.push(b);
          return;
        }
        this.#st = 0;
        if (b === 0x0a || b === 0x0d || b === 0x0c) return sink.cut(1);
        return sink.out(b, 1);
      }
      case 2: {
        const h = HEX[b]!;
        if (h >= 0) {
          this.#acc = this.#acc * 16 + h;
          this.#held.push(b);
          if (++this.#count === 6) this.#char(3, sink);
          return;
        }
        const white = b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0c;
        this.#char(b === 0x0d ? 3 : 0, sink);
        if (!white && b !== 0x0d) this.push(b, sink);
        return;
      }
      case 3:
        this.#st = 0;
        if (b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0c && b !== 0x0d) this.push(b, sink);
        return;
    }
  }

  /** The code point read, as UTF-8 (none past U+10FFFF: as it was), then state `next`. */
  #char(next: number, sink: Sink): void {
    this.#st = next;
    const c = this.#acc;
    if (c === 0 || c > 0x10ffff) {
      this.#st = 0;
      for (const x of this.#held) sink.out(x, 0);
      return;
    }
    utf8(c, 1, sink);
  }
}

/** PowerShell's special characters after a backtick (`` `n `` a line feed, `` `0 `` NUL …); any other character stands for itself. */
export const POWERSHELL_SPECIALS: Readonly<Record<string, number>> = { '0': 0, a: 7, b: 8, e: 27, f: 12, n: 10, r: 13, t: 9, v: 11 };

/** One escape character before any character, which it stands for (PowerShell's backtick, cmd's caret); before a line break, a continued line. */
export class PrefixDecoder implements Decoder {
  /** 0 text, 1 after the escape character, 2 after it and a CR. */
  #st = 0;
  readonly #specials = new Int16Array(256).fill(-1);

  constructor(
    readonly escape: number,
    specials: Readonly<Record<string, number>> = {},
  ) {
    for (const [c, b] of Object.entries(specials)) this.#specials[c.charCodeAt(0)] = b;
  }

  get idle(): boolean {
    return this.#st === 0;
  }

  reset(): void {
    this.#st = 0;
  }

  /** What the escape character and `b` make (-1: a line break, which a decoder reads). */
  made(b: number): number {
    if (b === 0x0a || b === 0x0d) return -1;
    const special = this.#specials[b]!;
    return special >= 0 ? special : b;
  }

  push(b: number, sink: Sink): void {
    switch (this.#st) {
      case 0:
        if (b === this.escape) this.#st = 1;
        else sink.out(b, 0);
        return;
      case 1:
        this.#st = b === 0x0d ? 2 : 0;
        if (b === 0x0a || b === 0x0d) return sink.cut(1);
        return sink.out(this.made(b), 1);
      case 2:
        this.#st = 0;
        if (b !== 0x0a) this.push(b, sink);
        return;
    }
  }
}

/**
 * Backslash and two hex digits for a byte, and backslash before any other character for that character: RFC 4514's
 * distinguished names as OpenSSL prints them (`openssl x509 -subject`, `-nameopt RFC2253`: `\C3\A9` for é, `\"` `\+`
 * `\,` `\<`), LDAP filters (RFC 4515: `\2a`, `\5c`), Erlang's and some loggers' byte escapes. The backslash family reads
 * `\C3` as `C3`, CSS's as U+00C3: neither gives the UTF-8 bytes back.
 */
export class HexPairDecoder implements Decoder {
  /** 0 text, 1 after `\`, 2 after `\` and a hex digit. */
  #st = 0;
  #first = 0;

  get idle(): boolean {
    return this.#st === 0;
  }

  reset(): void {
    this.#st = 0;
  }

  push(b: number, sink: Sink): void {
    switch (this.#st) {
      case 0:
        if (b === 0x5c) this.#st = 1;
        else sink.out(b, 0);
        return;
      case 1:
        if (HEX[b]! >= 0) {
          this.#st = 2;
          this.#first = b;
          return;
        }
        this.#st = 0;
        return sink.out(b, 1);
      case 2:
        this.#st = 0;
        if (HEX[b]! >= 0) return sink.out(HEX[this.#first]! * 16 + HEX[b]!, 1);
        // One hex digit alone is that character escaped (`\a` in a name), and `b` is read on.
        sink.out(this.#first, 1);
        return this.push(b, sink);
    }
  }
}
