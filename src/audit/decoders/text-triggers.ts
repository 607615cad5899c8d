/**
 * The places where the needles of several notations start (`text-rewrite.ts`), found with as few native searches as
 * the needles allow: one Buffer.indexOf a chunk per search, not one per needle, and each search on a byte text holds
 * seldom. A needle with a byte rare in text (a backslash, `~`, `+`, a control byte) is found by that byte, one search
 * shared by every needle that holds it (the 14 needles with a backslash: one pass), each checked in JavaScript where
 * the byte is; a needle of common bytes only is found by its two bytes with the rarest first byte (`char{}` by `{}`,
 * `" ` by itself: Buffer.indexOf loops natively over the first byte's hits, a JavaScript check of each would cost more).
 * A read of 2 KiB or more is searched in one pass instead (`candidateMask`, WebAssembly SIMD beside the classify pass):
 * sixteen bytes a step, the places where a one-byte search's byte is, or a pair's first byte before one of its class's
 * second bytes (a class a first byte while there are eight at most: before one of its own pairs' seconds), each then
 * checked as a hit of the searches with that first byte. The text notations' reader over the bench's JS
 * went from 2.81 to 1.93 ns a byte (medians of 15), over node_modules' JS 5.45 to 3.62, Python 7.79 to 5.92, C headers
 * 5.56 to 4.79.
 */

import { candidateMask, candidateTables } from './runs-classify.js';

/**
 * Bytes found in text more than about once in 2,000 (source code, configuration, prose: letters, digits, blanks,
 * punctuation, both line breaks — CRLF text has a CR a line), most frequent first; every other byte is rare.
 */
const COMMON = ' etrnsioa\nlcpdumg/h*f.;"y:)(b_,=v{}-TwxkSFE[]CA0ND1IP|?O`2R@LM\t&\'j4BG3z6q85!>UW7H9#VK+<J\r';
const RANK = new Uint8Array(256).fill(255);
for (let i = 0; i < COMMON.length; i++) RANK[COMMON.charCodeAt(i)] = i;
/**
 * Common text the candidates' pass is fitted to (`candidateTables` merges the classes of pairs whose merge lets the
 * fewest more of its byte pairs through): JSON (one line and indented), JavaScript, Python, shell, prose, HTML, a
 * Markdown table with CRLF line breaks.
 */
const SAMPLE = Buffer.from(
  [
    '{"name": "app", "version": "1.0.0", "tags": ["web", "api"], "private": true, "count": 10},',
    'const value = require("module"); function handler(event) { return event.body; } // config: enabled=true',
    "def main(argv): print('hello, world', argv[0]) if __name__ == '__main__' else None  # it's [1, 2]",
    'export PATH=/usr/local/bin:$PATH && echo "done: ${HOME}" > /tmp/out.log 2>&1 || exit 1',
    "The quick brown fox jumps over the lazy dog; it's 10:30 - time to go (see [1], {2}).",
    '{\n  "items": [\n    {\n      "id": 1,\n      "tags": ["a"]\n    },\n    {}\n  ]\n}',
    '<p class="note">See <a href="/docs">the docs</a>.</p>\r\n| name | value |\r\n|------|-------|',
  ].join('\n'),
);
/** `Search.byNext`'s list of the needles that end at the search's first byte. */
const NO_NEXT = 256;

interface Entry {
  /** The notation (its index in the list given) whose needle this is. */
  notation: number;
  needle: Buffer;
  /** Where in the needle the search's bytes are. */
  offset: number;
  /** Whether the search is the whole needle (nothing to check at a hit). */
  whole: boolean;
}

interface Search {
  /** A byte (Buffer.indexOf of a number is memchr) or bytes. */
  what: number | Buffer;
  entries: Entry[];
  /**
   * The entries by the byte their needle holds after the search's first byte (`NO_NEXT`: none, the needle ends there),
   * each list in `entries`' order: a hit is checked against the needles that can hold the byte after it only — roff
   * text has a backslash every few words (`\fB`, `\-`, `\&`), and each was checked against all 14 needles with one.
   */
  byNext: Entry[][];
  /** The least and most `offset` of the entries. */
  least: number;
  most: number;
  /** The search's first byte, and its second (-1: a search of one byte). */
  first: number;
  second: number;
  /** One notation's whole needle: its hits are its places. */
  single: boolean;
}

/** How each needle is searched for: by its rarest byte when that byte is rare, else by two bytes of it. */
function searchOf(needle: Buffer): { what: number | Buffer; offset: number } {
  if (needle.length === 1) return { what: needle[0]!, offset: 0 };
  let rarest = 0;
  for (let i = 1; i < needle.length; i++) if (RANK[needle[i]!]! > RANK[needle[rarest]!]!) rarest = i;
  if (RANK[needle[rarest]!] === 255) return { what: needle[rarest]!, offset: rarest };
  // Common bytes only: the pair whose first byte is the rarest (the last byte can begin no pair).
  let first = 0;
  for (let i = 1; i < needle.length - 1; i++) if (RANK[needle[i]!]! > RANK[needle[first]!]!) first = i;
  const what = needle.length === 2 ? needle : needle.subarray(first, first + 2);
  return { what, offset: first };
}

