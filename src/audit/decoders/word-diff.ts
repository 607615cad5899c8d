/**
 * Word diffs: `git diff --word-diff=plain` (and `--color-words` with `--word-diff=plain`, `wdiff`)
 * write a changed line once, its removed parts as `[-…-]` and its added parts as `{+…+}` between the
 * parts both versions share; with a character regex (`--word-diff-regex=.`) a rotated token is cut
 * into the characters it shares with the old one and the ones that changed, so neither version is a
 * string of the text. A place is evidence where a `[-` or `{+` has its closing `-]` or `+}` on its
 * line; the text around is rewritten twice — the new version (removed parts out, added parts kept),
 * then a line break and the old one (added parts out, removed parts kept) on one line: git lays the
 * diff out in the new version's lines, so an old line that git matched against several new ones is
 * cut by their line breaks, which the old version never had; the line breaks between two removed
 * parts are the old version's only (git cuts a removed part at its lines) and left out of the new one
 * — and routed (`(word diff at N)`,
 * `text-rewrite.ts`).
 */
import type { Notation } from './text-rewrite.js';

const OPEN_DEL = Buffer.from('[-');
const OPEN_ADD = Buffer.from('{+');
const CLOSE_DEL = Buffer.from('-]');
const CLOSE_ADD = Buffer.from('+}');
/** A part longer than this is no word diff's part (a line of a diff is seldom longer). */
const MAX_PART = 4096;

/** The end of the part opened at `at` (the index of its closing marker) on its line, or -1. */
function closeOf(b: Buffer, at: number, close: Buffer): number {
  // Searched within MAX_PART of the opening only: a search to the buffer's end at each of a megabyte of `[-` took 27 s.
  const part = b.subarray(at + 2, at + MAX_PART + 2);
  const end = part.indexOf(close);
  if (end < 0) return -1;
  const nl = part.indexOf(0x0a);
  return nl >= 0 && nl < end ? -1 : at + 2 + end;
}

/**
 * Where the text after a left-out part at `at` goes on: past its line breaks when the next left-out part follows them —
 * git writes a part that spans lines as one marked part per line (`[-a-]⏎[-b-]`), and two parts apart are always
 * parted by a shared word, so those breaks are the left-out version's only (seed 1: the old `KEY_0=…⏎PLAIN_0=…`
 * against a new `KEY_1=8EG…`, whose value was cut by the old line's break).
 */
function joinedBreaks(w: Buffer, at: number, open: Buffer, close: Buffer): number {
  let j = at;
  while (w[j] === 0x0a) j++;
  return j > at && w[j] === open[0] && w[j + 1] === open[1] && closeOf(w, j, close) >= 0 ? j : at;
}

/** One version of the window: the parts of `keep` kept (markers out), those of `drop` left out. */
function version(w: Buffer, keep: [Buffer, Buffer], drop: [Buffer, Buffer]): { text: Buffer; marked: boolean } {
  const parts: Buffer[] = [];
  let from = 0;
  let marked = false;
  for (let i = 0; i < w.length - 1; i++) {
    const c = w[i]!;
    if (c !== 0x5b && c !== 0x7b) continue;
    for (const [open, close, kept] of [
      [...keep, true],
      [...drop, false],
    ] as Array<[Buffer, Buffer, boolean]>) {
      if (w[i + 1] !== open[1] || c !== open[0]) continue;
      const end = closeOf(w, i, close);
      if (end < 0) continue;
      parts.push(w.subarray(from, i));
      if (kept) parts.push(w.subarray(i + 2, end));
      from = kept ? end + 2 : joinedBreaks(w, end + 2, open, close);
      i = from - 1;
      marked = true;
      break;
    }
  }
  parts.push(w.subarray(from));
  return { text: Buffer.concat(parts), marked };
}

export const WORD_DIFF: Notation = {
  label: 'word diff',
  needles: [OPEN_DEL, OPEN_ADD],
  at(b, at) {
    return closeOf(b, at, b[at] === 0x5b ? CLOSE_DEL : CLOSE_ADD) >= 0;
  },
  rewrite(w) {
    const added = version(w, [OPEN_ADD, CLOSE_ADD], [OPEN_DEL, CLOSE_DEL]);
    if (!added.marked) return undefined;
    const removed = version(w, [OPEN_DEL, CLOSE_DEL], [OPEN_ADD, CLOSE_ADD]);
    const old = removed.text.filter((c) => c !== 0x0a && c !== 0x0d);
    return Buffer.concat([added.text, Buffer.from('\n'), old]);
  },
};
