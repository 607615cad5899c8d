/**
 * A value written as its characters' codes, one call or one code point notation each: Go's `%U` of a []rune
 * (`[U+0061 U+00E9 U+1F600]`), the Unicode charts' and many debug printers' `U+XXXX`; VBA and VBScript's `Chr(97) &
 * ChrW(8364) & _` (macro generators and obfuscators hide a password so), PHP's `chr(97).chr(98)`, Python's `chr(97) +
 * chr(98)`, SQL's `CHAR(97)+CHAR(98)` and `CHAR(97)||CHAR(98)`. The byte-list reader (`runs-bytes.ts`) sees none of
 * them: the numbers stand between letters and parentheses. A place is evidence where two codes stand joined (two
 * `U+` codes a blank or a comma apart; two calls joined by `&`, `+`, `.` or `||`, a VBA line continuation between);
 * the text around it is rewritten with each run of joined codes as its characters (UTF-8; a UTF-16 surrogate pair as
 * one) and routed (`(char codes at N)`, `text-rewrite.ts`).
 */
import { textAround, type Notation } from './text-rewrite.js';
import { atName, mayName, rewriteNames } from './unicode-names.js';

/** One code point: `U+XXXX`, and Go's `%#U` gives its character after it quoted (`U+0041 'A'`, `U+0027 '''`). */
const POINT = String.raw`U\+[0-9A-Fa-f]{4,6}(?: '(?:'|[^'\n]{1,4})')?`;
/** `U+XXXX` codes a blank or a comma apart. */
const POINTS = new RegExp(`${POINT}(?:(?:, ?| )${POINT})+`, 'g');
/** A character's code: decimal, C's `0x61`, VBA's `&H61`. */
const CODE = String.raw`(?:0x[0-9a-f]{1,6}|&h[0-9a-f]{1,6}|\d{1,7})`;
/**
 * One call: `Chr(97)`, `ChrW(8364)`, VBA's `Chr$(97)` and `ChrW$(…)`, `CHAR(97)`, Lua's `string.char(97)`, `chr(0x61)`,
 * VBA's `Chr(&H61)`, SQL Server's `NCHAR(97)`, Python 2's `unichr(233)`, PHP's `mb_chr(8364)`, JavaScript's `String.fromCharCode(97)` and `String.fromCodePoint(128512)`, .NET's `Convert.ToChar(97)` (a qualifier before the name: `string.`, `Strings.`); a cast — PowerShell's `[char]97` (`[char]0x61`: the hex
 * form tried first, a cast's number having no `)` to end it), C#'s and Java's `(char)97` and `(char) 0x61`; or a method
 * of the number — Ruby's `97.chr` and `8364.chr(Encoding::UTF_8)`, Kotlin's `97.toChar()`.
 */
const CALL = String.raw`(?:(?:[a-z_]\w{0,15}\.)?(?:(?:uni|mb_)?chr|n?char|fromcharcode|fromcodepoint|tochar)w?\$?\(\s*${CODE}\s*\)|(?:\[char\]|\(char\))\s*${CODE}|(?:0x[0-9a-f]{1,6}|\d{1,7})\.(?:chr\b(?:\(\s*(?:Encoding::UTF_8|'UTF-8'|"UTF-8")\s*\))?|tochar\(\)))`;
/**
 * What joins two calls: `&`, `+`, `.`, `||`, `,` (Python's `''.join([chr(80), chr(97)])`), Lua's `..`, then VBA's ` _`
 * and a line break.
 */
const JOIN = String.raw`\s*(?:&|\+|\.\.|\.|\|\||,)\s*(?:_[ \t]*\r?\n\s*)?`;
const CALLS = new RegExp(`${CALL}(?:${JOIN}${CALL})+`, 'gi');
const AT_CALLS = new RegExp(`^${CALL}${JOIN}${CALL}`, 'i');
const AT_POINTS = new RegExp(`^${POINT}(?:, ?| )U\\+[0-9A-Fa-f]{4,6}`);
/** A call's number, after its `(` or the cast's `]` or `)`, or before a method's `.chr` and `.toChar`. */
const NUMBER = /[(\])]\s*(0x[0-9a-f]+|&h[0-9a-f]+|\d+)|(0x[0-9a-f]+|\d+)\.(?:chr|tochar)/gi;
/** A point's code in a run of them (not the quoted character after it: `'A'`, `'B'` are no code). */
const POINT_CODE = /U\+([0-9A-Fa-f]{4,6})/g;

