/** Percent-encoding, form encoding and quoted-printable, as byte-at-a-time decoders (see `escape-decoders.ts`). */
import { HEX, isHex, type Decoder, type Sink } from './escape-decoders.js';

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
