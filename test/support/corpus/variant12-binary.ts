/**
 * The twelfth round's binary artifacts (issue 28): stores, backups and build outputs a Linux image carries that no
 * earlier round made — a RocksDB compacted into tables with zlib (raw deflate), zstd and bzip2 blocks (a Kafka Streams,
 * CockroachDB or Ceph state directory), Borg backup repositories (zstd, zlib and lzma chunks), dar archives (gzip,
 * bzip2, xz, zstd), a Fossil repository (zlib artifacts in SQLite), Erlang's external term format compressed and a
 * compiled .beam, a Cap'n Proto packed message, a pg_dump custom-format archive, a bsdiff patch, an rzip file, a
 * Breezy (Bazaar) repository's group-compress packs, a PDF made by Ghostscript, 7-Zip archives made by bsdtar
 * (deflate, bzip2), a casync index with its chunk store, an SZDD file (mscompress), an HDF5 dataset through h5py's LZF
 * filter, a Tokyo Cabinet hash database with deflate records and a packet capture of an HTTP POST. Each is made by
 * the real tool; the value is placed as a pipeline places it (an app's env file, a config record, a program's
 * constant, a request's body).
 */
import { appEnv } from './variant-round.js';
import type { Variant } from './variant-text.js';
import { awaitReady } from './waits.js';

/** A RocksDB (ldb load, then compact) of 3,000 user records and a config record holding the value, its tables' blocks compressed with `c`. */
const rocksdb = (c: string) => `for i in $(seq 1 3000); do printf 'user:%05d ==> {"id":%d,"name":"user-%d"}\\n' $i $i $i; done > load.txt
printf 'config:api ==> {"api_token":"%s","endpoint":"https://api.example.com"}\\n' "$S" >> load.txt
ldb --db="$OUT/db" --create_if_missing --compression_type=${c} load < load.txt > /dev/null
ldb --db="$OUT/db" --compression_type=${c} compact > /dev/null
rm -f "$OUT"/db/LOG.old.* && ! grep -rF "$S" "$OUT/db" > /dev/null`;

/** A Borg repository (no encryption) holding one archive of root/etc, its chunks compressed with `c`. */
const borg = (c: string) => `${appEnv}
export BORG_REPO="$OUT/backup" BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK=yes HOME="$PWD" BORG_BASE_DIR="$PWD/.borg"
borg init --encryption=none > /dev/null 2>&1 && borg create --compression ${c} ::etc root/etc > /dev/null 2>&1
! grep -rF "$S" "$OUT/backup" > /dev/null`;

/** A dar archive of root/ compressed with `c` (dar -z). */
const dar = (c: string) => `${appEnv} && dar -Q -c "$OUT/etc-backup" -R root -z${c} > /dev/null && ! grep -rF "$S" "$OUT" > /dev/null`;

/** old.env: the same file as root/etc/app/app.env with a placeholder token (the version a patch starts from). */
const oldEnv = `seq 1 3000 | sed 's/^/LINE_/' > old.env && sed -i '1i API_TOKEN=changeme' old.env`;

