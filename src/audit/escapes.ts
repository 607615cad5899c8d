/**
 * Secrets however their characters are escaped: the audit reads text as each escape family would
 * decode it, but only from where an escape may begin. The automaton stops at the bytes that can
 * begin one (`\ & % = ' " $`, PowerShell's `` ` `` and cmd's `^` before what they escape, and `+`
 * or a line break when a secret holds a space) — in plain text
 * the one extra cost is that the bytes are in its 256-entry table of bytes to stop at. There, each
 * family that can read an escape at that place starts a fork: a decoder and a copy of the
 * automaton's state at that byte, fed the bytes that follow, decoded, for as long as what it has
 * read could still be part of a pattern (at most the longest pattern past its last escape), and
 * reporting only matches that an escape made (the plain ones are the main scan's). A fork's
 * decoded bytes may themselves begin escapes: a second round (a value percent-encoded, then
 * JSON-escaped) forks again from the fork. Any number of a secret's characters may be escaped, in
 * any spelling of the family: each later escape in it is read by the fork already running.
 */
import { MATCH, STATE, type Automaton, type Match, type Scanner } from './matcher.js';
import { type Families, type Family } from './escape-families.js';
import { Fork, RAW_PER_BYTE, type ForkHost } from './escape-fork.js';
import { Before } from './escape-reach.js';
import { Islands } from './escape-islands.js';

export { escapeFamilies, Families, type Family } from './escape-families.js';

/** A match with, when escapes made it, which (`JSON \u-escaped`; `URL-encoded, JSON \u-escaped` for two rounds). */
export type EscapedMatch<T> = Match<T> & { escapes?: string };

/** How far into an escape's sequence (`&#x1F600;`, `%2B`, `\u002B`) another family's escape is looked for. */
const WITHIN = 12;
const NO_MODES: readonly number[] = [];
/**
 * The escape readings' budget in a file: bytes read by readings and trials per byte of the file,
 * and as many again at its start. Realistic escape-dense text (JSON `\u`, HTML `&#…;`, JS `\x`,
 * percent-encoded UTF-8) takes under 40 a byte; runs of incomplete escapes crafted to keep
 * readings alive took thousands. Past it, the rest of the file is scanned as it is only.
 */
export const WORK_PER_BYTE = 256;
export const WORK_GRACE = 4 * 1024 * 1024;
/** Whether tried places are remembered: off only in the test that holds the memo to the trials it spares. */
export const remembered = { on: true };
/** Places tried out and remembered (`TriedPlaces`): 4,096, 36 KiB per compiled automaton. */
const MEMO_BITS = 12;
const MEMO = 1 << MEMO_BITS;

/**
 * Places tried out (`EscapeScan.#worthAFork`) whose trial was over within their first two bytes,
 * direct-mapped by the automaton's state, the family and mode, and those two bytes: the trial's
 * decoder is reset and its automaton the same, so nothing else can change the outcome (a quote
 * before plain text, `\f`). One per automaton and families, shared by every scan of a build.
 */
class TriedPlaces {
  static readonly #all = new WeakMap<object, TriedPlaces>();

  static of(automaton: object, families: Families): TriedPlaces {
    let memo = TriedPlaces.#all.get(automaton);
    if (memo?.families !== families) TriedPlaces.#all.set(automaton, (memo = new TriedPlaces(families)));
    return memo;
  }

  readonly state = new Int32Array(MEMO).fill(-1);
  readonly keys = new Int32Array(MEMO);
  readonly worth = new Uint8Array(MEMO);
  /** The key `slot` made last: the family's index, the mode (< 4), the two bytes. */
  key = 0;

  constructor(readonly families: Families) {}

  /** The slot of a place of the family at `index` in `families.list`. */
  slot(index: number, mode: number, state: number, b: number, next: number): number {
    this.key = (index << 18) | (mode << 16) | (b << 8) | next;
    return (Math.imul(state, 0x9e3779b1) ^ Math.imul(this.key, 0x85ebca6b)) >>> (32 - MEMO_BITS);
  }

  keep(slot: number, state: number, worth: number): void {
    this.state[slot] = state;
    this.keys[slot] = this.key;
    this.worth[slot] = worth;
  }
}

/**
 * One stream's scan: the automaton over the bytes as they are, and forks from each place an escape
 * may begin. A drop-in for `automaton.scanner(onMatch)`.
 */