/**
 * A necessary condition of a notation's place, told by the bytes of `b` alone (`Notation.may`, `text-rewrite.ts`): a
 * place it refuses is not listed. Null: none of the notation's places is wanted (a copy its notation does not read).
 */
export type Keep = ((b: Buffer, at: number) => boolean) | null | undefined;

/** Reads shorter than this are searched natively: the pass's copy and call cost more than they save there. */
const MIN_MASKED = 2048;

export class Triggers {
  readonly #searches: Search[] = [];
  readonly #count: number;
  /** The searches found by the candidates' pass (`candidateMask`), by their first byte; the others (a byte from 0x80 on) natively. */
  readonly #byFirst: Search[][] = Array.from({ length: 256 }, () => []);
  readonly #masked: Search[] = [];
  readonly #native: Search[] = [];
  /** The pass's tables, or undefined when no search is made by it. */
  readonly #tables: Uint8Array | undefined;
  /** The most `offset` of the searches made by the pass: a hit that far past the read's limit may begin a place before it. */
  #most = 0;
  /**
   * By first byte, the notation whose one-byte needle is the only search of the pass with that byte (char codes' `(`,
   * wrapped text's line break: most of the pass's candidates in code), or -1: its candidates are its places, taken in
   * the pass's loop without a call.
   */
  readonly #alone = new Int16Array(256).fill(-1);

  constructor(needles: ReadonlyArray<readonly Buffer[]>) {
    this.#count = needles.length;
    const byKey = new Map<string, Search>();
    needles.forEach((list, notation) => {
      for (const needle of new Set(list)) {
        const { what, offset } = searchOf(needle);
        const key = typeof what === 'number' ? `b${what}` : `s${what.toString('hex')}`;
        let search = byKey.get(key);
        if (!search) {
          const [first, second] = typeof what === 'number' ? [what, -1] : [what[0]!, what[1]!];
          search = { what, entries: [], byNext: Array.from({ length: NO_NEXT + 1 }, () => []), least: offset, most: offset, first, second, single: false };
          byKey.set(key, search);
          this.#searches.push(search);
        }
        search.entries.push({
          notation,
          needle,
          offset,
          whole: offset === 0 && (typeof what === 'number' ? needle.length === 1 : what.length === needle.length),
        });
        const entry = search.entries[search.entries.length - 1]!;
        search.byNext[offset + 1 < needle.length ? needle[offset + 1]! : NO_NEXT]!.push(entry);
        search.least = Math.min(search.least, offset);
        search.most = Math.max(search.most, offset);
      }
    });
    const single = new Uint8Array(256);
    const pairs: Array<[number, number]> = [];
    for (const search of this.#searches) {
      search.single = search.entries.length === 1 && search.entries[0]!.whole;
      const { first, second } = search;
      if (first === 0 || first >= 0x80 || second === 0 || second >= 0x80) {
        this.#native.push(search);
        continue;
      }
      this.#masked.push(search);
      this.#byFirst[first]!.push(search);
      this.#most = Math.max(this.#most, search.most);
      if (second < 0) single[first] = 1;
      else pairs.push([first, second]);
    }
    this.#tables = this.#masked.length ? candidateTables(single, pairs, SAMPLE) : undefined;
    for (let c = 0; c < 256; c++) {
      const list = this.#byFirst[c]!;
      if (list.length === 1 && list[0]!.single && list[0]!.second < 0) this.#alone[c] = list[0]!.entries[0]!.notation;
    }
  }

  /**
   * The places of `b` the pass (`candidateMask`) gives as candidates, or undefined where it does not run (tests: each
   * should be where a search of the pass has its bytes).
   */
  passCandidates(b: Buffer): number[] | undefined {
    const mask = this.#tables && candidateMask(this.#tables, b);
    if (!mask) return undefined;
    const places: number[] = [];
    for (let p = 0; p < b.length; p++) if ((mask[p >>> 5]! >>> (p & 31)) & 1) places.push(p);
    return places;
  }

  /** Whether a search of the pass has its bytes at `p` of `b` (its first byte, and its second when it has one). */
  passHolds(b: Buffer, p: number): boolean {
    return this.#byFirst[b[p]!]!.some((s) => s.second < 0 || b[p + 1] === s.second);
  }

