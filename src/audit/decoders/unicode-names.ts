/**
 * Characters written by their Unicode names, as `char-codes.ts` reads them: Python's `namereplace` error handler and its
 * `\N{…}` escapes (`caf\N{LATIN SMALL LETTER E WITH ACUTE}`), Perl's `\N{…}` (charnames) and `\N{U+E9}`, SBCL's print of
 * a character beyond ASCII (`#\LATIN_SMALL_LETTER_E_WITH_ACUTE`, in a list of characters `(#\c #\a #\f #\LATIN_…)`).
 * A name is read as the character it names — from the names of the blocks a value's characters most often come from
 * (`unicode-names-data.ts`: Latin-1, Latin Extended A, B and Additional, Greek, Cyrillic, punctuation, currency,
 * letterlike, arrows, miscellaneous symbols, dingbats, emoticons) and the names made of a code point (`U+E9`, `CJK
 * UNIFIED IDEOGRAPH-4E2D`); a name outside them is left as it is (a known gap: the whole table is 1 MB). SBCL's `#\` is
 * kept before the character, so that the copy is a list of characters the spaced characters' reader takes.
 *
 * The table is written by this Python 3 (the names of each block, two base64 digits a word of a list by frequency):
 *   R = [(0xA0,0x24F),(0x370,0x3FF),(0x400,0x4FF),(0x1E00,0x1EFF),(0x2000,0x206F),(0x20A0,0x20CF),(0x2100,0x214F),
 *        (0x2190,0x21FF),(0x2600,0x26FF),(0x2700,0x27BF),(0x1F600,0x1F64F)]
 *   words = [w for w, _ in Counter(w for a, b in R for c in range(a, b + 1) for w in name(chr(c), '').split()).most_common()]
 *   each block: (a, ','.join(''.join(AL[i // 64] + AL[i % 64] for i in (words.index(w) for w in name(chr(c), '').split()))
 *                             for c in range(a, b + 1)))   # AL: A-Z a-z 0-9 + /
 */
import { BLOCKS, WORDS } from './unicode-names-data.js';

const DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

let byName: Map<string, number> | undefined;

/** The table's names to their code points, made at the first name met. */
function names(): Map<string, number> {
  if (byName) return byName;
  const words = WORDS.split(' ');
  const map = new Map<string, number>();
  for (const [first, list] of BLOCKS) {
    let point = first;
    for (const name of list.split(',')) {
      if (name) {
        const parts: string[] = [];
        for (let i = 0; i < name.length; i += 2) parts.push(words[DIGITS.indexOf(name[i]!) * 64 + DIGITS.indexOf(name[i + 1]!)]!);
        map.set(parts.join(' '), point);
      }
      point++;
    }
  }
  return (byName = map);
}

/** The code point a name (any case, `_` for blanks as SBCL writes it) stands for, or undefined. */
export function pointOf(written: string): number | undefined {
  const name = written.replace(/_/g, ' ').toUpperCase();
  const made = /^(?:U\+|CJK (?:UNIFIED|COMPATIBILITY) IDEOGRAPH-)([0-9A-F]{2,6})$/.exec(name);
  if (made) {
    const point = parseInt(made[1]!, 16);
    return point <= 0x10ffff && (point < 0xd800 || point > 0xdfff) ? point : undefined;
  }
  return names().get(name);
}

/** Python's and Perl's `\N{NAME}`. */
const ESCAPE = /\\N\{([A-Za-z][A-Za-z0-9 +-]{0,88})\}/g;
/** SBCL's `#\NAME` of a character beyond ASCII: two words or more joined by `_`. */
const LISP = /#\\([A-Za-z][A-Za-z0-9-]*(?:_[A-Za-z0-9-]+)+)/g;
const AT_ESCAPE = /^\\N\{[A-Za-z][A-Za-z0-9 +-]{0,88}\}/;
const AT_LISP = /^#\\[A-Za-z][A-Za-z0-9-]*(?:_[A-Za-z0-9-]+)+/;

const isLetter = (c: number | undefined) => c !== undefined && (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a;

/** Whether the `\N{` or `#\` at `at` may begin a name, told by its next bytes (a letter; SBCL's: two). */
export function mayName(b: Uint8Array, at: number): boolean {
  return b[at] === 0x5c ? isLetter(b[at + 3]) : isLetter(b[at + 2]) && isLetter(b[at + 3]);
}

/** Whether a name the table holds (or a code point's) is written at `at`. */
export function atName(b: Buffer, at: number): boolean {
  const m = (b[at] === 0x5c ? AT_ESCAPE : AT_LISP).exec(b.toString('latin1', at, Math.min(b.length, at + 96)));
  return m !== null && pointOf(m[0].slice(b[at] === 0x5c ? 3 : 2, b[at] === 0x5c ? -1 : undefined)) !== undefined;
}

/** `text` (latin1 of the bytes) with each name the table holds replaced by its character's UTF-8 (as latin1), or undefined. */
export function rewriteNames(text: string): string | undefined {
  let changed = false;
  const utf8 = (point: number) => Buffer.from(String.fromCodePoint(point), 'utf8').toString('latin1');
  const out = text
    .replace(ESCAPE, (whole, name: string) => {
      const point = pointOf(name);
      if (point === undefined) return whole;
      changed = true;
      return utf8(point);
    })
    .replace(LISP, (whole, name: string) => {
      const point = pointOf(name);
      if (point === undefined) return whole;
      changed = true;
      return `#\\${utf8(point)}`;
    });
  return changed ? out : undefined;
}
