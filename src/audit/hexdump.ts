/**
 * Hex dumps read back into the bytes they show: `xxd` (offset, colon, 2-byte groups, text column),
 * `hexdump -C` / `od -A x -t x1z` (offset, bytes, `|text|`), `od -t x1` (offset or none, bytes) and
 * the word forms of `od -x` and plain `hexdump` (little-endian 2-byte words, which are swapped
 * back) and of `od -t x4` and `-t x8` (4- and 8-byte words, reversed back). A dump spreads a secret over lines, offsets and separators, so no pattern finds it in the
 * text; decoded, it is content like any other. The format is told by the first line, then each
 * line is read by it (a `*` repeat marker or the closing offset line holds no bytes). Streaming.
 * A `curl --trace-ascii` file is read the same way (`curl`): each block's lines are its bytes as
 * text, 64 a line after an offset, a line break (CRLF) shown as a new line — the offsets tell a
 * line cut at 64 (the next offset follows on: joined) from one that ended (the next is further on).
 * Character dumps, `od -c` and `hexdump -c` (`chars`): an offset, then a cell a byte, right-aligned
 * in 4 columns — the character, a C escape (`\n`, `\0`), three octal digits, four blanks for a space,
 * a multibyte character in its first byte's cell and `**` in the cells of the rest.
 * Byte columns in other radixes and orders: `xxd -b` (`bits`: 8 binary digits a byte), `xxd -e`
 * (`xxdLE`: little-endian 4-byte groups, told from `xxd -g4` by the text column, which shows the
 * bytes in order), `od -b` (`octal`: three octal digits a byte), `od -tu1` / `od -td1` (`decimal`,
 * right-aligned); `od -tx1` with another type (`-tx1 -tc`) pads its bytes to 4 columns and prints a
 * line of the other type under each, which shows no bytes here; `curl --trace` shows a block's data
 * as 16 hex bytes a line before its text column.
 * Words in octal and decimal (`octalWords`, `decimalWords`): od's own default (`od FILE` is `od -o`: 2-byte words as
 * six octal digits), `od -d`/`-s`/`-t u2`/`-t d2`, `-t o4`/`-t d4`/`-t u4`/`-D`/`-i`, `-t o8`/`-t d8`/`-l`, and
 * hexdump's `-o`/`-d`/`-x` (a word right-aligned in 8 columns); little-endian as od prints them on this machine, a
 * negative word two's complement. Each line's fields are one width, so a decimal word's size is told by it (a 2-byte
 * word in at most 8 columns, a 4-byte one in at most 12, an 8-byte one in more), an octal one by its digits (6, 11, 22).
 */
export type DumpFormat = 'xxd' | 'xxdLE' | 'bits' | 'canonical' | 'bytes' | 'octal' | 'decimal' | 'words' | 'octalWords' | 'decimalWords' | 'curl' | 'chars';

/** The formats whose tokens are little-endian words, the last one padded with NULs the closing offset trims. */
const isWords = (f: DumpFormat) => f === 'words' || f === 'octalWords' || f === 'decimalWords';

