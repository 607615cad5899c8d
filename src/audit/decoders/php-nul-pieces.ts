/**
 * PHP's var_export of a string holding NUL bytes: the string single-quoted (`\'` and `\\` escaped) and cut at each NUL,
 * the NUL written as a double-quoted piece of its own joined by ` . ` — `'a' . "\0" . 'b' . "\0" . ''`. A value
 * converted to UTF-16 for a Windows API (iconv('UTF-8', 'UTF-16LE', …)) and cached by var_export (a framework's config
 * cache) is written so: every other byte a NUL, no reader of UTF-16 sees its characters side by side. A place is
 * evidence where a `' . "\0" . '` stands in text; the text around it is rewritten with each run of pieces joined as
 * the bytes they hold (NULs as NUL bytes, the escapes read) and routed (`(php nul pieces at N)`, `text-rewrite.ts`),
 * where the value is found as UTF-16 like any other.
 */
import { textAround, type Notation } from './text-rewrite.js';

/** What var_export writes for one NUL inside a single-quoted string. */
const JOIN = Buffer.from(`' . "\\0" . '`);
/** A single-quoted piece (`\'` and `\\` its escapes), then at least one more after a NUL's join. */
const PIECES = /'(?:[^'\\]|\\[\s\S])*'(?: \. "\\0" \. '(?:[^'\\]|\\[\s\S])*')+/g;
const PIECE = /'((?:[^'\\]|\\[\s\S])*)'/g;

export const PHP_NUL_PIECES: Notation = {
  label: 'php nul pieces',
  needles: [JOIN],
  at(b, at) {
    return b.subarray(at, at + JOIN.length).equals(JOIN) && textAround(b, at, false);
  },
  rewrite(w) {
    let changed = false;
    const text = w.toString('latin1').replace(PIECES, (run) => {
      changed = true;
      return [...run.matchAll(PIECE)].map((m) => m[1]!.replace(/\\([\\'])/g, '$1')).join('\0');
    });
    return changed ? Buffer.from(text, 'latin1') : undefined;
  },
};