  /**
   * By notation, where in `b` one of its needles starts, from `from` to before `limit` (the needle whole in `b`),
   * ascending and each place once; with `keep`, by notation, only the places its condition holds at (none for null).
   * Lists are not made of what the notations' checks refuse at once: char codes' `(` of every call and wrapped text's
   * line break of every line were 24 M places on bench/audit.ts's plain row, ~40% of the audit's allocation.
   */
  find(b: Buffer, from: number, limit: number, keep: readonly Keep[] = []): number[][] {
    const out: number[][] = [];
    for (let n = 0; n < this.#count; n++) out.push([]);
    const searched = new Uint8Array(this.#count);
    let native = this.#searches;
    if (this.#tables && limit - from >= MIN_MASKED) {
      // One pass for the searches of ASCII bytes: the places their first bytes may be at (a pair's: its first byte before
      // one of its class's second bytes), each candidate then taken as a hit of each search with that first byte that it holds — in
      // ascending order, as each search's own hits were. Buffer.indexOf for each search went over the text once each,
      // stopping at every common first byte (`"` of `" `, `{` of `{}`) and at every hit (a native call each).
      const end = Math.min(b.length, limit + this.#most);
      const mask = candidateMask(this.#tables, b.subarray(from, Math.min(b.length, end + 1)));
      if (mask) {
        native = this.#native;
        const words = (end - from + 31) >>> 5;
        for (let k = 0; k < words; k++) {
          let w = mask[k]!;
          while (w !== 0) {
            const p = from + (k << 5) + (31 - Math.clz32(w & -w));
            w &= w - 1;
            if (p >= end) break;
            const alone = this.#alone[b[p]!]!;
            if (alone >= 0) {
              const may = keep[alone];
              if (p < limit && may !== null && (may === undefined || may(b, p))) out[alone]!.push(p);
              continue;
            }
            const list = this.#byFirst[b[p]!]!;
            for (let i = 0; i < list.length; i++) hit(list[i]!, b, p, from, limit, out, keep);
          }
        }
        for (const { entries } of this.#masked) for (const { notation } of entries) searched[notation]!++;
      }
    }
    for (const search of native) {
      const { what, entries, byNext, least, most } = search;
      if (search.single) {
        // One notation's whole needle (wrapped-words' line break: every line of a text): its hits are its places.
        const places = out[entries[0]!.notation]!;
        const may = keep[entries[0]!.notation];
        if (may !== null)
          for (let p = b.indexOf(what, from); p >= 0 && p < limit; p = b.indexOf(what, p + 1)) if (may === undefined || may(b, p)) places.push(p);
        searched[entries[0]!.notation]!++;
        continue;
      }
      const ending = byNext[NO_NEXT]!;
      for (let p = b.indexOf(what, from + least); p >= 0 && p - most < limit; p = b.indexOf(what, p + 1)) {
        // A needle going on past the hit holds the byte after it (none when the text ends there: no such needle fits).
        if (p + 1 < b.length) take(byNext[b[p + 1]!]!, b, p, from, limit, out, keep);
        if (ending.length) take(ending, b, p, from, limit, out, keep);
      }
      for (const { notation } of entries) searched[notation]!++;
    }
    // A notation found by more than one search: its places in order, each once (sorted only when they are not: the pass
    // gives most in order — char codes' `(` twice a line of code, each read sorted by three searches).
    for (let n = 0; n < this.#count; n++) {
      const places = out[n]!;
      if (searched[n]! < 2 || places.length < 2 || ascending(places)) continue;
      places.sort((x, y) => x - y);
      let kept = 1;
      for (let i = 1; i < places.length; i++) if (places[i] !== places[kept - 1]) places[kept++] = places[i]!;
      places.length = kept;
    }
    return out;
  }
}

/** Whether `places` rise strictly (in order, each once). */
function ascending(places: number[]): boolean {
  for (let i = 1; i < places.length; i++) if (places[i]! <= places[i - 1]!) return false;
  return true;
}

/** A candidate `p` of the pass taken as a hit of `search` when it holds the search's bytes, as the native loop takes one. */
function hit(search: Search, b: Buffer, p: number, from: number, limit: number, out: number[][], keep: readonly Keep[]): void {
  if (search.second >= 0 && b[p + 1] !== search.second) return;
  if (search.single) {
    const notation = search.entries[0]!.notation;
    const may = keep[notation];
    if (p >= from && p < limit && may !== null && (may === undefined || may(b, p))) out[notation]!.push(p);
    return;
  }
  if (p < from + search.least || p - search.most >= limit) return;
  if (p + 1 < b.length) take(search.byNext[b[p + 1]!]!, b, p, from, limit, out, keep);
  const ending = search.byNext[NO_NEXT]!;
  if (ending.length) take(ending, b, p, from, limit, out, keep);
}

/** The places of `entries` at the hit `p` of their search, in [from, limit), added to their notations' lists. */
function take(entries: Entry[], b: Buffer, p: number, from: number, limit: number, out: number[][], keep: readonly Keep[]): void {
  for (let e = 0; e < entries.length; e++) {
    const { notation, needle, offset, whole } = entries[e]!;
    const start = p - offset;
    if (start < from || start >= limit) continue;
    if (!whole && !holds(b, start, needle)) continue;
    const may = keep[notation];
    if (may === null || (may !== undefined && !may(b, start))) continue;
    out[notation]!.push(start);
  }
}

/** Whether `needle` is at `at` of `b`, whole. */
function holds(b: Buffer, at: number, needle: Buffer): boolean {
  if (at + needle.length > b.length) return false;
  for (let i = 0; i < needle.length; i++) if (b[at + i] !== needle[i]) return false;
  return true;
}
