/**
 * The places where the needles of several notations start (`text-rewrite.ts`), found with as few native searches as
 * the needles allow: one Buffer.indexOf a chunk per search, not one per needle, and each search on a byte text holds
 * seldom. A needle with a byte rare in text (a backslash, `~`, `+`, a control byte) is found by that byte, one search
 * shared by every needle that holds it (the 14 needles with a backslash: one pass), each checked in JavaScript where
 * the byte is; a needle of common bytes only is found by its two bytes with the rarest first byte (`char{}` by `{}`,
 * `" ` by itself: Buffer.indexOf loops natively over the first byte's hits, a JavaScript check of each would cost more).
 */

/**
 * Bytes found in text more than about once in 2,000 (source code, configuration, prose: letters, digits, blanks,
 * punctuation, both line breaks — CRLF text has a CR a line), most frequent first; every other byte is rare.
 */
const COMMON = ' etrnsioa\nlcpdumg/h*f.;"y:)(b_,=v{}-TwxkSFE[]CA0ND1IP|?O`2R@LM\t&\'j4BG3z6q85!>UW7H9#VK+<J\r';
const RANK = new Uint8Array(256).fill(255);
for (let i = 0; i < COMMON.length; i++) RANK[COMMON.charCodeAt(i)] = i;
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

export class Triggers {
  readonly #searches: Search[] = [];
  readonly #count: number;

  constructor(needles: ReadonlyArray<readonly Buffer[]>) {
    this.#count = needles.length;
    const byKey = new Map<string, Search>();
    needles.forEach((list, notation) => {
      for (const needle of new Set(list)) {
        const { what, offset } = searchOf(needle);
        const key = typeof what === 'number' ? `b${what}` : `s${what.toString('hex')}`;
        let search = byKey.get(key);
        if (!search) {
          search = { what, entries: [], byNext: Array.from({ length: NO_NEXT + 1 }, () => []), least: offset, most: offset };
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
  }

  /**
   * By notation, where in `b` one of its needles starts, from `from` to before `limit` (the needle whole in `b`),
   * ascending and each place once.
   */
  find(b: Buffer, from: number, limit: number): number[][] {
    const out: number[][] = Array.from({ length: this.#count }, () => []);
    const searched = new Uint8Array(this.#count);
    for (const { what, entries, byNext, least, most } of this.#searches) {
      if (entries.length === 1 && entries[0]!.whole) {
        // One notation's whole needle (wrapped-words' line break: every line of a text): its hits are its places.
        const places = out[entries[0]!.notation]!;
        for (let p = b.indexOf(what, from); p >= 0 && p < limit; p = b.indexOf(what, p + 1)) places.push(p);
        searched[entries[0]!.notation]!++;
        continue;
      }
      const ending = byNext[NO_NEXT]!;
      for (let p = b.indexOf(what, from + least); p >= 0 && p - most < limit; p = b.indexOf(what, p + 1)) {
        // A needle going on past the hit holds the byte after it (none when the text ends there: no such needle fits).
        if (p + 1 < b.length) take(byNext[b[p + 1]!]!, b, p, from, limit, out);
        if (ending.length) take(ending, b, p, from, limit, out);
      }
      for (const { notation } of entries) searched[notation]!++;
    }
    // A notation found by more than one search: its places in order, each once.
    for (let n = 0; n < this.#count; n++) {
      const places = out[n]!;
      if (searched[n]! < 2 || places.length < 2) continue;
      places.sort((x, y) => x - y);
      let kept = 1;
      for (let i = 1; i < places.length; i++) if (places[i] !== places[kept - 1]) places[kept++] = places[i]!;
      places.length = kept;
    }
    return out;
  }
}

/** The places of `entries` at the hit `p` of their search, in [from, limit), added to their notations' lists. */
function take(entries: Entry[], b: Buffer, p: number, from: number, limit: number, out: number[][]): void {
  for (let e = 0; e < entries.length; e++) {
    const { notation, needle, offset, whole } = entries[e]!;
    const start = p - offset;
    if (start < from || start >= limit) continue;
    if (!whole && !holds(b, start, needle)) continue;
    out[notation]!.push(start);
  }
}

/** Whether `needle` is at `at` of `b`, whole. */
function holds(b: Buffer, at: number, needle: Buffer): boolean {
  if (at + needle.length > b.length) return false;
  for (let i = 0; i < needle.length; i++) if (b[at + i] !== needle[i]) return false;
  return true;
}
