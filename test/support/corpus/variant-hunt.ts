/**
 * The hunt round's artifacts (issue 28): classes of artifact no earlier round made, each as a real
 * user's image carries it — a VM disk in a KubeVirt containerDisk (qcow2 with deflate or zstd
 * clusters, a streamOptimized VMDK, an Android sparse image), a PHP .phar whose files are gzip'd, an
 * Avro container file (deflate and snappy blocks), a zchunk file, a Java Flight Recording and heap
 * dumps holding a char[] password (plain, and jcmd's gzip), a PNG's compressed text chunk, a MATLAB
 * v5 .mat (compressed), a gettext catalog, a btrfs image, a Ruby instruction sequence (bootsnap's
 * cache), a tar.Z, a gzip'd shell archive, a SHA-256 git repository, a split zip, a C program's
 * local array, a headless Chromium's cookie (encrypted under a fixed key) and HTTP cache (a brotli
 * body), a streamed CMS signature (BER chunks), an initramfs (an early cpio, then zstd) and a
 * LevelDB write-ahead log and a Berkeley DB's overflow pages. Each is made by the real tool; the
 * value is placed as a pipeline places it.
 */
import { appEnv } from './variant-round.js';
import type { Variant } from './variant-text.js';
import { awaitReady } from './waits.js';

/** disk.raw: an 8 MiB ext4 image of root/ (mke2fs -d), as virt-make-fs or a containerDisk build makes it. */
const diskRaw = `${appEnv} && mke2fs -q -t ext4 -d root disk.raw 8M`;

/** A Java program (App.java, its `body` in main, which may throw) compiled into j/. */
const javaApp = (imports: string, body: string) => `mkdir -p j && cat > j/App.java <<'EOF'
${imports}
public class App {
  public static void main(String[] args) throws Exception {
${body}
  }
}
EOF
javac -d j j/App.java`;

