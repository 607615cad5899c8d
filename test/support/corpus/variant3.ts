/**
 * The variant corpus's third round: what compilers, packers and system tools write around a value —
 * a debug section compressed by the linker or objcopy (zlib, zstd, zlib-gnu), gzip with FEXTRA
 * (bgzip's BGZF blocks) and FCOMMENT (pigz), zstd as pzstd writes it (skippable frames), xz in many
 * blocks and in padded streams, bzip2 streams appended, snappy's framing (a value across its 64 KiB
 * cut), a systemd journal (its long fields zstd-compressed), a source map and a notebook (a string
 * escaped twice), SQLite in UTF-16BE, an ext4 image holding a .gz, a shell value continued across
 * lines, a jar manifest folding a long value, UTF-32 from iconv, a pickle.
 */
import type { Variant } from './variant-text.js';

/** A C program whose one header defines the value as a macro: with -g3 it lives only in the debug sections. */
const cDebug = (build: string) => `printf '#define API_TOKEN "%s"\\n' "$S" > token.h
printf '#include "token.h"\\nint main(void) { return 0; }\\n' > main.c
${build}
! grep -qF "$S" "$OUT/app"`;

/** python-snappy 0.5's framing computes its CRC-32C with a call Python 3.11 refuses: that one function in Python. */
const SNAPPY = `import sys, os, io, snappy, snappy.snappy as m
T = []
for i in range(256):
    c = i
    for _ in range(8): c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
    T.append(c)
def crc(b):
    c = 0xFFFFFFFF
    for x in b: c = T[(c ^ x) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF
m._crc32c = crc
s = open('secret').read()`;

const logLines = (n: number, tag: string) => `for i in $(seq 1 ${n}); do echo "2026-01-01T00:00:0$((i%10))Z INFO request $i served in ${tag} ms"; done`;

