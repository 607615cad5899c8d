/**
 * The base85 family, in runs without delimiters: RFC 1924's alphabet (Python's `b85encode`,
 * Mercurial, and the payload of git's binary patches), ZeroMQ's Z85 (`basenc --z85`), and plain
 * ASCII85 (Python's `a85encode`, btoa without its frame). Four bytes are five characters of 85.
 *
 * Nearly every printable character belongs to one of these alphabets, so words, paths, URLs and
 * minified code are runs too. A long run is routed only when it looks like encoded bytes: many
 * distinct characters, capitals, small letters, few of the letters words are made of and a character base64 does not have
 * (base64, hex and a lockfile's `sha512-…` integrity are left to `runs.ts`); a short one (15
 * characters, twelve bytes, on) only when it decodes to text. A run often follows a character of
 * its own alphabet (`KEY=…`, `token:…`), so every alignment of its groups is tried, and an
 * alignment whose groups overflow 32 bits (not an encoding of anything) is dropped.
 */
import type { Family } from './runs-scan.js';

export const B85_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-;<=>?@^_`{|}~';
export const Z85_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#';

/** The value of each character (-1: not one). */
function values(alphabet: string): Int8Array {
  const t = new Int8Array(256).fill(-1);
  for (let i = 0; i < alphabet.length; i++) t[alphabet.charCodeAt(i)] = i;
  return t;
}
export const B85 = values(B85_ALPHABET);
const Z85 = values(Z85_ALPHABET);
/** ASCII85: `!` (0) to `u` (84); `z` for four zero bytes is read by the decoder. */
export const A85_ALPHABET = Array.from({ length: 85 }, (_, i) => String.fromCharCode(33 + i)).join('');
export const A85 = values(A85_ALPHABET);

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
 * Whether `head` looks like encoded bytes rather than words or code. Of 40 random characters of 85 about 32 are distinct
 * (a word, an identifier, a path or a URL has far fewer), about 12 are capitals and 12 small letters, about 28 of 39
 * neighbours differ in class (capital, small, digit, other), where `FORBIDDEN_VARIABLE` or `markdownSummary` change class
 * once or twice, and about 5 are among the ten small letters words are mostly made of (`etaoinsrlc`: 20 and more of 40 in
 * `Image::ExifTool::Canon::Validate($dirData` or `parseRightSideOfDot(allowIdentifierNames`). And a character base64
 * lacks inside it (not the quote and comma that close a base64 value in JSON, `…==",`, which ASCII85's alphabet has).
 *
 * Each count is held to two bounds, both from its exact distribution for `n` characters drawn at random from the family's
 * alphabet (`wantsOf`): a floor that random characters fall below MISS of the time, and a strict bound they fall below
 * STRICT of the time. A head is random when no count is under its floor and at most one is under its strict bound: one
 * count that strays is chance, two are words. Random characters are given up when a count is under its floor (6 MISS),
 * when two are under their strict bounds (15 pairs, about STRICT² each, more where counts go together), or — the price of
 * leaving base64 to its own reader — when no character base64 lacks is in it ((66/85)^(n-5) for RFC 1924's alphabet:
 * 1.4e-4 of 40 characters, 3e-7 of 64). Measured on 10^6 random heads of RFC 1924's alphabet: 1.7e-4 of 40 characters
 * given up (1.4e-4 all base64's), 5.7e-5 of 48, 1.8e-5 of 64; the fixed bounds before (three capitals, two characters
 * base64 lacks, half the neighbours changing) gave up 3.4e-3, 9.8e-4 and 1.3e-4, and the value in the run was missed.
 * Of the 325,664 heads of 40 characters and more in 80 MiB of Python, JavaScript, JSON, Perl, source maps, go.sum and
 * md5sums, 14 passed the fixed bounds and 32 pass these: each run passed is decoded in its five alignments and audited,
 * about 1.5 ms (2,000 lines of `fp.read(centdir[_CD_EXTRA_FIELD_LENGTH])`, a head these pass: 1 s more).
 */
/** Which characters a head has: marked with the call's generation (no set made per run). */
const SEEN = new Uint32Array(256);
let generation = 0;

/** How often random characters may fall under a count's floor: one run of encoded bytes in a million, for each count. */
const MISS = 1e-6;
/** How often random characters may fall under a count's strict bound: two such counts, about one in a million. */
const STRICT = 1e-3;
/** The longest head judged (the scanner's and base85Line's 64). */
const LONGEST_HEAD = 64;

/** The small letters words are mostly made of: a head has few of them when random, most of its letters when words. */
const COMMON = new Uint8Array(256);
for (const c of 'etaoinsrlc') COMMON[c.charCodeAt(0)] = 1;

/**
 * The counts of a head, each low when it is words or code: distinct characters, changes of class, capitals, small
 * letters, characters base64 lacks, and characters that are not COMMON letters.
 */
const COUNTS = 6;

/** For each count, its floor and its strict bound for heads of n characters (index n). */
interface Wants {
  floor: Uint8Array[];
  strict: Uint8Array[];
}

/** The largest t with P(X < t) <= miss, for X distributed as `p` (p[k] = P(X = k)). */
function least(p: ArrayLike<number>, miss: number): number {
  let below = 0;
  let t = 0;
  while (t < p.length && below + p[t]! <= miss) below += p[t++]!;
  return t;
}

/** P(X = k) for X binomial (n, q). */
function binomial(n: number, q: number): Float64Array {
  const p = new Float64Array(n + 1);
  p[0] = 1;
  for (let i = 0; i < n; i++) for (let k = i + 1; k >= 0; k--) p[k] = p[k]! * (1 - q) + (k > 0 ? p[k - 1]! * q : 0);
  return p;
}

/** The distributions of a head's counts (in COUNTS' order) for n characters drawn at random from `alphabet`, n from 1 to LONGEST_HEAD. */
function* distributions(alphabet: string): Generator<[number, Float64Array[]]> {
  const size = alphabet.length;
  const share = [0, 0, 0, 0];
  let lacked = 0;
  let plain = 0;
  for (const c of alphabet) {
    share[CLASS[c.charCodeAt(0)]!]! += 1 / size;
    if (!BASE64[c.charCodeAt(0)]) lacked += 1 / size;
    if (!COMMON[c.charCodeAt(0)]) plain += 1 / size;
  }
  // Distinct characters: the occupancy of `size` cells by n draws.
  let distinct = new Float64Array([1]);
  // Changes of class between neighbours: by the last character's class and the count so far.
  let changes = share.map((s) => new Float64Array([s]));
  for (let n = 1; n <= LONGEST_HEAD; n++) {
    const d = new Float64Array(n + 1);
    for (let k = 0; k < distinct.length; k++) {
      d[k] = d[k]! + (distinct[k]! * k) / size;
      d[k + 1] = d[k + 1]! + (distinct[k]! * (size - k)) / size;
    }
    distinct = d;
    if (n > 1) {
      const next = share.map(() => new Float64Array(n));
      for (let from = 0; from < 4; from++)
        for (let k = 0; k < changes[from]!.length; k++) for (let to = 0; to < 4; to++) next[to]![k + (to === from ? 0 : 1)]! += changes[from]![k]! * share[to]!;
      changes = next;
    }
    const all = new Float64Array(n);
    for (const c of changes) for (let k = 0; k < c.length; k++) all[k]! += c[k]!;
    // Characters base64 lacks are counted from the second to the fifth from the end (`…==",` aside).
    yield [n, [distinct, all, binomial(n, share[0]!), binomial(n, share[1]!), binomial(Math.max(n - 5, 0), lacked), binomial(n, plain)]];
  }
}

/** What `looksRandom` asks of heads of each length, for characters drawn from `alphabet`. */
function wantsOf(alphabet: string): Wants {
  const wants: Wants = { floor: [], strict: [] };
  for (let k = 0; k < COUNTS; k++) {
    wants.floor.push(new Uint8Array(LONGEST_HEAD + 1));
    wants.strict.push(new Uint8Array(LONGEST_HEAD + 1));
  }
  for (const [n, counts] of distributions(alphabet))
    counts.forEach((p, k) => {
      wants.floor[k]![n] = least(p, MISS);
      wants.strict[k]![n] = least(p, STRICT);
    });
  // At least one character base64 lacks, however short the head: a run of base64's characters alone is base64's.
  wants.floor[4] = wants.floor[4]!.map((t) => Math.max(t, 1));
  return wants;
}

/** A head's counts (COUNTS' order), filled by `looksRandom`. */
const counts = new Uint8Array(COUNTS);

/** Characters of a label before a value (`KEY=`, `token:`, `h1:`): letters, digits, `_` and `-`. */
const LABEL = new Uint8Array(256);
for (let c = 0; c < 256; c++) LABEL[c] = CLASS[c]! < 3 || c === 0x5f || c === 0x2d ? 1 : 0;
/** The longest label passed over, and the fewest characters judged after one. */
const LONGEST_LABEL = 24;
const AFTER_LABEL = 30;

/**
 * Where a head's value begins: after a label of its alphabet's characters (`api_key=`, `token:`, go.sum's `h1:`) —
 * a word, and one character base64 lacks before a base64 value — when AFTER_LABEL characters are left; else at 0.
 */
function valueStart(head: string, n: number): number {
  for (let i = 0; i <= LONGEST_LABEL && n - i - 1 >= AFTER_LABEL; i++) {
    const c = head.charCodeAt(i) & 0xff;
    if (LABEL[c]) continue;
    // Not a path's or a URL's (`Image::ExifTool`, `https://`): a separator doubled, or a slash after it.
    const next = head.charCodeAt(i + 1);
    return i > 0 && (c === 0x3d || c === 0x3a) && next !== c && next !== 0x2f ? i + 1 : 0;
  }
  return 0;
}

/**
 * Characters text puts between values: quotes, a comma, parentheses, `;`, `:` (a SQL dump's `','` and `',1700000288),('`,
 * JSON's `","`), and a backslash before an escape's letter (JSON's `\n` between the lines of a PGP signature or a PEM key
 * kept in a string). All but `\n`'s backslash are characters base64 lacks and ASCII85 has.
 */
const SEPARATOR = new Uint8Array(256);
for (const c of `'"(),;:`) SEPARATOR[c.charCodeAt(0)] = 1;
const ESCAPED = new Uint8Array(256);
for (const c of 'nrtbf/"\\') ESCAPED[c.charCodeAt(0)] = 1;
/** The most clusters of separators a head of base64 values joined by text's separators holds (`','` is one). */
const JOINS = 3;

/**
 * Where, in `head` from `from`, base64 values joined by text's separators (SEPARATOR; a backslash escape; digits between
 * separators, a SQL row's numbers) begin again, when every character base64 lacks is one of those, in at most JOINS
 * clusters: after its first cluster (after its last separator when the head ends in it; 0 when it has none) — else -1.
 * Base64's reader reads each value (`runs.ts`); read as ASCII85 (whose alphabet holds the separators), a SQL dump's rows
 * of base64 columns or a JSON string's `\n`-joined lines of a PGP signature were runs of random characters, each decoded
 * in its five alignments: 1,500 (a GitHub API dump of signed commits) to 3,300 contents a MiB, past the per-file time
 * bound at 32 MiB. The run is judged again from there (`Family.resume`): a value of ASCII85 after a base64 column is read
 * from its start. Random characters of ASCII85 are such a head when they hold none of the 15 other characters base64
 * lacks and few separators: measured on 2,000,000 random heads, 1.0e-4 of 40 characters, 6.5e-6 of 50, none of 64.
 */
export function joinedAt(head: string, from = 0): number {
  let clusters = 0;
  let first = 0;
  let after = 0;
  let inCluster = false;
  for (let i = from; i < head.length; i++) {
    const c = head.charCodeAt(i) & 0xff;
    if (BASE64[c]) {
      // Digits between separators are theirs (a SQL row's `',1700000288),('`): the next value begins after them.
      if (inCluster && c >= 0x30 && c <= 0x39) continue;
      if (inCluster && clusters === 1) first = i;
      inCluster = false;
      continue;
    }
    const escape = c === 0x5c && ESCAPED[head.charCodeAt(i + 1) & 0xff] === 1;
    if (!SEPARATOR[c] && !escape) return -1;
    if (!inCluster && ++clusters > JOINS) return -1;
    inCluster = true;
    if (escape) i++;
    after = i + 1;
  }
  // The head ends inside its first cluster: judged again after its last separator.
  return first || after;
}

export function looksRandom(text: string, wants: Wants): boolean {
  const head = text.length > LONGEST_HEAD ? text.slice(0, LONGEST_HEAD) : text;
  const from = valueStart(head, head.length);
  const n = head.length - from;
  // A head's neighbours that may keep their class: more, and its changes are under their floor.
  const same = n - 1 - wants.floor[1]![n]!;
  let upper = 0;
  let lower = 0;
  let other = 0;
  let changes = 0;
  let distinct = 0;
  let plain = 0;
  generation++;
  for (let i = 0; i < n; i++) {
    const c = head.charCodeAt(from + i) & 0xff;
    if (SEEN[c] !== generation) {
      SEEN[c] = generation;
      distinct++;
    }
    const k = CLASS[c]!;
    if (k === 0) upper++;
    else if (k === 1) lower++;
    if (i > 0 && k !== CLASS[head.charCodeAt(from + i - 1) & 0xff]) changes++;
    // Words and identifiers give up here, a few characters in: too few changes of class left.
    else if (i - changes > same) return false;
    if (!BASE64[c] && i > 0 && i < n - 4) other++;
    if (!COMMON[c]) plain++;
  }
  counts[0] = distinct;
  counts[1] = changes;
  counts[2] = upper;
  counts[3] = lower;
  counts[4] = other;
  counts[5] = plain;
  let strays = 0;
  for (let k = 0; k < COUNTS; k++) {
    if (counts[k]! < wants.floor[k]![n]!) return false;
    if (counts[k]! < wants.strict[k]![n]!) strays++;
  }
  return strays <= 1 && joinedAt(head, from) < 0;
}

/** What each family asks of a head (ASCII85 has 21 small letters, RFC 1924's and Z85's 26). */
export const WANTS = { base85: wantsOf(B85_ALPHABET), z85: wantsOf(Z85_ALPHABET), ascii85: wantsOf(A85_ALPHABET) };

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
const LINE_TABLES = [
  [tableOf(B85), WANTS.base85],
  [tableOf(Z85), WANTS.z85],
  [tableOf(A85, 'z'), WANTS.ascii85],
] as const;
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
const runLine = (b: Uint8Array, start: number, end: number, [table, wants]: (typeof LINE_TABLES)[number]) =>
  end - start >= MIN_LINE &&
  allOf(b, start, end, table) &&
  looksRandom(Buffer.from(b.buffer, b.byteOffset, b.length).toString('latin1', start, start + LONGEST_HEAD), wants);

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
  return LINE_TABLES.some((t) => allOf(b, start, end, t[0]) && runLine(b, before, beforeEnd, t));
}

function family(name: string, alphabet: Int8Array, wants: Wants, extra = ''): Family {
  const zeros = extra !== '';
  const alphabets = [name];
  // Asked once per alignment of the same run: judged once.
  let last = { head: '', random: false };
  const random = (head: string) => (last.head === head ? last.random : (last = { head, random: looksRandom(head, wants) }).random);
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
    resume: (head) => Math.max(0, joinedAt(head)),
  };
}

/** The base85 runs looked for in text, each with its own table (their alphabets differ). */
export const BASE85_FAMILIES: readonly Family[] = [
  family('base85', B85, WANTS.base85),
  family('z85', Z85, WANTS.z85),
  family('ascii85', A85, WANTS.ascii85, 'z'),
];
