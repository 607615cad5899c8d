// Property: a value's characters printed as a list, each quoted on its own — Python's print(list(s)), Node's
// util.inspect([...s]) (aligned columns, line breaks), PHP's var_export of its characters (indexed), Ruby's p s.chars
// and JSON.stringify([...s]) (double quotes only), Java's Arrays.toString(char[]) (bare) — by the real runtimes, the value
// holding ' " \ & é € 😀 and a blank, is a place of the notation and its text rewritten holds the value whole; the clean
// twin (another value listed the same) holds no leaky one; text with short quoted lists, JSON lines (`"a",`) and prose
// is no rewrite, and `[` in code, JSON and prose is no place. Nearest real-world variant: a debug print of a password's
// characters in a build log (red team rounds 13 and 14: py-list-chars, node-chars-inspect, ruby-chars-p, java-chararray,
// php-var-export-chars, node-json-chars, perl-dumper-chars). Read here as EncodedRuns reads it: its needles found, `at`
// asked, the text rewritten.
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { CHAR_LISTS, JAVA_CHAR_LISTS } from './char-lists.js';
import { has } from './testing.js';
import { tool } from './text-rewrite.testing.js';

const rand = seededPerTest(1313);
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function value(): string {
  let v = 'k';
  for (let n = rand.int(10, 40); n > 0; n--) v += rand.int(3) ? rand.chars(LETTERS, 1) : rand.pick([...`'"\\& é€😀+/=`]);
  return `${v}Z`;
}

/** The text rewritten where the notation finds a place (its needles' hits that `at` takes), as UTF-8. */
function read(text: Buffer, notation = CHAR_LISTS): string {
  for (const needle of notation.needles)
    for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1))
      if (notation.at(text, at)) return (notation.rewrite(text) ?? Buffer.alloc(0)).toString('utf8');
  return '';
}

const printers: Array<[string, string, string[]]> = [
  ['Python print(list(s))', '/usr/bin/python3', ['-c', 'import sys; s = sys.stdin.read(); print("chars:", list(s))']],
  ['Node util.inspect([...s])', 'node', ['-e', 'const s = require("fs").readFileSync(0, "utf8"); console.log("chars", require("util").inspect([...s]))']],
  ['Node JSON.stringify([...s])', 'node', ['-e', 'const s = require("fs").readFileSync(0, "utf8"); console.log(JSON.stringify({ chars: [...s] }))']],
  ['Ruby p s.chars', 'ruby', ['-e', 'p $stdin.read.force_encoding("UTF-8").chars']],
  ['PHP var_export of its characters', 'php', ['-r', 'var_export(preg_split("//u", file_get_contents("php://stdin"), -1, PREG_SPLIT_NO_EMPTY));']],
  ['Perl Data::Dumper of [split //, $s]', 'perl', ['-MData::Dumper', '-CSD', '-e', 'local $/; my $s = <STDIN>; print Dumper([split //, $s]);']],
];

describe(`char lists (seed ${rand.seed})`, () => {
  it.each(printers)('%s: the value read back whole; the clean twin holds no leaky one', (_name, cmd, args) => {
    if (!has(cmd)) return;
    for (let i = 0; i < 4; i++) {
      const [leaky, clean] = [value(), value()];
      const text = tool(cmd, args, leaky);
      expect(text.toString()).not.toContain(leaky);
      expect(read(Buffer.concat([Buffer.from('log line before\n'), text, Buffer.from('after\n')]))).toContain(leaky);
      expect(read(tool(cmd, args, clean))).not.toContain(leaky);
    }
  });

  it('`[` in code, JSON, Markdown and prose is no place; a list of words or of two characters is none either', () => {
    const text = Buffer.from(
      [
        'a[i] = b[j, k]; m = [x for x in y]; [a, bc, d]; [a, b]\n',
        '{"files": ["dist", "src"], "os": ["linux"], "x": ["a", "bb"], "pair": ["a","b"]}\n',
        'See [the docs](https://example.com) and [1, 2].\n[x, yy, z]\n',
      ].join(''),
    );
    const places: number[] = [];
    for (let at = text.indexOf('['); at >= 0; at = text.indexOf('[', at + 1)) if (JAVA_CHAR_LISTS.at(text, at)) places.push(at);
    expect(places).toEqual([]);
  });

  it('short lists, JSON lines, lists of words and prose are no rewrite', () => {
    const text = [
      `{"name": "a", "kind": "b", "list": ["x", "y", "z"]}\n`,
      `modes = ['r', 'w', 'x', 'a']\n`,
      `words = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta']\n`,
      `He said "a", then 'b', and left.\n`,
      `{\n  "a": "1",\n  "b": "2",\n  "c": "3"\n}\n`,
      `array (\n  0 => 'a',\n  1 => 'b',\n)\n`,
      `["a","b","c"] [x, y, z] f(a, b, c, d, e, f, g, h);\n[alpha, beta, gamma, delta]\n`,
    ].join('');
    expect(CHAR_LISTS.rewrite(Buffer.from(text))).toBeUndefined();
  });
});

