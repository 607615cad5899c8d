/**
 * The corpus's binary artifacts: git repositories (loose objects, a gc'd packfile, a delta, a rotated token, a
 * bundle), Debian packages (data.tar.xz / .zst / .gz), cpio archives (newc, gzip'd initramfs, odc
 * in bzip2), rpms, compressed tarballs, a Spring Boot fat jar, brotli and ASCII-escaped bundles,
 * PDFs and PNGs with compressed text, a zlib stream inside a resource pack.
 */
import type { Artifact } from './artifact.js';

const gitRepo = (dir: string) => `git init -q -b main ${dir} && cd ${dir}
printf 'console.log("hello")\\n' > index.js && printf '# app\\n' > README.md
printf 'NODE_ENV=production\\nDB_PASSWORD=%s\\n' "$S" > .env
git add -A && git commit -qm init
git rm -q --cached .env && rm .env && printf '.env\\n' > .gitignore && git add .gitignore && git commit -qm "remove .env"`;

const deb = (z: string, ext: string): Artifact => ({
  id: `deb-${z}`,
  name: `a .deb built by dpkg-deb -Z${z} (data.tar.${ext}), a password in /etc`,
  realWorld: 'a vendor .deb left in the image after `dpkg -i`',
  shape: 'token',
  script: `mkdir -p pkg/DEBIAN pkg/etc/myapp
printf 'Package: myapp\\nVersion: 1.0\\nArchitecture: amd64\\nMaintainer: CI <ci@example.com>\\nDescription: app\\n' > pkg/DEBIAN/control
printf '[database]\\npassword = %s\\n' "$S" > pkg/etc/myapp/credentials.conf
dpkg-deb --root-owner-group -Z${z} --build pkg "$OUT/myapp_1.0_amd64.deb" > /dev/null
ar t "$OUT/myapp_1.0_amd64.deb" | grep -x data.tar.${ext} > /dev/null`,
  where: new RegExp(`deb-${z}/myapp_1\\.0_amd64\\.deb.*data\\.tar\\.${ext}.*etc/myapp/credentials\\.conf`),
});

const rpm = (id: string, payload: string, what: string): Artifact => ({
  id,
  name: `an rpm built by rpmbuild -bb (${what} payload), a password in /etc`,
  realWorld: 'an rpm copied into the image to be installed by a later step',
  shape: 'token',
  script: `mkdir -p rpmbuild/SOURCES rpmbuild/SPECS
printf '[db]\\npassword=%s\\n' "$S" > rpmbuild/SOURCES/db.conf
printf 'Name: myapp\\nVersion: 1.0\\nRelease: 1\\nSummary: app\\nLicense: MIT\\nBuildArch: noarch\\nSource0: db.conf\\n%%description\\napp\\n%%install\\nmkdir -p %%{buildroot}/etc/myapp\\ncp %%{SOURCE0} %%{buildroot}/etc/myapp/db.conf\\n%%files\\n/etc/myapp/db.conf\\n' > rpmbuild/SPECS/myapp.spec
rpmbuild --quiet --define "_topdir $PWD/rpmbuild" ${payload ? `--define "_binary_payload ${payload}"` : ''} -bb rpmbuild/SPECS/myapp.spec > /dev/null 2>&1
cp rpmbuild/RPMS/noarch/myapp-1.0-1.noarch.rpm "$OUT/"`,
  where: new RegExp(`${id}/myapp-1\\.0-1\\.noarch\\.rpm.*etc/myapp/db\\.conf`),
});

const tarball = (ext: string, make: string, tool: string): Artifact => ({
  id: `tar-${ext.replace('.', '')}`,
  name: `a .tar.${ext} made by ${tool}, an .env inside`,
  realWorld: 'a release tarball or backup left in /opt',
  shape: 'token',
  script: `mkdir -p src/app && printf 'SECRET_KEY=%s\\n' "$S" > src/app/.env && printf 'hello\\n' > src/app/README
${make}`,
  where: new RegExp(`tar-${ext.replace('.', '')}/backup\\.tar\\.${ext.replace('.', '\\.')}.*app/\\.env`),
});

