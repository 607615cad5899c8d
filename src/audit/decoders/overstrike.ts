/**
 * Overstrike: nroff (`nroff -man`, `man` into a file, the cat pages of /usr/share/man/cat*) and
 * `ul`-style terminals' text writes bold as each character, a backspace and the character again
 * (`t\bto\bok\bk`), and underline as `_`, a backspace and the character (or the character, a
 * backspace and `_`): a value in bold in a formatted man page (an option's default) is then no
 * string of the text. A place is evidence where a backspace stands between a character and itself,
 * or between `_` and a character, with text around it; the text around is rewritten as a terminal
 * shows it — each character before a backspace dropped with it (a UTF-8 character whole), an `_`
 * after one dropped too — and routed (`(overstrike at N)`, `text-rewrite.ts`). `col -b` reads it so.
 */
import type { Notation } from './text-rewrite.js';

const BS = 0x08;
const UNDERSCORE = 0x5f;
/** Bytes either side of a place that must be text (controls but tab, line breaks and backspace are none). */
const AROUND = 16;

/** The start of the UTF-8 character that ends just before `end` (its lead byte), or `end - 1` for a lone byte. */
function charStart(b: Uint8Array, end: number, floor: number): number {
  let i = end - 1;
  while (i > floor && i > end - 4 && (b[i]! & 0xc0) === 0x80) i--;
  return i;
}

/** Whether the bytes around `at` are text with backspaces: no other control but tab and line breaks. */
function textWithBackspaces(b: Uint8Array, at: number): boolean {
  for (let i = Math.max(at - AROUND, 0), end = Math.min(at + AROUND, b.length); i < end; i++) {
    const c = b[i]!;
    if ((c < 0x20 && c !== 9 && c !== 10 && c !== 13 && c !== BS) || c === 0x7f) return false;
  }
  return true;
}

export const OVERSTRIKE: Notation = {
  label: 'overstrike',
  needles: [Buffer.from([BS])],
  at(b, at) {
    if (at < 1 || at + 1 >= b.length) return false;
    const start = charStart(b, at, 0);
    const size = at - start;
    const before = b.subarray(start, at);
    const after = b.subarray(at + 1, at + 1 + size);
    const same = after.length === size && Buffer.compare(before, after) === 0 && b[start]! > 0x20;
    const underline = (size === 1 && b[start] === UNDERSCORE && b[at + 1]! > 0x20) || b[at + 1] === UNDERSCORE;
    return (same || underline) && textWithBackspaces(b, at);
  },
  rewrite(w) {
    const out = Buffer.allocUnsafe(w.length);
    let n = 0;
    let struck = false;
    for (let i = 0; i < w.length; i++) {
      const c = w[i]!;
      if (c !== BS || n === 0) {
        out[n++] = c;
        continue;
      }
      const start = charStart(out, n, 0);
      // `c\b_` underlines c: the `_` struck over it is dropped, the character kept.
      if (w[i + 1] === UNDERSCORE && out[start] !== UNDERSCORE) i++;
      else n = start;
      struck = true;
    }
    return struck ? out.subarray(0, n) : undefined;
  },
};