describe(`Java's Arrays.toString of a char[] (seed ${rand.seed})`, () => {
  // Found by its `[` (a list of one character, `, `, one character, `, `): JAVA_CHAR_LISTS, not listed in runs.ts's
  // notations() (`[` is every JS text's: its CPU measured in char-lists.ts), so CHAR_LISTS alone finds no place. Read here
  // as EncodedRuns would. Real-world: a Java service logging the char[] a JPasswordField gave it (variant13 java-chararray).
  // A char[] holds UTF-16 units: an astral character's surrogates, printed apart, are no UTF-8 — values without one.
  const value16 = () => value().replace(/😀/g, 'x');
  const src = (v: string) =>
    `public class G { public static void main(String[] a) { System.out.println("DEBUG password=" + java.util.Arrays.toString(new String(java.util.Base64.getDecoder().decode("${Buffer.from(v).toString('base64')}"), java.nio.charset.StandardCharsets.UTF_8).toCharArray())); } }\n`;
  const run = (v: string) =>
    tool(
      'sh',
      ['-c', 'mkdir -p /tmp/hoist-g-$$ && cat > /tmp/hoist-g-$$/G.java && java -Dstdout.encoding=UTF-8 /tmp/hoist-g-$$/G.java; rm -rf /tmp/hoist-g-$$'],
      src(v),
    );
  it.skipIf(!has('java'))('the value read back whole; the clean twin holds no leaky one', () => {
    for (let i = 0; i < 2; i++) {
      const [leaky, clean] = [value16(), value16()];
      const text = run(leaky);
      expect(text.toString()).not.toContain(leaky);
      expect(read(text)).toBe('');
      expect(read(text, JAVA_CHAR_LISTS)).toContain(leaky);
      expect(read(run(clean), JAVA_CHAR_LISTS)).not.toContain(leaky);
    }
  });

  it('prose, argument lists and lists of words are no rewrite', () => {
    const text = 'Hello, world, and a, b, c for you.\nf(a, b, c, d, e, f, g, h);\n[alpha, beta, gamma, delta]\n[x, y, z]\n';
    expect(CHAR_LISTS.rewrite(Buffer.from(text))).toBeUndefined();
  });
});

// Property: a value written in source code as character literals with a prefix — Rust's byte literals `b'a'`, C's and
// C++'s `L'a'`, `u'a'`, `U'a'`, `u8'a'` — or as character literals and byte numbers by turns (Go's `[]byte{'t', 0x6f,
// 107}`, C's `{'t', 0x6f, 0153}`: hex, octal, decimal), any separator, any ASCII value with quotes and backslashes
// escaped, is read back; numbers alone (the byte lists' reader's), numbers beyond a byte and lists of words are no
// rewrite. Nearest real-world variants: a key pasted into Go or Rust source as a byte array, checked by the real gofmt
// where it is installed (the Go source parses as Go). Silent through the bundle of the session's start
// (/tmp/lead/dist-start): the list reader took only bare quoted characters.
describe(`character literals with a prefix, and bytes as numbers among them (seed ${rand.seed})`, () => {
  const ascii = () => {
    let v = 'k';
    for (let n = rand.int(10, 30); n > 0; n--) v += rand.int(3) ? rand.chars(LETTERS, 1) : rand.pick([...'\'"\\&+/=_-']);
    return `${v}Z`;
  };
  const quoted = (c: string, prefix: string) => `${prefix}'${c === "'" || c === '\\' ? `\\${c}` : c}'`;
  const number = (c: string) => {
    const n = c.charCodeAt(0);
    return rand.pick([`0x${n.toString(16)}`, `0X${n.toString(16).toUpperCase()}`, String(n), `0${n.toString(8)}`]);
  };
  const forms: Array<[string, (v: string) => string]> = [
    ["Rust b'a'", (v) => `const KEY: [u8; ${v.length}] = [${[...v].map((c) => quoted(c, 'b')).join(rand.pick([', ', ',\n    ']))}];\n`],
    ["C++ L'a'", (v) => `static const wchar_t k[] = {${[...v].map((c) => quoted(c, 'L')).join(', ')}, 0};\n`],
    ["C++ u8'a'", (v) => `constexpr char8_t k[] = {${[...v].map((c) => quoted(c, 'u8')).join(', ')}};\n`],
    ["C++ U'a' and u'a'", (v) => `char32_t k[] = {${[...v].map((c, i) => quoted(c, i % 2 ? 'U' : 'u')).join(', ')}};\n`],
    ['Go chars and numbers by turns', (v) => `var key = []byte{${[...v].map((c, i) => (i % 3 === 0 ? quoted(c, '') : number(c))).join(', ')}}\n`],
    [
      'C chars and numbers at random',
      (v) => `static const unsigned char k[] = {\n    ${[...v].map((c, i) => (i === 0 || rand.int(1) ? quoted(c, '') : number(c))).join(',\n    ')}\n};\n`,
    ],
  ];
  it.each(forms)('%s: the value read back whole', (_name, form) => {
    for (let i = 0; i < 30; i++) {
      const v = ascii();
      const text = Buffer.from(`// generated\n${form(v)}`);
      expect(text.toString()).not.toContain(v);
      expect(read(text), text.toString()).toContain(v);
    }
  });

  it.skipIf(!has('gofmt'))('the Go source is Go (gofmt reads it), and read back after gofmt wrote it', () => {
    const v = ascii();
    const src = `package main\n\n${forms[4]![1](v)}`;
    const formatted = tool('gofmt', [], src);
    expect(read(formatted)).toContain(v);
  });

  it('numbers alone, numbers beyond a byte, and words are no rewrite', () => {
    const text = [
      'int a[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};\n',
      "x = ['a', 300, 400, 500, 600, 700, 800, 900, 1000]\n",
      "names = ['alpha', 1, 'beta', 2, 'gamma', 3, 'delta', 4]\n",
      'var b = []byte{0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08}\n',
    ].join('');
    expect(CHAR_LISTS.rewrite(Buffer.from(text))).toBeUndefined();
  });
});
