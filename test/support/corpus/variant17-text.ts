/**
 * The variant corpus's seventeenth round, text notations (issue 28: "escapes as a family, not a list"): round 16's known
 * gap (PHP's print_r of unpack('C*')) and its family — a value's bytes or characters one an entry after their index:
 * PHP's print_r, var_dump and var_export of unpack('C*') and of str_split, Python's dict(enumerate(…)) of the bytes
 * and of the string, Ruby's Hash of byte indices —; Perl's version-string formats (`%vd`, `%vx`, `%vo`, `%vb`: the bytes
 * dotted, `116.111.107`; `%vd` of a character string gives code points); byte lists in radixes and separators no reader
 * took — Go's `%b` and `%o` of a []byte and `%v` of a []rune in brackets, Tcl's signed `binary scan c*`, 8-bit binary
 * groups (Python's format(b, '08b'), JavaScript's toString(2).padStart(8)), hex
 * groups between dashes or colons (Python's bytes.hex('-', 4), hex(':', 2), hex('-')), quoted numbers (Python's
 * [hex(b)] and [bin(b)], Ruby's and Node's prints of hex strings), unpadded binary between blanks (Java's
 * toBinaryString), three-digit octal (hexdump '%03o '), Go's %x of a []rune, PHP's json_encode of unpack('C*') (indices
 * from 1) and print_r of hex pairs, numpy's wrapped print of a uint8 array (taken for an od dump from its second line
 * since session 55) —; and xxd -e with 8- and 2-byte
 * groups (`-g8`, `-g2`). Each written by the real tool on Debian.
 *
 * Probed and read already through a bundle of 66e13b4 (not made): Erlang ~w/~p of a binary, Go '% #x', gpg --store
 * --armor, hexdump -e '16/1 "%02X "' and '8/1 "0x%02x, "', Java Arrays.toString of chars and of code points,
 * HexFormat.ofDelimiter(", ").withPrefix("0x") and (":"), jq explode (compact and pretty), Lua %q and string.byte
 * joined by commas, Node JSON.stringify and util.inspect of a Uint8Array, [...s].map(codePointAt), charCodeAt joined by
 * commas, Perl %*vX with ':', PostgreSQL bytea escape format (octal), Python array('B'), repr(bytearray), bytes.hex(':'),
 * list(str), [ord(c) …], memoryview.hex(' ', 2), plistlib <data>, UTF-16 hex, Ruby unpack('U*'), chars, binread inspect,
 * pack('m0'), sqlite3 hex() and quote() of a blob; and, made for this round and found by the old bundle too (so left out:
 * no case that cannot fail), PHP var_export(str_split($s)) (its quoted pieces one a line, joined as literals) and Perl's
 * unpack('(B8)*') a byte a line (a base2 run across line breaks).
 * Seen and left (silent): punycode (Python's
 * codec; no IDNA tool in the lab, and bare punycode is any hyphenated word), PHP addcslashes($s, "\0..\377") (every
 * letter backslashed: `\t` is then an escaped `t`, not a tab — no reading is sound), quopri with header=True (`_` for a
 * blank outside an encoded word), ROT13 (a matcher form, not a notation: left to the forms' owner), Rust's
 * escape_ascii (no default toolchain in the lab; its `\xc3` is the backslash family's).
 */
import { goMain } from './variant-round.js';
import type { Variant } from './variant-text.js';

/** An env file holding the value, dumped by `dump` (a command reading env.txt) into $OUT/`file`. */
const envDump = (dump: string, file: string) => `printf 'APP_ENV=production\\nAPI_TOKEN=%s\\nLOG_LEVEL=info\\n' "$S" > env.txt
${dump} env.txt > "$OUT/${file}"`;

/** A one-line program of `tool` printing the value (read from ./secret) to $OUT/`file`. */
const oneLine = (id: string, tool: string, code: string, file: string, v: Omit<Variant, 'id' | 'script' | 'where'>): Variant => ({
  id,
  ...v,
  script: `${tool} '${code}' > "$OUT/${file}"`,
  where: new RegExp(`${id}/${file.replace('.', '\\.')}`),
});

const php = (id: string, code: string, v: Omit<Variant, 'id' | 'script' | 'where'>) => oneLine(id, 'php -r', code, 'debug.log', v);
const perl = (id: string, code: string, v: Omit<Variant, 'id' | 'script' | 'where'>) => oneLine(id, 'perl -e', code, 'app.log', v);
const python = (id: string, code: string, v: Omit<Variant, 'id' | 'script' | 'where'>) => oneLine(id, '/usr/bin/python3 -c', code, 'trace.log', v);

