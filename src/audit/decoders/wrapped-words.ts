/**
 * Wrapped text: a writer that wraps lines at a width cuts a word longer than the width where the
 * width falls — `fold -w`, Perl's Text::Wrap (`$huge = 'wrap'`), Python's textwrap (argparse's and
 * click's help, a default value shown in it), PHP's chunk_split — and goes on at the next line's
 * indentation, or after the comment leader every line of a comment block has (`# `, `// `, ` * `,
 * `> `). A value in such a text is no string of it: its pieces are cut by a line break and the
 * indentation. A place is evidence of a long word cut: a line break with 16 characters of a token's
 * kind before it and after it (after the indentation and a leader), none a blank, on a line that
 * holds more than one such run (text, an indentation or a leader before it) — or, for a narrow
 * column (`fold -w 12` of base64), a line of 8 to 16 such characters from its start after one of the
 * same width, the next line going on with them; the text around is
 * rewritten with every line break between two non-blanks taken out, with the next line's indentation
 * and a leader the line before began with — and routed (`(wrapped text at N)`, `text-rewrite.ts`).
 * Limit: a value alone on lines of 16 or more columns cut from the first column on, or one of base64's
 * characters only alone on indented lines up to a lesser indentation or a blank line, is no place —
 * such lines are an encoder's, read by the encoded runs; nor is a value cut once with fewer than 16
 * characters on one side of the cut (`Key: …⏎    VgK== (rotate it)`): a long token at a line's end
 * before a short word is every config file's `KEY=token⏎DEBUG=1`.
 */
import { BASE64_BYTE } from '../wrapped.js';
import { textAround, type Notation } from './text-rewrite.js';

/** Characters of a word cut on each side of a place. */
const PROBE = 16;
/** The narrowest column a word is cut into, every line from its start (`fold -w 8`). */
const NARROW = 8;
/** The longest comment leader taken out after a break (`;;;`, `// `). */
const LEADER = 3;

/** Characters a token holds (not a blank, quote, bracket, `;` or `,`: code and prose around a break hold those). */
const TOKEN = new Uint8Array(256);
for (let c = 0x21; c < 0x7f; c++) TOKEN[c] = 1;
for (const c of `"'\`()[]{}<>;,`) TOKEN[c.charCodeAt(0)] = 0;
for (let c = 0x80; c < 0x100; c++) TOKEN[c] = 1;

const isBlank = (c: number | undefined) => c === 0x20 || c === 9;
/** A byte of a comment leader: not a letter, digit, blank or line break. */
const isLeaderByte = (c: number | undefined) =>
  c !== undefined && c > 0x20 && c < 0x7f && !((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a));

/** The comment leader of the line from `at` (after its blanks) and the index after it and its blanks, or none. */
function leaderAt(b: Uint8Array, at: number): { leader: string; end: number } | undefined {
  let i = at;
  while (isBlank(b[i])) i++;
  let j = i;
  while (j < i + LEADER && isLeaderByte(b[j])) j++;
  if (j === i || !isBlank(b[j])) return undefined;
  const leader = Buffer.from(b.subarray(i, j)).toString('latin1');
  while (isBlank(b[j])) j++;
  return { leader, end: j };
}

/** Where the line holding `at` begins. */
function lineStart(b: Uint8Array, at: number): number {
  let i = at;
  while (i > 0 && b[i - 1] !== 0x0a) i--;
  return i;
}

/**
 * Where the text goes on after the line break at `nl` (its indentation, and the leader the line before began with,
 * taken out), or -1 when a blank or a line break comes first: no word goes on across it.
 */
function continuation(b: Uint8Array, nl: number): number {
  let j = nl + 1;
  const before = leaderAt(b, lineStart(b, nl));
  const after = before && leaderAt(b, j);
  if (after && after.leader === before.leader) j = after.end;
  else while (isBlank(b[j])) j++;
  const c = b[j];
  return c === undefined || isBlank(c) || c === 0x0a || c === 0x0d ? -1 : j;
}

