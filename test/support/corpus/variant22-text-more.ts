/**
 * The variant corpus's twenty-second round, text notations, continued (variant22-text.ts has the numbers a cast or a
 * type marks): escapes and character forms real tools write — Perl's `\o{…}`, Ruby's `\u{74 6f}`,
 * LaTeX's `^^74`, Lisp's `#\t` characters, Erlang's `$t`, Unicode's fullwidth and mathematical forms (NFKC folds them to
 * ASCII), tag characters, zero-width characters between the value's, the value reversed (`rev`), Atbash (`tr`),
 * Punycode (Python's codec), Intel HEX and S-records (`objcopy`).
 */
import type { Variant } from './variant-text.js';
import { made, py, ruby } from './variant20-text.js';
import { bytesAs, GEN, LOG, marked, r21Classes } from './variant22-text.js';

const POINTS = '[ord(c) for c in s]';
const HIDE = 'a value hidden in a config, a prompt or a comment by characters a reader does not see or does not tell apart';

export function escapes(): Variant[] {
  return [
    bytesAs('perl-octal-brace', 'my $k = "', '\\\\o{%o}', '', '";\n', 'key.pl', { name: "Perl's \\o{164}\\o{157}…", realWorld: GEN, kind: 'latin1' }),
    ruby('ruby-u-multi', `puts 'k = "\\\\u{' + s.codepoints.map { |c| c.to_s(16) }.join(' ') + '}"'`, 'key.rb', {
      name: "Ruby's one \\u{74 6f 6b …} of many code points",
      realWorld: GEN,
      kind: 'unicode',
    }),
    bytesAs('latex-carets', '\\def\\key{', '^^%02x', '', '}\n', 'key.tex', { name: "TeX's ^^74^^6f… of every byte", realWorld: GEN, kind: 'latin1' }),
    bytesAs('c-char-hex-list', 'char k[] = {', "'\\\\x%02x'", ', ', '};\n', 'key.c', { name: "C's {'\\x74', '\\x6f', …}", realWorld: GEN, kind: 'latin1' }),
    bytesAs(
      'java-char-u-list',
      'char[] k = {',
      "'\\\\u%04x'",
      ', ',
      '};\n',
      'Key.java',
      { name: "Java's {'\\u0074', '\\u006f', …}", realWorld: GEN, kind: 'token' },
      POINTS,
    ),
    bytesAs('erlang-dollar-chars', 'K = [', '$%c', ', ', '].\n', 'key.erl', { name: "Erlang's [$t, $o, …]", realWorld: GEN, kind: 'token' }),
    bytesAs('elisp-chars', "(setq k (concat '(", '?%c', ' ', ')))\n', 'key.el', { name: "Emacs Lisp's (concat '(?t ?o …))", realWorld: GEN, kind: 'token' }),
  ];
}

export function forms(): Variant[] {
  return [
    made('fullwidth', `uconv -f utf-8 -t utf-8 -x 'Halfwidth-Fullwidth' < secret`, 'notes.txt', {
      name: "ICU's Halfwidth-Fullwidth transform (uconv)",
      realWorld: HIDE,
      kind: 'token',
    }),
    py(
      'math-bold',
      `import unicodedata\nw(''.join(unicodedata.lookup('MATHEMATICAL BOLD ' + ('CAPITAL ' if c.isupper() else 'SMALL ') + c.upper()) if c.isalpha() else unicodedata.lookup('MATHEMATICAL BOLD DIGIT ' + unicodedata.name(c).split()[-1]) if c.isdigit() else c for c in s) + '\\n')`,
      'bio.txt',
      { name: 'Unicode mathematical bold letters and digits (NFKC folds them)', realWorld: HIDE, kind: 'token' },
    ),
    py('tag-chars', `w('note: ok' + ''.join(chr(0xE0000 + ord(c)) for c in s) + '\\n')`, 'prompt.txt', {
      name: 'Unicode tag characters (ASCII smuggling)',
      realWorld: HIDE,
      kind: 'token',
    }),
    py('zero-width-interleaved', `w('key=' + '\\u200b'.join(s) + '\\n')`, 'cfg.txt', {
      name: 'a zero-width space between every character',
      realWorld: HIDE,
      kind: 'token',
    }),
    py('zwj-interleaved', `w('key=' + '\\u200d'.join(s) + '\\n')`, 'cfg.txt', {
      name: 'a zero-width joiner between every character',
      realWorld: HIDE,
      kind: 'token',
    }),
    made('reversed', `rev < secret`, 'notes.txt', { name: 'the value reversed (rev)', realWorld: HIDE, kind: 'token' }),
    made('atbash', `tr 'a-zA-Z' 'zyxwvutsrqponmlkjihgfedcbaZYXWVUTSRQPONMLKJIHGFEDCBA' < secret`, 'notes.txt', {
      name: 'Atbash (tr)',
      realWorld: HIDE,
      kind: 'token',
    }),
    py('punycode', `w('label=' + s.encode('punycode').decode() + '\\n')`, 'names.txt', {
      name: "Punycode of the value (Python's codec)",
      realWorld: 'an IDN label tool’s output',
      kind: 'latin1',
    }),
  ];
}

export function lists(): Variant[] {
  return [
    made('objcopy-ihex', `objcopy -I binary -O ihex secret k.hex && cat k.hex`, 'key.hex', {
      name: 'Intel HEX (objcopy -O ihex)',
      realWorld: 'firmware built with a key',
      kind: 'token',
    }),
    made('objcopy-srec', `objcopy -I binary -O srec secret k.srec && cat k.srec`, 'key.srec', {
      name: 'Motorola S-records (objcopy -O srec)',
      realWorld: 'firmware built with a key',
      kind: 'token',
    }),
    bytesAs('ca65-dollar', '.byte ', '$%02X', ',', '\n', 'key.s', { name: "6502 assemblers' .byte $74,$6F,…", realWorld: GEN, kind: 'token' }),
    bytesAs('semicolon-decimal', '', '%d', ';', '\n', 'key.txt', { name: 'decimal bytes between semicolons', realWorld: LOG, kind: 'token' }),
    bytesAs('oberon-x-chars', 'k := ', '%02XX', ' + ', ';\n', 'Key.Mod', { name: "Oberon's character constants 74X + 6FX + …", realWorld: GEN, kind: 'token' }),
  ];
}

/**
 * Made and audited as the artifacts are; still missed, asserted so. Punycode's bare output has no mark to begin a
 * reading at (a notation form would do: not made). Read since session 63 (once a gap): Go's `'t', 0x6f, 107`, a
 * character literal and numbers by turns (`char-lists.ts` takes bytes as numbers among quoted characters). Read since
 * session 62 (once gaps): F#'s `0x74uy; ` (the framed reader's looks turn their place in each slot,
 * `framed-numbers.ts`), Java's casts of hex and binary by turns and Python's `0b0111_0100` (each number its own mark's
 * radix; digit groups), Erlang's `$t` and Emacs Lisp's `?t` lists (`marked-chars.ts`). Intel HEX and S-records were
 * read all along (`hex-records.ts`, since round 7): the artifacts were empty — `made` redirects the command's output,
 * and `objcopy …; true > key.hex` wrote nothing —, now made through a file and `cat`.
 */
const GAPS = new Set<string>(['punycode']);
const all = (): Variant[] => [...marked(), ...r21Classes(), ...escapes(), ...forms(), ...lists()];
export const variant22Text: Variant[] = all().filter((v) => !GAPS.has(v.id));
export const variant22TextGaps: Variant[] = all().filter((v) => GAPS.has(v.id));