const XXD = /^[0-9a-f]{4,16}: [0-9a-f]{2}/;
const CANONICAL = /^[0-9a-f]{6,16} {2}(?:[0-9a-f]{2} {1,2}){2,}.*\|/;
const BYTES = /^(?:[0-7]{7,}|[0-9a-f]{6,}|) [0-9a-f]{2}(?: [0-9a-f]{2}){3,}(?:\s+>.*<)?\s*$/;
/** od -tx1 beside another type (-tx1 -tc): each byte in 4 columns, as od -tu1 writes a decimal below 100. */
const BYTES_WIDE = /^(?:[0-7]{7,}|[0-9a-f]{6,}|)(?: {2}[0-9a-f]{2}){4,16}\s*$/;
/** A line of od -c cells under a line of bytes (its offset blank). */
const CHAR_LINE = /^(?: {7}| {6}|)(?: {3}[^ ]| {2}(?:\\[0abfnrtv]|\*\*)| [0-7]{3}| {4}| {1,3}[\x80-\xff]{2,4}){1,16}$/;
/** xxd -b's first line: two or more bytes of 8 bits, or one and its character (`xxd -b -c1`; `xxd -g4`'s 4 bytes have 4). */
const BITS = /^[0-9a-f]{4,16}: [01]{8}(?:(?: [01]{8})+(?: {2}|$)| {2}.$)/;
const OCTAL = /^(?:[0-7]{7,}|[0-9a-f]{6,}|) [0-7]{3}(?: [0-7]{3}){3,}\s*$/;
const DECIMAL = /^(?:[0-7]{7,}|[0-9a-f]{6,}|)(?: {1,4}-?\d{1,3}){4,}\s*$/;
/** xxd -e's first line: groups of one width — 4 bytes, or 2 or 8 (`-g2`, `-g8`) —, two blanks, the text column. */
const XXD_GROUPS = /^[0-9a-f]{4,16}: ((?:[0-9a-f]{4}(?: [0-9a-f]{4})*)|(?:[0-9a-f]{8}(?: [0-9a-f]{8})*)|(?:[0-9a-f]{16}(?: [0-9a-f]{16})*)) {2}(.*)$/;
/** od's little-endian words (`od -x`, `-t x2`, `-t x4`, `-t x8`; `-A x`'s 6-digit offset or the 7-digit default): one width a line. */
const WORDS = /^[0-9a-f]{6,} +(?:[0-9a-f]{4}(?: +[0-9a-f]{4}){3,}|[0-9a-f]{8}(?: +[0-9a-f]{8}){1,3}|[0-9a-f]{16} +[0-9a-f]{16})\s*$/;
/** A line of numeric words: an offset (od's octal, decimal or hex, hexdump's hex), then fields of blanks and digits. */
const NUM_WORDS = /^([0-9a-f]{6,})((?: +-?\d+)+) *$/;
/** The digits of an octal word of 2, 4 and 8 bytes, zero-padded: 177777, 37777777777, 1777777777777777777777 at most. */
const OCTAL_WORD = /^(?:[01][0-7]{5}|[0-3][0-7]{10}|[01][0-7]{21})$/;
const WORD_MAX: Readonly<Record<number, bigint>> = { 2: 0xffffn, 4: 0xffffffffn, 8: 0xffffffffffffffffn };
/**
 * One cell of od -c (and of od -t a, whose control characters are named: `nl`, `sp`, `del`): 4 columns, the character
 * right-aligned, a C escape, three octal digits, four blanks for a space, a multibyte character's first byte or `**`.
 */
const CELL =
  ' {3}[^ ]| {2}(?:\\\\[0abfnrtv]|\\*\\*)| [0-7]{3}| {4}| {1,3}[\\x80-\\xff]{2,4}| {2}(?:bs|ht|nl|vt|ff|cr|so|si|em|fs|gs|rs|us|sp)| (?:nul|soh|stx|etx|eot|enq|ack|bel|dle|dc[1-4]|nak|syn|etb|can|sub|esc|del)';
/** od -c's first line: a 7-digit offset (6 with -A x), then cells of 4 columns (at least 4 of them, one a single character). */
const CHARS = new RegExp(`^[0-9a-f]{6,7}(?= {3}\\S| {4})(?:${CELL}){4,16}$`);
/**
 * The same cells without an offset (`od -A n -c`, `od -A n -t a`): a whole line of 16, so that any other text indented
 * by blanks is none.
 */