export const variantHunt: Variant[] = [
  {
    id: 'qcow2-deflate',
    name: 'qemu-img convert -c -O qcow2: an ext4 disk whose compressed clusters are raw deflate (64 KiB clusters)',
    realWorld: "a KubeVirt containerDisk image (/disk/disk.qcow2) built from a VM disk that held the app's env file",
    kind: 'token',
    script: `${diskRaw} && mkdir -p "$OUT/disk" && qemu-img convert -c -O qcow2 disk.raw "$OUT/disk/disk.qcow2" && ! grep -F "$S" "$OUT/disk/disk.qcow2" > /dev/null`,
    where: /qcow2-deflate\/disk\/disk\.qcow2/,
  },
  {
    id: 'qcow2-zstd',
    name: 'qemu-img convert -c -o compression_type=zstd: the same disk, its clusters zstd frames',
    realWorld: 'a containerDisk built by a newer virt-sparsify/qemu-img with zstd compression',
    kind: 'token',
    script: `${diskRaw} && mkdir -p "$OUT/disk" && qemu-img convert -c -O qcow2 -o compression_type=zstd disk.raw "$OUT/disk/disk.qcow2" && ! grep -F "$S" "$OUT/disk/disk.qcow2" > /dev/null`,
    where: /qcow2-zstd\/disk\/disk\.qcow2/,
  },
  {
    id: 'vmdk-stream',
    name: 'qemu-img convert -O vmdk -o subformat=streamOptimized: zlib grains of the ext4 disk',
    realWorld: 'an OVA/VMDK appliance disk kept in an image that deploys it (vSphere, Packer output)',
    kind: 'token',
    script: `${diskRaw} && qemu-img convert -O vmdk -o subformat=streamOptimized disk.raw "$OUT/appliance.vmdk" && ! grep -F "$S" "$OUT/appliance.vmdk" > /dev/null`,
    where: /vmdk-stream\/appliance\.vmdk/,
  },
  {
    id: 'android-sparse',
    name: 'img2simg: the ext4 disk as an Android sparse image (raw and don\u2019t-care chunks)',
    realWorld: 'a system.img/vendor.img in an Android build or flashing image',
    kind: 'token',
    script: `${diskRaw} && img2simg disk.raw "$OUT/system.img"`,
    where: /android-sparse\/system\.img/,
  },
  {
    id: 'phar-gz',
    name: "PHP's Phar::compressFiles(Phar::GZ): a .phar whose config file is deflated in place (phar's own manifest)",
    realWorld: 'a PHP tool shipped as a .phar (composer.phar-style) with its config baked in',
    kind: 'token',
    script: `mkdir -p app/config && printf '<?php echo "ok\\\\n";\\n' > app/index.php && printf '<?php return ["api_token" => "%s", "endpoint" => "https://api.example.com"];\\n' "$S" > app/config/secrets.php
seq 1 400 | sed 's/^/; filler line /' >> app/config/secrets.php
php -d phar.readonly=0 -r '$p = new Phar(getenv("OUT") . "/tool.phar"); $p->buildFromDirectory("app"); $p->setStub($p->createDefaultStub("index.php")); $p->compressFiles(Phar::GZ);'
! grep -F "$S" "$OUT/tool.phar" > /dev/null`,
    where: /phar-gz\/tool\.phar/,
  },
  {
    id: 'avro-deflate',
    name: "python3-avro DataFileWriter, codec 'deflate': 500 records, the token in one, each block raw deflate",
    realWorld: 'an Avro export of a Kafka topic or a data pipeline (Kafka Connect, Spark) left in an image',
    kind: 'token',
    script: `/usr/bin/python3 - <<'EOF'
import os, json
import avro.schema
from avro.datafile import DataFileWriter
from avro.io import DatumWriter
s = open('secret', encoding='utf-8').read()
schema = avro.schema.parse(json.dumps({"type": "record", "name": "Event", "fields": [{"name": "user", "type": "string"}, {"name": "token", "type": "string"}]}))
w = DataFileWriter(open(os.environ['OUT'] + '/events.avro', 'wb'), DatumWriter(), schema, codec='deflate')
for i in range(500):
    w.append({"user": "user-%d" % i, "token": s if i == 250 else "none-%d" % i})
w.close()
EOF
! grep -F "$S" "$OUT/events.avro" > /dev/null`,
    where: /avro-deflate\/events\.avro/,
  },
  {
    id: 'avro-snappy',
    name: "python3-avro DataFileWriter, codec 'snappy': each block raw snappy then its CRC-32",
    realWorld: 'the same export with the codec Kafka Connect and Hive use by default',
    kind: 'token',
    script: `/usr/bin/python3 - <<'EOF'
import os, json
import avro.schema
from avro.datafile import DataFileWriter
from avro.io import DatumWriter
s = open('secret', encoding='utf-8').read()
schema = avro.schema.parse(json.dumps({"type": "record", "name": "Event", "fields": [{"name": "user", "type": "string"}, {"name": "token", "type": "string"}]}))
w = DataFileWriter(open(os.environ['OUT'] + '/events.avro', 'wb'), DatumWriter(), schema, codec='snappy')
for i in range(500):
    w.append({"user": "user-%d" % i, "token": s if i == 250 else "none-%d" % i})
w.close()
EOF`,
    where: /avro-snappy\/events\.avro/,
  },
  {
    id: 'zchunk',
    name: 'zck: a zchunk file (a header of chunk digests, then each chunk its own zstd frame)',
    realWorld: "dnf's cached repository metadata (*.xml.zck) of a private repository, or a zchunk'd config bundle",
    kind: 'token',
    script: `${appEnv} && zck -o "$OUT/app.env.zck" root/etc/app/app.env > /dev/null && ! grep -F "$S" "$OUT/app.env.zck" > /dev/null`,
    where: /zchunk\/app\.env\.zck/,
  },
  {
    id: 'jfr-property',
    name: 'java -XX:StartFlightRecording: a JFR recording of a JVM started with -Dapi.token=… (from an @argfile)',
    realWorld: 'a flight recording dumped on exit by a Java service profiled during the build, its JVM arguments holding the credential',
    kind: 'token',
    script: `${javaApp('', '    Thread.sleep(300);')}
printf -- '-Dapi.token=%s\\n' "$S" > jvm.opts
java @jvm.opts -XX:StartFlightRecording=filename="$OUT/app.jfr",dumponexit=true -cp j App > /dev/null 2>&1 && test -s "$OUT/app.jfr"`,
    where: /jfr-property\/app\.jfr/,
  },
  {
    id: 'hprof-char-array',
    name: 'HotSpotDiagnosticMXBean.dumpHeap: a heap dump whose only copy of the password is a char[] (UTF-16 big-endian in HPROF)',
    realWorld:
      'a java_pid*.hprof (-XX:+HeapDumpOnOutOfMemoryError) left in the image by a test run, the service holding a char[] password as KeyStore.load and Console.readPassword want',
    kind: 'token',
    script: `${javaApp(
      'import java.nio.file.*; import java.util.Arrays; import com.sun.management.HotSpotDiagnosticMXBean; import java.lang.management.ManagementFactory;',
      `    byte[] b = Files.readAllBytes(Path.of("secret"));
    char[] pw = new char[b.length];
    for (int i = 0; i < b.length; i++) pw[i] = (char) b[i];
    Arrays.fill(b, (byte) 0);
    ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).dumpHeap(System.getenv("OUT") + "/java_pid1.hprof", true);
    System.out.println(pw.length);`,
    )}
java -Xmx64m -cp j App > /dev/null && ! grep -F "$S" "$OUT/java_pid1.hprof" > /dev/null`,
    where: /hprof-char-array\/java_pid1\.hprof/,
  },
  {
    id: 'png-ztxt',
    name: 'PIL PngInfo.add_text(zip=True): a PNG whose zTXt chunk (zlib) holds a text with the token',
    realWorld: 'a screenshot or generated diagram whose metadata recorded the command line or connection string',
    kind: 'token',
    script: `/usr/bin/python3 - <<'EOF'
import os
from PIL import Image, PngImagePlugin
s = open('secret', encoding='utf-8').read()
info = PngImagePlugin.PngInfo()
info.add_text('Comment', 'rendered by report.py --api-token=' + s + ' --out dashboard.png', zip=True)
Image.new('RGB', (64, 64), (200, 30, 30)).save(os.environ['OUT'] + '/dashboard.png', pnginfo=info)
EOF
! grep -F "$S" "$OUT/dashboard.png" > /dev/null`,
    where: /png-ztxt\/dashboard\.png/,
  },
  {
    id: 'mat-v5',
    name: 'scipy.io.savemat(do_compression=True): a MATLAB v5 .mat whose char array is in a miCOMPRESSED (zlib) element',
    realWorld: "a research or ML image carrying a .mat config/results file that stored the data service's token",
    kind: 'token',
    script: `/usr/bin/python3 - <<'EOF'
import os
import scipy.io
s = open('secret', encoding='utf-8').read()
scipy.io.savemat(os.environ['OUT'] + '/run.mat', {'api_token': s, 'endpoint': 'https://data.example.com', 'samples': list(range(200))}, do_compression=True)
EOF
! grep -F "$S" "$OUT/run.mat" > /dev/null`,
    where: /mat-v5\/run\.mat/,
  },
  {
    id: 'gettext-mo',
    name: 'msgfmt: a compiled gettext catalog (.mo) whose translated string holds the token',
    realWorld: "a locale/*/LC_MESSAGES/app.mo where a developer's placeholder text carried a real key",
    kind: 'token',
    script: `printf 'msgid ""\\nmsgstr "Content-Type: text/plain; charset=UTF-8\\\\n"\\n\\nmsgid "support.key"\\nmsgstr "%s"\\n' "$S" > app.po
mkdir -p "$OUT/de/LC_MESSAGES" && msgfmt -o "$OUT/de/LC_MESSAGES/app.mo" app.po`,
    where: /gettext-mo\/de\/LC_MESSAGES\/app\.mo/,
  },
  {
    id: 'btrfs-rootdir',
    name: 'mkfs.btrfs --rootdir: a btrfs image of root/ (the env file in data extents, its small neighbours inline)',
    realWorld: 'a VM or appliance root file system image built by a pipeline and kept in an image',
    kind: 'token',
    script: `${appEnv} && printf 'API_TOKEN=%s\\n' "$S" > root/etc/app/short.env && truncate -s 128M "$OUT/rootfs.btrfs" && mkfs.btrfs -q --rootdir root "$OUT/rootfs.btrfs"`,
    where: /btrfs-rootdir\/rootfs\.btrfs/,
  },
  {
    id: 'ruby-iseq',
    name: "RubyVM::InstructionSequence#to_binary: a compiled Ruby file (bootsnap's compile cache format)",
    realWorld: "a Rails image's tmp/cache/bootsnap/compile-cache-iseq entries for config/initializers with a token in it",
    kind: 'token',
    script: `printf 'Rails.application.config.api_token = "%s"\\n' "$S" > initializer.rb
ruby -e 'File.binwrite(File.join(ENV["OUT"], "initializer.iseq"), RubyVM::InstructionSequence.compile_file("initializer.rb").to_binary)'`,
    where: /ruby-iseq\/initializer\.iseq/,
  },
  {
    id: 'tar-Z',
    name: 'tar | compress (ncompress, LZW): a .tar.Z of the app',
    realWorld: 'a legacy vendor bundle or a build script that still uses compress',
    kind: 'token',
    script: `${appEnv} && tar -C root -cf - . | compress -c > "$OUT/app.tar.Z" && ! grep -F "$S" "$OUT/app.tar.Z" > /dev/null`,
    where: /tar-Z\/app\.tar\.Z/,
  },
  {
    id: 'shar-gzip',
    name: 'shar -z: a shell archive whose file is gzip\u2019d then uuencoded',
    realWorld: 'a self-extracting install script (shar) generated by an old release process',
    kind: 'token',
    script: `${appEnv} && (cd root && shar -z etc/app/app.env > "$OUT/install.shar" 2> /dev/null) && ! grep -F "$S" "$OUT/install.shar" > /dev/null`,
    where: /shar-gzip\/install\.shar/,
  },
  {
    id: 'gcc-stack-array',
    name: 'gcc -O2: a C program whose local char array is initialised from the token (the compiler may move it by immediates)',
    realWorld: 'a small C helper in an image that builds its Authorization header from a compiled-in key',
    kind: 'token',
    script: `printf '#include <stdio.h>\\n#include <string.h>\\nint main(int c, char **v) { char key[] = "%s"; if (c > 5) key[0] = v[1][0]; return puts(key) & (int) strlen(key); }\\n' "$S" > app.c
gcc -O2 -o "$OUT/helper" app.c`,
    where: /gcc-stack-array\/helper/,
  },
  {
    id: 'git-sha256-delta',
    name: 'git init --object-format=sha256, two commits of a config, git gc: the value only in a delta of a SHA-256 pack',
    realWorld: 'a .git directory of a repository in the SHA-256 object format copied into the image (COPY . .)',
    kind: 'token',
    script: `git init -q --object-format=sha256 repo && cd repo && seq 1 2000 | sed 's/^/setting_/' > app.conf && git add app.conf && git commit -qm one
printf 'token = %s\\n' "$S" >> app.conf && git commit -qam two && git gc -q --aggressive && cd .. && cp -r repo/.git "$OUT/repo.git" && ! grep -rF "$S" "$OUT/repo.git" > /dev/null`,
    where: /git-sha256-delta\/repo\.git\/objects\/pack\/pack-.+\.pack/,
  },
  {
    id: 'zip-split',
    name: 'zip -s 64k: a split archive (backup.z01, backup.zip) whose deflated member runs across the two parts',
    realWorld: 'a backup split to fit an upload limit, its parts copied into the image together',
    kind: 'token',
    script: `mkdir -p root && /usr/bin/python3 -c "import random; r = random.Random(7); print('\\n'.join('%032x' % r.getrandbits(128) for _ in range(3960)))" > root/a.log && printf 'API_TOKEN=%s\\n' "$S" >> root/a.log && /usr/bin/python3 -c "import random; r = random.Random(8); print('\\n'.join('%032x' % r.getrandbits(128) for _ in range(2000)))" >> root/a.log
(cd root && zip -q -s 64k "$OUT/backup.zip" a.log) && ls "$OUT/backup.z01" > /dev/null && ! grep -F "$S" "$OUT"/backup.z* > /dev/null`,
    where: /zip-split\/backup\.z/,
  },
  {
    id: 'chrome-cookie-v10',
    name: "headless Chromium (--password-store=basic): a site's session cookie in the profile's Cookies database, encrypted as v10 (AES-128-CBC under the key of the fixed word 'peanuts')",
    realWorld:
      'a Puppeteer/Playwright end-to-end test that logged in during the build, its Chrome profile (~/.config/chromium, a userDataDir) left in the image',
    kind: 'token',
    script: `cat > srv.py <<'EOF'
import http.server, os
s = open('secret', encoding='utf-8').read()
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header('Set-Cookie', 'session=' + s + '; Max-Age=86400; Path=/')
        self.send_header('Content-Type', 'text/html')
        self.end_headers()
        self.wfile.write(b'<html><body>signed in</body></html>')
    def log_message(self, *a): pass
srv = http.server.HTTPServer(('127.0.0.1', 0), H)
open('port.tmp', 'w').write(str(srv.server_port))
os.rename('port.tmp', 'port')
srv.serve_forever()
EOF
/usr/bin/python3 srv.py & server=$!
${awaitReady('[ -s port ]', '$server', 'the HTTP server')}
chromium --headless --no-sandbox --disable-gpu --password-store=basic --user-data-dir="$PWD/profile" --dump-dom "http://127.0.0.1:$(cat port)/" > page.html 2> /dev/null || true
kill "$server"
grep -F 'signed in' page.html > /dev/null && mkdir -p "$OUT/chromium/Default" && cp profile/Default/Cookies "$OUT/chromium/Default/Cookies" && ! grep -F "$S" "$OUT/chromium/Default/Cookies" > /dev/null`,
    where: /chrome-cookie-v10\/chromium\/Default\/Cookies/,
  },
  {
    id: 'cms-stream',
    name: 'openssl cms -sign -nodetach -stream -outform DER: a signed config whose content BER cuts into 4096-byte OCTET STRING chunks, the value across two',
    realWorld: 'a signed configuration or licence bundle (.p7m) a release pipeline signs in streaming mode and an image ships to be verified at start',
    kind: 'token',
    script: `openssl req -x509 -newkey rsa:2048 -nodes -keyout signer.key -out signer.pem -subj /CN=release-signer -days 30 2> /dev/null
{ head -c 4080 /dev/zero | tr '\\0' '#'; printf '\\napi_token = %s\\n' "$S"; seq 1 500 | sed 's/^/setting_/'; } > app.conf
openssl cms -sign -binary -nodetach -stream -outform DER -in app.conf -signer signer.pem -inkey signer.key -out "$OUT/app.conf.p7m" && ! grep -F "$S" "$OUT/app.conf.p7m" > /dev/null`,
    where: /cms-stream\/app\.conf\.p7m/,
  },
  {
    id: 'hprof-gz',
    name: 'jcmd PID GC.heap_dump -gz=1: a gzip-compressed heap dump (chunked gzip members) of a JVM holding a char[] password',
    realWorld: 'a heap dump taken with jcmd in a debugging session and left in the image, compressed as JDK 15+ writes it',
    kind: 'token',
    script: `mkdir -p j && cat > j/App.java <<'EOF'
import java.nio.file.*; import java.util.Arrays;
public class App {
  public static void main(String[] args) throws Exception {
    byte[] b = Files.readAllBytes(Path.of("secret"));
    char[] pw = new char[b.length];
    for (int i = 0; i < b.length; i++) pw[i] = (char) b[i];
    Arrays.fill(b, (byte) 0);
    Files.writeString(Path.of("ready"), "1");
    Thread.sleep(60000);
    System.out.println(pw.length);
  }
}
EOF
javac -d j j/App.java
java -Xmx64m -cp j App > /dev/null & app=$!
${awaitReady('[ -s ready ]', '$app', 'the Java program')}
jcmd "$app" GC.heap_dump -gz=1 "$OUT/heap.hprof.gz" > /dev/null
kill "$app"
! zcat "$OUT/heap.hprof.gz" | grep -F "$S" > /dev/null`,
    where: /hprof-gz\/heap\.hprof\.gz/,
  },
  {
    id: 'chrome-cache-br',
    name: "headless Chromium's HTTP cache (Cache_Data, simple cache): a JSON API response with the token, kept as received — brotli (Content-Encoding: br) — behind the entry's header and URL",
    realWorld: "a Puppeteer/Playwright profile's cache after the build's end-to-end test fetched an API that returned a session token",
    kind: 'token',
    script: `cat > srv.py <<'EOF'
import brotli, http.server, os
s = open('secret', encoding='utf-8').read()
body = brotli.compress(('{"session": {"token": "%s", "user": "ci"}, "items": [%s]}' % (s, ','.join(str(i) for i in range(300)))).encode())
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == '/':
            page = b'<html><body><script>fetch("/api/session").then(r => r.json()).then(j => document.body.dataset.n = j.items.length)</script>ok</body></html>'
            self.send_response(200); self.send_header('Content-Type', 'text/html'); self.end_headers(); self.wfile.write(page); return
        self.send_response(200)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Encoding', 'br')
        self.send_header('Cache-Control', 'max-age=3600')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a): pass
srv = http.server.HTTPServer(('127.0.0.1', 0), H)
open('port.tmp', 'w').write(str(srv.server_port))
os.rename('port.tmp', 'port')
srv.serve_forever()
EOF
/usr/bin/python3 srv.py & server=$!
${awaitReady('[ -s port ]', '$server', 'the HTTP server')}
chromium --headless --no-sandbox --disable-gpu --password-store=basic --user-data-dir="$PWD/profile" --virtual-time-budget=3000 --dump-dom "http://127.0.0.1:$(cat port)/" > page.html 2> /dev/null || true
kill "$server"
mkdir -p "$OUT/chromium/Default" && cp -r profile/Default/Cache "$OUT/chromium/Default/Cache" && ! grep -rF "$S" "$OUT/chromium/Default/Cache" > /dev/null`,
    where: /chrome-cache-br\/chromium\/Default\/Cache\/Cache_Data\/.+/,
  },
  {
    id: 'initramfs-early-zstd',
    name: 'an initramfs as dracut/mkinitramfs write it: an uncompressed early cpio (microcode) then the main cpio compressed by zstd, concatenated',
    realWorld: 'a /boot/initrd.img in an image (a VM or bare-metal base image) whose main archive baked in the app\u2019s env file',
    kind: 'token',
    script: `mkdir -p early/kernel/x86/microcode main/etc/app && head -c 20000 /dev/zero | tr '\\0' 'M' > early/kernel/x86/microcode/GenuineIntel.bin
printf 'API_TOKEN=%s\\n' "$S" > main/etc/app/app.env && seq 1 3000 | sed 's/^/LINE_/' >> main/etc/app/app.env
(cd early && find . | LC_ALL=C sort | cpio -o -H newc --quiet > ../early.cpio) && (cd main && find . | LC_ALL=C sort | cpio -o -H newc --quiet | zstd -q -19 > ../main.cpio.zst)
mkdir -p "$OUT/boot" && cat early.cpio main.cpio.zst > "$OUT/boot/initrd.img" && ! grep -F "$S" "$OUT/boot/initrd.img" > /dev/null`,
    where: /initramfs-early-zstd\/boot\/initrd\.img/,
  },
  {
    id: 'leveldb-log-across',
    name: "python3-plyvel: a LevelDB's write-ahead log (000003.log) before any compaction, the value's record across a 32 KiB log block (a 7-byte fragment header inside it)",
    realWorld: "a Chrome/Electron profile's Local Storage or IndexedDB (leveldb/*.log) right after the app wrote a session token",
    kind: 'token',
    script: `/usr/bin/python3 - <<'EOF'
import os, plyvel
s = open('secret', encoding='utf-8').read()
db = plyvel.DB(os.environ['OUT'] + '/leveldb', create_if_missing=True)
key = b'_https://app.example.com\\x00\\x01session'
fkey = b'_https://app.example.com\\x00\\x01filler'
# The log's first record (7-byte header, 12-byte batch header, a put of fkey) ends where the value's put
# places the token 10 bytes before the 32 KiB block's end.
head = 7 + 12 + 1 + 1 + len(fkey) + 3
put = 7 + 12 + 1 + 1 + len(key) + 2 + len('{"api_token":"')
db.put(fkey, b'x' * (32768 - 10 - head - put))
db.put(key, ('{"api_token":"%s","user":"ci","more":"%s"}' % (s, 'y' * 200)).encode())
db.close()
EOF
ls "$OUT"/leveldb/*.log > /dev/null && ! grep -rF "$S" "$OUT/leveldb" > /dev/null`,
    where: /leveldb-log-across\/leveldb\/.+/,
  },
  {
    id: 'bdb-overflow',
    name: 'db5.3_load -t btree: a Berkeley DB whose value of ~12 KB goes on in overflow pages (4 KiB, each behind its own header), the token across two',
    realWorld: "an old rpmdb (/var/lib/rpm/Packages) or an app's Berkeley DB map holding a long config blob with a credential",
    kind: 'token',
    script: `/usr/bin/python3 - <<'EOF'
s = open('secret', encoding='utf-8').read()
def enc(b): return ''.join('\\\\%02x' % c for c in b)
value = ('#' * (4096 - 26 - 12)) + '\\napi_token=' + s + '\\n' + ('x' * 8000)
with open('dump.txt', 'w') as f:
    f.write('VERSION=3\\nformat=print\\ntype=btree\\ndb_pagesize=4096\\nHEADER=END\\n')
    for i in range(20):
        f.write(' ' + enc(b'key%02d' % i) + '\\n ' + enc(b'small value %d' % i) + '\\n')
    f.write(' ' + enc(b'config') + '\\n ' + enc(value.encode()) + '\\n')
    f.write('DATA=END\\n')
EOF
db5.3_load -f dump.txt "$OUT/app.db" && ! grep -F "$S" "$OUT/app.db" > /dev/null`,
    where: /bdb-overflow\/app\.db/,
  },
];

