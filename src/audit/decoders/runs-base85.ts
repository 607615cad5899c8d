/**
 * The base85 family, in runs without delimiters: RFC 1924's alphabet (Python's `b85encode`,
 * Mercurial, and the payload of git's binary patches), ZeroMQ's Z85 (`basenc --z85`), and plain
 * ASCII85 (Python's `a85encode`, btoa without its frame). Four bytes are five characters of 85.
 *
 * Nearly every printable character belongs to one of these alphabets, so words, paths, URLs and
 * minified code are runs too. A long run is routed only when it looks like encoded bytes: many
 * distinct characters, capitals, small letters and at least two characters base64 does not have
 * (base64, hex and a lockfile's `sha512-…` integrity are left to `runs.ts`); a short one (15
 * characters, twelve bytes, on) only when it decodes to text. A run often follows a character of
 * its own alphabet (`KEY=…`, `token:…`), so every alignment of its groups is tried, and an
 * alignment whose groups overflow 32 bits (not an encoding of anything) is dropped.
 */
import type { Family } from './runs-scan.js';

export const B85_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-;<=>?@^_`{|}~';
const Z85_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#';

/** The value of each character (-1: not one). */
function values(alphabet: string): Int8Array {
  const t = new Int8Array(256).fill(-1);
  for (let i = 0; i < alphabet.length; i++) t[alphabet.charCodeAt(i)] = i;
  return t;
}
export const B85 = values(B85_ALPHABET);
const Z85 = values(Z85_ALPHABET);
/** ASCII85: `!` (0) to `u` (84); `z` for four zero bytes is read by the decoder. */
export const A85 = values(Array.from({ length: 85 }, (_, i) => String.fromCharCode(33 + i)).join(''));

/** The characters of a run: an alphabet's, and `z` for ASCII85. */
const tableOf = (v: Int8Array, extra = ''): Uint8Array => {
  const t = new Uint8Array(256);
  for (let i = 0; i < 256; i++) t[i] = v[i]! >= 0 ? 1 : 0;
  for (const c of extra) t[c.charCodeAt(0)] = 1;
  return t;
};

/**
 * The bytes of base85 `text` in `alphabet`: whole groups of five; a last group of k < 5 characters
 * padded with the highest digit and read as k - 1 bytes (as every base85 encoder writes a partial
 * group). Whitespace is passed over; `zeros` reads ASCII85's `z` (four zero bytes) and btoa's `y`
 * (four spaces) between groups. A character outside the alphabet ends the decoding.
 */
export function decode85(text: string, alphabet: Int8Array, zeros = false): Buffer {
  const out = Buffer.allocUnsafe(Math.ceil(text.length / 5) * 4 + text.length * 4);
  let n = 0;
  let value = 0;
  let k = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const d = alphabet[c]!;
    if (d < 0) {
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
      if (zeros && k === 0 && (c === 0x7a || c === 0x79)) {
        out.fill(c === 0x7a ? 0 : 0x20, n, n + 4);
        n += 4;
        continue;
      }
      break;
    }
    value = value * 85 + d;
    if (++k === 5) {
      out.writeUInt32BE(value >>> 0, n);
      n += 4;
      value = 0;
      k = 0;
    }
  }
  if (k > 1) {
    for (let j = k; j < 5; j++) value = value * 85 + 84;
    const last = value >>> 0;
    for (let j = 0; j < k - 1; j++) out[n++] = (last >>> (24 - 8 * j)) & 0xff;
  }
  return out.subarray(0, n);
}

/** Whether `head`, read from `skip`, has a group of five digits above 2^32 - 1 (then it is not this encoding there). */
function overflows(head: string, alphabet: Int8Array, skip: number): boolean {
  for (let i = skip; i + 5 <= head.length; i += 5) {
    let v = 0;
    for (let j = i; j < i + 5; j++) {
      const d = alphabet[head.charCodeAt(j)]!;
      if (d < 0) return false; // ASCII85's z: groups after it are aligned otherwise; the rest is not judged
      v = v * 85 + d;
    }
    if (v > 0xffffffff) return true;
  }
  return false;
}

/** Characters of base64 (and base64url, and its padding): a run of only these is base64's. */
const BASE64 = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_') BASE64[c.charCodeAt(0)] = 1;

/** A character's class for `looksRandom`: capital, small letter, digit, other. */
const CLASS = new Uint8Array(256);
for (let c = 0; c < 256; c++) CLASS[c] = c >= 0x41 && c <= 0x5a ? 0 : c >= 0x61 && c <= 0x7a ? 1 : c >= 0x30 && c <= 0x39 ? 2 : 3;

/**
 * Whether `head` looks like encoded bytes rather than words or code. Of 40 random characters of 85
 * about 32 are distinct (a word, an identifier, a path or a URL has far fewer), about 12 are
 * capitals and 12 small letters, and about 28 of 39 neighbours differ in class (capital, small,
 * digit, other), where `FORBIDDEN_VARIABLE` or `markdownSummary` change class once or twice. And at
 * least two characters base64 lacks inside it — not the quote and comma that close a base64 value
 * in JSON (`…==",`), which ASCII85's alphabet has.
 */