const BARE_CHARS = new RegExp(`^(?:${CELL}){16}$`);
/** od -t a's names of the control characters (its `sp` a blank, `del` 0x7f); its other cells are the byte's low 7 bits as a character. */
const NAMES: Readonly<Record<string, number>> = Object.fromEntries(
  'nul soh stx etx eot enq ack bel bs ht nl vt ff cr so si dle dc1 dc2 dc3 dc4 nak syn etb can em sub esc fs gs rs us'
    .split(' ')
    .map((n, i) => [n, i] as const)
    .concat([
      ['sp', 0x20],
      ['del', 0x7f],
    ]),
);
/** od -A n's hex words: a full line of 16 bytes in 2-, 4- or 8-byte words, each after one blank (`od -A n -x`, `-t x4`, `-t x8`). */
const BARE_WORDS = /^(?:(?: [0-9a-f]{4}){8}|(?: [0-9a-f]{8}){4}|(?: [0-9a-f]{16}){2})$/;
const ESCAPES: Readonly<Record<string, number>> = { '\\0': 0, '\\a': 7, '\\b': 8, '\\t': 9, '\\n': 10, '\\v': 11, '\\f': 12, '\\r': 13 };
/** The first line of a curl trace: `== Info: …` or a block's header, `=> Send header, 306 bytes (0x132)`. */
const CURL = /^(?:== Info: |(?:=>|<=) (?:Send|Recv) (?:header|data|SSL data), \d+ bytes)/;
/** A data line of `curl --trace-ascii`: the block's offset of its first byte, then its bytes as text. */
const CURL_LINE = /^([0-9a-f]{4,}): ?(.*)$/;
/** A data line of `curl --trace`: 16 cells of a hex byte and a blank (three blanks past the block's end), then the text column. */
const CURL_HEX = /^((?:[0-9a-f]{2} ){1,16})(?: {3}){0,15}(?<=^.{48})/;

/** The dump format of a text's first line, if it is one. */
export function sniffDump(head: Uint8Array): DumpFormat | undefined {
  const text = Buffer.from(head.subarray(0, 512)).toString('latin1');
  const nl = text.indexOf('\n');
  if (nl < 0 && head.length >= 512) return undefined; // no line in the first 512 bytes: not a dump
  // The dump's first line, or one of the next few: a line before it (the command echoed, `== env.txt`, a log's first
  // line cut in half by a size cap) left the whole dump unread. Whole lines only past the first (a cut one may pass for
  // a shorter dump's line).
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const whole = nl < 0 ? 1 : Math.min(SNIFF_LINES, lines.length - 1); // the piece after the last line break: cut, or empty
  let open = 0;
  for (let k = 0; k < whole; k++) {
    // Not inside a bracket the lines before opened: numpy's print of a uint8 array wraps `[ 72 120 195 …` onto lines of
    // bare decimal, which od -An -tu1's are (the list was claimed as a dump from its second line, its first lost).
    const format = open > 0 ? undefined : sniffLine(lines[k]!, lines[k + 1] ?? '');
    if (format) return format;
    for (const c of lines[k]!) open += c === '[' ? 1 : c === ']' ? -1 : 0;
  }
  return undefined;
}

/** How many lines at a content's start may come before its dump's first line. */
const SNIFF_LINES = 4;

/** The format a dump's first line tells (`second`: the line after it, for od's byte lines). */
function sniffLine(first: string, second: string): DumpFormat | undefined {
  if (CURL.test(first)) return 'curl';
  if (BITS.test(first)) return 'bits';
  if (XXD.test(first)) return littleEndian(first) ? 'xxdLE' : 'xxd';
  if (CANONICAL.test(first)) return 'canonical';
  const numeric = numericWords(first);
  if (numeric) return numeric;
  if (WORDS.test(first)) return 'words';
  if (BYTES.test(first)) return 'bytes';
  if (BYTES_WIDE.test(first)) return CHAR_LINE.test(second) || /[a-f]/.test(first.replace(/^\S+/, '')) || !DECIMAL.test(first) ? 'bytes' : 'decimal';
  if (OCTAL.test(first)) return 'octal';
  if (DECIMAL.test(first)) return 'decimal';
  if (CHARS.test(first)) return 'chars';
  return bareFormat(first);
}

