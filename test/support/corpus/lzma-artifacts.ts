/**
 * The corpus's LZMA-family artifacts, made by the real tools: 7z archives by 7-Zip (`7zz`: default
 * LZMA2 with an LZMA-compressed header, LZMA non-solid with a plain header, one inside a
 * .tar.gz), LZMA-alone files (`lzma`, `tar --lzma`), a zip whose members Python compressed with
 * ZIP_LZMA (method 14), and an xz stream with the x86 BCJ filter over an ELF binary holding the
 * value as UTF-16 right after call opcodes (where the filter changes the bytes).
 */
import type { Artifact } from './artifact.js';

const env = `mkdir -p app/conf && printf 'NODE_ENV=production\\nDB_PASSWORD=%s\\n' "$S" > app/conf/.env && printf '# app\\n' > app/README.md`;

export const lzmaArtifacts: Artifact[] = [
  {
    id: '7z-default',
    name: "a 7z archive made by 7-Zip's defaults (LZMA2, solid, LZMA-compressed header), an .env inside",
    realWorld: '`7z a backup.7z ./app` in a build step, the archive left in the image',
    shape: 'token',
    script: `${env}
7zz a -bd -bso0 "$OUT/backup.7z" app`,
    where: /7z-default\/backup\.7z!\/app\/conf\/\.env/,
  },
  {
    id: '7z-lzma-plain',
    name: 'a 7z archive with LZMA (-m0=LZMA), non-solid (-ms=off), a plain header (-mhc=off)',
    realWorld: 'an archive a script made with compatibility settings for old 7-Zip readers',
    shape: 'url',
    script: `${env}
7zz a -bd -bso0 -m0=LZMA -ms=off -mhc=off "$OUT/release.7z" app`,
    where: /7z-lzma-plain\/release\.7z!\/app\/conf\/\.env/,
  },
  {
    id: '7z-in-tgz',
    name: 'a 7z archive inside a .tar.gz',
    realWorld: 'a release bundle that ships its data as a .7z inside the tarball',
    shape: 'token',
    script: `${env}
mkdir -p dist && 7zz a -bd -bso0 -mx=9 dist/data.7z app && tar -czf "$OUT/bundle.tar.gz" dist`,
    where: /7z-in-tgz\/bundle\.tar\.gz!\/dist\/data\.7z!\/app\/conf\/\.env/,
  },
  {
    id: 'lzma-alone',
    name: 'a database dump compressed by `lzma` (LZMA-alone, no magic number) and a `tar --lzma` tarball',
    realWorld: 'an old .sql.lzma backup or a .tar.lzma source tarball',
    shape: 'token',
    script: `{ for i in $(seq 1 50); do printf 'INSERT INTO t VALUES (%s);\\n' "$i"; done; printf "INSERT INTO secrets VALUES ('%s');\\n" "$S"; } > dump.sql
lzma -c dump.sql > "$OUT/dump.sql.lzma" && ${env} && tar --lzma -cf "$OUT/app.tar.lzma" app`,
    where: /lzma-alone\/(dump\.sql\.lzma!|app\.tar\.lzma!\/app\/conf\/\.env)/,
  },
  {
    id: 'zip-lzma',
    name: "a zip written by Python's zipfile with ZIP_LZMA (method 14)",
    realWorld: 'a plugin bundle a Python build script zipped with compression=ZIP_LZMA',
    shape: 'token',
    script: `python3 - <<'PY'
import os, zipfile
s = open('secret').read()
with zipfile.ZipFile(os.path.join(os.environ['OUT'], 'plugin.zip'), 'w', zipfile.ZIP_LZMA) as z:
    z.writestr('plugin/__init__.py', 'VERSION = "1.0"\\n')
    z.writestr('plugin/settings.py', 'TOKEN = %r\\n' % s)
PY`,
    where: /zip-lzma\/plugin\.zip!\/plugin\/settings\.py/,
  },
  {
    id: 'xz-x86',
    name: 'an ELF binary compressed by `xz --x86 --lzma2`, the value as UTF-16 right after call/jump opcodes',
    realWorld: 'a compressed executable or firmware blob in /usr/lib whose strings are UTF-16 (a Windows or .NET binary)',
    shape: 'token',
    script: `python3 - <<'PY'
s = open('secret').read().encode('utf-16-le')
elf = bytearray(open('/bin/ls', 'rb').read())
n, i = 0, 4096
while i < len(elf) - 200 and n < 20:
    if elf[i] in (0xE8, 0xE9):
        elf[i + 1:i + 1 + len(s)] = s
        n += 1
        i += len(elf) // 22
    i += 1
open('app.bin', 'wb').write(elf)
PY
xz --x86 --lzma2 -c app.bin > "$OUT/app.bin.xz"`,
    where: /xz-x86\/app\.bin\.xz!/,
  },
];
