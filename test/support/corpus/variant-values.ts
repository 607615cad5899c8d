/**
 * Values of the shapes the variant corpus needs beyond `secrets.ts`: with spaces (a passphrase),
 * with `& < > % " \` (a generated password), 8 characters (the shortest the audit looks for),
 * 200 characters (a long API key or a service-account token), with é ß £ only (a Latin-1 file can
 * hold it), and the corpus's own shapes.
 */
import { alnums as word, secretOf, type Shape } from './secrets.js';

export type Kind = Shape | 'spaces' | 'specials' | 'short' | 'long' | 'longSpaced' | 'latin1';

/** Draws of a value `avoid` refuses before one is taken. */
const TRIES = 1000;

/**
 * A fresh value of `kind` (two calls never give the same one), drawn again while `avoid` matches it: a value the
 * artifact's own tool changes (python icalendar writes a `\N` in a text as a line break) is no leak of that value.
 */
export function valueOf(kind: Kind, avoid?: RegExp): string {
  for (let i = 0; i < TRIES; i++) {
    const v = drawn(kind);
    if (!avoid?.test(v)) return v;
  }
  throw new Error(`valueOf: ${TRIES} draws of a '${kind}' value all match ${String(avoid)}; loosen the artifact's avoid`);
}

function drawn(kind: Kind): string {
  switch (kind) {
    case 'spaces':
      return `${word(6)} ${word(5)} ${word(7)} ${word(6)}+${word(3)}`;
    case 'specials':
      return `${word(5)}&${word(3)}<${word(4)}>${word(3)}%${word(2)}"${word(4)}\\${word(5)}`;
    case 'short':
      return `${word(3)}+${word(4)}`;
    case 'long':
      return Array.from({ length: 20 }, (_, i) => word(9) + '+/=-_.+/=-'[i % 10]).join('');
    case 'latin1':
      return `${word(6)}é${word(5)}ß${word(6)}£${word(5)}`;
    case 'longSpaced':
      return Array.from({ length: 25 }, () => word(7)).join(' ');
    default:
      return secretOf(kind);
  }
}
