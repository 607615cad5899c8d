/**
 * Terminal colours written as a string's escapes: the colour sequences of a tool's output kept inside a quoted string,
 * ESC as `\u001b` (JSON: a Jupyter notebook's stream or error output, which IPython colours; a JSON log line of a
 * coloured tool's output; docker's json-file logs), `\x1b` (Python's repr of a coloured line), `\033` or `\e` (a shell
 * script's printf and echo -e). The escape families read `\u001b` as ESC but no notation reads the text they make, so a
 * value the colours cut (Pygments colours a string's escapes and `%` specs apart; grep colours its match) stays cut. A
 * place is such an escaped ESC, `[`, digits and `;`, and a final letter (a CSI sequence, as `ansi-colours.ts` reads it
 * unescaped); the text around it is rewritten with every such sequence taken out and routed (`(escaped colours at N)`,
 * `text-rewrite.ts`); what the string's other escapes hold is read in the copy by the escape families as in any text.
 */
import { textAround, type Notation } from './text-rewrite.js';

/** An escaped CSI sequence: the escape of ESC, `[`, parameters, a final letter. */
const SEQUENCE = /\\(?:u001[bB]|x1[bB]|033|e)\[[0-9;]*[A-Za-z]/g;

export const ESCAPED_COLOURS: Notation = {
  label: 'escaped colours',
  needles: ['\\u001b[', '\\u001B[', '\\x1b[', '\\x1B[', '\\033[', '\\e['].map((s) => Buffer.from(s)),
  at(b, at) {
    let i = b.indexOf(0x5b, at + 1) + 1;
    const end = i + 24;
    while (i < end && ((b[i]! >= 0x30 && b[i]! <= 0x39) || b[i] === 0x3b)) i++;
    const final = b[i] ?? 0;
    return ((final >= 0x41 && final <= 0x5a) || (final >= 0x61 && final <= 0x7a)) && textAround(b, at, false);
  },
  rewrite(w) {
    const text = w.toString('latin1');
    const plain = text.replace(SEQUENCE, '');
    return plain.length === text.length ? undefined : Buffer.from(plain, 'latin1');
  },
};