/**
 * The format of an od line without its offset (`od -A n`): words in hex, octal or decimal, or character cells (`-c`,
 * `-t a`). Nothing tells such a line from a table but its shape, so it must be od's whole first line: 16 bytes (8
 * two-byte words, 4 of four, 2 of eight; 16 cells), every field right-aligned in one width.
 */
function bareFormat(first: string): DumpFormat | undefined {
  if (first[0] !== ' ') return undefined;
  if (BARE_WORDS.test(first) && /[a-f]/.test(first)) return 'words'; // a text's 16 bytes show a hex letter; a row of years none
  if (BARE_CHARS.test(first)) return 'chars';
  const f = wordFields(first);
  const format = f && wordsFormat(f);
  const size = format === 'octalWords' ? OCTAL_SIZE[f!.tokens[0]!.length] : decimalSize(f?.width ?? 0);
  return format && size! * f!.tokens.length === 16 ? format : undefined;
}

/**
 * The fields of a numeric words line after its offset, each right-aligned in one width (the width and the tokens), or
 * undefined: a line of numbers whose columns do not line up is a table, not a dump.
 */
function wordFields(rest: string): { width: number; tokens: string[] } | undefined {
  const tokens = rest.trim().split(/ +/);
  const body = rest.replace(/ +$/, '');
  const width = body.length / tokens.length;
  if (!Number.isInteger(width) || width > 24) return undefined;
  for (let i = 0; i < tokens.length; i++) {
    const field = body.slice(i * width, (i + 1) * width);
    if (field[0] !== ' ' || field.trimStart() !== tokens[i]) return undefined;
  }
  return { width, tokens };
}

/** A decimal word's size in bytes by its field's width (od -d 6, -t d2 7, hexdump -d 8; -t u4 11, d4 12; -t d8 21). */
const decimalSize = (width: number) => (width <= 8 ? 2 : width <= 12 ? 4 : 8);
/** The widths od and hexdump give decimal words (od -x's 5, hexdump -x's 8 of 4 hex digits and od -t x4's 9 are hex). */
const DECIMAL_WIDTHS = new Set([6, 7, 8, 11, 12, 21]);

/** Whether every token of a line is a word of `format` (of its size, in range); at least two on the first line. */
function numericWords(first: string): DumpFormat | undefined {
  const m = NUM_WORDS.exec(first);
  // The first line's offset is 0 (od -j and hexdump -s, which start further in, are left out): a table whose first
  // column is a number is none.
  const f = m && /^0{6,8}$/.test(m[1]!) ? wordFields(m[2]!) : undefined;
  return f && wordsFormat(f);
}

/** The size in bytes of an octal word by its digits. */
const OCTAL_SIZE: Readonly<Record<number, number>> = { 6: 2, 11: 4, 22: 8 };

/** The words format of a line's fields (octal or decimal, each token a word of the size its width tells), or undefined. */
function wordsFormat(f: { width: number; tokens: string[] }): DumpFormat | undefined {
  if (f.tokens.length < 2) return undefined;
  if (f.tokens.every((t) => OCTAL_WORD.test(t)) && new Set(f.tokens.map((t) => t.length)).size === 1 && f.width <= f.tokens[0]!.length + 2) return 'octalWords';
  if (!DECIMAL_WIDTHS.has(f.width) || (f.width === 8 && !f.tokens.every((t) => /^\d{5}$/.test(t)))) return undefined;
  const size = decimalSize(f.width);
  const ok = f.tokens.every((t) => {
    if (!/^-?\d{1,20}$/.test(t)) return false; // `   VERSION:    release` lines up too: BigInt would throw
    const n = BigInt(t);
    return n <= WORD_MAX[size]! && -n <= (WORD_MAX[size]! + 1n) / 2n;
  });
  return ok && f.tokens.some((t) => t.replace('-', '').length > 3) ? 'decimalWords' : undefined;
}

