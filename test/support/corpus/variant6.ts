/**
 * The variant corpus's sixth round (issue 28): what build tools, infrastructure tools and runtimes
 * write around a value that rounds 1–5 did not — a webpack `eval` bundle (a JS string inside a JS
 * string), Terraform's state and plan, a Kubernetes pull secret (base64 of JSON holding base64), a
 * CSR's challengePassword (PEM of DER), Java serialization, Python's bytes repr, Go's
 * QuoteToASCII, protobuf text format (octal UTF-8), a JSON log of a form-encoded URL, a HAR body as
 * base64 of gzip, PHP's serialize in base64, an .xlsx's shared strings. Each is made by the tool
 * that makes it in a real pipeline (binary ones: variant6-binary.ts).
 */
import { goMain, pyValue as py } from './variant-round.js';
import type { Variant } from './variant-text.js';
import { awaitReady } from './waits.js';
import { variant6Binary } from './variant6-binary.js';

/** Node 24 (node_modules/.bin first on the artifact's PATH), the value in `s`, the output directory in `OUT`. */
const node = (body: string) => `node - <<'EOF'
const fs = require('fs'), path = require('path');
const s = fs.readFileSync('secret', 'utf8');
const OUT = process.env.OUT;
${body}
EOF`;

export const variant6Text: Variant[] = [
  {
    id: 'webpack-eval',
    name: "a bundle as webpack's devtool 'eval' writes it: each module's code JSON-quoted into eval(\"…\") (the value's \\\" now \\\\\\\")",
    realWorld: 'a development build of a front end shipped in the image (webpack --mode development), its config module holding an API key',
    kind: 'unicode',
    // webpack is not installed: its EvalDevToolModulePlugin is `eval(${JSON.stringify(source + sourceURL)})`.
    script: node(`const src = 'const config = { apiToken: ' + JSON.stringify(s) + ' };\\nmodule.exports = config;\\n';
const mod = 'eval(' + JSON.stringify(src + '\\n//# sourceURL=webpack://app/./src/config.js?') + ');';
fs.writeFileSync(path.join(OUT, 'main.js'), '(() => {\\nvar __webpack_modules__ = ({\\n"./src/config.js":\\n((module) => {\\n' + mod + '\\n})\\n});\\n})();\\n');`),
    where: /webpack-eval\/main\.js$/,
  },
  {
    id: 'terraform-state',
    name: 'terraform apply: a sensitive output in terraform.tfstate (Go JSON: \\u003c \\u003e \\u0026)',
    realWorld: 'an image that ran its own Terraform and kept the state next to the module',
    kind: 'html',
    script: `mkdir tf && cd tf
printf 'variable "db_password" {\\n  type      = string\\n  sensitive = true\\n}\\noutput "db_password" {\\n  value     = var.db_password\\n  sensitive = true\\n}\\n' > main.tf
export TF_VAR_db_password="$S" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
terraform init -input=false -no-color > /dev/null
terraform apply -auto-approve -input=false -no-color > /dev/null
cp terraform.tfstate "$OUT/"`,
    where: /terraform-state\/terraform\.tfstate$/,
  },
  {
    id: 'terraform-plan',
    name: 'terraform plan -out: the saved plan (a zip; the variable in tfplan, protobuf holding msgpack)',
    realWorld: 'a CI image that planned at build time and kept the plan file to apply later',
    kind: 'specials',
    script: `mkdir tf && cd tf
printf 'variable "db_password" {\\n  type = string\\n}\\noutput "dsn" {\\n  value     = "postgres://app:\${var.db_password}@db/app"\\n  sensitive = true\\n}\\n' > main.tf
export TF_VAR_db_password="$S" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
terraform init -input=false -no-color > /dev/null
terraform plan -input=false -no-color -out=app.tfplan > /dev/null
cp app.tfplan "$OUT/"`,
    where: /terraform-plan\/app\.tfplan!\/tfplan/,
  },
  {
    id: 'k8s-pull-secret',
    name: 'kubectl create secret (type dockerconfigjson) --dry-run -o yaml: base64 of a docker config whose auth is base64 of user:password',
    realWorld: 'an imagePullSecret manifest generated in CI and baked into a deploy image',
    kind: 'specials',
    script:
      py(`import base64, json
auth = base64.b64encode(('ci:' + s).encode()).decode()
open('config.json', 'w').write(json.dumps({'auths': {'registry.example.com': {'auth': auth}}}))`) +
      `
kubectl create secret generic regcred --type=kubernetes.io/dockerconfigjson --from-file=.dockerconfigjson=config.json --dry-run=client -o yaml > "$OUT/regcred.yaml"
! grep -qF "$S" "$OUT/regcred.yaml"`,
    where: /k8s-pull-secret\/regcred\.yaml!\(base64 at \d+\)!\(base64 at \d+\)/,
  },
  {
    id: 'csr-challenge',
    name: 'openssl req: a CSR whose challengePassword attribute holds the value (UTF8String in DER, PEM)',
    realWorld: 'a SCEP enrolment request generated at build time and left in /etc/ssl',
    kind: 'token',
    script: `printf '[req]\\nprompt = no\\nstring_mask = utf8only\\ndistinguished_name = dn\\nattributes = attrs\\n[dn]\\nCN = app.example.com\\n[attrs]\\nchallengePassword = %s\\n' "$S" > req.cnf
openssl req -new -newkey rsa:2048 -nodes -keyout key.pem -config req.cnf -out "$OUT/app.csr" 2> /dev/null`,
    where: /csr-challenge\/app\.csr/,
  },
  {
    id: 'py-bytes-repr',
    name: "Python logging of bytes with %r: b'…\\xc3\\xa9…' (UTF-8 bytes as \\x escapes)",
    realWorld: 'a debug log of a Python client printing the request body it sent',
    kind: 'unicode',
    script: py(`import logging
logging.basicConfig(filename=OUT + '/client.log', level=logging.DEBUG, format='%(asctime)s %(levelname)s %(message)s')
logging.debug('sending body %r', ('{"token": "%s"}' % s).encode())`),
    where: /py-bytes-repr\/client\.log/,
  },
  {
    id: 'go-quote-ascii',
    name: 'a Go service logging the value with %+q (QuoteToASCII: \\u00e9, \\u20ac, \\U0001f600)',
    realWorld: 'a Go service debug log quoting its configuration',
    kind: 'unicode',
    script: goMain(
      `package main
import ("fmt"; "os")
func main() {
	b, _ := os.ReadFile("../secret")
	f, _ := os.Create(os.Getenv("OUT") + "/service.log")
	fmt.Fprintf(f, "level=debug msg=\\"config loaded\\" token=%+q\\n", string(b))
	f.Close()
}`,
      'go run main.go',
    ),
    where: /go-quote-ascii\/service\.log/,
  },
  {
    id: 'protobuf-text',
    name: 'protobuf text format (python text_format): non-ASCII as octal escapes of its UTF-8 (\\303\\251)',
    realWorld: 'a .pbtxt configuration (TensorFlow Serving, Bazel, gRPC service config) written by a generator',
    kind: 'unicode',
    script: py(`from google.protobuf import struct_pb2, text_format
m = struct_pb2.Struct(); m.update({'api_token': s, 'env': 'production'})
open(OUT + '/serving.pbtxt', 'w').write(text_format.MessageToString(m))`),
    where: /protobuf-text\/serving\.pbtxt/,
  },
  {
    id: 'json-log-form-url',
    name: 'a JSON log line (pino style) whose url holds the value form-encoded by URLSearchParams',
    realWorld: 'an access log of a Node service that called an API with ?token=…',
    kind: 'url',
    script: node(`const line = { level: 30, time: 1700000000000, msg: 'upstream request', url: '/api/export?' + new URLSearchParams({ token: s, page: '2' }) };
fs.writeFileSync(path.join(OUT, 'app.log'), JSON.stringify({ level: 30, msg: 'started' }) + '\\n' + JSON.stringify(line) + '\\n');`),
    where: /json-log-form-url\/app\.log/,
  },
  {
    id: 'har-gzip-b64',
    name: 'a HAR whose response body is base64 of the gzip body (encoding: base64), the value JSON-escaped inside',
    realWorld: 'a HAR captured by a proxy (mitmproxy, Charles) in an end-to-end test image',
    kind: 'specials',
    script: py(`import base64, gzip, json
body = gzip.compress(json.dumps({'access_token': s, 'expires_in': 3600}).encode(), mtime=0)
entry = {'request': {'method': 'POST', 'url': 'https://auth.example.com/token'}, 'response': {'status': 200, 'content': {'mimeType': 'application/json', 'encoding': 'base64', 'text': base64.b64encode(body).decode()}}}
open(OUT + '/session.har', 'w').write(json.dumps({'log': {'version': '1.2', 'entries': [entry]}}, indent=2))`),
    where: /har-gzip-b64\/session\.har!\(base64 at \d+\)/,
  },
  {
    id: 'php-serialize-b64',
    name: 'PHP base64_encode(serialize(array)) (s:LEN:"…" with UTF-8 bytes)',
    realWorld: 'a WordPress or Magento option stored as base64 of a serialized array, in a SQL seed',
    kind: 'unicode',
    script: `php -r '$s = file_get_contents("secret"); file_put_contents(getenv("OUT") . "/options.sql", "INSERT INTO wp_options VALUES (\\"app_settings\\", \\"" . base64_encode(serialize(["api_key" => $s, "enabled" => true])) . "\\");\\n");'`,
    where: /php-serialize-b64\/options\.sql!\(base64 at \d+\)/,
  },
  {
    id: 'xlsx-shared-strings',
    name: 'an .xlsx written with Python zipfile: the value in xl/sharedStrings.xml (&amp; &lt; &gt;), deflated',
    realWorld: 'a credentials inventory spreadsheet exported by a script and copied into the image',
    kind: 'html',
    script: py(`import zipfile
from xml.sax.saxutils import escape
ns = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'
with zipfile.ZipFile(OUT + '/inventory.xlsx', 'w', zipfile.ZIP_DEFLATED) as z:
    z.writestr('[Content_Types].xml', '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>')
    z.writestr('xl/workbook.xml', f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{ns}"><sheets><sheet name="keys" sheetId="1"/></sheets></workbook>')
    z.writestr('xl/sharedStrings.xml', f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{ns}" count="2" uniqueCount="2"><si><t>service</t></si><si><t>{escape(s)}</t></si></sst>')
    z.writestr('xl/worksheets/sheet1.xml', f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{ns}"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row></sheetData></worksheet>')`),
    where: /xlsx-shared-strings\/inventory\.xlsx!\/xl\/sharedStrings\.xml/,
  },
  {
    id: 'json-log-url-twice',
    name: 'a JSON log line whose URL carries a redirect URL holding the value, percent-encoded twice (encodeURIComponent of a URL with an encoded query)',
    realWorld: 'an OAuth or SSO access log: ?redirect_uri=https%3A%2F%2F…%3Ftoken%3D…%252B…',
    kind: 'url',
    script: node(`const inner = 'https://app.example.com/cb?token=' + encodeURIComponent(s);
const line = { level: 30, msg: 'redirect', url: '/sso/login?redirect_uri=' + encodeURIComponent(inner) };
fs.writeFileSync(path.join(OUT, 'access.log'), JSON.stringify(line) + '\\n');`),
    where: /json-log-url-twice\/access\.log/,
  },
  {
    id: 'jws-deflate',
    name: "a JWS whose payload is raw deflate of JSON (header zip: DEF, as SMART Health Cards are), by PyJWT's PyJWS",
    realWorld: 'a signed, compressed credential or license token stored in a config file',
    kind: 'token',
    script: py(`import json, zlib, jwt
c = zlib.compressobj(9, zlib.DEFLATED, -15)
payload = c.compress(json.dumps({'iss': 'https://issuer.example.com', 'vc': {'credentialSubject': {'apiKey': s}}}, separators=(',', ':')).encode()) + c.flush()
tok = jwt.api_jws.PyJWS().encode(payload, 'k' * 32, algorithm='HS256', headers={'zip': 'DEF'})
open(OUT + '/license.jws', 'w').write(tok + '\\n')`),
    where: /jws-deflate\/license\.jws/,
  },
  {
    id: 'curl-trace-ascii',
    name: 'curl --trace-ascii: the request headers dumped 64 bytes a line, each line after an offset (a long bearer token cut)',
    realWorld: 'a CI job log or a saved debug trace of a curl call with an Authorization header',
    kind: 'long',
    script: `cat > srv.py <<'PYEOF2'
import http.server, socketserver
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200); self.send_header('Content-Length', '2'); self.end_headers(); self.wfile.write(b'ok')
    def log_message(self, *a): pass
s = socketserver.TCPServer(('127.0.0.1', 0), H)
open('port.tmp', 'w').write(str(s.server_address[1])); __import__('os').rename('port.tmp', 'port')
s.handle_request()
PYEOF2
python3 srv.py & P=$!
${awaitReady('[ -s port ]', '$P', 'the HTTP server')}
printf 'Authorization: Bearer %s\\n' "$S" > hdr
curl -s --trace-ascii "$OUT/curl-trace.log" -H @hdr "http://127.0.0.1:$(cat port)/api/v1/deploy" -o /dev/null; wait`,
    where: /curl-trace-ascii\/curl-trace\.log/,
  },
];

/**
 * None left. Two were, each a class: bytes written as space-separated hex pairs (Node's `<Buffer 41 42 …>`,
 * Python's bytes.hex(' '), Go's `% x`), read now as spaced hex by runs-bytes.ts; curl-trace-ascii, a dump
 * cutting its lines at 64 bytes after an offset, read now by hexdump.ts.
 */
const GAPS = new Set<string>([]);
const all = [...variant6Text, ...variant6Binary];

/** Every round-6 artifact the audit finds. */
export const variant6: Variant[] = all.filter((a) => !GAPS.has(a.id));

/** The known gaps: asserted still missed, so that the fix that reads one moves it to variant6. */
export const variant6Gaps: Variant[] = all.filter((a) => GAPS.has(a.id));