export const variant12Binary: Variant[] = [
  {
    id: 'rocksdb-zlib',
    name: 'ldb (rocksdb-tools) --compression_type=zlib: a RocksDB whose .sst blocks are raw deflate behind a varint size, the config record in one',
    realWorld: "a Kafka Streams / Ceph / CockroachDB state directory (RocksDB) kept in an image, zlib as its column family's compression",
    kind: 'token',
    script: rocksdb('zlib'),
    where: /rocksdb-zlib\/db\/\d+\.sst/,
  },
  {
    id: 'rocksdb-zstd',
    name: 'ldb --compression_type=zstd: the same RocksDB, its .sst blocks zstd frames behind a varint size',
    realWorld: 'a RocksDB with zstd compression (the bottommost level of many production settings)',
    kind: 'token',
    script: rocksdb('zstd'),
    where: /rocksdb-zstd\/db\/\d+\.sst/,
  },
  {
    id: 'rocksdb-bzip2',
    name: 'ldb --compression_type=bzip2: the same RocksDB, its .sst blocks bzip2 streams behind a varint size',
    realWorld: 'a RocksDB archive tier with bzip2 compression',
    kind: 'token',
    script: rocksdb('bzip2'),
    where: /rocksdb-bzip2\/db\/\d+\.sst/,
  },
  {
    id: 'borg-zstd',
    name: 'borg create --compression zstd,3 (encryption none): segment files whose chunks are zstd behind a type byte and compressor id',
    realWorld: "a Borg repository of /etc restored into, or left in, a backup tool's image",
    kind: 'token',
    script: borg('zstd,3'),
    where: /borg-zstd\/backup\/data\/\d+\/\d+/,
  },
  {
    id: 'borg-zlib',
    name: 'borg create --compression zlib,6: chunks as zlib streams',
    realWorld: 'a Borg repository made with zlib compression (older defaults, --compression zlib)',
    kind: 'token',
    script: borg('zlib,6'),
    where: /borg-zlib\/backup\/data\/\d+\/\d+/,
  },
  {
    id: 'borg-lzma',
    name: "borg create --compression lzma,6: chunks as xz streams behind borg's compressor id",
    realWorld: 'a Borg repository made with lzma for the best ratio',
    kind: 'token',
    script: borg('lzma,6'),
    where: /borg-lzma\/backup\/data\/\d+\/\d+/,
  },
  {
    id: 'dar-gzip',
    name: 'dar -c -zgzip:6: a dar archive, each file a zlib stream, the catalogue at its end',
    realWorld: 'a dar backup slice (etc-backup.1.dar) of a server, kept in a restore image',
    kind: 'token',
    script: dar('gzip:6'),
    where: /dar-gzip\/etc-backup\.1\.dar/,
  },
  {
    id: 'dar-bzip2',
    name: 'dar -c -zbzip2: the files as bzip2 streams',
    realWorld: 'a dar backup slice compressed with bzip2',
    kind: 'token',
    script: dar('bzip2'),
    where: /dar-bzip2\/etc-backup\.1\.dar/,
  },
  {
    id: 'dar-xz',
    name: 'dar -c -zxz: the files as xz streams',
    realWorld: 'a dar backup slice compressed with xz',
    kind: 'token',
    script: dar('xz'),
    where: /dar-xz\/etc-backup\.1\.dar/,
  },
  {
    id: 'dar-zstd',
    name: 'dar -c -zzstd: the files as zstd frames',
    realWorld: 'a dar backup slice compressed with zstd (dar 2.7)',
    kind: 'token',
    script: dar('zstd'),
    where: /dar-zstd\/etc-backup\.1\.dar/,
  },
  {
    id: 'fossil',
    name: 'fossil commit: a Fossil repository (SQLite) whose blob rows are zlib behind a 4-byte size',
    realWorld: "a project's .fossil repository (Fossil, SQLite's own VCS) in a build image",
    kind: 'token',
    script: `export HOME="$PWD" USER=ci
mkdir -p wc && fossil init repo.fossil > /dev/null && cd wc && fossil open ../repo.fossil > /dev/null
printf 'API_TOKEN=%s\\n' "$S" > app.env && seq 1 3000 | sed 's/^/LINE_/' >> app.env
fossil add app.env > /dev/null && fossil commit -m config --no-warnings > /dev/null && fossil close > /dev/null && cd ..
cp repo.fossil "$OUT/app.fossil" && ! grep -F "$S" "$OUT/app.fossil" > /dev/null`,
    where: /fossil\/app\.fossil/,
  },
  {
    id: 'erlang-etf',
    name: "Erlang term_to_binary(Map, [compressed]): the external term format's tag 80, a 4-byte size, then zlib",
    realWorld: "an Erlang/Elixir service's state or cache file written with :erlang.term_to_binary(term, [:compressed])",
    kind: 'token',
    script: `erl -noshell -eval '{ok, S} = file:read_file("secret"), Cfg = #{api_token => S, endpoint => <<"https://api.example.com">>, lines => [integer_to_binary(I) || I <- lists:seq(1, 500)]}, ok = file:write_file(filename:join(os:getenv("OUT"), "state.etf"), term_to_binary(Cfg, [compressed])), halt().'
! grep -F "$S" "$OUT/state.etf" > /dev/null`,
    where: /erlang-etf\/state\.etf/,
  },
  {
    id: 'erlang-beam',
    name: 'erlc: a compiled Erlang module whose binary literal is the value (the LitT chunk, zlib)',
    realWorld: 'an Erlang/Elixir release (ebin/*.beam) with a credential compiled into a config module',
    kind: 'token',
    script: `printf -- '-module(app_config).\\n-export([token/0, all/0]).\\ntoken() -> <<"%s">>.\\nall() -> #{token => token(), url => "https://api.example.com"}.\\n' "$S" > app_config.erl
erlc -o "$OUT" app_config.erl && ! grep -F "$S" "$OUT/app_config.beam" > /dev/null`,
    where: /erlang-beam\/app_config\.beam/,
  },
  {
    id: 'capnp-packed',
    name: "capnp encode --packed: a Cap'n Proto message in the packed encoding (a tag byte before each word, the value's text cut every 8 bytes by a count or tag)",
    realWorld: "a service's config or cache file serialized with Cap'n Proto (packed, as written to disk or a socket)",
    kind: 'token',
    script: `cat > config.capnp <<'CAPNP'
@0xbf5147cbbecf40c1;
struct Config { name @0 :Text; apiToken @1 :Text; port @2 :UInt16; replicas @3 :UInt32; }
CAPNP
printf '(name = "app", apiToken = "%s", port = 8080, replicas = 3)\\n' "$S" > config.txt
capnp encode --packed config.capnp Config < config.txt > "$OUT/config.bin" && ! grep -F "$S" "$OUT/config.bin" > /dev/null`,
    where: /capnp-packed\/config\.bin/,
  },
  {
    id: 'pg-dump-custom',
    name: "pg_dump -Fc of a real cluster: the custom format's table data as zlib, in length-prefixed blocks",
    realWorld: 'a database snapshot (pg_dump -Fc > app.dump) baked into a test or seed image, restored with pg_restore',
    kind: 'token',
    script: `B=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
D=$(mktemp -d /tmp/hoist-pg12-XXXXXX) && cp secret "$D/secret"
printf '\\\\set ON_ERROR_STOP on\\n\\\\set s \`cat %s/secret\`\\n%s\\n' "$D" "CREATE TABLE settings (k text PRIMARY KEY, v text); INSERT INTO settings SELECT 'key' || i, 'value-' || i FROM generate_series(1, 2000) i; INSERT INTO settings VALUES ('api_token', :'s');" > "$D/load.sql"
chown -R postgres: "$D" && cd "$D"
PG="runuser -u postgres -- env PGHOST=$D PGUSER=postgres"
trap 'runuser -u postgres -- "$B/pg_ctl" -D "$D/data" -w -s stop -m fast >/dev/null 2>&1; rm -rf "$D"' EXIT
runuser -u postgres -- "$B/initdb" -D "$D/data" -A trust -U postgres -E UTF8 --locale=C --no-sync > /dev/null
runuser -u postgres -- "$B/pg_ctl" -D "$D/data" -l "$D/log" -o "-k $D -c listen_addresses= -c fsync=off" -w -s start
$PG "$B/psql" -q -f "$D/load.sql" postgres
$PG "$B/pg_dump" -Fc postgres > "$OUT/app.dump" && ! grep -F -f secret "$OUT/app.dump" > /dev/null`,
    where: /pg-dump-custom\/app\.dump/,
  },
  {
    id: 'bsdiff',
    name: 'bsdiff old new: a BSDIFF40 patch (control, diff and extra blocks, each bzip2) whose new text holds the value',
    realWorld: 'a delta update (bsdiff patch) of a config or binary shipped in an updater image',
    kind: 'token',
    script: `${appEnv} && ${oldEnv} && bsdiff old.env root/etc/app/app.env "$OUT/app.env.bsdiff" && ! grep -F "$S" "$OUT/app.env.bsdiff" > /dev/null`,
    where: /bsdiff\/app\.env\.bsdiff/,
  },
  {
    id: 'rzip',
    name: 'rzip -k: a .rz file (RZIP header, long-range matches, literals in bzip2 streams)',
    realWorld: 'a large backup tarball compressed with rzip',
    kind: 'token',
    script: `${appEnv} && tar -C root -cf backup.tar . && rzip -k -o "$OUT/backup.tar.rz" backup.tar && ! grep -F "$S" "$OUT/backup.tar.rz" > /dev/null`,
    where: /rzip\/backup\.tar\.rz/,
  },
  {
    id: 'brz-groupcompress',
    name: 'brz commit (Breezy, Bazaar format 2a): .bzr/repository/packs/*.pack, texts in group-compress blocks (gcb1z: zlib)',
    realWorld: "a Bazaar/Breezy checkout's .bzr directory copied into an image with the source",
    kind: 'token',
    script: `export HOME="$PWD" BRZ_HOME="$PWD/.brz"
brz whoami 'CI <ci@example.com>' && brz init -q repo && cd repo
printf 'API_TOKEN=%s\\n' "$S" > app.env && seq 1 3000 | sed 's/^/LINE_/' >> app.env
brz add -q app.env && brz commit -q -m config && cd .. && cp -r repo/.bzr "$OUT/.bzr" && rm -f "$OUT/.bzr/checkout/dirstate"
! grep -rF "$S" "$OUT/.bzr" > /dev/null`,
    where: /brz-groupcompress\/\.bzr\/repository\/(packs|indices|obsolete_packs)\//,
  },
  {
    id: 'gs-pdf',
    name: 'Ghostscript pdfwrite (ps2pdf) of a PostScript page showing the value: the page text in a FlateDecode content stream',
    realWorld: 'a generated deployment report (PostScript turned into PDF by Ghostscript) that prints a service credential',
    kind: 'token',
    avoid: /[()\\]/,
    script: `{ printf '%%!PS\\n[ /Title (Deployment notes) /DOCINFO pdfmark\\n/Helvetica findfont 10 scalefont setfont\\n72 720 moveto (Service account for the staging deploy:) show\\n72 700 moveto (API_TOKEN='; cat secret; printf ') show\\n72 680 moveto (Rotate it every 90 days.) show\\nshowpage\\n'; } > notes.ps
gs -q -dNOPAUSE -dBATCH -dSAFER -sDEVICE=pdfwrite -sOutputFile="$OUT/notes.pdf" notes.ps && ! grep -F "$S" "$OUT/notes.pdf" > /dev/null`,
    where: /gs-pdf\/notes\.pdf/,
  },
  {
    id: 'bsdtar-7z-deflate',
    name: 'bsdtar --format 7zip --options 7zip:compression=deflate: a 7z archive whose folder is Deflate',
    realWorld: 'a .7z made by libarchive (bsdtar, file-roller) with deflate for speed',
    kind: 'token',
    script: `${appEnv} && bsdtar --format 7zip --options 7zip:compression=deflate -cf "$OUT/etc.7z" -C root etc && ! grep -F "$S" "$OUT/etc.7z" > /dev/null`,
    where: /bsdtar-7z-deflate\/etc\.7z/,
  },
  {
    id: 'bsdtar-7z-bzip2',
    name: 'bsdtar --format 7zip --options 7zip:compression=bzip2: a 7z archive whose folder is BZip2',
    realWorld: 'a .7z made by libarchive with bzip2',
    kind: 'token',
    script: `${appEnv} && bsdtar --format 7zip --options 7zip:compression=bzip2 -cf "$OUT/etc.7z" -C root etc && ! grep -F "$S" "$OUT/etc.7z" > /dev/null`,
    where: /bsdtar-7z-bzip2\/etc\.7z/,
  },
  {
    id: 'casync',
    name: 'casync make --store: a .caidx index and its chunk store (default.castr/*/*.cacnk: zstd frames)',
    realWorld: 'a casync/desync image delivery store (OS updates, containers) kept in an image',
    kind: 'token',
    script: `${appEnv} && casync make --store="$OUT/store.castr" "$OUT/etc.caidx" root/etc > /dev/null && ! grep -rF "$S" "$OUT" > /dev/null`,
    where: /casync\/store\.castr\/.+\.cacnk/,
  },
  {
    id: 'szdd',
    name: "mscompress: an SZDD file (MS-DOS COMPRESS.EXE's LZSS: a flag byte before every 8 literals or matches)",
    realWorld: 'a driver or installer payload in the Windows setup format (APP.EN_) shipped inside a provisioning image',
    kind: 'token',
    script: `${appEnv} && cp root/etc/app/app.env app.env && mscompress app.env && mv app.env_ "$OUT/APP.EN_" && ! grep -F "$S" "$OUT/APP.EN_" > /dev/null`,
    where: /szdd\/APP\.EN_/,
  },
  {
    id: 'hdf5-lzf',
    name: "h5py compression='lzf': an HDF5 dataset of a config's bytes in 4 KiB chunks, each LZF (a control byte before every run of up to 32 literals)",
    realWorld: "an ML or data pipeline's run file (run.h5) that stored its settings, credentials included, in a dataset",
    kind: 'token',
    script: `/usr/bin/python3 - <<'EOF'
import os, h5py, numpy as np
s = open('secret', encoding='utf-8').read()
text = ('API_TOKEN=%s\\n' % s + '\\n'.join('LINE_%d' % i for i in range(3000))).encode()
with h5py.File(os.path.join(os.environ['OUT'], 'run.h5'), 'w') as f:
    f.create_dataset('config', data=np.frombuffer(text, dtype='u1'), chunks=(4096,), compression='lzf')
EOF
! grep -F "$S" "$OUT/run.h5" > /dev/null`,
    where: /hdf5-lzf\/run\.h5/,
  },
  {
    id: 'tokyocabinet-deflate',
    name: 'tchmgr create -td: a Tokyo Cabinet hash database whose records are raw deflate (TDBTDEFLATE)',
    realWorld: "a service's Tokyo Cabinet cache or store (.tch) left in an image",
    kind: 'token',
    script: `{ for i in $(seq 1 300); do printf 'user:%d\\t{"id":%d,"name":"user-%d","role":"reader"}\\n' $i $i $i; done
  printf 'config\\t{"api_token":"%s","endpoint":"https://api.example.com","retries":3,"timeout":30}\\n' "$S"; } > load.tsv
tchmgr create -td "$OUT/cache.tch" > /dev/null && tchmgr importtsv "$OUT/cache.tch" load.tsv && ! grep -F "$S" "$OUT/cache.tch" > /dev/null`,
    where: /tokyocabinet-deflate\/cache\.tch/,
  },
  {
    id: 'pcap-tcp-across',
    name: "tcpdump -w of an HTTP POST (python http.client to http.server, in a network namespace of its own, MTU 1500): the JSON body's token across two TCP segments",
    realWorld: 'a packet capture taken while debugging an API client (tcpdump -w debug.pcap) and left in the image',
    kind: 'token',
    script: `/usr/bin/python3 - <<'PY'
s = open('secret', encoding='utf-8').read()
# http.client sends the headers, then the body: the body's first segment (MSS 1460 less 12 bytes of TCP timestamps:
# 1448 bytes) ends inside the value.
lead = '{"description": "'
mid = '", "api_token": "'
at = 1448 - len(lead) - len(mid) - len(s.encode()) // 2
words = ' '.join('replica-%03d in zone eu-west-1%s;' % (i, 'abc'[i % 3]) for i in range(200))
body = lead + words[:at] + mid + s + '", "replicas": 3, "padding": "'
body += 'x' * (2500 - len(body.encode()) - 3) + '"}\\n'
assert len(body.encode()) == 2500
open('body.json', 'wb').write(body.encode())
PY
cat > cap.sh <<'CAP'
set -euo pipefail
ip link set lo mtu 1500 up && ethtool -K lo tso off gso off > /dev/null
tcpdump -i lo -U --immediate-mode -s 0 -w cap.pcap 'tcp port 8080' 2> tcpdump.err & T=$!
${awaitReady('grep -q listening tcpdump.err', '$T', 'tcpdump')}
/usr/bin/python3 -m http.server 8080 --bind 127.0.0.1 > server.log 2>&1 & P=$!
/usr/bin/python3 - <<'PY'
import http.client, time
for _ in range(1200):
    try:
        c = http.client.HTTPConnection('127.0.0.1', 8080); c.connect(); break
    except OSError:
        time.sleep(0.05)
c.request('POST', '/api/config', open('body.json', 'rb').read(), {'Content-Type': 'application/json'})
c.getresponse().read()
PY
${awaitReady('[ "$(stat -c %s cap.pcap)" -gt 3000 ]', '$T', 'the capture of the POST')}
kill $P; kill -INT $T; wait $T || true
CAP
unshare -n bash cap.sh
mkdir -p "$OUT/debug" && cp cap.pcap "$OUT/debug/api.pcap" && ! grep -F "$S" "$OUT/debug/api.pcap" > /dev/null`,
    where: /pcap-tcp-across\/debug\/api\.pcap/,
  },
];