export const variant3: Variant[] = [
  {
    id: 'elf-debug-zstd',
    name: 'gcc -g3, then objcopy --compress-debug-sections=zstd: the macro in .debug_str, zstd in an ELF section',
    realWorld: 'a C/C++ service built with debug info and a -include’d generated config header, sections compressed to save space',
    kind: 'token',
    script: cDebug('gcc -g3 -O0 -o app main.c\nobjcopy --compress-debug-sections=zstd app "$OUT/app"'),
    where: /elf-debug-zstd\/app@\d+!$/,
  },
  {
    id: 'elf-debug-zlib',
    name: 'gcc -g3 -gz=zlib: the linker compresses the debug sections (ELF compression header, then zlib)',
    realWorld: 'a distribution-style build (-gz) of a service with its config header compiled in',
    kind: 'token',
    script: cDebug('gcc -g3 -O0 -gz=zlib -o "$OUT/app" main.c'),
    where: /elf-debug-zlib\/app@\d+!$/,
  },
  {
    id: 'elf-zdebug-gnu',
    name: 'objcopy --compress-debug-sections=zlib-gnu: the old .zdebug_* sections ("ZLIB", a size, then zlib)',
    realWorld: 'an older toolchain’s compressed debug info',
    kind: 'token',
    script: cDebug('gcc -g3 -O0 -o app main.c\nobjcopy --compress-debug-sections=zlib-gnu app "$OUT/app"'),
    where: /elf-zdebug-gnu\/app@\d+!$/,
  },
  {
    id: 'bgzip-log',
    name: 'bgzip (htslib): BGZF, gzip members of ≤ 64 KiB each with an FEXTRA field, the value in a later member',
    realWorld: 'a bioinformatics pipeline’s indexed log or VCF (.gz by bgzip) shipped in the image',
    kind: 'token',
    script: `${logLines(3000, '3')} > app.log
echo "2026-01-01T00:00:01Z DEBUG auth header Bearer $S" >> app.log
${logLines(3000, '4')} >> app.log
bgzip -c app.log > "$OUT/app.log.gz"`,
    where: /bgzip-log\/app\.log\.gz(@\d+)?!$/,
  },
  {
    id: 'pigz-comment',
    name: 'pigz --comment: a gzip member with FNAME and FCOMMENT before its deflate stream',
    realWorld: 'a config bundle compressed by a build script with pigz and a comment naming the build',
    kind: 'token',
    script: `printf 'API_TOKEN=%s\\n' "$S" > app.env
pigz -c --comment 'built by ci #4711' app.env > "$OUT/app.env.gz"`,
    where: /pigz-comment\/app\.env\.gz!$/,
  },
  {
    id: 'pzstd-file',
    name: 'pzstd -p 2: a skippable frame before each zstd frame, the value in the last',
    realWorld: 'a database dump compressed by pzstd in the build',
    kind: 'token',
    script: `head -c 2000000 /dev/urandom | base64 > dump.sql
printf "INSERT INTO settings VALUES ('api_token', '%s');\\n" "$S" >> dump.sql
pzstd -q -p 2 dump.sql -o "$OUT/dump.sql.zst"`,
    where: /pzstd-file\/dump\.sql\.zst!$/,
  },
  {
    id: 'xz-blocks',
    name: 'xz -T2 --block-size=64KiB: many blocks, the value in a late one',
    realWorld: 'a release tarball compressed multi-threaded',
    kind: 'token',
    script: `head -c 300000 /dev/urandom | base64 > big.txt
printf 'API_TOKEN=%s\\n' "$S" >> big.txt
xz -T2 --block-size=64KiB -c big.txt > "$OUT/big.txt.xz"`,
    where: /xz-blocks\/big\.txt\.xz!$/,
  },
  {
    id: 'xz-padded-streams',
    name: 'two xz streams with stream padding between (xz -c a; 8 zero bytes; xz -c b)',
    realWorld: 'logs appended with `xz -c >>` by a rotation job that pads to 4 bytes',
    kind: 'token',
    script: `echo "first batch" > a; printf 'API_TOKEN=%s\\n' "$S" > b
{ xz -c a; head -c 8 /dev/zero; xz -c b; } > "$OUT/app.log.xz"`,
    where: /xz-padded-streams\/app\.log\.xz(@\d+)?!$/,
  },
  {
    id: 'bzip2-appended',
    name: 'two bzip2 streams, one after the other (bzip2 -c >>)',
    realWorld: 'a nightly job appending to an archive with `bzip2 -c >> events.bz2`',
    kind: 'token',
    script: `echo "first batch" | bzip2 -c > "$OUT/events.bz2"
printf 'API_TOKEN=%s\\n' "$S" | bzip2 -c >> "$OUT/events.bz2"`,
    where: /bzip2-appended\/events\.bz2!$/,
  },
  {
    id: 'snappy-cut',
    name: 'snappy framing (python-snappy stream_compress): the value across the 64 KiB cut, split by a chunk header',
    realWorld: 'an event log written by a Python service through snappy framing (.sz)',
    kind: 'token',
    script: `/usr/bin/python3 - <<'EOF'
${SNAPPY}
line = b'2026-01-01T00:00:00Z INFO request served in 3 ms\\n'
body = bytearray((line * 2000)[:100000])
tok = ('TOKEN=' + s + '\\n').encode()
body[65536 - 10:65536 - 10 + len(tok)] = tok
snappy.stream_compress(io.BytesIO(bytes(body)), open(os.environ['OUT'] + '/events.log.sz', 'wb'))
EOF
! grep -qF "$S" "$OUT/events.log.sz"`,
    where: /snappy-cut\/events\.log\.sz!$/,
  },
  {
    id: 'journal',
    name: 'a systemd journal file (systemd-journal-remote from export format): a long MESSAGE field zstd-compressed in a DATA object',
    realWorld: 'a /var/log/journal left in an image after the build ran a service that logged its environment',
    kind: 'token',
    script: `{ printf '__REALTIME_TIMESTAMP=1700000000000000\\n__MONOTONIC_TIMESTAMP=1\\n_BOOT_ID=0123456789abcdef0123456789abcdef\\n_HOSTNAME=build\\nSYSLOG_IDENTIFIER=app\\nMESSAGE=starting with environment:'
  for i in $(seq 1 40); do printf ' VAR_%s=value-number-%s' $i $i; done
  printf ' API_TOKEN=%s\\n\\n' "$S"; } > export.txt
/lib/systemd/systemd-journal-remote --compress=yes -o "$OUT/system.journal" export.txt 2>/dev/null
! grep -qF "$S" "$OUT/system.journal"`,
    where: /journal\/system\.journal(@\d+)?!$/,
  },
  {
    id: 'source-map',
    name: 'esbuild --sourcemap: the JS source (a JSON.stringify’d literal) in sourcesContent, escaped again as JSON',
    realWorld: 'a front-end bundle shipped with its .map, the config module holding a password',
    kind: 'specials',
    script: `node -e 'const s = require("fs").readFileSync("secret", "utf8"); require("fs").writeFileSync("config.js", "export const config = { password: " + JSON.stringify(s) + " };\\n")'
esbuild config.js --bundle --format=esm --sourcemap --outfile="$OUT/app.js" --log-level=warning
rm "$OUT/app.js"`,
    where: /source-map\/app\.js\.map$/,
  },
  {
    id: 'notebook-repr',
    name: 'a Jupyter notebook: a printed dict (Python repr, \\\\ and quotes) in a stream output, escaped again as JSON',
    realWorld: 'an analysis notebook committed with its outputs and copied into a data-science image',
    kind: 'specials',
    script: `/usr/bin/python3 - <<'EOF'
import json, os
s = open('secret').read()
cell = {'cell_type': 'code', 'execution_count': 1, 'metadata': {}, 'source': ['cfg = load_config()\\n', 'print(cfg)'],
  'outputs': [{'name': 'stdout', 'output_type': 'stream', 'text': [repr({'user': 'app', 'password': s}) + '\\n']}]}
json.dump({'cells': [cell], 'metadata': {}, 'nbformat': 4, 'nbformat_minor': 5}, open(os.environ['OUT'] + '/analysis.ipynb', 'w'), indent=1)
EOF`,
    where: /notebook-repr\/analysis\.ipynb$/,
  },
  {
    id: 'sqlite-utf16be',
    name: 'sqlite3 with PRAGMA encoding="UTF-16be": every text big-endian UTF-16, no BOM',
    realWorld: 'an app database created by a tool that set UTF-16 (Windows-born software)',
    kind: 'token',
    script: `printf 'PRAGMA encoding="UTF-16be";\\nCREATE TABLE cfg(k TEXT, v TEXT);\\nINSERT INTO cfg VALUES(%s, %s);\\n' "'api_token'" "'$S'" | sqlite3 "$OUT/app.db"`,
    where: /sqlite-utf16be\/app\.db$/,
  },
  {
    id: 'ext4-gz',
    name: 'mke2fs -d: an ext4 image holding a gzip’d file across several blocks',
    realWorld: 'a disk image for a VM or an appliance baked in a build image',
    kind: 'token',
    script: `mkdir -p root/etc; head -c 20000 /dev/urandom | base64 > root/etc/noise; printf 'API_TOKEN=%s\\n' "$S" >> root/etc/noise; gzip -9 root/etc/noise
mke2fs -q -t ext4 -d root "$OUT/rootfs.ext4" 4M >/dev/null 2>&1`,
    where: /ext4-gz\/rootfs\.ext4@\d+!$/,
  },
  {
    id: 'shell-continued',
    name: 'a shell script whose long value is continued across lines by \\ inside double quotes',
    realWorld: 'an entrypoint.sh written by a generator that wraps long lines',
    kind: 'long',
    script: `n=$(( \${#S} / 2 ))
printf '#!/bin/sh\\nexport SERVICE_KEY="%s\\\\\\n%s"\\nexec /app/server\\n' "\${S:0:$n}" "\${S:$n}" > "$OUT/entrypoint.sh"
! grep -qF "$S" "$OUT/entrypoint.sh"`,
    where: /shell-continued\/entrypoint\.sh(!\(joined literals at \d+\))?$/,
  },
  {
    id: 'jar-manifest',
    name: 'jar cfm: a long manifest attribute folded at 72 bytes by CRLF and a space',
    realWorld: 'a build token written into MANIFEST.MF by a Maven/Gradle plugin',
    kind: 'long',
    script: `mkdir -p c && echo 'class A {}' > A.java && javac -d c A.java
printf 'Manifest-Version: 1.0\\nBuild-Token: %s\\n' "$S" > m.txt
jar cfm "$OUT/app.jar" m.txt -C c .`,
    where: /jar-manifest\/app\.jar!\/META-INF\/MANIFEST\.MF!\(unfolded\)$/,
  },
  {
    id: 'utf32-iconv',
    name: 'iconv -t UTF-32: a settings file, BOM and four bytes a character',
    realWorld: 'a config converted for a legacy tool',
    kind: 'token',
    script: `printf '[service]\\r\\napi_token=%s\\r\\n' "$S" | iconv -f UTF-8 -t UTF-32 > "$OUT/settings.ini"`,
    where: /utf32-iconv\/settings\.ini!\(as UTF-32 text\)$/,
  },
  {
    id: 'pickle',
    name: 'pickle.dumps(protocol=5) of a dict: the value as BINUNICODE (UTF-8)',
    realWorld: 'a Django/Celery cache file or a model’s pickled config in a Python image',
    kind: 'unicode',
    script: `/usr/bin/python3 -c "
import pickle, os; s = open('secret', encoding='utf-8').read()
open(os.environ['OUT'] + '/cache.pkl', 'wb').write(pickle.dumps({'password': s}, protocol=5))"`,
    where: /pickle\/cache\.pkl$/,
  },
];
