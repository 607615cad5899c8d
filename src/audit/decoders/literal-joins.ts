/**
 * A value cut into pieces by the writer of a text, each piece written on its own: adjacent string
 * literals — Python's pprint of a long str (cut at its blanks) or bytes (every ~70 columns,
 * `b'…'\n b'…'`), gettext's .po/.pot wrapping a long msgid at 79 columns (`"…"\n"…"`), C and C++
 * source, Java's and JavaScript's `"…" +\n "…"`, a DNS TXT record's 255-byte strings (`"…" "…"`) —
 * and line continuations, a backslash ending a line (`sed -n l` wrapping at 69 columns, shell and C
 * macros continued). The text around them is rewritten with each joint taken out — the closing
 * quote, the blanks, a `+` or a backslash before the line break (Python's explicit line joining: `b'…' \`), one line break and the opening quote (with a `b`/`u` prefix) of the same
 * quote character; an unescaped backslash and its line break — and routed (`(joined literals at N)`,
 * `text-rewrite.ts`), so the escape families read the pieces as one string.
 */
import { textAround, type Notation } from './text-rewrite.js';

const BACKSLASH = 0x5c;
const isBlank = (c: number | undefined) => c === 0x20 || c === 9;

/** Where the joint that begins at the quote `at` ends (after the next piece's opening quote), or -1: no joint. */
function jointEnd(b: Uint8Array, at: number): number {
  const q = b[at]!;
  let j = at + 1;
  while (isBlank(b[j])) j++;
  if (b[j] === 0x2b) for (j++; isBlank(b[j]);) j++;
  // Python's explicit line joining between adjacent literals: `b'…' \` then the next line's `b'…'`.
  if (b[j] === BACKSLASH && (b[j + 1] === 0x0a || (b[j + 1] === 0x0d && b[j + 2] === 0x0a))) j++;
  if (b[j] === 0x0d && b[j + 1] === 0x0a) j++;
  if (b[j] === 0x0a) for (j++; isBlank(b[j]);) j++;
  // Nothing between the quotes is a doubled quote (CSV, SQL), no joint.
  if (j === at + 1) return -1;
  const prefix = b[j];
  if (prefix === 0x62 || prefix === 0x42 || prefix === 0x75 || prefix === 0x55) j++;
  return b[j] === q ? j + 1 : -1;
}

/** Whether the backslash at `at` is escaped by the ones before it (an even run of them before it). */
function escaped(b: Uint8Array, at: number): boolean {
  let n = 0;
  while (at - n - 1 >= 0 && b[at - n - 1] === BACKSLASH) n++;
  return n % 2 === 1;
}

/** Where the continuation at the backslash `at` ends (after its line break), or -1. */
function continuationEnd(b: Uint8Array, at: number): number {
  if (escaped(b, at)) return -1;
  if (b[at + 1] === 0x0a) return at + 2;
  return b[at + 1] === 0x0d && b[at + 2] === 0x0a ? at + 3 : -1;
}

const endAt = (b: Uint8Array, at: number) => (b[at] === BACKSLASH ? continuationEnd(b, at) : jointEnd(b, at));

export const LITERAL_JOINS: Notation = {
  label: 'joined literals',
  needles: ['" ', "' ", '"\n', "'\n", '"\r', "'\r", '\\\n', '\\\r'].map((s) => Buffer.from(s, 'latin1')),
  // Not in a line of uuencode, of a git binary patch or of the base85 family: RewrittenText asks that of every notation.
  at: (b, at) => endAt(b, at) >= 0 && textAround(b, at, false),
  rewrite(w) {
    const out = Buffer.allocUnsafe(w.length);
    let n = 0;
    let joined = false;
    for (let i = 0; i < w.length;) {
      const c = w[i]!;
      const end = c === 0x22 || c === 0x27 || c === BACKSLASH ? endAt(w, i) : -1;
      if (end < 0) {
        out[n++] = c;
        // An escaped character is copied with its backslash: `\"` ends no piece, `\\` escapes no line break.
        if (c === BACKSLASH && i + 1 < w.length) out[n++] = w[++i]!;
        i++;
        continue;
      }
      joined = true;
      i = end;
    }
    return joined ? out.subarray(0, n) : undefined;
  },
};