/** The characters of a list of codes (UTF-16 units or code points), as latin1 of their UTF-8; undefined when one is none. */
function charsOf(codes: number[]): string | undefined {
  let text = '';
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i]!;
    if (c > 0x10ffff) return undefined;
    const low = codes[i + 1];
    if (c >= 0xd800 && c <= 0xdbff && low !== undefined && low >= 0xdc00 && low <= 0xdfff) {
      text += String.fromCharCode(c, low);
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) return undefined;
    else text += String.fromCodePoint(c);
  }
  return Buffer.from(text, 'utf8').toString('latin1');
}

const numberOf = (s: string) => (/^0x/i.test(s) ? parseInt(s.slice(2), 16) : /^&h/i.test(s) ? parseInt(s.slice(2), 16) : Number(s));

const isLetter = (c: number) => (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a;

/** The first bytes a place may be read from: up to a call's and a join's length. */
const LOOK = 96;

/** Whether `b` holds `word` (lower case letters, `(`, `)`) at `at`, its letters in either case. */
function holds(b: Uint8Array, at: number, word: string): boolean {
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (((b[at + i] ?? 0) | (c >= 0x61 ? 0x20 : 0)) !== c) return false;
  }
  return true;
}

const isDigit = (c: number | undefined) => c !== undefined && c >= 0x30 && c <= 0x39;

/**
 * Whether the `(` or `]` at `at` may be a char-code call's, told by bytes alone (no string made): most calls in text are
 * no char code's (`handler(`, `require(`, `for(`; `$(` a shell's, `a[i]` an index). A cast's `(` is `(char)` (C#, Java);
 * a method's `.` (`.chr`, `.toChar()`) has a digit before it. Else the name's last byte before it — r (chr, char,
 * [char], ToChar), w (chrw, charw), VBA's $ (Chr$, ChrW$), e (fromCharCode) or t (fromCodePoint) — the letter before
 * that (chr, char: h or a; chrw, charw: r; before `$`: r or w; fromCharCode: d; fromCodePoint: n; the cast's `[char]`: a), two letters before the last, and the
 * argument's first byte after blanks (a digit, 0x…, VBA's &H…).
 */
export function mayCall(b: Uint8Array, at: number): boolean {
  if (b[at] === 0x2e) return isHex(b[at - 1]);
  if (b[at] === 0x28 && holds(b, at + 1, 'char)')) return true;
  const name = at - 1;
  const last = (b[name] ?? 0) | 0x20;
  if (b[at] === 0x5d ? last !== 0x72 : last !== 0x72 && last !== 0x77 && last !== 0x24 && last !== 0x65 && last !== 0x74) return false;
  const before = (b[name - 1] ?? 0) | 0x20;
  const want =
    last === 0x77
      ? before === 0x72
      : last === 0x24
        ? before === 0x72 || before === 0x77
        : last === 0x65
          ? before === 0x64
          : last === 0x74
            ? before === 0x6e
            : before === 0x68 || before === 0x61;
  if (!want || (b[at] === 0x5d && before !== 0x61)) return false;
  let arg = at + 1;
  while (arg < b.length && (b[arg] === 0x20 || b[arg] === 0x09 || b[arg] === 0x0a || b[arg] === 0x0d)) arg++;
  if (arg < b.length && !isDigit(b[arg]) && b[arg] !== 0x26) return false;
  if (last === 0x65) return holds(b, name - 11, 'fromcharcode');
  if (last === 0x74) return holds(b, name - 12, 'fromcodepoint');
  return isLetter(b[name - 1] ?? 0) && isLetter(b[name - 2] ?? 0);
}

