/**
 * The variant corpus's fifteenth round, text notations (issue 28: "escapes as a family, not a list"): nearby variants
 * of the dumps and byte lists rounds 7–14 made, each written by the real tool on Debian — an env file dumped by a bare
 * `od` (its own default: 2-byte words in octal), by `od -A d -d`, `od -t u4`, `od -t d2` and `hexdump -d`/`-x` (words in
 * decimal and in hexdump's 8 columns), and a fixed-size key buffer printed with its NUL padding by gdb (`p/x`, `p/d`),
 * Rust (`{:?}` of a `[u8; 48]`), Go (`%v` of a `[48]byte`) and Python (a ctypes buffer's bytes as a list) — buffers
 * under 64 bytes: a list that long was read whatever it held —, and psql's `\pset format wrapped` (a table, and `\x`
 * records) of a real cluster.
 *
 * Not made (read already through a bundle of 9943c91, checked by hand): od -c/-b/-x/-t x1/-t d1/-t x8, hexdump -C/-b/-c,
 * xxd -b/-e/-g4, sed -n l, basenc base2/base32hex/z85, Go %q/% x/%#v, Rust {:?}/{:x?}/{:#?}/escape_default, Java's
 * Arrays.toString(byte[]) and class constant pools, Properties.store, Perl Data::Dumper (Useqq), Ruby dump/inspect, Lua
 * %q, Erlang ~p/~w binaries, Tcl lists, PHP json_encode/quotemeta, Python re.escape/pprint/bytes.hex(':'), plistlib
 * <data>, PyYAML !!binary, python-ldap LDIF, an alembic.ini's %% of a URL, a URL inside a URL, EBCDIC (IBM037), strace
 * -x/-xx, node's util.inspect of a Uint8Array, sqlite3's 13 output modes and .dump of a blob, and pandoc's 27 writers.
 * Seen and left: gdb's `p/c` (`{118 'v', 87 'W', …}`), `od -A n -d` (decimal words without offsets, as any table),
 * `od -t a` (named characters, the high bit dropped), Java's Arrays.toString(char[]) (round 13's, unregistered).
 */
import { goMain, javaMain, pyValue as py } from './variant-round.js';
import type { Variant } from './variant-text.js';

/**
 * A PostgreSQL cluster of its own (initdb as `postgres`, the server on a Unix socket only), the value in a settings
 * table, printed by psql with `psql` (its commands before the select); stopped and removed on exit.
 */
const psqlOf = (commands: string[], file: string) => `B=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
D=$(mktemp -d /tmp/hoist-pg15-XXXXXX) && cp secret "$D/secret"
chown -R postgres: "$D" && cd "$D"
PG="runuser -u postgres -- env PGHOST=$D PGUSER=postgres"
trap 'runuser -u postgres -- "$B/pg_ctl" -D "$D/data" -w -s stop -m fast >/dev/null 2>&1; rm -rf "$D"' EXIT
runuser -u postgres -- "$B/initdb" -D "$D/data" -A trust -U postgres -E UTF8 --locale=C --no-sync > /dev/null
runuser -u postgres -- "$B/pg_ctl" -D "$D/data" -l "$D/log" -o "-k $D -c listen_addresses= -c fsync=off" -w -s start
$PG "$B/psql" -q postgres -c "CREATE TABLE settings (name text, value text, note text)" -c "INSERT INTO settings VALUES ('api_token', pg_read_file('$D/secret'), 'rotated monthly'), ('region', 'eu-west-1', 'primary')"
$PG "$B/psql" -q postgres${commands.map((c) => ` -c '${c}'`).join('')} -c 'SELECT * FROM settings' > "$OUT/${file}"
grep -q '|\\.' "$OUT/${file}"`;

/** An env file holding the value, dumped by `dump` (a command reading env.txt) into $OUT/`file`. */
const envDump = (dump: string, file: string) => `printf 'APP_ENV=production\\nAPI_TOKEN=%s\\nLOG_LEVEL=info\\n' "$S" > env.txt
${dump} env.txt > "$OUT/${file}"`;

/** A C program that reads the value into `char buf[64]` and stops at loaded(); gdb prints the buffer with `print`. */
const gdbPrint = (print: string) => `cat > m.c <<'CSRC'
#include <stdio.h>
char buf[64];
void loaded(void) {}
int main(void) { FILE *f = fopen("secret", "r"); if (!f) return 1; fread(buf, 1, sizeof buf - 1, f); fclose(f); loaded(); return 0; }
CSRC
gcc -g -O0 -o m m.c
gdb -q -nx -batch -ex 'break loaded' -ex run -ex '${print} buf' ./m > "$OUT/gdb.log" 2>&1
grep -q '^\\$1 = {' "$OUT/gdb.log"`;

