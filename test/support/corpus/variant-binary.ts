/**
 * The variant corpus's binary artifacts: a SQLite database after an UPDATE, Java classes and jars
 * made by javac/jar (constants in modified UTF-8), a .war inside an .ear, a wheel, a .pyc, base64
 * wrapped by MIME (CRLF), openssl and a PEM-style armour around archives, rotated gzip'd logs,
 * tarballs in zstd (several frames), legacy lz4 and brotli, an `xxd -p` dump, an rpm carrying a
 * gzip'd sample config, a base64'd kubeconfig, npm's `_auth`.
 */
import { py, type Variant } from './variant-text.js';

/** Writes Config.java declaring KEY as the value (quote and backslash escaped, every other UTF-16 unit as a \\u escape, so any value compiles). */
const javaSource = `python3 - <<'EOF'
s = open('secret', encoding='utf-8').read()
units = s.encode('utf-16-be')
lit = ''.join('\\\\' + chr(u) if chr(u) in '"\\\\' else '\\\\u%04x' % u for u in (units[i] << 8 | units[i + 1] for i in range(0, len(units), 2)))
open('Config.java', 'w').write('package app;\\npublic class Config {\\n  public static final String KEY = "' + lit + '";\\n  public static void main(String[] a) { System.out.println(KEY.length()); }\\n}\\n')
EOF
mkdir -p classes && javac -encoding UTF-8 -d classes Config.java`;

