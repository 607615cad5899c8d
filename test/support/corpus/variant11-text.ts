/**
 * The variant corpus's eleventh round, text notations (issue 28): what HTTP clients, git, mail
 * libraries, help-text formatters and line wrappers write around a value, none of which rounds 1–10
 * made — Basic credentials in base64 with the value after a user name of each length mod 3
 * (actions/checkout's `http.extraheader`, `curl -v`, Python http.client's debug output), a JWT by
 * PyJWT of a value beyond ASCII (`\u00e9` inside base64url), `git format-patch` of a commit whose
 * subject holds the value (RFC 2047 Q words), `git diff --word-diff=porcelain` (a rotated token cut
 * into `-`/`+`/` ` lines), an e-mail attachment whose file name holds the value (RFC 2231
 * `filename*0*=utf-8''…` continuations), PHP json_encode with the JSON_HEX_* flags, and wrapped
 * text: argparse's help (textwrap breaks a long default, indented), `fold -w`, Perl Text::Wrap,
 * `fmt` and textwrap in a comment block (a passphrase's spaces made line breaks and `# `), and a
 * dump cut into pieces by `split -b`.
 */
import { pyValue as py } from './variant-round.js';
import type { Variant } from './variant-text.js';
import { awaitReady } from './waits.js';

/** A one-request HTTP server on a free loopback port (the port in ./port), answering 200, in the background. */
const server = `/usr/bin/python3 - <<'EOF' &
import http.server
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200); self.send_header('Content-Length', '2'); self.end_headers(); self.wfile.write(b'ok')
    def log_message(self, *a): pass
s = http.server.HTTPServer(('127.0.0.1', 0), H)
open('port.tmp', 'w').write(str(s.server_port))
import os; os.rename('port.tmp', 'port')
s.handle_request()
EOF
P=$!
${awaitReady('[ -s port ]', '$P', 'the HTTP server')}`;

/** A paragraph of a README holding the value, for the wrappers. */
const para = (lead: string) => `printf '${lead} %s and keep it out of the logs.\\n' "$S" > para.txt`;

