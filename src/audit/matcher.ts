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

export class Automaton<T> {
  /**
   * The transitions, indexed by row (state × 256) + byte, holding the next state's row — or, for a
   * state where patterns end, its row bitwise-inverted (negative): one load and one sign test per
   * byte in the hot loop.
   */
  readonly #rows: Int32Array;
  /** Bytes that leave the root: at the root, the others are skipped with a 256-byte table that stays in cache. */
  readonly #starts: Uint8Array;
  /** For each state, the patterns ending there (its own and those of its suffix links), or undefined. */
  readonly #out: Array<Pattern<T>[] | undefined>;

  constructor(patterns: ReadonlyArray<Pattern<T>>) {
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
    const queue: number[] = [];
    for (let b = 0; b < 256; b++) {
      const t = goto[0]!.get(b);
      if (t !== undefined) {
        next[b] = t;
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
      rows[i] = out[t] ? ~(t << 8) : t << 8;
    }
    this.#rows = rows;
    this.#out = out;
    this.#starts = Uint8Array.from({ length: 256 }, (_, b) => (next[b] !== 0 ? 1 : 0));
  }

  /** A scanner with its own position and state, for one stream. */
  scanner(onMatch: (m: Match<T>) => void): Scanner {
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
          r = rows[r + chunk[i]!]!;
          if (r < 0) {
            r = ~r;
            for (const p of out[r >> 8]!) onMatch({ tag: p.tag, end: offset + i + 1 });
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
