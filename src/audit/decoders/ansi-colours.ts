/**
 * Terminal colours: a CI log keeps the escape sequences a tool wrote for a terminal — `grep
 * --color=always` puts `ESC[01;31mESC[K` … `ESC[mESC[K` around the part of a line its pattern
 * matched, so a token whose first characters were matched is cut there; `git diff --color-words`
 * (with a character regex) writes a rotated token's removed characters in red and its added ones
 * in green between the ones both share. A place is evidence where a CSI sequence (`ESC[`, digits and
 * `;`, a final letter) stands in text; the text around is rewritten with every CSI sequence taken
 * out and routed (`(terminal colours at N)`, `text-rewrite.ts`) — and where red and green parts are
 * both in it, twice more: without the red parts (the new version of a coloured diff), then without
 * the green ones on one line (the old one, cut by the new version's line breaks as in `word-diff.ts`).
 */
import type { Notation } from './text-rewrite.js';

const ESC = 0x1b;
/** Bytes either side of a place that must be text (controls but tab, line breaks and ESC are none). */
const AROUND = 16;
// eslint-disable-next-line no-control-regex -- ESC begins the sequences this reads
const CSI = /\x1b\[([0-9;]*)([A-Za-z])/g;

/** The colour an SGR sequence's parameters set: red (31), green (32), or another (a reset, bold alone, cyan …). */
function colourOf(params: string): 'red' | 'green' | 'other' {
  const codes = params.split(';');
  return codes.includes('31') ? 'red' : codes.includes('32') ? 'green' : 'other';
}

/** The window's text with its CSI sequences out, and the parts set in `drop` left out too. */
function reading(text: string, drop?: 'red' | 'green'): string {
  let out = '';
  let from = 0;
  let colour: 'red' | 'green' | 'other' = 'other';
  for (const m of text.matchAll(CSI)) {
    if (colour !== drop) out += text.slice(from, m.index);
    from = m.index + m[0].length;
    if (m[2] === 'm') colour = colourOf(m[1]!);
  }
  return colour === drop ? out : out + text.slice(from);
}

export const ANSI_COLOURS: Notation = {
  label: 'terminal colours',
  needles: [Buffer.from([ESC, 0x5b])],
  at(b, at) {
    let i = at + 2;
    while (i < b.length && i < at + 32 && ((b[i]! >= 0x30 && b[i]! <= 0x39) || b[i] === 0x3b)) i++;
    const final = b[i];
    if (final === undefined || !((final >= 0x41 && final <= 0x5a) || (final >= 0x61 && final <= 0x7a))) return false;
    for (let j = Math.max(at - AROUND, 0), end = Math.min(i + AROUND, b.length); j < end; j++) {
      const c = b[j]!;
      if ((c < 0x20 && c !== 9 && c !== 10 && c !== 13 && c !== ESC) || c === 0x7f) return false;
    }
    return true;
  },
  rewrite(w) {
    const text = w.toString('latin1');
    const plain = reading(text);
    if (plain.length === text.length) return undefined;
    const colours = new Set([...text.matchAll(CSI)].filter((m) => m[2] === 'm').map((m) => colourOf(m[1]!)));
    if (!colours.has('red') || !colours.has('green')) return Buffer.from(plain, 'latin1');
    const old = reading(text, 'green').replace(/[\r\n]/g, '');
    return Buffer.from(`${plain}\n${reading(text, 'red')}\n${old}`, 'latin1');
  },
};
