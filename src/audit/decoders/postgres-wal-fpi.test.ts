// Property: a value a PostgreSQL server wrote to its WAL only inside a full-page image compressed by `wal_compression`
// (pglz: `on` or `pglz`; a row changed after a checkpoint, with wal_level replica the image is that change's only copy
// of the row) is found in the WAL segment, named at its decoded pages, in any piece size; the clean twin's segment
// (another value) gives no finding. The WAL of PostgreSQL 12–14 flags a compressed image 0x02, 15 on 0x04 (pglz), 0x08
// (LZ4) or 0x10 (zstd): the server on this machine writes 15's. Nearest real-world variant: a database image whose
// pg_wal (or a WAL archive of `archive_command = cp`) was kept with the data directory, `wal_compression` set as its
// documentation advises for write-heavy servers; the row later deleted.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeWith } from './decode.testing.js';
import { postgres, WalWalk } from './postgres.js';
import { auditFiles, SECRET } from './testing.js';
import { seeded, testSeed } from '../../../test/support/random.js';
import { makeCluster, postgresBin, type Cluster } from '../../../test/support/postgres.js';

const bin = postgresBin();
const r = seeded(testSeed(15072));
const OTHER = `tok-decoders-${r.chars('0123456789abcdef', 12)}+/=value`;

/** 3,000 rows, a checkpoint, then one row changed to hold `v` (its page's image is written, compressed) and deleted. */
const sql = (v: string) => `
CREATE TABLE settings (id int PRIMARY KEY, k text, v text);
INSERT INTO settings SELECT g, 'user:' || lpad(g::text, 5, '0'), '{"id":' || g || ',"role":"reader"}' FROM generate_series(1, 3000) g;
INSERT INTO settings VALUES (0, 'config', '{"endpoint":"https://api.example.com"}');
CHECKPOINT;
UPDATE settings SET v = '{"api_token":"${v}","endpoint":"https://api.example.com"}' WHERE id = 0;
DELETE FROM settings WHERE id = 0;
`;

/** The cluster's WAL segments, by name. */
const segments = (c: Cluster) =>
  Object.fromEntries(
    readdirSync(join(c.data, 'pg_wal'))
      .filter((n) => /^[0-9A-F]{24}$/.test(n))
      .map((n) => [`var/lib/postgresql/data/pg_wal/${n}`, readFileSync(join(c.data, 'pg_wal', n))]),
  );

describe.skipIf(!bin)('PostgreSQL WAL: full-page images compressed by wal_compression', () => {
  const clusters: Record<string, Cluster> = {};
  beforeAll(() => {
    clusters.pglz = makeCluster(bin!, sql(SECRET), {}, '-c wal_compression=pglz');
    clusters.on = makeCluster(bin!, sql(SECRET), {}, '-c wal_compression=on');
    clusters.clean = makeCluster(bin!, sql(OTHER), {}, '-c wal_compression=pglz');
  }, 120_000);
  afterAll(() => Object.values(clusters).forEach((c) => c.remove()));

  it.each(['pglz', 'on'])(
    'wal_compression=%s: the value is in no segment plain, and found through the audit at the decoded pages',
    async (name) => {
      const wal = segments(clusters[name]!);
      for (const bytes of Object.values(wal)) expect(bytes.includes(SECRET)).toBe(false);
      const found = await auditFiles(wal);
      expect(found.filter((f) => f.severity !== 'leak')).toEqual([]);
      expect(found.map((f) => f.path)).toContainEqual(expect.stringMatching(/^var\/lib\/postgresql\/data\/pg_wal\/[0-9A-F]{24}!\(values\)$/));
    },
    60_000,
  );

  it('decoded the same in any piece size; the walk gives whole 8 KiB pages', async () => {
    const [segment] = Object.values(segments(clusters.pglz!));
    for (const chunk of [5000, 8192 * 3 + 7, 1 << 20])
      expect((await decodeWith(postgres, segment!, { chunk })).out.includes(SECRET), `pieces of ${chunk}`).toBe(true);
    const walk = new WalWalk(8192);
    const pages: Buffer[] = [];
    for (let at = 0; at < segment!.length; at += 8192) {
      const page = segment!.subarray(at, at + 8192);
      walk.page(page, page[2]! & 0x02 ? 40 : 24);
      pages.push(...walk.images());
    }
    expect(pages.length).toBeGreaterThan(0);
    expect(pages.every((p) => p.length <= 8192)).toBe(true);
    expect(pages.some((p) => p.includes(SECRET))).toBe(true);
  }, 60_000);

  it('the clean twin gives no finding', async () => {
    expect(await auditFiles(segments(clusters.clean!))).toEqual([]);
  }, 60_000);
});
