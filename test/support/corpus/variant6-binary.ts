/**
 * The sixth round's binary artifacts: runtimes' own serializations (Java's ObjectOutputStream, V8's
 * structured clone as jest's cache writes it — Latin-1 and UTF-16 strings —, a Node startup
 * snapshot, a binary plist), databases (a zlib'd JSON in an SQLite BLOB, an SQLite WAL not yet
 * checkpointed), packagings (a conda package: zip of tar.zst; a tar in a zip in a gzip; a zip's
 * archive comment; a squashfs in gzip; lzop and lzip tarballs; a jlink runtime's compressed
 * jimage), and a console.log of a Buffer. Each is made by the real tool.
 */
import { pyValue as py } from './variant-round.js';
import type { Variant } from './variant-text.js';

/** A directory conf/ with app.env holding the value: what the packaging cases wrap. */
const conf = `mkdir -p conf && printf 'NODE_ENV=production\\nAPI_TOKEN=%s\\n' "$S" > conf/app.env`;

/** Node 24's v8.serialize of a jest-like cache object holding the value. */
const v8cache = `node -e 'const fs = require("fs"); fs.writeFileSync(process.env.OUT + "/haste-map", require("v8").serialize({ files: { "src/a.js": ["", 1, 2] }, env: { API_TOKEN: fs.readFileSync("secret", "utf8") } }))'`;

