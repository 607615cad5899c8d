/**
 * A value written as a list of its characters, each quoted on its own: Python's `print(list(s))` (`['a', 'b', "'",
 * '\\']`), Node's `console.log([...s])` (`[ 'a', 'b',  "'",` in aligned columns, a line break every few), Perl's
 * Data::Dumper of `[split //, $s]` (one element a line), PHP's var_export of its characters (`0 => 'a',` a line), Ruby's
 * `p s.chars` and JSON's `["a","b"]` (double quotes only), and Java's `Arrays.toString(char[])` (`[a, b, &, é]`, no
 * quotes: a password is a char[] in Java, JPasswordField's, Console.readPassword's) — a debug print of a password
 * checked for its character classes. No escape family reads it: every character stands between quotes or commas.
 * A place is evidence of a run of one-character elements: a single-quoted element's closing `'` and its comma followed
 * by another quoted element (or PHP's index of one); or a `[` opening a list whose first element is one character —
 * double-quoted, a comma and another (`["a","b",`), or bare, then `, `, a character and `, ` again (`[a, b, `). The text around it
 * is rewritten with each run of at least MIN one-character elements as the characters they hold (`\\ \' \" \n \t \r
 * \0`, `\xHH`, `\x{…}`, `\uHHHH` and `\u{…}` read; UTF-8 kept) and routed (`(char list at N)`, `text-rewrite.ts`).
 * The needles: `',` (`'` is rare in text) and `["`, a pair the shared search pass finds (`text-triggers.ts`), checked by
 * the bytes after it. Not `",` (every JSON line ends so) nor `, ` (every text's): a double-quoted list is read only from
 * its `[`, so a list cut from its start (a log line's tail) is not.
 * Java's bare lists are read from a `[` (JAVA_CHAR_LISTS, the same notation found by `[` too): not yet listed in runs.ts's
 * notations(), as `[` is in every JavaScript and JSON text — the notations' reader took 10–20% more CPU over 15 MB of
 * node_modules' JS and JSON with it before a `[` could be refused by its bytes before it is listed (`Notation.may`).
 */
import { textAround, type Notation } from './text-rewrite.js';

/** The shortest value the audit looks for is 8 characters: a run of fewer elements holds none. */
const MIN = 8;
/** An escape inside an element (read by `unescape`). */
const ESC = String.raw`\\(?:[\\'"ntr0]|x[0-9a-fA-F]{2}|x\{[0-9a-fA-F]{1,6}\}|u[0-9a-fA-F]{4}|u\{[0-9a-fA-F]{1,6}\})`;
/** One UTF-8 character beyond ASCII, as latin1 of its bytes. */
const U8 = String.raw`[\xc2-\xf4][\x80-\xbf]{1,3}`;
const QUOTED = `(?:'(?:${ESC}|[^'\\\\\\x00-\\x1f\\x7f-\\xff]|${U8})'|"(?:${ESC}|[^"\\\\\\x00-\\x1f\\x7f-\\xff]|${U8})")`;
/** A character literal's prefix: Rust's byte `b'a'`, C's and C++'s `L'a'`, `u'a'`, `U'a'`, `u8'a'`. */
const PREFIX = `(?:b|L|u8|u|U)(?=')`;
/** A byte as a number among quoted characters (Go's `[]byte{'t', 0x6f, 107}`, C's `{'t', 0x6f, 0153}`): hex, octal, decimal. */
const BYTE = String.raw`(?<![\w'"])(?:0[xX][0-9a-fA-F]{1,2}|0[oO]?[0-7]{1,3}|[1-9]\d{0,2}|0)(?![\w.]| =>)`;
const ELEMENT = `(?:${PREFIX})?${QUOTED}|${BYTE}`;
/** What stands between two elements: a comma, blanks (Node pads its columns), a line break and indentation, PHP's index. */
const SEP = String.raw`,[ \t]*(?:\r?\n[ \t]*)?(?:\d{1,4} => )?`;
const RUN = new RegExp(`(?<![\\w'"])(?:${ELEMENT})(?:${SEP}(?:${ELEMENT})){${MIN - 1},}`, 'g');
const ONE = new RegExp(`${QUOTED}|${BYTE}`, 'g');

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

