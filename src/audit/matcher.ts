/**
 * Multi-pattern byte matching in one pass (Aho-Corasick: one table lookup per byte near the root),
 * fed chunk by chunk so a stream is never held whole. Matches across chunk boundaries are found:
 * the automaton's state carries over.
 *
 * The states at most two bytes deep (`DENSE_DEPTH`) have a full row, a column per byte class, not
 * per byte: each byte that occurs in a pattern is a class of its own, the bytes that occur in none
 * share one (per kind of stop). Deeper states — nearly all of them, nearly all with one child —
 * keep their child (or a short list) and their failure link, 12 bytes each, followed where the byte
 * does not go on until a state with a row (`deepStep`): 100 values in all their forms take 1.3 MiB,
 * where a row for every state took 30 (and 0.3 MiB a value for the whole run). A walk seldom goes
 * past the patterns' first three bytes (a few hundred deep steps a MiB of source text), and those
 * steps are made apart from the rows' loop (`deepRun`). Where no pattern has begun, a byte that begins none
 * — or whose next byte does not go on with one, or whose next two with the next's next begin none
 * — is skipped: a block's places the root cannot skip are found ahead of the walk, its table of
 * byte pairs read a 32-bit word at a time (`matcher-skip.ts`), and the walk goes from one to the
 * next, so plain bytes cost a quarter word's load and one lookup each and are never stepped through.
 */

import { BLOCK, littleEndian, rootPlaces, triples, type RootSkips } from './matcher-skip.js';

export interface Pattern<T> {
  bytes: Buffer;
  /** What the caller wants back when this pattern is seen. */
  tag: T;
}

export interface Match<T> {
  tag: T;
  /** Offset, in the whole stream, of the byte after the match. */
  end: number;
}

/** Flags in the value `step` returns: patterns end at the state reached; the byte was a stop byte. */
export const MATCH = 1;
export const STOP = 2;
/** The state in a value `step` returns (its row's offset in the table, a multiple of 4). 0 is the root. */
export const STATE = -4;

/**
 * Each byte's class: each byte that occurs in a pattern its own, the others one per kind of stop;
 * `width`, the columns of a row, rounded up to a multiple of 8 so a row's offset leaves two flag bits and DEEP clear.
 */
function byteClasses(patterns: ReadonlyArray<Pattern<unknown>>, stops: Uint8Array): { cls: Uint8Array; stopOf: Uint8Array; width: number } {
  const cls = new Uint8Array(256);
  const used = new Uint8Array(256);
  for (const p of patterns) {
    if (p.bytes.length === 0) throw new Error('an empty pattern matches everywhere');
    for (const b of p.bytes) used[b] = 1;
  }
  let classes = 0;
  const shared = new Map<number, number>();
  for (let b = 0; b < 256; b++) {
    if (used[b]) cls[b] = classes++;
    else if (!shared.has(stops[b]!)) shared.set(stops[b]!, classes++);
  }
  for (let b = 0; b < 256; b++) if (!used[b]) cls[b] = shared.get(stops[b]!)!;
  const stopOf = new Uint8Array(classes);
  for (let b = 0; b < 256; b++) stopOf[cls[b]!] = stops[b]!;
  return { cls, stopOf, width: (classes + 7) & ~7 };
}

/**
 * By byte × next byte, 1 where the byte can be skipped at the root: it is no stop there, and it
 * begins no pattern (`after`: the state it leads to), or the next byte is no stop and does not go
 * on with one (`depthAfter`: the depth of the state the two lead to) — the state after the two is
 * then the one after the next alone. With a pattern of one byte, only the first rule holds.
 */
function rootSkips(
  patterns: ReadonlyArray<Pattern<unknown>>,
  stops: Uint8Array,
  after: (b: number) => number,
  depthAfter: (state: number, b: number) => number,
): Uint8Array {
  const pairs = Math.min(...patterns.map((p) => p.bytes.length)) >= 2;
  const skip = new Uint8Array(65536);
  for (let b = 0; b < 256; b++) {
    if (stops[b]! & 2) continue;
    const state = after(b);
    for (let next = 0; next < 256; next++) skip[(b << 8) | next] = state === 0 || (pairs && stops[next] === 0 && depthAfter(state, next) !== 2) ? 1 : 0;
  }
  return skip;
}