export const variant6Binary: Variant[] = [
  {
    id: 'java-serialized',
    name: 'Java ObjectOutputStream of a HashMap<String,Object> (strings in modified UTF-8, 2-byte lengths)',
    realWorld: 'a serialized session or cache file (Tomcat SESSIONS.ser, Ehcache disk store) left in the image',
    kind: 'unicode',
    script: `cat > S.java <<'JEOF'
import java.io.*; import java.nio.file.*; import java.util.*;
public class S { public static void main(String[] a) throws Exception {
  HashMap<String, Object> m = new HashMap<>(); m.put("user", "ci"); m.put("token", Files.readString(Path.of("secret")));
  try (ObjectOutputStream o = new ObjectOutputStream(new FileOutputStream(System.getenv("OUT") + "/SESSIONS.ser"))) { o.writeObject(m); }
} }
JEOF
java S.java`,
    where: /java-serialized\/SESSIONS\.ser/,
  },
  {
    id: 'v8-serialize-latin1',
    name: "Node's v8.serialize (jest's haste map cache): a value within Latin-1 stored as one-byte Latin-1",
    realWorld: 'a jest cache directory (/tmp/jest_*) or any cache written with v8.serialize, left by a test step',
    kind: 'latin1',
    script: v8cache,
    where: /v8-serialize-latin1\/haste-map/,
  },
  {
    id: 'v8-serialize-utf16',
    name: "Node's v8.serialize: a value beyond Latin-1 stored as a two-byte string (UTF-16LE, no BOM)",
    realWorld: 'the same cache holding a value with € or an emoji',
    kind: 'unicode',
    script: v8cache,
    where: /v8-serialize-utf16\/haste-map/,
  },
  {
    id: 'node-snapshot',
    name: 'node --build-snapshot: a startup snapshot blob whose heap holds the value (a two-byte string)',
    realWorld: 'a Node service shipped with a startup snapshot built at image build time, its config loaded into the heap',
    kind: 'unicode',
    script: `cat > entry.js <<'JEOF'
const fs = require('fs');
globalThis.config = { token: fs.readFileSync('secret', 'utf8'), region: 'eu-west-1' };
require('v8').startupSnapshot.setDeserializeMainFunction(() => console.log(Object.keys(globalThis.config)));
JEOF
node --snapshot-blob "$OUT/snap.blob" --build-snapshot entry.js`,
    where: /node-snapshot\/snap\.blob/,
  },
  {
    id: 'bplist',
    name: 'Python plistlib FMT_BINARY: a value beyond ASCII stored as UTF-16BE (bplist00)',
    realWorld: 'a macOS/iOS build configuration (.plist) carried in a CI image',
    kind: 'unicode',
    script: py(`import plistlib
open(OUT + '/Config.plist', 'wb').write(plistlib.dumps({'APIToken': s, 'Env': 'production'}, fmt=plistlib.FMT_BINARY))`),
    where: /bplist\/Config\.plist/,
  },
  {
    id: 'sqlite-zlib-blob',
    name: 'SQLite: zlib of a JSON document in a BLOB column (python sqlite3 + zlib)',
    realWorld: 'an application cache table storing compressed JSON responses',
    kind: 'token',
    script: py(`import json, sqlite3, zlib
db = sqlite3.connect(OUT + '/cache.db')
db.execute('CREATE TABLE cache (key TEXT PRIMARY KEY, value BLOB)')
for i in range(20):
    db.execute('INSERT INTO cache VALUES (?, ?)', ('page-%d' % i, zlib.compress(json.dumps({'page': i, 'items': list(range(i))}).encode())))
db.execute('INSERT INTO cache VALUES (?, ?)', ('auth', zlib.compress(json.dumps({'access_token': s, 'expires_in': 3600}).encode())))
db.commit(); db.close()`),
    where: /sqlite-zlib-blob\/cache\.db/,
  },
  {
    id: 'sqlite-wal',
    name: 'SQLite in WAL mode copied while open: the row only in app.db-wal (no checkpoint yet)',
    realWorld: 'a database file set copied into the image from a running service (docker commit, cp -a of a data dir)',
    kind: 'token',
    script: py(`import shutil, sqlite3
db = sqlite3.connect('app.db'); db.execute('PRAGMA journal_mode=WAL'); db.execute('PRAGMA wal_autocheckpoint=0')
db.execute('CREATE TABLE settings (k TEXT, v TEXT)'); db.commit()
db.execute('INSERT INTO settings VALUES (?, ?)', ('api_token', s)); db.commit()
shutil.copy('app.db', OUT + '/app.db'); shutil.copy('app.db-wal', OUT + '/app.db-wal')
assert s.encode() not in open(OUT + '/app.db', 'rb').read()`),
    where: /sqlite-wal\/app\.db-wal/,
  },
  {
    id: 'conda-pkg',
    name: 'a .conda package: a stored zip of info-*.tar.zst and pkg-*.tar.zst',
    realWorld: 'a conda package cache (/opt/conda/pkgs) holding an internal package with a config file',
    kind: 'token',
    script: `${conf}; mkdir -p info && echo '{"name": "app", "version": "1.0"}' > info/index.json
tar -C conf -cf - . | zstd -q -19 -o pkg-app-1.0-0.tar.zst; tar -C info -cf - . | zstd -q -o info-app-1.0-0.tar.zst
echo '{"conda_pkg_format_version": 2}' > metadata.json
zip -q -0 -X "$OUT/app-1.0-0.conda" metadata.json info-app-1.0-0.tar.zst pkg-app-1.0-0.tar.zst`,
    where: /conda-pkg\/app-1\.0-0\.conda!\/pkg-app-1\.0-0\.tar\.zst/,
  },
  {
    id: 'tar-zip-gzip',
    name: 'three deep: a tar in a zip in a gzip (tar, zip, gzip)',
    realWorld: 'a release bundle re-packed by successive pipeline steps',
    kind: 'token',
    script: `${conf}; tar -cf bundle.tar conf && zip -q -X bundle.zip bundle.tar && gzip -n -c bundle.zip > "$OUT/bundle.zip.gz"`,
    where: /tar-zip-gzip\/bundle\.zip\.gz.*bundle\.tar.*app\.env/,
  },
  {
    id: 'zip-comment',
    name: "a zip's archive comment (zip -z, the comment read from stdin)",
    realWorld: 'a release zip stamped with its build information, the deploy token among it',
    kind: 'token',
    script: `echo hello > README.txt; printf 'build 1234 deploy-token %s\\n.\\n' "$S" | zip -q -z "$OUT/release.zip" README.txt`,
    where: /zip-comment\/release\.zip/,
  },
  {
    id: 'squashfs-gzip',
    name: 'mksquashfs with its default compressor (gzip: each block a zlib stream)',
    realWorld: 'a root file system image (an appliance, a snap built with gzip) carried in the image',
    kind: 'token',
    script: `mkdir -p root/etc && printf 'API_TOKEN=%s\\n' "$S" > root/etc/app.env && mksquashfs root "$OUT/rootfs.squashfs" -comp gzip -noappend -quiet -all-root > /dev/null`,
    where: /squashfs-gzip\/rootfs\.squashfs/,
  },
  {
    id: 'tar-lzop',
    name: 'a tarball compressed by lzop',
    realWorld: 'an initramfs or backup compressed with lzop for speed',
    kind: 'token',
    script: `${conf}; tar -cf - conf | lzop -q -c > "$OUT/conf.tar.lzo"`,
    where: /tar-lzop\/conf\.tar\.lzo/,
  },
  {
    id: 'tar-lzip',
    name: 'a tarball compressed by lzip',
    realWorld: 'a GNU source release (.tar.lz) built from a tree holding a credentials file',
    kind: 'token',
    script: `${conf}; tar -cf - conf | lzip -q -c > "$OUT/conf.tar.lz"`,
    where: /tar-lzip\/conf\.tar\.lz/,
  },
  {
    id: 'jlink-compressed',
    name: 'jlink --compress=2: a custom runtime whose lib/modules (jimage) holds the class with the value, zip-compressed',
    realWorld: 'a slim Java runtime built by jlink in a multi-stage build, an API key compiled into a class',
    kind: 'token',
    script: `mkdir -p src/app/app mods
printf 'module app { }\\n' > src/app/module-info.java
printf 'package app;\\npublic class Main {\\n  static final String KEY = "%s";\\n  public static void main(String[] a) { System.out.println(KEY.length()); }\\n}\\n' "$S" > src/app/app/Main.java
javac -d mods/app src/app/module-info.java src/app/app/Main.java
jlink --module-path mods --add-modules app --compress=2 --no-header-files --no-man-pages --strip-debug --output rt
cp rt/lib/modules "$OUT/modules"`,
    where: /jlink-compressed\/modules/,
  },
  {
    id: 'node-buffer-inspect',
    name: 'console.log of a Buffer: <Buffer 41 42 …> (hex bytes separated by spaces)',
    realWorld: 'a Node service log printing the raw body or key it received',
    kind: 'token',
    script: `node -e 'const fs = require("fs"); console.log("received key", Buffer.from(fs.readFileSync("secret", "utf8")))' > "$OUT/app.log"`,
    where: /node-buffer-inspect\/app\.log/,
  },
];
