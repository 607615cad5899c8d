/**
 * The fourteenth round's binary artifacts (issue 28): databases and stores baked into images that no earlier round
 * made — MariaDB tablespaces (InnoDB ROW_FORMAT=COMPRESSED and PAGE_COMPRESSED pages, an ARCHIVE table, a MyISAM table
 * packed by myisampack) and a compressed binary log, PostgreSQL relation files with a pglz value out of line and an
 * LZ4 value inline, RocksDB with LZ4 blocks and a BlobDB blob file, a Prometheus data directory (its WAL's series
 * records snappy-compressed) and a TSDB block, InfluxDB 1.x's WAL and TSM files (snappy string blocks), an H2 MVStore
 * with compressed pages, a Redis append-only directory whose base is an RDB (LZF listpacks), a Xapian glass database,
 * a DETS table, GDBM and CDB files, Lua bytecode, an ARC archive and an Android boot image. Each is made by the real
 * tool; the value is placed as a service places it (a config row, a label of a metric, a stored document).
 */
import { sevenZip } from './variant-round.js';
import type { Variant } from './variant-text.js';
import { awaitReady } from './waits.js';

/** load.sql's prologue: the value in the session variable @s (the file read by the shell's printf, never argv). */
const sqlValue = `printf "SET @s = '%s';\\n" "$S" > load.sql`;

/**
 * A MariaDB server of its own (mariadb-install-db, mariadbd as mysql on a socket, no network, `opts` its settings), load.sql
 * (`sql`, then what the shell `more` appends) run by the client, the server shut down cleanly and waited for (every dirty page written), then `copy` (the data directory in "$D/data").
 */
const maria = (opts: string, sql: string, copy: string, more = '') => `${sqlValue}
cat >> load.sql <<'SQL'
CREATE DATABASE app; USE app;
${sql}
SQL
${more}
D=$(mktemp -d /tmp/hoist-my14-XXXXXX) && chown mysql: "$D"
mariadb-install-db --no-defaults --user=mysql --datadir="$D/data" --auth-root-authentication-method=normal --skip-test-db > /dev/null 2>&1
mariadbd --no-defaults --user=mysql --datadir="$D/data" --socket="$D/sock" --skip-networking --pid-file="$D/pid" --log-error="$D/err" ${opts} > /dev/null 2>&1 &
M=$!; trap 'kill $M 2> /dev/null || true; rm -rf "$D"' EXIT
${awaitReady('[ -S "$D/sock" ]', '$M', 'mariadbd')}
mariadb --no-defaults -S "$D/sock" -u root < load.sql
mariadb-admin --no-defaults -S "$D/sock" -u root shutdown && wait $M
${copy}
! grep -rF "$S" "$OUT" > /dev/null`;

/** 3,000 user rows and a config row holding the value, into `t` (k, v). */
const mariaRows = (
  t: string,
) => `INSERT INTO ${t} (k, v) SELECT CONCAT('user:', LPAD(seq, 5, '0')), CONCAT('{"id":', seq, ',"name":"user-', seq, '","role":"reader"}') FROM seq_1_to_3000;
INSERT INTO ${t} (k, v) VALUES ('config', CONCAT('{"api_token":"', @s, '","endpoint":"https://api.example.com","retries":3}'));`;

/**
 * A PostgreSQL cluster of its own (initdb and the server as postgres, a Unix socket only), load.sql run by psql (the
 * value in its variable s), a CHECKPOINT (every page written), then the database app's directory copied (base/<oid>).
 */