/** A numeric word's bytes, little-endian (a negative one two's complement), or undefined if it is no word of that size. */
function wordBytes(t: string, radix: 8 | 10, size: number): Buffer | undefined {
  if (radix === 8 ? !/^[0-7]+$/.test(t) : !/^-?\d{1,20}$/.test(t)) return undefined;
  let n = radix === 8 ? BigInt(`0o${t}`) : BigInt(t);
  const max = WORD_MAX[size]!;
  if (n < 0n) n += max + 1n;
  if (n < 0n || n > max) return undefined;
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++, n >>= 8n) b[i] = Number(n & 0xffn);
  return b;
}

/** The bytes of a numeric words line (after its offset), empty for a line that shows none. */
function numericWordsLine(line: string, format: 'octalWords' | 'decimalWords'): Buffer {
  const m = NUM_WORDS.exec(line);
  const f = m ? wordFields(m[2]!) : line[0] === ' ' ? wordFields(line) : undefined; // od -A n: no offset
  if (!f) return Buffer.alloc(0);
  const bytes: Buffer[] = [];
  for (const t of f.tokens) {
    const size = format === 'octalWords' ? OCTAL_SIZE[t.length] : decimalSize(f.width);
    const b = size ? wordBytes(t, format === 'octalWords' ? 8 : 10, size) : undefined;
    if (!b) break;
    bytes.push(b);
  }
  return Buffer.concat(bytes);
}

const hexToken = /^[0-9a-f]+$/;

/** The text column's view of `bytes`: printable ASCII as it is, anything else `.`. */
const shown = (bytes: Buffer) => [...bytes].map((c) => (c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '.')).join('');

/** Whether an xxd line's groups show their bytes reversed (`xxd -e`): the text column has them the other way round. */
function littleEndian(first: string): boolean {
  const m = XXD_GROUPS.exec(first);
  if (!m) return false;
  const groups = m[1]!.split(' ').map((g) => Buffer.from(g, 'hex'));
  const text = m[2]!.slice(
    0,
    groups.reduce((n, g) => n + g.length, 0),
  );
  return shown(Buffer.concat(groups.map((g) => Buffer.from(g).reverse()))) === text && shown(Buffer.concat(groups)) !== text;
}

/**
 * An xxd -e line's bytes: its groups, a last partial one right-aligned (`5c228098     0a78`), so blanks part them
 * unevenly; as many as the text column shows (the line ends with them as text), which a token of the text is not.
 */
function littleEndianLine(rest: string): Buffer {
  const parts: Buffer[] = [];
  let bytes = Buffer.alloc(0);
  for (const t of rest.trimStart().split(/ +/)) {
    const b = t.length <= 16 ? tokenBytes(t, 'xxdLE') : undefined;
    if (!b) break;
    parts.push(b);
    const all = Buffer.concat(parts);
    if (rest.endsWith(`  ${shown(all)}`)) bytes = all;
  }
  return bytes;
}

/** The byte a token of a dump line shows in `format`'s radix, or undefined where the line's bytes end. */
function tokenBytes(t: string, format: DumpFormat): Buffer | undefined {
  if (format === 'bits') return /^[01]{8}$/.test(t) ? Buffer.of(parseInt(t, 2)) : undefined;
  if (format === 'octal') return /^[0-3][0-7]{2}$/.test(t) ? Buffer.of(parseInt(t, 8)) : undefined;
  if (format === 'decimal') {
    const n = /^-?\d{1,3}$/.test(t) ? Number(t) : NaN;
    return n >= -128 && n <= 255 ? Buffer.of(n & 0xff) : undefined;
  }
  if (!t || t.length % 2 || !hexToken.test(t)) return undefined;
  const b = Buffer.from(t, 'hex');
  return format === 'words' || format === 'xxdLE' ? b.reverse() : b;
}