/** Told of a stop byte at `index`, read in `state`. */
type OnStop = (index: number, state: number) => void;

/**
 * Whether the stop byte at `i`, read in state `r`, is told (`Automaton.scanner`'s `worth` and `readsOn`): the chunk's
 * last byte always; else where `worth` says the next byte may go on with an escape, unless `readsOn` says the reading
 * makes that byte as it is and it goes on with no pattern begun before it from `r` (`deepens`).
 */
function stopTold(rows: Int32Array, cls: Uint8Array, d: Deep, depth: (state: number) => number, worth?: Uint8Array, readsOn?: Uint8Array, leads?: Int16Array) {
  const step = (r: number, b: number) => {
    const c = cls[b]!;
    return (r & DEEP) === 0 ? rows[r + c]! : deepStep(d, r, c);
  };
  const goesOn = (r: number, b: number) => (step(r, b) & (MATCH | STATE)) !== 0;
  // The byte as it is, read in `r`, goes on with a pattern begun before it: a state of depth 1 (a pattern that begins with the
  // byte, `)` of an ASCII85 form) is the one the automaton reaches there itself, reading the byte after the stop byte.
  const deepens = (r: number, b: number) => depth(step(r, b) & STATE) >= 2;
  return (chunk: Uint8Array, i: number, r: number): boolean => {
    if (worth === undefined || i === chunk.length - 1) return true;
    const pair = (chunk[i]! << 8) | chunk[i + 1]!;
    if ((worth[pair]! & (r === 0 ? 1 : 2)) === 0) return false;
    // Every reading from here makes `lead` (and `then`) first: over where they go on with no pattern from `r` — `then` the
    // stop byte as it is (Latin-1 0x80-0xBF: C2 and the byte), with none that holds `lead` (`deepens`).
    const lead = leads === undefined ? -1 : leads[chunk[i]!]!;
    if (lead >= 0) {
      const v = step(r, lead);
      if ((v & (MATCH | STATE)) === 0) return false;
      const then = leads![256 + chunk[i]!]!;
      if (then >= 0 && (v & MATCH) === 0 && !(then === chunk[i] ? deepens(v & STATE, then) : goesOn(v & STATE, then))) return false;
    }
    if (readsOn === undefined || readsOn[pair] === 0) return true;
    return deepens(r, chunk[i + 1]!);
  };
}

/** The `worth` of a scanner told of no stop. */
const NO_STOPS_TOLD = new Uint8Array(65536);

/**
 * States this deep or less have a full row (one lookup a byte); deeper ones, nearly all with one
 * child, keep only their children and their failure link (`Deep`).
 */
export const DENSE_DEPTH = 2;

/** Set in a deep state's value (part of its STATE bits): the scan leaves its loop of rows for `deepRun` there. */
const DEEP = 4;

/** A deep state's depth is kept above its child's class (9 bits: a class, NONE or SEVERAL). */
const NONE = 256;
const SEVERAL = 257;

/**
 * The states deeper than DENSE_DEPTH, past the rows: deep state j's value is `denseEnd` + 8j + DEEP.
 * `link[2j]`: its failure link's value; `link[2j + 1]`: its one child's value, or where its
 * children's list begins in `multi` (the count, then (class, value) pairs by class); `kid[j]`:
 * its depth × 512 + its one child's class (NONE: no child, SEVERAL: the list). 12 bytes a state,
 * where a row takes 4 × the classes.
 */
interface Deep {
  denseEnd: number;
  rows: Int32Array;
  link: Int32Array;
  kid: Int32Array;
  multi: Int32Array;
  /** STOP for each class some stop byte has (a deep state is never the root: every stop is told there). */
  stopBit: Int32Array;
}

