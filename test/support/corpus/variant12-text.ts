/**
 * The variant corpus's twelfth round, text notations (issue 28: "escapes as a family, not a list",
 * "stacked encodings"): what language runtimes, encoders and debug printers write for a value, none
 * of which rounds 1–11 made — uuencode (sharutils, Perl pack 'u', PHP convert_uuencode), ASCII85 as
 * Python frames it (adobe `<~`, wrapped before a one-word line), base85 of bytes shorter than 32,
 * base32hex (basenc), a TOTP secret in an otpauth:// URI (base32 without padding), RFC 4514 DN
 * escapes (openssl `\C3\A9`, `\"` `\+` `\<`), Python SimpleCookie's octal, Tcl list quoting, Rust
 * escape_default (`\u{e9}`), Go's %U (`U+00E9`) and `% X`, sqlite3 .mode tcl (octal), JSON.stringify
 * of a Uint8Array (`{"0":97,…}`), String.fromCharCode of UTF-16 units, VBA Chr() concatenation,
 * numpy's uint8 print, Perl encode_entities_numeric, jq @sh, openssl asn1parse's HEX DUMP, and
 * stacked ones: hex of UTF-16LE (SQL Server varbinary), Java's signed bytes of UTF-16 (BOM first),
 * Python's bytes repr of UTF-16LE, BitConverter's dashed hex, a .reg hex(2) value (UTF-16LE bytes,
 * comma-separated, `\` line continuations), quoted-printable of a base64 line, xxd -p of a base64
 * credential, percent-encoding of base64.
 *
 * Not made: ROT13 — no tool the audit's users run writes a secret that way (config obfuscators
 * that do are a deliberate hiding, not a leak by a notation); IDNA (a host name is no secret).
 */
import { goMain, javaMain as java, nodeValue as node, pyValue as py, regExport } from './variant-round.js';
import type { Variant } from './variant-text.js';