export const binaryArtifacts: Artifact[] = [
  {
    id: 'git-pack',
    name: 'a git repository: .env committed, then removed, then `git gc` (the blob only in a packfile)',
    realWorld: '`COPY . .` of a checkout whose history holds an .env',
    shape: 'token',
    script: `${gitRepo('app')}
git gc -q
test -z "$(find .git/objects -path '*/pack' -prune -o -type f -path '*/objects/??/*' -print)"
cd .. && cp -a app "$OUT/"`,
    where: /git-pack\/app\/\.git\/objects\/pack\/pack-[0-9a-f]{40}\.pack/,
  },
  {
    id: 'git-loose',
    name: 'a git repository: .env committed, then removed (loose objects only)',
    realWorld: '`COPY . .` of a fresh checkout in CI, never gc’d',
    shape: 'token',
    script: `${gitRepo('app')}
test ! -e .git/objects/pack/*.pack
cd .. && cp -a app "$OUT/"`,
    where: /git-loose\/app\/\.git\/objects\/[0-9a-f]{2}\/[0-9a-f]{38}/,
  },
  {
    id: 'git-delta',
    name: 'a git repository: a later revision adds SECRET_KEY (stored as an OFS delta after gc), then reverted',
    realWorld: 'a settings.py whose staging revision held a key, reverted, history shipped',
    shape: 'token',
    script: `git init -q -b main svc && cd svc
for i in $(seq 0 299); do printf "SETTING_%03d = 'value number %d for the service configuration'\\n" $i $i; done > settings.py
git add -A && git commit -qm v1
{ head -n 150 settings.py; printf 'SECRET_KEY = "%s"\\n' "$S"; tail -n +201 settings.py; } > s2 && mv s2 settings.py && git commit -qam staging
git show HEAD~1:settings.py > settings.py && git commit -qam revert
git gc -q
blob=$(git rev-parse HEAD~1:settings.py)
git verify-pack -v .git/objects/pack/*.idx | awk -v b=$blob '$1==b && NF>=7 {f=1} END {exit !f}'
cd .. && cp -a svc "$OUT/"`,
    where: /git-delta\/svc\/\.git\/objects\/pack\/pack-[0-9a-f]{40}\.pack/,
  },
  {
    id: 'git-bundle',
    name: 'a git bundle (`git bundle create --all`) of a history that held an .env',
    realWorld: 'a repository shipped as a .bundle for an offline install',
    shape: 'token',
    script: `${gitRepo('app')}
git bundle create -q "$OUT/app.bundle" --all`,
    where: /git-bundle\/app\.bundle/,
  },
  {
    id: 'git-rotated',
    name: 'a git repository: a token in .env rotated to one sharing its first 24 characters, then `git gc --aggressive` and `git repack -adf` (the old value only in a delta that copies most of it from the new)',
    realWorld: '`COPY . .` of a checkout whose .env held a token that a later commit rotated',
    shape: 'token',
    script: `git init -q -b main app && cd app
for i in $(seq 1 30); do printf 'SETTING_%d=value number %d\\n' $i $i; done > base.env
{ cat base.env; printf 'TOKEN=%s\\n' "$S"; } > .env
git add -A && git commit -qm init
{ cat base.env; printf 'TOKEN=%srotated-2026\\n' "\${S:0:24}"; for i in $(seq 1 5); do printf 'MORE_%d=x\\n' $i; done; } > .env
git commit -qam "rotate the token"
git gc -q --aggressive && git repack -adfq --depth=50 --window=250
blob=$(git rev-parse HEAD~1:.env)
git verify-pack -v .git/objects/pack/*.idx | awk -v b=$blob '$1==b && NF>=7 {f=1} END {exit !f}'
cd .. && cp -a app "$OUT/"`,
    where: /git-rotated\/app\/\.git\/objects\/pack\/pack-[0-9a-f]{40}\.pack!\/[0-9a-f]{40}$/,
  },
  deb('xz', 'xz'),
  deb('zstd', 'zst'),
  deb('gzip', 'gz'),
  {
    id: 'cpio-newc',
    name: 'a cpio archive (`find | cpio -o -H newc`)',
    realWorld: 'an uncompressed initramfs',
    shape: 'token',
    script: `mkdir -p root/etc/app && printf 'API_TOKEN=%s\\n' "$S" > root/etc/app/token.env
(cd root && find . | cpio -o -H newc --quiet) > "$OUT/initramfs.cpio"`,
    where: /cpio-newc\/initramfs\.cpio.*etc\/app\/token\.env/,
  },
  {
    id: 'cpio-gz',
    name: 'a gzip’d newc cpio (an initramfs image)',
    realWorld: '/boot/initrd.img of a VM image built in a container',
    shape: 'token',
    script: `mkdir -p root/etc/app && printf 'API_TOKEN=%s\\n' "$S" > root/etc/app/token.env
(cd root && find . | cpio -o -H newc --quiet) | gzip -9n > "$OUT/initrd.img"`,
    where: /cpio-gz\/initrd\.img.*etc\/app\/token\.env/,
  },
  {
    id: 'cpio-odc-bz2',
    name: 'an odc cpio in bzip2 (`cpio -o -H odc | bzip2`)',
    realWorld: 'a backup made with cpio on an old system',
    shape: 'token',
    script: `mkdir -p root/etc/app && printf 'API_TOKEN=%s\\n' "$S" > root/etc/app/token.env
(cd root && find . | cpio -o -H odc --quiet) | bzip2 -9 > "$OUT/backup.cpio.bz2"`,
    where: /cpio-odc-bz2\/backup\.cpio\.bz2.*etc\/app\/token\.env/,
  },
  rpm('rpm', '', "rpm's default (zstd)"),
  rpm('rpm-xz', 'w6.xzdio', 'xz'),
  tarball('xz', 'tar -C src -cJf "$OUT/backup.tar.xz" app', 'tar -J'),
  tarball('bz2', 'tar -C src -cjf "$OUT/backup.tar.bz2" app', 'tar -j'),
  tarball('zst', 'tar -C src --zstd -cf "$OUT/backup.tar.zst" app', 'tar --zstd'),
  tarball('lz4', 'tar -C src -cf - app | lz4 -q -c > "$OUT/backup.tar.lz4"', 'tar | lz4'),
  {
    id: 'fat-jar',
    name: 'a Spring Boot fat jar: application.properties in a deflated jar, nested STORED in BOOT-INF/lib (zip -0)',
    realWorld: 'a Spring Boot app.jar built by the Boot Maven plugin',
    shape: 'token',
    script: `mkdir inner && printf 'spring.datasource.url=jdbc:postgresql://db/app\\nspring.datasource.password=%s\\n' "$S" > inner/application.properties
(cd inner && zip -qrX ../app-config-1.0.jar .)
mkdir -p fat/BOOT-INF/lib fat/BOOT-INF/classes/com/example fat/META-INF && mv app-config-1.0.jar fat/BOOT-INF/lib/
printf 'Manifest-Version: 1.0\\nMain-Class: org.springframework.boot.loader.launch.JarLauncher\\n' > fat/META-INF/MANIFEST.MF
head -c 6000 /dev/urandom > fat/BOOT-INF/classes/com/example/App.class
(cd fat && zip -qrX ../app.jar META-INF BOOT-INF/classes && zip -qrX0 ../app.jar BOOT-INF/lib)
unzip -v app.jar | grep 'Stored.*BOOT-INF/lib/app-config-1.0.jar' > /dev/null && cp app.jar "$OUT/"`,
    where: /fat-jar\/app\.jar.*BOOT-INF\/lib\/app-config-1\.0\.jar.*application\.properties/,
  },
  {
    id: 'brotli-js',
    name: 'a JS bundle shipped only as main.js.br (`brotli -q 11`), an API key inlined',
    realWorld: 'a front-end build with precompressed assets served by nginx brotli_static',
    shape: 'token',
    script: `{ for i in $(seq 400); do printf 'function f%d(a,b){return a*%d+b-%d}\\n' $i $i $((i % 7)); done
printf 'const config={apiBase:"https://api.example.com",apiKey:"%s"};\\n' "$S"
for i in $(seq 400); do printf 'function g%d(a){return a+%d}\\n' $i $i; done; } > main.js
mkdir -p "$OUT/static/js" && brotli -q 11 -o "$OUT/static/js/main.js.br" main.js`,
    where: /brotli-js\/static\/js\/main\.js\.br/,
  },
  {
    id: 'esbuild-ascii',
    name: 'an esbuild bundle (default charset=ascii): a key beyond ASCII written with \\x and \\u escapes',
    realWorld: 'a bundler inlining an env value into dist/app.js',
    shape: 'unicode',
    script: `node -e 'process.stdout.write("export const API_KEY = " + JSON.stringify(require("fs").readFileSync("secret","utf8")) + ";\\n")' > env.js
printf 'import { API_KEY } from "./env.js";\\nfetch("/api", { headers: { authorization: API_KEY } });\\n' > main.js
esbuild --bundle --minify --log-level=error main.js --outfile="$OUT/app.js"
! grep -qF "$S" "$OUT/app.js"`,
    where: /esbuild-ascii\/app\.js/,
  },
  {
    id: 'zlib-in-pak',
    name: 'a zlib stream at an offset inside a resource pack (random bytes around it)',
    realWorld: 'a game/engine .pak or a Java serialized blob holding deflated config',
    shape: 'token',
    script: `python3 - <<'EOF' > "$OUT/resources.pak"
import os, sys, zlib
s = open('secret').read()
sys.stdout.buffer.write(b'PAK1' + os.urandom(40000) + zlib.compress(('{"token":"%s"}' % s).encode(), 9) + os.urandom(40000))
EOF`,
    where: /zlib-in-pak\/resources\.pak/,
  },
  {
    id: 'pdf-text',
    name: 'a PDF whose page text holds the password, streams FlateDecode’d by qpdf --compress-streams=y',
    realWorld: 'a generated report left in the image',
    shape: 'token',
    script: `python3 - <<'EOF'
s = open('secret').read()
content = ('BT /F1 12 Tf 72 712 Td (Database password: %s) Tj ET' % s).encode()
objs = [b'<< /Type /Catalog /Pages 2 0 R >>', b'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
        b'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
        b'<< /Length %d >>\\nstream\\n' % len(content) + content + b'\\nendstream',
        b'<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>']
out, offs = b'%PDF-1.4\\n', []
for i, o in enumerate(objs):
    offs.append(len(out)); out += b'%d 0 obj\\n' % (i + 1) + o + b'\\nendobj\\n'
x = len(out)
out += b'xref\\n0 %d\\n0000000000 65535 f \\n' % (len(objs) + 1) + b''.join(b'%010d 00000 n \\n' % o for o in offs)
out += b'trailer\\n<< /Size %d /Root 1 0 R >>\\nstartxref\\n%d\\n%%%%EOF\\n' % (len(objs) + 1, x)
open('plain.pdf', 'wb').write(out)
EOF
qpdf --compress-streams=y --object-streams=generate plain.pdf "$OUT/report.pdf"
! grep -qF "$S" "$OUT/report.pdf"`,
    where: /pdf-text\/report\.pdf/,
  },
  {
    id: 'pdf-attachment',
    name: 'a PDF with an .env attached (qpdf --add-attachment), the embedded file FlateDecode’d',
    realWorld: 'an invoice PDF with an attachment generated by a build step',
    shape: 'token',
    script: `printf '%%PDF-1.4\\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\\ntrailer << /Root 1 0 R >>\\n%%%%EOF\\n' > empty.pdf
printf 'DB_PASSWORD=%s\\n' "$S" > .env
qpdf empty.pdf --add-attachment .env -- with.pdf 2> /dev/null || test $? -eq 3
qpdf --compress-streams=y --object-streams=generate with.pdf "$OUT/invoice.pdf" 2> /dev/null || test $? -eq 3
! grep -qF "$S" "$OUT/invoice.pdf"`,
    where: /pdf-attachment\/invoice\.pdf/,
  },
  ...(['zTXt', 'iTXt'] as const).map((chunk): Artifact => ({
    id: `png-${chunk.toLowerCase()}`,
    name: `a PNG with a compressed ${chunk} text chunk holding a token`,
    realWorld: 'a screenshot or chart whose metadata a tool filled from the environment',
    shape: 'token',
    script: `python3 - <<'EOF' > "$OUT/chart.png"
import struct, sys, zlib
s = open('secret').read().encode()
def chunk(t, d): return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
text = b'Comment\\x00\\x00' + zlib.compress(b'deploy token: ' + s) if '${chunk}' == 'zTXt' else b'Description\\x00\\x01\\x00en\\x00\\x00' + zlib.compress(b'token ' + s)
png = b'\\x89PNG\\r\\n\\x1a\\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', 1, 1, 8, 0, 0, 0, 0)) + chunk(b'${chunk}', text)
sys.stdout.buffer.write(png + chunk(b'IDAT', zlib.compress(b'\\x00\\x00')) + chunk(b'IEND', b''))
EOF`,
    where: new RegExp(`png-${chunk.toLowerCase()}/chart\\.png`),
  })),
  {
    id: 'apk-gzip-members',
    name: 'an Alpine-style .apk: three gzip members (signature, control, data: tar segments without end blocks) concatenated',
    realWorld: 'a locally built .apk (abuild) left in /tmp of an Alpine image',
    shape: 'token',
    script: `mkdir -p data/etc/app && printf 'TOKEN=%s\\n' "$S" > data/etc/app/config && printf 'pkgname = app\\npkgver = 1.0-r0\\n' > .PKGINFO && printf 'sig' > .SIGN.RSA.builder.rsa.pub
python3 - <<'PY' > "$OUT/app-1.0-r0.apk"
import gzip, os, sys, tarfile
def segment(paths, root='.'):
    out = b''
    for p in paths:
        data = open(os.path.join(root, p), 'rb').read()
        info = tarfile.TarInfo(p); info.size = len(data); info.mtime = 0
        out += info.tobuf(tarfile.GNU_FORMAT) + data + b'\\0' * (-len(data) % 512)
    return gzip.compress(out, mtime=0)
sys.stdout.buffer.write(segment(['.SIGN.RSA.builder.rsa.pub']) + segment(['.PKGINFO']) + segment(['etc/app/config'], 'data'))
PY`,
    where: /apk-gzip-members\/app-1\.0-r0\.apk.*etc\/app\/config/,
  },
  {
    id: 'gzip-members',
    name: 'a log appended to as gzip members (`gzip -c >> app.log.gz`), the token in the second member',
    realWorld: 'a rotated application log compressed in pieces',
    shape: 'token',
    script: `printf 'boot ok\\n' | gzip -n > "$OUT/app.log.gz" && printf 'login with token %s\\n' "$S" | gzip -n >> "$OUT/app.log.gz"`,
    where: /gzip-members\/app\.log\.gz/,
  },
  {
    id: 'image-archive',
    name: 'a saved image (an OCI layout, tarred; its layer a .tar.gz named only by its digest) inside the image',
    realWorld: '`docker save` / `skopeo copy … oci-archive:` output in a CI tooling image or a build cache',
    shape: 'token',
    script: `mkdir -p layer/app && printf 'DB_PASSWORD=%s\\n' "$S" > layer/app/.env
python3 - <<'PY'
import gzip, hashlib, io, json, os, tarfile
os.makedirs('oci/blobs/sha256')
def put(b):
    h = hashlib.sha256(b).hexdigest(); open('oci/blobs/sha256/' + h, 'wb').write(b); return {'digest': 'sha256:' + h, 'size': len(b)}
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode='w', format=tarfile.PAX_FORMAT) as t: t.add('layer/app', arcname='app')
layer = put(gzip.compress(buf.getvalue(), mtime=0))
config = put(json.dumps({'architecture': 'amd64', 'os': 'linux', 'rootfs': {'type': 'layers', 'diff_ids': ['sha256:' + hashlib.sha256(buf.getvalue()).hexdigest()]}}).encode())
m = {'schemaVersion': 2, 'mediaType': 'application/vnd.oci.image.manifest.v1+json', 'config': dict(mediaType='application/vnd.oci.image.config.v1+json', **config), 'layers': [dict(mediaType='application/vnd.oci.image.layer.v1.tar+gzip', **layer)]}
manifest = put(json.dumps(m).encode())
open('oci/index.json', 'w').write(json.dumps({'schemaVersion': 2, 'manifests': [dict(mediaType=m['mediaType'], **manifest)]}))
open('oci/oci-layout', 'w').write('{"imageLayoutVersion":"1.0.0"}')
PY
tar -C oci -cf "$OUT/app-image.tar" .`,
    where: /image-archive\/app-image\.tar.*blobs\/sha256\/[0-9a-f]{64}.*app\/\.env/,
  },
  {
    id: 'zip-streamed',
    name: 'a zip written to a pipe by Info-ZIP (`zip - … | cat`: sizes in data descriptors after each entry)',
    realWorld: 'an archive streamed by a build step (Java ZipOutputStream writes entries the same way)',
    shape: 'token',
    script: `mkdir -p cfg && printf 'api_key: %s\\n' "$S" > cfg/secrets.yml && printf 'name: app\\n' > cfg/app.yml
zip -q -r - cfg | cat > "$OUT/config.zip"`,
    where: /zip-streamed\/config\.zip.*cfg\/secrets\.yml/,
  },
  {
    id: 'makeself-run',
    name: 'a self-extracting installer: a shell script with a gzip’d tar appended (makeself style)',
    realWorld: 'a vendor agent installed from install.run, the .run kept in the image',
    shape: 'token',
    script: `mkdir -p payload/agent && printf 'AGENT_KEY=%s\\n' "$S" > payload/agent/agent.conf
{ printf '#!/bin/sh\\n# installer\\nARCHIVE=$(awk "/^__ARCHIVE__/ {print NR + 1; exit 0; }" "$0")\\ntail -n+$ARCHIVE "$0" | tar xz -C /opt\\nexit 0\\n__ARCHIVE__\\n'; tar -C payload -cf - agent | gzip -9; } > "$OUT/install.run"`,
    where: /makeself-run\/install\.run.*agent\/agent\.conf/,
  },
  {
    id: 'makeself-nocomp',
    name: 'a self-extracting installer with its tar appended uncompressed (`makeself --nocomp` style)',
    realWorld: 'a vendor agent installed from install.run built with makeself --nocomp, the .run kept in the image',
    shape: 'token',
    script: `mkdir -p payload/agent && printf 'AGENT_KEY=%s\\n' "$S" > payload/agent/agent.conf && printf 'level=info\\n' > payload/agent/log.conf
{ printf '#!/bin/sh\\n# installer\\nSKIP=$(awk "/^__ARCHIVE__/ {print NR + 1; exit 0; }" "$0")\\ntail -n+$SKIP "$0" | tar x -C /opt\\nexit 0\\n__ARCHIVE__\\n'; tar -C payload -cf - agent; } > "$OUT/install.run"`,
    where: /makeself-nocomp\/install\.run@\d+!\/agent\/agent\.conf/,
  },
  {
    id: 'executable-jar',
    name: 'a Spring Boot “fully executable” jar: a launch script prepended to the zip',
    realWorld: 'bootJar { launchScript() } output installed as /opt/app/app (init.d service)',
    shape: 'token',
    script: `mkdir -p j/BOOT-INF/classes && printf 'spring.datasource.password=%s\\n' "$S" > j/BOOT-INF/classes/application.properties
(cd j && zip -qrX ../app.jar .)
{ printf '#!/bin/bash\\n# Spring Boot launch script\\nexec java -jar "$0" "$@"\\n'; head -c 3000 /dev/zero | tr '\\0' '#'; printf '\\n'; cat app.jar; } > "$OUT/app"`,
    where: /executable-jar\/app.*BOOT-INF\/classes\/application\.properties/,
  },
  {
    id: 'pyc-b64-gzip',
    name: 'a compiled Python module only (compileall -b, the .py removed): settings embedded as base64 of gzip, beside a bytes icon',
    realWorld: 'a Python app shipped as .pyc, its default config baked in as a compressed blob',
    shape: 'token',
    script: `mkdir app && python3 - <<'PY'
import base64, gzip, json, os
s = open('secret').read()
blob = base64.b64encode(gzip.compress(json.dumps({'api_key': s, 'region': 'eu-west-1'}).encode(), mtime=0)).decode()
open('app/settings.py', 'w').write('import base64, gzip, json\\nICON = %r\\nDEFAULTS = json.loads(gzip.decompress(base64.b64decode(%r)))\\n' % (os.urandom(3000), blob))
PY
python3 -m compileall -q -b app && rm app/settings.py && test -f app/settings.pyc && cp -r app "$OUT/"`,
    where: /pyc-b64-gzip\/app\/settings\.pyc/,
  },
  {
    id: 'sqlite-db',
    name: 'a SQLite database (python3 sqlite3) with an API token in a row',
    realWorld: 'an application database (Grafana, a Django dev DB) baked into the image',
    shape: 'token',
    script: `python3 - <<'PY'
import os, sqlite3
s = open('secret').read()
db = sqlite3.connect(os.path.join(os.environ['OUT'], 'app.db'))
db.execute('create table tokens (name text, token text)'); db.executemany('insert into tokens values (?, ?)', [('ci', s), ('other', 'x' * 40)])
db.commit(); db.close()
PY`,
    where: /sqlite-db\/app\.db/,
  },
  {
    id: 'zip-bzip2',
    name: 'a zip whose members Info-ZIP compressed with bzip2 (`zip -Z bzip2`, method 12)',
    realWorld: 'a backup or release archive made with zip -Z bzip2 for a better ratio, copied into the image',
    shape: 'token',
    script: `mkdir -p cfg && { for i in $(seq 1 40); do printf 'feature_%s: enabled\\n' "$i"; done; printf 'api_key: %s\\n' "$S"; } > cfg/secrets.yml
printf 'name: app\\n' > cfg/app.yml && zip -q -r -Z bzip2 "$OUT/config.zip" cfg && unzip -v "$OUT/config.zip" | grep 'BZip2.*cfg/secrets.yml' > /dev/null`,
    where: /zip-bzip2\/config\.zip!\/cfg\/secrets\.yml!/,
  },
  {
    id: 'whl-bzip2',
    name: "a wheel-like zip written by Python's zipfile with ZIP_BZIP2 (method 12)",
    realWorld: 'a plugin bundle a Python build script zipped with compression=ZIP_BZIP2',
    shape: 'url',
    script: `python3 - <<'PY'
import os, zipfile
s = open('secret').read()
with zipfile.ZipFile(os.path.join(os.environ['OUT'], 'plugin-1.0-py3-none-any.whl'), 'w', zipfile.ZIP_BZIP2) as z:
    z.writestr('plugin/__init__.py', 'VERSION = "1.0"\\n')
    z.writestr('plugin/settings.py', 'DATABASE_URL = "postgres://app:%s@db:5432/app"\\n' % s)
PY`,
    where: /whl-bzip2\/plugin-1\.0-py3-none-any\.whl!\/plugin\/settings\.py!/,
  },
];
