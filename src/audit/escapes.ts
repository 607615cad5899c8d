/**
 * Secrets however their characters are escaped: the audit reads text as each escape family would
 * decode it, but only from where an escape may begin. The automaton stops at the bytes that can
 * begin one (`\ & % = ' " $`, and `+` or a line break when a secret holds a space) — in plain text
 * the one extra cost is that the bytes are in its 256-entry table of bytes to stop at. There, each
 * family that can read an escape at that place starts a fork: a decoder and a copy of the
 * automaton's state at that byte, fed the bytes that follow, decoded, for as long as what it has
 * read could still be part of a pattern (at most the longest pattern past its first escape), and
 * reporting only matches that an escape made (the plain ones are the main scan's). A fork's
 * decoded bytes may themselves begin escapes: a second round (a value percent-encoded, then
 * JSON-escaped) forks again from the fork. Any number of a secret's characters may be escaped, in
 * any spelling of the family: each later escape in it is read by the fork already running.
 */
import { MATCH, STATE, type Automaton, type Match, type Scanner } from './matcher.js';
import {
  BACKSLASH_KINDS,
  BackslashDecoder,
  EntityDecoder,
  isAlpha,
  isHex,
  PercentDecoder,
  QuotedPrintableDecoder,
  type Decoder,
  type Sink,
} from './escape-decoders.js';
import { FoldDecoder, ShellDecoder, ShellMode, YamlSingleDecoder } from './escape-quotes.js';

/** A way of escaping characters, and where in a text its escapes may begin. */
export interface Family {
  /** The names of its kinds of escape (index 0 unused), most telling first: a finding names the first it used. */
  kinds: readonly string[];
  /** The bytes an escape of this family can begin with. */
  triggers: string;
  /**
   * The decoders to read on with from a trigger byte, one per state the text may be in there (a
   * quote may open or close); none where no escape begins. `next` is the byte after (-1: not known
   * yet); `state` the automaton's state before the trigger (0: no pattern begun).
   */
  open(trigger: number, next: number, state: number): Decoder[] | undefined;
}

const Q1 = 0x27;
const Q2 = 0x22;

/** Every family the audit reads through. Those that only make a space are left out when no pattern has one. */
export function escapeFamilies(patternsHaveSpace: boolean): Family[] {
  const families: Family[] = [
    { kinds: BACKSLASH_KINDS, triggers: '\\', open: () => [new BackslashDecoder()] },
    { kinds: ['', 'XML entities'], triggers: '&', open: (_, next) => (next < 0 || next === 0x23 || isAlpha(next) ? [new EntityDecoder()] : undefined) },
    { kinds: ['', 'URL-encoded'], triggers: '%', open: (_, next) => (next < 0 || isHex(next) ? [new PercentDecoder(false)] : undefined) },
    {
      kinds: ['', 'quoted-printable'],
      triggers: '=',
      open: (_, next) => (next < 0 || isHex(next) || next === 0x0a || next === 0x0d ? [new QuotedPrintableDecoder()] : undefined),
    },
    {
      kinds: ['', 'shell-quoted'],
      triggers: `'"\\$`,
      open: (b, next, state) => {
        // A quote only removes: it matters inside a match, where a pattern has begun. It opens or closes.
        if (b === Q1 || b === Q2)
          return state === 0 ? undefined : [new ShellDecoder(ShellMode.Outside), new ShellDecoder(b === Q1 ? ShellMode.Single : ShellMode.Double)];
        if (b === 0x24) return next < 0 || next === Q1 || next === Q2 ? [new ShellDecoder(ShellMode.Outside)] : undefined;
        return [new ShellDecoder(ShellMode.Outside), new ShellDecoder(ShellMode.Double), new ShellDecoder(ShellMode.AnsiC)];
      },
    },
    { kinds: ['', "YAML single-quoted ('')"], triggers: "'", open: (_, next) => (next < 0 || next === Q1 ? [new YamlSingleDecoder()] : undefined) },
  ];
  if (patternsHaveSpace) {
    families.push(
      { kinds: ['', 'form-encoded'], triggers: '%+', open: (b, next) => (b === 0x2b || next < 0 || isHex(next) ? [new PercentDecoder(true)] : undefined) },
      { kinds: ['', 'YAML folded'], triggers: '\r\n', open: (_, __, state) => (state === 0 ? undefined : [new FoldDecoder()]) },
    );
  }
  return families;
}