const isHex = (c: number | undefined) => c !== undefined && (isDigit(c) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66));

/** Where the call at `at` (a needle's place `mayCall` took) may start: the first of the bytes each start is tried from. */
function starts(b: Uint8Array, at: number): number[] {
  // A method's number: its digits (or 0x and hex digits) before the `.`.
  if (b[at] === 0x2e) {
    let p = at;
    while (p > 0 && at - p < 9 && (isHex(b[p - 1]) || ((b[p - 1] ?? 0) | 0x20) === 0x78)) p--;
    return [p];
  }
  if (b[at] === 0x28 && holds(b, at + 1, 'char)')) return [at];
  // The call starts two to five bytes before its name's last byte (`Chr(`, `char(`, `ChrW(`, `CharW$(`, `[char]`), or
  // eleven or twelve (`fromCharCode(`, `fromCodePoint(`): no further, where a call before it would start.
  if ((b[at - 1]! | 0x20) === 0x65) return [at - 12];
  if ((b[at - 1]! | 0x20) === 0x74) return [at - 13];
  const out: number[] = [];
  for (let k = 2; k <= Math.min(at - 1, 5); k++) out.push(at - 1 - k);
  return out;
}

export const CHAR_CODES: Notation = {
  label: 'char codes',
  // Found by a call's `(` and a cast's `]` (one byte each: one memchr a chunk), then told by the bytes around them. The
  // pairs a call's name ends with (`r(` `R(` `W(` `w(` `$(` `r]` `R]`) were searched for before: six searches, most of them
  // by a first byte among text's commonest (memchr stops at every `r` and `w`), and `r(` ends every `handler(` and `require(` of source
  // code: 1.1-1.5 ns a byte of any text, 0.6-1.0 now (bench/audit.ts's JS, Debian's C headers, Python, JS, docs; the
  // search and the checks of its hits). The joins (`) & Chr`, `).chr(`) are no cheaper trigger that misses none: `.` and
  // `,` join calls, and blanks of any length stand around a join.
  // Ruby's `.chr` and Kotlin's `.toChar()` after a number: their own needles (a `.` is too common), rare in text. The
  // characters' names (`unicode-names.ts`): Python's and Perl's `\N{`, SBCL's `#\`.
  needles: ['U+', '(', ']', '.chr', '.toChar()', '\\N{', '#\\'].map((s) => Buffer.from(s)),
  // Told before a place is listed: `at` refuses every call's `(` (three a line of the bench's JavaScript) at `mayCall`.
  may: (b, at) => b[at] === 0x55 || (b[at] === 0x5c || b[at] === 0x23 ? mayName(b, at) : mayCall(b, at)),
  at(b, at) {
    if (b[at] === 0x55) return AT_POINTS.test(b.toString('latin1', at, Math.min(b.length, at + LOOK))) && textAround(b, at, false);
    if (b[at] === 0x5c || b[at] === 0x23) return mayName(b, at) && atName(b, at) && textAround(b, at, false);
    if (!mayCall(b, at)) return false;
    for (const start of starts(b, at)) if (AT_CALLS.test(b.toString('latin1', start, Math.min(b.length, start + LOOK)))) return textAround(b, at, false);
    return false;
  },
  rewrite(w) {
    let changed = false;
    const text = w
      .toString('latin1')
      .replace(POINTS, (run) => {
        const chars = charsOf([...run.matchAll(POINT_CODE)].map((m) => parseInt(m[1]!, 16)));
        if (chars === undefined) return run;
        changed = true;
        return chars;
      })
      .replace(CALLS, (run) => {
        const chars = charsOf([...run.matchAll(NUMBER)].map((m) => numberOf(m[1] ?? m[2]!)));
        if (chars === undefined) return run;
        changed = true;
        return chars;
      });
    const named = rewriteNames(text);
    return changed || named !== undefined ? Buffer.from(named ?? text, 'latin1') : undefined;
  },
};
