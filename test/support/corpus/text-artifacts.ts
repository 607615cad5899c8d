/**
 * The corpus's text artifacts, each escaping or encoding the value as its writer does: Helm release
 * records (base64 of gzip of Go-escaped JSON, in a Secret and a ConfigMap), .NET System.Text.Json,
 * Python json.dumps (ensure_ascii), NuGet.Config and Maven settings.xml (XML entities and character
 * references), Docker config.json `auth`, .npmrc (_authToken, base64 _password), .pypirc, a
 * percent-encoded database URL, shell quoting, a quoted-printable e-mail, a gzip'd ConfigMap value.
 */
import type { Artifact } from './artifact.js';

/** A python3 script reading the value into `s`, writing to $OUT/<file>. */
const py = (file: string, body: string) => `python3 - <<'EOF'
import base64, gzip, json, os, sys
s = open('secret', encoding='utf-8').read()
out = open(os.path.join(os.environ['OUT'], '${file}'), 'w', encoding='utf-8', newline='\\n')
${body}
EOF`;

/** Go's encoding/json (Helm's): <, > and & as \\u003c, \\u003e, \\u0026. */
const GO_JSON = `def go_json(v): return json.dumps(v, separators=(',', ':')).replace('<', '\\\\u003c').replace('>', '\\\\u003e').replace('&', '\\\\u0026')
def release(s):
    manifest = '---\\n# Source: app/templates/secret.yaml\\napiVersion: v1\\nkind: Secret\\nmetadata:\\n  name: app-db\\ndata:\\n  password: ' + base64.b64encode(s.encode()).decode() + '\\n'
    rel = {'name': 'app', 'info': {'status': 'deployed', 'description': 'Install complete'}, 'chart': {'metadata': {'name': 'app', 'version': '1.2.3'}},
           'config': {'postgresql': {'auth': {'password': s}}}, 'manifest': manifest, 'version': 1, 'namespace': 'prod'}
    return base64.b64encode(gzip.compress(go_json(rel).encode())).decode()`;

