/**
 * LaTeX's notation of text characters as pandoc, LyX and the escaping helpers of report generators
 * write it: the characters TeX reserves as control words (`\textbackslash`, `\textless`,
 * `\textgreater`, `\textasciitilde`, `\textbar`, `\textquotesingle`, …, the word's end a `{}` or one
 * space that TeX swallows), the rest with a backslash (`\% \& \_ \# \$ \{ \}`), `\^{}`, `{[}` `{]}`,
 * `-\/-` for `--`, ConTeXt's `\letterbackslash{}` `\letterpercent{}` …, and with pandoc's --ascii
 * the letters beyond ASCII as accents and words (`\'{e}`, `\euro`, `\ss`). The escape families read
 * `\%` as `%` but not `\textbackslash ` as `\`, so a value holding a backslash, `<`, `>`, `~` or `|`
 * is cut there. Pygments' LaTeX (minted, `pygmentize -f latex`) writes each token of highlighted code as
 * `\PY{style}{text}` and the characters TeX reserves as `\PYZbs{}` `\PYZpc{}` `\PYZdq{}` …: a string with an escape or a
 * `%` in it is cut into tokens there. A place is one of those control words (or a braced accent, or a `\PY{` or
 * `\PYZxx{}`) followed by its end; the text around it is rewritten as TeX reads it and routed (`(LaTeX escapes at N)`,
 * `text-rewrite.ts`).
 */
import { textAround, type Notation } from './text-rewrite.js';

/** Control words that stand for one character (pandoc's stringToLaTeX, --ascii, and the textcomp names). */
const WORDS: Record<string, string> = {
  textbackslash: '\\',
  textasciitilde: '~',
  textasciicircum: '^',
  textless: '<',
  textgreater: '>',
  textbar: '|',
  textquotesingle: "'",
  textquotedbl: '"',
  textunderscore: '_',
  textbraceleft: '{',
  textbraceright: '}',
  textdollar: '$',
  textsterling: '£',
  texteuro: '€',
  textquoteleft: '‘',
  textquoteright: '’',
  textquotedblleft: '“',
  textquotedblright: '”',
  textendash: '–',
  textemdash: '—',
  ldots: '…',
  euro: '€',
  ss: 'ß',
  o: 'ø',
  O: 'Ø',
  ae: 'æ',
  AE: 'Æ',
  oe: 'œ',
  OE: 'Œ',
  aa: 'å',
  AA: 'Å',
  l: 'ł',
  L: 'Ł',
  // ConTeXt's names (pandoc -t context).
  letterbackslash: '\\',
  letterpercent: '%',
  letterbar: '|',
  lettertilde: '~',
  letterhat: '^',
  letterhash: '#',
  letterdollar: '$',
  letterunderscore: '_',
  letterleftbrace: '{',
  letterrightbrace: '}',
  letterampersand: '&',
  letterat: '@',
  letterless: '<',
  lettermore: '>',
  letterdoublequote: '"',
  lettersinglequote: "'",
  letterleftbracket: '[',
  letterrightbracket: ']',
};

/** Pygments' LatexFormatter's names of the characters it escapes (`\PYZbs{}`: `\`), its command prefix `PY`. */
const PYZ: Record<string, string> = {
  bs: '\\',
  ob: '{',
  cb: '}',
  ca: '^',
  us: '_',
  am: '&',
  lt: '<',
  gt: '>',
  sh: '#',
  pc: '%',
  dl: '$',
  hy: '-',
  sq: "'",
  dq: '"',
  ti: '~',
  at: '@',
  lb: '[',
  rb: ']',
};
/** A token's wrapper `\PY{style}{…}` (its text holds no brace but the `{}` of a `\PYZxx{}`), and a reserved character. */
const PY_TOKEN = /\\PY\{[^{}]*\}\{((?:[^{}\\]|\\PYZ[a-z]{2}\{\}|\\(?!PY))*)\}/g;
const PYZ_CHAR = /\\PYZ([a-z]{2})\{\}/g;

