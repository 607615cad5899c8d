/**
 * The variant corpus's sixteenth round, text notations (issue 28: "escapes as a family, not a list"): the forms round
 * 15 saw and left, and their neighbours, each written by the real tool on Debian — gdb's prints of a fixed key buffer
 * in characters (`p/c`: `{97 'a', -61 '\303', …}`, `x/64cb`), in decimal bytes (`x/64db`) and in hex words (`x/16xw`,
 * the form `x/16x` gives, and `x/8xg`); od's dumps without offsets (`od -A n`: octal words, `-d`, `-t d2`, `-t u4`,
 * `-x`, `-c`) and with named characters (`od -t a`: `sp`, `nl`, with and without offsets); and a key's bytes printed as
 * bare decimal, no brackets (Python's `print(*b)`, Perl's `join("\t", unpack("C*", $s))`, tab-separated; Lua's
 * `print(string.byte(s, 1, -1))` is the same, read by hand: no lua in the lab); and an env file in hex a byte a line
 * (`xxd -p -c1`; `od -A n -v -t x1 -w1` is the same, blanks before).
 *
 * Not made (read already through a bundle of 1f5ef53, checked by hand): xxd -i/-b/-p -c 256, base32 (-w0), basenc
 * --base2msbf/--base16/--base32hex/--z85, uuencode (and -m), openssl asn1parse -dump / base64 -A, Perl Data::Dumper
 * (and Useqq), Ruby inspect/dump, PHP var_export/serialize, Python repr of bytes/bytearray, pickle protocol 0, PyYAML
 * !!binary, sed -n l (and `l 20`), cat -v/-A, printf %q, jq @sh/@uri/@html/@base64, iconv UTF-7/UTF-32/IBM037, strings
 * -e l, json.dumps, TOML multi-line strings, Properties.store, quoted-printable, RFC 2047 B and Q words, git format-patch
 * --binary (literal and delta), diff -u, hexdump -C with `*`, objcopy ihex/srec/verilog, Rust {:#?}/{:#x?}, strace -s/-xx,
 * a Secret's YAML, SQL X'…', CSV, Go %q/%#v/%+q/% x/%U, Tcl binary scan, busybox hexdump/xxd, gdb x/xb/p buf/x/s, pandoc
 * rtf/latex/man/ms/texinfo/context, PowerShell -EncodedCommand (UTF-16LE base64), tcpdump -X/-XX/-A, systemd-escape.
 * Seen and left (silent): objcopy -O tekhex, punycode, HTML with `&shy;`/`<wbr>` inside a value (no tool writes them
 * so), PHP print_r/var_dump of unpack('C*') (`[1] => 116`) and Perl's `%vd` (`116.111.107`) — both read since round 17 —; basenc --base2lsbf, silent
 * too, is read since runs.ts reads base2 bits in both orders.
 */
import type { Variant } from './variant-text.js';

/** An env file holding the value, dumped by `dump` (a command reading env.txt) into $OUT/`file`. */
const envDump = (dump: string, file: string) => `printf 'APP_ENV=production\\nAPI_TOKEN=%s\\nLOG_LEVEL=info\\n' "$S" > env.txt
${dump} env.txt > "$OUT/${file}"`;

/** A C program that reads the value into `char buf[64]` and stops at loaded(); gdb prints the buffer with `command`. */
const gdbPrint = (command: string) => `cat > m.c <<'CSRC'
#include <stdio.h>
char buf[64];
void loaded(void) {}
int main(void) { FILE *f = fopen("secret", "r"); if (!f) return 1; fread(buf, 1, sizeof buf - 1, f); fclose(f); loaded(); return 0; }
CSRC
gcc -g -O0 -o m m.c
gdb -q -nx -batch -ex 'break loaded' -ex run -ex '${command}' ./m > "$OUT/gdb.log" 2>&1
grep -qE '^(\\$1 = \\{|0x[0-9a-f]+ <buf>:)' "$OUT/gdb.log"`;

const gdb = (id: string, command: string, kind: Variant['kind'], name: string): Variant => ({
  id,
  name,
  realWorld: 'a debugging session’s log (gdb -batch) of a service that had just read its key into a fixed buffer',
  kind,
  script: gdbPrint(command),
  where: new RegExp(`${id}/gdb\\.log`),
});

const od = (id: string, args: string, kind: Variant['kind'], name: string, realWorld: string): Variant => ({
  id,
  name,
  realWorld,
  kind,
  script: envDump(args, 'env.od'),
  where: new RegExp(`${id}/env\\.od`),
});