/** Which characters a head has: marked with the call's generation (no set made per run). */
const SEEN = new Uint32Array(256);
let generation = 0;

/**
 * The distinct characters a head of `n` must have: 0.6 n, and at most three quarters of what n random characters of 85
 * give (85 (1 - (84/85)^n): 32 of 40, 45 of 64) — 0.6 n alone is 2.6 standard deviations below 64 random characters'
 * 45, and turned down one run of ASCII85 in 170 (HOIST_TEST_SEED=2: a value whose first 64 characters held 38).
 */
const distinctWanted = (n: number) => Math.min(0.6 * n, 0.75 * 85 * (1 - (84 / 85) ** n));

export function looksRandom(head: string): boolean {
  const n = head.length;
  let upper = 0;
  let lower = 0;
  let other = 0;
  let changes = 0;
  let distinct = 0;
  generation++;
  for (let i = 0; i < n; i++) {
    const c = head.charCodeAt(i) & 0xff;
    if (SEEN[c] !== generation) {
      SEEN[c] = generation;
      distinct++;
    }
    const k = CLASS[c]!;
    if (k === 0) upper++;
    else if (k === 1) lower++;
    if (i > 0 && k !== CLASS[head.charCodeAt(i - 1)]) changes++;
    // Words and identifiers give up here, a few characters in: too few changes of class left to reach half.
    else if (i - changes > 0.5 * (n - 1) + 1) return false;
    if (!BASE64[c] && i > 0 && i < n - 4) other++;
  }
  return distinct >= distinctWanted(n) && changes >= 0.5 * (n - 1) && upper >= 3 && lower >= 3 && other >= 2;
}

/**
 * The bytes of a short run if they are text (as `stacked` judges), from the group after the last
 * that is not — a prefix of the alphabet's own characters (`secret=…`, up to PREFIX characters)
 * makes a group or a few of garbage before the value; at least 15 characters (12 bytes) must be left. Most runs are given
 * up in their first groups without decoding the rest.
 */
/** Whether a group's first digit may begin four bytes of text (0x7e7e7e7e is 40 and a little more; `z`, no digit, none). */
const textLead = (v: number) => v >= 0 && v <= 40;

/** The longest prefix of the alphabet's characters a short run's value may follow on its line. */
const PREFIX = 20;

