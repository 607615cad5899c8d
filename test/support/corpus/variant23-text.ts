/**
 * The variant corpus's twenty-third round, text notations: the classes of round 22's asserted gaps (variant22-text*.ts)
 * and what a demanding user meets next — character literals a mark leads, in lists (Erlang's `$t` as io_lib:write_char
 * writes it, with and without blanks, of a value with blanks and quotes; Elixir's and Ruby's `?t`; Emacs Lisp's `?t` in a
 * vector), numbers whose list phase-locked the framed reader's looks (F#'s `0x74uy;` with no blank, C#'s `(byte)0X74`,
 * C++'s `static_cast<uint8_t>(0x74)`), digit groups (Python's `format(c, '#011_b')`, Java's `(byte) 0b0111_0100`) and
 * marks differing in one list (Java's casts of binary and hex by turns). Each written by
 * the real tool where it is installed (erl, elixir, ruby, python3's own format), else a generator printing as the
 * language writes (named so). All silent through the bundle of the session's start (/tmp/lead/dist-start); read since
 * session 62 by `marked-chars.ts` and `framed-numbers.ts`. Hunted and found already by the session's start bundle (so
 * not in the round): F#'s `[|0x74uy;0x6fuy|]` with no blank (7-byte items: no lock), Python's `oct()` and `hex()` by turns.
 */
import type { Variant } from './variant-text.js';
import { prog, ruby } from './variant20-text.js';
import { bytesAs, GEN } from './variant22-text.js';

/** Erlang: the value's characters as io_lib:write_char writes each, joined by `sep`, in a list bound to K. */
const erl = (id: string, sep: string, kind: Variant['kind'], name: string): Variant =>
  prog(
    id,
    `sh -c 'exec erl -noshell -eval "$(cat "$0")"'`,
    'erl',
    `{ok, B} = file:read_file("secret"), io:format("K = [~ts].~n", [lists:join(${JSON.stringify(sep)}, [io_lib:write_char(C) || C <- unicode:characters_to_list(B)])]), halt().`,
    'key.erl',
    { name, realWorld: GEN, kind },
  );

export function markedChars(): Variant[] {
  return [
    erl('erlang-write-char', ', ', 'token', "Erlang's [$t, $o, …] (io_lib:write_char)"),
    erl('erlang-write-char-tight', ',', 'token', "Erlang's [$t,$o,…] (io_lib:write_char, no blanks)"),
    erl('erlang-write-char-specials', ', ', 'specials', 'Erlang\'s write_char of a value with quotes and backslashes ($\\\\, $")'),
    prog(
      'elixir-question-chars',
      'elixir',
      'exs',
      `s = File.read!("secret")\nIO.puts("k = [" <> Enum.map_join(String.to_charlist(s), ", ", fn c -> "?" <> <<c::utf8>> end) <> "]")`,
      'key.exs',
      { name: "Elixir's [?t, ?o, …] character literals", realWorld: GEN, kind: 'token' },
    ),
    ruby('ruby-question-chars', `puts "k = [" + s.chars.map { |c| "?#{c}" }.join(', ') + "].join"`, 'key.rb', {
      name: "Ruby's [?t, ?o, …].join",
      realWorld: GEN,
      kind: 'token',
    }),
    bytesAs('elisp-vector-chars', '(setq k (concat [', '?%c', ' ', ']))\n', 'key.el', {
      name: "Emacs Lisp's (concat [?t ?o …]) (a generator writing Emacs's syntax: no emacs on the machine)",
      realWorld: GEN,
      kind: 'token',
    }),
  ];
}

export function framed(): Variant[] {
  return [
    bytesAs('fsharp-uy-upper', 'let k = [| ', '0x%02Xuy', '; ', ' |]\n', 'Key.fs', { name: "F#'s [| 0x74uy; 0x6Fuy; … |]", realWorld: GEN, kind: 'token' }),
    bytesAs('csharp-byte-upper-x', 'byte[] k = {', '(byte)0X%02X', ', ', '};\n', 'Key.cs', {
      name: "C#'s (byte)0X74, (byte)0X6F, …",
      realWorld: GEN,
      kind: 'token',
    }),
    bytesAs('cpp-static-cast-uint8', 'const uint8_t k[] = {', 'static_cast<uint8_t>(0x%02x)', ', ', '};\n', 'key.cpp', {
      name: "C++'s static_cast<uint8_t>(0x74), …",
      realWorld: GEN,
      kind: 'token',
    }),
    bytesAs(
      'python-bits-grouped-tuple',
      'K = (',
      '%s',
      ', ',
      ')\n',
      'key.py',
      { name: "Python's format(c, '#011_b') in a tuple: (0b0111_0100, …)", realWorld: GEN, kind: 'token' },
      "[format(c, '#011_b') for c in b]",
    ),
    bytesAs(
      'java-bits-grouped-casts',
      'byte[] k = {',
      '(byte) %s',
      ', ',
      '};\n',
      'Key.java',
      { name: "Java's (byte) 0b0111_0100, … (digit groups)", realWorld: GEN, kind: 'token' },
      "[format(c, '#011_b') for c in b]",
    ),
    bytesAs(
      'java-casts-binary-hex-turns',
      'byte[] k = {',
      '(byte)%s',
      ', ',
      '};\n',
      'Key.java',
      { name: "Java's (byte)0b01110100, (byte)0x6f, … by turns", realWorld: GEN, kind: 'token' },
      "[(format(c, '#010b'), format(c, '#04x'))[i % 2] for i, c in enumerate(b)]",
    ),
  ];
}

/**
 * Round 23's two asserted gaps, read since session 63: Go's `[]byte{'t', 0x6f, 107}` mixes a character literal with
 * numbers (`char-lists.ts` takes bytes as numbers among quoted characters); Emacs Lisp's `(string ?t ?o …)` follows a
 * function's symbol, not a list's opener (`marked-chars.ts` takes a Lisp call's head before `?` items).
 */
export function literalLists(): Variant[] {
  return [
    bytesAs(
      'go-mixed-literals',
      'k := []byte{',
      '%s',
      ', ',
      '}\n',
      'key.go',
      { name: "Go's []byte{'t', 0x6f, 107, …} (a literal, hex and decimal by turns)", realWorld: GEN, kind: 'token' },
      "[(\"'%c'\" % c, '0x%02x' % c, '%d' % c)[i % 3] for i, c in enumerate(b)]",
    ),
    bytesAs('elisp-string-chars', '(setq k (string ', '?%c', ' ', '))\n', 'key.el', { name: "Emacs Lisp's (string ?t ?o …)", realWorld: GEN, kind: 'token' }),
  ];
}

export const variant23Text: Variant[] = [...markedChars(), ...framed(), ...literalLists()];
export const variant23TextGaps: Variant[] = [];
