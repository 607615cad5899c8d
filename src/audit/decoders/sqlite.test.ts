// Property: a SQLite database (made by the sqlite3 shell) whose row runs past its page into overflow
// pages has that row read whole, so a value split in the file between the row's part on its page and
// its first overflow page — or between two overflow pages — is found, at every place the row's length
// puts the cut; its clean twin passes; what the database held before (a value inside a page, base64 of
// one) is still found; a damaged database is read as far as it goes, never thrown.
// Nearest real-world variants: an app's settings table holding a large JSON blob with a credential,
// a browser-style cookie or token store, rpmdb.sqlite.
import { execFileSync } from 'node:child_process';
import * as zlib from 'node:zlib';
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

// Property: a BLOB whose whole value is a magicless stream — brotli at any window an encoder picks (the brotli CLI: 10–24
// by the input's size), raw deflate — is decoded at its offset (`app.db@N!`) on its page and joined across overflow
// pages (`app.db!(value N)`); a BLOB of random bytes, and one with a byte more than its stream, give nothing. Fails
// before valuesOnward (sqlite.ts): these BLOBs were read as plain bytes only (round 21's sqlite-blob artifacts, silent
// through the session-start bundle). Nearest real-world variant: an app's settings cache compressing each payload.
const settings = (rows: number) => Buffer.from(`token=${SECRET}\n${Array.from({ length: rows }, (_, i) => i).join(' ')}`);
const blobs = (values: Buffer[]) =>
  db(`create table cache (k text, v blob);\n${values.map((v, i) => `insert into cache values ('k${i}', X'${v.toString('hex')}');`).join('\n')}`);

describe.skipIf(!has('sqlite3'))('SQLite BLOBs holding a magicless stream', () => {
  it.each([10, 16, 22, 24])('brotli at window %i, on its page and overflowing it: decoded', async (lgwin) => {
    for (const rows of [60, 3000]) {
      const brotli = zlib.brotliCompressSync(settings(rows), { params: { [zlib.constants.BROTLI_PARAM_LGWIN]: lgwin } });
      const file = blobs([rand.bytes(40), brotli, rand.bytes(3000)]);
      expect(file.includes(`token=${SECRET}`)).toBe(false);
      const { out, limits } = await decodeWith(sqlite, file);
      expect({ rows, found: out.includes(`token=${SECRET}`), limits }).toEqual({ rows, found: true, limits: [] });
    }
  });

  it('raw deflate through the audit: found at app.db@N!; random BLOBs and a stream with a byte more give nothing', async () => {
    const deflated = zlib.deflateRawSync(settings(60));
    expect(await auditFiles({ 'var/lib/app/app.db': blobs([deflated]) })).toEqual([
      { severity: 'leak', what: 'token', path: expect.stringMatching(/^var\/lib\/app\/app\.db@\d+!$/) },
    ]);
    const clean = blobs([rand.bytes(50), rand.bytes(5000), Buffer.concat([deflated, Buffer.from([7])])]);
    const { out, limits } = await decodeWith(sqlite, clean);
    expect({ decoded: out.includes(`token=${SECRET}`), limits }).toEqual({ decoded: false, limits: [] });
  });
});