export const variant16Text: Variant[] = [
  gdb('gdb-pc', 'p/c buf', 'unicode', "gdb p/c of a char[64]: {97 'a', -61 '\\303', …, 0 '\\000' <repeats N times>} — each byte’s number and its character"),
  gdb('gdb-x-cb', 'x/64cb buf', 'specials', "gdb x/64cb: 8 elements a line after the address (97 'a'⇥38 '&'⇥…)"),
  gdb('gdb-x-db', 'x/64db buf', 'unicode', 'gdb x/64db: signed decimal bytes, 8 a line after the address, tab-separated'),
  gdb('gdb-x-xw', 'x/16xw buf', 'token', 'gdb x/16xw (what x/16x gives): 4-byte little-endian hex words, 4 a line'),
  gdb('gdb-x-xg', 'x/8xg buf', 'url', 'gdb x/8xg: 8-byte little-endian hex words, 2 a line'),
  od(
    'od-An',
    'od -A n',
    'unicode',
    'od -A n: od’s default octal words without offsets',
    'a CI step’s `od -A n` of the env file it had just written, in the job log',
  ),
  od(
    'od-An-d',
    'od -A n -d',
    'token',
    'od -A n -d: unsigned decimal 2-byte words without offsets',
    'a support bundle’s word dump of a config file, offsets left out',
  ),
  od(
    'od-An-td2',
    'od -A n -t d2',
    'unicode',
    'od -A n -t d2: signed decimal words without offsets (negative beyond ASCII)',
    'a dump of a UTF-8 env file as signed 16-bit words',
  ),
  od('od-An-tu4', 'od -A n -t u4', 'specials', 'od -A n -t u4: 4-byte unsigned words without offsets', 'a firmware engineer’s word view of a credentials file'),
  od('od-An-x', 'od -A n -x', 'url', 'od -A n -x: 2-byte hex words without offsets', 'a hex word dump of an env file pasted into a ticket'),
  od(
    'od-An-c',
    'od -A n -c',
    'unicode',
    'od -A n -c: character cells without offsets (octal beyond ASCII)',
    'a character dump of a secrets file checked for a stray CR',
  ),
  od(
    'od-ta',
    'od -t a',
    'spaces',
    'od -t a: named characters (sp for a blank, nl for a line break) after octal offsets',
    'a dump of an env file in od’s named-character form, kept in a CI log',
  ),
  od('od-An-ta', 'od -A n -t a', 'specials', 'od -A n -t a: named characters without offsets', 'the same dump with its offsets left out'),
  {
    id: 'py-print-bytes',
    name: 'Python print(*b) of the key’s bytes: bare decimal between blanks, no brackets',
    realWorld: 'a Python tool’s debug print of the key it read, kept in a job log',
    kind: 'unicode',
    script: `/usr/bin/python3 -c 'import os; print("key bytes:", *open("secret", "rb").read())' > "$OUT/debug.log"`,
    where: /py-print-bytes\/debug\.log/,
  },
  {
    id: 'perl-unpack-bytes',
    name: 'Perl join("\\t", unpack("C*", $s)): the bytes in decimal, tab-separated, no brackets',
    realWorld: 'a Perl script’s debug print of a token’s bytes in an error log',
    kind: 'unicode',
    script: `perl -e 'open my $f, "<:raw", "secret" or die; local $/; my $s = <$f>; print join("\\t", unpack("C*", $s)), "\\n"' > "$OUT/error.log"`,
    where: /perl-unpack-bytes\/error\.log/,
  },
  {
    id: 'xxd-p-c1',
    name: 'xxd -p -c1: one hex byte a line (the lines joined: no blank, no comma between them)',
    realWorld: 'a byte-per-line dump of an env file fed to a diff',
    kind: 'token',
    script: envDump('xxd -p -c1', 'env.hex'),
    where: /xxd-p-c1\/env\.hex/,
  },
  {
    id: 'basenc-base2lsbf',
    name: 'basenc --base2lsbf: each byte’s bits least significant first',
    realWorld: 'a bit-level dump of an env file (Perl’s unpack "b*" writes the same) kept beside a firmware build',
    kind: 'token',
    script: envDump('basenc --base2lsbf', 'env.bits'),
    where: /basenc-base2lsbf\/env\.bits/,
  },
  {
    id: 'php-print-r-bytes',
    name: "PHP print_r(unpack('C*', $s)): Array ( [1] => 116 … ), one byte a line after its index",
    realWorld: 'a PHP debugging print of a key’s bytes left in a log',
    kind: 'unicode',
    script: `php -r 'print_r(unpack("C*", file_get_contents("secret")));' > "$OUT/debug.log"`,
    where: /php-print-r-bytes\/debug\.log/,
  },
];

/**
 * Known gaps of this round: made and audited as the artifacts are, asserted still missed. PHP's print_r of unpack('C*')
 * is read since round 17 (keyed-lists.ts) and moved to the artifacts.
 */
export const variant16TextGaps: Variant[] = [];