/** Pygments' LaTeX of highlighted code as the text it shows: each token's wrapper taken off, its reserved characters read. */
const pygments = (text: string) => text.replace(PY_TOKEN, '$1').replace(PYZ_CHAR, (m, k: string) => PYZ[k] ?? m);

/** Accents over one letter, as combining marks. */
const ACCENTS: Record<string, string> = {
  "'": '\u0301',
  '`': '\u0300',
  '^': '\u0302',
  '"': '\u0308',
  '~': '\u0303',
  '=': '\u0304',
  '.': '\u0307',
  c: '\u0327',
  v: '\u030c',
  H: '\u030b',
  u: '\u0306',
  k: '\u0328',
};

/** The words a place is made of: the `text…` ones, and those pandoc's --ascii writes. */
const PLACE_WORDS = new Set(Object.keys(WORDS).filter((w) => w.startsWith('text') || w.startsWith('letter') || w === 'euro' || w === 'ss'));

const isLetter = (c: number | undefined) => c !== undefined && ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a));

/**
 * One token of the notation: an accent over a braced or bare letter, a control word with its end, `\^{}` or `\~{}`, a
 * reserved character after a backslash, a bracket in braces, an italic correction `\/`.
 */
const TOKEN = /\\([cvHuk])\{([A-Za-z])\}|\\(['`^"~=.])(?:\{([A-Za-z])\}|([A-Za-z]))|\\([\^~])\{\}|\\([A-Za-z]+)(\{\}| )?|\\([{}$%&_#])|\{([[\]])\}|\\\//g;

/** The UTF-8 bytes of `s` as a Latin-1 string (the window is read as Latin-1, byte for byte). */
const bytes = (s: string) => Buffer.from(s.normalize('NFC'), 'utf8').toString('latin1');

function token(m: string, groups: Array<string | undefined>): string {
  const [cedilla, braced, accent, bracedLetter, letter, caret, word, , reserved, bracket] = groups;
  if (cedilla) return bytes(braced! + ACCENTS[cedilla]!);
  if (accent) return bytes((bracedLetter ?? letter)! + ACCENTS[accent]!);
  if (caret) return caret;
  if (word) {
    const c = WORDS[word];
    return c === undefined ? m : bytes(c);
  }
  if (reserved) return reserved;
  if (bracket) return bracket;
  return '';
}

export const LATEX_ESCAPES: Notation = {
  label: 'LaTeX escapes',
  needles: [Buffer.from('\\text'), Buffer.from('\\letter'), Buffer.from('\\euro'), Buffer.from('\\ss'), Buffer.from("\\'{"), Buffer.from('\\PY')],
  at(b, at) {
    if (b[at + 1] === 0x50 && b[at + 2] === 0x59) {
      const token = b[at + 3] === 0x7b || (b[at + 3] === 0x5a && isLetter(b[at + 4]) && isLetter(b[at + 5]) && b[at + 6] === 0x7b && b[at + 7] === 0x7d);
      return token && textAround(b, at, false);
    }
    if (b[at + 1] === 0x27) return isLetter(b[at + 3]) && b[at + 4] === 0x7d && textAround(b, at, false);
    let end = at + 1;
    while (end - at < 24 && isLetter(b[end])) end++;
    return !isLetter(b[end]) && PLACE_WORDS.has(b.toString('latin1', at + 1, end)) && textAround(b, at, false);
  },
  rewrite(w) {
    let changed = false;
    const read = w.toString('latin1').replace(TOKEN, (m: string, ...rest: unknown[]) => {
      const out = token(m, rest.slice(0, 10) as Array<string | undefined>);
      if (out !== m) changed = true;
      return out;
    });
    // Pygments' tokens after (its \PYZbs{} made a backslash must not be read with what follows as a TeX escape).
    const text = read.includes('\\PY') ? pygments(read) : read;
    if (text !== read) changed = true;
    return changed ? Buffer.from(text, 'latin1') : undefined;
  },
};
