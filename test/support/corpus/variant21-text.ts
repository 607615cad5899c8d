/**
 * The variant corpus's twenty-first round, text notations (issue 28, items 4 and 5: "escapes as a family, not a list"):
 * a value's bytes as numbers in the radix conventions languages write them in — C23's `0b`, Visual Basic's `&H`,
 * Delphi's `#116` and Pascal's `#$74` character literals, NASM's `074h`, Lisp's `#x74`, Erlang's `16#74`, bits between
 * commas —, a byte list whose text follows a serialization's binary header (Java's ObjectOutputStream printed by
 * Arrays.toString), a block list of characters (Ruby's to_yaml). Each written by the real tool on Debian where it is
 * installed (a generator printing as the tool does where it is not: named so). All silent through the bundle of the
 * session's start (/tmp/lead/dist-start).
 *
 * Known misses once, read since session 61 (numbers in one frame, `framed-numbers.ts`): Java's `(byte) 0b…` casts,
 * PostgreSQL's `U&'\0074'`, bits between dashes, `echo -e`'s `\0NNN` octal. Known miss, asserted still missed
 * (`variant21TextGaps`): PHP's addcslashes of every byte of a Latin-1 value (`\Z\p\303\251`: a backslash before letters
 * that C reads as escapes).
 */
import type { Variant } from './variant-text.js';
import { made, erl, perl, py, ruby, type Spec } from './variant20-text.js';
import { javaMain } from './variant-round.js';

const GEN = 'a generated source file or an obfuscated script holding a key as numbers';
const LOG = 'a debugging print of a key left in a service’s log';
const DUMP = 'a value dumped by a language’s own print into a state or cache file';

/** Python printing `fmt % byte` for each byte of the value joined by `sep`, between `head` and `tail`. */
const bytesAs = (id: string, head: string, fmt: string, sep: string, tail: string, file: string, v: Spec, encoding = 'b') =>
  py(id, `w(${JSON.stringify(head)} + ${JSON.stringify(sep)}.join(${JSON.stringify(fmt)} % c for c in ${encoding}) + ${JSON.stringify(tail)})`, file, v);

const GAPS = new Set(['php-addcslashes']);
const all = (): Variant[] => [...radixes(), ...headers(), ...gaps()];

export const variant21Text: Variant[] = all().filter((v) => !GAPS.has(v.id));

function radixes(): Variant[] {
  return [
    bytesAs(
      'c23-binary',
      'static const uint8_t k[] = {',
      '0b%s',
      ', ',
      '};\n',
      'key.c',
      { name: "C23's 0b binary literals: {0b01110100, …}", realWorld: GEN, kind: 'token' },
      "[format(c, '08b') for c in b]",
    ),
    bytesAs('vb-hex-array', 'k = Array(', '&H%X', ', ', ')\n', 'Module1.bas', { name: "Visual Basic's Array(&H74, &H6F, …)", realWorld: GEN, kind: 'token' }),
    bytesAs('vb-octal-array', 'k = Array(', '&O%o', ', ', ')\n', 'Module1.bas', {
      name: "Visual Basic's octal &O164, &O157, …",
      realWorld: GEN,
      kind: 'latin1',
    }),
    bytesAs(
      'delphi-chars',
      'const K = ',
      '#%d',
      '',
      ';\n',
      'Key.pas',
      { name: "Delphi's character literals #116#111… (cp1252)", realWorld: GEN, kind: 'latin1' },
      "s.encode('cp1252')",
    ),
    bytesAs(
      'pascal-hex-chars',
      'const K = ',
      '#$%02X',
      '',
      ';\n',
      'Key.pas',
      { name: "Pascal's #$74#$6F… (cp1252)", realWorld: GEN, kind: 'token' },
      "s.encode('cp1252')",
    ),
    bytesAs('nasm-db-h', 'key: db ', '0%02Xh', ',', '\n', 'key.asm', { name: "NASM's db 074h,06Fh,… (hex with an h suffix)", realWorld: GEN, kind: 'token' }),
    bytesAs('lisp-hex-list', "(defparameter *k* '(", '#x%X', ' ', '))\n', 'key.lisp', {
      name: "Common Lisp's #x74 #x6F … list",
      realWorld: GEN,
      kind: 'latin1',
    }),
    erl('erl-radix16', 'io:format("~s~n", [string:join([io_lib:format("~.16#", [X]) || <<X>> <= B], ",")])', 'node.log', {
      name: "Erlang's ~.16# of each byte: 16#74,16#6F,…",
      realWorld: LOG,
      kind: 'token',
    }),
    perl('perl-octal-hash', `print 'my @k = (', join(', ', map { sprintf '%#o', $_ } unpack 'C*', $s), ");\\n";`, 'key.pl', {
      name: "Perl's sprintf('%#o'): 0164, 0157, … (C octal literals)",
      realWorld: GEN,
      kind: 'latin1',
    }),
    bytesAs(
      'bits-comma',
      '',
      '%s',
      ',',
      '\n',
      'key.bits',
      { name: 'bits of each byte between commas: 01110100,01101111,…', realWorld: LOG, kind: 'token' },
      "[format(c, '08b') for c in b]",
    ),
  ];
}