export const variant15Text: Variant[] = [
  {
    id: 'od-default',
    name: 'od FILE (no options): 2-byte little-endian words as six octal digits after octal offsets',
    realWorld: 'a CI debugging step that ran a bare `od` on the env file it had just written, kept in the job log',
    kind: 'unicode',
    script: envDump('od', 'env.od'),
    where: /od-default\/env\.od/,
  },
  {
    id: 'od-d-Ad',
    name: 'od -A d -d: 2-byte words as unsigned decimal, right-aligned in 6 columns, after decimal offsets',
    realWorld: 'a support bundle’s dump of a config file in decimal words',
    kind: 'token',
    script: envDump('od -A d -d', 'env.od'),
    where: /od-d-Ad\/env\.od/,
  },
  {
    id: 'od-tu4',
    name: 'od -t u4: 4-byte words as unsigned decimal (11 columns)',
    realWorld: 'a firmware engineer’s word view of a credentials file attached to a ticket',
    kind: 'specials',
    script: envDump('od -t u4', 'env.od'),
    where: /od-tu4\/env\.od/,
  },
  {
    id: 'od-td2',
    name: 'od -t d2: 2-byte words as signed decimal (negative for a high byte ≥ 0x80), 7 columns',
    realWorld: 'a dump of a UTF-8 env file as signed 16-bit words (od -s), kept in a CI log',
    kind: 'unicode',
    script: envDump('od -t d2', 'env.od'),
    where: /od-td2\/env\.od/,
  },
  {
    id: 'hexdump-d',
    name: 'hexdump -d: 2-byte words as five zero-padded decimal digits in 8 columns, hex offsets',
    realWorld: 'a hexdump -d of a secrets file in a debugging session’s log',
    kind: 'unicode',
    script: envDump('hexdump -d', 'env.hd'),
    where: /hexdump-d\/env\.hd/,
  },
  {
    id: 'hexdump-x',
    name: 'hexdump -x: 2-byte hex words in 8 columns (four blanks before each)',
    realWorld: 'a hexdump -x of an env file in a CI log',
    kind: 'url',
    script: envDump('hexdump -x', 'env.hd'),
    where: /hexdump-x\/env\.hd/,
  },
  {
    id: 'gdb-px-buffer',
    name: 'gdb p/x of a char[64] holding the value: {0x.., 0x.., …, 0x0 <repeats 30 times>} — its NUL padding after the value',
    realWorld: 'a debugging session’s log (gdb -batch) of a service that had just read its key into a fixed buffer',
    kind: 'html',
    script: gdbPrint('p/x'),
    where: /gdb-px-buffer\/gdb\.log/,
  },
  {
    id: 'gdb-pd-buffer',
    name: 'gdb p/d of a char[64] holding the value: {116, 111, …, 0 <repeats 30 times>} (signed chars: negative beyond ASCII)',
    realWorld: 'the same session printing the buffer in decimal',
    kind: 'unicode',
    script: gdbPrint('p/d'),
    where: /gdb-pd-buffer\/gdb\.log/,
  },
  {
    id: 'rust-u8-array',
    name: 'Rust {:?} of a [u8; 48] key buffer: [116, 111, …, 0, 0, 0] — the value’s bytes, then the NUL padding',
    realWorld: 'a Rust service’s debug log line of the fixed-size key it loaded',
    kind: 'unicode',
    script: `cat > gen.rs <<'RSRC'
fn main() {
    let mut key = [0u8; 48];
    let s = std::fs::read("secret").unwrap();
    key[..s.len()].copy_from_slice(&s);
    let out = std::env::var("OUT").unwrap();
    std::fs::write(format!("{}/service.log", out), format!("INFO loaded key: {:?}\\n", key)).unwrap();
}
RSRC
/usr/bin/rustc -O -o gen gen.rs && ./gen`,
    where: /rust-u8-array\/service\.log/,
  },
  {
    id: 'go-byte-array',
    name: 'Go %v of a [48]byte key: [116 111 … 0 0 0] — spaced decimal in brackets, the NUL padding after the value',
    realWorld: 'a Go service’s debug log of a fixed-size session key',
    kind: 'token',
    script: goMain(
      `package main
import ("fmt"; "os")
func main() {
	var key [48]byte
	s, _ := os.ReadFile("../secret")
	copy(key[:], s)
	f, _ := os.Create(os.Getenv("OUT") + "/debug.log")
	fmt.Fprintf(f, "session key %v\\n", key)
}`,
      'go run main.go',
    ),
    where: /go-byte-array\/debug\.log/,
  },
  {
    id: 'py-ctypes-list',
    name: 'Python list(bytes(ctypes.create_string_buffer(value, 48))): [116, 111, …, 0, 0] — a ctypes buffer’s bytes with its padding',
    realWorld: 'a Python tool’s debug print of the buffer it passed to a C library',
    kind: 'props',
    script: py(`import ctypes
buf = ctypes.create_string_buffer(s.encode(), 48)
open(os.path.join(OUT, 'debug.log'), 'w').write('key buffer: ' + str(list(bytes(buf))) + '\\n')`),
    where: /py-ctypes-list\/debug\.log/,
  },
  {
    id: 'psql-wrapped',
    name: 'psql \\pset format wrapped at 60 columns: a 200-character token cut at its column’s width, each cut marked . at the piece’s end and . after the next line’s |',
    realWorld: 'a migration job’s log that printed the settings table with psql in a narrow CI terminal',
    kind: 'long',
    script: psqlOf(['\\pset format wrapped', '\\pset columns 60'], 'migrate.log'),
    where: /psql-wrapped\/migrate\.log/,
  },
  {
    id: 'psql-wrapped-x',
    name: 'psql \\x with \\pset format wrapped at 50 columns: a passphrase cut inside an expanded record’s value, . marks at the cuts',
    realWorld: 'an operator’s saved psql session (\\x auto in .psqlrc) that showed a recovery passphrase',
    kind: 'longSpaced',
    script: psqlOf(['\\pset format wrapped', '\\pset columns 50', '\\x on'], 'session.log'),
    where: /psql-wrapped-x\/session\.log/,
  },
  {
    id: 'go-joined-gzip',
    name: 'a gofmt’d Go source holding a gzip’d config as base64 in 76-character "…" + pieces over 300 lines — the value near the stream’s end, past the text’s first chunks',
    realWorld: 'an embedded default config generated into a Go package the way Go’s own parserdata_test.go holds its bzip2 input',
    kind: 'token',
    script: `${py(`import base64, gzip, random
r = random.Random(15)
lines = ['# defaults'] + ['opt_%d = %s' % (i, ''.join(r.choice('abcdefghijklmnopqrstuvwxyz0123456789') for _ in range(40))) for i in range(600)]
lines.append('api_token = ' + s)
b = base64.b64encode(gzip.compress(('\\n'.join(lines) + '\\n').encode(), mtime=0)).decode()
pieces = [b[i:i + 76] for i in range(0, len(b), 76)]
open('defaults.go', 'w').write('package config\\n\\nvar defaultsGz = "' + '" +\\n"'.join(pieces) + '"\\n')`)}
gofmt defaults.go > "$OUT/defaults.go"
test "$(wc -c < "$OUT/defaults.go")" -gt 16384`,
    where: /go-joined-gzip\/defaults\.go/,
  },
  {
    id: 'py-pprint-bytes-gzip',
    name: "Python pprint of a gzip’d config’s base64 as bytes: (b'…'⏎ b'…') pieces of a 16 KiB literal, the value near the stream’s end",
    realWorld: 'a settings module written by a Python generator (pprint.pformat) with a compressed default config embedded',
    kind: 'token',
    script: py(`import base64, gzip, pprint, random
r = random.Random(15)
lines = ['# defaults'] + ['opt_%d = %s' % (i, ''.join(r.choice('abcdefghijklmnopqrstuvwxyz0123456789') for _ in range(40))) for i in range(600)]
lines.append('api_token = ' + s)
b = base64.b64encode(gzip.compress(('\\n'.join(lines) + '\\n').encode(), mtime=0))
open(os.path.join(OUT, 'defaults.py'), 'w').write('DEFAULTS_GZ = ' + pprint.pformat(b, width=80) + '\\n')`),
    where: /py-pprint-bytes-gzip\/defaults\.py/,
  },
  {
    id: 'java-chars-tostring',
    name: "Java Arrays.toString(value.toCharArray()): [a, b, &, <, …] — the value's characters bare between ', ' in brackets",
    realWorld: 'a Java service’s debug log of a password’s characters (its validation step), kept in the image',
    kind: 'specials',
    script: javaMain(`Files.writeString(Path.of(out, "app.log"), "chars=" + Arrays.toString(s.toCharArray()) + "\\n");`),
    where: /java-chars-tostring\/app\.log/,
  },
  {
    id: 'sqlite-table-hex',
    name: 'sqlite3 .mode table --wrap 40 of a settings row and hex(value): the value plain in its cell, its hex cut over two lines beside it',
    realWorld: 'a maintenance script’s report of a settings table showing each value and its hex, kept in a job log',
    kind: 'token',
    script: `sqlite3 app.db "create table settings(k text, v text); insert into settings values('api_key', readfile('secret'));"
sqlite3 app.db ".mode table --wrap 40" 'select k, v, hex(v) as h from settings' > "$OUT/settings.txt"`,
    where: /sqlite-table-hex\/settings\.txt/,
  },
];

/** Known gaps of this round: made and audited as the artifacts are, asserted still missed. */
export const variant15TextGaps: Variant[] = [];