/** The value for class `c` read in deep state `r`: its child, or its failure links' until a state with a row is reached. */
function deepStep(d: Deep, r: number, c: number): number {
  const { denseEnd, link, kid, multi } = d;
  let s = r;
  for (;;) {
    const j = (s - denseEnd) >> 3;
    const k = kid[j]! & 511;
    if (k === c) return link[2 * j + 1]! | d.stopBit[c]!;
    if (k === SEVERAL) {
      const at = link[2 * j + 1]!;
      const end = at + 1 + 2 * multi[at]!;
      for (let m = at + 1; m < end; m += 2) {
        const mc = multi[m]!;
        if (mc === c) return multi[m + 1]! | d.stopBit[c]!;
        if (mc > c) break;
      }
    }
    s = link[2 * j]!;
    if ((s & DEEP) === 0) return d.rows[s + c]! | d.stopBit[c]!;
  }
}

/**
 * 1. The trie, in typed arrays (no array per state: the garbage of a JS array each took tens of MiB
 * of RSS for 100 values): each state's first child, next sibling and class; the patterns ending at each.
 */
interface Trie<T> {
  n: number;
  first: Int32Array;
  next: Int32Array;
  cls: Int32Array;
  own: Map<number, Pattern<T>[]>;
}

function trie<T>(patterns: ReadonlyArray<Pattern<T>>, classOf: Uint8Array): Trie<T> {
  const most = 1 + patterns.reduce((n, p) => n + p.bytes.length, 0);
  const first = new Int32Array(most).fill(-1);
  const next = new Int32Array(most).fill(-1);
  const cls = new Int32Array(most);
  const own = new Map<number, Pattern<T>[]>();
  // The root's children by class (it has up to one a class).
  const rootKid = new Int32Array(256).fill(-1);
  let n = 1;
  for (const p of patterns) {
    let s = 0;
    for (const b of p.bytes) {
      const c = classOf[b]!;
      let t = s === 0 ? rootKid[c]! : first[s]!;
      if (s !== 0) while (t >= 0 && cls[t] !== c) t = next[t]!;
      if (t < 0) {
        t = n++;
        cls[t] = c;
        next[t] = first[s]!;
        first[s] = t;
        if (s === 0) rootKid[c] = t;
      }
      s = t;
    }
    own.set(s, [...(own.get(s) ?? []), p]);
  }
  return { n, first, next, cls, own };
}

/** 2. Breadth first order (depth never falls along it): the states at most DENSE_DEPTH deep first (`dense` of them). */
function breadthFirst(t: Trie<unknown>): { order: Int32Array; trieDepth: Int32Array; dense: number } {
  const { n, first, next } = t;
  const order = new Int32Array(n);
  const trieDepth = new Int32Array(n);
  let dense = 1;
  for (let head = 0, tail = 1; head < tail; head++) {
    const s = order[head]!;
    for (let k = first[s]!; k >= 0; k = next[k]!) {
      trieDepth[k] = trieDepth[s]! + 1;
      if (trieDepth[k]! <= DENSE_DEPTH) dense++;
      order[tail++] = k;
    }
  }
  return { order, trieDepth, dense };
}

/** 4. The flags: MATCH on each value leading where patterns end; STOP in the rows (the deep states' by `stopBit`). */
function setFlags(d: Deep, out: Map<number, unknown>, stopOf: Uint8Array, width: number): void {
  const { rows, link, kid, multi, stopBit } = d;
  const flagged = (t: number) => t | (out.has(t) ? MATCH : 0);
  for (let i = 0; i < rows.length; i++) {
    const stop = stopOf[i % width] ?? 0;
    rows[i] = flagged(rows[i]!) | (stop & 2 || (stop && i >= width) ? STOP : 0);
  }
  for (let j = 0; j < kid.length; j++) if ((kid[j]! & 511) < NONE) link[2 * j + 1] = flagged(link[2 * j + 1]!);
  for (let m = 0; m < multi.length; m += 1 + 2 * multi[m]!) for (let k = m + 2; k <= m + 2 * multi[m]!; k += 2) multi[k] = flagged(multi[k]!);
  for (let c = 0; c < stopOf.length; c++) stopBit[c] = stopOf[c] !== 0 ? STOP : 0;
}