/**
 * The round's findings at its start (the shipped bundle, dist/ at c1df400): 7 of 26 missed in silence (no finding,
 * leaky or clean) — pg-dump-custom (a table's zlib stream cut into 4 KiB chunks, each behind a 5-byte length: a search
 * inside reads the first chunk only; read since: pg-dump.ts), szdd (LZSS whose flag bytes cut the text every eight
 * items; read since: szdd.ts), pcap-tcp-across (a TCP stream cut into segments, each record behind 16 bytes of pcap
 * header and 66 of Ethernet, IP and TCP headers; read since: pcap.ts, its streams joined), rocksdb-zlib (raw deflate
 * behind a varint size in a table's blocks, told only by its index at the file's end; read since: sst.ts),
 * tokyocabinet-deflate (raw deflate behind a record's own header: no header for a search to find; read since:
 * tokyo-cabinet.ts), capnp-packed and hdf5-lzf. Found from the start: the others (a regression guard each: their
 * compressed pieces carry a magic number the search inside finds — zstd, bzip2, xz, zlib —, or their text stays whole).
 *
 * The known gaps, each a class, asserted still missed so that the fix that reads one moves it to
 * `variant12BinaryFound`: none now. Read since session 55: hdf5-lzf (LZF puts a control byte before every run of up
 * to 32 literals; an HDF5 file's chunks are told only by its chunk index — hdf5.ts reads it and undoes the filters).
 * Read since session 56: capnp-packed (Cap'n Proto's packing puts a tag byte before each 8-byte word and a count after
 * a run of full words: the value's text is cut every 8 to 2,040 bytes, and the packed stream has no magic number —
 * capnp.ts tells it by its segment table and root pointer and unpacks it whole).
 */
const GAPS = new Set<string>([]);

/** Every round-12 binary artifact the audit finds. */
export const variant12BinaryFound: Variant[] = variant12Binary.filter((a) => !GAPS.has(a.id));

/** The known gaps. */
export const variant12BinaryGaps: Variant[] = variant12Binary.filter((a) => GAPS.has(a.id));
