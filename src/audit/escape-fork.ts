/**
 * A fork of the escape scan (`escapes.ts`): a reading of the text from a place an escape may
 * begin, by one family's decoder, with its own copy of the automaton's state; its decoded bytes
 * may begin second rounds (a value percent-encoded, then JSON-escaped), three rounds deep at most.
 */
import { MATCH, STATE, type Automaton } from './matcher.js';
import type { Decoder, Sink } from './escape-decoders.js';
import type { Families, Family } from './escape-families.js';
import type { Before, Round } from './escape-reach.js';

/** Rounds of decoding: a fork's decoded bytes fork again, twice at most (an inner escape before the outer's first, as in `%60\u002520`). */
const MAX_DEPTH = 3;
/** Raw bytes a fork may read per byte of the longest pattern (the longest escape of one character, leading zeros aside). */
export const RAW_PER_BYTE = 16;
/** What beginning a reading costs, in bytes read (`ForkHost.work`). */
const BEGUN_WORK = 32;

/** What a fork reads for: the scan that began it. */
export interface ForkHost<T> {
  readonly automaton: Automaton<T>;
  readonly families: Families;
  /** The longest pattern, in bytes. */
  readonly span: number;
  /** The text before a place (`escape-reach.ts`). */
  readonly before: Before;
  /** The stream offset of the byte the forks are reading. */
  readonly at: number;
  /** Bytes the readings have read (the escape scan's work, held to a budget: `EscapeScan`). */
  work: number;
  /** A match an escape made, ending at the byte being read, by a reading `depth` rounds deep. */
  found(tag: T, escapes: string, depth: number): void;
}

/** A reading of the text from a trigger on, by one family's decoder, with its own copy of the automaton's state. */
export class Fork<T> implements Sink, Round {
  /** Decoded bytes so far. */
  #decoded = 0;
  /** Raw bytes (or the outer fork's decoded bytes) read. */
  #read = 0;
  /** Where the last escape took effect, in decoded bytes (-1: none yet). */
  #last = -1;
  /** Recent escapes: pairs of (the decoded offset just after it, its kind). */
  #log: number[] = [];
  #inner: Array<Fork<T>> = [];

  constructor(
    readonly scan: ForkHost<T>,
    readonly family: Family,
    readonly decoder: Decoder,
    readonly mode: number,
    public state: number,
    readonly depth: number,
    readonly outer: Fork<T> | undefined,
    /**
     * How many bytes before its first a match may begin (the bytes read before it, as they are:
     * the text for a first round, the outer reading's for a second): `escape-reach.ts`.
     */
    readonly reach: number,
    /** A second round begun at a byte as it was (two families in one value): bytes the outer reading made are taken as they are. */
    readonly mixed = false,
    /**
     * Begun at another family's escape as it is (`#lead`): the value escaped by one family, then by
     * this one over it. A second round begins at its first byte, and its second rounds read bytes
     * this reading made as escapes (`&#92;u0041`), as a stack of escapes is read.
     */
    readonly stacked = false,
  ) {
    this.#lead = stacked;
    // A reading begun: its window read back (`escape-reach.ts`) and its allocations, counted as bytes read.
    scan.work += BEGUN_WORK;
  }

  #lead: boolean;
  /** The outer reading's decoded bytes when this one began. */
  #base = 0;
  /** The last bytes this reading made, for the second rounds it begins (`#second`): a ring, made when the first is. */
  #made: Uint8Array | undefined;
  /** The stream offset of the first byte read, where the bytes before are the text (a first round, or a second begun at the first's first byte); -1 if not. */
  #origin = -1;