/** 3. Failure links, breadth first: rows filled from their failure link's row, deep states given their children; then the flags. */
function states<T>(tr: Trie<T>, stopOf: Uint8Array, width: number): { d: Deep; out: Map<number, Pattern<T>[]>; depth: Int32Array } {
  const { n, first, next, cls, own } = tr;
  const { order, trieDepth, dense } = breadthFirst(tr);
  const denseEnd = dense * width;
  const value = new Int32Array(n);
  for (let i = 0; i < n; i++) value[order[i]!] = i < dense ? i * width : denseEnd + 8 * (i - dense) + DEEP;
  const rows = new Int32Array(denseEnd);
  const link = new Int32Array((n - dense) * 2);
  const kid = new Int32Array(n - dense);
  // Each deep state's list at most 1 + 2 × its children: 3 × the states in all.
  const multiAll = new Int32Array(3 * (n - dense) + 1);
  let multiLength = 0;
  const d: Deep = { denseEnd, rows, link, kid, multi: multiAll, stopBit: new Int32Array(width) };
  const out = new Map<number, Pattern<T>[]>();
  const depth = new Int32Array(dense);
  const failOf = new Int32Array(n);
  // A state's children, (class, state) pairs by class: made again for each state, in one array.
  const byClass: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = order[i]!;
    const v = value[s]!;
    const f = failOf[s]!;
    const inherited = i === 0 ? undefined : out.get(f);
    const mine = own.get(s);
    if (mine || inherited) out.set(v, [...(mine ?? []), ...(inherited ?? [])]);
    byClass.length = 0;
    for (let k = first[s]!; k >= 0; k = next[k]!) {
      // Insertion by class (a deep state has one child or a few).
      let at = byClass.length;
      byClass.push(0, 0);
      while (at > 0 && byClass[at - 2]! > cls[k]!) {
        byClass[at] = byClass[at - 2]!;
        byClass[at + 1] = byClass[at - 1]!;
        at -= 2;
      }
      byClass[at] = cls[k]!;
      byClass[at + 1] = k;
    }
    const kids = byClass.length / 2;
    if (i < dense) {
      depth[i] = trieDepth[s]!;
      if (i > 0) rows.copyWithin(v, f, f + width);
      for (let k = 0; k < byClass.length; k += 2) {
        failOf[byClass[k + 1]!] = i === 0 ? 0 : rows[f + byClass[k]!]!;
        rows[v + byClass[k]!] = value[byClass[k + 1]!]!;
      }
    } else {
      const j = i - dense;
      if (trieDepth[s]! >= 1 << 22) throw new Error('a pattern of 4 MiB or more');
      link[2 * j] = f;
      kid[j] = trieDepth[s]! * 512 + (kids === 0 ? NONE : kids === 1 ? byClass[0]! : SEVERAL);
      if (kids === 1) link[2 * j + 1] = value[byClass[1]!]!;
      else if (kids > 1) {
        link[2 * j + 1] = multiLength;
        multiAll[multiLength++] = kids;
        for (let k = 0; k < byClass.length; k += 2) {
          multiAll[multiLength++] = byClass[k]!;
          multiAll[multiLength++] = value[byClass[k + 1]!]!;
        }
      }
      // The failure link's own step (no flags are set yet, and `d.stopBit` is all 0).
      for (let k = 0; k < byClass.length; k += 2) failOf[byClass[k + 1]!] = (f & DEEP) === 0 ? rows[f + byClass[k]!]! : deepStep(d, f, byClass[k]!);
    }
  }
  const done: Deep = { denseEnd, rows, link, kid, multi: multiAll.slice(0, multiLength), stopBit: new Int32Array(width) };
  setFlags(done, out, stopOf, width);
  return { d: done, out, depth };
}