export const variant11Text: Variant[] = [
  {
    id: 'checkout-extraheader',
    name: "actions/checkout's persisted credentials: http.<url>.extraheader = AUTHORIZATION: basic base64('x-access-token:' + value) (15 bytes before: 0 mod 3)",
    realWorld: 'a repository checked out by actions/checkout (persist-credentials on) and COPY’d whole into the image, .git included',
    kind: 'token',
    script: `git init -q "$OUT/repo"
git -C "$OUT/repo" config --local http.https://github.com/.extraheader "AUTHORIZATION: basic $(printf 'x-access-token:%s' "$S" | base64 -w0)"
grep -q 'extraheader = AUTHORIZATION: basic ' "$OUT/repo/.git/config"`,
    where: /checkout-extraheader\/repo\/\.git\/config/,
  },
  {
    id: 'curl-v-basic',
    name: 'curl -v --netrc-file of a real request: > Authorization: Basic base64(jenkins:value) on stderr (8 bytes before: 2 mod 3)',
    realWorld: 'a build step that fetched an artifact with curl -v, its stderr kept as build.log in the image',
    kind: 'token',
    script: `${server}
printf 'machine 127.0.0.1 login jenkins password %s\\n' "$S" > netrc
curl -sv --netrc-file netrc -o /dev/null "http://127.0.0.1:$(cat port)/job/api/json" 2> "$OUT/build.log"
wait
grep -q '> Authorization: Basic ' "$OUT/build.log"`,
    where: /curl-v-basic\/build\.log/,
  },
  {
    id: 'httpclient-debug',
    name: "Python urllib with HTTPHandler(debuglevel=1) and a preemptive Basic header: send: b'…Authorization: Basic base64(svc:value)\\r\\n…' (4 bytes before: 1 mod 3)",
    realWorld: 'a Python deploy script run with HTTP debugging on, its stdout kept as deploy.log',
    kind: 'shell',
    script: `${server}
/usr/bin/python3 - > "$OUT/deploy.log" <<'EOF'
import urllib.request
s = open('secret', encoding='utf-8').read()
url = 'http://127.0.0.1:%s/api/deploy' % open('port').read()
class Pre(urllib.request.BaseHandler):
    def http_request(self, req):
        import base64
        req.add_unredirected_header('Authorization', 'Basic ' + base64.b64encode(('svc:' + s).encode()).decode())
        return req
urllib.request.build_opener(urllib.request.HTTPHandler(debuglevel=1), Pre()).open(url).read()
EOF
wait
grep -q 'Authorization: Basic ' "$OUT/deploy.log"`,
    where: /httpclient-debug\/deploy\.log/,
  },
  {
    id: 'pyjwt-unicode',
    name: 'PyJWT jwt.encode (HS256) of a claim beyond ASCII: json.dumps ensure_ascii (\\u00e9, \\ud83d\\ude00, \\" \\\\) inside base64url',
    realWorld: 'a service token minted at build time by a Python script and cached in the image',
    kind: 'unicode',
    script: py(`import jwt
open(os.path.join(OUT, 'token.jwt'), 'w').write(jwt.encode({'sub': 'ci', 'db_password': s, 'exp': 1900000000}, 'k' * 32, algorithm='HS256'))`),
    where: /pyjwt-unicode\/token\.jwt/,
  },
  {
    id: 'format-patch-subject',
    name: 'git format-patch of a commit whose subject holds the value: Subject: [PATCH] =?UTF-8?q?…?= (Q words, folded)',
    realWorld: 'a patch series mailed from a checkout (git format-patch -o patches/) and COPY’d into the image',
    kind: 'unicode',
    script: `git init -q repo && cd repo
echo one > a.txt && git add a.txt && git commit -qm init
printf 'Use token %s for the staging API\\n' "$S" > msg && echo two > a.txt && git commit -qa -F msg
git format-patch -q -1 -o "$OUT/patches"
grep -q '=?UTF-8?q?' "$OUT"/patches/0001-*.patch`,
    where: /format-patch-subject\/patches\/0001-/,
  },
  {
    id: 'word-diff-porcelain',
    name: 'git diff --word-diff=porcelain --word-diff-regex=.: a rotated token as lines of shared ( ), removed (-) and added (+) characters, ~ for a line end',
    realWorld: 'an editor integration’s diff cache (porcelain word diff) of a config change that rotated the API token',
    kind: 'token',
    script: `git init -q repo && cd repo
printf 'API_TOKEN=%s\\n' "$(sha256sum ../secret | cut -c1-28)" > app.env && git add app.env && git commit -qm one
printf 'API_TOKEN=%s\\n' "$S" > app.env
git diff --word-diff=porcelain --word-diff-regex=. > "$OUT/review.diff"
grep -q '^~$' "$OUT/review.diff"`,
    where: /word-diff-porcelain\/review\.diff/,
  },
  {
    id: 'mime-rfc2231-filename',
    name: "Python email add_attachment with a file name holding the value beyond ASCII: filename*0*=utf-8''…%C3%A9…; filename*1*=… (RFC 2231 continuations)",
    realWorld: 'an .eml of a support mail whose attachment was named after the API key it held, kept in a fixtures directory',
    kind: 'unicode',
    script: py(`from email.message import EmailMessage
from email import policy
m = EmailMessage(); m['From'] = 'ci@example.com'; m['To'] = 'ops@example.com'; m['Subject'] = 'keys'
m.set_content('attached')
m.add_attachment(b'{}', maintype='application', subtype='json', filename='cl\\u00e9-' + s + '-backup-of-the-production-keys.json')
open(os.path.join(OUT, 'keys.eml'), 'wb').write(m.as_bytes(policy=policy.SMTP))`),
    where: /mime-rfc2231-filename\/keys\.eml/,
  },
  {
    id: 'php-json-hex',
    name: 'PHP json_encode with JSON_HEX_TAG|JSON_HEX_AMP|JSON_HEX_APOS|JSON_HEX_QUOT: < > & \' " as \\u003C \\u003E \\u0026 \\u0027 \\u0022',
    realWorld: 'a PHP config cache written for inlining into HTML (Laravel’s @json / Symfony’s json_encode with HEX flags)',
    kind: 'html',
    script: `php -r '$s = file_get_contents("secret"); file_put_contents(getenv("OUT") . "/config.json", json_encode(["app" => ["key" => $s]], JSON_HEX_TAG | JSON_HEX_AMP | JSON_HEX_APOS | JSON_HEX_QUOT));'
grep -q 'u003C' "$OUT/config.json"`,
    where: /php-json-hex\/config\.json/,
  },
  {
    id: 'argparse-help',
    name: "argparse's --help (COLUMNS=80): a 200-character default broken by textwrap at its hyphens and at the width, lines indented by 24 spaces",
    realWorld: 'a CLI’s usage text generated at build time (deploy --help > usage.txt), its default API key from the build environment',
    kind: 'long',
    script: `COLUMNS=80 /usr/bin/python3 - <<'EOF'
import argparse, os
s = open('secret', encoding='utf-8').read()
p = argparse.ArgumentParser(prog='deploy', description='Ships a release.')
p.add_argument('--api-key', default=s, help='the API key (default: %(default)s)')
p.add_argument('--region', default='eu-west-1', help='the region')
open(os.path.join(os.environ['OUT'], 'usage.txt'), 'w').write(p.format_help())
EOF
test "$(wc -l < "$OUT/usage.txt")" -gt 8`,
    where: /argparse-help\/usage\.txt/,
  },
  {
    id: 'fold-w64',
    name: 'fold -w 64: a license file line holding a 200-character key cut every 64 columns (no indentation)',
    realWorld: 'a license file formatted for a terminal (fold -w 64) and shipped in /usr/share/doc',
    kind: 'long',
    script: `{ printf 'Product: deploy-tools\\nLicense key: '; cat secret; printf '\\n'; } | fold -w 64 > "$OUT/LICENSE.key"
test "$(wc -l < "$OUT/LICENSE.key")" -gt 3`,
    where: /fold-w64\/LICENSE\.key/,
  },
  {
    id: 'perl-text-wrap',
    name: "Perl Text::Wrap (columns 72, $huge = 'wrap'): a 200-character key cut at the width, continuation lines indented by four spaces",
    realWorld: 'a Perl installer that wrote its post-install notes (with the generated key) through Text::Wrap',
    kind: 'long',
    script: `perl -MText::Wrap -e 'open my $f, "<", "secret" or die; local $/; my $s = <$f>; $Text::Wrap::columns = 72;
open my $o, ">", "$ENV{OUT}/NOTES" or die; print $o wrap("", "    ", "Your API key is $s and it expires in a year."), "\\n";'
test "$(wc -l < "$OUT/NOTES")" -gt 2`,
    where: /perl-text-wrap\/NOTES/,
  },
  {
    id: 'fmt-passphrase',
    name: 'fmt -w 40: a paragraph reflowed, the passphrase’s spaces made line breaks where the width falls',
    realWorld: 'a README section reflowed by fmt (an editor’s gq) that named the vault passphrase',
    kind: 'longSpaced',
    script: `${para('The vault passphrase is')}
fmt -w 40 para.txt > "$OUT/README.txt"
test "$(wc -l < "$OUT/README.txt")" -gt 4`,
    where: /fmt-passphrase\/README\.txt/,
  },
  {
    id: 'textwrap-comment',
    name: "Python textwrap.fill (width 60, '# ' before every line): a passphrase in a comment block, its spaces made a line break and '# '",
    realWorld: 'a generated Ansible vars file whose header comment names the vault passphrase',
    kind: 'longSpaced',
    script: py(`import textwrap
open(os.path.join(OUT, 'vars.yml'), 'w').write(textwrap.fill('Vault passphrase: ' + s + ' (rotate yearly).', width=60, initial_indent='# ', subsequent_indent='# ') + '\\nvault_enabled: true\\n')`),
    where: /textwrap-comment\/vars\.yml/,
  },
  {
    id: 'base64-fold-12',
    name: "openssl base64 -A | fold -w 12: base64 of 'deploy:value' cut every 12 columns (lines shorter than any base64 wrapping)",
    realWorld: 'a provisioning template that printed Basic credentials into a narrow fixed-width column of a report',
    kind: 'token',
    script: `printf 'deploy:%s' "$S" | openssl base64 -A | fold -w 12 > "$OUT/creds.txt"
test "$(wc -l < "$OUT/creds.txt")" -gt 3`,
    where: /base64-fold-12\/creds\.txt/,
  },
];

/**
 * Known gaps of this round: made and audited as the artifacts are, asserted still missed. `split -b` leaves a value
 * cut across two files: the audit reads each file of a layer on its own and joins none (which files are pieces of
 * one, and in what order, only the writer knows: split's suffixes, `.partN`, `cat x* > y` at start) — a limit of
 * reading files one at a time, not a notation.
 */
export const variant11TextGaps: Variant[] = [
  {
    id: 'split-pieces',
    name: 'split -b 4096 -d: a dump cut into pieces (dump.sql.00, .01, …), the value across the cut between two of them',
    realWorld: 'a database dump split to fit an upload limit, its pieces copied into the image to be joined at start',
    kind: 'token',
    script: `{ head -c 4070 /dev/zero | tr '\\0' 'x'; printf '\\nTOKEN=%s\\n' "$S"; } > dump.sql
split -b 4096 -d dump.sql "$OUT/dump.sql."
test -s "$OUT/dump.sql.01"`,
    where: /split-pieces\/dump\.sql\.0/,
  },
];