/** The families by trigger byte, and the stop table for the automaton. */
export class Families {
  readonly at: Family[][] = Array.from({ length: 256 }, () => []);
  readonly stops = new Uint8Array(256);

  constructor(readonly list: readonly Family[]) {
    for (const f of list)
      for (const c of f.triggers) {
        this.at[c.charCodeAt(0)]!.push(f);
        this.stops[c.charCodeAt(0)] = 1;
      }
  }
}

/** A match with, when escapes made it, which (`JSON \u-escaped`; `URL-encoded, JSON \u-escaped` for two rounds). */
export type EscapedMatch<T> = Match<T> & { escapes?: string };

/** Rounds of decoding: a fork's decoded bytes fork again once. */
const MAX_DEPTH = 2;
/** Raw bytes a fork may read per byte of the longest pattern (the longest escape of one character, leading zeros aside). */
const RAW_PER_BYTE = 16;

/**
 * One stream's scan: the automaton over the bytes as they are, and forks from each place an escape
 * may begin. A drop-in for `automaton.scanner(onMatch)`.
 */
export class EscapeScan<T> implements Scanner {
  readonly #raw: Scanner;
  /** Forks still reading when the last chunk ended. */
  #forks: Array<Fork<T>> = [];
  #chunk: Uint8Array = new Uint8Array(0);
  #base = 0;
  /** The stream offset of the byte the forks are reading. */
  at = 0;
  /** Per pattern's tag, the ends recently reported by forks: one place found by two readings (`\"` is also shell) is said once. */
  readonly #reported = new Map<T, number[]>();
  /** What forks found in this chunk, said at its end: of two readings of one place, the one with fewer rounds. */
  #found: Array<{ tag: T; end: number; escapes: string; depth: number }> = [];

  constructor(
    readonly automaton: Automaton<T>,
    readonly families: Families,
    /** The longest pattern, in bytes. */
    readonly span: number,
    readonly onMatch: (m: EscapedMatch<T>) => void,
  ) {
    this.#raw = automaton.scanner(onMatch, (i, state) => this.#stop(i, state));
  }

  get offset(): number {
    return this.#raw.offset;
  }

  write(chunk: Uint8Array): void {
    this.#chunk = chunk;
    const running = this.#forks;
    this.#forks = [];
    for (const f of running) this.#run(f, 0);
    this.#raw.write(chunk);
    this.#base += chunk.length;
    if (this.#found.length) this.#say();
  }

  #stop(i: number, state: number): void {
    const chunk = this.#chunk;
    const b = chunk[i]!;
    const next = i + 1 < chunk.length ? chunk[i + 1]! : -1;
    for (const family of this.families.at[b]!) {
      const decoders = family.open(b, next, state);
      if (decoders) for (const d of decoders) this.#run(new Fork(this, family, d, state, 1, undefined), i);
    }
  }

  /** A fork reads on from `from` until it stops or the chunk ends (then it goes on with the next). */
  #run(fork: Fork<T>, from: number): void {
    const chunk = this.#chunk;
    for (let j = from; j < chunk.length; j++) {
      this.at = this.#base + j;
      if (!fork.push(chunk[j]!)) return;
    }
    this.#forks.push(fork);
  }

  found(tag: T, escapes: string, depth: number): void {
    this.#found.push({ tag, end: this.at + 1, escapes, depth });
  }

  #say(): void {
    const found = this.#found.sort((a, b) => a.depth - b.depth);
    this.#found = [];
    for (const { tag, end, escapes } of found) {
      const ends = this.#reported.get(tag) ?? [];
      if (ends.includes(end)) continue;
      ends.push(end);
      if (ends.length > 8) ends.shift();
      this.#reported.set(tag, ends);
      this.onMatch({ tag, end, escapes });
    }
  }
}