const pg = (sql: string) => `B=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
D=$(mktemp -d /tmp/hoist-pg14-XXXXXX) && cp secret "$D/secret"
printf '\\\\set ON_ERROR_STOP on\\n\\\\set s \`cat %s/secret\`\\n' "$D" > "$D/load.sql"
cat >> "$D/load.sql" <<'SQL'
${sql}
CHECKPOINT;
SQL
chown -R postgres: "$D" && cd "$D"
PG="runuser -u postgres -- env PGHOST=$D PGUSER=postgres"
trap 'runuser -u postgres -- "$B/pg_ctl" -D "$D/data" -w -s stop -m fast > /dev/null 2>&1; rm -rf "$D"' EXIT
runuser -u postgres -- "$B/initdb" -D "$D/data" -A trust -U postgres -E UTF8 --locale=C --no-sync > /dev/null
runuser -u postgres -- "$B/pg_ctl" -D "$D/data" -l "$D/log" -o "-k $D -c listen_addresses= -c fsync=off" -w -s start
$PG "$B/createdb" app && $PG "$B/psql" -q -f "$D/load.sql" app
O=$($PG "$B/psql" -Atc "SELECT oid FROM pg_database WHERE datname = 'app'" postgres)
mkdir -p "$OUT/pgdata/base" && cp -a "$D/data/base/$O" "$OUT/pgdata/base/" && ! grep -rF "$S" "$OUT" > /dev/null`;

/**
 * load.txt: `n` user records and a config record holding the value among 40 settings (ldb's `key ==> value` lines) —
 * long enough that zstd codes its literals (a short record of unrepeated text is stored raw in its frame).
 */
const ldbLoad = (n: number) => `{ for i in $(seq 1 ${n}); do printf 'user:%05d ==> {"id":%d,"name":"user-%d","role":"reader"}\\n' $i $i $i; done
  printf 'config ==> {"api_token":"%s","endpoint":"https://api.example.com"' "$S"; for i in $(seq 1 40); do printf ',"setting_%d":"enabled"' $i; done; printf '}\\n'; } > load.txt`;

/** H2's RunScript (the distribution's h2.jar) of 3,000 rows and a config row holding the value into $PWD/app`url`, the file copied. */
const h2 = (url: string) => `{ printf "CREATE TABLE settings (id INT PRIMARY KEY, k VARCHAR(64), v VARCHAR(4000));\\n"
  printf "INSERT INTO settings SELECT X, 'user:' || LPAD(X, 5, '0'), '{\\"id\\":' || X || ',\\"name\\":\\"user-' || X || '\\",\\"role\\":\\"reader\\"}' FROM SYSTEM_RANGE(1, 3000);\\n"
  printf "INSERT INTO settings VALUES (0, 'config', '{\\"api_token\\":\\"%s\\",\\"endpoint\\":\\"https://api.example.com\\"}');\\n" "$S"; } > load.sql
java -cp /usr/share/java/h2.jar org.h2.tools.RunScript -url "jdbc:h2:$PWD/app${url}" -script load.sql
cp app.mv.db "$OUT/"`;