  /**
   * Reads one byte; false once this reading can no longer make a match an escape made: the
   * pattern begun (the state's depth) no longer reaches back to its first escape, nothing is held,
   * and no second round is reading. A later escape is another place, tried on its own.
   */
  push(b: number, made = 0): boolean {
    this.scan.work++;
    if (this.#origin < 0 && this.outer === undefined) this.#origin = this.scan.at;
    if (made && this.mixed && this.decoder.idle) this.out(b, 0);
    else this.decoder.push(b, this);
    if (++this.#read > this.scan.span * RAW_PER_BYTE) return false;
    // A first round that has made nothing yet and holds only the lead byte just read is the reading
    // begun at that byte, which the scan tries there on its own (`&` of a run of `&#&#`, `\` of `\x\x`):
    // kept, a run began one at each lead, each read to its allowance.
    if (this.#read > 1 && this.#last < 0 && this.outer === undefined && !this.stacked && this.decoder.fresh) return false;
    return !this.decoder.idle || this.#reaches() || (this.#inner.length > 0 && this.#read < 2 * this.scan.span * RAW_PER_BYTE);
  }

  // The pattern begun reaches back to an escape (the last: a later reading of the same bytes, merged
  // into this one by #twin, lives as long as it would alone).
  #reaches(): boolean {
    return this.#last >= 0 && this.scan.automaton.depth(this.state) > this.#decoded - this.#last;
  }

  /**
   * This reading, about to read its next byte in the state a new second round of `family` in `mode`
   * would begin in (nothing held, the same automaton state, no rounds of its own): from here the two
   * read alike, so the older one reads on with the new one's allowance instead (a run of `$$$$` or
   * `\\\\` began a reading at each byte, and each of those one at each byte: cubic in the run's length).
   */
  /** An older second round this one would read as (`#twin`), given the new one's allowance. Loops, not `some`/`filter`: `out` runs per byte, and a closure in it is a context allocated per call. */
  #merged(family: Family, mode: number, mixed: boolean): boolean {
    const inner = this.#inner;
    for (let k = 0; k < inner.length; k++) if (inner[k]!.#twin(family, mode, this.state, mixed)) return true;
    return false;
  }

  /** This reading is over: the rings of bytes it and its second rounds made go back to be used again. */
  over(): void {
    if (this.#made) this.scan.before.release(this.#made);
    this.#made = undefined;
    for (const f of this.#inner) f.over();
  }

  /** The second rounds read `b`; those over are dropped. */
  #pushInner(b: number, kind: number): void {
    const inner = this.#inner;
    let kept = 0;
    for (let k = 0; k < inner.length; k++) {
      const f = inner[k]!;
      if (f.push(b, kind) && !(f.decoder.idle && Fork.#coveredAmong(inner, kept, f))) inner[kept++] = f;
      else f.over();
    }
    inner.length = kept;
    // The second rounds just begun are last (`out` begins them before they read the byte).
    for (let k = inner.length - 1; k > 0 && inner[k]!.#read === 1; k--) if (this.#dropAlike(inner[k]!)) break;
  }

  /**
   * Drops the older second rounds that read on as `begun` (just begun at the byte read) will: a
   * reading whose last escape failed and whose decoder holds only that byte (`%` of a run of
   * `%%%%`, which a percent reading is never idle in, so `#twin` never merges it), in the same
   * state, with no escape of its own yet. Kept, a run began one at each byte, each kept to its
   * allowance: quadratic in the run's length up to it, and a constant of hundreds beyond.
   */
  #dropAlike(begun: Fork<T>): boolean {
    if (!begun.decoder.fresh || begun.#lead || begun.#inner.length) return false;
    const inner = this.#inner;
    let kept = 0;
    for (let k = 0; k < inner.length; k++) {
      const f = inner[k]!;
      if (f !== begun && f.#alike(begun)) f.over();
      else inner[kept++] = f;
    }
    const dropped = kept < inner.length;
    inner.length = kept;
    return dropped;
  }

  #alike(o: Fork<T>): boolean {
    if (this.family !== o.family || this.mode !== o.mode || this.mixed !== o.mixed || this.stacked !== o.stacked || this.#lead) return false;
    return this.decoder.fresh === true && this.state === o.state && this.#last < 0 && this.#inner.length === 0;
  }

  /**
   * A first round of `family` in `mode` would begin at the byte this one reads next, in `state`:
   * where this one reads it alike (nothing held, the same state, none of its own second rounds
   * still to begin), it reads on with the new one's allowance instead — and, for one begun at
   * another family's escape as it is (`stacked`), begins its second rounds at that byte as the
   * new one would. A run of `%%%%` or `\\\\` began one at each byte, each with its second rounds.
   */
  renew(family: Family, mode: number, state: number, stacked: boolean): boolean {
    if (this.outer || this.family !== family || this.mode !== mode || this.state !== state || this.stacked !== stacked || this.mixed) return false;
    if (!this.decoder.idle || this.#lead || (!stacked && this.#last < 0)) return false;
    this.#read = 0;
    this.#lead = stacked;
    return true;
  }

  /**
   * This reading, older than `newer` (a first round begun since), reads on from here as it will:
   * the same family, mode and state, both decoders idle, neither's pattern begun reaching back to
   * an escape, and that pattern within what `newer` made (so the same bytes, made alike); its
   * second rounds each read on as one of this one's will. Then this one takes `newer`'s allowance
   * and `newer` is over: in a run of `%25%25…` each `%25` began a first round (the text's state,
   * after `25`, is not the decoded `%`'s, so `renew` could not merge them) that its second rounds
   * kept to its allowance — quadratic in the run.
   */
  covers(newer: Fork<T>): boolean {
    if (!this.#alikeAt(newer) || !this.decoder.idle || !newer.decoder.idle || this.#lead || newer.#lead) return false;
    if (newer.#inner.length && !this.#innerCovers(newer)) return false;
    this.#read = Math.min(this.#read, newer.#read);
    return true;
  }

  /** An older reading among the first `kept` of `forks` reads on as `fork` will (`covers`). */
  static #coveredAmong<T>(forks: ReadonlyArray<Fork<T>>, kept: number, fork: Fork<T>): boolean {
    for (let k = 0; k < kept; k++) if (forks[k]!.family === fork.family && forks[k]!.covers(fork)) return true;
    return false;
  }

  /** The same reading from here but for the decoders (compared by the caller). */
  #alikeAt(o: Fork<T>): boolean {
    if (this.family !== o.family || this.mode !== o.mode || this.mixed !== o.mixed || this.stacked !== o.stacked || this.state !== o.state) return false;
    if (this.#reaches() || o.#reaches()) return false;
    return this.state === 0 || this.scan.automaton.depth(this.state) <= o.#decoded;
  }

  /** Each of `o`'s second rounds reads on as one of this one's: the same last byte read, alike decoders (idle, or holding only that byte). */
  #innerCovers(o: Fork<T>): boolean {
    if (this.#lastMade !== o.#lastMade) return false;
    for (const y of o.#inner) {
      let covered = false;
      for (const x of this.#inner) {
        if (x.#lead || y.#lead || !x.#alikeAt(y)) continue;
        const idle = x.decoder.idle && y.decoder.idle;
        if (!idle && !(x.decoder.fresh && y.decoder.fresh)) continue;
        if (y.#inner.length && !x.#innerCovers(y)) continue;
        x.#read = Math.min(x.#read, y.#read);
        covered = true;
        break;
      }
      if (!covered) return false;
    }
    return true;
  }

  #twin(family: Family, mode: number, state: number, mixed: boolean): boolean {
    if (this.family !== family || this.mode !== mode || this.state !== state || this.mixed !== mixed || this.stacked || this.#lead) return false;
    if (!this.decoder.idle || this.#last < 0) return false;
    this.#read = 0;
    return true;
  }

  /** The last byte this reading made (-1: none yet). */
  #lastMade = -1;

  out(b: number, kind: number): void {
    if (kind) this.#mark(this.#decoded + 1, kind);
    this.#lastMade = b;
    // A second round begins where an escape made the byte that begins another (`\u0025` for `%`),
    // or where one begins inside what this reading has begun (`%2B…\u0027…`: two families in one value).
    const lead = this.#lead;
    this.#lead = false;
    if ((kind || lead || (this.state !== 0 && this.#last >= 0)) && this.depth < MAX_DEPTH && this.family.rounds) {
      // Begun at a byte as it was, inside what this reading has begun, the value may have each character
      // escaped by one family or the other (mixed: the bytes this reading makes next are taken as they
      // are) or be escaped by the inner family and then by this one over it (`\u005C3&#92;u0064`, JSON then
      // XML: the `\` XML makes next begins a JSON escape): a reading of each.
      const mixed = !kind && !this.stacked;
      const inner = this.scan.families.inner[b]!;
      for (let f = 0; f < inner.length; f++) {
        const family = inner[f]!;
        const modes = family.modes(b, -1, this.state);
        if (modes)
          for (let m = 0; m < modes.length; m++) {
            const mode = modes[m]!;
            const asMixed = mixed && !this.#merged(family, mode, true);
            const asStack = !this.#merged(family, mode, false);
            if (!asMixed && !asStack) continue;
            const reach = this.#second(family, mode, b);
            if (reach < 0) continue;
            if (asMixed) this.#inner.push(this.#begin(family, mode, true, reach));
            if (asStack) this.#inner.push(this.#begin(family, mode, false, reach));
          }
      }
    }
    if (this.#inner.length) this.#pushInner(b, kind);
    if (this.family.rounds && this.depth < MAX_DEPTH) (this.#made ??= this.scan.before.ring())[this.#decoded % this.scan.before.room] = b;
    const automaton = this.scan.automaton;
    const v = automaton.step(this.state, b);
    this.#decoded++;
    this.state = v & STATE;
    if ((v & MATCH) !== 0 && this.#log.length)
      for (const p of automaton.ending(v)) {
        if (!this.#begins(this.#decoded - p.bytes.length)) continue;
        const escapes = this.#madeBy(p.bytes.length);
        if (escapes) this.scan.found(p.tag, escapes, this.depth);
      }
  }

  /**
   * How far back a second round from the byte this reading makes next, `b`, may begin a match
   * (-1: none begins, where `b` ends an escape of the round's family: the `\` made by the second
   * `\\` of `\\\\u0041`): read from what this round made before it (`Before.reach`), after the
   * text before this reading, read by this round and those outside it, where that is kept and this
   * reading's first byte was in the text.
   */
  #second(family: Family, mode: number, b: number): number {
    const before = this.scan.before;
    const depth = this.state === 0 ? 0 : this.scan.automaton.depth(this.state);
    const made = this.#made;
    const want = depth + before.lookBack(family);
    const fromMade = made ? Math.min(this.#decoded, want, made.length) : 0;
    // Where no pattern has begun, only whether `b` ends an escape begun before it matters: not after a byte that begins none.
    const previous = fromMade > 0 ? made![(this.#decoded - 1) % made!.length]! : this.#origin >= 0 ? before.byteAt(this.#origin - 1) : -1;
    if (depth === 0 && !before.mayEnd(family, previous) && (fromMade > 0 || !before.mayEnd(this.family, previous))) return 0;
    let n = fromMade < want && this.#origin >= 0 ? before.fromText(this.#origin, want - fromMade, family, mode, this) : 0;
    for (let k = this.#decoded - fromMade; k < this.#decoded; k++) before.window[n++] = made![k % made!.length]!;
    return before.reachQuoted(family, mode, n, depth, b);
  }

  #begin(family: Family, mode: number, mixed: boolean, reach: number): Fork<T> {
    const f = new Fork(this.scan, family, family.decoder(mode), mode, this.state, this.depth + 1, this, reach, mixed);
    f.#base = this.#decoded;
    f.#origin = this.#decoded === 0 ? this.#origin : -1;
    return f;
  }

  /** A match may begin at `start` (in this reading's decoded bytes; below 0, among the bytes read before its first). */
  #begins(start: number): boolean {
    if (start >= 0) return true;
    if (-start > this.reach) return false;
    return this.outer === undefined || this.outer.#begins(this.#base + start);
  }

  cut(kind: number): void {
    this.#mark(this.#decoded, kind);
  }

  #mark(at: number, kind: number): void {
    this.#last = Math.max(this.#last, at);
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
    if (!best || best === this.family.quiet) return undefined;
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
