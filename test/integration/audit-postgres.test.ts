// The audit of a PostgreSQL data directory through the bundle that ships (`node dist/cli.js audit
// ./LAYOUT --audit-values-file F --json`): a real cluster (initdb, psql, CHECKPOINT, a clean stop)
// whose settings row holds a token inside a JSON document PostgreSQL stored compressed (pglz, never
// plain in the file), and a jsonb document too, in a layer as an image preloaded at build time
// carries them (/var/lib/postgresql/data). Property: the leaky image fails, the value named at the
// relation file's decoded values; the clean twin (the same rows, another value) passes with no
// finding at all. The decoder's own cases (TOAST chunks, LZ4, WAL, piece sizes) are postgres.test.ts.
import { mkdirSync, mkdtempSync, rmSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLayout, findingsFor, writeLayout, type AuditRun } from '../support/corpus/layout.js';
import { makeCluster, postgresBin } from '../support/postgres.js';
import { seeded, testSeed } from '../support/random.js';

const bin = postgresBin();
const r = seeded(testSeed(45));
const token = `pgtok-${r.chars('abcdefghijkmnpqrstuvwxyz23456789', 20)}+/=&<>%-é`;
const other = `pgtok-${r.chars('abcdefghijkmnpqrstuvwxyz23456789', 20)}+/=&<>%-é`;
const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
const sql = (v: string) => `
CREATE TABLE settings(k text, v text);
INSERT INTO settings VALUES ('app', '{"theme":"' || repeat('dark-', 1200) || '","api_token":"' || ${lit(v)} || '","more":"' || repeat('x', 800) || '"}');
CREATE TABLE docs(d jsonb);
INSERT INTO docs VALUES (jsonb_build_object('pad', repeat('abcd', 2000), 'token', ${lit(v)}));
`;

describe.skipIf(!bin)('audit through dist: a PostgreSQL data directory in a layer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hoist-pg-layout-'));
  let leaky: AuditRun;
  let clean: AuditRun;
  beforeAll(async () => {
    for (const [name, v] of [
      ['leaky', token],
      ['clean', other],
    ] as const) {
      const cluster = makeCluster(bin!, sql(v));
      try {
        const layer = join(dir, `${name}-layer`);
        mkdirSync(join(layer, 'var/lib/postgresql'), { recursive: true });
        cpSync(cluster.data, join(layer, 'var/lib/postgresql/data'), { recursive: true });
        await writeLayout(join(dir, name), [{ dir: layer, gzip: true }]);
      } finally {
        cluster.remove();
      }
    }
    leaky = await auditLayout(dir, 'leaky', [token]);
    clean = await auditLayout(dir, 'clean', [token]);
  }, 300_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the leaky image fails, the token named at a relation file of the database (its decoded values)', () => {
    expect(leaky.code).toBe(1);
    const where = findingsFor(leaky, 0).map((f) => f.where);
    expect(
      where.some((w) => /var\/lib\/postgresql\/data\/base\/\d+\/\d+!\(values\)/.test(w)),
      where.join('\n'),
    ).toBe(true);
  });

  it('the clean twin passes with no finding at all', () => {
    expect(clean.findings).toEqual([]);
    expect(clean.code).toBe(0);
  });
});