export const variantBinary: Variant[] = [
  {
    id: 'sqlite-deleted',
    name: "a SQLite database (sqlite3 CLI, secure_delete off: upstream's default) whose token row was DELETEd: the value left in a freed cell",
    realWorld: 'an application database baked into the image after a setup script revoked its seed token',
    kind: 'token',
    script: `sqlite3 "$OUT/app.db" "pragma secure_delete = off; create table tokens (name text, token text); insert into tokens values ('a', 'xxxxxxxxxxxxxxxxxxxxxxxx'), ('seed', cast(readfile('secret') as text)), ('b', 'yyyyyyyyyyyyyyyyyyyyyyyy'); delete from tokens where name = 'seed';" > /dev/null
grep -qaF -f secret "$OUT/app.db"`,
    where: /sqlite-deleted\/app\.db$/,
  },
  {
    id: 'java-class',
    name: 'a class compiled by javac holding the value as a constant (modified UTF-8: a character beyond the BMP as two 3-byte surrogates)',
    realWorld: 'a Java app with a hard-coded credential, its classes copied into the image',
    kind: 'unicode',
    script: `${javaSource}
cp classes/app/Config.class "$OUT/"`,
    where: /java-class\/Config\.class$/,
  },
  {
    id: 'jar-class',
    name: 'a jar made by `jar cf` around that class (deflated)',
    realWorld: 'a library jar with an embedded API key in /opt/app/lib',
    kind: 'token',
    script: `${javaSource}
jar cf "$OUT/client.jar" -C classes .`,
    where: /jar-class\/client\.jar!\/app\/Config\.class/,
  },
  {
    id: 'jar-properties-store',
    name: 'a jar with a properties file written by java.util.Properties.store (\\uXXXX beyond ASCII, \\= \\: escaped)',
    realWorld: 'a build that generates credentials.properties and packages it into the app jar',
    kind: 'props',
    script: `cat > Gen.java <<'EOF'
import java.nio.file.*; import java.util.*;
public class Gen { public static void main(String[] a) throws Exception {
  Properties p = new Properties(); p.setProperty("db.password", Files.readString(Path.of("secret"))); p.setProperty("db.user", "app");
  Files.createDirectories(Path.of("res")); try (var o = Files.newOutputStream(Path.of("res/credentials.properties"))) { p.store(o, "generated"); } } }
EOF
java Gen.java && grep -q '\\\\u' res/credentials.properties && jar cf "$OUT/app.jar" -C res .`,
    where: /jar-properties-store\/app\.jar!\/credentials\.properties/,
  },
  {
    id: 'ear-war',
    name: 'a .war inside an .ear (both by `jar cf`), the password in WEB-INF/classes',
    realWorld: 'a Java EE application deployed into a WildFly/WebSphere image',
    kind: 'specials',
    script: `mkdir -p war/WEB-INF/classes ear/META-INF && printf 'jdbc.password=%s\\n' "$S" > war/WEB-INF/classes/jdbc.properties && printf '<web-app/>\\n' > war/WEB-INF/web.xml
jar cf ear/shop.war -C war . && printf '<application/>\\n' > ear/META-INF/application.xml && jar cf "$OUT/shop.ear" -C ear .`,
    where: /ear-war\/shop\.ear!\/shop\.war!\/WEB-INF\/classes\/jdbc\.properties/,
  },
  {
    id: 'wheel',
    name: "a wheel written by Python's zipfile (deflated), the key in a module",
    realWorld: 'an internal package wheel left in /tmp/wheels after pip install',
    kind: 'short',
    script: py(
      'client-1.0-py3-none-any.whl',
      `import zipfile
with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as z:
    z.writestr('client/__init__.py', 'from .settings import *\\n' * 50)
    z.writestr('client/settings.py', 'API_KEY = %r\\nTIMEOUT = 30\\n' % s)`,
      "'wb'",
    ),
    where: /wheel\/client-1\.0-py3-none-any\.whl!\/client\/settings\.py/,
  },
  {
    id: 'pyc-const',
    name: 'a .pyc (py_compile) of a module with the value as a constant, the .py removed',
    realWorld: 'a Python app shipped as bytecode only',
    kind: 'unicode',
    script: `mkdir app && python3 -c "import sys; s = open('secret', encoding='utf-8').read(); open('app/conf.py', 'w', encoding='utf-8').write('PASSWORD = %r\\n' % s)"
python3 -m compileall -q -b app && rm app/conf.py && cp app/conf.pyc "$OUT/"`,
    where: /pyc-const\/conf\.pyc$/,
  },
  {
    id: 'mime-crlf',
    name: 'an e-mail (Python email, SMTP policy: CRLF) with a JSON attachment in base64 (76 columns)',
    realWorld: 'a mail spool or .eml fixture holding a credentials attachment',
    kind: 'unicode',
    script: py(
      'report.eml',
      `from email.message import EmailMessage
from email import policy
m = EmailMessage(); m['Subject'] = 'creds'; m['To'] = 'ops@example.com'; m.set_content('see attached\\n')
m.add_attachment(json.dumps({'filler': 'x' * 300, 'password': s}, ensure_ascii=False).encode(), maintype='application', subtype='json', filename='creds.json')
out.write(m.as_bytes(policy=policy.SMTP))`,
      "'wb'",
    ),
    where: /mime-crlf\/report\.eml/,
  },
  {
    id: 'openssl-b64-tgz',
    name: 'a .tar.gz wrapped by `openssl base64` (64 columns)',
    realWorld: 'a backup pasted into a CI variable and written out by a pipeline step',
    kind: 'token',
    script: `mkdir -p conf && printf 'hello\\n' > conf/README && printf 'secret_key = %s\\n' "$S" > conf/app.ini
tar -C . -czf - conf | openssl base64 > "$OUT/backup.tgz.b64"`,
    where: /openssl-b64-tgz\/backup\.tgz\.b64.*conf\/app\.ini/,
  },
  {
    id: 'armored',
    name: 'a PEM-style armoured gzip of a JSON config (header, 64-column base64, footer)',
    realWorld: 'a sealed/armoured config bundle shipped next to an app',
    kind: 'specials',
    script: `{ printf -- '-----BEGIN APP CONFIG-----\\nVersion: 2\\n\\n'; python3 -c "import json, sys; print(json.dumps({'db': {'password': open('secret').read()}}))" | gzip -9n | base64 -w 64; printf -- '-----END APP CONFIG-----\\n'; } > "$OUT/config.asc"`,
    where: /armored\/config\.asc/,
  },
  {
    id: 'logrotate',
    name: 'rotated logs (app.log, app.log.1, app.log.2.gz, app.log.3.gz by gzip), the token in a JSON line of the oldest',
    realWorld: '/var/log/app left in the image by a test run',
    kind: 'token',
    script: `mkdir -p "$OUT/log" && for i in $(seq 1 200); do printf '{"level":"info","msg":"request %s ok"}\\n' "$i"; done > base.log
cp base.log "$OUT/log/app.log" && cp base.log "$OUT/log/app.log.1" && gzip -9c base.log > "$OUT/log/app.log.2.gz"
{ cat base.log; printf '{"level":"debug","msg":"auth","headers":{"Authorization":"Bearer %s"}}\\n' "$S"; cat base.log; } | gzip -c > "$OUT/log/app.log.3.gz"`,
    where: /logrotate\/log\/app\.log\.3\.gz!/,
  },
  {
    id: 'zstd-frames',
    name: 'a .zst written as several frames (zstd appended per batch), the value in the second',
    realWorld: 'an event spool or journal export appended with `zstd -c >>`',
    kind: 'spaces',
    script: `for i in $(seq 1 300); do printf 'event %s\\n' "$i"; done | zstd -q -c > "$OUT/events.zst"
{ for i in $(seq 1 50); do printf 'event login user=%s ok\\n' "$i"; done; printf 'event login passphrase=%s\\n' "$S"; } | zstd -q -c >> "$OUT/events.zst"
! grep -qaF -f secret "$OUT/events.zst"`,
    where: /zstd-frames\/events\.zst(@\d+)?!$/,
  },
  {
    id: 'tar-lz4-legacy',
    name: 'a tarball in the legacy lz4 format (`lz4 -l`, as the Linux kernel uses)',
    realWorld: 'an initramfs-style bundle compressed with lz4 -l',
    kind: 'token',
    script: `mkdir -p root/etc && printf 'TOKEN=%s\\n' "$S" > root/etc/agent.env && tar -C root -cf - etc | lz4 -l -q -c > "$OUT/root.tar.lz4"`,
    where: /tar-lz4-legacy\/root\.tar\.lz4!.*etc\/agent\.env/,
  },
  {
    id: 'tar-zst-jar',
    name: 'a jar inside a .tar.zst (tar --zstd of a deploy directory)',
    realWorld: 'a release artifact unpacked nowhere, left as the downloaded tarball',
    kind: 'token',
    script: `mkdir -p rel/lib j && printf 'api.key=%s\\n' "$S" > j/app.properties && (cd j && zip -qX ../rel/lib/app.jar app.properties) && tar -C rel --zstd -cf "$OUT/release.tar.zst" lib`,
    where: /tar-zst-jar\/release\.tar\.zst!.*lib\/app\.jar!\/app\.properties/,
  },
  {
    id: 'tar-br',
    name: 'a tarball compressed by brotli (`tar -I brotli`), named .tar.br',
    realWorld: 'a static site bundle precompressed for a CDN',
    kind: 'token',
    script: `mkdir -p site && printf 'window.KEY="%s"\\n' "$S" > site/config.js && tar -C site -cf - config.js | brotli -c > "$OUT/site.tar.br"`,
    where: /tar-br\/site\.tar\.br!.*config\.js/,
  },
  {
    id: 'xxd-plain',
    name: 'a plain hex dump by `xxd -p` (60 columns) of a config file',
    realWorld: 'a debugging dump of a request body saved by a script',
    kind: 'token',
    script: `{ printf 'POST /login HTTP/1.1\\r\\nHost: api\\r\\n\\r\\n'; printf 'password=%s\\n' "$S"; } | xxd -p > "$OUT/request.hex"`,
    where: /xxd-plain\/request\.hex/,
  },
  {
    id: 'rpm-gz-doc',
    name: 'an rpm (rpmbuild, zstd payload) carrying a gzip-compressed sample config',
    realWorld: 'a vendor rpm whose /usr/share/doc holds a filled-in sample config',
    kind: 'token',
    script: `mkdir -p rpmbuild/SOURCES rpmbuild/SPECS && printf '[db]\\npassword=%s\\n' "$S" | gzip -9n > rpmbuild/SOURCES/app.conf.sample.gz
printf 'Name: app\\nVersion: 1.0\\nRelease: 1\\nSummary: app\\nLicense: MIT\\nBuildArch: noarch\\nSource0: app.conf.sample.gz\\n%%description\\napp\\n%%install\\nmkdir -p %%{buildroot}/usr/share/doc/app\\ncp %%{SOURCE0} %%{buildroot}/usr/share/doc/app/\\n%%files\\n/usr/share/doc/app/app.conf.sample.gz\\n' > rpmbuild/SPECS/app.spec
rpmbuild --quiet --define "_topdir $PWD/rpmbuild" --define '__brp_compress %{nil}' -bb rpmbuild/SPECS/app.spec > /dev/null 2>&1 && cp rpmbuild/RPMS/noarch/app-1.0-1.noarch.rpm "$OUT/"`,
    where: /rpm-gz-doc\/app-1\.0-1\.noarch\.rpm.*app\.conf\.sample\.gz!/,
  },
  {
    id: 'kubeconfig-b64',
    name: 'a kubeconfig (token: …) stored as `base64 -w0` in a CI variables file',
    realWorld: 'KUBECONFIG_DATA written to .ci.env by a GitLab job',
    kind: 'long',
    script: `printf 'apiVersion: v1\\nkind: Config\\nclusters:\\n- cluster:\\n    server: https://k8s.example.com\\n  name: prod\\nusers:\\n- name: ci\\n  user:\\n    token: %s\\n' "$S" > kubeconfig
printf 'CI_ENV=prod\\nKUBECONFIG_DATA=%s\\n' "$(base64 -w0 kubeconfig)" > "$OUT/.ci.env"`,
    where: /kubeconfig-b64\/\.ci\.env/,
  },
  {
    id: 'npmrc-auth',
    name: '.npmrc with `_auth` = base64(user:password), as `npm login --auth-type=legacy` wrote it',
    realWorld: 'an Artifactory npm remote configured in the build stage',
    kind: 'specials',
    script: `printf 'registry=https://npm.example.com/\\n_auth=%s\\nemail=ci@example.com\\nalways-auth=true\\n' "$(printf 'ci:%s' "$S" | base64 -w0)" > "$OUT/.npmrc"`,
    where: /npmrc-auth\/\.npmrc/,
  },
];