export class Automaton<T> {
  /**
   * The rows of the states at most `DENSE_DEPTH` deep, indexed by row (state × classes) + the
   * byte's class, holding the next state's value, its low bits flags: MATCH where patterns end at
   * the next state, STOP where the byte is one the caller asked to be told of (the bytes that may
   * begin an escape). A state's value is its row's offset; past the rows, the deep states (`Deep`).
   */
  readonly #rows: Int32Array;
  /** The deep states: their child or children and failure link (`deepStep`). */
  readonly #deep: Deep;
  /** Each byte's class: its column in a row. */
  readonly #class: Uint8Array;
  /** Columns per row: the classes, rounded up to a multiple of 8 (so a row's offset leaves the flag bits and DEEP free). */
  readonly #width: number;
  /** Bytes that leave the root or are stopped at there: at the root, the others are skipped. */
  readonly #starts: Uint8Array;
  /**
   * By byte × next byte, 1 where, at the root, the byte can be skipped: it is no stop there, and it
   * begins no pattern, or the next byte does not go on with one and is no stop (the state after
   * the two is then the one after the next alone).
   */
  readonly #skip: Uint8Array;
  /** `#skip` as each scanner's `worth` makes it (`#skipTold`). */
  readonly #skips = new WeakMap<Uint8Array, Uint8Array>();
  /** The filter of the patterns' first three bytes (`triples`). */
  readonly #triples: Int32Array;
  /** The bytes stopped at, as given. */
  readonly #stops: Uint8Array;
  /** Whether pairs are skipped (no pattern of one byte). */
  readonly #pairs: boolean;
  /** For each state with a row, the length of the text it stands for (the longest pattern prefix it has read); deep states keep theirs. */
  readonly #depth: Int32Array;
  /** By state value, the patterns ending there (its own and those of its suffix links): the states with any. */
  readonly #out: Map<number, Pattern<T>[]>;
  /** 1 for each byte some pattern holds. */
  readonly patternBytes = new Uint8Array(256);
  /** The shortest pattern's length in bytes (0: none). */
  readonly shortest: number;