/** The bytes of one od -c line after its offset: cells read by their blanks (a multibyte character's cell is wider in bytes). */
function charCells(body: string): Buffer {
  const out: number[] = [];
  for (let p = 0; p < body.length;) {
    let s = 0;
    while (s < 4 && body[p + s] === ' ') s++;
    if (s === 4) {
      out.push(0x20);
      p += 4;
      continue;
    }
    const end = body.indexOf(' ', p + s);
    const cell = body.slice(p + s, end < 0 ? body.length : end);
    p += s + cell.length;
    if (cell === '**') continue;
    const escape = ESCAPES[cell];
    const name = NAMES[cell];
    if (escape !== undefined) out.push(escape);
    else if (name !== undefined) out.push(name);
    else if (/^[0-7]{3}$/.test(cell)) out.push(parseInt(cell, 8) & 0xff);
    else out.push(...Buffer.from(cell, 'latin1'));
  }
  return Buffer.from(out);
}

/** The bytes one line of a dump shows; empty for lines that show none. */
export function dumpLine(line: string, format: DumpFormat): Buffer {
  if (format === 'chars') {
    const offset = /^[0-9a-f]{6,7}(?= )/.exec(line)?.[0];
    return offset ? charCells(line.slice(offset.length)) : line[0] === ' ' ? charCells(line) : Buffer.alloc(0); // od -A n: no offset
  }
  if (format === 'octalWords' || format === 'decimalWords') return numericWordsLine(line, format);
  let tokens: string[];
  if (format === 'xxd' || format === 'xxdLE' || format === 'bits') {
    const colon = line.indexOf(': ');
    if (colon < 0) return Buffer.alloc(0);
    const rest = line.slice(colon + 2);
    const text = rest.indexOf('  '); // two spaces part the hex from the text column
    if (format === 'xxdLE') return littleEndianLine(rest);
    tokens = (text < 0 ? rest : rest.slice(0, text)).split(' ');
  } else if (format === 'canonical') {
    const bar = line.indexOf('|');
    tokens = (bar < 0 ? line : line.slice(0, bar)).trim().split(/\s+/).slice(1);
  } else {
    tokens = line.trim().split(/\s+/);
    if (tokens.length && line[0] !== ' ' && (format === 'words' || tokens[0]!.length >= 6)) tokens = tokens.slice(1); // the offset (none after od -A n)
  }
  const bytes: Buffer[] = [];
  for (const t of tokens) {
    const b = tokenBytes(t, format);
    if (!b) break;
    bytes.push(b);
  }
  return Buffer.concat(bytes);
}

/** The offset a line starts with, as printed (no radix known yet); undefined for `*` and od -An lines. */
function lineOffset(line: string, format: DumpFormat): string | undefined {
  const m = format === 'xxd' || format === 'xxdLE' || format === 'bits' ? /^([0-9a-f]+):/.exec(line) : /^([0-9a-f]{6,})(?:\s|$)/.exec(line);
  return m?.[1];
}

/**
 * The most bytes one `*` line stands for that are given back, and the most all of a dump's `*`
 * lines give back: a `*` repeats the line before it, so a few copies show all a value could span
 * (more copies hold nothing new), and a crafted dump of `*` lines with far-apart offsets is not a bomb.
 */
const MAX_REPEAT = 4096;
const MAX_REPEATED = 1 << 20;

/**
 * Decodes a dump as it streams, line by line, into `out`. A `*` line (od, hexdump and xxd -a
 * print it for lines repeating the one before) is given back as those lines, up to the next
 * offset; the offsets' radix (od: octal, the others: hex) is told by the first line's length and
 * the second line's offset. For od's words, the closing offset trims the last word's padding.
 */
export class DumpDecoder {
  #partial = '';
  #sent = 0;
  #first: { offset: string; length: number } | undefined;
  #radix: number | undefined;
  #last: Buffer | undefined;
  #repeat = false;
  /** Words: the last line's bytes, held until the next line says whether the dump ended inside a word. */
  #held: Buffer | undefined;
  /** Bytes given back for `*` lines so far. */
  #repeated = 0;
  /** curl: the offset a line continuing the one before would have; undefined outside a block's data. */
  #curlNext: number | undefined;

