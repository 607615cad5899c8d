/**
 * The variant corpus's fourteenth round, text notations (issue 28: "escapes as a family, not a list",
 * "stacked encodings"): nearby variants of texts rounds 1–13 made, each written by the real runtime or
 * tool on Debian — a value wrapped inside a table's cell (sqlite3 .mode box/table --wrap, pandoc's reST
 * grid table), a short value's base64 alone on an SMTP AUTH line (Python smtplib's debug transcript),
 * coreutils' shell-escape quoting of a file name in the C locale ('ab'$'\303\251''cd'), source code
 * highlighted by Pygments (HTML spans, LaTeX \PY macros, 256-colour escapes, a notebook's JSON of
 * them), gdb's x/xb dump of a buffer, od -t x4's little-endian words, a JavaScript char-code call
 * prettier broke over lines, Node's indented JSON of a Buffer, ISO-8859-1 mail (Q words and a
 * quoted-printable body), Perl's and PHP's MIME headers, Ruby's pack('M'), a value's characters
 * listed by Perl's Data::Dumper, PHP's var_export, Go's %q of []rune, numpy and Node's JSON, and Go's
 * html/template in a script.
 *
 * Not made: protoc's generated sources (no protobuf-compiler in the lab), psql's wrapped format (a
 * cluster per artifact for what sqlite3's --wrap already shows), HAProxy's and rsyslog's # escapes
 * (no daemon in the lab writes them).
 */
import { goMain, nodeValue as node, pyValue as py } from './variant-round.js';
import type { Variant } from './variant-text.js';

/** A PHP script, the value in $s, $OUT in $out. */
const php = (body: string) => `cat > gen.php <<'EOF'
<?php
$s = file_get_contents('secret');
$out = getenv('OUT');
${body}
EOF
php gen.php`;

/** A Perl script, the value (UTF-8 decoded) in $s, $OUT in $out. */
const perl = (body: string) => `cat > gen.pl <<'EOF'
use strict; use warnings; use utf8;
open(my $in, '<:encoding(UTF-8)', 'secret') or die; my $s = do { local $/; <$in> }; close $in;
my $out = $ENV{OUT};
${body}
EOF
perl gen.pl`;

/**
 * Python's smtplib (set_debuglevel(1)) logging in to a one-connection SMTP server of the script's own that offers only
 * `mech`: its transcript (send: '…' / reply: b'…') written to $OUT/`file`.
 */
const smtp = (mech: string, file: string) =>
  py(`import smtplib, socket, threading, contextlib
srv = socket.socket(); srv.bind(('127.0.0.1', 0)); srv.listen(1)
def serve():
    c, _ = srv.accept(); f = c.makefile('rwb')
    def say(*lines):
        f.write(b''.join(l.encode() + b'\\r\\n' for l in lines)); f.flush()
    say('220 mail.example.com ESMTP')
    for raw in f:
        cmd = raw.decode().strip().upper()
        if cmd.startswith('EHLO'): say('250-mail.example.com', '250 AUTH ${mech}')
        elif cmd.startswith('AUTH LOGIN'): say('334 UGFzc3dvcmQ6')
        elif cmd.startswith('QUIT'): say('221 bye'); break
        else: say('235 2.7.0 Authentication successful')
    c.close()
t = threading.Thread(target=serve); t.start()
with open(os.path.join(OUT, '${file}'), 'w') as log, contextlib.redirect_stderr(log):
    m = smtplib.SMTP('127.0.0.1', srv.getsockname()[1], local_hostname='ci.example.com')
    m.set_debuglevel(1)
    m.login('svc-mailer', s)
    m.quit()
t.join()`);

/** A Python settings module holding the value (its repr), highlighted by Pygments into $OUT/`file` with `args`. */
const pygments = (args: string, file: string) => `${py(`open('settings.py', 'w').write('# generated\\nDEBUG = False\\nDB_PASSWORD = ' + repr(s) + '\\n')`)}
/usr/bin/python3 -m pygments -l python ${args} -o "$OUT/${file}" settings.py`;

