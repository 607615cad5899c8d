/**
 * Multi-pattern byte matching in one pass (Aho-Corasick, compiled to a dense automaton: one table
 * lookup per byte), fed chunk by chunk so a stream is never held whole. Matches across chunk
 * boundaries are found: the automaton's state carries over.
 */

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
/** The state in a value `step` returns (its row: the state's number × 256). 0 is the root. */
export const STATE = -256;

export class Automaton<T> {
  /**
   * The transitions, indexed by row (state × 256) + byte, holding the next state's row, its low bits
   * flags: MATCH where patterns end at the next state, STOP where the byte is one the caller asked
   * to be told of (the bytes that may begin an escape): one load and one bit test per byte in the hot loop.
   */
  readonly #rows: Int32Array;
  /** Bytes that leave the root: at the root, the others are skipped with a 256-byte table that stays in cache. */
  readonly #starts: Uint8Array;
  /** For each state, the length of the text it stands for (the longest pattern prefix it has read). */
  readonly #depth: Int32Array;
  /** For each state, the patterns ending there (its own and those of its suffix links), or undefined. */
  readonly #out: Array<Pattern<T>[] | undefined>;

  constructor(
    patterns: ReadonlyArray<Pattern<T>>,
    /**
     * Bytes at which a scanner's `onStop` is called (before the byte is read), with the state then:
     * 1 where a pattern has begun (not at the root), 3 everywhere.
     */
    stops: Uint8Array = new Uint8Array(256),
  ) {
    // 1. The trie.
    const goto: Array<Map<number, number>> = [new Map()];
    const out: Array<Pattern<T>[] | undefined> = [undefined];
    for (const p of patterns) {
      if (p.bytes.length === 0) throw new Error('an empty pattern matches everywhere');
      let s = 0;
      for (const b of p.bytes) {
        let t = goto[s]!.get(b);
        if (t === undefined) {
          t = goto.length;
          goto.push(new Map());
          out.push(undefined);
          goto[s]!.set(b, t);
        }
        s = t;
      }
      (out[s] ??= []).push(p);
    }
    // 2. Failure links, breadth first, folded straight into a dense transition table.
    const n = goto.length;
    const next = new Int32Array(n * 256);
    const fail = new Int32Array(n);
    const depth = new Int32Array(n);
    const queue: number[] = [];
    for (let b = 0; b < 256; b++) {
      const t = goto[0]!.get(b);
      if (t !== undefined) {
        next[b] = t;
        depth[t] = 1;
        queue.push(t);
      }
    }
    for (let head = 0; head < queue.length; head++) {
      const s = queue[head]!;
      const f = fail[s]!;
      const inherited = out[f];
      if (inherited) out[s] = [...(out[s] ?? []), ...inherited];
      for (let b = 0; b < 256; b++) {
        const t = goto[s]!.get(b);
        if (t !== undefined) {
          fail[t] = next[f * 256 + b]!;
          depth[t] = depth[s]! + 1;
          next[s * 256 + b] = t;
          queue.push(t);
        } else {
          next[s * 256 + b] = next[f * 256 + b]!;
        }
      }
    }
    const rows = new Int32Array(n * 256);
    for (let i = 0; i < rows.length; i++) {
      const t = next[i]!;
      const stop = stops[i & 255]!;
      rows[i] = (t << 8) | (out[t] ? MATCH : 0) | (stop & 2 || (stop && i >= 256) ? STOP : 0);
    }
    this.#rows = rows;
    this.#out = out;
    this.#depth = depth;
    this.#starts = Uint8Array.from({ length: 256 }, (_, b) => (next[b] !== 0 || stops[b]! & 2 ? 1 : 0));
  }

  /** One step, for code that walks the automaton itself: the value for `byte` read in `state` (STATE, MATCH, STOP). */
  step(state: number, byte: number): number {
    return this.#rows[state + byte]!;
  }

  /** How many of the last bytes read the state stands for: a match to come begins no further back. */
  depth(state: number): number {
    return this.#depth[state >> 8]!;
  }

  /** The patterns that end where `step` returned `value` (with MATCH set). */
  ending(value: number): ReadonlyArray<Pattern<T>> {
    return this.#out[value >> 8]!;
  }

  /**
   * A scanner with its own position and state, for one stream; `onStop` (if given) is told of each
   * stop byte before it is read: its index in the chunk written and the state it is read in.
   */
  scanner(onMatch: (m: Match<T>) => void, onStop?: (index: number, state: number) => void): Scanner {
    const rows = this.#rows;
    const out = this.#out;
    const starts = this.#starts;
    let row = 0;
    let offset = 0;
    return {
      write(chunk: Uint8Array) {
        let r = row;
        const length = chunk.length;
        for (let i = 0; i < length; i++) {
          if (r === 0) {
            while (i < length && starts[chunk[i]!] === 0) i++;
            if (i === length) break;
          }
          const v = rows[r + chunk[i]!]!;
          if ((v & 3) !== 0) {
            if ((v & STOP) !== 0 && onStop) onStop(i, r);
            if ((v & MATCH) !== 0) for (const p of out[v >> 8]!) onMatch({ tag: p.tag, end: offset + i + 1 });
          }
          r = v & STATE;
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
