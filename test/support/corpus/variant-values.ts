/**
 * Values of the shapes the variant corpus needs beyond `secrets.ts`: with spaces (a passphrase),
 * with `& < > % " \` (a generated password), 8 characters (the shortest the audit looks for),
 * 200 characters (a long API key or a service-account token), with é ß £ only (a Latin-1 file can
 * hold it), and the corpus's own shapes.
 */
import { randomInt } from 'node:crypto';
import { secretOf, type Shape } from './secrets.js';

export type Kind = Shape | 'spaces' | 'specials' | 'short' | 'long' | 'longSpaced' | 'latin1';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const word = (n: number) => Array.from({ length: n }, () => ALNUM[randomInt(ALNUM.length)]!).join('');

/** A fresh value of `kind`; two calls never give the same one. */
export function valueOf(kind: Kind): string {
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
