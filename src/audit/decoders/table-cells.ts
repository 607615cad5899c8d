/**
 * A value wrapped inside a table's cell: a tool that draws a table of a fixed width cuts a long cell's text into pieces,
 * one a line, each between the column's borders — sqlite3's `.mode box --wrap N` and `.mode table --wrap N` (cut at N
 * characters, or at words with `--wordwrap on`), pandoc's reStructuredText grid tables (words wrapped at the column's
 * width). The value is then no string of the text: its pieces stand on consecutive lines, each padded and after the
 * other columns' cells. A place is evidence of a wrapped row: a line that starts and ends with a border (`|`, or the
 * box drawing `│`) and holds at least two cells, the next line starting right after its break with the same border and
 * as many cells, at least one of them blank (the cell of a column not wrapped there) and one not. The text around is
 * rewritten with each wrapped row's lines (a row: a line and the lines after it whose first cell is blank) as one line of
 * its cells joined — the pieces end to end (a cut at a width), and again joined by a blank (a cut at a word) — and
 * routed (`(table cells at N)`, `text-rewrite.ts`). psql's `\pset format wrapped` (ascii line style, the default)
 * marks its cuts instead: a cell cut at its column's width ends with `.` where its padding blank was (or at the line's
 * end, in the last column and in `\x` expanded records), and the next line's piece begins with `.` right after the same
 * column's `|` — a place is that `|.` under a `|` whose cell ends so; each cut cell's pieces are joined, their marks
 * taken off, onto a line of their own after the window's text. Limits: a table indented, or drawn with other borders
 * (psql's unicode line style, `…` marks), is not read; a row whose first cell wraps too is read as rows of its own lines.
 */
import { textAround, type Notation } from './text-rewrite.js';

/** The borders, as latin1 of their bytes: ASCII's `|` and U+2502 BOX DRAWINGS LIGHT VERTICAL (`│`, E2 94 82). */
const BORDERS = ['|', '\xe2\x94\x82'];

/** A line's cells (their text between the borders, padding included), when it starts and ends with `border` and has two or more. */
function cellsOf(line: string, border: string): string[] | undefined {
  if (line.length < 3 * border.length + 2 || !line.startsWith(border) || !line.endsWith(border)) return undefined;
  const cells = line.slice(border.length, -border.length).split(border);
  return cells.length >= 2 ? cells : undefined;
}

const isBlank = (cell: string) => cell.trim() === '';

/** The line of `b` (latin1) from `start` to `end`, its break (a CR before it taken off). */
function lineFrom(b: Buffer, start: number, end: number): string {
  let e = end;
  if (e > start && b[e - 1] === 0x0d) e--;
  return b.toString('latin1', start, e);
}

/** A line read this far back from a place at most: a table's row is shorter. */
const LONGEST = 1024;

/** A line given as latin1 of its bytes, read as UTF-8 (psql's columns are characters wide, not bytes). */
const utf8 = (latin1: string) => Buffer.from(latin1, 'latin1').toString('utf8');

/** A cell of psql's wrapped format starting at the `|` in column `c` of `line`: its text to the next `|` or the line's end. */
function psqlCell(line: string, c: number): string {
  const bar = line.indexOf('|', c + 1);
  return line.slice(c + 1, bar < 0 ? line.length : bar);
}

/**
 * Whether psql's wrapped format goes on from `line`'s cell at column `c` on `next` (its `|.` under the `|`, the cell's
 * cut mark `.`). The column's next `|` stands where it stood on the line before, and psql's border 1 draws no outer
 * border: a `|` at a line's end closes another table's row — `hexdump -C`'s text column (`|....|`, dots in every
 * column, a `|` byte inside it), a box table — and no cell of psql's ends there.
 */
function psqlGoesOn(line: string, next: string | undefined, c: number): boolean {
  if (next === undefined || line[c] !== '|' || next[c] !== '|' || next[c + 1] !== '.') return false;
  // The column's next border stands where it stood on the line before (or neither line has one: the last column).
  const bar = line.indexOf('|', c + 1);
  if (next.indexOf('|', c + 1) !== bar) return false;
  const cell = psqlCell(line, c);
  return (bar < 0 || bar + 1 < line.length) && (cell[0] === ' ' || cell[0] === '.') && cell.endsWith('.');
}

