// Property: a SQLite database (made by the sqlite3 shell) whose row runs past its page into overflow
// pages has that row read whole, so a value split in the file between the row's part on its page and
// its first overflow page — or between two overflow pages — is found, at every place the row's length
// puts the cut; its clean twin passes; what the database held before (a value inside a page, base64 of
// one) is still found; a damaged database is read as far as it goes, never thrown.
// Nearest real-world variants: an app's settings table holding a large JSON blob with a credential,
// a browser-style cookie or token store, rpmdb.sqlite.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeWith } from './decode.testing.js';
import { overflowingRows, sqlite } from './sqlite.js';
import { auditFiles, has, SECRET } from './testing.js';
import { seededPerTest } from '../../../test/support/random.js';

/** Generated inputs, from this seed before each test (HOIST_TEST_SEED replaces it); the tests that draw name it. */
const rand = seededPerTest(1);

/** A database made by the sqlite3 shell from `sql` (the values in it are test values, never a real secret). */
function db(sql: string, pageSize = 4096): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'hoist-sqlite-'));
  try {
    execFileSync('sqlite3', [join(dir, 'app.db')], { input: `PRAGMA page_size=${pageSize};\n${sql}` });
    return readFileSync(join(dir, 'app.db'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const row = (v: string, before: number, after: number) =>
  `CREATE TABLE cfg(k TEXT, v TEXT);\nINSERT INTO cfg VALUES('a', 'small');\nINSERT INTO cfg VALUES('settings', '{"notes": "${'x'.repeat(before)}", "token": "${v}", "more": "${'y'.repeat(after)}"}');\n`;

describe.skipIf(!has('sqlite3'))('SQLite rows across overflow pages', () => {
  it(`every place the cut can fall: whenever the file splits the value, it is found; each row read whole holds what was inserted (seed ${rand.seed})`, async () => {
    let split = 0;
    for (const [before, pageSize] of [
      [600, 4096],
      [4300, 4096],
      [300, 1024],
    ] as const)
      for (let after = 0; after < 2 * pageSize; after += 211) {
        const v = `${SECRET}-${rand.bytes(300).toString('hex')}`;
        const file = db(row(v, before, after), pageSize);
        if (file.includes(v)) continue;
        split++;
        expect([...overflowingRows(file)].some((r) => r.includes(`"token": "${v}", "more": "${'y'.repeat(after)}"}`))).toBe(true);
        const { out, limits } = await decodeWith(sqlite, file, { chunk: 5000 });
        expect(limits).toEqual([]);
        expect(out.includes(v)).toBe(true);
      }
    expect(split).toBeGreaterThan(10);
  }, 60_000);

  it('through the audit: found at app.db!(rows); the clean twin passes; a value inside a page and base64 of one still found', async () => {
    let after = 0;
    while (db(row(SECRET, 600, after)).includes(SECRET)) after += 37;
    expect(await auditFiles({ 'var/lib/app/app.db': db(row(SECRET, 600, after)) })).toEqual([
      { severity: 'leak', what: 'token', path: 'var/lib/app/app.db!(rows)' },
    ]);
    expect(await auditFiles({ 'var/lib/app/app.db': db(row('clean-value-nothing-here', 600, after)) })).toEqual([]);
    expect(await auditFiles({ 'var/lib/app/app.db': db(row(SECRET, 10, 10)) })).toEqual([{ severity: 'leak', what: 'token', path: 'var/lib/app/app.db' }]);
    const b64 = db(row(Buffer.from(`{"k":"${SECRET}"}`).toString('base64'), 10, 10));
    expect((await auditFiles({ 'var/lib/app/app.db': b64 })).map((f) => f.severity)).toEqual(['leak']);
  }, 60_000);

  it(`a damaged database (pages of random bytes, cut short) is read as far as it goes (seed ${rand.seed})`, async () => {
    const file = db(row(SECRET, 600, 3000));
    for (let i = 0; i < 50; i++) {
      const d = Buffer.from(file);
      rand.bytes(4096).copy(d, 4096 * (1 + (i % (d.length / 4096 - 1))));
      const cut = d.subarray(0, 100 + ((i * 977) % d.length));
      expect(() => [...overflowingRows(cut)]).not.toThrow();
      expect((await decodeWith(sqlite, cut, { chunk: 3000 })).limits).toEqual([]);
    }
  });
});