function headers(): Variant[] {
  return [
    made(
      'java-serialized-list',
      javaMain(
        `var o = new java.io.ByteArrayOutputStream(); try (var w = new java.io.ObjectOutputStream(o)) { w.writeObject(s); } System.out.println(Arrays.toString(o.toByteArray()));`,
      ),
      'job.log',
      {
        name: "Java's Arrays.toString of an ObjectOutputStream's String: [-84, -19, 0, 5, 116, 0, 28, …]",
        realWorld: 'a service logging the bytes of a cached, serialized value',
        kind: 'token',
      },
    ),
    made(
      'erl-ttb-charlist',
      `erl -noshell -eval '{ok, B} = file:read_file("secret"), io:format("~w~n", [term_to_binary(binary_to_list(B))]), halt().'`,
      'node.log',
      {
        name: "Erlang's ~w of term_to_binary of a charlist: <<131,107,0,N,…>>",
        realWorld: 'an Erlang node logging a message it sends',
        kind: 'token',
      },
    ),
    ruby('ruby-yaml-chars', `require 'yaml'\nputs({ 'key' => s.chars }.to_yaml)`, 'state.yml', {
      name: 'Ruby\'s to_yaml of s.chars: - t ⏎ - o ⏎ - "\\\\" …',
      realWorld: DUMP,
      kind: 'specials',
    }),
    py('yaml-indented-chars', `import yaml\nw(yaml.safe_dump({'app': {'key': list(s)}}, indent=4, default_flow_style=False))`, 'state.yaml', {
      name: "PyYAML's nested block sequence of characters, indented",
      realWorld: DUMP,
      kind: 'unicode',
    }),
  ];
}

function gaps(): Variant[] {
  return [
    bytesAs(
      'java-binary-casts',
      'byte[] k = {',
      '(byte) 0b%s',
      ', ',
      '};\n',
      'Key.java',
      { name: "Java's (byte) 0b… casts", realWorld: GEN, kind: 'latin1' },
      "[format(c, '08b') for c in b]",
    ),
    py('pg-uescape', `w("SELECT U&'" + ''.join('\\\\%04X' % ord(c) if ord(c) < 0x10000 else '\\\\+%06X' % ord(c) for c in s) + "';\\n")`, 'seed.sql', {
      name: "PostgreSQL's U&'\\0074\\006F…' (as a generator writes it)",
      realWorld: 'a seed script',
      kind: 'unicode',
    }),
    bytesAs(
      'bits-dash',
      '',
      '%s',
      '-',
      '\n',
      'key.bits',
      { name: 'bits of each byte between dashes', realWorld: LOG, kind: 'token' },
      "[format(c, '08b') for c in b]",
    ),
    made('echo-e-octal', `printf 'echo -e "%s"\\n' "$(od -An -to1 -v secret | tr -s ' ' | sed 's/ /\\\\0/g' | tr -d '\\n')"`, 'run.sh', {
      name: "echo -e's \\0NNN octal escapes",
      realWorld: GEN,
      kind: 'token',
    }),
    made('php-addcslashes', `php -r 'echo "\\"", addcslashes(file_get_contents("secret"), "\\0..\\377"), "\\"\\n";'`, 'cfg.php', {
      name: "PHP's addcslashes of every byte",
      realWorld: GEN,
      kind: 'latin1',
    }),
  ];
}

/** Known misses of this round (made and audited as the artifacts are, asserted still missed). */
export const variant21TextGaps: Variant[] = all().filter((v) => GAPS.has(v.id));