function textOf(bytes: Uint8Array, start: number, end: number, alphabet: Int8Array, zeros: boolean): Buffer | undefined {
  const whole = end - ((end - start) % 5);
  // What is decoded is whole groups of text up to `whole`, 15 characters at least: the last three groups' first digits
  // (at most 40 in a group of text) are looked at first — most runs of words and code are given up there, in one.
  if (whole - start < 15 || !textLead(alphabet[bytes[whole - 5]!]!) || !textLead(alphabet[bytes[whole - 10]!]!) || !textLead(alphabet[bytes[whole - 15]!]!))
    return undefined;
  let from = start;
  for (let i = start; i < whole && whole - from >= 15; i += 5) {
    // A group of text is at most 0x7e7e7e7e, whose first digit is 40: most groups are told by it alone.
    let v = alphabet[bytes[i]!]!;
    let text = v >= 0 && v <= 40;
    for (let j = i + 1; j < i + 5 && text; j++) {
      const d = alphabet[bytes[j]!]!;
      if (d < 0) return undefined;
      v = v * 85 + d;
    }
    if (v < 0) return undefined;
    for (let s = 24; s >= 0 && text; s -= 8) {
      const b = (v >>> s) & 0xff;
      text = (b >= 0x20 && b <= 0x7e) || b === 9 || b === 10 || b === 13;
    }
    if (text) continue;
    // A prefix (`DATABASE_PASSWORD=`) is a few groups; more that are not text, and this is not a value.
    if (i - start >= PREFIX) return undefined;
    from = i + 5;
  }
  if (whole - from < 15) return undefined;
  return decode85(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1', from, end), alphabet, zeros);
}

/** The base85 family's alphabets, for `base85Line`; the shortest line of a run judged on its own (the family's minRun). */
const LINE_TABLES = [tableOf(B85), tableOf(Z85), tableOf(A85, 'z')];
const MIN_LINE = 40;

/** How far from a place its line is looked at either way: an encoder's line is judged by this much of it (a line of a MiB cost a MiB a place). */
const REACH = 96;

/** Where the line holding `at` begins, REACH bytes back at most. */
function lineStart(b: Uint8Array, at: number): number {
  let i = at;
  while (i > 0 && at - i < REACH && b[i - 1] !== 0x0a) i--;
  return i;
}

/**
 * The line holding `at` (the one a line break at `at` ends), REACH bytes either side of `at` at most, its CR and Adobe's
 * `<~` `~>` left out: [start, end), and whether both its ends are the line's own.
 */
function lineAt(b: Uint8Array, at: number): [number, number, boolean] {
  let start = lineStart(b, at);
  let end = at;
  while (end < b.length && end - at < REACH && b[end] !== 0x0a) end++;
  const whole = (start === 0 || b[start - 1] === 0x0a) && (end === b.length || b[end] === 0x0a);
  if (end > start && b[end - 1] === 0x0d) end--;
  if (b[start] === 0x3c && b[start + 1] === 0x7e) start += 2;
  if (end - start >= 2 && b[end - 2] === 0x7e && b[end - 1] === 0x3e) end -= 2;
  return [start, end, whole];
}

/** Whether b[start, end) is all characters of `table` (no blank). */
function allOf(b: Uint8Array, start: number, end: number, table: Uint8Array): boolean {
  for (let i = start; i < end; i++) if (!table[b[i]!]) return false;
  return end > start;
}

/** Whether b[start, end) is a whole line of encoded bytes in `table`'s alphabet: MIN_LINE characters and more, random as a run the family accepts. */
const runLine = (b: Uint8Array, start: number, end: number, table: Uint8Array) =>
  end - start >= MIN_LINE && allOf(b, start, end, table) && looksRandom(Buffer.from(b.buffer, b.byteOffset, b.length).toString('latin1', start, start + 64));

/**
 * Whether `at` is in a line an encoder of the base85 family wrote (Python's a85encode/b85encode wrapped at wrapcol, Adobe's
 * `<~ … ~>`, btoa, basenc --z85): the line, its CR and `<~` `~>` aside, is all of one alphabet, 40 characters or more and
 * random as the family's readers want a run to be — or a shorter last line (the run's rest) after such a line. ASCII85's
 * alphabet holds `"` `'` `\` `@`, so a text notation meets its needles there (a line ending in a backslash one line in
 * 85, `@@`, `\'e9`), and its copy breaks the run the readers of the text decode whole: a clean a85encode(adobe=True) of a
 * gzip was named, one draw in 20, as a damaged deflate stream at `(joined literals at 0)!(ascii85 at 2)`, `(RTF escapes
 * at 0)!…`, `(Texinfo escapes at 0)!…`. No line a person writes is 40 characters without a blank and random that way but
 * one quoted literal (a random password of 40 characters in a .po's `"…"` line passed for an encoder's one time in 56).
 */
export function base85Line(b: Uint8Array, at: number): boolean {
  const [start, end, whole] = lineAt(b, at);
  // One quoted literal on a line is a writer's piece (`"…"⏎"…"` of a .po file or C source), however random the value in it.
  const quote = b[start];
  if (whole && (quote === 0x22 || quote === 0x27) && b[end - 1] === quote && end - start > 1) return false;
  if (end - start >= MIN_LINE) return LINE_TABLES.some((t) => runLine(b, start, end, t));
  const raw = lineStart(b, at);
  if (!whole || raw < 2 || b[raw - 1] !== 0x0a) return false;
  const [before, beforeEnd] = lineAt(b, raw - 1);
  return LINE_TABLES.some((t) => allOf(b, start, end, t) && runLine(b, before, beforeEnd, t));
}

function family(name: string, alphabet: Int8Array, extra = ''): Family {
  const zeros = extra !== '';
  const alphabets = [name];
  // Asked once per alignment of the same run: judged once.
  let last = { head: '', random: false };
  const random = (head: string) => (last.head === head ? last.random : (last = { head, random: looksRandom(head) }).random);
  return {
    table: tableOf(alphabet, extra),
    minRun: 40,
    minShort: 15,
    unaligned: true,
    alphabets: () => alphabets,
    group: () => 5,
    decode: (text) => decode85(text, alphabet, zeros),
    decodeText: (bytes, start, end) => textOf(bytes, start, end, alphabet, zeros),
    accept: (head, _name, skip) => random(head) && !overflows(head, alphabet, skip),
  };
}

/** The base85 runs looked for in text, each with its own table (their alphabets differ). */
export const BASE85_FAMILIES: readonly Family[] = [family('base85', B85), family('z85', Z85), family('ascii85', A85, 'z')];
