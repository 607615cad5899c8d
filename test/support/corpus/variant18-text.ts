/**
 * The variant corpus's eighteenth round, text notations (issue 28: "escapes as a family, not a list"): a value's bytes
 * as numbers no byte list's reader took — words of 2, 4 and 8 bytes (PHP's, Perl's and Ruby's unpack('n*'), ('N*'),
 * ('v*'), ('L*'); Python's array('H'), array('I') and struct.unpack; Node's Uint16Array; Java's short[] of a
 * ByteBuffer; Tcl's binary scan S*; hexdump's %u words; PHP's print_r of unpack('n*'), a keyed list of words), one big
 * number (Python's int.from_bytes in decimal, bin() and oct(); Java's BigInteger), Python's 0o lists, SBCL's octet
 * vectors and char-code lists —; its characters between single separators (Python's ' '.join, '\n'.join, ','.join,
 * '\t'.join and '\r\n'.join; Go's %c of runes; Tcl's split; SBCL's and Guile's lists of characters); R's vector prints
 * (charToRaw, as.integer, utf8ToInt, strsplit: each line after its first element's index); IDNA's xn-- labels
 * (Python's punycode codec). Each written by the real tool on Debian; all silent through the bundle of 8dff179.
 *
 * Known gaps (silent, named in variant18TextGaps): punycode without `xn--` (a codec's bare output is any hyphenated
 * word), Python's raw_unicode_escape (Latin-1 bytes between \u escapes), Z85 (basenc --z85), PHP's convert_uuencode
 * (no begin line), base36 of a big number. Read since round 19 (char codes, keyed lists; moved from the gaps):
 * JavaScript's String.fromCharCode(N) + …, C#'s (char)N + …, Lua's string.char(N) .. …, PHP's serialize(str_split($s)).
 * Probed and read already by the bundle of 8dff179 (not made): UTF-16/32 without a BOM, UTF-7, EBCDIC (IBM037, IBM500,
 * dd conv=ebcdic), Ascii85 and b85, base32hex, JSON in JSON in JSON, URL double encoding, HTML in JSON, CSV doubling,
 * pprint's split literals, YAML folded and escaped scalars, MIME encoded words (B and Q, split), RFC 2231
 * continuations, header folding, mojibake, .NET BitConverter, PowerShell [char]N, SQL CHR()||, CONCAT(CHAR()), bytea
 * escapes, PowerShell -EncodedCommand, JS escape(), CESU-8, od -t u2/d2/o2/x2/u4/x4/x8/a/d1, hexdump -d/-o, bash
 * printf %q and declare -p, gettext's wrapped msgstr, Perl quotemeta and Data::Dumper, Ruby dump, Go %U %q %+q %x and
 * %#v of runes, Java Properties (store, storeToXML), writeUTF, Node's String.fromCharCode(a, b), split literals, jq
 * tojson twice and split(""), Erlang ~p and ~w, Rust {:x?} {:#?} escape_unicode escape_default, git's binary patch,
 * PHP htmlentities, addcslashes, chr().chr(), var_export, quoted_printable_encode, Lua %q and utf8.codes, Guile
 * string->utf8, OCaml String.escaped and %S, R dput(charToRaw), Elixir inspect of binaries, charlists and graphemes,
 * uuencode, Python pickle protocol 0.
 */
import type { Variant } from './variant-text.js';
import { goMain, javaMain } from './variant-round.js';

type Spec = Omit<Variant, 'id' | 'script' | 'where'>;
const LOG = 'a debugging print of a key’s bytes left in a service’s log, in the language it is written in';

