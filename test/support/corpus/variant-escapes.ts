/**
 * The variant corpus's second batch: escapes by doubling (CSV's "", SQL's '', docker-compose's $$,
 * an .ini's %%), the same escape twice (JSON in a JSON string, a URL in a URL's query), base64
 * with JSON `\n` escapes in it, quoted-printable in CRLF, a
 * Latin-1 file, a gpg-signed file (OpenPGP: raw deflate), JSON in an HTML attribute. Two were
 * missed when they were written and are read now: a git binary patch (base85 of zlib) and `$$`
 * inside YAML's single quotes (two quoting escapes stacked).
 */
import { py, type Variant } from './variant-text.js';

export const variantEscapes: Variant[] = [
  {
    id: 'csv-doubled',
    name: 'a CSV export by Python csv (a field with " quoted, " doubled)',
    realWorld: 'a users/credentials export left in a data directory',
    kind: 'specials',
    script: py('users.csv', `import csv\nw = csv.writer(out)\nw.writerow(['name', 'password', 'role'])\nw.writerow(['ci', s, 'admin'])`, "'w', newline=''"),
    where: /csv-doubled\/users\.csv$/,
  },
  {
    id: 'sqlite-dump',
    name: "an SQL dump by `sqlite3 .dump` (a string literal with ' doubled)",
    realWorld: 'a database seed dump (seed.sql) baked into the image',
    kind: 'shell',
    script: `sqlite3 db "create table tokens (name text, token text); insert into tokens values ('ci', cast(readfile('secret') as text));" && sqlite3 db .dump > "$OUT/seed.sql" && grep -q "''" "$OUT/seed.sql"`,
    where: /sqlite-dump\/seed\.sql$/,
  },
  {
    id: 'ini-percent',
    name: "an alembic.ini: the URL's percent-encoded password with % doubled (configparser interpolation)",
    realWorld: 'alembic.ini / a Pyramid .ini with sqlalchemy.url for migrations',
    kind: 'url',
    script: py(
      'alembic.ini',
      `from urllib.parse import quote\nout.write('[alembic]\\nscript_location = migrations\\nsqlalchemy.url = postgresql://app:' + quote(s, safe='').replace('%', '%%') + '@db/app\\n')`,
    ),
    where: /ini-percent\/alembic\.ini$/,
  },
  {
    id: 'json-in-json',
    name: 'JSON in a JSON string (AWS Secrets Manager SecretString, by json.dumps twice: \\\\\\" and \\\\\\\\)',
    realWorld: 'an `aws secretsmanager get-secret-value` output saved by a build step',
    kind: 'specials',
    script: py(
      'secret.json',
      `json.dump({'ARN': 'arn:aws:secretsmanager:eu-west-1:1:secret:db', 'Name': 'db', 'SecretString': json.dumps({'username': 'app', 'password': s})}, out, indent=4)`,
    ),
    where: /json-in-json\/secret\.json$/,
  },
  {
    id: 'last-applied',
    name: 'kubectl get -o json of a Secret: last-applied-configuration (Go JSON in Go JSON: \\\\u003c, \\\\\\")',
    realWorld: 'a cluster dump (kubectl get secrets -o json) kept in a debugging image',
    kind: 'specials',
    script: py(
      'secrets.json',
      `go = lambda v: json.dumps(v, separators=(',', ':')).replace('<', '\\\\u003c').replace('>', '\\\\u003e').replace('&', '\\\\u0026')
inner = go({'apiVersion': 'v1', 'kind': 'Secret', 'metadata': {'name': 'db'}, 'stringData': {'password': s}})
out.write(go({'apiVersion': 'v1', 'kind': 'Secret', 'metadata': {'name': 'db', 'annotations': {'kubectl.kubernetes.io/last-applied-configuration': inner + '\\n'}}, 'type': 'Opaque'}))`,
    ),
    where: /last-applied\/secrets\.json$/,
  },
  {
    id: 'url-in-url',
    name: 'a URL holding a URL with credentials in its query (percent-encoded twice)',
    realWorld: 'an OAuth redirect or webhook URL with an embedded DSN in a config file',
    kind: 'url',
    script: py(
      'hooks.conf',
      `from urllib.parse import quote\ninner = 'https://ci:' + quote(s, safe='') + '@hooks.example.com/x'\nout.write('callback = https://proxy.example.com/fwd?target=' + quote(inner, safe='') + '\\n')`,
    ),
    where: /url-in-url\/hooks\.conf$/,
  },
  {
    id: 'encodebytes-json',
    name: 'JSON holding base64.encodebytes of a gzip (76-column lines, written as \\n escapes)',
    realWorld: 'a Python tool caching a compressed settings blob in a JSON state file',
    kind: 'token',
    script: py(
      'state.json',
      `blob = base64.encodebytes(gzip.compress(json.dumps({'api_key': s, 'pad': 'x' * 200}).encode(), mtime=0)).decode()\njson.dump({'version': 3, 'blob': blob}, out)`,
    ),
    where: /encodebytes-json\/state\.json/,
  },
  {
    id: 'qp-crlf',
    name: 'an e-mail in quoted-printable with CRLF line ends (Python email, SMTP policy)',
    realWorld: 'an .eml saved by a mailer through SMTP',
    kind: 'unicode',
    script: py(
      'welcome.eml',
      `from email.message import EmailMessage
from email import policy
m = EmailMessage(); m['Subject'] = 'account'; m['To'] = 'ops@example.com'
m.set_content('Hello,\\n\\nYour long-lived access password for the staging database is ' + s + ' - keep it safe.\\n', cte='quoted-printable')
out.write(m.as_bytes(policy=policy.SMTP))`,
      "'wb'",
    ),
    where: /qp-crlf\/welcome\.eml$/,
  },
  {
    id: 'latin1-properties',
    name: 'a .properties file saved in ISO-8859-1 (é ß £ as single bytes)',
    realWorld: "a Java 8 app's messages/credentials .properties edited in a Latin-1 editor",
    kind: 'latin1',
    script: `printf 'db.password=%s\\n' "$S" | iconv -f UTF-8 -t ISO-8859-1 > "$OUT/db.properties"`,
    where: /latin1-properties\/db\.properties$/,
  },
  {
    id: 'gpg-signed',
    name: 'a file signed by `gpg --sign` (OpenPGP: the content in a compressed packet, raw deflate)',
    realWorld: 'a signed config bundle or release manifest (not encrypted) shipped with an app',
    kind: 'token',
    script: `export GNUPGHOME="$PWD/g" && mkdir -m 700 g && gpg -q --batch --passphrase '' --quick-gen-key 'CI <ci@example.com>' ed25519 sign never 2> /dev/null
printf 'api_key=%s\\n' "$S" > app.conf && gpg -q --batch --sign -o "$OUT/app.conf.gpg" app.conf && ! grep -qaF -f secret "$OUT/app.conf.gpg"`,
    where: /gpg-signed\/app\.conf\.gpg/,
  },
  {
    id: 'html-data-json',
    name: 'JSON in an HTML attribute (html.escape of json.dumps: &quot; around \\")',
    realWorld: 'a server-rendered page with data-config baked into a static build',
    kind: 'specials',
    script: py('index.html', `import html\nout.write('<!doctype html><div id="app" data-config="' + html.escape(json.dumps({'apiKey': s})) + '"></div>\\n')`),
    where: /html-data-json\/index\.html$/,
  },
  {
    id: 'compose-dollar',
    name: "a docker-compose.yml with $ written as $$ inside YAML single quotes ('' for ') — two quoting escapes stacked",
    realWorld: 'a compose file shipped with a tooling image, the password inline',
    kind: 'shell',
    script: py(
      'docker-compose.yml',
      `out.write("services:\\n  db:\\n    image: postgres:16\\n    environment:\\n      POSTGRES_PASSWORD: '" + s.replace('$', '$$').replace("'", "''") + "'\\n")`,
    ),
    where: /compose-dollar\/docker-compose\.yml$/,
  },
  {
    id: 'git-binary-patch',
    name: 'a `git diff --binary` patch of a binary file holding the value (base85 of zlib)',
    realWorld: 'a patches/ directory applied at build time and left in the image',
    kind: 'token',
    script: `git init -q repo && cd repo && printf 'x' > blob.bin && git add blob.bin && git commit -qm init
{ printf '\\0\\1\\2binary config\\0'; printf 'key=%s\\0' "$S"; head -c 200 /dev/zero; } > blob.bin && git diff --binary > "$OUT/0001-config.patch" && grep -q 'GIT binary patch' "$OUT/0001-config.patch"`,
    where: /git-binary-patch\/0001-config\.patch/,
  },
];
