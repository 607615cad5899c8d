// Property: the stores and archives round 14 found missed in silence (or named) are read as their own tools read
// them, fed in random chunk sizes (seed named) — an InnoDB tablespace of a ROW_FORMAT=COMPRESSED table (its index
// pages' zlib streams with a 16 KiB window, and an off-page value's stream across a chain of ZBLOB pages), a MariaDB
// ARCHIVE table's .ARZ (raw deflate members after its azio header), an H2 MVStore opened with COMPRESS=TRUE (LZF
// pages), a Xapian glass docdata table (compressed tags, one of them in pieces over several blocks), an ARC archive
// (crunched, packed, stored members decoded byte for byte), and 7z folders with Deflate64, ARM Thumb or IA-64 coders
// (decoded byte for byte) — the value found at the file's path, the clean twin silent. Each case fails with its
// decoder (or its change) taken out: round 14's innodb-compressed, innodb-compressed-blob, mariadb-archive,
// h2-compress, xapian-glass and arc-archive were missed by the shipped bundle (no finding), 7z-deflate64, 7z-armt
// and 7z-ia64 named as not audited. Damaged copies (seed named) never throw; the new sniffs claim none of 16,384
// random heads (seed named, with and without a magic planted) and no head of a file in /usr/bin or /usr/lib.
// Nearest real-world variants: a MariaDB/MySQL or H2 database baked into a service's image; a docs search index; a
// legacy .arc install bundle; a 7z archive of ARM firmware.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { arc, arcMember } from './arc.js';
import { damaged, DAMAGE_SEED, decodeWith, fileHeads } from './decode.testing.js';
import { h2MvStore, mvStoreFormat } from './h2-mvstore.js';
import { innodb, innodbZipSize } from './innodb.js';
import { arzStart, mysqlArchive } from './mysql-archive.js';
import { sevenZip } from './sevenzip.js';
import { xz } from './xz.js';
import { auditFiles, has, SECRET, tool } from './testing.js';
import { glassBlockSize, xapianGlass } from './xapian-glass.js';

const rng = seededPerTest(0x1414);
const CLEAN = 'tok-clean-twin-0000000000000000';
const H2_JAR = '/usr/share/java/h2.jar';

