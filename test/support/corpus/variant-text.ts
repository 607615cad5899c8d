/**
 * The variant corpus's text artifacts: nearby forms of the corpus's own (audit-corpus.test.ts),
 * each written by the tool that writes it in a real pipeline — git's credential store, bash's
 * `declare -p` and `printf %q`, PyYAML, ElementTree in US-ASCII, Python's email in CRLF, a JWT, a
 * HAR file, a regedit export and a PowerShell JSON file in UTF-16LE, a PowerShell -EncodedCommand.
 */
import type { Artifact } from './artifact.js';
import type { Kind } from './variant-values.js';

/** An artifact of a round: the kind of value it holds, and what its tool changes in a value (drawn again: see valueOf). */
export type Variant = Omit<Artifact, 'shape'> & { kind: Kind; avoid?: RegExp };

/** A python3 script with the value in `s`, writing `out` (text, LF) to $OUT/<file>. */
export const py = (file: string, body: string, mode = "'w', encoding='utf-8', newline='\\n'") => `python3 - <<'EOF'
import base64, gzip, hashlib, hmac, json, os, sys
s = open('secret', encoding='utf-8').read()
out = open(os.path.join(os.environ['OUT'], '${file}'), ${mode})
${body}
EOF`;

export const variantText: Variant[] = [
  {
    id: 'git-credentials',
    name: '~/.git-credentials written by `git credential-store store` (the password percent-encoded by git)',
    realWorld: 'a build stage that ran `git config credential.helper store` and cloned a private repository',
    kind: 'url',
    script: `printf 'protocol=https\\nhost=git.example.com\\nusername=ci-bot\\npassword=%s\\n\\n' "$S" | git credential-store --file "$OUT/.git-credentials" store
grep -q '^https://ci-bot:' "$OUT/.git-credentials"`,
    where: /git-credentials\/\.git-credentials$/,
  },
  {
    id: 'declare-p',
    name: 'an env file from bash `declare -p` (double-quoted: \\" \\$ \\` \\\\ escaped)',
    realWorld: 'an entrypoint that saves its environment with `declare -p > /etc/app.env`',
    kind: 'shell',
    script: `DB_PASSWORD="$S"; declare -p DB_PASSWORD > "$OUT/app.env"`,
    where: /declare-p\/app\.env$/,
  },
  {
    id: 'printf-q',
    name: "a sourced script from bash `printf 'export X=%q'` (a passphrase's spaces backslash-escaped)",
    realWorld: 'a CI step persisting variables for a later stage with printf %q',
    kind: 'spaces',
    script: `printf 'export GPG_PASSPHRASE=%q\\n' "$S" > "$OUT/vars.sh" && grep -q '\\\\ ' "$OUT/vars.sh"`,
    where: /printf-q\/vars\.sh$/,
  },
  {
    id: 'dotenv-quoted',
    name: 'an .env line `export KEY="…"` with \\" and \\\\ escaped (dotenv double quotes)',
    realWorld: 'a docker-compose .env written by a secrets templating step',
    kind: 'specials',
    script: py(
      '.env',
      `out.write('# generated\\nexport APP_ENV=production\\nexport DB_PASSWORD="' + s.replace('\\\\', '\\\\\\\\').replace('"', '\\\\"') + '"\\n')`,
    ),
    where: /dotenv-quoted\/\.env$/,
  },
  {
    id: 'k8s-stringdata',
    name: "a Kubernetes Secret whose stringData holds a config line, by PyYAML (single-quoted scalar, '' for ')",
    realWorld: 'manifests rendered by a Python deploy script and baked into a tooling image',
    kind: 'shell',
    script: `python3 - <<'EOF'
import os, yaml
s = open('secret').read()
yaml.safe_dump({'apiVersion': 'v1', 'kind': 'Secret', 'metadata': {'name': 'db'}, 'type': 'Opaque', 'stringData': {'config.yaml': 'password: ' + s}}, open(os.path.join(os.environ['OUT'], 'secret.yaml'), 'w'))
EOF
grep -q "''" "$OUT/secret.yaml"`,
    where: /k8s-stringdata\/secret\.yaml$/,
  },
  {
    id: 'yaml-folded',
    name: 'a long passphrase in a YAML file by PyYAML: a plain scalar folded over several lines',
    realWorld: 'an Ansible vars file dumped by a provisioning script',
    kind: 'longSpaced',
    script: `python3 - <<'EOF'
import os, yaml
s = open('secret').read()
yaml.safe_dump({'vault': {'passphrase': s, 'enabled': True}}, open(os.path.join(os.environ['OUT'], 'vars.yml'), 'w'), width=60)
EOF
test "$(wc -l < "$OUT/vars.yml")" -gt 4`,
    where: /yaml-folded\/vars\.yml$/,
  },
  {
    id: 'yaml-dq-folded',
    name: 'a long passphrase in a double-quoted YAML scalar by PyYAML (folded: a line break is a space)',
    realWorld: "a Helm values file written by yaml.dump(default_style='\"')",
    kind: 'longSpaced',
    script: `python3 - <<'EOF'
import os, yaml
s = open('secret').read()
yaml.dump({'auth': {'passphrase': s}}, open(os.path.join(os.environ['OUT'], 'values.yaml'), 'w'), width=60, default_style='"')
EOF
test "$(wc -l < "$OUT/values.yaml")" -gt 4`,
    where: /yaml-dq-folded\/values\.yaml$/,
  },
  {
    id: 'props-continued',
    name: 'a hand-written .properties with a 200-character key split by \\ line continuations',
    realWorld: 'a Java service-account token pasted into application.properties in 60-character lines',
    kind: 'long',
    script: py(
      'application.properties',
      `out.write('# service account\\nsa.token=' + '\\\\\\n        '.join(s[i:i + 60] for i in range(0, len(s), 60)) + '\\nsa.enabled=true\\n')`,
    ),
    where: /props-continued\/application\.properties$/,
  },
  {
    id: 'toml-continued',
    name: 'a TOML multi-line basic string with line-ending backslashes (whitespace trimmed)',
    realWorld: 'a Cargo/Poetry config holding a long registry token in wrapped form',
    kind: 'long',
    script: py(
      'config.toml',
      `out.write('[registries.internal]\\ntoken = """\\\\\\n' + '\\\\\\n    '.join(s[i:i + 50] for i in range(0, len(s), 50)) + '"""\\n')`,
    ),
    where: /toml-continued\/config\.toml$/,
  },
  {
    id: 'json-all-escaped',
    name: 'JSON whose string has every character \\u-escaped (lower-case hex), as obfuscating writers do',
    realWorld: 'a JS bundle or a config generator escaping a whole string literal',
    kind: 'specials',
    script: py('config.json', `out.write('{"db":{"password":"' + ''.join('\\\\u%04x' % ord(c) for c in s) + '"}}')`),
    where: /json-all-escaped\/config\.json$/,
  },
  {
    id: 'xml-ascii',
    name: "XML by ElementTree with encoding='us-ascii' (non-ASCII as decimal character references)",
    realWorld: 'a Maven settings.xml or web.config written in ASCII by a script',
    kind: 'unicode',
    script: py(
      'settings.xml',
      `import xml.etree.ElementTree as ET
r = ET.Element('settings'); srv = ET.SubElement(ET.SubElement(r, 'servers'), 'server')
ET.SubElement(srv, 'id').text = 'internal'; ET.SubElement(srv, 'password').text = s
out.close(); ET.ElementTree(r).write(os.path.join(os.environ['OUT'], 'settings.xml'), encoding='us-ascii')`,
    ),
    where: /xml-ascii\/settings\.xml$/,
  },
  {
    id: 'xml-cdata',
    name: 'an XML config with the password in CDATA (& < > as they are)',
    realWorld: 'a Tomcat context.xml or log4j config edited by hand',
    kind: 'specials',
    script: py(
      'context.xml',
      `out.write('<?xml version="1.0"?>\\n<Context>\\n  <Resource name="jdbc/app"><password><![CDATA[' + s + ']]></password></Resource>\\n</Context>\\n')`,
    ),
    where: /xml-cdata\/context\.xml$/,
  },
  {
    id: 'form-urlencoded',
    name: 'a saved form body (application/x-www-form-urlencoded: spaces as +, the rest percent-encoded)',
    realWorld: 'a curl --data-urlencode request body kept as a fixture in the image',
    kind: 'spaces',
    script: py('login.body', `from urllib.parse import urlencode\nout.write(urlencode({'username': 'ci', 'password': s, 'remember': 'on'}))`),
    where: /form-urlencoded\/login\.body$/,
  },
  {
    id: 'har-basic',
    name: 'a HAR file with `Authorization: Basic base64(user:password)`',
    realWorld: 'a browser/devtools capture kept as a test fixture',
    kind: 'specials',
    script: py(
      'session.har',
      `h = 'Basic ' + base64.b64encode(('admin:' + s).encode()).decode()
json.dump({'log': {'version': '1.2', 'entries': [{'request': {'method': 'GET', 'url': 'https://api.example.com/v1/me', 'headers': [{'name': 'Accept', 'value': '*/*'}, {'name': 'Authorization', 'value': h}]}}]}}, out, indent=2)`,
    ),
    where: /har-basic\/session\.har!\(base64 at \d+\)$/,
  },
  {
    id: 'jwt-payload',
    name: 'a JWT (HS256, base64url without padding) whose payload holds the value',
    realWorld: 'a long-lived service token cached in the image',
    kind: 'specials',
    script: py(
      'token.jwt',
      `b = lambda x: base64.urlsafe_b64encode(x).rstrip(b'=').decode()
head = b(json.dumps({'alg': 'HS256', 'typ': 'JWT'}).encode()); body = b(json.dumps({'sub': 'ci', 'db_password': s, 'exp': 1900000000}).encode())
out.write(head + '.' + body + '.' + b(hmac.new(b'k', (head + '.' + body).encode(), hashlib.sha256).digest()))`,
    ),
    where: /jwt-payload\/token\.jwt!\(base64 at \d+\)$/,
  },
  {
    id: 'reg-utf16',
    name: 'a regedit export (.reg: UTF-16LE with BOM, CRLF, \\\\ and \\" escaped)',
    realWorld: 'a Windows-authored registry import file COPYed with a service',
    kind: 'specials',
    script: py(
      'service.reg',
      `out.write('Windows Registry Editor Version 5.00\\r\\n\\r\\n[HKEY_LOCAL_MACHINE\\\\SOFTWARE\\\\App]\\r\\n"Password"="' + s.replace('\\\\', '\\\\\\\\').replace('"', '\\\\"') + '"\\r\\n')`,
      "'w', encoding='utf-16', newline=''",
    ),
    where: /reg-utf16\/service\.reg!\(as UTF-16 text\)$/,
  },
  {
    id: 'ps-json-utf16',
    name: "PowerShell 5 `ConvertTo-Json | Out-File`: UTF-16LE with BOM, < > & ' as \\u003c …",
    realWorld: 'a Windows build agent writing its deploy settings as JSON',
    kind: 'specials',
    script: py(
      'settings.json',
      `j = json.dumps({'Database': {'Password': s}}, indent=4).replace('<', '\\\\u003c').replace('>', '\\\\u003e').replace('&', '\\\\u0026').replace("'", '\\\\u0027')
out.write(j.replace('\\n', '\\r\\n'))`,
      "'w', encoding='utf-16', newline=''",
    ),
    where: /ps-json-utf16\/settings\.json!\(as UTF-16 text\)$/,
  },
  {
    id: 'ps-encoded',
    name: 'a `powershell -EncodedCommand` line (base64 of the UTF-16LE script) in a .cmd file',
    realWorld: 'a Windows container Dockerfile or scheduled task running an encoded command',
    kind: 'token',
    script: py(
      'setup.cmd',
      `cmd = "$env:API_TOKEN = '" + s + "'; & C:\\\\app\\\\setup.exe --token $env:API_TOKEN"
out.write('@echo off\\r\\npowershell -NoProfile -EncodedCommand ' + base64.b64encode(cmd.encode('utf-16-le')).decode() + '\\r\\n')`,
    ),
    where: /ps-encoded\/setup\.cmd/,
  },
];