/** A byte element's value (`0x6f`, `0153`, `0o153`, `107`), or -1 beyond a byte. */
function byteOf(element: string): number {
  const n = /^0[xX]/.test(element)
    ? parseInt(element.slice(2), 16)
    : /^0/.test(element) && element.length > 1
      ? parseInt(element.replace(/^0[oO]?/, ''), 8)
      : Number(element);
  return n <= 0xff ? n : -1;
}

/** An element's character (latin1 of its UTF-8), its quotes and escape taken off; a byte element's byte. */
function unescape(element: string): string {
  if (!isQuote(element.charCodeAt(0))) return String.fromCharCode(Math.max(0, byteOf(element)));
  const body = element.slice(1, -1);
  if (body[0] !== '\\') return body;
  const e = body[1]!;
  if (e === 'n') return '\n';
  if (e === 't') return '\t';
  if (e === 'r') return '\r';
  if (e === '0') return '\0';
  if (e === 'x' || e === 'u') return utf8(parseInt(body.slice(2).replace(/[{}]/g, ''), 16));
  return e;
}

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

/** The length of the double-quoted one-character element at `i` (its quotes included), or 0. */
function quotedAt(b: Buffer, i: number): number {
  if (b[i] !== 0x22) return 0;
  const c = b[i + 1];
  let n = 1;
  if (c === 0x5c) n = b[i + 2] === 0x75 ? (b[i + 3] === 0x7b ? 0 : 6) : b[i + 2] === 0x78 ? 4 : 2;
  else if (c === undefined || c < 0x20 || c === 0x22) return 0;
  else if (c >= 0x80) n = charAt(b, i + 1);
  return n && b[i + 1 + n] === 0x22 ? n + 2 : 0;
}

/** Whether the `[` at `at` opens a list of one-character elements: `["a","b",` (JSON, Ruby) or `[a, b, ` (Java). */
function listOpens(b: Buffer, at: number): boolean {
  const q = quotedAt(b, at + 1);
  if (q) {
    let i = at + 1 + q;
    if (b[i++] !== 0x2c) return false;
    while (b[i] === 0x20) i++;
    const r = quotedAt(b, i);
    return r > 0 && b[i + r] === 0x2c;
  }
  const n = charAt(b, at + 1);
  if (!n || b[at + 1 + n] !== 0x2c || b[at + 2 + n] !== 0x20) return false;
  const m = charAt(b, at + 3 + n);
  return m > 0 && b[at + 3 + n + m] === 0x2c && b[at + 4 + n + m] === 0x20;
}

/**
 * gdb's characters (`p/c buf`: `{97 'a', -61 '\303', 0 '\000' <repeats 48 times>}`; `x/Ncb buf`: the same elements
 * after an address, tab-separated, 8 a line): each byte as its number (signed for a `char`) and the character quoted
 * (an octal escape beyond ASCII); a repeat counted. The numbers are the bytes.
 */
const GDB_ELEMENT = String.raw`(-?\d{1,3}) '(?:[^'\\\x00-\x1f]|\\[0-7]{3}|\\[\\'"abfnrtve])'(?: <repeats (\d{1,6}) times>)?`;
/** Between two of gdb's elements: `, ` (print), a tab or a line break and the next line's address (x). */
const GDB_SEP = String.raw`, |\t|\r?\n0x[0-9a-f]{4,16}(?: <[^>\r\n]{1,200}>)?:\t`;
const GDB_RUN = new RegExp(String.raw`(?<![\w'])${GDB_ELEMENT}(?:(?:${GDB_SEP})${GDB_ELEMENT}){${MIN - 1},}`, 'g');
const GDB_ONE = new RegExp(GDB_ELEMENT, 'g');
/** The most bytes one `<repeats N times>` gives back (a value's run of one character is shorter). */
const MAX_REPEAT = 256;

/** The bytes (latin1) of a run of gdb's elements. */
function gdbChars(run: string): string {
  let out = '';
  for (const m of run.matchAll(GDB_ONE)) out += String.fromCharCode(Number(m[1]) & 0xff).repeat(Math.min(Number(m[2] ?? 1), MAX_REPEAT));
  return out;
}

