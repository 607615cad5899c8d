/**
 * roff's named characters (groff_char(7)) as pandoc's man and ms writers, mandoc and groff tooling
 * write them: `\[name]` and `\(xx` for the characters roff reserves or types (`\[rs]` `\(rs` for
 * `\`, `\[dq]` `"`, `\[aq]` `'`, `\[ga]`, `\[ti]`, `\[ha]`, `\[at]`, `\[Eu]` `€`, `\[ss]` `ß`),
 * accented letters as composites (`\['e]` é, `\[:u]` ü, `\[,c]` ç), any character as `\[uXXXX]`
 * (`\[u1F600]`, `\[u0065_0301]`), with `\e` for the escape character, `\-` for a hyphen, `\&` and
 * `\%` (zero-width) and font changes (`\fB`, `\f[CR]`) around them. The escape families read `\-` as
 * `-` but no `\[name]`, so a value holding a quote, a backslash or a letter beyond ASCII is cut there.
 * A place is a `\[…]` or `\(xx` of a known name; the text around it is rewritten as troff prints it
 * and routed (`(roff glyphs at N)`, `text-rewrite.ts`).
 */
import { textAround, type Notation } from './text-rewrite.js';

/** groff's names of the characters a writer escapes (and the common typographic ones). */
const NAMES: Record<string, string> = {
  rs: '\\',
  dq: '"',
  aq: "'",
  ga: '`',
  ti: '~',
  ha: '^',
  at: '@',
  sh: '#',
  Do: '$',
  sl: '/',
  ba: '|',
  lB: '[',
  rB: ']',
  lC: '{',
  rC: '}',
  la: '⟨',
  ra: '⟩',
  lq: '“',
  rq: '”',
  oq: '‘',
  cq: '’',
  em: '—',
  en: '–',
  hy: '-',
  mi: '-',
  Eu: '€',
  eu: '€',
  Po: '£',
  Ye: '¥',
  ct: '¢',
  ss: 'ß',
  co: '©',
  rg: '®',
  tm: '™',
  de: '°',
  bu: '•',
  ae: 'æ',
  AE: 'Æ',
  '/o': 'ø',
  '/O': 'Ø',
  oe: 'œ',
  OE: 'Œ',
};

/** A composite's accent (groff: `'e`, `` `a ``, `^o`, `:u`, `~n`, `,c`, `oa`, `va`) as a combining mark. */
const ACCENTS: Record<string, string> = { "'": '\u0301', '`': '\u0300', '^': '\u0302', ':': '\u0308', '~': '\u0303', ',': '\u0327', o: '\u030a', v: '\u030c' };

/** The character a glyph name stands for, or undefined. */
function glyph(name: string): string | undefined {
  const named = NAMES[name];
  if (named !== undefined) return named;
  if (/^u[0-9A-F]{4,6}(?:_[0-9A-F]{4,6})*$/.test(name)) {
    const points = name
      .slice(1)
      .split('_')
      .map((h) => parseInt(h, 16));
    return points.every((p) => p <= 0x10ffff && (p < 0xd800 || p > 0xdfff)) ? String.fromCodePoint(...points).normalize('NFC') : undefined;
  }
  const accent = name.length === 2 ? ACCENTS[name[0]!] : undefined;
  return accent && /[A-Za-z]/.test(name[1]!) ? (name[1]! + accent).normalize('NFC') : undefined;
}

/** A `\[name]` (name up to 40 bytes), a `\(xx`, a font change, or a one-character escape. */
const TOKEN = /\\\[([^\]\s\\]{1,40})\]|\\\((\S\S)|\\f(?:\[[^\]\s]*\]|\(\S\S|\S)|\\([e\-&%~ |^])/g;
const SIMPLE: Record<string, string> = { e: '\\', '-': '-', '&': '', '%': '', '~': ' ', ' ': ' ', '|': '', '^': '' };

const bytes = (s: string) => Buffer.from(s, 'utf8').toString('latin1');

export const ROFF_GLYPHS: Notation = {
  label: 'roff glyphs',
  needles: [Buffer.from('\\['), Buffer.from('\\(')],
  at(b, at) {
    if (!textAround(b, at, false)) return false;
    if (b[at + 1] === 0x28) return glyph(b.toString('latin1', at + 2, at + 4)) !== undefined;
    const close = b.indexOf(0x5d, at + 2);
    return close > at + 2 && close - at <= 42 && glyph(b.toString('latin1', at + 2, close)) !== undefined;
  },
  rewrite(w) {
    let changed = false;
    const text = w.toString('latin1').replace(TOKEN, (m: string, long?: string, short?: string, simple?: string) => {
      const name = long ?? short;
      const c = name !== undefined ? glyph(name) : simple !== undefined ? SIMPLE[simple] : '';
      if (c === undefined) return m;
      changed = true;
      return bytes(c);
    });
    return changed ? Buffer.from(text, 'latin1') : undefined;
  },
};
