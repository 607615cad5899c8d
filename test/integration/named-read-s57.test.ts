// Property (issue 28, session 57): formats the audit used only to name are read, and damage the readers used to pass
// over is named — through the bundle that ships (`node dist/cli.js audit LAYOUT --json`, or HOIST_TEST_CLI):
// - an ARJ archive made by `arj a -m4` (its fastest method): the value found at the member's path, the clean twin gives
//   no finding at all (before: the archive named, "method 4, which the audit does not decode", leaky or clean);
// - an ARJ -m1 archive whose member's data is damaged past the value yet decodes to its size: named (its CRC-32);
// - an H2 database (COMPRESS=TRUE) whose page length is damaged, or that is cut at a page: named (before: the walk
//   stopped, the value's page dropped, unsaid);
// - a WiredTiger table (the `wt` tool, snappy) whose value's page has its type byte damaged: named (before: passed over
//   as free space, unsaid).
// Nearest real-world variants: a legacy DOS toolchain's archive copied into an image; an app's H2 file or a MongoDB
// collection file bit-rotted in a cache layer or cut by a full disk.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { has, layoutOf, tool } from '../../src/audit/decoders/testing.js';
import { wtTable } from '../../src/audit/decoders/wiredtiger.testing.js';

const CLI = process.env['HOIST_TEST_CLI'] ?? 'dist/cli.js';
const VALUE = 'tok-s57-named-read-6e1f0a9c3b7d';
const CLEAN = 'not-s57-named-read-000000000000';
const work = mkdtempSync(join(tmpdir(), 'hoist-named-read-s57-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Finding {
  severity: string;
  /** The path in the layer (`where` less its layer), a member's path after `!` shortened to `!…`. */
  path: string;
}

/** The findings of the bundle's audit of a layout holding `files`, the value VALUE. */
async function audit(name: string, files: Record<string, Uint8Array>): Promise<Finding[]> {
  const layout = join(work, name);
  await layoutOf(layout, files);
  const values = join(work, `${name}.values`);
  writeFileSync(values, `${VALUE}\n`, { mode: 0o600 });
  const r = spawnSync(process.execPath, [CLI, 'audit', layout, '--audit-values-file', values, '--json'], { encoding: 'utf8', timeout: 240_000 });
  expect([0, 1], r.stderr).toContain(r.status);
  const report = JSON.parse(r.stdout) as { findings: Array<{ severity: string; where: string }> };
  return report.findings
    .map((f) => ({ severity: f.severity, path: f.where.replace(/^layer [^,]*, /, '').replace(/!(\/|\().*/, '!…') }))
    .sort((a, b) => a.path.localeCompare(b.path));
}

const config = (value: string) => `${Array.from({ length: 3000 }, (_, i) => `row ${i} ${(i * 2654435761) >>> 0}`).join('\n')}\nAPI_TOKEN=${value}\n`;

describe.runIf(has('arj'))('ARJ', { timeout: 300_000 }, () => {
  it('arj a -m4: the leaky member found at its path, the clean twin no finding; an -m1 member damaged past the value named', async () => {
    const arj = (value: string, method: string) =>
      tool('sh', ['-c', `arj a -y ${method} out.arj notes.txt app.env > /dev/null`], { 'notes.txt': config('x'), 'app.env': config(value) }, 'out.arj');
    const damaged = arj(CLEAN, '-m1');
    // The last 16 bytes before the end header: the member's data garbled past where a value would be, its size kept.
    damaged.fill(0, damaged.length - 40, damaged.length - 24);
    expect(await audit('arj', { 'srv/leaky.arj': arj(VALUE, '-m4'), 'srv/clean.arj': arj(CLEAN, '-m4'), 'srv/damaged.arj': damaged })).toEqual([
      { severity: 'limit', path: 'srv/damaged.arj' },
      { severity: 'leak', path: 'srv/leaky.arj!…' },
    ]);
  });
});

const H2_JAR = '/usr/share/java/h2.jar';
describe.runIf(has('java') && existsSync(H2_JAR))('H2 MVStore', { timeout: 300_000 }, () => {
  it('COMPRESS=TRUE, a page length damaged or the file cut at a page: named', async () => {
    const db = tool(
      'sh',
      ['-c', `java -cp ${H2_JAR} org.h2.tools.RunScript -url "jdbc:h2:$PWD/app;COMPRESS=TRUE" -script load.sql > /dev/null`],
      {
        'load.sql': `CREATE TABLE s (id INT PRIMARY KEY, v VARCHAR(4000));
INSERT INTO s SELECT X, '{"id":' || X || ',"role":"reader"}' FROM SYSTEM_RANGE(1, 3000);
INSERT INTO s VALUES (0, '{"api_token":"${VALUE}"}');
SHUTDOWN COMPACT;
`,
      },
      'app.mv.db',
    );
    const first = db.indexOf(0x0a, 8192) + 1;
    const lengthDamaged = Buffer.from(db);
    lengthDamaged.writeUInt32BE(3, first);
    expect(await audit('h2', { 'srv/length.mv.db': lengthDamaged, 'srv/cut.mv.db': db.subarray(0, first + db.readUInt32BE(first)) })).toEqual([
      { severity: 'limit', path: 'srv/cut.mv.db' },
      { severity: 'limit', path: 'srv/length.mv.db' },
    ]);
  });
});

describe.runIf(has('wt'))('WiredTiger', { timeout: 300_000 }, () => {
  it('snappy: the first page’s type byte set to 0: named', async () => {
    const table = wtTable(VALUE, 'snappy');
    table[4096 + 24] = 0;
    const findings = await audit('wt', { 'data/db/collection-0-1.wt': table });
    expect(findings.filter((f) => f.severity === 'limit')).toEqual([{ severity: 'limit', path: 'data/db/collection-0-1.wt' }]);
  });
});
