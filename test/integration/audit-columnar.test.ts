// Property: the shipped bundle reads columnar data files whose pages are compressed with no magic number — Parquet as
// pyarrow (snappy, the default of pandas too; lz4; brotli; data page v2), polars and DuckDB write it, and pyarrow's ORC
// (snappy) — each value found at its page (`FILE@OFFSET!`), each clean twin without a finding, no part named not fully
// audited. Nearest real-world variant: a data or ML image shipping a `.parquet` extract whose token column holds a
// service account's token (test/fixtures/columnar/README.md). Before columnar.ts all seven were silent.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { layoutOf, SECRET } from '../../src/audit/decoders/testing.js';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = process.env.HOIST_TEST_CLI ? resolve(process.env.HOIST_TEST_CLI) : join(ROOT, 'dist/cli.js');
const FIXTURES = join(ROOT, 'test/fixtures/columnar');
const work = mkdtempSync(join(tmpdir(), 'hoist-audit-columnar-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

it('the bundle finds a token in every Parquet and ORC fixture, and nothing in their clean twins', async () => {
  const names = readdirSync(FIXTURES).filter((n) => /\.(parquet|orc)$/.test(n));
  const layout = join(work, 'layout');
  await layoutOf(layout, Object.fromEntries(names.map((n) => [`srv/data/${n}`, readFileSync(join(FIXTURES, n))])));
  const values = join(work, 'values.txt');
  writeFileSync(values, `${SECRET}\n`, { mode: 0o600 });
  const run = spawnSync(process.execPath, [CLI, 'audit', layout, '--audit-values-file', values, '--json'], { encoding: 'utf8', cwd: work });
  const json = JSON.parse(run.stdout.slice(run.stdout.indexOf('{'))) as { findings: Array<{ severity: string; where: string }> };
  const where = json.findings.map((f) => `${f.severity} ${f.where.replace(/^layer sha256:[0-9a-f]+ \([^)]*\), /, '').replace(/@\d+!$/, '@N!')}`);
  const leaky = names.filter((n) => n.startsWith('leaky-')).sort();
  expect({ code: run.status, where: [...new Set(where)].sort() }).toEqual({ code: 1, where: leaky.map((n) => `leak srv/data/${n}@N!`) });
  expect(leaky.length).toBe(7);
});