/** The cut cells of psql's wrapped format in `lines`, each joined from its first piece (marks taken off), or none. */
function psqlJoined(latin1: string[]): string[] {
  // psql lines up its columns by characters: a line's UTF-8 read as characters, the joined cells written back as bytes.
  const lines = latin1.map(utf8);
  const strip = (l: string | undefined) => l?.replace(/\r$/, '');
  const joined: string[] = [];
  for (let i = 0; i + 1 < lines.length; i++) {
    const line = strip(lines[i])!;
    for (let c = line.indexOf('|'); c >= 0; c = line.indexOf('|', c + 1)) {
      // A piece that goes on from the line before is part of the cell begun there.
      if (line[c + 1] === '.' && psqlGoesOn(strip(lines[i - 1]) ?? '', line, c)) continue;
      if (!psqlGoesOn(line, strip(lines[i + 1]), c)) continue;
      let text = psqlCell(line, c).slice(1, -1);
      for (let k = i + 1; k < lines.length; k++) {
        const piece = psqlCell(strip(lines[k])!, c).slice(1);
        if (psqlGoesOn(strip(lines[k])!, strip(lines[k + 1]), c)) text += piece.slice(0, -1);
        else {
          text += piece.trimEnd();
          break;
        }
      }
      joined.push(Buffer.from(`| ${text} |`, 'utf8').toString('latin1'));
    }
  }
  return joined;
}

/** Whether the `|.` at `at` begins a piece of a cell psql's wrapped format cut on the line before. */
function psqlAt(b: Buffer, at: number): boolean {
  let start = at;
  while (start > 0 && b[start - 1] !== 0x0a && at - start < LONGEST) start--;
  if (start === 0 || b[start - 1] !== 0x0a) return false;
  let prev = start - 1;
  while (prev > 0 && b[prev - 1] !== 0x0a && start - prev < LONGEST) prev--;
  if (prev > 0 && b[prev - 1] !== 0x0a) return false;
  const nl = b.indexOf(0x0a, at);
  const line = utf8(lineFrom(b, start, nl < 0 ? b.length : nl));
  return psqlGoesOn(utf8(lineFrom(b, prev, start - 1)), line, utf8(b.toString('latin1', start, at)).length) && textAround(b, at, false);
}

export const TABLE_CELLS: Notation = {
  label: 'table cells',
  // A row's last border, its line break, the next row's first border: `|` tables and box tables, LF and CRLF.
  needles: [
    ...BORDERS.flatMap((border) => [Buffer.from(`${border}\n${border}`, 'latin1'), Buffer.from(`${border}\r\n${border}`, 'latin1')]),
    Buffer.from('|.'),
  ],
  at(b, at) {
    if (b[at + 1] === 0x2e) return psqlAt(b, at);
    const border = b[at] === 0x7c ? '|' : BORDERS[1]!;
    const nl = b.indexOf(0x0a, at);
    let start = at;
    while (start > 0 && b[start - 1] !== 0x0a && at - start < LONGEST) start--;
    if (start > 0 && b[start - 1] !== 0x0a) return false;
    const next = b.indexOf(0x0a, nl + 1);
    if (next < 0 || next - nl > LONGEST) return false;
    const before = cellsOf(lineFrom(b, start, nl), border);
    const after = before && cellsOf(lineFrom(b, nl + 1, next), border);
    return !!after && after.length === before.length && after.some(isBlank) && !after.every(isBlank) && textAround(b, at, false);
  },
  rewrite(w) {
    const lines = w.toString('latin1').split('\n');
    const out: string[] = [];
    let changed = false;
    for (let i = 0; i < lines.length;) {
      const cr = lines[i]!.endsWith('\r') ? '\r' : '';
      const line = cr ? lines[i]!.slice(0, -1) : lines[i]!;
      const border = BORDERS.find((x) => line.startsWith(x));
      const first = border === undefined ? undefined : cellsOf(line, border);
      if (border === undefined || !first || isBlank(first[0]!)) {
        out.push(lines[i++]!);
        continue;
      }
      // The row: this line, and the lines after it of as many cells whose first cell is blank.
      const rows = [first];
      let j = i + 1;
      for (; j < lines.length; j++) {
        const cells = cellsOf(lines[j]!.replace(/\r$/, ''), border);
        if (!cells || cells.length !== first.length || !isBlank(cells[0]!)) break;
        rows.push(cells);
      }
      out.push(...lines.slice(i, j));
      if (rows.length > 1) {
        changed = true;
        // Each column's pieces between the padding blanks either side: end to end (a cut at the width: a piece but the
        // last fills the column, a blank at its end or start the value's), and trimmed, joined by a blank (a cut at a word).
        const columns = first.map((_, c) => rows.map((r) => r[c]!));
        const ends = columns.map((pieces) => pieces.map((p, k) => (k < pieces.length - 1 ? p.slice(1, -1) : p.slice(1).trimEnd())).join(''));
        const words = columns.map((pieces: string[]) =>
          pieces
            .map((p) => p.trim())
            .filter((p) => p)
            .join(' '),
        );
        for (const joined of [ends, words]) out.push(`${border} ${joined.join(` ${border} `)} ${border}${cr}`);
      }
      i = j;
    }
    const psql = psqlJoined(lines);
    if (psql.length) out.push(...psql, '');
    return changed || psql.length ? Buffer.from(out.join('\n'), 'latin1') : undefined;
  },
};