export const variant14Binary: Variant[] = [
  {
    id: 'innodb-compressed',
    name: 'MariaDB InnoDB ROW_FORMAT=COMPRESSED KEY_BLOCK_SIZE=8 (rebuilt by OPTIMIZE TABLE): the rows in zlib-compressed 8 KiB pages of the .ibd',
    realWorld: 'a MariaDB/MySQL database directory (/var/lib/mysql/app/*.ibd) baked into a test or demo image, its tables compressed to save space',
    kind: 'token',
    script: maria(
      '',
      `CREATE TABLE settings (id INT AUTO_INCREMENT PRIMARY KEY, k VARCHAR(64), v TEXT) ENGINE=InnoDB ROW_FORMAT=COMPRESSED KEY_BLOCK_SIZE=8;
${mariaRows('settings')}
OPTIMIZE TABLE settings;`,
      `cp -a "$D/data/app" "$OUT/"`,
    ),
    where: /innodb-compressed\/app\/settings\.ibd/,
  },
  {
    id: 'innodb-compressed-blob',
    name: 'MariaDB InnoDB ROW_FORMAT=COMPRESSED KEY_BLOCK_SIZE=8: a 40 KB JSON value stored off page, one zlib stream across a chain of ZBLOB pages',
    realWorld: 'a settings or payload column (a JSON document of tens of KB) in a compressed MariaDB/MySQL table baked into an image',
    kind: 'token',
    script: maria(
      '',
      `CREATE TABLE docs (id INT AUTO_INCREMENT PRIMARY KEY, k VARCHAR(64), v MEDIUMTEXT) ENGINE=InnoDB ROW_FORMAT=COMPRESSED KEY_BLOCK_SIZE=8;
INSERT INTO docs (k, v) SELECT 'config', CONCAT('{', GROUP_CONCAT(CONCAT('"opt', seq, '":"', MD5(seq), '"') SEPARATOR ','), ',"api_token":"', @s, '"}') FROM seq_1_to_1000;`,
      `cp -a "$D/data/app" "$OUT/"`,
    ),
    where: /innodb-compressed-blob\/app\/docs\.ibd/,
  },
  {
    id: 'innodb-page-compressed',
    name: "MariaDB InnoDB PAGE_COMPRESSED=1 (innodb_compression_algorithm zlib, full_crc32): each 16 KiB page's body a zlib stream written in the page's place",
    realWorld: "a MariaDB data directory whose tables use page compression (MariaDB's own, as on SSD-backed hosts), copied into an image",
    kind: 'token',
    script: maria(
      '',
      `CREATE TABLE settings (id INT AUTO_INCREMENT PRIMARY KEY, k VARCHAR(64), v TEXT) ENGINE=InnoDB PAGE_COMPRESSED=1;
${mariaRows('settings')}`,
      `cp -a "$D/data/app" "$OUT/"`,
    ),
    where: /innodb-page-compressed\/app\/settings\.ibd/,
  },

  {
    id: 'mariadb-archive',
    name: "MariaDB ENGINE=ARCHIVE: the table's rows in its .ARZ file (azio: a header of its own, then one deflate stream)",
    realWorld: 'an audit or event log table kept in the ARCHIVE engine, its data directory copied into an image',
    kind: 'token',
    script: maria(
      '--plugin-load-add=ha_archive',
      `CREATE TABLE events (id INT, k VARCHAR(64), v TEXT) ENGINE=ARCHIVE;
INSERT INTO events (id, k, v) SELECT seq, CONCAT('user:', LPAD(seq, 5, '0')), CONCAT('{"id":', seq, ',"name":"user-', seq, '","role":"reader"}') FROM seq_1_to_3000;
INSERT INTO events (id, k, v) VALUES (0, 'config', CONCAT('{"api_token":"', @s, '","endpoint":"https://api.example.com","retries":3}'));`,
      `cp -a "$D/data/app" "$OUT/"`,
    ),
    where: /mariadb-archive\/app\/events\.ARZ/,
  },
  {
    id: 'mariadb-binlog-compressed',
    name: 'MariaDB binary log with log_bin_compress=ON (statement format): the INSERT (the value a literal in it) in a Query_compressed event (a length header, then a zlib stream)',
    realWorld: 'a MariaDB data directory with its binary logs (mysql-bin.000001) baked into an image, binlog compression switched on',
    kind: 'token',
    script: maria(
      '--log-bin=mysql-bin --server-id=1 --binlog-format=STATEMENT --log-bin-compress=ON --log-bin-compress-min-len=10',
      `CREATE TABLE settings (id INT AUTO_INCREMENT PRIMARY KEY, k VARCHAR(64), v TEXT) ENGINE=InnoDB;`,
      `cp "$D/data/mysql-bin.000001" "$OUT/"`,
      `printf "INSERT INTO settings (k, v) VALUES ('config', '{\\"api_token\\":\\"%s\\",\\"endpoint\\":\\"https://api.example.com\\",\\"retries\\":3}');\\n" "$S" >> load.sql`,
    ),
    where: /mariadb-binlog-compressed\/mysql-bin\.000001/,
  },
  {
    id: 'myisampack',
    name: 'myisampack then myisamchk -rq: a MyISAM table compressed read-only (each column Huffman-coded with trees of its own)',
    realWorld: 'a read-only lookup table (geo data, a catalog) packed with myisampack in a MariaDB image',
    kind: 'token',
    script: maria(
      '',
      `CREATE TABLE settings (id INT NOT NULL, k VARCHAR(64), v VARCHAR(255)) ENGINE=MyISAM;
INSERT INTO settings (id, k, v) SELECT seq, CONCAT('user:', LPAD(seq, 5, '0')), CONCAT('{"id":', seq, ',"name":"user-', seq, '","role":"reader"}') FROM seq_1_to_3000;
INSERT INTO settings (id, k, v) VALUES (0, 'config', CONCAT('{"api_token":"', @s, '","endpoint":"https://api.example.com","retries":3}'));`,
      `myisampack --silent "$D/data/app/settings" > /dev/null && myisamchk --silent -rq "$D/data/app/settings" > /dev/null
cp -a "$D/data/app" "$OUT/"`,
    ),
    where: /myisampack\/app\/settings\.MYD/,
  },
  {
    id: 'pg-toast-pglz',
    name: 'PostgreSQL: a 3,000-option JSON settings value compressed by pglz and moved out of line (TOAST chunks of ~2 KB)',
    realWorld: 'a PostgreSQL data directory (base/<oid>) preloaded at build time in a database image, a settings row holding a token',
    kind: 'token',
    script: pg(`CREATE TABLE cfg (k text PRIMARY KEY, v text);
INSERT INTO cfg SELECT 'config', '{"api_token":"' || :'s' || '",' || string_agg('"opt' || i || '":"value-' || (i * 7919 % 1000) || '"', ',') || '}' FROM generate_series(1, 3000) i;`),
    where: /pg-toast-pglz\/pgdata\/base\/\d+\/\d+/,
  },
  {
    id: 'pg-inline-pglz',
    name: 'PostgreSQL: a 4 KB JSON value compressed by pglz inline in its row (a control byte before every 8 items)',
    realWorld: 'a PostgreSQL database preloaded in an image whose settings row is a few KB of JSON',
    kind: 'token',
    script: pg(`CREATE TABLE cfg (k text PRIMARY KEY, v text);
INSERT INTO cfg SELECT 'config', '{"api_token":"' || :'s' || '",' || string_agg('"opt' || i || '":"on"', ',') || '}' FROM generate_series(1, 300) i;`),
    where: /pg-inline-pglz\/pgdata\/base\/\d+\/\d+/,
  },

  {
    id: 'rocksdb-blob-zstd',
    name: 'ldb load --enable_blob_files --min_blob_size=64 --blob_compression_type=zstd: values separated into a BlobDB blob file, each blob a zstd frame',
    realWorld: 'a RocksDB with integrated BlobDB (key-value separation for large values) left in an image',
    kind: 'token',
    script: `${ldbLoad(300)}
ldb --db="$OUT/db" --create_if_missing --enable_blob_files --min_blob_size=64 --blob_compression_type=zstd load < load.txt > /dev/null
ldb --db="$OUT/db" --enable_blob_files --min_blob_size=64 --blob_compression_type=zstd compact > /dev/null && ! grep -rF "$S" "$OUT" > /dev/null`,
    where: /rocksdb-blob-zstd\/db\/\d+\.blob/,
  },

  {
    id: 'promtool-block',
    name: 'promtool tsdb create-blocks-from openmetrics: a TSDB block whose index holds the label value (symbols table)',
    realWorld: 'a Prometheus data directory backfilled from an OpenMetrics export (promtool) and shipped in an image',
    kind: 'token',
    avoid: /[\\"]/,
    script: `{ printf '# TYPE app_config_info gauge\\n'; for n in $(seq 0 60); do printf 'app_config_info{api_token="%s",endpoint="https://api.example.com"} 1 %d\\n' "$S" $((1700000000 + n * 60)); done; printf '# EOF\\n'; } > metrics.om
promtool tsdb create-blocks-from openmetrics metrics.om "$OUT/data" > /dev/null`,
    where: /promtool-block\/data\/\w+\/index/,
  },

  {
    id: 'h2-compress',
    name: 'H2 2.x RunScript into jdbc:h2:…;COMPRESS=TRUE: an MVStore file whose pages are LZF-compressed (H2’s CompressLZF)',
    realWorld: 'an embedded H2 database file (app.mv.db) of a Java service (Spring Boot demo, a CI tool) shipped in its image',
    kind: 'token',
    script: `${h2(';COMPRESS=TRUE')} && ! grep -F "$S" "$OUT/app.mv.db" > /dev/null`,
    where: /h2-compress\/app\.mv\.db/,
  },
  sevenZip({
    id: '7z-deflate64',
    flags: '-m0=Deflate64',
    name: '7zz a -m0=Deflate64: a 7z archive whose folder is Deflate64 (64 KiB window, lengths to 65,538)',
    realWorld: 'a 7z archive made with the Deflate64 method (a setting some Windows-side packaging scripts keep)',
  }),
  sevenZip({
    id: '7z-armt',
    flags: '-mf=ARMT',
    name: '7zz a -mf=ARMT: a 7z archive whose folder is the ARM Thumb branch filter then LZMA2',
    realWorld: 'a 7z archive of 32-bit ARM firmware or binaries packed with the Thumb filter',
  }),
  sevenZip({
    id: '7z-ia64',
    flags: '-mf=IA64',
    name: '7zz a -mf=IA64: a 7z archive whose folder is the Itanium branch filter (128-bit bundles) then LZMA2',
    realWorld: 'a 7z archive made with the IA64 filter forced (-mf=IA64)',
  }),
  sevenZip({
    id: '7z-riscv',
    flags: '-mf=RISCV',
    name: '7zz a -mf=RISCV: a 7z archive whose folder is the RISC-V branch filter (7-Zip 24+, coder 0b) then LZMA2',
    realWorld: 'a 7z archive of RISC-V binaries (7-Zip picks the RISCV filter for RISC-V executables)',
  }),
  {
    id: 'h2-default',
    name: 'H2 2.x RunScript into jdbc:h2:… (no compression): an MVStore file whose row pages hold the value',
    realWorld: "a Java service's embedded H2 database (Keycloak's dev-mode keycloakdb.mv.db, a Spring Boot demo) in its image",
    kind: 'token',
    script: h2(''),
    where: /h2-default\/app\.mv\.db/,
  },
  {
    id: 'redis-aof-preamble',
    name: 'redis-server --appendonly yes, BGREWRITEAOF: an appendonlydir whose base file is an RDB (the hash a listpack, LZF-compressed)',
    realWorld: 'a Redis 7 image with /data/appendonlydir from a seeded instance (a session store, a config hash) baked in',
    kind: 'token',
    script: `D=$(mktemp -d /tmp/hoist-redis14-XXXXXX)
redis-server --port 0 --unixsocket "$D/sock" --dir "$D" --appendonly yes --aof-use-rdb-preamble yes --save '' --daemonize no > "$D/log" 2>&1 &
R=$!; trap 'kill $R 2> /dev/null || true; rm -rf "$D"' EXIT
${awaitReady('[ -S "$D/sock" ]', '$R', 'redis-server')}
C="redis-cli -s $D/sock"
for n in $(seq 1 40); do $C hset app:config opt$n "value-value-value-$n" > /dev/null; done
printf '%s' "$S" | $C -x hset app:config api_token > /dev/null
# Redis 7 writes appendonly.aof.1.base.rdb at start: the rewrite's own base is the second (.2.base.rdb).
$C bgrewriteaof > /dev/null
${awaitReady(`[ "$($C info persistence | grep -c 'aof_rewrite_in_progress:0')" = 1 ] && ls "$D/appendonlydir/"*.2.base.rdb > /dev/null 2>&1`, '$R', 'the AOF rewrite')}
$C shutdown nosave > /dev/null 2>&1 || true; wait $R || true
cp -a "$D/appendonlydir" "$OUT/" && ! grep -rF "$S" "$OUT" > /dev/null`,
    where: /redis-aof-preamble\/appendonlydir\/appendonly\.aof\.\d+\.base\.rdb/,
  },
  {
    id: 'xapian-glass',
    name: "python3-xapian: a glass database whose documents' data (a JSON record each) is stored zlib-compressed in the docdata table",
    realWorld: 'a search index (Xapian glass: notmuch, apt-xapian-index, a docs site search) built in an image',
    kind: 'token',
    script: `/usr/bin/python3 - <<'EOF'
import json, os, xapian
s = open('secret', encoding='utf-8').read()
db = xapian.WritableDatabase(os.path.join(os.environ['OUT'], 'index'), xapian.DB_CREATE_OR_OPEN)
for i in range(300):
    d = xapian.Document(); d.add_term('Quser%d' % i)
    d.set_data(json.dumps({'id': i, 'name': 'user-%d' % i, 'role': 'reader', 'about': ' '.join('word%d' % (j % 17) for j in range(60))}))
    db.add_document(d)
d = xapian.Document(); d.add_term('Qconfig')
d.set_data(json.dumps({'api_token': s, 'endpoint': 'https://api.example.com', 'notes': ' '.join('note%d' % (j % 13) for j in range(80))}))
db.add_document(d); db.commit(); db.close()
EOF
! grep -rF "$S" "$OUT" > /dev/null`,
    where: /xapian-glass\/index\/docdata\.glass/,
  },
  {
    id: 'dets',
    name: 'dets:insert of {config, Binary}: an Erlang DETS table file holding the term (term_to_binary) in its slots',
    realWorld: "an Erlang/Elixir service's DETS file (a local cache, a queue) left in its release image",
    kind: 'token',
    script: `erl -noshell -eval '{ok, S} = file:read_file("secret"), {ok, T} = dets:open_file(cfg, [{file, filename:join(os:getenv("OUT"), "cfg.dets")}]), [ok = dets:insert(T, {N, <<"user-", (integer_to_binary(N))/binary>>}) || N <- lists:seq(1, 300)], ok = dets:insert(T, {config, <<"{\\"api_token\\":\\"", S/binary, "\\"}">>}), ok = dets:close(T), halt().'`,
    where: /dets\/cfg\.dets/,
  },
  {
    id: 'gdbm',
    name: 'gdbmtool store: a GDBM file (the format of Python’s dbm.gnu, Perl’s GDBM_File) holding a config record',
    realWorld: 'a GDBM database (a shelve, a mail alias or greylist db) left in an image',
    kind: 'token',
    script: `{ for i in $(seq 1 300); do printf 'store user:%05d "{\\\\"id\\\\":%d,\\\\"role\\\\":\\\\"reader\\\\"}"\\n' $i $i; done
  printf 'store config "{\\\\"api_token\\\\":\\\\"%s\\\\"}"\\n' "$S"; } > load.cmd
gdbmtool -N -n "$OUT/app.gdbm" < load.cmd > /dev/null`,
    where: /gdbm\/app\.gdbm/,
  },
  {
    id: 'tinycdb',
    name: 'cdb -c -m: a constant database (tinycdb) of key/value lines, a config record among them',
    realWorld: 'a CDB file (a postfix map, a djbdns data.cdb, a static lookup) built in an image',
    kind: 'token',
    script: `{ for i in $(seq 1 300); do printf 'user:%05d {"id":%d,"role":"reader"}\\n' $i $i; done
  printf 'config {"api_token":"%s"}\\n' "$S"; } > load.txt
cdb -c -m "$OUT/app.cdb" load.txt`,
    where: /tinycdb\/app\.cdb/,
  },
  {
    id: 'luac',
    name: 'luac5.4 -s: a stripped Lua 5.4 bytecode chunk whose constants hold the value',
    realWorld: 'an OpenResty/Lua or game-server image that ships precompiled .luac config modules',
    kind: 'token',
    script: `printf 'return { api_token = "%s", endpoint = "https://api.example.com", retries = 3 }\\n' "$S" > config.lua
luac5.4 -s -o "$OUT/config.luac" config.lua`,
    where: /luac\/config\.luac/,
  },
  {
    id: 'arc-archive',
    name: 'arc a: an ARC archive (SEA ARC 5.21) whose member is crunched (LZW with a 12-bit code table) or squeezed',
    realWorld: 'a legacy install bundle (.arc) unpacked by a vendor installer in an image',
    kind: 'token',
    script: `mkdir -p etc && printf 'API_TOKEN=%s\\n' "$S" > etc/app.env && seq 1 3000 | sed 's/^/LINE_/' >> etc/app.env
cd etc && arc a "$OUT/etc.arc" app.env > /dev/null && ! grep -F "$S" "$OUT/etc.arc" > /dev/null`,
    where: /arc-archive\/etc\.arc/,
  },
  {
    id: 'android-bootimg',
    name: 'mkbootimg --header_version 2: an Android boot image whose ramdisk is a gzip newc cpio holding /etc/app.env, after the kernel page-aligned',
    realWorld: "an Android or Cuttlefish build image's boot.img with a provisioning token in the ramdisk",
    kind: 'token',
    script: `mkdir -p root/etc && printf 'API_TOKEN=%s\\n' "$S" > root/etc/app.env && seq 1 3000 | sed 's/^/LINE_/' >> root/etc/app.env
(cd root && find . | cpio -o -H newc 2> /dev/null) > ramdisk.cpio && gzip -9 -n -c ramdisk.cpio > ramdisk.gz
head -c 65536 /dev/zero > kernel && printf 'dtb' > dtb
mkbootimg --header_version 2 --kernel kernel --ramdisk ramdisk.gz --dtb dtb --cmdline 'console=ttyS0' -o "$OUT/boot.img" && ! grep -F "$S" "$OUT/boot.img" > /dev/null`,
    where: /android-bootimg\/boot\.img/,
  },
];

/**
 * The round's findings at its start (the shipped bundle, dist/ at 441098e): 24 artifacts — 13 found, 7 missed in
 * silence, 4 named as not audited (on both images), no false finding on a clean twin. Missed: innodb-compressed and
 * innodb-compressed-blob (a compressed table's index pages are zlib streams with a 16 KiB window, header 0x68 that no
 * search for zlib streams takes, and an off-page value's stream is cut by each ZBLOB page's header; read since:
 * innodb.ts), mariadb-archive (raw deflate members after the azio header; read since: mysql-archive.ts), h2-compress
 * (LZF pages; read since: h2-mvstore.ts), xapian-glass (raw-deflated tags; read since: xapian-glass.ts), arc-archive
 * (LZW; read since: arc.ts), myisampack (a gap: below). Named: 7z-deflate64, 7z-armt, 7z-ia64, 7z-riscv (7z coders the
 * audit did not read; read since: sevenzip-coders.ts with deflate64.ts and bcj.ts's ARM Thumb, IA-64 and RISC-V
 * converters). Found from the start (a regression guard each): the others — page-compressed InnoDB and the
 * compressed binlog by their zlib streams (header 0x78), PostgreSQL's pglz by postgres.ts, the zstd blob file, the
 * TSDB index, the Redis RDB base, the boot image's gzip ramdisk, and the plain stores (H2, DETS, GDBM, CDB, Lua).
 *
 * Left as it is:
 * - myisampack: each column Huffman-coded with trees of the table's own (and pre-space, zero-fill and interval
 *   fields), a record's bits not byte-aligned. The .MYD's header holds the trees and each column's packing, but not how
 *   many columns there are nor their lengths (a fixed column is decoded until its length is filled): those are in the
 *   .MYI, and the audit reads each file alone. Read-only packed tables are rare in images.
 */
const GAPS = new Set<string>(['myisampack']);

/** Every round-14 binary artifact the audit finds. */
export const variant14BinaryFound: Variant[] = variant14Binary.filter((a) => !GAPS.has(a.id));

/** The known gaps. */
export const variant14BinaryGaps: Variant[] = variant14Binary.filter((a) => GAPS.has(a.id));
