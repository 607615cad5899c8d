/**
 * The variant corpus's nineteenth round, text notations (issue 28: "escapes as a family, not a list"): a value written
 * a character a call — JavaScript's String.fromCharCode(N) + …, Lua's string.char(N) .. …, Ruby's N.chr + …, C#'s and
 * Java's (char)N casts —, Go's %#U of its runes (`U+0041 'A'`), its characters by their Unicode names (Python's
 * namereplace, Perl's charnames, SBCL's #\LATIN_SMALL_LETTER_E_WITH_ACUTE), and keyed lists with quoted indices (Node's
 * console.log and JSON.stringify of an object of characters, PHP's serialize of str_split). Each written by the real
 * tool on Debian (the casts as a generator prints them: no C# compiler); all silent through the bundle of the session's
 * start (/tmp/lead/dist-start).
 *
 * Known misses, not asserted (probed through a bundle of this round's tree, silent): Python's raw_unicode_escape
 * (Latin-1 bytes between \u escapes), a big number in base 36 (Ruby to_s(36), BigInt.toString(36), BigInteger
 * toString(36)), PHP's convert_uuencode (no begin line), Go's %#v of a []string of characters, Erlang's print of
 * term_to_binary (~w, ~p), OCaml's lists (`[104; 101]`, `['h'; 'e']`), xxd -b -c1, rot13, R's rawToBits, dput of
 * strsplit and as.hexmode prints, Ruby's '%04X' of code points between blanks, characters whose names lie outside
 * unicode-names-data.ts's blocks (most emoji, CJK compatibility forms, Hangul syllables).
 */
import type { Variant } from './variant-text.js';
import { goMain } from './variant-round.js';

type Spec = Omit<Variant, 'id' | 'script' | 'where'>;
const LOG = 'a debugging print of a key left in a service’s log, in the language it is written in';
const GEN = 'a generated config class or an obfuscated script hiding a key a character a call';

/** A program reading ./secret, printing to $OUT/`file`. */
const made = (id: string, command: string, file: string, v: Spec): Variant => ({
  id,
  ...v,
  script: `${command} > "$OUT/${file}"`,
  where: new RegExp(`${id}/${file.replace('.', '\\.')}`),
});
/** A heredoc program of `tool` (`ext` its file's extension). */
const prog = (id: string, run: string, ext: string, src: string, file: string, v: Spec): Variant =>
  made(id, `cat > p.${ext} <<'EOF'\n${src}\nEOF\n${run} p.${ext}`, file, v);
const py = (id: string, body: string, file: string, v: Spec) =>
  prog(id, 'python3', 'py', `import sys\ns = open('secret', encoding='utf-8').read()\nb = s.encode()\n${body}`, file, v);
const node = (id: string, body: string, file: string, v: Spec) =>
  prog(id, 'node', 'js', `const s = require('fs').readFileSync('secret', 'utf8');\n${body}`, file, v);

export const variant19Text: Variant[] = [
  node('js-fromcharcode', `console.log('var k = ' + [...s].map((c) => 'String.fromCharCode(' + c.codePointAt(0) + ')').join(' + ') + ';');`, 'app.js', {
    name: 'JavaScript String.fromCharCode(N) + … a character a call (node)',
    realWorld: GEN,
    kind: 'unicode',
  }),
  prog(
    'lua-string-char',
    'lua5.4',
    'lua',
    `local f = io.open('secret', 'rb'); local s = f:read('a'); local t = {}\nfor i = 1, #s do t[#t + 1] = 'string.char(' .. s:byte(i) .. ')' end\nprint('local k = ' .. table.concat(t, ' .. '))`,
    'config.lua',
    { name: 'Lua string.char(N) .. … a byte a call (lua5.4)', realWorld: GEN, kind: 'specials' },
  ),
  prog(
    'ruby-int-chr',
    'ruby',
    'rb',
    `s = File.read('secret', encoding: 'UTF-8')\nputs 'k = ' + s.each_char.map { |c| "#{c.ord}.chr(Encoding::UTF_8)" }.join(' + ')`,
    'task.rb',
    {
      name: 'Ruby N.chr(Encoding::UTF_8) + … (ruby)',
      realWorld: GEN,
      kind: 'unicode',
    },
  ),
  py('cs-char-cast', `print('var k = "" + ' + ' + '.join('(char)%d' % ord(c) for c in s) + ';')`, 'Secrets.cs', {
    name: "C#'s (char)N + … as a generator prints it",
    realWorld: GEN,
    kind: 'specials',
  }),
  py('java-char-cast-hex', `print('String k = "" + ' + ' + '.join('(char) 0x%x' % ord(c) for c in s) + ';')`, 'Secrets.java', {
    name: "Java's (char) 0xN + … as a generator prints it",
    realWorld: GEN,
    kind: 'latin1',
  }),
  {
    id: 'go-sharp-u',
    name: "Go fmt %#U of a []rune: [U+0074 't' …]",
    realWorld: LOG,
    kind: 'unicode',
    script: goMain(
      `package main
import ("fmt"; "os")
func main() { b, _ := os.ReadFile("../secret"); f, _ := os.Create(os.Getenv("OUT") + "/debug.log"); fmt.Fprintf(f, "runes=%#U\\n", []rune(string(b))) }`,
      'go run main.go',
    ),
    where: /go-sharp-u\/debug\.log/,
  },
  py('py-namereplace', `sys.stdout.write('token=' + s.encode('ascii', 'namereplace').decode() + '\\n')`, 'trace.log', {
    name: "Python's namereplace: \\N{LATIN SMALL LETTER E WITH ACUTE}",
    realWorld: 'a Python script writing a value to an ASCII-only log',
    kind: 'latin1',
  }),
  prog(
    'perl-charnames',
    'perl',
    'pl',
    `use charnames (); open F, '<:encoding(UTF-8)', 'secret'; local $/; $s = <F>;\nprint join('', map { ord($_) < 128 ? $_ : '\\\\N{' . charnames::viacode(ord $_) . '}' } split //, $s), "\\n";`,
    'app.log',
    { name: "Perl's charnames::viacode as \\N{…}", realWorld: LOG, kind: 'latin1' },
  ),
  made(
    'sbcl-named-chars',
    `sbcl --noinform --non-interactive --eval '(with-open-file (f "secret" :external-format :utf-8) (print (coerce (read-line f) (quote list))))' 2>/dev/null`,
    'repl.log',
    { name: "SBCL's list of characters with named ones: #\\LATIN_SMALL_LETTER_E_WITH_ACUTE", realWorld: 'a Lisp service’s REPL log', kind: 'latin1' },
  ),
  node('node-obj-chars', `console.log('chars:', Object.assign({}, [...s]));`, 'node.log', {
    name: "Node's console.log of an object of characters: { '0': 't', … }",
    realWorld: LOG,
    kind: 'specials',
  }),
  node('node-json-obj-chars', `console.log(JSON.stringify({ key: { ...[...s] } }));`, 'state.json', {
    name: 'JSON.stringify of an object of characters: {"0":"t",…}',
    realWorld: 'a Node service’s state file',
    kind: 'unicode',
  }),
  prog('php-serialize-chars', 'php', 'php', `<?php $s = file_get_contents('secret'); echo 'login|', serialize(str_split($s)), "\\n";`, 'sess_4f2a', {
    name: "PHP's serialize(str_split($s)) in a session file",
    realWorld: 'a PHP session file holding a password split into characters',
    kind: 'specials',
  }),
];