/** A reading of the text from a trigger on, by one family's decoder, with its own copy of the automaton's state. */
class Fork<T> implements Sink {
  /** Decoded bytes so far. */
  #decoded = 0;
  /** Raw bytes (or the outer fork's decoded bytes) read. */
  #read = 0;
  /** Where the first escape took effect, in decoded bytes (-1: none yet). */
  #first = -1;
  /** Recent escapes: pairs of (the decoded offset just after it, its kind). */
  #log: number[] = [];
  #inner: Array<Fork<T>> = [];

  constructor(
    readonly scan: EscapeScan<T>,
    readonly family: Family,
    readonly decoder: Decoder,
    public state: number,
    readonly depth: number,
    readonly outer: Fork<T> | undefined,
  ) {}

  /** Reads one byte; false once this reading can no longer make a match an escape made. */
  push(b: number): boolean {
    this.decoder.push(b, this);
    const span = this.scan.span;
    // Nothing decoded differently yet and nothing held: the text here is as it is, the main scan's.
    const fresh = this.#first < 0 ? !this.decoder.idle : this.#decoded - this.#first <= span;
    return (
      (++this.#read < span * RAW_PER_BYTE && fresh && (this.state !== 0 || !this.decoder.idle)) ||
      (this.#inner.length > 0 && this.#read < 2 * span * RAW_PER_BYTE)
    );
  }

  out(b: number, kind: number): void {
    if (kind) this.#mark(this.#decoded + 1, kind);
    if (this.depth < MAX_DEPTH) {
      for (const family of this.scan.families.at[b]!) {
        const decoders = family.open(b, -1, this.state);
        if (decoders) for (const d of decoders) this.#inner.push(new Fork(this.scan, family, d, this.state, this.depth + 1, this));
      }
    }
    if (this.#inner.length) this.#inner = this.#inner.filter((f) => f.push(b));
    const automaton = this.scan.automaton;
    const v = automaton.step(this.state, b);
    this.#decoded++;
    this.state = v & STATE;
    if ((v & MATCH) !== 0 && this.#log.length)
      for (const p of automaton.ending(v)) {
        const escapes = this.#madeBy(p.bytes.length);
        if (escapes) this.scan.found(p.tag, escapes, this.depth);
      }
  }

  cut(kind: number): void {
    this.#mark(this.#decoded, kind);
  }

  #mark(at: number, kind: number): void {
    if (this.#first < 0) this.#first = at;
    this.#log.push(at, kind);
    // Escapes further back than the longest pattern can no longer be inside a match.
    if (this.#log.length > 64) {
      let k = 0;
      while (k < this.#log.length && this.#log[k]! <= this.#decoded - this.scan.span) k += 2;
      this.#log = this.#log.slice(k);
    }
  }

  /** The name of the escapes inside the match of `length` bytes that ends here, or undefined if none is. */
  #madeBy(length: number): string | undefined {
    const best = this.#kindSince(this.#decoded - length);
    if (!best) return undefined;
    const name = this.family.kinds[best]!;
    return this.outer ? `${name}, ${this.outer.family.kinds[this.outer.#kindSince(-Infinity) || 1]}` : name;
  }

  /** The most telling kind of escape after the decoded offset `from` (0: none). */
  #kindSince(from: number): number {
    let best = 0;
    for (let i = this.#log.length - 2; i >= 0 && this.#log[i]! > from; i -= 2) {
      const kind = this.#log[i + 1]!;
      if (best === 0 || kind < best) best = kind;
    }
    return best;
  }
}