const PHP_LOG = 'a PHP debugging print of a key’s bytes left in an error log';

/** A Go program printing `format` of the value's bytes `b` (and its runes `r`) to $OUT/debug.log. */
const goPrint = (format: string) =>
  goMain(
    `package main
import ("fmt"; "os")
func main() {
	b, _ := os.ReadFile("../secret")
	r := []rune(string(b))
	_ = r
	f, _ := os.Create(os.Getenv("OUT") + "/debug.log")
	fmt.Fprintf(f, "level=debug msg=\\"token\\" ${format}\\n", ${format.includes('runes') ? 'r' : 'b'})
}`,
    'go run main.go',
  );

export const variant17Text: Variant[] = [
  php('php-print-r-bytes', 'print_r(unpack("C*", file_get_contents("secret")));', {
    name: "PHP print_r(unpack('C*', $s)): Array ( [1] => 116 … ), one byte a line after its index (round 16's gap)",
    realWorld: PHP_LOG,
    kind: 'unicode',
  }),
  php('php-var-dump-bytes', 'var_dump(unpack("C*", file_get_contents("secret")));', {
    name: "PHP var_dump(unpack('C*', $s)): [1]=> then int(116) on the next line",
    realWorld: 'a var_dump left in a PHP login handler, its output in the web server’s log',
    kind: 'specials',
  }),
  php('php-var-export-bytes', 'echo "<?php return ", var_export(unpack("C*", file_get_contents("secret")), true), ";\\n";', {
    name: "PHP var_export(unpack('C*', $s)): 1 => 116, (a cached config as PHP source)",
    realWorld: 'a PHP config cache written with var_export, the key as bytes',
    kind: 'token',
  }),
  php('php-print-r-chars', 'print_r(str_split(file_get_contents("secret")));', {
    name: 'PHP print_r(str_split($s)): [0] => t, one byte a line after its index (a blank as a blank)',
    realWorld: PHP_LOG,
    kind: 'spaces',
  }),
  php('php-var-dump-chars', 'var_dump(str_split(file_get_contents("secret")));', {
    name: 'PHP var_dump(str_split($s)): string(1) "t" after each index',
    realWorld: PHP_LOG,
    kind: 'unicode',
  }),
  python('py-dict-bytes', 'print("key bytes:", dict(enumerate(open("secret", "rb").read())))', {
    name: 'Python dict(enumerate(b)): {0: 116, 1: 111, …}',
    realWorld: 'a Python debugging print of a token’s bytes by position',
    kind: 'unicode',
  }),
  python('py-dict-chars', 'print(dict(enumerate(open("secret", encoding="utf-8").read())))', {
    name: "Python dict(enumerate(s)): {0: 't', 1: 'o', …} (\"'\" and '\\\\' as repr writes them)",
    realWorld: 'a Python script’s print of a password’s characters by position, chasing an encoding bug',
    kind: 'specials',
  }),
  {
    id: 'ruby-hash-bytes',
    name: 'Ruby Hash#inspect of byte indices: {0=>116, 1=>111, …}',
    realWorld: 'a Ruby task’s p of a key’s bytes by index, in a CI log',
    kind: 'unicode',
    script: `ruby -e 'b = File.binread("secret").bytes; p b.each_index.to_h { |i| [i, b[i]] }' > "$OUT/task.log"`,
    where: /ruby-hash-bytes\/task\.log/,
  },
  perl('perl-vd', 'open F, "<:raw", "secret" or die; local $/; $s = <F>; printf("token=%vd\\n", $s)', {
    name: "Perl sprintf('%vd', $s): the bytes in decimal between dots (116.111.107…)",
    realWorld: 'a Perl service’s debug line printing a token as a version string',
    kind: 'unicode',
  }),
  perl('perl-vx', 'open F, "<:raw", "secret" or die; local $/; $s = <F>; printf("token=%vx\\n", $s)', {
    name: "Perl sprintf('%vx', $s): hex between dots, no padding (74.6f.6b…, a.5c for a small byte)",
    realWorld: 'a Perl script’s hex trace of a token',
    kind: 'specials',
  }),
  perl('perl-vo', 'open F, "<:raw", "secret" or die; local $/; $s = <F>; printf("token=%vo\\n", $s)', {
    name: "Perl sprintf('%vo', $s): octal between dots",
    realWorld: 'the same trace in octal',
    kind: 'token',
  }),
  perl('perl-vb', 'open F, "<:raw", "secret" or die; local $/; $s = <F>; printf("token=%vb\\n", $s)', {
    name: "Perl sprintf('%vb', $s): binary between dots, no padding",
    realWorld: 'the same trace in binary',
    kind: 'url',
  }),
  perl('perl-vd-chars', 'open F, "<:encoding(UTF-8)", "secret" or die; local $/; $s = <F>; printf("token=%vd\\n", $s)', {
    name: "Perl sprintf('%vd', $s) of a character string: code points between dots (8364 for €)",
    realWorld: 'a Perl debug line of a decoded password',
    kind: 'unicode',
  }),
  {
    id: 'tcl-scan-signed',
    name: 'Tcl binary scan $s c* l; puts $l: signed decimal bytes between blanks, no brackets (-61 -87 beyond ASCII)',
    realWorld: 'an Expect/Tcl test harness’s print of the bytes it sent',
    kind: 'unicode',
    script: `printf 'set f [open secret rb]; set s [read $f]; binary scan $s c* l; puts "sent: $l"\\n' > s.tcl && tclsh s.tcl > "$OUT/expect.log"`,
    where: /tcl-scan-signed\/expect\.log/,
  },
  {
    id: 'go-percent-b',
    name: 'Go fmt %b of a []byte: [1110100 1101111 …] (binary, no padding)',
    realWorld: 'a Go service’s debug log of a token’s bits',
    kind: 'token',
    script: goPrint('bits=%b'),
    where: /go-percent-b\/debug\.log/,
  },
  {
    id: 'go-percent-o',
    name: 'Go fmt %o of a []byte: [164 157 …] (octal)',
    realWorld: 'a Go service’s debug log of a token in octal',
    kind: 'specials',
    script: goPrint('octal=%o'),
    where: /go-percent-o\/debug\.log/,
  },
  {
    id: 'go-runes',
    name: 'Go fmt %v of a []rune: [116 111 8364 128512 …] (code points between blanks)',
    realWorld: 'a Go service’s log of a password’s runes while chasing an encoding bug',
    kind: 'unicode',
    script: goPrint('runes=%v'),
    where: /go-runes\/debug\.log/,
  },
  python('py-bin-groups', 'print(" ".join(format(b, "08b") for b in open("secret", "rb").read()))', {
    name: "Python ' '.join(format(b, '08b')): 8 binary digits a byte between blanks",
    realWorld: 'a bit dump of a key in a firmware provisioning log',
    kind: 'unicode',
  }),
  {
    id: 'js-bin-padded',
    name: "JavaScript [...buf].map(b => b.toString(2).padStart(8, '0')).join(' ')",
    realWorld: 'a Node script’s bit dump of a key, in a CI log',
    kind: 'specials',
    script: `node -e 'console.log([...require("fs").readFileSync("secret")].map((b) => b.toString(2).padStart(8, "0")).join(" "))' > "$OUT/bits.log"`,
    where: /js-bin-padded\/bits\.log/,
  },
  python('py-hex-dash4', 'print("key:", open("secret", "rb").read().hex("-", 4))', {
    name: "Python bytes.hex('-', 4): 8-digit groups between dashes, counted from the right (the first shorter)",
    realWorld: 'a Python tool’s log of a key in grouped hex',
    kind: 'token',
  }),
  python('py-hex-colon2', 'print("key:", open("secret", "rb").read().hex(":", 2))', {
    name: "Python bytes.hex(':', 2): 4-digit groups between colons",
    realWorld: 'a Python tool’s log of a key in colon-grouped hex',
    kind: 'url',
  }),
  python('py-hex-dash', 'print("key:", open("secret", "rb").read().hex("-"))', {
    name: "Python bytes.hex('-'): lower-case pairs between dashes",
    realWorld: 'a Python tool’s log of a key in dashed hex',
    kind: 'unicode',
  }),
  python('py-hex-strings', 'print("key bytes:", [hex(b) for b in open("secret", "rb").read()])', {
    name: "Python [hex(b) for b in key]: ['0x74', '0x6f', …] (each byte a quoted 0x string)",
    realWorld: 'a Python debugging print of a key’s bytes in hex, in a job log',
    kind: 'unicode',
  }),
  python('py-bin-strings', 'print([bin(b) for b in open("secret", "rb").read()])', {
    name: "Python [bin(b) for b in key]: ['0b1110100', …]",
    realWorld: 'a Python debugging print of a key’s bits',
    kind: 'specials',
  }),
  {
    id: 'ruby-hex-strings',
    name: 'Ruby p of bytes.map { "%02x" }: ["74", "6f", …]',
    realWorld: 'a Ruby task’s print of a token’s bytes in hex',
    kind: 'unicode',
    script: `ruby -e 'p File.binread("secret").bytes.map { |b| "%02x" % b }' > "$OUT/task.log"`,
    where: /ruby-hex-strings\/task\.log/,
  },
  {
    id: 'node-hex-strings',
    name: "Node console.log of Array.from(buf, b => b.toString(16)): [ '74', 'a', … ] (no padding, 12 a line)",
    realWorld: 'a Node service’s debug print of a key’s bytes in hex',
    kind: 'specials',
    script: `node -e 'console.log(Array.from(require("fs").readFileSync("secret"), (b) => b.toString(16)))' > "$OUT/debug.log"`,
    where: /node-hex-strings\/debug\.log/,
  },
  php('php-json-keyed', 'echo json_encode(unpack("C*", file_get_contents("secret"))), "\\n";', {
    name: 'PHP json_encode(unpack(\'C*\', $s)): {"1":116,"2":111,…} (indices from 1)',
    realWorld: 'a PHP API’s JSON log of a key’s bytes',
    kind: 'unicode',
  }),
  php('php-keyed-hex', 'print_r(str_split(bin2hex(file_get_contents("secret")), 2));', {
    name: 'PHP print_r(str_split(bin2hex($s), 2)): [0] => 74, a hex pair after each index',
    realWorld: PHP_LOG,
    kind: 'token',
  }),
  {
    id: 'java-binary-strings',
    name: 'Java Integer.toBinaryString(b & 0xff) joined by blanks: unpadded binary, no brackets',
    realWorld: 'a Java service’s bit trace of a key in its log',
    kind: 'unicode',
    script: `mkdir -p j && cat > j/Gen.java <<'JAVA'
import java.nio.file.*;
public class Gen {
  public static void main(String[] a) throws Exception {
    StringBuilder sb = new StringBuilder("bits ");
    for (byte x : Files.readAllBytes(Path.of("secret"))) sb.append(Integer.toBinaryString(x & 0xff)).append(' ');
    Files.writeString(Path.of(System.getenv("OUT"), "trace.log"), sb.toString().trim() + "\\n");
  }
}
JAVA
java j/Gen.java`,
    where: /java-binary-strings\/trace\.log/,
  },
  python('numpy-uint8', 'import numpy; print(numpy.frombuffer(open("secret", "rb").read(), dtype=numpy.uint8))', {
    name: 'numpy print of a uint8 array: [ 72 120 195 …] wrapped at 75 columns onto lines od -An -tu1 also writes',
    realWorld: 'a data-science notebook’s print of a key’s bytes, saved as a log',
    kind: 'unicode',
  }),
  {
    id: 'go-x-runes',
    name: 'Go fmt %x of a []rune: [74 6f 20ac 1f600 …] (hex code points between blanks)',
    realWorld: 'a Go service’s log of a password’s runes in hex',
    kind: 'unicode',
    script: goPrint('runes=%x'),
    where: /go-x-runes\/debug\.log/,
  },
  {
    id: 'hexdump-octal',
    name: 'hexdump -v -e \'1/1 "%03o "\': three-digit octal bytes between blanks, no offsets',
    realWorld: 'an octal byte dump of an env file in a CI log',
    kind: 'specials',
    script: envDump(`hexdump -v -e '1/1 "%03o "'`, 'env.oct'),
    where: /hexdump-octal\/env\.oct/,
  },
  {
    id: 'xxd-e-g8',
    name: 'xxd -e -g8: little-endian 8-byte groups, the text column in order',
    realWorld: 'a little-endian word dump of an env file pasted into a ticket',
    kind: 'token',
    script: envDump('xxd -e -g8', 'env.hex'),
    where: /xxd-e-g8\/env\.hex/,
  },
  {
    id: 'xxd-e-g2',
    name: 'xxd -e -g2: little-endian 2-byte groups',
    realWorld: 'a 16-bit word dump of an env file kept beside a firmware build',
    kind: 'specials',
    script: envDump('xxd -e -g2', 'env.hex'),
    where: /xxd-e-g2\/env\.hex/,
  },
  {
    id: 'objcopy-tekhex',
    name: 'objcopy -I binary -O tekhex of an env file: %-records, a header (length, type, checksum, address) in every line',
    realWorld: 'a firmware image’s Tektronix hex of an env file, kept beside the build',
    kind: 'token',
    script: `printf 'APP_ENV=production\\nAPI_TOKEN=%s\\nLOG_LEVEL=info\\n' "$S" > env.txt
objcopy -I binary -O tekhex env.txt "$OUT/env.tek"`,
    where: /objcopy-tekhex\/env\.tek/,
  },
];

/** Known gaps of this round: made and audited as the artifacts are, asserted still missed (tekhex, the one left by
 * the round, is read since `hex-records.ts` reads Tektronix hex, and is an artifact above). */
export const variant17TextGaps: Variant[] = [];
