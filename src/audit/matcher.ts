/**
 * Multi-pattern byte matching in one pass (Aho-Corasick, compiled to a dense automaton: one table
 * lookup per byte), fed chunk by chunk so a stream is never held whole. Matches across chunk
 * boundaries are found: the automaton's state carries over.
 *
 * The table has a column per byte class, not per byte: each byte that occurs in a pattern is a
 * class of its own, the bytes that occur in none share one (per kind of stop), so 20 secrets in
 * all their forms take a few MiB, not tens. Where no pattern has begun, a byte that begins none
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
 * `width`, the columns of a row, rounded up to a multiple of 4 so a row's offset leaves two flag bits.
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
  return { cls, stopOf, width: (classes + 3) & ~3 };
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

/** The `worth` of a scanner told of no stop. */
const NO_STOPS_TOLD = new Uint8Array(65536);

export class Automaton<T> {
  /**
   * The transitions, indexed by row (state × classes) + the byte's class, holding the next state's
   * row, its low bits flags: MATCH where patterns end at the next state, STOP where the byte is one
   * the caller asked to be told of (the bytes that may begin an escape).
   */
  readonly #rows: Int32Array;
  /** Each byte's class: its column in a row. */
  readonly #class: Uint8Array;
  /** Columns per row: the classes, rounded up to a multiple of 4 (so a row's offset leaves the flag bits free). */
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
  /** For each state, the length of the text it stands for (the longest pattern prefix it has read). */
  readonly #depth: Int32Array;
  /** For each state, the patterns ending there (its own and those of its suffix links), or undefined. */
  readonly #out: Array<Pattern<T>[] | undefined>;
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
    // 1. The trie: children per state as (class, state) pairs.
    const kids: number[][] = [[]];
    const out: Array<Pattern<T>[] | undefined> = [undefined];
    for (const p of patterns) {
      let s = 0;
      for (const b of p.bytes) {
        const c = cls[b]!;
        const list = kids[s]!;
        let t = -1;
        for (let k = 0; k < list.length; k += 2) if (list[k] === c) t = list[k + 1]!;
        if (t < 0) {
          t = kids.length;
          kids.push([]);
          out.push(undefined);
          list.push(c, t);
        }
        s = t;
      }
      (out[s] ??= []).push(p);
    }
    // 2. Failure links, breadth first, folded straight into the dense table (rows first hold bare row offsets).
    const n = kids.length;
    const rows = new Int32Array(n * width);
    const fail = new Int32Array(n);
    const depth = new Int32Array(n);
    const queue: number[] = [];
    const root = kids[0]!;
    for (let k = 0; k < root.length; k += 2) {
      const t = root[k + 1]!;
      rows[root[k]!] = t * width;
      depth[t] = 1;
      queue.push(t);
    }
    for (let head = 0; head < queue.length; head++) {
      const s = queue[head]!;
      const f = fail[s]!;
      const inherited = out[f];
      if (inherited) out[s] = [...(out[s] ?? []), ...inherited];
      rows.copyWithin(s * width, f * width, f * width + width);
      const list = kids[s]!;
      for (let k = 0; k < list.length; k += 2) {
        const c = list[k]!;
        const t = list[k + 1]!;
        fail[t] = rows[f * width + c]! / width;
        depth[t] = depth[s]! + 1;
        rows[s * width + c] = t * width;
        queue.push(t);
      }
    }
    // 3. The flags.
    for (let i = 0; i < rows.length; i++) {
      const t = rows[i]! / width;
      const stop = stopOf[i % width] ?? 0;
      rows[i] = rows[i]! | (out[t] ? MATCH : 0) | (stop & 2 || (stop && i >= width) ? STOP : 0);
    }
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
      (after, b) => depth[(rows[after + cls[b]!]! & STATE) / width]!,
    );
  }

  /** One step, for code that walks the automaton itself: the value for `byte` read in `state` (STATE, MATCH, STOP). */
  step(state: number, byte: number): number {
    return this.#rows[state + this.#class[byte]!]!;
  }

  /** How many of the last bytes read the state stands for: a match to come begins no further back. */
  depth(state: number): number {
    return this.#depth[(state & STATE) / this.#width]!;
  }

  /** The patterns that end where `step` returned `value` (with MATCH set). */
  ending(value: number): ReadonlyArray<Pattern<T>> {
    return this.#out[(value & STATE) / this.#width]!;
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
        if (state === 0 || (this.#pairs && stops[next] === 0 && this.#depth[(rows[state + cls[next]!]! & STATE) / this.#width] !== 2))
          skip[(b << 8) | next] = 1;
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
   * stop byte that ends a chunk is always told.
   */
  scanner(onMatch: (m: Match<T>) => void, onStop?: (index: number, state: number) => void, worth?: Uint8Array): Scanner {
    const rows = this.#rows;
    const cls = this.#class;
    const out = this.#out;
    const skip = onStop === undefined ? this.#skipTold(undefined) : worth === undefined ? this.#skip : this.#skipTold(worth);
    const width = this.#width;
    const skips: RootSkips = { skip, le: littleEndian(skip), tri: this.#triples, starts: this.#starts };
    // The places in a block where the root cannot skip the byte (`rootPlaces`), then the block's end.
    let places = new Int32Array(0);
    let row = 0;
    let offset = 0;
    return {
      write(input: Uint8Array) {
        // One kind of array in the loop (Buffers and plain Uint8Arrays both come): its loads stay monomorphic.
        const chunk = input.constructor === Uint8Array ? input : new Uint8Array(input.buffer, input.byteOffset, input.length);
        let r = row;
        const length = chunk.length;
        const last = length - 1;
        // Sized to the writes seen (a config field's scan takes a few bytes), at most a block's.
        if (places.length <= Math.min(length, BLOCK)) places = new Int32Array(Math.min(Math.max(length, 2 * places.length), BLOCK) + 1);
        const c = places;
        for (let i = 0; i < length;) {
          const to = Math.min(length, i + BLOCK);
          rootPlaces(skips, chunk, i, to, c);
          let k = 0;
          for (; i < to; i++) {
            if (r === 0) {
              // At the root: on to the next place its skips left (the block's end: none).
              while (c[k]! < i) k++;
              i = c[k]!;
              if (i === to) break;
            }
            const b = chunk[i]!;
            const v = rows[r + cls[b]!]!;
            if ((v & 3) !== 0) {
              if ((v & STOP) !== 0 && onStop && (worth === undefined || i === last || (worth[(b << 8) | chunk[i + 1]!]! & (r === 0 ? 1 : 2)) !== 0))
                onStop(i, r);
              if ((v & MATCH) !== 0) for (const p of out[(v & STATE) / width]!) onMatch({ tag: p.tag, end: offset + i + 1 });
            }
            r = v & STATE;
          }
        }
        row = r;
        offset += chunk.length;
      },
      get offset() {
        return offset;
      },
    };
  }
}

export interface Scanner {
  write(chunk: Uint8Array): void;
  /** Bytes seen so far. */
  readonly offset: number;
}