export class EscapeScan<T> implements Scanner, ForkHost<T> {
  readonly #raw: Scanner;
  /**
   * The first rounds reading, each up to the byte `#next` has for it: read as far as a place
   * where another may begin only when one does, so that one begun there whose twin is reading
   * (`Fork.renew`) is not begun again. Run to the chunk's end at once, as before, a run of
   * `%%%%` began readings at each byte, each with its second rounds kept to its allowance.
   */
  #forks: Array<Fork<T>> = [];
  /** Per reading of `#forks`, the index in the chunk of the byte it reads next. */
  #next: number[] = [];
  #chunk: Uint8Array = new Uint8Array(0);
  #base = 0;
  /** The stream offset of the byte the forks are reading. */
  at = 0;
  /** Per pattern's tag, the ends recently reported by forks: one place found by two readings (`\"` is also shell) is said once. */
  readonly #reported = new Map<T, number[]>();
  /** What forks found in this chunk, said at its end: of two readings of one place, the one with fewer rounds. */
  #found: Array<{ tag: T; end: number; escapes: string; depth: number }> = [];
  /** The text before a place, read again where a fork begins (`escape-reach.ts`). */
  readonly before: Before;
  /** Bytes read by readings and trials in this file (`WORK_PER_BYTE`). */
  work = 0;
  /** The stream offset where this file began (`file`). */
  #fileStart = 0;
  /** The budget was passed in this file: no reading begins until the next. */
  #over = false;

  constructor(
    readonly automaton: Automaton<T>,
    readonly families: Families,
    /** The longest pattern, in bytes. */
    readonly span: number,
    readonly onMatch: (m: EscapedMatch<T>) => void,
    /** The escape readings of this file passed their budget: escaped values in the rest may be missed. */
    readonly onLimit?: (what: string) => void,
  ) {
    this.#raw = automaton.scanner(onMatch, (i, state) => this.#stop(i, state), families.worth, families.readsOn, families.leads);
    this.before = new Before(families, span);
    this.#memo = TriedPlaces.of(automaton, families);
    this.#islands = new Islands(automaton.patternBytes, automaton.shortest);
  }

  /** Where a reading would be begun in vain (`escape-islands.ts`). */
  readonly #islands: Islands;

  get offset(): number {
    return this.#raw.offset;
  }

  /** A new file begins with the next byte written: a budget of its own. */
  file(): void {
    this.work = 0;
    this.#fileStart = this.#base;
    this.#over = false;
  }