/** A one-line program of `tool` (reading ./secret) printing to $OUT/`file`. */
const made = (id: string, command: string, file: string, v: Spec): Variant => ({
  id,
  ...v,
  script: `${command} > "$OUT/${file}"`,
  where: new RegExp(`${id}/${file.replace('.', '\\.')}`),
});
const py = (id: string, body: string, v: Spec): Variant => ({
  id,
  ...v,
  script: `/usr/bin/python3 - > "$OUT/trace.log" <<'EOF'\nimport sys\nb = open('secret', 'rb').read()\ns = b.decode()\n${body}\nEOF`,
  where: new RegExp(`${id}/trace\\.log`),
});
const perl = (id: string, body: string, v: Spec) => made(id, `perl -e 'open F, "<:raw", "secret" or die; local $/; $s = <F>; ${body}'`, 'app.log', v);
const ruby = (id: string, body: string, v: Spec) => made(id, `ruby -e 's = File.binread("secret"); ${body}'`, 'task.log', v);
const php = (id: string, body: string, v: Spec) => made(id, `php -r '$s = file_get_contents("secret"); ${body}'`, 'debug.log', v);
const rs = (id: string, body: string, v: Spec) => made(id, `Rscript -e 's <- readLines("secret", warn = FALSE, encoding = "UTF-8"); ${body}'`, 'job.Rout', v);
const sbcl = (id: string, form: string, v: Spec) => made(id, `sbcl --noinform --non-interactive --eval '${form}' 2>/dev/null`, 'repl.log', v);
const tcl = (id: string, body: string, v: Spec): Variant => ({
  id,
  ...v,
  script: `printf '%s\\n' '${body}' > s.tcl && tclsh s.tcl > "$OUT/expect.log"`,
  where: new RegExp(`${id}/expect\\.log`),
});

