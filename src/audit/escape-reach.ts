/**
 * Where a reading of an escape family may begin a match (`escapes.ts`). A fork begins at an
 * escape's first byte with the automaton's state there, which has read the bytes before as they
 * are; a reading of a family is one reading of the whole text, so a byte it takes as part of an
 * escape is never also the text as it is. A match therefore begins at an escape's first byte —
 * the escape makes the value's first character (`\u0041BC…`, `&#x41;BC…`, `%41BC…`) — or at a
 * plain byte after the family's last escape; and no reading begins at a byte that ends an escape
 * begun before it (the second `\` of `\\u0041`, the second `$` of `$$`). Without this a value
 * whose first character ends the escape written for another (`;` of `&#65;`, the `3` of
 * `\u0043`, the second `\` of `\\`, the `\` of `\ `) was found in text that holds it but for its
 * first character: a false leak, about one near-miss in 5,000.
 *
 * The bytes before are read again, with the family's decoder in the fork's mode, from far enough
 * back to take in the longest escape, after an even number of bytes of a run of one byte
 * (`\\\\`, `$$$$`: its parity counted up to 256 bytes back); for shell quoting, from its last
 * quote only (the fork's mode holds from there; before it, a `\` may be as it is inside '…'). A
 * second round reads what the round before made: the text before, read by the rounds outside it
 * first, then the bytes the outer reading made (`\u0026#48;\u0026#32;`, XML then JSON, holds the
 * `;` of `&#48;` only inside an escape). So each round reads the whole of what the round before
 * made, three rounds at most: `\\u0041BC…` is `ABC…` after two JSON readings (found, named
 * with both), `&amp;#65;BC…` after two XML readings, `&amp;amp;#65;BC…` after three, and
 * `\\\\\\\\u0041BC…` or `&amp;amp;amp;#65;BC…`, four deep, are not read.
 */
import type { Decoder, Sink } from './escape-decoders.js';
import type { Families, Family } from './escape-families.js';

/** How far before the bytes a fork's pattern has begun an escape is looked for (the longest, `&CounterClockwiseContourIntegral;`, is 33). */
export const LOOK_BACK = 64;
/** As far for families of short escapes only (`\U0010FFFF`, `\u{10FFFF}`, `%41`, `$$`): a window read per fork begun. */
const SHORT_LOOK_BACK = 16;
/** A run of one trigger byte (`\\\\`, `%%%%`) counted back up to this far. */
const RUN = 256;

/** A reading and the rounds outside it. */
export interface Round {
  readonly family: Family;
  readonly mode: number;
  readonly outer: Round | undefined;
}

