/**
 * The seventh round's binary artifacts: a Java class holding the value as a byte[] initializer
 * (bytecode: a bipush and a bastore a byte), a core dump of a Python process (gcore: a str with an emoji kept as UCS-4), an
 * AppImage (an ELF with a squashfs appended), linked lz4 blocks (-BD), npm's content-addressed
 * cache, a zipapp, a jmod, Perl's Storable, a cabinet by gcab. Each is made by the real tool.
 */
import { pyValue as py } from './variant-round.js';
import type { Variant } from './variant-text.js';
import { awaitReady } from './waits.js';

/** A directory conf/ with app.env holding the value: what the packaging cases wrap. */
const conf = `mkdir -p conf && printf 'NODE_ENV=production\\nAPI_TOKEN=%s\\n' "$S" > conf/app.env`;

export const variant7Binary: Variant[] = [
  {
    id: 'java-byte-array',
    name: 'javac: a static final byte[] initializer holding the value (each byte a bipush among dup, index and bastore opcodes)',
    realWorld: 'a key obfuscated in source as a byte array literal (`byte[] KEY = {65, 66, …}`), the class shipped without its source',
    kind: 'token',
    script:
      py(`vals = ', '.join(str(b if b < 128 else b - 256) for b in s.encode())
open('Keys.java', 'w').write('public class Keys {\\n  static final byte[] KEY = { ' + vals + ' };\\n  public static void main(String[] a) { System.out.println(KEY.length); }\\n}\\n')`) +
      `
javac -d "$OUT" Keys.java`,
    where: /java-byte-array\/Keys\.class!\(Java byte\[\] initializer at \d+\)$/,
  },
  {
    id: 'gcore-ucs4',
    name: 'gcore of a Python process holding the value in a str (an emoji in it: CPython keeps it as UCS-4, four bytes a character)',
    realWorld: 'a core dump of a crashed Python service left in the image (its read buffer wiped, as careful code does)',
    kind: 'unicode',
    script: `cat > hold.py <<'PYEOF'
import os, sys, time
fd = os.open('secret', os.O_RDONLY); buf = bytearray(4096); n = os.readv(fd, [buf]); os.close(fd)
config = {'token': str(memoryview(buf)[:n], 'utf-8'), 'region': 'eu-west-1'}
buf[:] = bytes(len(buf))
open('ready', 'w').write('1')
time.sleep(120)
PYEOF
python3 hold.py & P=$!
${awaitReady('[ -s ready ]', '"$P"', 'the Python process to dump')}
gcore -o core "$P" > /dev/null 2>&1; kill "$P"; wait "$P" 2> /dev/null || true
mv "core.$P" "$OUT/core.python"`,
    where: /gcore-ucs4\/core\.python$/,
  },
  {
    id: 'appimage',
    name: 'an AppImage: an ELF runtime with a squashfs (zstd) appended, the config in usr/share',
    realWorld: 'an AppImage-packaged tool downloaded into a CI image, its bundled config holding a key',
    kind: 'token',
    script: `mkdir -p root/usr/share/app root/usr/bin && printf 'API_TOKEN=%s\\n' "$S" > root/usr/share/app/app.env && cp /usr/bin/true root/usr/bin/app
mksquashfs root sq.img -comp zstd -noappend -quiet -all-root > /dev/null
cat /usr/bin/true sq.img > "$OUT/Tool-x86_64.AppImage"`,
    where: /appimage\/Tool-x86_64\.AppImage/,
  },
  {
    id: 'lz4-linked',
    name: 'lz4 -BD -B4: linked 64 KiB blocks (a block copying from the ones before), the config after 400 KB',
    realWorld: 'a bundle compressed with lz4 block dependency for a better ratio',
    kind: 'token',
    script: `${conf}; seq 1 70000 > conf/a-ids.txt; tar -cf - conf | lz4 -BD -B4 -q -c > "$OUT/bundle.tar.lz4"`,
    where: /lz4-linked\/bundle\.tar\.lz4/,
  },
  {
    id: 'npm-cacache',
    name: "npm cache add of a packed package: the tarball in npm's content-addressed cache (_cacache/content-v2/sha512/…, no name)",
    realWorld: 'a node image whose ~/.npm cache kept an internal package that had packed its .env',
    kind: 'token',
    script: `mkdir -p pkg && cd pkg && printf '{"name":"internal-cfg","version":"1.0.0"}\\n' > package.json && printf 'API_TOKEN=%s\\n' "$S" > .env
npm pack --silent > /dev/null 2>&1 && npm cache add ./internal-cfg-1.0.0.tgz --cache "$OUT/npm" --offline > /dev/null 2>&1
ls "$OUT/npm/_cacache/content-v2/sha512" > /dev/null`,
    where: /npm-cacache\/npm\/_cacache\/content-v2\/sha512\//,
  },
  {
    id: 'zipapp-pyz',
    name: 'python -m zipapp -c: a shebang line and a deflated zip of the application (its settings module)',
    realWorld: 'a single-file Python tool (.pyz) built by the pipeline and installed into /usr/local/bin',
    kind: 'token',
    script: `mkdir -p app && printf 'API_TOKEN = "%s"\\n' "$S" > app/settings.py && printf 'import settings\\ndef run():\\n    print(len(settings.API_TOKEN))\\n' > app/main.py
python3 -m zipapp app -c -p '/usr/bin/env python3' -m 'main:run' -o "$OUT/tool.pyz"`,
    where: /zipapp-pyz\/tool\.pyz/,
  },
  {
    id: 'jmod',
    name: 'jmod create: a JMOD ("JM" header, then a zip) whose conf/ holds the properties file',
    realWorld: 'a jmod built for jlink in a multi-stage Java build, kept in the image',
    kind: 'token',
    script: `mkdir -p src/app/app mods cfg
printf 'module app { }\\n' > src/app/module-info.java
printf 'package app;\\npublic class Main { public static void main(String[] a) { } }\\n' > src/app/app/Main.java
printf 'api.token=%s\\n' "$S" > cfg/app.properties
javac -d mods/app src/app/module-info.java src/app/app/Main.java
jmod create --class-path mods/app --config cfg "$OUT/app.jmod"`,
    where: /jmod\/app\.jmod/,
  },
  {
    id: 'perl-storable',
    name: "Perl's Storable nstore of a hash (a UTF-8 string with its length, network order)",
    realWorld: 'a Perl application cache (Storable file) left by a build step',
    kind: 'unicode',
    script: `perl -MStorable=nstore -e 'open my $f, "<:encoding(UTF-8)", "secret" or die; my $s = <$f>; nstore({ token => $s, user => "ci" }, "$ENV{OUT}/session.sto")'`,
    where: /perl-storable\/session\.sto$/,
  },
  {
    id: 'cab-mszip',
    name: 'gcab -c -z: a cabinet with MSZIP compression ("CK" and raw deflate per 32 KiB block)',
    realWorld: 'a Windows driver or firmware update package (.cab) built on Linux in CI (fwupd style)',
    kind: 'token',
    script: `${conf}; seq 1 12000 > conf/ids.txt; cd conf && gcab -c -z "$OUT/update.cab" ids.txt app.env`,
    where: /cab-mszip\/update\.cab/,
  },
];