export const variant18Text: Variant[] = [
  php('php-print-r-n', 'print_r(unpack("n*", $s . (strlen($s) % 2 ? "\\0" : "")));', {
    name: "PHP print_r(unpack('n*')): 16-bit words after their indices",
    realWorld: LOG,
    kind: 'unicode',
  }),
  php('php-json-N', 'echo json_encode(array_values(unpack("N*", str_pad($s, (int)ceil(strlen($s) / 4) * 4, "\\0")))), "\\n";', {
    name: "PHP json_encode(unpack('N*')): 32-bit words",
    realWorld: LOG,
    kind: 'token',
  }),
  perl('perl-n', '$s .= "\\0" if length($s) % 2; print join(" ", unpack("n*", $s)), "\\n"', {
    name: "Perl unpack('n*'): big-endian 16-bit words between blanks",
    realWorld: LOG,
    kind: 'unicode',
  }),
  perl('perl-V', '$s .= "\\0" x (-length($s) % 4); print join(",", unpack("V*", $s)), "\\n"', {
    name: "Perl unpack('V*'): little-endian 32-bit words between commas",
    realWorld: LOG,
    kind: 'specials',
  }),
  ruby('ruby-n', 's << 0.chr if s.size.odd?; p s.unpack("n*")', { name: "Ruby p s.unpack('n*')", realWorld: LOG, kind: 'token' }),
  ruby('ruby-L', 's << 0.chr * (-s.size % 4); p s.unpack("L*")', { name: "Ruby p s.unpack('L*') (little-endian 32-bit)", realWorld: LOG, kind: 'unicode' }),
  py('py-array-H', "import array; a = array.array('H'); a.frombytes(b + bytes(len(b) % 2)); print(a)", {
    name: "Python print(array('H', b)): little-endian 16-bit words",
    realWorld: LOG,
    kind: 'unicode',
  }),
  py('py-struct-Q', "import struct; c = b + bytes(-len(b) % 8); print(struct.unpack('<%dQ' % (len(c) // 8), c))", {
    name: "Python struct.unpack('<…Q'): 64-bit words",
    realWorld: LOG,
    kind: 'spaces',
  }),
  py('py-hex-words', "import array; a = array.array('H'); a.frombytes(b + bytes(len(b) % 2)); print([hex(x) for x in a])", {
    name: "Python [hex(w) for w in array('H')]",
    realWorld: LOG,
    kind: 'token',
  }),
  py('py-oct-list', 'print([oct(x) for x in b])', { name: "Python [oct(b) for b in …]: ['0o164', …]", realWorld: LOG, kind: 'unicode' }),
  py('py-bigint', "print('n =', int.from_bytes(b, 'big'))", {
    name: "Python int.from_bytes(b, 'big') in decimal",
    realWorld: 'a Python script printing a key as the integer it signs with',
    kind: 'unicode',
  }),
  py('py-bigint-le', "print(int.from_bytes(b, 'little'))", { name: "Python int.from_bytes(b, 'little') in decimal", realWorld: LOG, kind: 'token' }),
  py('py-bigint-bin', "print(bin(int.from_bytes(b, 'big')))", {
    name: 'Python bin(int.from_bytes(b)): the first byte’s leading zeros dropped',
    realWorld: LOG,
    kind: 'specials',
  }),
  py('py-bigint-oct', "print(oct(int.from_bytes(b, 'big')))", {
    name: 'Python oct(int.from_bytes(b)): octal digits across byte boundaries',
    realWorld: LOG,
    kind: 'token',
  }),
  py('py-chars-spaced', "print('key:', ' '.join(s))", {
    name: "Python ' '.join(s): each character between blanks",
    realWorld: 'a password printed spaced out so a user can read it over the phone',
    kind: 'unicode',
  }),
  py('py-chars-lines', "print('\\n'.join(s))", { name: "Python '\\n'.join(s): a character a line", realWorld: LOG, kind: 'token' }),
  py('py-chars-comma', "print(','.join(s))", { name: "Python ','.join(s)", realWorld: LOG, kind: 'specials' }),
  py('py-chars-crlf', "sys.stdout.write('\\r\\n'.join(s))", {
    name: "Python '\\r\\n'.join(s): a character a CRLF line",
    realWorld: 'the same, from a Windows agent',
    kind: 'token',
  }),
  rs('r-strsplit', 'print(strsplit(s, "")[[1]])', { name: 'R print(strsplit(s, "")[[1]]): quoted characters', realWorld: 'an R job’s output', kind: 'spaces' }),
  py('objc-nsdata', "h = b.hex(); print('<' + ' '.join(h[i:i + 8] for i in range(0, len(h), 8)) + '>')", {
    name: "Objective-C NSData's description: <746f6b65 6e5f…>",
    realWorld: 'an iOS app’s log',
    kind: 'token',
  }),
  {
    id: 'node-u16',
    name: "Node's console.log of a Uint16Array over the value's bytes",
    realWorld: LOG,
    kind: 'unicode',
    script: `node -e 'const v = require("fs").readFileSync("secret"); const b = Uint8Array.from(Buffer.concat([v, Buffer.alloc(v.length % 2)])); console.log(new Uint16Array(b.buffer))' > "$OUT/node.log"`,
    where: /node-u16\/node\.log/,
  },
  {
    id: 'hexdump-u-words',
    name: 'hexdump -e \'8/2 "%6u " "\\n"\': 16-bit words in decimal',
    realWorld: 'a dump of a config blob in a support bundle',
    kind: 'token',
    script: `hexdump -e '8/2 "%6u " "\\n"' secret > "$OUT/blob.txt"`,
    where: /hexdump-u-words\/blob\.txt/,
  },
  tcl('tcl-S', 'set f [open secret rb]; set s [read $f]; append s [string repeat \\0 [expr {[string length $s] % 2}]]; binary scan $s S* l; puts "sent: $l"', {
    name: 'Tcl binary scan $s S*: signed 16-bit words',
    realWorld: 'an Expect harness’s print of what it sent',
    kind: 'unicode',
  }),
  tcl('tcl-split', 'set f [open secret]; fconfigure $f -encoding utf-8; puts [split [read $f] ""]', {
    name: 'Tcl split $s "": characters between blanks, specials backslashed',
    realWorld: 'an Expect script’s log of a password it typed',
    kind: 'specials',
  }),
  {
    id: 'go-c-runes',
    name: 'Go fmt %c of a []rune: [t o k …]',
    realWorld: LOG,
    kind: 'unicode',
    script: goMain(
      `package main
import ("fmt"; "os")
func main() { b, _ := os.ReadFile("../secret"); f, _ := os.Create(os.Getenv("OUT") + "/debug.log"); fmt.Fprintf(f, "runes=%c\\n", []rune(string(b))) }`,
      'go run main.go',
    ),
    where: /go-c-runes\/debug\.log/,
  },
  {
    id: 'java-short-array',
    name: "Java Arrays.toString of a ByteBuffer's short[] (signed big-endian words)",
    realWorld: LOG,
    kind: 'unicode',
    script: javaMain(`    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(Arrays.copyOf(b, b.length + b.length % 2));
    short[] sh = new short[bb.capacity() / 2];
    bb.asShortBuffer().get(sh);
    Files.writeString(Path.of(out, "app.log"), "words=" + Arrays.toString(sh) + "\\n");`),
    where: /java-short-array\/app\.log/,
  },
  {
    id: 'java-bigint',
    name: 'Java new BigInteger(1, bytes).toString()',
    realWorld: 'a Java service logging a key as the integer its cipher takes',
    kind: 'token',
    script: javaMain(`    Files.writeString(Path.of(out, "app.log"), "k=" + new java.math.BigInteger(1, s.getBytes(StandardCharsets.UTF_8)) + "\\n");`),
    where: /java-bigint\/app\.log/,
  },
  sbcl(
    'sbcl-octets',
    '(with-open-file (f "secret" :element-type (quote (unsigned-byte 8))) (let ((v (make-array (file-length f) :element-type (quote (unsigned-byte 8))))) (read-sequence v f) (print v)))',
    { name: "SBCL's print of an octet vector: #(116 111 …), wrapped", realWorld: 'a Lisp service’s REPL log', kind: 'unicode' },
  ),
  sbcl('sbcl-codes', '(with-open-file (f "secret" :external-format :utf-8) (print (map (quote list) (function char-code) (read-line f))))', {
    name: "SBCL's char-code list of a string: (116 111 8364 …)",
    realWorld: 'a Lisp service’s REPL log',
    kind: 'unicode',
  }),
  sbcl('sbcl-chars', '(with-open-file (f "secret") (print (coerce (read-line f) (quote list))))', {
    name: "SBCL's list of characters: (#\\t #\\o …)",
    realWorld: 'a Lisp service’s REPL log',
    kind: 'specials',
  }),
  made(
    'guile-chars',
    `guile -c '(use-modules (ice-9 textual-ports)) (write (string->list (call-with-input-file "secret" get-string-all))) (newline)'`,
    'repl.log',
    { name: "Guile's write of string->list", realWorld: 'a Guix build’s log', kind: 'specials' },
  ),
  rs('r-chartoraw', 'print(charToRaw(s))', {
    name: 'R print(charToRaw(s)): hex pairs, each line after its index',
    realWorld: 'an R job’s output (Rout) in a CI artifact',
    kind: 'unicode',
  }),
  rs('r-asint', 'print(as.integer(charToRaw(s)))', { name: 'R print(as.integer(charToRaw(s)))', realWorld: 'an R job’s output', kind: 'token' }),
  rs('r-utf8toint', 'print(utf8ToInt(s))', { name: 'R print(utf8ToInt(s)): code points', realWorld: 'an R job’s output', kind: 'unicode' }),
  made(
    'js-fromcharcode-plus',
    `node -e 'const s = require("fs").readFileSync("secret", "utf8"); console.log("var k = " + [...s].map((c) => "String.fromCharCode(" + c.charCodeAt(0) + ")").join(" + ") + ";")'`,
    'app.js',
    { name: 'JavaScript String.fromCharCode(N) + … a character a call', realWorld: 'an obfuscated script in a web root', kind: 'token' },
  ),
  py('cs-char-cast', "print('var k = \"\" + ' + ' + '.join('(char)%d' % ord(c) for c in s) + ';')", {
    name: 'C# (char)N + … as a generator writes it',
    realWorld: 'a generated C# config class',
    kind: 'token',
  }),
  py('lua-string-char', "print('local k = ' + ' .. '.join('string.char(%d)' % x for x in b))", {
    name: 'Lua string.char(N) .. … as a generator writes it',
    realWorld: 'a generated Lua config',
    kind: 'token',
  }),
  php('php-serialize-chars', 'echo serialize(str_split($s)), "\\n";', {
    name: 'PHP serialize(str_split($s)): i:0;s:1:"t";…',
    realWorld: 'a PHP session file',
    kind: 'token',
  }),
  py('raw-unicode-escape', "sys.stdout.buffer.write(s.encode('raw_unicode_escape') + b'\\n')", {
    name: "Python's raw_unicode_escape: Latin-1 bytes between \\u escapes (read since session 59: escape-raw.ts)",
    realWorld: LOG,
    kind: 'unicode',
  }),
  php('php-uuencode', 'echo convert_uuencode($s);', {
    name: 'PHP convert_uuencode: uuencoded lines without a begin line (read since session 60: uuencode-lines.ts)',
    realWorld: 'a PHP cache',
    kind: 'token',
  }),
];

export const variant18TextGaps: Variant[] = [
  py('gap-punycode-quotes', "print('host=xn--' + s.encode('punycode').decode() + '.example.org')", {
    name: 'Python’s punycode codec after xn-- of a value with quotes, a backslash and an emoji (unit tests read é and €; this shape still missed)',
    realWorld: 'a tenant’s value used as a host name label, in a proxy’s config',
    kind: 'unicode',
  }),
  py('gap-punycode-bare', "print('label=' + s.encode('punycode').decode())", { name: 'Python’s punycode codec without xn--', realWorld: LOG, kind: 'unicode' }),
];