export class Before {
  /** The last bytes of the chunks before this one. */
  readonly #tail: Uint8Array;
  #tailLength = 0;
  #chunk: Uint8Array = new Uint8Array(0);
  /** The stream offset of the chunk's first byte. */
  #base = 0;
  /** The bytes read back, as the text has them or as an outer reading made them; a fork appends its own. */
  readonly window: Uint8Array;
  /** How far back `reach` may be asked to look (the longest pattern and `LOOK_BACK`): the room a fork keeps its bytes in. */
  readonly room: number;
  readonly #sink = {
    at: 0,
    /** Where the last escape ended (the byte after it). */
    end: -Infinity,
    escaped: -Infinity,
    /** Where a decoded window is written (-1: not written). */
    write: -1,
    out: (b: number, kind: number) => {
      const w = this.#sink;
      if (w.write >= 0) {
        this.window[w.write++] = b;
        return;
      }
      if (kind) {
        w.end = w.at + 1;
        w.escaped = w.at;
      } else if (w.escaped === w.at) w.end = w.at; // `\7z`, `\x4z`: the escape ended at the byte that, read next, was plain.
    },
    cut: () => {
      const w = this.#sink;
      if (w.write < 0) w.end = w.at + 1;
    },
  } satisfies Sink & Record<string, unknown>;

  constructor(
    readonly families: Families,
    span: number,
  ) {
    this.room = span + LOOK_BACK;
    this.#tail = new Uint8Array(this.room + RUN);
    this.window = new Uint8Array(2 * this.#tail.length);
  }

  /** The window `fromText` wrote begins after a quote (a quoting family's mode is known there). */
  quoted = false;
  /** The window `fromText` wrote begins at the text's first byte: no quote before it. */
  #whole = false;

  /**
   * `reach` for a quoting family in `mode`: where the window holds no quote, the text may be
   * inside quotes or not, and a byte either reading takes as part of an escape is not taken as it is
   * (`0\ H'…` is `0 H…` outside quotes: its `\` begins no value inside them either). Where it
   * begins after one, that quote is one the reading removed: a match begins after it, not at a
   * byte before it taken as it is (`a''b…`, `a""b…` are `ab…` to a shell; read from the second
   * quote, `a'` had been taken as it is, and `a'b…` found where the value is not).
   */
  reachQuoted(family: Family, mode: number, n: number, depth: number, b: number): number {
    // Inside quotes where the text before holds none that opened them (`\"` read as in $'…' with no $' before): no such reading.
    if (!this.quoted && this.#whole && mode !== 0 && family.modal) return -1;
    const r = this.reach(family, mode, n, depth, b);
    if (this.quoted) return Math.min(r, n);
    return mode === 0 || !family.modal ? r : Math.min(r, this.reach(family, 0, n, depth, b));
  }

  /** Rings of `room` bytes forks keep what they made in, given back when they are over: a fork begins at most places worth one, and each was an allocation. */
  readonly #rings: Uint8Array[] = [];

  ring(): Uint8Array {
    return this.#rings.pop() ?? new Uint8Array(this.room);
  }

  release(ring: Uint8Array): void {
    if (this.#rings.length < 64) this.#rings.push(ring);
  }

  readonly #lookBack = new Map<Family, number>();

  /** How far before a place an escape of `family` may begin and still reach into it. */
  lookBack(family: Family): number {
    let n = this.#lookBack.get(family);
    if (n === undefined) {
      n = /^[\\%=$`^+]*$/.test(family.triggers + (family.inside ?? '')) ? SHORT_LOOK_BACK : LOOK_BACK;
      this.#lookBack.set(family, n);
    }
    return n;
  }

  /**
   * Where no pattern has begun, `b` ends an escape begun before it only after a byte that begins
   * one of `family`'s (`\\`, `$$`, `\'`): elsewhere the window need not be read.
   */
  mayEnd(family: Family, previous: number): boolean {
    return previous >= 0 && this.families.at[previous]!.includes(family);
  }

  /** The chunk being scanned, whose first byte is at the stream offset `base`. */
  scanning(chunk: Uint8Array, base: number): void {
    this.#chunk = chunk;
    this.#base = base;
  }

  /** The chunk scanned: its last bytes kept. */
  scanned(): void {
    const chunk = this.#chunk;
    const tail = this.#tail;
    if (chunk.length >= tail.length) {
      tail.set(chunk.subarray(chunk.length - tail.length));
      this.#tailLength = tail.length;
      return;
    }
    const keep = Math.min(this.#tailLength, tail.length - chunk.length);
    tail.copyWithin(0, this.#tailLength - keep, this.#tailLength);
    tail.set(chunk, keep);
    this.#tailLength = keep + chunk.length;
  }

  /** The byte at the stream offset `at`, or -1 where it is no longer (or not yet) kept. */
  byteAt(at: number): number {
    const k = at - this.#base;
    if (k >= 0) return k < this.#chunk.length ? this.#chunk[k]! : -1;
    return k >= -this.#tailLength ? this.#tail[this.#tailLength + k]! : -1;
  }

  /**
   * Into `window`, the `want` bytes of the text before the stream offset `at` (one more where they
   * would begin after an odd number of a run of one of `family`'s triggers), as far as they are kept; read by each round of
   * `rounds` first (the outermost first) where the reading asking is a second or third round.
   * For a quoting family, from after the last quote that bounds `mode`. The bytes written.
   */
  fromText(at: number, want: number, family: Family, mode: number, rounds?: Round): number {
    let from = at - want;
    while (this.byteAt(from) < 0 && from < at) from++;
    this.#whole = from <= 0;
    // Inside a run of one byte (`\\\\`, `%%%%`), the window begins after an even number of its bytes:
    // counted, not read (a run is read back at every place in it).
    const first = this.byteAt(from);
    if (from < at && this.families.at[first]!.includes(family)) {
      let run = 0;
      while (run < RUN && this.byteAt(from - 1 - run) === first) run++;
      if (run % 2 === 1) from--;
    }
    // A quoting family's mode is known at `at` only: read back to the last quote that bounds it (in
    // '…', the ' that opened it: a " there is text), where it may change.
    // A quote after a backslash (`\'`, `\"`) is escaped where a backslash escapes: read as such.
    const quotes = family.modal?.bounds[mode];
    this.quoted = false;
    if (quotes)
      for (let k = at - 1; k >= from; k--)
        if (quotes.includes(String.fromCharCode(this.byteAt(k))) && this.byteAt(k - 1) !== 0x5c) {
          from = k + 1;
          this.quoted = true;
          break;
        }
    const window = this.window;
    for (let k = from; k < at; k++) window[k - from] = this.byteAt(k);
    return rounds ? this.#decode(rounds, at - from) : at - from;
  }

  /** The first `n` bytes of `window` read by `round` after the rounds outside it, in place (a reading makes no more bytes than it reads). */
  #decode(round: Round, n: number): number {
    if (round.outer) n = this.#decode(round.outer, n);
    const d = this.families.tryer(round.family, round.mode);
    const w = this.#sink;
    w.write = 0;
    for (let k = 0; k < n; k++) d.push(this.window[k]!, w);
    n = w.write;
    w.write = -1;
    return n;
  }

  /**
   * Reads the first `n` bytes of `window`, the bytes before a fork's first, `b`: -1 if `b` ends an
   * escape of `family` begun before it, else how many of the last `depth` a match may begin among.
   */
  reach(family: Family, mode: number, n: number, depth: number, b: number): number {
    const d: Decoder = this.families.tryer(family, mode);
    const w = this.#sink;
    w.end = w.escaped = -Infinity;
    const window = this.window;
    for (let k = 0; k < n; k++) {
      w.at = k;
      d.push(window[k]!, w);
    }
    let end = w.end;
    // `b` itself, read on: an escape held before it either takes it as its last byte (`\\`, `$$`:
    // no escape begins at `b`) or ends before it (`\7\`, `%%`, `&#6&`).
    if (!d.idle) {
      w.at = n;
      d.push(b, w);
      if (d.idle && w.end === n + 1) return -1;
      if (w.end >= n) end = n;
    }
    return Math.max(0, Math.min(depth, n - end));
  }
}
