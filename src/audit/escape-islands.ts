/**
 * Where an escape reading cannot end in a finding, told before one is begun (`EscapeScan.#stop`).
 * Whatever a reading finds is a pattern spelled in the text: its escapes (ASCII, with the
 * whitespace of line folds and continuations) and the pattern's own bytes left as they are. So
 * every byte of that spelling is an island byte — ASCII text, or a byte of some pattern — and the
 * spelling is at least half as long as the shortest pattern (no escape makes more than twice its
 * own length: YAML's `\L` is 2 bytes for U+2028's 3, HTML's `&nGt;` 5 for 6). An escape inside
 * a run of island bytes shorter than that, between two other bytes, begins nothing that could be
 * found. Binary content (a base image's compressed files, random bytes) is mostly such runs:
 * about 3 in 5 of its bytes are neither ASCII text nor in a pattern.
 */

/** Whether islands are looked at: off only in the test that holds the skipped readings to those that find nothing. */
export const islands = { on: true };

export class Islands {
  /** 1 for a byte an escape's spelling of a pattern may hold. */
  readonly #member = new Uint8Array(256);
  /** The island length below which nothing is begun. */
  readonly #need: number;
  // Stream offsets known to lie in an island at least `#need` long, [#longFrom, #longTo), or in one shorter, [#shortFrom, #shortTo).
  #longFrom = 0;
  #longTo = 0;
  #shortFrom = 0;
  #shortTo = 0;
  /** Bytes read by the walks so far (`escape-islands-walk.test`: about `#need` a stop, not every byte of the text). */
  walked = 0;

  constructor(patternBytes: Uint8Array, shortest: number) {
    for (let b = 0; b < 256; b++) this.#member[b] = (b >= 0x20 && b < 0x7f) || (b >= 0x09 && b <= 0x0d) || patternBytes[b] ? 1 : 0;
    // raw_unicode_escape (`escape-raw.ts`) spells a character under U+0100 as its Latin-1 byte: a pattern holding UTF-8's
    // C2 or C3 lead may be spelled with the Latin-1 bytes that lead stands for (0x80–0xBF, 0xC0–0xFF).
    if (patternBytes[0xc2]) this.#member.fill(1, 0x80, 0xc0);
    if (patternBytes[0xc3]) this.#member.fill(1, 0xc0, 0x100);
    this.#need = Math.floor(shortest / 2);
  }

  /**
   * Whether the byte `i` of `chunk` (at stream offset `base + i`) lies in an island too short for
   * a finding. An island reaching the chunk's first or last byte may go on in the next: it counts
   * as long enough.
   */
  short(chunk: Uint8Array, i: number, base: number): boolean {
    if (!islands.on) return false;
    const at = base + i;
    if (at >= this.#shortFrom && at < this.#shortTo) return true;
    if (at >= this.#longFrom && at < this.#longTo) return false;
    const member = this.#member;
    const need = this.#need;
    // Where the island known to be long ends in this chunk: a walk back that reaches it is in that island.
    const known = this.#longTo - base;
    let s = i;
    while (s > 0 && i - s < need && member[chunk[s - 1]!]) {
      s--;
      if (s === known) {
        // Only the bytes since the last stop walked (text has a stop every few bytes), not each island to its end.
        this.walked += i - s;
        this.#longTo = at + 1;
        return false;
      }
    }
    let e = i + 1;
    while (e < chunk.length && e - s < need && member[chunk[e]!]) e++;
    this.walked += e - s;
    if (e - s >= need || s === 0 || e === chunk.length) {
      this.#longFrom = base + s;
      this.#longTo = base + e;
      return false;
    }
    this.#shortFrom = base + s;
    this.#shortTo = base + e;
    return true;
  }
}