/**
 * The hunt round's findings at its start (the bundle that shipped, dist/ at 2d70bef), each a class. Missed in silence:
 * qcow2-deflate (raw deflate clusters), phar-gz (phar's headerless deflate), avro-deflate (Avro's raw deflate blocks),
 * avro-snappy (at the round's seed: a copy inside the value), zip-split (a member across parts), chrome-cookie-v10
 * (AES under the key of the word 'peanuts'), cms-stream (BER's 4096-byte chunks), chrome-cache-br (brotli behind a
 * cache entry's key), leveldb-log-across (a 7-byte fragment header inside the value), bdb-overflow (a 26-byte page
 * header inside it), gcc-stack-array. A limit
 * finding on the clean twin (a search inside found one cluster's zstd frame or zlib grain of ext4 and named the file
 * system cut short): qcow2-zstd, vmdk-stream. Read since: vdisk.ts (qcow2, VMDK), phar.ts, avro.ts, chrome-crypt.ts
 * (in sqlite.ts's rows), ber-octets.ts, chrome-cache.ts, leveldb-log.ts, bdb.ts; zip-split is named (zip-split.ts).
 * Found from the start: the others (a regression guard each). Not made: UPX-packed binaries (no upx in this Debian),
 * btrfs with compressed extents (this btrfs-progs's --rootdir does not compress), erofs with LZMA or deflate (this
 * erofs-utils has lz4 only), Docker's json-file and CRI logs cutting a long line at 16 KiB (no container runtime).
 *
 * The gap left: gcc -O2 initialises a local array from 16-byte constants with overlapping stores (movdqa, movups at
 * offset 26 for a 42-byte string), so .rodata holds the value with a few of its bytes twice — no decoding joins it.
 */
const GAPS = new Set<string>(['gcc-stack-array']);
const NAMED = new Set<string>(['zip-split']);

/** Every hunt artifact the audit finds. */
export const variantHuntFound: Variant[] = variantHunt.filter((a) => !GAPS.has(a.id) && !NAMED.has(a.id));

/** The known gaps. */
export const variantHuntGaps: Variant[] = variantHunt.filter((a) => GAPS.has(a.id));

/** Named as not fully audited, leaky or clean: a split zip's first part. */
export const variantHuntNamed: Variant[] = variantHunt.filter((a) => NAMED.has(a.id));
