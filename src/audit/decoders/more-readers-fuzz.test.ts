// Property (issue 28): database files written by their real servers — MariaDB's ROW_FORMAT=COMPRESSED tablespaces (a
// config row in compressed index pages; a 40 KB JSON value in a compressed BLOB chain) and an ARCHIVE table's .ARZ,
// PostgreSQL's relation files (a row's value pglz-compressed inline; a
// 100 KB value pglz-compressed in TOAST chunks) — then damaged (cut, or 1-8 bytes set to 00, 80 or FF in the file's first
// 64 KiB, within 4 KiB of the value's page, or anywhere), the value's own bytes spared, are read within 5 s and 400 MiB
// in a child process, never throw nor hang, and either the value is still found or the file is named as not fully
// audited: never a silent pass.
// Nearest real-world variant: a database directory baked into an image (a MariaDB datadir, a PostgreSQL cluster) by an
// interrupted copy, or bit-rotted in a cache layer.
// An H2 MVStore with COMPRESS=TRUE (LZF pages), back since session 57: made the same each run (SHUTDOWN COMPACT, the
// clock frozen: steady.testing.ts) — in session 56 H2's files differed run to run and a clean clone's draw set 4 bytes
// to 0 inside an LZF page in silence; now each page's length and check (chunk, offset, length) are held, a walk that
// stops named. Known limit: LZF has no checksum, so a literal byte garbled inside a page that still decodes to its size
// can pass unsaid (none in these draws).
// Crafted too: a tablespace of 16,384 first BLOB pages each chained on to the last.
// Fails on innodb.ts and postgres.ts as at d6ffd52: 4 of 7 cases — the TOAST table with a chunk damaged, lost or cut
// passes in silence (29 of 40: the joined chunks no longer decode and were passed on as they were, nothing said);
// settings.ibd cut inside a page passes in silence (2 of 40: the partial last page dropped unread), docs.ibd with its
// BLOB chain damaged or cut passes in silence (12 of 40: the chain's stream does not inflate, nothing said), the
// crafted chains hang (killed at 8 s). Passes after: a partial last page tried and named, a chain that breaks or does
// not inflate named, each BLOB page walked once; a TOAST value with a gap among its chunks, or whose chunks begin as a
// compressed datum and do not decode, named.
// Seeded: HOIST_TEST_SEED replaces 0x3b3b; the copies are the same each run.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { testSeed } from '../../../test/support/random.js';
import { expectDamagedReadOrNamed, readOrNamedFailures } from './fuzz.testing.js';
import { h2MvStore } from './h2-mvstore.js';
import { innodb } from './innodb.js';
import { mysqlArchive } from './mysql-archive.js';
import { makeCluster, postgresBin } from '../../../test/support/postgres.js';
import { postgres } from './postgres.js';
import { has } from './testing.js';
import { steady } from './steady.testing.js';
import type { Decoder } from './types.js';

const MARKER = 'tok-h6-morefuzz-5b7d9f1a3c';
const TWIN = 'not-h6-morefuzz-0000000000';
const SEED = testSeed(0x3b3b);
const COPIES = 40;
const H2_JAR = '/usr/share/java/h2.jar';