export const variant12Text: Variant[] = [
  {
    id: 'uuencode',
    name: 'uuencode (GNU sharutils) of an env file: begin 644 … / M-prefixed 61-character lines of the 0x20–0x60 alphabet / ` / end',
    realWorld: 'a config mailed or shar’d as uuencoded text (old backup scripts, USENET-era tooling) and kept in the image',
    kind: 'token',
    script: `printf '# app settings\\nAPP_ENV=production\\nAPI_TOKEN=%s\\nREGION=eu-west-1\\nLOG_LEVEL=info\\n' "$S" | uuencode app.env > "$OUT/app.env.uu"
grep -q '^begin 644 app.env' "$OUT/app.env.uu"`,
    where: /uuencode\/app\.env\.uu/,
  },
  {
    id: 'perl-pack-u',
    name: "Perl pack('u') of the value beyond ASCII (é € 😀 \" \\): uuencoded lines, no begin/end frame",
    realWorld: 'a Perl installer that stashed the generated credentials with pack("u") in a state file',
    kind: 'unicode',
    script: `perl -e 'open my $f, "<", "secret" or die; local $/; my $s = <$f>; open my $o, ">", "$ENV{OUT}/state.dat" or die; print $o "# installer state\\ncred=\\n", pack("u", "password=$s"), "done=1\\n";'
grep -q '^cred=' "$OUT/state.dat"`,
    where: /perl-pack-u\/state\.dat/,
  },
  {
    id: 'php-uuencode',
    name: 'PHP convert_uuencode of a DSN with the password: M lines, a ` line, as PHP writes them',
    realWorld: 'a PHP app’s cache of its DSN obfuscated with convert_uuencode (an old WordPress plugin habit)',
    kind: 'url',
    script: `php -r '$s = file_get_contents("secret"); file_put_contents(getenv("OUT") . "/dsn.cache", "<?php return convert_uudecode(<<<'"'"'UU'"'"'\\n" . convert_uuencode("mysql://app:" . $s . "@db.internal:3306/shop?charset=utf8mb4") . "UU\\n);\\n");'
grep -q '^UU$' "$OUT/dsn.cache"`,
    where: /php-uuencode\/dsn\.cache/,
  },
  {
    id: 'a85-wrap-eof',
    name: 'Python base64.a85encode(wrapcol=76) of a 200-character key in a heredoc: full 76-wide lines of ASCII85, the last before a one-word line (EOF)',
    realWorld: 'a provisioning script carrying its env file as ASCII85 in a heredoc (cat <<EOF | python3 -c "a85decode")',
    kind: 'long',
    script: py(`import base64
env = s.encode()
open(os.path.join(OUT, 'provision.sh'), 'w').write("python3 -c 'import base64,sys; sys.stdout.buffer.write(base64.a85decode(sys.stdin.read()))' > /etc/app.env <<'EOF'\\n" + base64.a85encode(env, wrapcol=76).decode() + '\\nEOF\\n')`),
    where: /a85-wrap-eof\/provision\.sh/,
  },
  {
    id: 'a85-adobe',
    name: 'Python base64.a85encode(adobe=True) of the value alone: <~…~> on one line, the value’s encoding starting right after <~',
    realWorld: 'a PostScript/PDF tool’s embedded credential (ASCII85 with Adobe’s frame) kept in a template',
    kind: 'token',
    script: py(`import base64
open(os.path.join(OUT, 'template.ps'), 'w').write('%!PS\\n/cred ' + base64.a85encode(s.encode(), adobe=True).decode() + ' def\\nshowpage\\n')`),
    where: /a85-adobe\/template\.ps/,
  },

  {
    id: 'basenc-base32hex',
    name: 'basenc --base32hex (RFC 4648 extended hex alphabet 0-9A-V) of the value',
    realWorld: 'a DNSSEC/NSEC3-style tool or a Go base32.HexEncoding writer storing a credential',
    kind: 'token',
    script: `printf 'token_b32hex=%s\\n' "$(printf '%s' "$S" | basenc --base32hex -w0)" > "$OUT/creds.conf"`,
    where: /basenc-base32hex\/creds\.conf/,
  },
  {
    id: 'otpauth-uri',
    name: 'a TOTP enrolment URI otpauth://totp/…?secret=BASE32 (RFC 4648 base32 of the value, padding stripped, as authenticator apps read it)',
    realWorld: 'a 2FA seed for a CI service account, kept as the otpauth URI an enrolment script printed',
    kind: 'token',
    script: py(`import base64
b32 = base64.b32encode(s.encode()).decode().rstrip('=')
open(os.path.join(OUT, 'totp.txt'), 'w').write('otpauth://totp/ACME:ci-bot?secret=' + b32 + '&issuer=ACME&algorithm=SHA1&digits=6&period=30\\n')`),
    where: /otpauth-uri\/totp\.txt/,
  },
  {
    id: 'x509-dn-rfc2253',
    name: 'openssl req -subject -nameopt RFC2253 of a CSR whose OU holds the value: \\" \\+ \\< \\> escaped (RFC 4514)',
    realWorld: 'a CSR generated with the service password pasted into the subject, its text dump kept beside it',
    kind: 'html',
    script: `openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout key.pem -subj "/CN=svc/OU=$(printf '%s' "$S" | sed 's/[+]/\\\\&/g')" -utf8 2>/dev/null > csr.pem
openssl req -in csr.pem -noout -subject -nameopt RFC2253 > "$OUT/csr.txt"
grep -q 'OU=' "$OUT/csr.txt"`,
    where: /x509-dn-rfc2253\/csr\.txt/,
  },
  {
    id: 'x509-dn-utf8-hex',
    name: 'openssl req -subject (default name options) of a CSR with a value beyond ASCII in O: é ß £ as \\C3\\A9 \\C3\\9F \\C2\\A3',
    realWorld: 'the subject line of a CSR printed into a provisioning log, the organisation field holding the passphrase',
    kind: 'latin1',
    script: `openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout key.pem -subj "/CN=svc/O=$S" -utf8 2>/dev/null > csr.pem
openssl req -in csr.pem -noout -subject > "$OUT/provision.log"
grep -q 'O = ' "$OUT/provision.log"`,
    where: /x509-dn-utf8-hex\/provision\.log/,
  },
  {
    id: 'py-simplecookie',
    name: 'Python http.cookies.SimpleCookie output of a cookie value beyond ASCII: "…" with \\" \\\\ and octal \\303\\251 (RFC 2109 quoting)',
    realWorld: 'a Python web app’s response headers logged at debug level, the session cookie holding the value',
    kind: 'unicode',
    script: py(`from http.cookies import SimpleCookie
c = SimpleCookie(); c['session'] = s; c['session']['path'] = '/'
open(os.path.join(OUT, 'headers.log'), 'w').write(c.output() + '\\n')`),
    where: /py-simplecookie\/headers\.log/,
  },
  {
    id: 'tcl-list',
    name: 'Tcl [list set password $s]: a word quoted by backslashes (\\$ \\[ \\] \\{ \\" \\\\ and \\ before a space)',
    realWorld: 'an Expect/Tcl config generated by a Tcl installer (puts [list set …] into a sourced file)',
    kind: 'spaces',
    script: `tclsh <<'EOF'
set f [open secret]; fconfigure $f -encoding utf-8; set s [read $f]; close $f
set o [open [file join $env(OUT) settings.tcl] w]
puts $o [list set password "\\{ \\$HOME \\[x\\] $s"]
close $o
EOF
grep -q '^set password ' "$OUT/settings.tcl"`,
    where: /tcl-list\/settings\.tcl/,
  },
  {
    id: 'rust-escape-default',
    name: 'Rust str::escape_default: non-ASCII as \\u{e9} \\u{20ac} \\u{1f600} (braced, lower case), \\" \\\\ \\\'',
    realWorld: 'a Rust build script (build.rs) that wrote the value into generated source with escape_default',
    kind: 'unicode',
    script: `cat > gen.rs <<'EOF'
fn main() {
    let s = std::fs::read_to_string("secret").unwrap();
    let out = std::env::var("OUT").unwrap();
    std::fs::write(format!("{}/generated.rs", out), format!("pub const API_KEY: &str = \\"{}\\";\\n", s.escape_default())).unwrap();
}
EOF
/usr/bin/rustc -O -o gen gen.rs && ./gen
grep -q 'u{' "$OUT/generated.rs"`,
    where: /rust-escape-default\/generated\.rs/,
  },
  {
    id: 'go-percent-U',
    name: 'Go fmt %U of []rune(value): [U+0061 U+00E9 U+1F600 …] (Unicode code point notation)',
    realWorld: 'a Go service’s debug log that printed a config value’s runes while chasing an encoding bug',
    kind: 'unicode',
    script: goMain(
      `package main
import ("fmt"; "os")
func main() {
	b, _ := os.ReadFile("../secret")
	f, _ := os.Create(os.Getenv("OUT") + "/debug.log")
	fmt.Fprintf(f, "level=debug msg=\\"password runes\\" runes=%U\\n", []rune(string(b)))
}`,
      'go run main.go',
    ),
    where: /go-percent-U\/debug\.log/,
  },
  {
    id: 'go-hex-spaced-upper',
    name: "Go fmt '% X' of the value's bytes: upper-case hex pairs separated by spaces on one line",
    realWorld: 'a Go client’s wire trace (fmt.Printf("% X", payload)) kept in a log',
    kind: 'token',
    script: goMain(
      `package main
import ("fmt"; "os")
func main() {
	b, _ := os.ReadFile("../secret")
	f, _ := os.Create(os.Getenv("OUT") + "/wire.log")
	fmt.Fprintf(f, "send auth payload=[% X]\\n", append([]byte("PASS "), b...))
}`,
      'go run main.go',
    ),
    where: /go-hex-spaced-upper\/wire\.log/,
  },
  {
    id: 'sqlite-mode-tcl',
    name: 'sqlite3 .mode tcl of a text column: "…" with \\" \\\\ and bytes beyond ASCII as octal (\\303\\251)',
    realWorld: 'a report exported by a maintenance script with sqlite3 -cmd ".mode tcl" for a Tcl tool',
    kind: 'unicode',
    script: `sqlite3 app.db "create table settings(k text, v text); insert into settings values('db_password', readfile('secret'));"
sqlite3 -cmd '.mode tcl' app.db 'select k, v from settings' > "$OUT/settings.tcl"
grep -q '"db_password"' "$OUT/settings.tcl"`,
    where: /sqlite-mode-tcl\/settings\.tcl/,
  },

  {
    id: 'js-uint8array-json',
    name: 'JSON.stringify of a Uint8Array (TextEncoder of the value): {"0":97,"1":98,…} — decimal bytes keyed by index',
    realWorld: 'a Node service’s request log that serialised a body buffer as JSON (the classic Uint8Array-to-JSON mistake)',
    kind: 'unicode',
    script: node(
      `fs.writeFileSync(path.join(out, 'request.json'), JSON.stringify({ method: 'POST', url: '/login', body: new TextEncoder().encode('password=' + s) }) + '\\n');`,
    ),
    where: /js-uint8array-json\/request\.json/,
  },
  {
    id: 'js-fromcharcode',
    name: 'JavaScript String.fromCharCode(…) of the value’s UTF-16 units in decimal (surrogates apart), as string obfuscators write',
    realWorld: 'a minified bundle whose build step hid the API key as String.fromCharCode(…) (javascript-obfuscator style)',
    kind: 'unicode',
    script: node(`const units = s.split('').map((c) => c.charCodeAt(0));
fs.writeFileSync(path.join(out, 'app.min.js'), '!function(){var k=String.fromCharCode(' + units.join(',') + ');window.__cfg={apiKey:k}}();\\n');`),
    where: /js-fromcharcode\/app\.min\.js/,
  },
  {
    id: 'vba-chr',
    name: 'VBA Chr()/ChrW() concatenation of the value (Chr(97) & Chr(98) & ChrW(8364) …), lines joined by " _"',
    realWorld: 'an Office macro (exported .bas) whose generator hid the password as Chr() calls',
    kind: 'unicode',
    script: py(`units = s.encode('utf-16-le'); units = [units[i] | units[i + 1] << 8 for i in range(0, len(units), 2)]
parts = [('Chr(%d)' if u < 256 else 'ChrW(%d)') % u for u in units]
lines = [' & '.join(parts[i:i + 8]) for i in range(0, len(parts), 8)]
open(os.path.join(OUT, 'Module1.bas'), 'w', newline='\\r\\n').write('Attribute VB_Name = "Module1"\\nFunction Pw() As String\\n    Pw = ' + ' & _\\n        '.join(lines) + '\\nEnd Function\\n')`),
    where: /vba-chr\/Module1\.bas/,
  },
  {
    id: 'numpy-uint8',
    name: 'numpy print of np.frombuffer(value, uint8): [ 97  98 …] decimal bytes padded to a column width, wrapped at 75',
    realWorld: 'a notebook/export of a model’s tokenizer debug output holding the API key’s bytes',
    kind: 'token',
    script: py(`import numpy as np
open(os.path.join(OUT, 'debug.txt'), 'w').write('key bytes:\\n' + str(np.frombuffer(s.encode(), dtype=np.uint8)) + '\\n')`),
    where: /numpy-uint8\/debug\.txt/,
  },
  {
    id: 'perl-entities-numeric',
    name: 'Perl HTML::Entities::encode_entities_numeric of every character: &#x61;&#x62;… (hex references, no named ones)',
    realWorld: 'an HTML e-mail template rendered by a Perl app that obfuscated the credential against scrapers',
    kind: 'unicode',
    script: `perl -MHTML::Entities=encode_entities_numeric -MEncode -e 'open my $f, "<", "secret" or die; local $/; my $s = decode("UTF-8", <$f>); open my $o, ">", "$ENV{OUT}/mail.html" or die; print $o "<p>Your password: <code>", encode_entities_numeric($s, "\\x00-\\x{10ffff}"), "</code></p>\\n";'
grep -q '&#x' "$OUT/mail.html"`,
    where: /perl-entities-numeric\/mail\.html/,
  },
  {
    id: 'jq-sh',
    name: "jq -r '@sh' of the value: '…'\\''…' (single-quoted, each ' closed, escaped and reopened)",
    realWorld: 'a CI step exporting a secret from JSON into a sourced env file with jq @sh',
    kind: 'shell',
    script: `jq -Rrs '"export DB_PASSWORD=" + (. | @sh)' secret > "$OUT/env.sh"
grep -q "'\\\\\\\\''" "$OUT/env.sh"`,
    where: /jq-sh\/env\.sh/,
  },
  {
    id: 'asn1parse-hexdump',
    name: 'openssl asn1parse of a DER OCTET STRING holding a 2-byte header and the value: [HEX DUMP]:0001… (upper-case hex of the bytes)',
    realWorld: 'a PKCS#8/CMS debugging session’s asn1parse output kept in a support bundle',
    kind: 'token',
    script: `printf 'asn1=SEQUENCE:s\\n[s]\\nv=INTEGER:1\\nk=FORMAT:HEX,OCTETSTRING:0001%s\\n' "$(printf '%s' "$S" | xxd -p | tr -d '\\n')" > a.cnf
openssl asn1parse -genconf a.cnf -out a.der > "$OUT/asn1.txt"
grep -q 'HEX DUMP' "$OUT/asn1.txt"`,
    where: /asn1parse-hexdump\/asn1\.txt/,
  },
  {
    id: 'sqlserver-hex-utf16',
    name: "SQL Server style CONVERT(varbinary, N'…'): 0x + upper-case hex of the value's UTF-16LE bytes (6100620063…)",
    realWorld: 'a generated T-SQL seed script that stored an NVARCHAR password as a varbinary literal',
    kind: 'unicode',
    script: node(
      `fs.writeFileSync(path.join(out, 'seed.sql'), "INSERT INTO dbo.Settings (Name, Value) VALUES (N'DbPassword', CONVERT(nvarchar(max), 0x" + Buffer.from(s, 'utf16le').toString('hex').toUpperCase() + '));\\nGO\\n');`,
    ),
    where: /sqlserver-hex-utf16\/seed\.sql/,
  },
  {
    id: 'java-bytes-utf16',
    name: 'Java Arrays.toString(s.getBytes(UTF_16)): signed decimal bytes of UTF-16BE with its BOM first ([-2, -1, 0, 97, …])',
    realWorld: 'a Java service’s debug log of an encoded credential (the default UTF_16 charset writes a BOM, big-endian)',
    kind: 'unicode',
    script: java(`    Files.writeString(Path.of(out, "debug.log"), "encoded=" + Arrays.toString(s.getBytes(StandardCharsets.UTF_16)) + "\\n");`),
    where: /java-bytes-utf16\/debug\.log/,
  },
  {
    id: 'py-bytes-utf16-repr',
    name: "Python repr of the value's UTF-16LE bytes: b'a\\x00b\\x00\\xe9\\x00…' (printable bytes as themselves, the rest \\x)",
    realWorld: 'a Python Windows-interop script logging the payload it wrote to the registry (print(data))',
    kind: 'unicode',
    script: py(`open(os.path.join(OUT, 'sync.log'), 'w').write('writing REG_SZ Password=' + repr(s.encode('utf-16-le')) + '\\n')`),
    where: /py-bytes-utf16-repr\/sync\.log/,
  },
  {
    id: 'bitconverter-dashes',
    name: "BitConverter.ToString of the value's UTF-8 bytes: upper-case hex pairs joined by '-' (61-62-63…)",
    realWorld: 'a PowerShell/.NET log of [BitConverter]::ToString($bytes) (the format is .NET’s; written here by Python in that format, no dotnet on Debian)',
    kind: 'unicode',
    script: py(`open(os.path.join(OUT, 'trace.log'), 'w').write('Payload: ' + '-'.join('%02X' % b for b in s.encode()) + '\\n')`),
    where: /bitconverter-dashes\/trace\.log/,
  },
  {
    id: 'reg-hex2',
    name: 'a .reg export of a REG_EXPAND_SZ value: hex(2):61,00,62,00,… (UTF-16LE bytes, comma-separated) cut by \\ line continuations at 80 columns',
    realWorld:
      'a regedit export of an app’s settings key (REG_EXPAND_SZ password) copied into a Windows container image (regedit’s layout, written by Python; no regedit on Debian)',
    kind: 'unicode',
    script: py(`data = (s + '\\0').encode('utf-16-le')
${regExport('"Password"=hex(2):', 'HKEY_LOCAL_MACHINE\\\\SOFTWARE\\\\Acme', 'acme.reg')}`),
    where: /reg-hex2\/acme\.reg/,
  },
  {
    id: 'qp-of-base64',
    name: 'quoted-printable (Python email, utf-8 QP) of a body line holding a long base64 credential: = as =3D, soft line breaks (=\\n) inside the base64',
    realWorld: 'a notification e-mail (.eml) a CI job sent with the base64 Basic credentials of a service account',
    kind: 'long',
    script: py(`import base64
from email.message import EmailMessage
from email import policy
m = EmailMessage(); m['From'] = 'ci@example.com'; m['To'] = 'ops@example.com'; m['Subject'] = 'creds'
m.set_content('Use header: Authorization: Basic ' + base64.b64encode(('svc:' + s).encode()).decode() + '\\n', cte='quoted-printable')
open(os.path.join(OUT, 'creds.eml'), 'wb').write(m.as_bytes(policy=policy.SMTP))`),
    where: /qp-of-base64\/creds\.eml/,
  },
  {
    id: 'xxd-p-of-base64',
    name: 'xxd -p of a file holding a base64 Basic credential: plain hex (60 columns) of base64 of user:value',
    realWorld: 'a plain hex dump (xxd -p) of a .docker/config.json kept in a debugging bundle',
    kind: 'token',
    script: `printf '{"auths":{"registry.example.com":{"auth":"%s"}}}\\n' "$(printf 'ci:%s' "$S" | base64 -w0)" | xxd -p > "$OUT/config.hex"`,
    where: /xxd-p-of-base64\/config\.hex/,
  },
  {
    id: 'percent-of-base64',
    name: 'urllib.parse.quote(safe="") of base64 of the value beyond ASCII: + / = as %2B %2F %3D in a query string',
    realWorld: 'an access log line of a callback URL carrying a base64 state parameter',
    kind: 'unicode',
    script: py(`import base64, urllib.parse
open(os.path.join(OUT, 'access.log'), 'w').write('10.0.0.5 - - [05/Dec/2026:10:00:00 +0000] "GET /cb?state=' + urllib.parse.quote(base64.b64encode(s.encode()).decode(), safe='') + '&x=1 HTTP/1.1" 200 2\\n')`),
    where: /percent-of-base64\/access\.log/,
  },
];

/**
 * Known gaps of this round: made and audited as the artifacts are, asserted still missed. base85 of a value under 32
 * bytes (35 characters or fewer) is decoded only when it decodes to printable ASCII (`stacked`): a run that short of
 * base85's alphabet is met in every source file, and one beyond ASCII is then no different from chance bytes
 * (runs-base85.ts; a tighter test of UTF-8 would be the fix).
 */
export const variant12TextGaps: Variant[] = [
  {
    id: 'b85-short-utf8',
    name: 'Python base64.b85encode of a value beyond ASCII under 32 bytes (é ß £: 28 bytes of UTF-8, 35 characters of base85) in a JSON config',
    realWorld: 'a JSON config storing a passphrase base85-encoded (Mercurial/git-style base85 of the UTF-8 bytes)',
    kind: 'latin1',
    script: py(`import base64, json
open(os.path.join(OUT, 'vault.json'), 'w').write(json.dumps({'cipher': 'none', 'passphrase_b85': base64.b85encode(s.encode()).decode()}) + '\\n')`),
    where: /b85-short-utf8\/vault\.json/,
  },
];
