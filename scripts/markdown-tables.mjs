// Tables in Markdown as GitHub renders them (GFM), checked so that every table renders whole: a
// table is a header row, a delimiter row (| --- |) and rows, each with the header's number of cells
// (cells split at every | not escaped as \|, inside code spans too — GFM splits there as well). Found:
// - a row whose cell count differs from its header's (GFM drops or pads cells: text lost or shifted);
// - a | line with no header and delimiter above it: a paragraph or blank line cut the table, and
//   these rows render as one paragraph of pipes (the README's inputs table did this to 30 rows);
// - a plain line right after a table: GFM takes it into the table as a row;
// - a table header right under a paragraph line: a blank line must come first;
// - a code fence never closed (the rest of the file, tables too, renders as code).
// Fenced code blocks are skipped.
//   node scripts/markdown-tables.mjs FILE...   (exit 1 on a problem)
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const FENCE = /^\s{0,3}(`{3,}|~{3,})/;
const DELIMITER = /^\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;
const isRow = (line) => line.trimStart().startsWith('|');
// A line that starts a block of its own ends a table without joining it.
const BLOCK_START = /^\s{0,3}(#{1,6}\s|>|[-*+]\s|\d+[.)]\s|<|`{3,}|~{3,}|(\*\s*){3,}$|(-\s*){3,}$)/;

/** The cells of a table line: split at unescaped pipes, the outer ones dropped. */
export function cells(line) {
  let text = line.trim();
  if (text.startsWith('|')) text = text.slice(1);
  if (text.endsWith('|') && !text.endsWith('\\|')) text = text.slice(0, -1);
  return text.split(/(?<!\\)\|/);
}

/** Every problem in a Markdown text, as `line N: what` (1-based lines). */
export function tableProblems(text) {
  const lines = text.split('\n');
  const problems = [];
  let fence;
  let openedAt = 0;
  let table; // { columns, header line }
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const open = FENCE.exec(line);
    if (fence) {
      if (open && open[1][0] === fence[0] && open[1].length >= fence.length) fence = undefined;
      continue;
    }
    if (open) {
      fence = open[1];
      openedAt = i + 1;
      table = undefined;
      continue;
    }
    if (table) {
      if (isRow(line)) {
        const n = cells(line).length;
        if (n !== table.columns) problems.push(`line ${i + 1}: a row of ${n} cells in a table of ${table.columns} (header on line ${table.header})`);
        continue;
      }
      if (line.trim() !== '' && !BLOCK_START.test(line))
        problems.push(`line ${i + 1}: a paragraph line right after a table is taken into it as a row: leave a blank line`);
      table = undefined;
      continue;
    }
    if (!isRow(line)) continue;
    const next = lines[i + 1] ?? '';
    if (DELIMITER.test(next.trim()) && next.includes('-')) {
      const columns = cells(line).length;
      const delimiter = cells(next).length;
      if (delimiter !== columns) problems.push(`line ${i + 2}: a delimiter row of ${delimiter} cells under a header of ${columns}`);
      const before = lines[i - 1] ?? '';
      if (i > 0 && before.trim() !== '' && !BLOCK_START.test(before))
        problems.push(`line ${i + 1}: a table right under a paragraph line: leave a blank line before it`);
      table = { columns, header: i + 1 };
      i++;
      continue;
    }
    problems.push(`line ${i + 1}: a table row with no header and delimiter row above it (a paragraph or blank line cut its table): it renders as text`);
  }
  if (fence) problems.push(`line ${openedAt}: a code fence (${fence}) is never closed: everything after it renders as code`);
  return problems;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  let bad = 0;
  for (const file of process.argv.slice(2)) {
    for (const p of tableProblems(readFileSync(file, 'utf8'))) {
      console.error(`${file}: ${p}`);
      bad++;
    }
  }
  process.exit(bad ? 1 : 0);
}