export const textArtifacts: Artifact[] = [
  {
    id: 'helm-secret',
    name: 'a Helm release record as `kubectl get secret -o yaml` shows it: base64 of (base64 of gzip of JSON)',
    realWorld: 'a cluster backup (velero/kubectl dump) copied into a tooling image',
    shape: 'html',
    script: py(
      'sh.helm.release.v1.app.v1.yaml',
      `${GO_JSON}
out.write('apiVersion: v1\\ndata:\\n  release: ' + base64.b64encode(release(s).encode()).decode() + '\\nkind: Secret\\nmetadata:\\n  labels:\\n    name: app\\n    owner: helm\\n  name: sh.helm.release.v1.app.v1\\n  namespace: prod\\ntype: helm.sh/release.v1\\n')`,
    ),
    where: /helm-secret\/sh\.helm\.release\.v1\.app\.v1\.yaml/,
  },
  {
    id: 'helm-configmap',
    name: 'a Helm release record (ConfigMap driver): base64 of gzip of JSON in data.release',
    realWorld: 'HELM_DRIVER=configmap release records exported for a migration',
    shape: 'html',
    script: py(
      'release.yaml',
      `${GO_JSON}
out.write('apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: sh.helm.release.v1.app.v1\\n  labels:\\n    owner: helm\\ndata:\\n  release: ' + release(s) + '\\n')`,
    ),
    where: /helm-configmap\/release\.yaml/,
  },
  {
    id: 'dotnet-json',
    name: 'appsettings.json as System.Text.Json writes it (+ & < > \' " ` and non-ASCII as \\uXXXX)',
    realWorld: 'an ASP.NET app writing its resolved configuration at publish time',
    shape: 'html',
    script: py(
      'appsettings.Production.json',
      `def esc(v): return ''.join(c if c.isascii() and c.isprintable() and c not in '+&<>\\'"\`\\\\' else ('\\\\\\\\' if c == '\\\\' else '\\\\u%04X' % ord(c)) for c in v)
out.write('{\\n  "ConnectionStrings": {\\n    "Default": "' + esc('Server=db;User Id=app;Password=' + s + ';') + '"\\n  }\\n}')`,
    ),
    where: /dotnet-json\/appsettings\.Production\.json/,
  },
  {
    id: 'python-json',
    name: 'a JSON file written by Python json.dumps (ensure_ascii: non-ASCII as \\uXXXX, surrogate pairs)',
    realWorld: 'a Django/Ansible step dumping its settings to JSON',
    shape: 'unicode',
    script: py('settings.json', `json.dump({'database': {'user': 'app', 'password': s}}, out, indent=2)`),
    where: /python-json\/settings\.json/,
  },
  {
    id: 'nuget-config',
    name: 'NuGet.Config with ClearTextPassword (XML attribute: &amp; &lt; &gt; &quot;), by ElementTree',
    realWorld: 'a .NET build stage that wrote NuGet.Config for a private feed',
    shape: 'html',
    script: py(
      'NuGet.Config',
      `import xml.etree.ElementTree as ET
c = ET.Element('configuration'); src = ET.SubElement(c, 'packageSources')
ET.SubElement(src, 'add', key='internal', value='https://nuget.example.com/v3/index.json')
cred = ET.SubElement(ET.SubElement(c, 'packageSourceCredentials'), 'internal')
ET.SubElement(cred, 'add', key='Username', value='ci'); ET.SubElement(cred, 'add', key='ClearTextPassword', value=s)
out.write(ET.tostring(c, encoding='unicode'))`,
    ),
    where: /nuget-config\/NuGet\.Config/,
  },
  {
    id: 'maven-settings',
    name: 'Maven settings.xml, written as US-ASCII by ElementTree (entities, &#NNN; for non-ASCII)',
    realWorld: 'a Maven build stage with ~/.m2/settings.xml holding a server password',
    shape: 'unicode',
    script: py(
      'settings.xml',
      `import xml.etree.ElementTree as ET
root = ET.Element('settings'); srv = ET.SubElement(ET.SubElement(root, 'servers'), 'server')
ET.SubElement(srv, 'id').text = 'nexus'; ET.SubElement(srv, 'username').text = 'deploy'; ET.SubElement(srv, 'password').text = s + ' & <more>'
out.write(ET.tostring(root, encoding='us-ascii').decode('ascii'))`,
    ),
    where: /maven-settings\/settings\.xml/,
  },
  {
    id: 'docker-config',
    name: "~/.docker/config.json with auths.*.auth = base64('user:password'), tab-indented as docker writes it",
    realWorld: '`docker login` in a build stage, the config left in the image',
    shape: 'token',
    script: `mkdir -p "$OUT/.docker" && ${py(
      '.docker/config.json',
      `json.dump({'auths': {'registry.example.com': {'auth': base64.b64encode(('ci-bot:' + s).encode()).decode()}}}, out, indent='\\t')`,
    )}`,
    where: /docker-config\/\.docker\/config\.json/,
  },
  {
    id: 'npmrc-token',
    name: '.npmrc with //registry/:_authToken=',
    realWorld: 'an npm install step with the token written to the project .npmrc',
    shape: 'token',
    script: `printf '//registry.npmjs.org/:_authToken=%s\\nalways-auth=true\\n' "$S" > "$OUT/.npmrc"`,
    where: /npmrc-token\/\.npmrc/,
  },
  {
    id: 'npmrc-password',
    name: '.npmrc with //host/:_password= (npm stores it base64-encoded)',
    realWorld: 'a private registry with basic auth (Artifactory, Nexus) in .npmrc',
    shape: 'token',
    script: `printf '//npm.example.com/:username=ci\\n//npm.example.com/:_password=%s\\n' "$(printf '%s' "$S" | base64 -w0)" > "$OUT/.npmrc"`,
    where: /npmrc-password\/\.npmrc/,
  },
  {
    id: 'pypirc',
    name: '.pypirc with an upload password',
    realWorld: 'a twine upload step with ~/.pypirc left in the image',
    shape: 'token',
    script: `printf '[distutils]\\nindex-servers = pypi\\n\\n[pypi]\\nusername = __token__\\npassword = %s\\n' "$S" > "$OUT/.pypirc"`,
    where: /pypirc\/\.pypirc/,
  },
  {
    id: 'database-url',
    name: 'an .env with DATABASE_URL, the password percent-encoded (urllib.parse.quote)',
    realWorld: 'a Rails/Django DATABASE_URL with a generated password',
    shape: 'url',
    script: py('.env', `from urllib.parse import quote\nout.write('DATABASE_URL=postgresql://app:' + quote(s, safe='') + '@db:5432/app\\n')`),
    where: /database-url\/\.env/,
  },
  {
    id: 'shell-quoted',
    name: "a sourced env script, the value shell-quoted by shlex.quote ('…'\"'\"'…')",
    realWorld: 'an entrypoint env file generated by a templating step',
    shape: 'shell',
    script: py('env.sh', `import shlex\nout.write('export DB_PASSWORD=' + shlex.quote(s) + '\\n')`),
    where: /shell-quoted\/env\.sh/,
  },
  {
    id: 'quoted-printable',
    name: 'an e-mail (.eml) whose body holds the password, quoted-printable (Python email)',
    realWorld: 'a notification mail saved to a spool directory',
    shape: 'unicode',
    script: py(
      'welcome.eml',
      `from email.message import EmailMessage
m = EmailMessage(); m['Subject'] = 'Your account'; m['To'] = 'ops@example.com'
m.set_content('Hello,\\n\\nYour new database password is ' + s + ' — keep it safe.\\n', cte='quoted-printable')
out.write(m.as_string())`,
    ),
    where: /quoted-printable\/welcome\.eml/,
  },
  {
    id: 'yaml-b64-gzip',
    name: 'a ConfigMap binaryData value: base64 of a gzip of a JSON settings file',
    realWorld: 'kubectl create configmap --from-file=settings.json.gz, the manifest kept in the image',
    shape: 'token',
    script: py(
      'configmap.yaml',
      `blob = base64.b64encode(gzip.compress(json.dumps({'apiKey': s, 'region': 'eu-west-1'}).encode())).decode()
out.write('apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: app-settings\\nbinaryData:\\n  settings.json.gz: ' + blob + '\\n')`,
    ),
    where: /yaml-b64-gzip\/configmap\.yaml/,
  },
  {
    id: 'k8s-secret',
    name: 'a Kubernetes Secret manifest: data.password = base64 of the value',
    realWorld: 'deployment manifests rendered into the image by a CI step',
    shape: 'token',
    script: py(
      'secret.yaml',
      `out.write('apiVersion: v1\\nkind: Secret\\nmetadata:\\n  name: db\\ntype: Opaque\\ndata:\\n  password: ' + base64.b64encode(s.encode()).decode() + '\\n')`,
    ),
    where: /k8s-secret\/secret\.yaml/,
  },
  {
    id: 'utf16-ps1',
    name: 'a PowerShell script saved as UTF-16LE with BOM (Set-Content -Encoding Unicode), the password in it',
    realWorld: 'a Windows-authored deploy script COPYed into a Linux image',
    shape: 'token',
    script: `python3 - <<'EOF'
import os
s = open('secret').read()
open(os.path.join(os.environ['OUT'], 'deploy.ps1'), 'w', encoding='utf-16', newline='\\r\\n').write("$env:DB_PASSWORD = '" + s + "'\\nStart-Process app.exe\\n")
EOF`,
    where: /utf16-ps1\/deploy\.ps1/,
  },
  {
    id: 'base32-file',
    name: 'the value base32-encoded by coreutils `base32` (wrapped at 76)',
    realWorld: 'a TOTP seed or token stored base32 by a provisioning step',
    shape: 'token',
    script: `printf '%s' "$S" | base32 > "$OUT/token.b32"`,
    where: /base32-file\/token\.b32/,
  },
  {
    id: 'yaml-escaped',
    name: 'a YAML double-quoted scalar as PyYAML writes it without allow_unicode (\\xE9, \\u20AC, \\U0001F600, \\", \\\\)',
    realWorld: 'an Ansible/Helm values file dumped by a Python tool',
    shape: 'unicode',
    script: py(
      'values.yaml',
      `def esc(v): return ''.join('\\\\' + c if c in '"\\\\' else c if 0x20 <= ord(c) < 0x7f else '\\\\x%02X' % ord(c) if ord(c) <= 0xff else '\\\\u%04X' % ord(c) if ord(c) <= 0xffff else '\\\\U%08X' % ord(c) for c in v)
out.write('database:\\n  user: app\\n  password: "' + esc(s) + '"\\n')`,
    ),
    where: /yaml-escaped\/values\.yaml/,
  },
  {
    id: 'java-properties',
    name: 'a .properties file as java.util.Properties.store writes it (\\= \\: \\# \\! \\\\, \\uXXXX beyond ASCII)',
    realWorld: 'a Java build writing gradle.properties or application.properties with Properties.store',
    shape: 'props',
    script: py(
      'application.properties',
      `def esc(v): return ''.join('\\\\' + c if c in '=:#!\\\\' else c if 0x20 <= ord(c) < 0x7f else ''.join('\\\\u%04X' % u for u in (lambda b: [b[i] << 8 | b[i + 1] for i in range(0, len(b), 2)])(c.encode('utf-16-be'))) for c in v)
out.write('#Thu Dec 03 07:00:00 UTC 2026\\nspring.datasource.password=' + esc(s) + '\\n')`,
    ),
    where: /java-properties\/application\.properties/,
  },
];