  constructor(
    patterns: ReadonlyArray<Pattern<T>>,
    /**
     * Bytes at which a scanner's `onStop` is called (before the byte is read), with the state then:
     * 1 where a pattern has begun (not at the root), 3 everywhere.
     */
    stops: Uint8Array = new Uint8Array(256),
  ) {
    const { cls, stopOf, width } = byteClasses(patterns, stops);
    const { d, out, depth } = states(trie(patterns, cls), stopOf, width);
    const rows = d.rows;
    this.#deep = d;
    this.#rows = rows;
    this.#class = cls;
    this.#width = width;
    this.#out = out;
    this.#depth = depth;
    let shortest = patterns.length ? Infinity : 0;
    for (const p of patterns) {
      shortest = Math.min(shortest, p.bytes.length);
      for (const b of p.bytes) this.patternBytes[b] = 1;
    }
    this.shortest = shortest;
    this.#stops = stops;
    this.#triples = triples(patterns, stops);
    this.#pairs = patterns.every((p) => p.bytes.length >= 2);
    this.#starts = Uint8Array.from({ length: 256 }, (_, b) => (rows[cls[b]!]! & STATE || stops[b]! & 2 ? 1 : 0));
    this.#skip = rootSkips(
      patterns,
      stops,
      (b) => rows[cls[b]!]! & STATE,
      (after, b) => this.depth(this.step(after, b)),
    );
  }

  /** One step, for code that walks the automaton itself: the value for `byte` read in `state` (STATE, MATCH, STOP). */
  step(state: number, byte: number): number {
    return (state & DEEP) === 0 ? this.#rows[state + this.#class[byte]!]! : deepStep(this.#deep, state, this.#class[byte]!);
  }

  /** How many of the last bytes read the state stands for: a match to come begins no further back. */
  depth(state: number): number {
    const s = state & STATE;
    return (s & DEEP) === 0 ? this.#depth[s / this.#width]! : this.#deep.kid[(s - this.#deep.denseEnd) >> 3]! >> 9;
  }

  /** The patterns that end where `step` returned `value` (with MATCH set). */
  ending(value: number): ReadonlyArray<Pattern<T>> {
    return this.#out.get(value & STATE)!;
  }

  /** The bytes the automaton's tables of states take (rows, deep states, the patterns' ends' keys; not the root's skips, a constant). */
  get stateBytes(): number {
    const d = this.#deep;
    return this.#rows.byteLength + d.link.byteLength + d.kid.byteLength + d.multi.byteLength + this.#depth.byteLength + 16 * this.#out.size;
  }

  /**
   * The root's skips for a scanner told of stops where `worth` says so (undefined: told of none): a
   * stop byte too is skipped where the byte after it says nothing is told there and it begins no
   * pattern, or the byte after goes on with none and is no stop (the pairs' rule) — on random bytes
   * 4 in 5 of the pairs the loop stopped at were a stop byte not worth telling (the automaton 20-25%
   * faster on random and on plain bytes). Made once per `worth` and kept.
   */
  #skipTold(worth: Uint8Array | undefined): Uint8Array {
    const key = worth ?? NO_STOPS_TOLD;
    let skip = this.#skips.get(key);
    if (skip) return skip;
    skip = this.#skip.slice();
    const rows = this.#rows;
    const cls = this.#class;
    const stops = this.#stops;
    for (let b = 0; b < 256; b++) {
      if ((stops[b]! & 2) === 0) continue;
      const state = rows[cls[b]!]! & STATE;
      for (let next = 0; next < 256; next++) {
        if ((key[(b << 8) | next]! & 1) !== 0) continue;
        if (state === 0 || (this.#pairs && stops[next] === 0 && this.depth(this.step(state, next)) !== 2)) skip[(b << 8) | next] = 1;
      }
    }
    this.#skips.set(key, skip);
    return skip;
  }

  /**
   * A scanner with its own position and state, for one stream; `onStop` (if given) is told of each
   * stop byte before it is read: its index in the chunk written and the state it is read in.
   * `worth` (by byte × next byte: 1 where it is worth telling at the root, 2 where a pattern has
   * begun) spares the call where the byte after a stop byte already says nothing begins there; a
   * stop byte that ends a chunk is always told. `readsOn` (by byte × next byte: 1 where a reading from the stop byte
   * makes the next byte as it is, first — a quote removed) spares it where that byte would go on with no pattern from
   * the state the stop is read in (`EscapeScan.#stop` ends there by the family's quick look).
   */
  scanner(onMatch: (m: Match<T>) => void, onStop?: OnStop, worth?: Uint8Array, readsOn?: Uint8Array, leads?: Int16Array): Scanner {
    const rows = this.#rows;
    const cls = this.#class;
    const out = this.#out;
    const d = this.#deep;
    const { denseEnd, link, kid, stopBit } = d;
    const skip = onStop === undefined ? this.#skipTold(undefined) : worth === undefined ? this.#skip : this.#skipTold(worth);
    const skips: RootSkips = { skip, le: littleEndian(skip), tri: this.#triples, starts: this.#starts };
    // The places in a block where the root cannot skip the byte (`rootPlaces`), then the block's end.
    let places = new Int32Array(0);
    let row = 0;
    let offset = 0;
    const told = stopTold(rows, cls, d, (s) => this.depth(s), worth, readsOn, leads);
    /**
     * From `row`, a deep state, the bytes of [i, to) stepped through while the state is deep (a few
     * hundred a MiB of text: past the patterns' first bytes the walk seldom goes on): where the next
     * byte is, `row` left at the state then.
     */
    const deepRun = (chunk: Uint8Array, i: number, to: number): number => {
      let r = row;
      for (; i < to; i++) {
        const b = chunk[i]!;
        const c = cls[b]!;
        const j = (r - denseEnd) >> 3;
        const v = (kid[j]! & 511) === c ? link[2 * j + 1]! | stopBit[c]! : deepStep(d, r, c);
        if ((v & 3) !== 0) {
          if ((v & STOP) !== 0 && onStop && told(chunk, i, r)) onStop(i, r);
          if ((v & MATCH) !== 0) for (const p of out.get(v & STATE)!) onMatch({ tag: p.tag, end: offset + i + 1 });
        }
        r = v & STATE;
        if ((r & DEEP) === 0) {
          i++;
          break;
        }
      }
      row = r;
      return i;
    };
    /**
     * The value `v` read at `i` in state `r` has flags or leads to a deep state: stops told,
     * matches told, a deep state stepped through (`deepRun`). Kept out of `write`, whose loop stays
     * small enough for V8 to inline the root's skips (`rootPlaces`, `tripleSkips`) into it:
     * where the loop held this code, the bare scan of source text took 5-10% more CPU.
     * Where the next byte is, less one; `row` left at the state then.
     */
    const flagged = (chunk: Uint8Array, v: number, i: number, r: number, to: number): number => {
      if ((v & STOP) !== 0 && onStop && told(chunk, i, r)) onStop(i, r);
      if ((v & MATCH) !== 0) for (const p of out.get(v & STATE)!) onMatch({ tag: p.tag, end: offset + i + 1 });
      row = v & STATE;
      return (v & DEEP) !== 0 ? deepRun(chunk, i + 1, to) - 1 : i;
    };
    return {
      write(input: Uint8Array) {
        // One kind of array in the loop (Buffers and plain Uint8Arrays both come): its loads stay monomorphic.
        const chunk = input.constructor === Uint8Array ? input : new Uint8Array(input.buffer, input.byteOffset, input.length);
        let r = row;
        const length = chunk.length;
        // Sized to the writes seen (a config field's scan takes a few bytes), at most a block's: the one array of every
        // scanner (`SCRATCH`) unless a write under way holds it (a stop's reading), then the scanner's own.
        const scratch = takeScratch();
        if (scratch) places = scratch;
        if (places.length <= Math.min(length, BLOCK)) places = new Int32Array(Math.min(Math.max(length, 2 * places.length), BLOCK) + 1);
        if (scratch) SCRATCH.places = places;
        const at = places;
        for (let i = 0; i < length;) {
          const to = Math.min(length, i + BLOCK);
          rootPlaces(skips, chunk, i, to, at);
          let k = 0;
          if ((r & DEEP) !== 0) {
            // A pattern begun deep in the last block or write goes on here.
            row = r;
            i = deepRun(chunk, i, to);
            r = row;
          }
          for (; i < to; i++) {
            if (r === 0) {
              // At the root: on to the next place its skips left (the block's end: none).
              while (at[k]! < i) k++;
              i = at[k]!;
              if (i === to) break;
            }
            const v = rows[r + cls[chunk[i]!]!]!;
            if ((v & 7) !== 0) {
              // Past the rows, deep states are stepped through apart, back here at a state with a row (or the block's end).
              i = flagged(chunk, v, i, r, to);
              r = row;
            } else r = v & STATE;
          }
        }
        row = r;
        offset += chunk.length;
        // Given back (a write that threw leaves it taken: every scanner then uses its own, as before it was shared).
        if (scratch) places = giveScratch();
      },
      get offset() {
        return offset;
      },
    };
  }
}

const NO_PLACES = new Int32Array(0);
/** The places array scanners' writes share (`Automaton.scanner`): `busy` while a write has it. */
const SCRATCH = { busy: false, places: NO_PLACES };

/** `SCRATCH`'s array, taken for a write; undefined while another write holds it. */
function takeScratch(): Int32Array<ArrayBuffer> | undefined {
  if (SCRATCH.busy) return undefined;
  SCRATCH.busy = true;
  return SCRATCH.places;
}

/** `SCRATCH` given back at a write's end; what the scanner holds then (none of its own). */
function giveScratch(): Int32Array<ArrayBuffer> {
  SCRATCH.busy = false;
  return NO_PLACES;
}

export interface Scanner {
  write(chunk: Uint8Array): void;
  /** Bytes seen so far. */
  readonly offset: number;
}
