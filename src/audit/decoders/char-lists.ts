/**
 * A value written as a list of its characters, each quoted on its own: Python's `print(list(s))` (`['a', 'b', "'",
 * '\\']`), Node's `console.log([...s])` (`[ 'a', 'b',  "'",` in aligned columns, a line break every few) — a debug
 * print of a password checked for its character classes. No escape family reads it: every character stands between
 * quotes and a comma. A place is evidence where a one-character element's closing `'` and its comma are followed by
 * another quoted element; the text around it is rewritten with each run of at least MIN one-character elements as
 * the characters they hold (`\\ \' \" \n \t \r \0`, `\xHH`, `\uHHHH` and `\u{…}` read; UTF-8 kept) and routed
 * (`(char list at N)`, `text-rewrite.ts`). Lists of double-quoted characters only (Ruby's `p s.chars`, JSON's
 * `["a","b"]`) have no cheap needle (see `needles`): not read.
 * Java's `Arrays.toString(char[])` (`[a, b, &, é]`, no quotes: a password is a char[] in Java, JPasswordField's,
 * Console.readPassword's) is JAVA_CHAR_LISTS: a place where `, ` stands between two one-character elements each with
 * `, ` or `[` before it, the run between `[` and `]` rewritten. Not listed in runs.ts's notations(): its needle `, ` is
 * every text's (a microbench of EncodedRuns over 160 MB of JS, JSON and Python took ~1.6% more CPU with it).
 */
import { textAround, type Notation } from './text-rewrite.js';

/** The shortest value the audit looks for is 8 characters: a run of fewer elements holds none. */
const MIN = 8;
/** An escape inside an element (read by `unescape`). */
const ESC = String.raw`\\(?:[\\'"ntr0]|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|u\{[0-9a-fA-F]{1,6}\})`;
/** One UTF-8 character beyond ASCII, as latin1 of its bytes. */
const U8 = String.raw`[\xc2-\xf4][\x80-\xbf]{1,3}`;
const ELEMENT = `(?:'(?:${ESC}|[^'\\\\\\x00-\\x1f\\x7f-\\xff]|${U8})'|"(?:${ESC}|[^"\\\\\\x00-\\x1f\\x7f-\\xff]|${U8})")`;
/** What stands between two elements: a comma, blanks (Node pads its columns), a line break and indentation. */
const SEP = String.raw`,[ \t]*(?:\r?\n[ \t]*)?`;
const RUN = new RegExp(`(?<![\\w'"])${ELEMENT}(?:${SEP}${ELEMENT}){${MIN - 1},}`, 'g');
const ONE = new RegExp(ELEMENT, 'g');

const isQuote = (c: number | undefined) => c === 0x27 || c === 0x22;
const isBlank = (c: number | undefined) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

/** Whether the element closed by the quote at `at` holds one character: a byte, an escape's two, or one UTF-8 character. */
function oneCharBefore(b: Buffer, at: number): boolean {
  const q = b[at];
  if (b[at - 2] === q) return b[at - 1] !== 0x5c;
  if (b[at - 3] === q && b[at - 2] === 0x5c) return true;
  // A UTF-8 character of 2 to 4 bytes: its lead byte right after the opening quote.
  for (let k = 2; k <= 4; k++) {
    const lead = b[at - k]!;
    if (b[at - k - 1] === q && lead >= 0xc2 && lead <= 0xf4) return true;
    if (lead < 0x80 || lead > 0xbf) return false;
  }
  return false;
}

/** The latin1 of the UTF-8 of code point `c`. */
const utf8 = (c: number) => Buffer.from(String.fromCodePoint(c), 'utf8').toString('latin1');

/** An element's character (latin1 of its UTF-8), its quotes and escape taken off. */
function unescape(element: string): string {
  const body = element.slice(1, -1);
  if (body[0] !== '\\') return body;
  const e = body[1]!;
  if (e === 'n') return '\n';
  if (e === 't') return '\t';
  if (e === 'r') return '\r';
  if (e === '0') return '\0';
  if (e === 'x') return utf8(parseInt(body.slice(2), 16));
  if (e === 'u') return utf8(parseInt(body.slice(2).replace(/[{}]/g, ''), 16));
  return e;
}

export const CHAR_LISTS: Notation = {
  label: 'char list',
  // A single-quoted element's closing quote and the comma after it (`'` is rare in text: a cheap native search). Not
  // `",` (Ruby's `p s.chars`, JSON's `["a","b"]`): every JSON line ends so, and its search cost ~1% of the plain bench's
  // CPU; `", ` is searched by `, `, every text's. A double-quoted element in a run a `',` place is near is read.
  needles: [Buffer.from("',")],
  at(b, at) {
    if (!oneCharBefore(b, at)) return false;
    let next = at + 2;
    while (next < b.length && isBlank(b[next])) next++;
    return isQuote(b[next]) && textAround(b, at, false);
  },
  rewrite(w) {
    let changed = false;
    const text = w.toString('latin1').replace(RUN, (run) => {
      changed = true;
      return run.match(ONE)!.map(unescape).join('');
    });
    return changed ? Buffer.from(text, 'latin1') : undefined;
  },
};

/** One Java char: a printable ASCII byte or one UTF-8 character (latin1 of its bytes). */
const JCHAR = String.raw`(?:[\x20-\x7e]|[\xc2-\xf4][\x80-\xbf]{1,3})`;
/** Arrays.toString of a char[]: `[`, at least MIN characters joined by `, `, `]`. */
const JAVA_RUN = new RegExp(String.raw`\[((?:${JCHAR}, ){${MIN - 1},}${JCHAR})\]`, 'g');
const JAVA_ONE = new RegExp(`(${JCHAR})(?:, |$)`, 'g');

/** The length of the one character (UTF-8) starting at `i`, or 0. */
function charAt(b: Buffer, i: number): number {
  const c = b[i];
  if (c === undefined || c < 0x20 || c === 0x7f) return 0;
  if (c < 0x80) return 1;
  const n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
  for (let k = 1; k < n; k++) if (((b[i + k] ?? 0) & 0xc0) !== 0x80) return 0;
  return n;
}

export const JAVA_CHAR_LISTS: Notation = {
  label: 'char list',
  needles: [Buffer.from(', ')],
  at(b, at) {
    // The element after: one character, then `, ` again (most `, ` in text have a word after them: one byte's check).
    const n = charAt(b, at + 2);
    if (!n || b[at + 2 + n] !== 0x2c || b[at + 3 + n] !== 0x20) return false;
    // The element before: one character with `, ` or `[` before it.
    const p = b[at - 1]! < 0x80 ? 1 : b[at - 2]! >= 0xc2 ? 2 : b[at - 3]! >= 0xe0 ? 3 : 4;
    const open = b[at - 1 - p];
    if (!(open === 0x5b || (open === 0x20 && b[at - 2 - p] === 0x2c)) || charAt(b, at - p) !== p) return false;
    return textAround(b, at, false);
  },
  rewrite(w) {
    let changed = false;
    const text = w.toString('latin1').replace(JAVA_RUN, (_run, body: string) => {
      changed = true;
      return [...body.matchAll(JAVA_ONE)].map((m) => m[1]).join('');
    });
    return changed ? Buffer.from(text, 'latin1') : undefined;
  },
};