  constructor(
    readonly format: DumpFormat,
    readonly out: (bytes: Buffer) => void,
  ) {}

  push(bytes: Uint8Array, final: boolean): void {
    const text = this.#partial + Buffer.from(bytes).toString('latin1');
    const lines = text.split('\n');
    this.#partial = final ? '' : lines.pop()!;
    if (this.#partial.length > 4096) this.#partial = ''; // no dump has such lines: not one after all
    for (const line of lines) this.#line(line.replace(/\r$/, ''));
    if (final) this.#release(undefined);
  }

  #line(line: string): void {
    if (this.format === 'curl') return this.#curlLine(line);
    if (line.trim() === '*') return void (this.#repeat = true);
    const bytes = dumpLine(line, this.format);
    const printed = lineOffset(line, this.format);
    if (printed !== undefined) this.#at(printed);
    if (!bytes.length) {
      if (printed !== undefined && isWords(this.format)) this.#release(this.#value(printed)); // the closing offset: the dump's length
      return;
    }
    if (!this.#first && printed !== undefined) this.#first = { offset: printed, length: bytes.length };
    this.#emit(bytes);
  }

  /** curl --trace-ascii: a line that follows on from the one before is joined to it; one after a skipped line break, or a new block, begins a line. */
  #curlLine(line: string): void {
    const m = CURL_LINE.exec(line);
    const next = this.#curlNext;
    if (!m) {
      if (next !== undefined) this.out(Buffer.from('\n'));
      this.#curlNext = undefined;
      return;
    }
    const offset = parseInt(m[1]!, 16);
    const hex = CURL_HEX.exec(m[2]!);
    const text = hex ? Buffer.from(hex[1]!.replace(/ /g, ''), 'hex') : Buffer.from(m[2]!, 'latin1');
    if (next !== undefined && offset !== next) this.out(Buffer.from('\n'));
    if (text.length) this.out(text);
    this.#curlNext = offset + text.length;
  }

  /** A line's offset: learns the radix, and gives back what a pending `*` stood for. */
  #at(printed: string): void {
    if (this.#radix === undefined && this.#first && printed !== this.#first.offset) {
      const step = (radix: number) => parseInt(printed, radix) - parseInt(this.#first!.offset, radix);
      this.#radix = step(16) === this.#first.length ? 16 : step(8) === this.#first.length ? 8 : step(10) === this.#first.length ? 10 : 16;
    }
    if (!this.#repeat || !this.#last) return;
    this.#repeat = false;
    const gap = Math.floor((this.#value(printed) - this.#sent - (this.#held?.length ?? 0)) / this.#last.length);
    const given = Math.max(0, Math.min(gap, Math.floor(Math.min(MAX_REPEAT, MAX_REPEATED - this.#repeated) / this.#last.length)));
    for (let n = given; n > 0; n--) {
      this.#repeated += this.#last.length;
      this.#emit(this.#last);
    }
    if (gap > given) this.#sent += (gap - given) * this.#last.length; // the copies not given back still count for the offsets
  }

  #value(printed: string): number {
    return parseInt(printed, this.#radix ?? 16);
  }

  #emit(bytes: Buffer): void {
    this.#last = bytes;
    if (!isWords(this.format)) {
      this.#sent += bytes.length;
      return this.out(bytes);
    }
    this.#release(undefined);
    this.#held = bytes;
  }

  #release(total: number | undefined): void {
    if (!this.#held) return;
    const keep = total === undefined || Number.isNaN(total) ? this.#held.length : Math.max(0, Math.min(this.#held.length, total - this.#sent));
    if (keep) this.out(this.#held.subarray(0, keep));
    this.#sent += keep;
    this.#held = undefined;
  }
}