  /** The readings are over budget at the chunk's byte `i`: all end, and the rest of the file is read as it is. */
  #overBudget(i: number): boolean {
    if (this.#over) return true;
    if (this.work <= WORK_GRACE + WORK_PER_BYTE * (this.#base + i - this.#fileStart)) return false;
    this.#over = true;
    for (const fork of this.#forks) fork.over();
    this.#forks.length = this.#next.length = 0;
    this.onLimit?.(`escape readings took more than ${WORK_PER_BYTE} bytes read a byte: escaped values in the rest may be missed`);
    return true;
  }

  write(input: Uint8Array): void {
    // One kind of array for every read of it here and in the automaton (Buffers and plain Uint8Arrays both come).
    const chunk = input.constructor === Uint8Array ? input : new Uint8Array(input.buffer, input.byteOffset, input.length);
    this.#chunk = chunk;
    this.before.scanning(chunk, this.#base);
    this.#next.fill(0);
    this.#raw.write(chunk);
    this.#catchUp(chunk.length);
    this.before.scanned();
    this.#base += chunk.length;
    if (this.#found.length) this.#say();
  }

  /** Where a fork of `family` in `mode` begun at `i` may begin a match (`Before.reach`): -1 if no escape of the family begins there. */
  #reach(family: Family, mode: number, i: number, state: number): number {
    const depth = state === 0 ? 0 : this.automaton.depth(state);
    if (depth === 0 && !this.before.mayEnd(family, this.before.byteAt(this.#base + i - 1))) return 0;
    const n = this.before.fromText(this.#base + i, depth + this.before.lookBack(family), family, mode);
    return this.before.reachQuoted(family, mode, n, depth, this.#chunk[i]!);
  }

  #stop(i: number, state: number): void {
    if (this.#overBudget(i)) return;
    const chunk = this.#chunk;
    const b = chunk[i]!;
    // The island's walk is the same answer whenever it is taken before a place is tried or a reading begun: first where
    // `#within` may begin readings, else only once a place is to be tried out (most stops on text end before, by `quick`).
    let island = this.families.inner[b]!.length > 0;
    if (island && this.#islands.short(chunk, i, this.#base)) return;
    const next = i + 1 < chunk.length ? chunk[i + 1]! : -1;
    // The families an escape inside this one's sequence began readings of; the others are begun below, where this escape is worth a fork.
    const within = island ? this.#within(i, state) : undefined;
    let led = false;
    if (next >= 0 && (this.families.pairs[b * 256 + next]! & (state === 0 ? 1 : 2)) === 0) return;
    // Indexed loops here and in `Fork.out`: iterators not optimized away were allocations per stop.
    const at = this.families.at[b]!;
    const atIndex = this.families.atIndex[b]!;
    for (let f = 0; f < at.length; f++) {
      const family = at[f]!;
      const modes = family.modes(b, next, state);
      if (!modes) continue;
      let sameSoFar = false;
      for (let m = 0; m < modes.length; m++) {
        const mode = modes[m]!;
        // The first mode's reading ended before anything read differently in this one.
        if (sameSoFar) break;
        const quick = family.quick ? family.quick(chunk, i, mode) : -1;
        if (quick === -2) continue;
        if (quick >= 0) {
          // One byte made: the place is over unless it begins or goes on with a pattern, or begins a second round.
          const v = this.automaton.step(state, quick);
          if ((v & (MATCH | STATE)) === 0 && (!family.rounds || this.families.inner[quick]!.length === 0)) continue;
        }
        if (!island) {
          if (this.#islands.short(chunk, i, this.#base)) return;
          island = true;
        }
        const worth = this.#worthAFork(family, atIndex[f]!, mode, i, state, family.rounds === true);
        if (worth === 2) {
          const reach = this.#reach(family, mode, i, state);
          if (reach >= 0) this.#begin(family, mode, state, reach, false, i);
          // The value may be escaped again by another family over this one (percent-encoded, then XML-escaped): its reading from here.
          // Every other family, not only those `#within` began (`\u003C$…`: a `$` after the escape is no reason to read it by `$$` alone).
          if (family.rounds && !led) led = this.#lead(i, state, undefined, within);
        } else sameSoFar = worth === 0 && modes.length > 1 && family.modal?.alike.includes(String.fromCharCode(b)) === true;
      }
    }
  }

  /**
   * An escape of another family inside the sequence this byte begins (`%&#53;6`: percent-encoded,
   * then XML-escaped; `&#\u00386;`: XML, then JSON): the other family's reading begins here, with
   * this byte as it is, and this family's reading of what it makes begins at once (a second round
   * from a byte as it was). Looked for only within an escape's length, through its digits and name.
   * The families whose readings it began (undefined: none).
   */
  #within(i: number, state: number): readonly Family[] | undefined {
    const chunk = this.#chunk;
    const own = this.families.inner[chunk[i]!]!;
    const end = Math.min(chunk.length, i + WITHIN);
    const sequence = this.families.sequence;
    const row = chunk[i]! << 8;
    for (let j = i + 1; j < end; j++) {
      const c = chunk[j]!;
      const other = this.families.inner[c]!;
      if (other.length) return this.#another(other, own) && this.#lead(i, state, other) ? other : undefined;
      if (!sequence[row | c]) return undefined;
    }
    return undefined;
  }

  /** Some family of `other` is not in `own` (a loop, not `some`: no closure on the stop path). */
  #another(other: readonly Family[], own: readonly Family[]): boolean {
    for (let k = 0; k < other.length; k++) if (!own.includes(other[k]!)) return true;
    return false;
  }

  /** Readings by other families (`among`, or every one that takes part in rounds, but those `begun`) from the escape at `i`, as it is. */
  #lead(i: number, state: number, among: readonly Family[] | undefined, begun?: readonly Family[]): boolean {
    const own = this.families.inner[this.#chunk[i]!]!;
    for (const family of among ?? this.families.list) {
      if (!family.rounds || own.includes(family) || begun?.includes(family)) continue;
      const t = family.triggers.charCodeAt(0);
      for (const mode of family.modes(t, -1, state) ?? NO_MODES) {
        const reach = this.#reach(family, mode, i, state);
        if (reach >= 0) this.#begin(family, mode, state, reach, true, i);
      }
    }
    return true;
  }

  /**
   * Tries the place out with the family's kept decoder, as a fork would read it, but without one:
   * most places end within a few bytes (no escape after all, or what it decodes to begins no
   * pattern) and cost no allocation. A fork is made (and reads the place again) only where the
   * reading finds a match, decodes a byte that may begin a second round, or runs past the chunk
   * (2). Over, it says whether a byte after which modes read differently was read (1) or not (0).
   */
  #worthAFork(family: Family, index: number, mode: number, i: number, state: number, rounds: boolean): 0 | 1 | 2 {
    const chunk = this.#chunk;
    // A place over within its first two bytes was told by them alone (the decoder reset, the automaton the same): said again from the memo.
    const memo = this.#memo;
    const slot = remembered.on && i + 1 < chunk.length && mode < 4 ? memo.slot(index, mode, state, chunk[i]!, chunk[i + 1]!) : -1;
    if (slot >= 0 && memo.state[slot] === state && memo.keys[slot] === memo.key) return memo.worth[slot] as 0 | 1 | 2;
    const worth = this.#tryOut(family, index, mode, i, state, rounds);
    if (slot >= 0 && this.#tried <= i + 1) memo.keep(slot, state, worth);
    return worth;
  }

  readonly #memo: TriedPlaces;
  /** The last byte `#tryOut` read (its index in the chunk). */
  #tried = 0;

  #tryOut(family: Family, index: number, mode: number, i: number, state: number, rounds: boolean): 0 | 1 | 2 {
    const t = this.#trial;
    t.rounds = rounds;
    const d = this.families.tryer(family, mode, index);
    t.state = state;
    t.decoded = 0;
    t.first = -1;
    t.worth = false;
    const chunk = this.#chunk;
    const limit = Math.min(chunk.length, i + this.span * RAW_PER_BYTE);
    const modal = this.families.modal(family, index);
    let differs: 0 | 1 = 0;
    for (let j = i; j < limit; j++) {
      this.#tried = j;
      this.work++;
      if (j > i && modal[chunk[j]!]) differs = 1;
      d.push(chunk[j]!, t);
      if (t.worth) return 2;
      // Nothing made yet and only the lead byte just read held: the place at `j`, tried there on its own (`&#&#`).
      if (t.first < 0 && j > i && d.fresh) return differs;
      if (d.idle && (t.first < 0 || this.automaton.depth(t.state) <= t.decoded - t.first)) return differs;
    }
    this.#tried = limit;
    return 2;
  }

  /** The sink of tried places. */
  readonly #trial = {
    state: 0,
    decoded: 0,
    first: -1,
    worth: false,
    rounds: false,
    out: (b: number, kind: number) => {
      const t = this.#trial;
      if (t.rounds && (kind || (t.first >= 0 && t.state !== 0)) && this.families.inner[b]!.length > 0) t.worth = true;
      const v = this.automaton.step(t.state, b);
      t.decoded++;
      if (kind && t.first < 0) t.first = t.decoded;
      t.state = v & STATE;
      if (t.first >= 0 && (v & MATCH) !== 0) t.worth = true;
    },
    cut: () => {
      const t = this.#trial;
      if (t.first < 0) t.first = t.decoded;
    },
  };

  /** A first round from `i`, unless one reading reads on from there as it would. */
  #begin(family: Family, mode: number, state: number, reach: number, stacked: boolean, i: number): void {
    this.#catchUp(i);
    const forks = this.#forks;
    for (let k = 0; k < forks.length; k++) if (forks[k]!.renew(family, mode, state, stacked)) return;
    forks.push(new Fork(this, family, family.decoder(mode), mode, state, 1, undefined, reach, false, stacked));
    this.#next.push(i);
  }

  /** The readings read on up to the byte at `to` (not yet read); those over are dropped. */
  #catchUp(to: number): void {
    const chunk = this.#chunk;
    const forks = this.#forks;
    const next = this.#next;
    let kept = 0;
    for (let k = 0; k < forks.length; k++) {
      const fork = forks[k]!;
      let j = next[k]!;
      for (; j < to; j++) {
        this.at = this.#base + j;
        if (!fork.push(chunk[j]!)) break;
      }
      if (j < to) fork.over();
      else if (!this.#covered(fork, kept)) {
        forks[kept] = fork;
        next[kept++] = to;
      } else fork.over();
    }
    forks.length = next.length = kept;
  }

  /** An older reading among the first `kept` reads on as `fork` will (`Fork.covers`). */
  #covered(fork: Fork<T>, kept: number): boolean {
    const forks = this.#forks;
    for (let k = 0; k < kept; k++) if (forks[k]!.family === fork.family && forks[k]!.covers(fork)) return true;
    return false;
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