/** A value of the round's long kinds, in a two-column sqlite3 table, printed with `mode`. */
const sqliteMode = (
  mode: string,
  file: string,
) => `sqlite3 app.db "create table settings(k text, v text); insert into settings values('api_key', readfile('secret'));"
sqlite3 app.db "${mode}" 'select k, v from settings' > "$OUT/${file}"`;

export const variant14Text: Variant[] = [
  {
    id: 'sqlite-box-wrap',
    name: 'sqlite3 .mode box --wrap 30: a 200-character key cut into 30-character pieces inside a box cell (│ … │ on each line)',
    realWorld: 'a maintenance script’s report of a settings table printed with sqlite3’s box mode, kept in a job log',
    kind: 'long',
    script: sqliteMode('.mode box --wrap 30', 'settings.txt'),
    where: /sqlite-box-wrap\/settings\.txt/,
  },
  {
    id: 'sqlite-table-wrap',
    name: 'sqlite3 .mode table --wrap 12: a token cut into 12-character pieces inside an ASCII table cell (| … | on each line)',
    realWorld: 'a settings table printed by sqlite3 -table for a support ticket',
    kind: 'token',
    script: sqliteMode('.mode table --wrap 12', 'settings.txt'),
    where: /sqlite-table-wrap\/settings\.txt/,
  },
  {
    id: 'sqlite-box-wordwrap',
    name: 'sqlite3 .mode box --wrap 24 --wordwrap on: a passphrase’s words wrapped inside a box cell, the spaces made line breaks',
    realWorld: 'a recovery passphrase stored in an app database and printed with sqlite3’s box mode',
    kind: 'longSpaced',
    script: sqliteMode('.mode box --wrap 24 --wordwrap on', 'settings.txt'),
    where: /sqlite-box-wordwrap\/settings\.txt/,
  },
  {
    id: 'pandoc-rst-grid',
    name: 'pandoc -f html -t rst (--columns 60): an HTML table as a reST grid table, the passphrase’s words wrapped inside its cell',
    realWorld: 'an internal wiki page (HTML) converted to reStructuredText for Sphinx docs baked into the image',
    kind: 'longSpaced',
    script: `{ printf '<table><tr><th>Setting</th><th>Value</th><th>Notes</th></tr>\\n<tr><td>recovery_phrase</td><td>'; cat secret; printf '</td><td>rotate yearly, keep offline</td></tr></table>\\n'; } > page.html
pandoc -f html -t rst --columns 60 page.html -o "$OUT/settings.rst"
grep -q '^+-' "$OUT/settings.rst"`,
    where: /pandoc-rst-grid\/settings\.rst/,
  },
  {
    id: 'smtp-auth-login',
    name: "Python smtplib's debug transcript of AUTH LOGIN: send: 'base64(password)\\r\\n' — 12 characters of base64 alone on a line",
    realWorld: 'a cron job’s mail log (smtplib.set_debuglevel(1)) kept in the image, with an 8-character mailbox password',
    kind: 'short',
    script: smtp('LOGIN', 'mail-debug.log'),
    where: /smtp-auth-login\/mail-debug\.log/,
  },
  {
    id: 'smtp-auth-plain',
    name: "Python smtplib's debug transcript of AUTH PLAIN: send: 'AUTH PLAIN base64(\\0user\\0password)\\r\\n'",
    realWorld: 'the same mail log, the server offering only PLAIN (the password between NULs inside base64)',
    kind: 'short',
    script: smtp('PLAIN', 'mail-debug.log'),
    where: /smtp-auth-plain\/mail-debug\.log/,
  },
  {
    id: 'coreutils-quote-c',
    name: "coreutils' diagnostic of a file name in the C locale: 'ab\"c\\d'$'\\303\\251\\342\\202\\254''ef' (shell-escape: quoted pieces and $'…' octal bytes)",
    realWorld: 'a CI log in which a list of files built from the wrong variable made the password a file name (wc: …: No such file or directory), LANG unset',
    kind: 'unicode',
    // The name reaches wc on its stdin (--files0-from=-), never in an argv.
    script: `{ printf '%s\\0' "$S" | LC_ALL=C wc -l --files0-from=- 2> "$OUT/job.log" || true; }
grep -q "\\\\$'" "$OUT/job.log"`,
    where: /coreutils-quote-c\/job\.log/,
  },
  {
    id: 'pygments-html',
    name: 'Pygments HtmlFormatter of a settings module: the string cut by <span> tags at its escapes (\\\\) and % specs, & < > " as entities',
    realWorld: 'a Sphinx/Pygments-rendered documentation page of a settings.py example that held the real password',
    kind: 'specials',
    script: pygments('-f html', 'settings.py.html'),
    where: /pygments-html\/settings\.py\.html/,
  },
  {
    id: 'pygments-latex',
    name: 'Pygments LatexFormatter: the string as \\PY{l+s+s1}{…} pieces, \\ & % < > " as \\PYZbs{} \\PYZam{} \\PYZpc{} \\PYZlt{} \\PYZgt{} \\PYZdq{}',
    realWorld: 'a LaTeX manual (minted / Pygments) built from a settings.py example, its .tex kept in the docs image',
    kind: 'specials',
    script: pygments('-f latex', 'settings.tex'),
    where: /pygments-latex\/settings\.tex/,
  },
  {
    id: 'pygments-256',
    name: 'Pygments Terminal256Formatter: the string cut by 256-colour escapes (ESC[38;5;…m) at its escapes and % specs',
    realWorld: 'a CI log of `pygmentize` (or bat) showing a config file, colours kept',
    kind: 'specials',
    script: pygments('-f terminal256', 'show-config.log'),
    where: /pygments-256\/show-config\.log/,
  },
  {
    id: 'notebook-ansi',
    name: 'a notebook (nbformat-style JSON, indent 1) whose stream output holds Pygments terminal colours: ESC as \\u001b inside JSON, cutting the value',
    realWorld: 'a Jupyter notebook saved with outputs where a cell printed a highlighted settings file',
    kind: 'specials',
    script: `${py(`open('settings.py', 'w').write('DB_PASSWORD = ' + repr(s) + '\\n')`)}
/usr/bin/python3 -m pygments -l python -f terminal -o colored.txt settings.py
${py(`import json
text = open('colored.txt', encoding='utf-8').read()
nb = {'cells': [{'cell_type': 'code', 'execution_count': 3, 'metadata': {}, 'outputs': [{'name': 'stdout', 'output_type': 'stream', 'text': text.splitlines(True)}], 'source': ['!pygmentize settings.py']}], 'metadata': {'kernelspec': {'display_name': 'Python 3', 'language': 'python', 'name': 'python3'}}, 'nbformat': 4, 'nbformat_minor': 5}
open(os.path.join(OUT, 'Setup.ipynb'), 'w').write(json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True) + '\\n')`)}
grep -q 'u001b' "$OUT/Setup.ipynb"`,
    where: /notebook-ansi\/Setup\.ipynb/,
  },
  {
    id: 'gdb-x-bytes',
    name: 'gdb x/64xb of a buffer holding the value: 8 bytes a line as 0x.. after the address and <buf+N>:, tab-separated',
    realWorld: 'a debugging session’s log (gdb -batch) of a service that had just read its credentials file',
    kind: 'unicode',
    script: `cat > m.c <<'EOF'
#include <stdio.h>
char buf[128];
void loaded(void) {}
int main(void) { FILE *f = fopen("secret", "r"); if (!f) return 1; fread(buf, 1, sizeof buf - 1, f); fclose(f); loaded(); return 0; }
EOF
gcc -g -O0 -o m m.c
gdb -q -nx -batch -ex 'break loaded' -ex run -ex 'x/64xb buf' ./m > "$OUT/gdb.log" 2>&1
grep -q '<buf+8>:' "$OUT/gdb.log"`,
    where: /gdb-x-bytes\/gdb\.log/,
  },
  {
    id: 'od-tx4',
    name: 'od -A x -t x4 of an env file: 4-byte little-endian words (each group’s bytes reversed), 16 bytes a line',
    realWorld: 'a support bundle’s dump of a config file made with od -t x4 (word view)',
    kind: 'token',
    script: `printf 'API_TOKEN=%s\\n' "$S" > env.txt && od -A x -t x4 env.txt > "$OUT/env.od"`,
    where: /od-tx4\/env\.od/,
  },
  {
    id: 'prettier-fromcharcode',
    name: 'prettier of String.fromCharCode(…) of the value: one decimal char code per line, the call’s argument on the next line',
    realWorld: 'an obfuscated key in a front-end source that prettier reformatted (format on save / lint-staged), shipped in the image',
    kind: 'specials',
    script: `${node(`fs.writeFileSync('key.js', 'export const apiKey = String.fromCharCode(' + [...s].map((c) => c.charCodeAt(0)).join(', ') + ');\\n');`)}
prettier --no-config key.js > "$OUT/key.js"
grep -q '^  [0-9]*,$' "$OUT/key.js"`,
    where: /prettier-fromcharcode\/key\.js/,
  },
  {
    id: 'node-buffer-json-indent',
    name: 'JSON.stringify(state, null, 2) of an object holding a Buffer: "data": [ one decimal byte per line ]',
    realWorld: 'a Node service’s pretty-printed state file (a session key kept as a Buffer)',
    kind: 'unicode',
    script: node(`fs.writeFileSync(path.join(out, 'state.json'), JSON.stringify({ user: 'svc', secret: Buffer.from(s) }, null, 2) + '\\n');`),
    where: /node-buffer-json-indent\/state\.json/,
  },
  {
    id: 'email-latin1-q',
    name: "Python email Header(value, 'iso-8859-1'): Q encoded words of Latin-1 bytes (=E9 =DF =A3), folded",
    realWorld: 'a notification mail saved as .eml by a Python tool whose charset was set to ISO-8859-1',
    kind: 'latin1',
    script: py(`from email.message import Message
from email.header import Header
m = Message()
m['From'] = 'ops@example.com'
m['Subject'] = Header('Zugangsdaten: ' + s, 'iso-8859-1')
m.set_payload('siehe Betreff\\n')
open(os.path.join(OUT, 'mail.eml'), 'w').write(m.as_string())`),
    where: /email-latin1-q\/mail\.eml/,
  },
  {
    id: 'email-latin1-qp',
    name: "Python MIMEText(body, 'plain', 'iso-8859-1'): a quoted-printable body of Latin-1 bytes (=E9 =DF =A3)",
    realWorld: 'a welcome mail in ISO-8859-1 (a German mail template) kept in the image’s outbox',
    kind: 'latin1',
    script: py(`from email.mime.text import MIMEText
m = MIMEText('Hallo,\\n\\nIhr neues Kennwort lautet: ' + s + '\\n\\nGruss\\n', 'plain', 'iso-8859-1')
m['Subject'] = 'Zugang'
open(os.path.join(OUT, 'welcome.eml'), 'w').write(m.as_string())
assert 'quoted-printable' in m.as_string()`),
    where: /email-latin1-qp\/welcome\.eml/,
  },
  {
    id: 'perl-mime-header',
    name: 'Perl Encode MIME-Header: =?UTF-8?B?…?= words of 75 columns at most, folded',
    realWorld: 'a Perl mailer script (Encode::encode("MIME-Header", …)) whose saved message has the password in the subject',
    kind: 'unicode',
    script: perl(`use Encode;
open(my $o, '>', "$out/mail.eml") or die;
print $o "From: ops\\@example.com\\nSubject: " . encode('MIME-Header', "Neues Passwort: $s") . "\\n\\nsiehe Betreff\\n";
close $o;`),
    where: /perl-mime-header\/mail\.eml/,
  },
  {
    id: 'php-iconv-mime-q',
    name: 'PHP iconv_mime_encode (scheme Q): Subject: =?UTF-8?Q?…?= words, folded by CRLF and a space',
    realWorld: 'a PHP app’s mail spool file whose subject held the generated password',
    kind: 'unicode',
    script: php(`$h = iconv_mime_encode('Subject', "Your new password: $s", ['scheme' => 'Q', 'input-charset' => 'UTF-8', 'output-charset' => 'UTF-8']);
file_put_contents("$out/mail.eml", "From: app@example.com\\r\\n$h\\r\\n\\r\\nsee subject\\r\\n");`),
    where: /php-iconv-mime-q\/mail\.eml/,
  },
  {
    id: 'ruby-pack-m',
    name: "Ruby [text].pack('M'): quoted-printable, =C3=A9 beyond ASCII, soft breaks (=\\n) at 73 columns",
    realWorld: 'a Ruby mailer’s saved body (pack("M")), the token in a long line',
    kind: 'unicode',
    script: `ruby -e 's = File.read("secret", encoding: "UTF-8"); File.write(File.join(ENV["OUT"], "body.qp"), ["Your API credentials for the staging environment are: token=#{s} (rotate monthly)\\n"].pack("M"))'`,
    where: /ruby-pack-m\/body\.qp/,
  },
  {
    id: 'perl-dumper-chars',
    name: "Perl Data::Dumper of [split //, value]: $VAR1 = [ 'a', 'b', … ] one quoted character a line, indented",
    realWorld: 'a Perl script’s debug dump of a password split into characters (checking its classes), kept in a log',
    kind: 'specials',
    script: perl(`use Data::Dumper;
open(my $o, '>:encoding(UTF-8)', "$out/debug.log") or die;
print $o Dumper([split //, $s]);
close $o;`),
    where: /perl-dumper-chars\/debug\.log/,
  },
  {
    id: 'php-var-export-chars',
    name: "PHP var_export(preg_split('//u', value)) (its characters): array ( 0 => 'a', 1 => 'b', … ) one indexed character a line",
    realWorld: 'a PHP debug log of a password’s characters (var_export of its characters)',
    kind: 'specials',
    script: php(`file_put_contents("$out/debug.log", var_export(preg_split('//u', $s, -1, PREG_SPLIT_NO_EMPTY), true) . "\\n");`),
    where: /php-var-export-chars\/debug\.log/,
  },
  {
    id: 'go-q-runes',
    name: "Go fmt %q of []rune(value): ['a' 'b' 'é' '\"' '\\\\' …] — quoted characters separated by spaces",
    realWorld: 'a Go service’s debug log of a password’s runes (%q), kept in the container’s log file',
    kind: 'unicode',
    script: goMain(
      `package main
import ("fmt"; "os")
func main() {
	b, _ := os.ReadFile("../secret")
	f, _ := os.Create(os.Getenv("OUT") + "/debug.log")
	fmt.Fprintf(f, "password runes: %q\\n", []rune(string(b)))
}`,
      'go run main.go',
    ),
    where: /go-q-runes\/debug\.log/,
  },
  {
    id: 'numpy-char-array',
    name: "numpy print of np.array(list(value)): ['a' 'b' '&' … ] — quoted characters separated by spaces, wrapped at 75 columns",
    realWorld: 'a data-science notebook’s or script’s printed array of a key’s characters, kept in a run log',
    kind: 'specials',
    script: py(`import numpy as np
open(os.path.join(OUT, 'run.log'), 'w').write('chars: ' + str(np.array(list(s))) + '\\n')`),
    where: /numpy-char-array\/run\.log/,
  },
  {
    id: 'node-json-chars',
    name: 'JSON.stringify([...value]): ["a","b","\\"","\\\\",…] — a JSON array of one-character strings',
    realWorld: 'a Node tool’s JSON report of a password’s characters (its character-class check), kept in the image',
    kind: 'unicode',
    script: node(`fs.writeFileSync(path.join(out, 'report.json'), JSON.stringify({ check: 'classes', chars: [...s] }) + '\\n');`),
    where: /node-json-chars\/report\.json/,
  },
  {
    id: 'go-template-js',
    name: 'Go html/template of a value in a <script> string: & < > " \' + as \\u0026 \\u003c \\u003e \\u0022 \\u0027 \\u002b',
    realWorld: 'a Go web app’s rendered page (html/template) that put an API key into a script block, cached as HTML',
    kind: 'html',
    script: goMain(
      `package main
import ("html/template"; "os")
func main() {
	b, _ := os.ReadFile("../secret")
	f, _ := os.Create(os.Getenv("OUT") + "/index.html")
	t := template.Must(template.New("p").Parse("<script>var apiKey = \\"{{.}}\\";</script>\\n"))
	t.Execute(f, string(b))
}`,
      'go run main.go',
    ),
    where: /go-template-js\/index\.html/,
  },
];

/** Known gaps of this round: made and audited as the artifacts are, asserted still missed. */
export const variant14TextGaps: Variant[] = [];