/** Runs `script` (bash) in a scratch directory; returns the files named in `outputs` as they are after it. */
function made(script: string, outputs: string[]): Record<string, Buffer> {
  const dir = mkdtempSync(join(tmpdir(), 'hoist-r14-'));
  try {
    execFileSync('bash', ['-c', `set -euo pipefail\n${script}`], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 });
    return Object.fromEntries(outputs.map((o) => [o, readFileSync(join(dir, o))]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A MariaDB server of its own (as mysql, a socket, no network) holding, in databases `leaky` and `clean`, a
 * ROW_FORMAT=COMPRESSED table of 3,000 rows and a config row, another whose one row is a ~40 KB JSON value (off page), an
 * ARCHIVE table and a plain InnoDB table — the value SECRET or CLEAN — shut down, the tablespaces copied out.
 */
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
CREATE TABLE plain (id INT PRIMARY KEY, v TEXT);
INSERT INTO plain VALUES (1, 'nothing here');
`;
  const files = ['settings.ibd', 'docs.ibd', 'events.ARZ', 'plain.ibd'];
  return made(
    `cat > load.sql <<'SQL'
${db('leaky', SECRET)}${db('clean', CLEAN)}
SQL
chmod 711 . && D=$PWD/my && mkdir -p "$D" && chown mysql: "$D"
mariadb-install-db --no-defaults --user=mysql --datadir="$D/data" --auth-root-authentication-method=normal --skip-test-db > /dev/null 2>&1
mariadbd --no-defaults --user=mysql --datadir="$D/data" --socket="$D/sock" --skip-networking --pid-file="$D/pid" --log-error="$D/err" --plugin-load-add=ha_archive > /dev/null 2>&1 &
M=$!; trap 'kill $M 2> /dev/null || true' EXIT
for i in $(seq 1 150); do [ -S "$D/sock" ] && break; sleep 0.2; done
mariadb --no-defaults -S "$D/sock" -u root < load.sql > /dev/null
mariadb-admin --no-defaults -S "$D/sock" -u root shutdown && wait $M
for db in leaky clean; do for f in ${files.join(' ')}; do cp "$D/data/$db/$f" "$db-$f"; done; done`,
    ['leaky', 'clean'].flatMap((d) => files.map((f) => `${d}-${f}`)),
  );
}

describe.runIf(has('mariadbd') && has('mariadb-install-db') && process.getuid?.() === 0)(`MariaDB tablespaces (seed ${rng.seed})`, () => {
  let t: Record<string, Buffer> = {};
  beforeAll(() => {
    t = mariaTables();
  }, 120_000);

  it.each(['settings.ibd', 'docs.ibd'])(
    'ROW_FORMAT=COMPRESSED %s: index pages and a ZBLOB chain inflated, the value found; the clean twin passes',
    async (f) => {
      const ibd = t[`leaky-${f}`]!;
      expect(ibd.includes(SECRET)).toBe(false);
      expect(innodbZipSize(ibd.subarray(0, 512))).toBe(f === 'docs.ibd' ? 4096 : 8192);
      const { out, limits } = await decodeWith(innodb, ibd, { chunk: rng.int(1, 100_000) });
      expect(limits).toEqual([]);
      expect(out.includes(SECRET)).toBe(true);
      expect(await auditFiles({ [`srv/${f}`]: ibd })).toEqual([expect.objectContaining({ severity: 'leak', path: `srv/${f}!(pages)` })]);
      expect(await auditFiles({ [`srv/${f}`]: t[`clean-${f}`]! })).toEqual([]);
    },
  );

  it('a tablespace of an uncompressed (DYNAMIC, full_crc32) table is not claimed: its rows are plain', () => {
    expect(innodb.sniff(t['leaky-plain.ibd']!.subarray(0, 512), 'plain.ibd')).toBe(false);
  });

  it('ENGINE=ARCHIVE: the .ARZ members inflated, the value found; the clean twin passes', async () => {
    const arz = t['leaky-events.ARZ']!;
    expect(arz.includes(SECRET)).toBe(false);
    expect(arzStart(arz.subarray(0, 512))).toBeGreaterThan(29);
    const { out, limits } = await decodeWith(mysqlArchive, arz, { chunk: rng.int(1, 10_000) });
    expect(limits).toEqual([]);
    expect(out.includes(SECRET)).toBe(true);
    expect(out.includes('user:3000')).toBe(true);
    expect(await auditFiles({ 'srv/events.ARZ': arz })).toEqual([expect.objectContaining({ severity: 'leak', path: 'srv/events.ARZ!(rows)' })]);
    expect(await auditFiles({ 'srv/events.ARZ': t['clean-events.ARZ']! })).toEqual([]);
  });

  it(`damaged tablespaces and ARCHIVE files (seed ${DAMAGE_SEED}) never throw`, async () => {
    for (const d of damaged(t['leaky-docs.ibd']!, 12)) await expect(decodeWith(innodb, d)).resolves.toBeDefined();
    for (const d of damaged(t['leaky-events.ARZ']!, 12)) await expect(decodeWith(mysqlArchive, d)).resolves.toBeDefined();
  });
});

/** An H2 database (RunScript of 3,000 rows and a config row holding `value`) opened with `url`'s settings. */
const h2 = (value: string, url: string) =>
  made(
    `cat > load.sql <<'SQL'
CREATE TABLE settings (id INT PRIMARY KEY, k VARCHAR(64), v VARCHAR(4000));
INSERT INTO settings SELECT X, 'user:' || X, '{"id":' || X || ',"role":"reader"}' FROM SYSTEM_RANGE(1, 3000);
INSERT INTO settings VALUES (0, 'config', '{"api_token":"${value}"}');
SQL
java -cp ${H2_JAR} org.h2.tools.RunScript -url "jdbc:h2:$PWD/app${url}" -script load.sql`,
    ['app.mv.db'],
  )['app.mv.db']!;

describe.runIf(has('java') && existsSync(H2_JAR))(`H2 MVStore (seed ${rng.seed})`, () => {
  it('COMPRESS=TRUE: LZF pages decoded exactly, the value found; the clean twin passes', async () => {
    const db = h2(SECRET, ';COMPRESS=TRUE');
    expect(db.includes(SECRET)).toBe(false);
    expect(mvStoreFormat(db.subarray(0, 512))).toBe(2);
    const { out, limits } = await decodeWith(h2MvStore, db, { chunk: rng.int(1, 100_000) });
    expect(limits).toEqual([]);
    expect(out.includes(SECRET)).toBe(true);
    expect(await auditFiles({ 'srv/app.mv.db': db })).toEqual([expect.objectContaining({ severity: 'leak', path: 'srv/app.mv.db!(pages)' })]);
    expect(await auditFiles({ 'srv/app.mv.db': h2(CLEAN, ';COMPRESS=TRUE') })).toEqual([]);
    for (const d of damaged(db, 12)) await expect(decodeWith(h2MvStore, d)).resolves.toBeDefined();
  }, 60_000);
});

/** A glass database of 300 small documents, one holding `value` beside a 30 KB document (its tag in pieces) holding it too. */
const glass = (value: string) =>
  made(
    `/usr/bin/python3 - <<'EOF'
import json, random, xapian
random.seed(${rng.int(1, 1_000_000)})
db = xapian.WritableDatabase('idx', xapian.DB_CREATE_OR_OPEN)
for i in range(300):
    d = xapian.Document(); d.set_data(json.dumps({'id': i, 'about': ' '.join('word%d' % (j % 17) for j in range(60))})); db.add_document(d)
d = xapian.Document(); d.set_data(json.dumps({'api_token': '${value}', 'notes': ' '.join('note%d' % (j % 13) for j in range(80))})); db.add_document(d)
big = ''.join(random.choice('abcdefghijklmnopqrstuvwxyz0123456789') for _ in range(30000))
d = xapian.Document(); d.set_data(big[:15000] + ' big:${value} ' + big[15000:]); db.add_document(d)
db.commit(); db.close()
EOF`,
    ['idx/docdata.glass'],
  )['idx/docdata.glass']!;

const hasXapian = () => {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import xapian'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

describe.runIf(hasXapian())(`Xapian glass (seed ${rng.seed})`, () => {
  it('docdata.glass: compressed tags inflated (one from pieces over several blocks), the value found twice; the clean twin passes', async () => {
    const table = glass(SECRET);
    expect(table.includes(SECRET)).toBe(false);
    expect(glassBlockSize(table.subarray(0, 512))).toBe(8192);
    expect(xapianGlass.sniff(table.subarray(0, 512), 'srv/idx/docdata.glass')).toBe(true);
    const { out, limits } = await decodeWith(xapianGlass, table, { chunk: rng.int(1, 100_000) });
    expect(limits).toEqual([]);
    expect(out.toString().includes(`"api_token": "${SECRET}"`)).toBe(true);
    expect(out.toString().includes(` big:${SECRET} `)).toBe(true);
    expect(await auditFiles({ 'srv/idx/docdata.glass': table })).toEqual([expect.objectContaining({ severity: 'leak', path: 'srv/idx/docdata.glass!(tags)' })]);
    expect(await auditFiles({ 'srv/idx/docdata.glass': glass(CLEAN) })).toEqual([]);
    for (const d of damaged(table, 12)) await expect(decodeWith(xapianGlass, d)).resolves.toBeDefined();
  }, 60_000);
});

describe.runIf(has('arc'))(`ARC archives (seed ${rng.seed})`, () => {
  const env = (value: string) => `API_TOKEN=${value}\n${Array.from({ length: 3000 }, (_, i) => `LINE_${i}`).join('\n')}\n`;
  const archive = (files: Record<string, Uint8Array | string>) =>
    tool('sh', ['-c', `arc a out.arc ${Object.keys(files).join(' ')} > /dev/null`], files, 'out.arc');

  it('arc a of an env file (crunched): the member decoded, the value found at its path; the clean twin passes', async () => {
    const a = archive({ 'app.env': env(SECRET) });
    expect(a.includes(SECRET)).toBe(false);
    expect(arcMember(a, 0)?.method).toBe(8);
    expect(await auditFiles({ 'srv/etc.arc': a })).toEqual([expect.objectContaining({ severity: 'leak', path: 'srv/etc.arc!/app.env' })]);
    expect(await auditFiles({ 'srv/etc.arc': archive({ 'app.env': env(CLEAN) }) })).toEqual([]);
  });

  it.each([
    ['random text of 4 letters', () => Buffer.from(Array.from({ length: 20_000 }, () => 'acgt'[rng.int(0, 4)]).join(''))],
    ['random bytes', () => Buffer.from(Array.from({ length: 5000 }, () => rng.int(0, 256)))],
    ['runs of bytes and 0x90', () => Buffer.from(Array.from({ length: 4000 }, (_, i) => [0x90, 0x41, 0x41, 0x41, 0x41, 0x42][Math.floor(i / 7) % 6]!))],
    ['a short file', () => Buffer.from('x')],
  ] as const)('%s: every member decoded byte for byte, whatever method arc chose', async (_, make) => {
    const data = make();
    const a = archive({ 'data.bin': data });
    const { out, limits } = await decodeWith(arc, a, { chunk: rng.int(1, 5000) });
    expect(limits).toEqual([]);
    expect(out.equals(data)).toBe(true);
  });

  it(`damaged archives (seed ${DAMAGE_SEED}) never throw`, async () => {
    for (const d of damaged(archive({ 'app.env': env(SECRET), 'b.bin': Buffer.alloc(3000, 0x90) }), 16))
      await expect(decodeWith(arc, d)).resolves.toBeDefined();
  });
});

describe.runIf(has('7zz'))(`7z coders (seed ${rng.seed})`, () => {
  /** Random bytes with branch-like patterns (Thumb BL halves, IA-64 bundles of branch templates, RISC-V AUIPC pairs and JAL) among text. */
  const mixed = () => {
    const b = rng.bytes(65536);
    for (let i = 0; i + 16 <= b.length; i += 64) {
      b[i + 1] = 0xf0 | (b[i + 1]! & 7);
      b[i + 3] = 0xf8 | (b[i + 3]! & 7);
      b[i + 32] = 0x10 | (b[i + 32]! & 3);
      // RISC-V: auipc a0, imm then addi a0, a0, imm (a pair), and jal ra
      b.writeUInt32LE(((b[i + 40]! << 12) | 0x517) >>> 0, i + 40);
      b.writeUInt32LE(((b[i + 44]! << 20) | (10 << 15) | (10 << 7) | 0x13) >>> 0, i + 44);
      b[i + 48] = 0xef;
      b[i + 49] = b[i + 49]! & 0xf2;
    }
    return Buffer.concat([Buffer.from(`API_TOKEN=${SECRET}\n`), b]);
  };
  it.each(['-m0=Deflate64', '-mf=ARMT', '-mf=IA64', '-mf=RISCV'])('7zz a %s: the folder decoded byte for byte', async (opt) => {
    const data = mixed();
    const a = tool('sh', ['-c', `7zz a ${opt} out.7z data.bin > /dev/null`], { 'data.bin': data }, 'out.7z');
    const { out, limits } = await decodeWith(sevenZip, a, { chunk: rng.int(1, 100_000) });
    expect(limits).toEqual([]);
    expect(out.equals(data)).toBe(true);
  });

  it.each(['--ia64', '--armthumb'])('xz %s --lzma2: the block reversed byte for byte (left as filtered before)', async (filter) => {
    const data = mixed();
    const file = tool('sh', ['-c', `xz ${filter} --lzma2 -c data.bin`], { 'data.bin': data });
    const { out, limits } = await decodeWith(xz, file, { chunk: rng.int(1, 100_000) });
    expect(limits).toEqual([]);
    expect(out.equals(data)).toBe(true);
  });
});

describe('the new sniffs on data that is not theirs', () => {
  const sniffs = {
    innodb: (h: Uint8Array) => innodb.sniff(h, 'x.ibd'),
    mysqlArchive: (h: Uint8Array) => mysqlArchive.sniff(h, 'x.ARZ'),
    h2MvStore: (h: Uint8Array) => h2MvStore.sniff(h, 'x.mv.db'),
    // named as a glass table would be: the name every head is tried under
    xapianGlass: (h: Uint8Array) => xapianGlass.sniff(h, 'idx/docdata.glass'),
    arc: (h: Uint8Array) => arc.sniff(h, 'x.arc'),
  };

  it(`16,384 random heads (seed ${rng.seed}), a magic planted in two of three, are not claimed`, () => {
    const claimed: string[] = [];
    for (let i = 0; i < 16_384; i++) {
      const h = rng.bytes(512);
      if (i % 3 === 1) h.set(i % 2 ? [0xfe, 0x03] : [0x1a, 0x08]);
      if (i % 3 === 2) {
        if (i % 2) h.set(Buffer.from('H:2,'));
        else {
          // InnoDB's page 0: page number 0, type FSP_HDR, the space id twice
          h.set([0, 0, 0, 0], 4);
          h.set([0, 8], 24);
          h.set([0, 0, 0, 6, 0, 0, 0, 6, 0, 0, 0, 0], 34);
        }
      }
      for (const [name, sniff] of Object.entries(sniffs)) if (sniff(h)) claimed.push(`${name} #${i}`);
    }
    expect(claimed).toEqual([]);
  });

  it('no head of a file in /usr/bin or /usr/lib (programs, libraries, scripts) is claimed, even named as a glass table', () => {
    const all = [...fileHeads('/usr/bin', 5000), ...fileHeads('/usr/lib/x86_64-linux-gnu', 5000), ...fileHeads('/usr/lib', 5000)];
    expect(all.length).toBeGreaterThan(500);
    const claimed = all.flatMap((h, i) => Object.entries(sniffs).flatMap(([name, sniff]) => (sniff(h) ? [`${name} #${i}`] : [])));
    expect(claimed).toEqual([]);
  });
});