/** Runs `script` (bash) in a scratch directory; the files named in `outputs` as they are after it. */
function made(script: string, outputs: string[]): Record<string, Buffer> {
  const dir = mkdtempSync(join(tmpdir(), 'hoist-morefuzz-'));
  try {
    execFileSync('bash', ['-c', `set -euo pipefail\n${script}`], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 });
    return Object.fromEntries(outputs.map((o) => [o, readFileSync(join(dir, o))]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A MariaDB server of its own (as mysql, a socket, no network): in databases `leaky` and `twin`, the tables below, the value MARKER or TWIN. */
function mariaTables(): Record<string, Buffer> {
  const db = (name: string, value: string) => `CREATE DATABASE ${name}; USE ${name};
CREATE TABLE settings (id INT AUTO_INCREMENT PRIMARY KEY, k VARCHAR(64), v TEXT) ROW_FORMAT=COMPRESSED KEY_BLOCK_SIZE=8;
INSERT INTO settings (k, v) SELECT CONCAT('user:', LPAD(seq, 5, '0')), CONCAT('{"id":', seq, ',"name":"user-', seq, '"}') FROM seq_1_to_3000;
INSERT INTO settings (k, v) VALUES ('config', '{"api_token":"${value}"}');
OPTIMIZE TABLE settings;
CREATE TABLE docs (id INT PRIMARY KEY, v MEDIUMTEXT) ROW_FORMAT=COMPRESSED KEY_BLOCK_SIZE=4;
SET SESSION group_concat_max_len = 1000000;
INSERT INTO docs SELECT 1, CONCAT('{', GROUP_CONCAT(CONCAT('"opt', seq, '":"', MD5(seq), '"') ORDER BY seq SEPARATOR ','), ',"api_token":"${value}"}') FROM seq_1_to_1000;
CREATE TABLE events (id INT, k VARCHAR(64), v TEXT) ENGINE=ARCHIVE;
INSERT INTO events SELECT seq, CONCAT('user:', seq), CONCAT('{"id":', seq, '}') FROM seq_1_to_3000;
INSERT INTO events VALUES (0, 'config', '{"api_token":"${value}"}');
`;
  const files = ['settings.ibd', 'docs.ibd', 'events.ARZ'];
  return made(
    `cat > load.sql <<'SQL'
${db('leaky', MARKER)}${db('twin', TWIN)}
SQL
chmod 711 . && D=$PWD/my && mkdir -p "$D" && chown mysql: "$D"
mariadb-install-db --no-defaults --user=mysql --datadir="$D/data" --auth-root-authentication-method=normal --skip-test-db > /dev/null 2>&1
mariadbd --no-defaults --user=mysql --datadir="$D/data" --socket="$D/sock" --skip-networking --pid-file="$D/pid" --log-error="$D/err" --plugin-load-add=ha_archive > /dev/null 2>&1 &
M=$!; trap 'kill $M 2> /dev/null || true' EXIT
for i in $(seq 1 150); do [ -S "$D/sock" ] && break; sleep 0.2; done
mariadb --no-defaults -S "$D/sock" -u root < load.sql > /dev/null
mariadb-admin --no-defaults -S "$D/sock" -u root shutdown && wait $M
for db in leaky twin; do for f in ${files.join(' ')}; do cp "$D/data/$db/$f" "$db-$f"; done; done`,
    ['leaky', 'twin'].flatMap((d) => files.map((f) => `${d}-${f}`)),
  );
}

/**
 * An H2 database (RunScript of 3,000 rows and a config row holding `value`), COMPRESS=TRUE, closed by SHUTDOWN COMPACT:
 * one chunk, written at once — without it H2's background writer cut the rows into as many chunks as the machine's
 * speed let it (135 KB or 73 KB files from one script), and its header's creation time and each chunk's age moved the
 * bytes; with the clock frozen (steady.testing.ts) two runs give the same file.
 */
const h2 = (value: string) =>
  made(
    `cat > load.sql <<'SQL'
CREATE TABLE settings (id INT PRIMARY KEY, k VARCHAR(64), v VARCHAR(4000));
INSERT INTO settings SELECT X, 'user:' || X, '{"id":' || X || ',"role":"reader"}' FROM SYSTEM_RANGE(1, 3000);
INSERT INTO settings VALUES (0, 'config', '{"api_token":"${value}"}');
SHUTDOWN COMPACT;
SQL
java -cp ${H2_JAR} org.h2.tools.RunScript -url "jdbc:h2:$PWD/app;COMPRESS=TRUE" -script load.sql`,
    ['app.mv.db'],
  )['app.mv.db']!;

/** `file` (holding MARKER) and its twin: the reader holds fuzz.testing's rule (tables within the first 64 KiB). */
const expectCopiesReadOrNamed = (what: string, file: Buffer, twin: Buffer, decoder: Decoder, module: string, name: string) =>
  expectDamagedReadOrNamed({ what, file, twin, decoder, module, name, marker: MARKER, seed: SEED, copies: COPIES, headBytes: 65536 });

describe.runIf(has('mariadbd') && has('mariadb-install-db') && process.getuid?.() === 0)(
  `damaged MariaDB tablespaces and ARCHIVE tables (seed ${SEED})`,
  { timeout: 120_000 },
  () => {
    let t: Record<string, Buffer> = {};
    beforeAll(() => {
      t = steady(mariaTables, 'real');
    }, 120_000);
    it.each([
      ['settings.ibd', innodb, 'innodb.ts', 'innodb'],
      ['docs.ibd', innodb, 'innodb.ts', 'innodb'],
      ['events.ARZ', mysqlArchive, 'mysql-archive.ts', 'mysqlArchive'],
    ] as const)('%s: each damaged copy read or named, in 5 s and 400 MiB', async (f, decoder, module, name) => {
      await expectCopiesReadOrNamed(f, t[`leaky-${f}`]!, t[`twin-${f}`]!, decoder, module, name);
    });
  },
);

describe.runIf(has('java') && existsSync(H2_JAR))(`damaged H2 MVStore files (seed ${SEED})`, { timeout: 180_000 }, () => {
  let file: Buffer = Buffer.alloc(0);
  let twin: Buffer = Buffer.alloc(0);
  beforeAll(() => void ([file, twin] = steady(() => [h2(MARKER), h2(TWIN)]) as [Buffer, Buffer]), 120_000);
  it('COMPRESS=TRUE: each damaged copy read or named, in 5 s and 400 MiB', async () => {
    await expectCopiesReadOrNamed('app.mv.db', file, twin, h2MvStore, 'h2-mvstore.ts', 'h2MvStore');
  });
  // Each page of the chunk (its length and check, H2's DataUtils.getCheckValue of chunk, offset and length): its
  // length set to 3 or past the chunk, its check flipped, or the file cut at its start — a walk that stops there
  // must say so. Fails on h2-mvstore.ts before session 57 (the walk stopped, or the cut dropped the pages, unsaid).
  it('COMPRESS=TRUE: each page’s length or check damaged, or the file cut at it: read or named', async () => {
    const block = 2 * 4096;
    const nl = file.indexOf(0x0a, block);
    const pages = parseInt(/pages:([0-9a-f]+)/.exec(file.toString('latin1', block, nl))![1]!, 16);
    const copies: Array<[string, Buffer]> = [];
    for (let i = 0, at = nl + 1; i < pages; i++, at += file.readUInt32BE(at)) {
      const set = (what: string, edit: (c: Buffer) => void) => {
        const c = Buffer.from(file);
        edit(c);
        copies.push([`page ${i} at ${at}: ${what}`, c]);
      };
      set('length 3', (c) => c.writeUInt32BE(3, at));
      set('length past the chunk', (c) => c.writeUInt32BE(file.length, at));
      set('check flipped', (c) => c.writeUInt16BE(c.readUInt16BE(at + 4) ^ 0xffff, at + 4));
      copies.push([`cut at page ${i} (${at})`, file.subarray(0, at)]);
    }
    expect(await readOrNamedFailures('h2-mvstore.ts', 'h2MvStore', copies, MARKER)).toEqual([]);
  });
});

/** A compressed tablespace of 1 KiB pages (KEY_BLOCK_SIZE=1), `pages` of them, each from 1 on a first BLOB page whose chain runs to the last: n²/2 hops walked one chain at a time. */
function innodbChains(pages: number): Buffer {
  const size = 1024;
  const b = Buffer.alloc(size * pages);
  b.writeUInt16BE(8, 24); // FSP_HDR
  b.writeUInt32BE(5, 34);
  b.writeUInt32BE(5, 38);
  b.writeUInt32BE(pages, 46);
  b.writeUInt32BE(pages, 50);
  b.writeUInt32BE(0x21 | (1 << 1), 54); // post-Antelope, atomic BLOBs, ZIP_SSIZE 1
  for (let n = 1; n < pages; n++) {
    const at = n * size;
    b.writeUInt32BE(n, at + 4);
    b.writeUInt32BE(n + 1 < pages ? n + 1 : 0xffffffff, at + 12);
    b.writeUInt16BE(11, at + 24); // ZBLOB: each one a chain's first
    b.fill(0x61, at + 38, at + size);
  }
  return b;
}

describe('crafted tablespaces: BLOB chains through one another', { timeout: 120_000 }, () => {
  it('16,384 first BLOB pages each chained to the last (quadratic): named, in 5 s and 400 MiB', async () => {
    expect(await readOrNamedFailures('innodb.ts', 'innodb', [['chains', innodbChains(16384)]], MARKER)).toEqual([]);
  });
});

/** A cluster's rows holding `value` as PostgreSQL stores a large value: pglz inline, pglz in TOAST chunks. */
const pgRows = (value: string) => `
CREATE TABLE cfg(k text, v text);
INSERT INTO cfg VALUES ('inline', '{"pad":"' || repeat('abcdefgh', 600) || '","token":"${value}","more":"' || repeat('ijkl', 500) || '"}');
INSERT INTO cfg VALUES ('toasted', '{"users":[' || (SELECT string_agg('{"id":' || i || ',"name":"user-' || i || '","role":"reader"}', ',') FROM generate_series(1, 3000) i) || '],"token":"${value}"}');
`;

describe.runIf(postgresBin() !== undefined)(`damaged PostgreSQL relation files (seed ${SEED})`, { timeout: 120_000 }, () => {
  const relations = { cfg: "'cfg'::regclass", cfgToast: "(SELECT reltoastrelid FROM pg_class WHERE relname = 'cfg')" };
  let files: Record<string, [Buffer, Buffer]> = {};
  beforeAll(() => {
    const [leaky, twin] = steady(() => [MARKER, TWIN].map((v) => makeCluster(postgresBin()!, pgRows(v), relations)), 'real');
    try {
      files = Object.fromEntries(
        Object.keys(relations).map((r) => [r, [readFileSync(join(leaky!.data, leaky!.files[r]!)), readFileSync(join(twin!.data, twin!.files[r]!))]]),
      );
    } finally {
      leaky!.remove();
      twin!.remove();
    }
  }, 120_000);
  it.each(['cfg', 'cfgToast'])('%s: each damaged copy read or named, in 5 s and 400 MiB', async (r) => {
    await expectCopiesReadOrNamed(r, files[r]![0], files[r]![1], postgres, 'postgres.ts', 'postgres');
  });
});