/** The end of the line whose break is at `nl` (before a CR), or -1 when it ends in a blank. */
function lineEnd(b: Uint8Array, nl: number): number {
  const e = nl > 0 && b[nl - 1] === 0x0d ? nl - 1 : nl;
  return e > 0 && !isBlank(b[e - 1]) && b[e - 1] !== 0x0a ? e : -1;
}

/**
 * Whether `b` from `from` to `to` is all token characters, those above 0x7F UTF-8 (a sequence cut at either end
 * counts): random bytes pass one time in millions, not one in 25.
 */
function tokens(b: Uint8Array, from: number, to: number): boolean {
  if (from < 0 || to > b.length) return false;
  let follow = 0;
  for (let i = from; i < to; i++) {
    const c = b[i]!;
    if (!TOKEN[c]) return false;
    if (follow > 0) {
      if ((c & 0xc0) !== 0x80) return false;
      follow--;
    } else if (c >= 0x80) {
      follow = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
      // A continuation byte at the start is a character the probe cut; elsewhere, or any other byte, is no UTF-8.
      if (follow < 0 && !((c & 0xc0) === 0x80 && i < from + 3)) return false;
      if (follow < 0) follow = 0;
    }
  }
  return true;
}

/**
 * Whether the line ending at `e` (its break at `nl`) is a narrow column's: a word cut every `width` characters from the
 * line's start (`fold -w 12`, chunk_split), the line before of the same width, the next line going on with the word.
 */
function column(b: Uint8Array, e: number, nl: number): boolean {
  // Its start looked for no further back than PROBE: a wider line is none (the walk back to every line's start cost
  // 0.2 s of CPU per 256 MiB of source text).
  let start = e;
  while (start > 0 && b[start - 1] !== 0x0a && e - start < PROBE) start--;
  const width = e - start;
  if (width < NARROW || width >= PROBE || !tokens(b, start, e)) return false;
  const before = start - 1;
  if (before < 1 || b[before] !== 0x0a || start - 1 - width < 0 || lineStart(b, before) !== start - 1 - width) return false;
  if (!tokens(b, start - 1 - width, before)) return false;
  return tokens(b, nl + 1, nl + 1 + Math.min(NARROW, b.length - nl - 1)) && nl + 1 + NARROW <= b.length;
}

/**
 * Whether the line from `start` to `e` is an encoder's: printable ASCII but blanks from its first column (base64 to z85),
 * or base64's after its indentation — of one alphabet (standard `+/` or URL-safe `-_`, never both) with `=` only as the
 * padding at its end. A key of `+/=-_` cut by a wrapper (argparse's help breaks it at its hyphens) is no encoder's.
 */
function encoded(b: Buffer, start: number, e: number): boolean {
  let bare = true;
  for (let k = start; k < e && bare; k++) bare = b[k]! > 0x20 && b[k]! < 0x7f;
  if (bare) return true;
  let i = start;
  while (isBlank(b[i])) i++;
  let standard = false;
  let urlSafe = false;
  let padded = false;
  for (; i < e; i++) {
    const c = b[i]!;
    if (BASE64_BYTE[c] !== 1) return false;
    if (c === 0x3d) padded = true;
    else if (padded) return false;
    if (c === 0x2b || c === 0x2f) standard = true;
    else if (c === 0x2d || c === 0x5f) urlSafe = true;
  }
  return !(standard && urlSafe);
}

/** Lines after an indented base64 line looked at for the text a wrapper goes on with (`encoderLine`). */
const RUN = 16;

/**
 * The last run `encoderLine` looked through in one reading: its lines' starts from `from` to `to`, its verdict, and the
 * bytes the verdict was read from (`bytes`, from `from`). A line in it is answered from it only when the text there holds
 * those bytes still: a buffer written over (a pool's, used again) or another text's at the same offsets is read anew.
 */
interface Run {
  from: number;
  to: number;
  verdict: boolean;
  bytes: Buffer;
}