/** Whether one of gdb's elements starts at `i`: a number of 1 to 3 digits (a sign before), a blank, a quote. */
function gdbAt(b: Buffer, i: number): boolean {
  if (b[i] === 0x2d) i++;
  let n = 0;
  while (n < 4 && b[i + n]! >= 0x30 && b[i + n]! <= 0x39) n++;
  return n >= 1 && n <= 3 && b[i + n] === 0x20 && b[i + n + 1] === 0x27;
}

export const CHAR_LISTS: Notation = {
  label: 'char list',
  needles: [Buffer.from("',"), Buffer.from('["'), Buffer.from("'\t")],
  at(b, at) {
    if (b[at] === 0x5b) return listOpens(b, at) && textAround(b, at, false);
    // gdb's `p/c` (`', ` before the next element) and `x/Ncb` (a tab).
    if (gdbAt(b, at + (b[at + 1] === 0x09 ? 2 : 3))) return textAround(b, at, false);
    if (b[at + 1] === 0x09 || !oneCharBefore(b, at)) return false;
    let next = at + 2;
    while (next < b.length && isBlank(b[next])) next++;
    if (b[next]! >= 0x30 && b[next]! <= 0x39) {
      const digits = next;
      while (
        (b[next]! >= 0x30 && b[next]! <= 0x39) ||
        ((b[next]! | 0x20) >= 0x61 && (b[next]! | 0x20) <= 0x66) ||
        (b[next]! | 0x20) === 0x78 ||
        (b[next]! | 0x20) === 0x6f
      )
        next++;
      // A byte as a number after a quoted character (Go's `{'t', 0x6f, 107}`): a comma or the list's end after it.
      if (b[next] === 0x2c || b[next] === 0x7d || b[next] === 0x5d) return next - digits <= 5 && textAround(b, at, false);
      // PHP's var_export of a list: the next element's index before it.
      if (b[next] !== 0x20 || b[next + 1] !== 0x3d || b[next + 2] !== 0x3e || b[next + 3] !== 0x20) return false;
      next += 4;
    }
    // Rust's `b'a'`, C's `L'a'`, `u8'a'`: the prefix before the next element's quote.
    if (b[next] === 0x62 || b[next] === 0x4c || b[next] === 0x55 || b[next] === 0x75) next += b[next + 1] === 0x38 ? 2 : 1;
    return isQuote(b[next]) && textAround(b, at, false);
  },
  rewrite(w) {
    let changed = false;
    const text = w
      .toString('latin1')
      .replace(GDB_RUN, (run) => {
        changed = true;
        return gdbChars(run);
      })
      .replace(RUN, (run) => {
        const elements = run.match(ONE)!;
        // Numbers alone are the byte lists' (runs-bytes.ts); a byte beyond 255 is no character of a byte list.
        if (!elements.some((e) => isQuote(e.charCodeAt(0))) || elements.some((e) => !isQuote(e.charCodeAt(0)) && byteOf(e) < 0)) return run;
        changed = true;
        return elements.map(unescape).join('');
      })
      .replace(JAVA_RUN, (_run, body: string) => {
        changed = true;
        return [...body.matchAll(JAVA_ONE)].map((m) => m[1]).join('');
      });
    return changed ? Buffer.from(text, 'latin1') : undefined;
  },
};

/**
 * CHAR_LISTS found by every `[` as well: Java's `Arrays.toString(char[])` too (`[a, b, &, é]`). A `[` is refused by its
 * bytes before it is listed as a place (`may`: `[` then one character, `, `, one character, `, ` — `listOpens`, no
 * string made): over 19.5 MB of node_modules' JS and JSON the notations' reader took no more time with it (3 alternated
 * runs, load 17: 1084/547/484 ms without, 272/486/308 with; the same 769 copies). Listed in runs.ts's notations() in
 * CHAR_LISTS' place by /work/notes/s54/H6-for-H2.diff (H2's file).
 */
export const JAVA_CHAR_LISTS: Notation = {
  ...CHAR_LISTS,
  needles: [...CHAR_LISTS.needles, Buffer.from('[')],
  may: (b, at) => (b[at] === 0x5b ? listOpens(b, at) : b[at + 1] !== 0x09 || gdbAt(b, at + 2)),
};
