/**
 * Porcelain word diffs: `git diff --word-diff=porcelain` (what editors and review tools read) writes
 * a changed line as lines of its parts — ` ` before a part both versions share, `-` before a removed
 * one, `+` before an added one — and a line `~` where the line ends; with a character regex
 * (`--word-diff-regex=.`) a rotated token is cut into the characters it shares with the old one and
 * those that changed, one line each. A place is a `~` line after such a part's line; the text around
 * is rewritten twice — the new version (shared and added parts joined, `~` a line break), then the
 * old one (shared and removed parts) — and twice more with no `~` a line break: git writes a `~`
 * for a line end of either version, so a value whose line the other version cut goes on across one
 * — and routed (`(porcelain word diff at N)`, `text-rewrite.ts`).
 */
import { textAround, type Notation } from './text-rewrite.js';

const TILDE = 0x7e;

/**
 * The window's two versions: its part lines joined, `~` as `nl`, other lines (the file and hunk headers) kept as they
 * are.
 */
function versions(w: Buffer, nl: string): { now: string; old: string } {
  let now = '';
  let old = '';
  for (const line of w.toString('latin1').split('\n')) {
    const rest = line.slice(1);
    if (line === '~' || line === '~\r') {
      now += nl;
      old += nl;
    } else if (line.startsWith(' ')) {
      now += rest;
      old += rest;
    } else if (line.startsWith('+')) now += rest;
    else if (line.startsWith('-')) old += rest;
    else {
      now += `${line}\n`;
      old += `${line}\n`;
    }
  }
  return { now, old };
}

export const WORD_DIFF_PORCELAIN: Notation = {
  label: 'porcelain word diff',
  needles: [Buffer.from('\n~\n')],
  at(b, at) {
    // The line before the `~` is a part: it begins with ` `, `+` or `-`.
    let i = at;
    while (i > 0 && b[i - 1] !== 0x0a) i--;
    const c = b[i];
    return i < at && (c === 0x20 || c === 0x2b || c === 0x2d) && b[at + 1] === TILDE && textAround(b, at, false);
  },
  rewrite(w) {
    const { now, old } = versions(w, '\n');
    const joined = versions(w, '');
    return Buffer.from(`${now}\n${old}\n${joined.now}\n${joined.old}`, 'latin1');
  },
};