/**
 * Whether the line from `start` to `e` (its break at `nl`) is an encoder's: `encoded`, and when indented, the lines at
 * its indentation that follow it are base64 up to a lesser indentation, a blank line or RUN lines on — a wrapper that
 * cut a key of one base64 alphabet (textwrap breaks a URL-safe key or a JWT at its hyphens, Perl's Text::Wrap puts a
 * key on lines of its own) goes on at the same indentation with the text that followed the key; a YAML block of base64
 * ends at a lesser one.
 */
function encoderLine(b: Buffer, start: number, e: number, nl: number, run: Run): boolean {
  if (!encoded(b, start, e)) return false;
  if (!isBlank(b[start])) return true;
  // The lines of one run share its verdict: each line of a YAML block looked RUN lines on made a block's read 9 times slower.
  // Answered from the run only when the bytes from this line to the last one looked at are those it was read from.
  const held = run.from + run.bytes.length;
  if (start >= run.from && start < run.to && held <= b.length && b.compare(run.bytes, start - run.from, run.bytes.length, start, held) === 0)
    return run.verdict;
  let indent = 0;
  while (isBlank(b[start + indent])) indent++;
  let from = nl + 1;
  let verdict = true;
  // Where the bytes the verdict was read from end: the last line looked at, or the text's end.
  let read = Math.min(from, b.length);
  for (let k = 0; k < RUN && from < b.length; k++) {
    const next = b.indexOf(0x0a, from);
    read = next < 0 ? b.length : next + 1;
    if (next < 0) break;
    const to = b[next - 1] === 0x0d ? next - 1 : next;
    let i = 0;
    while (i < indent && b[from + i] === b[start + i]) i++;
    if (i < indent || isBlank(b[from + i]) || from + i >= to) break;
    if (!encoded(b, from, to)) {
      verdict = false;
      break;
    }
    from = next + 1;
  }
  Object.assign(run, { from: start, to: from, verdict, bytes: Buffer.from(b.subarray(start, read)) });
  return verdict;
}

/** Lines of a paragraph before a cut that must be no longer than its line (`widest`). */
const PARAGRAPH = 8;

/**
 * Whether the line from `start` to `e` (its break at `nl`) is as wide as a wrapper's width: a word is cut where the
 * width falls, so the cut line is the widest of its paragraph — no longer line among the PARAGRAPH before it (back
 * to a blank line) nor the one after it, as far as `b` holds them. Records one a line (go.sum, a lock file, a log)
 * whose lines end and begin with long tokens are of any length: a line is the widest of ten one time in ten.
 */
function widest(b: Uint8Array, start: number, e: number, nl: number): boolean {
  // textwrap breaks a word after a hyphen, short of its width: the line after is the wider.
  if (b[e - 1] === 0x2d) return true;
  return widestBy(b, start, e, nl, (from, to) => to - from) || widestBy(b, start, e, nl, (from, to) => characters(b, from, to));
}

/** The characters of `b` from `from` to `to` as UTF-8 counts them: its bytes but continuation bytes. */
function characters(b: Uint8Array, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if ((b[i]! & 0xc0) !== 0x80) n++;
  return n;
}

/**
 * `widest` with widths measured by `width`: in bytes (`fold` counts bytes, and cuts a character) or in characters
 * (Python's textwrap counts characters: a line of é € ß is wider in bytes than the cut line before it).
 */
function widestBy(b: Uint8Array, start: number, e: number, nl: number, width: (from: number, to: number) => number): boolean {
  const cut = width(start, e);
  let end = start - 1;
  for (let k = 0; k < PARAGRAPH && end > 0; k++) {
    const s = lineStart(b, end);
    const w = width(s, b[end - 1] === 0x0d ? end - 1 : end);
    if (w === 0) break;
    if (w > cut) return false;
    end = s - 1;
  }
  const next = b.indexOf(0x0a, nl + 1);
  if (next < 0) return true;
  return width(nl + 1, b[next - 1] === 0x0d ? next - 1 : next) <= cut;
}

/** Bytes two lines of a list of records begin alike with (`github.com/`, a date, a package name and its version). */
const RECORD = 6;

/**
 * Whether the line from `start` and the next, going on at `j`, begin alike (after their indentation): lines of a list
 * of records (go.sum, a lock file, a log) — a wrapper's next line goes on with the rest of a word, not a line's start.
 */
function records(b: Uint8Array, start: number, j: number): boolean {
  let i = start;
  while (isBlank(b[i])) i++;
  if (j + RECORD > b.length) return false;
  for (let k = 0; k < RECORD; k++) if (b[i + k] !== b[j + k]) return false;
  return true;
}

/**
 * Whether the line break at `nl` may be a place (`at`'s first tests, told before a place is listed): the line's last
 * NARROW bytes are a token's, and the first byte before them that is no token's, no further back than PROBE, is none (a
 * word cut, `at`'s `cut`: its last PROBE are tokens) or a line break (a narrow column's line, `column`: its start no
 * further back than PROBE, its width at least NARROW, all tokens). Every line of the bench's JavaScript ends in a token
 * (`enabled=true`): `at` refused each.
 */
function mayBreak(b: Buffer, nl: number): boolean {
  const e = lineEnd(b, nl);
  if (e < NARROW || !TOKEN[b[e - 1]!] || !tokens(b, e - NARROW, e)) return false;
  for (let i = e - NARROW - 1; i >= e - PROBE; i--) if (i < 0 || !TOKEN[b[i]!]) return i >= 0 && b[i] === 0x0a;
  return true;
}

/**
 * The notation, for one reading (`runs.ts` makes one for each text's RewrittenText): `encoderLine`'s last run is its own,
 * not shared by the texts read at once (a layer's file while a nested content streams).
 */
/** One list for every reading's notation: its searches (`text-rewrite.ts`) are then found by the list, not made a key again. */
const NEEDLES = [Buffer.from('\n')];

export function wrappedWords(): Notation {
  const run: Run = { from: 0, to: 0, verdict: true, bytes: Buffer.alloc(0) };
  return {
    label: 'wrapped text',
    needles: NEEDLES,
    may: mayBreak,
    at(b, nl) {
      const e = lineEnd(b, nl);
      // A line's last byte is no token's in most text (code ends in ; ) { , prose in a word after a blank): told at once.
      if (e < NARROW || !TOKEN[b[e - 1]!] || !tokens(b, e - NARROW, e)) return false;
      // A line ending in `\` is continued (TOML, shell, C, a YAML double-quoted string): the escape scan reads it, and a
      // copy joined here holds `\` before the next line's text, read as another escape — the copy's finding then stood
      // for the text's (mostPrecise keeps the deeper path when the two findings' escape families differ).
      const j = tokens(b, e - PROBE, e) && b[e - 1] !== 0x5c ? continuation(b, nl) : -1;
      // A line of printable ASCII but blanks from its first column, or of base64's after an indentation, is an encoder's
      // (base64, base32, z85 wrapped at 76; a YAML block of base64), read by the encoded runs. The line's start is
      // looked for only for a cut both sides of which are tokens (a walk back to every line's start: 0.2 s a 256 MiB).
      let cut = false;
      if (j >= 0 && tokens(b, j, j + PROBE)) {
        const start = lineStart(b, e);
        cut = !encoderLine(b, start, e, nl, run) && widest(b, start, e, nl) && !records(b, start, j);
      }
      return (cut || column(b, e, nl)) && textAround(b, nl, false);
    },
    rewrite(w) {
      const out = Buffer.allocUnsafe(w.length);
      let n = 0;
      let joined = false;
      let from = 0;
      for (let nl = w.indexOf(0x0a); nl >= 0; nl = w.indexOf(0x0a, nl + 1)) {
        const e = lineEnd(w, nl);
        const j = e < 0 ? -1 : continuation(w, nl);
        if (j < 0) continue;
        n += w.copy(out, n, from, e);
        from = j;
        joined = true;
      }
      if (!joined) return undefined;
      n += w.copy(out, n, from);
      return out.subarray(0, n);
    },
  };
}

/** One reading's notation, for the notation's own tests and a label. */
export const WRAPPED_WORDS: Notation = wrappedWords();
