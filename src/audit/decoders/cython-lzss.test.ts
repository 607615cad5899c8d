// Property: a string table compressed as Cython 3.3 compresses a module's constants (LZSS: a flag byte per 8 items,
// references of 2 or 3 bytes, no header) is read back whole wherever it lies in binary bytes and however the content is
// cut into chunks — for random tables of constants (identifiers, SQL, URLs, UTF-8 text, repeats near and far, so every
// form of reference is written) holding random values with `+/=&<>%"\`; the audit finds the value; a table with
// another value and random binary bytes route nothing. Nearest real-world variant: an extension module cythonized by
// Cython 3.3.0 from a settings module holding an API token (test/fixtures/cython, stripped), and its clean twin —
// through the source and through the shipped bundle; and the .so files of this machine, which route no table.
// Missed through the bundle of the session's start: round 24's cython-lzss and cython-lzss-pw.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { CythonTables, MIN_TABLE } from './cython-lzss.js';
import { lzss, unlzss } from './cython-lzss.testing.js';
import { auditFiles, layoutOf, SECRET } from './testing.js';

const rand = seededPerTest(0xc7a0);
const ROOT = new URL('../../../', import.meta.url).pathname;
const fixture = (name: string) => readFileSync(join(ROOT, 'test/fixtures/cython', `${name}.cpython-311-x86_64-linux-gnu.so`));

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_';
const VALUE = `${LETTERS}+/=&<>%"\\`;

/** A module's constants as Cython concatenates them: names, SQL and URLs that repeat with small changes, some UTF-8, `value` among them. */
function table(value: string): Buffer {
  const parts: string[] = [];
  const n = rand.int(20, 200);
  const at = rand.int(n);
  for (let i = 0; i < n; i++) {
    if (i === at) parts.push(value);
    const k = rand.int(6);
    if (k === 0) parts.push(rand.chars(LETTERS, rand.int(1, 30)));
    else if (k === 1) parts.push(`SELECT id, name, amount FROM invoices WHERE customer_id = %s AND status = ${i}`);
    else if (k === 2) parts.push(`https://api.internal.example/v2/accounts/${i}/items?limit=${rand.int(1000)}`);
    else if (k === 3) parts.push(rand.pick(['Zürich', 'コンフィグ', 'naïve café', '€ price', 'Ελληνικά']));
    else if (k === 4) parts.push(rand.pick(['__main__', '__name__', 'settings', 'endpoint', 'headers', 'Authorization', 'Bearer ']));
    else parts.push(rand.chars(VALUE, rand.int(3, 40)));
  }
  return Buffer.from(parts.join(''));
}

/** How much of a match the writer takes: all, most, a short copy (the 5-bit form), or none (a literal). */
const pick = (n: number) => [n, n, Math.max(3, n - rand.int(n)), Math.min(n, rand.int(3, 34)), 0][rand.int(5)]!;

/** Binary bytes as code and data are: random, with 0xff runs, zero fills and short strings between. */
function binary(n: number): Buffer {
  const parts: Buffer[] = [];
  let size = 0;
  while (size < n) {
    const k = rand.int(4);
    const b =
      k === 0
        ? Buffer.alloc(rand.int(1, 40), 0xff)
        : k === 1
          ? Buffer.alloc(rand.int(1, 64))
          : k === 2
            ? Buffer.from(`${rand.chars(LETTERS, rand.int(2, 20))}\0`)
            : rand.bytes(rand.int(1, 200));
    parts.push(b);
    size += b.length;
  }
  return Buffer.concat(parts).subarray(0, n);
}

/** The tables `content` routes, fed in chunks of `sizes` (cycled): their offsets and decoded bytes. */
async function routed(content: Uint8Array, sizes: number[]): Promise<Array<{ at: number; bytes: Buffer; name: string }>> {
  const out: Array<{ at: number; bytes: Buffer; name: string }> = [];
  const reader = new CythonTables((at, name) => {
    const parts: Buffer[] = [];
    return { write: (b) => void parts.push(Buffer.from(b)), end: () => void out.push({ at, name, bytes: Buffer.concat(parts) }) };
  });
  for (let i = 0, k = 0; i < content.length; k++) {
    const size = sizes[k % sizes.length]!;
    await reader.push(content.subarray(i, i + size));
    i += size;
  }
  await reader.end();
  return out;
}

describe("Cython's LZSS string tables", () => {
  it('the writer of the tests writes the format: read back by the decompressor, every form of reference used', () => {
    const forms = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const data = table(`k_${rand.chars(VALUE, 30)}`);
      const packed = lzss(data, pick);
      expect(unlzss(packed, data.length).equals(data)).toBe(true);
      // The reference forms, by the bytes the writer made (a rough census: a literal can look like one).
      for (let p = 0; p + 2 < packed.length; p++) if (packed[p]! & 0x80) forms.add(packed[p + 1]! & 0x80 ? 'long' : 'short');
      forms.add('near');
    }
    expect([...forms].sort()).toEqual(['long', 'near', 'short']);
  });

  it('generated: tables at random offsets in binary bytes, whole however the content is cut; nothing else routed', async () => {
    for (let round = 0; round < 12; round++) {
      const values = [0, 1, 2].map(() => `${rand.pick(['', 'ghp_', 'Bearer ', 'postgres://u:'])}${rand.chars(VALUE, rand.int(12, 40))}`);
      const tables = values.map((v) => table(v));
      const pieces: Buffer[] = [];
      const offsets: number[] = [];
      let size = 0;
      for (const t of tables) {
        const gap = binary(rand.int(0, 5000));
        pieces.push(gap);
        size += gap.length;
        offsets.push(size);
        const packed = lzss(t, pick);
        pieces.push(packed);
        size += packed.length;
      }
      pieces.push(binary(rand.int(0, 3000)));
      const content = Buffer.concat(pieces);
      for (const sizes of [[content.length], [rand.int(1, 16)], [rand.int(100, 5000), rand.int(1, 9)], [65536]]) {
        const got = await routed(content, sizes);
        // Each table whole, routed from its flag byte — or from a chance one right before it whose items end where
        // the table's begin (0xff, 8 bytes of text, then the table: read as one); after it, what the bytes that follow
        // decode to until one breaks it (a few bytes of text). Nothing else.
        expect(got.length, `round ${round}, chunks ${sizes}`).toBe(tables.length);
        got.forEach((g, k) => {
          expect(g.name).toBe('Cython compressed strings');
          expect(offsets[k]! - g.at, `table ${k} of round ${round} at ${g.at}`).toBeGreaterThanOrEqual(0);
          expect(offsets[k]! - g.at).toBeLessThan(64);
          expect(g.bytes.subarray(0, 64 + tables[k]!.length).includes(tables[k]!), `table ${k} of round ${round}`).toBe(true);
          expect(g.bytes.includes(values[k]!)).toBe(true);
        });
      }
    }
  });

  it('a table longer than the reader’s buffer and its window (64 KiB and more, references reaching 16 KiB back) is whole', async () => {
    const parts: string[] = [];
    for (let i = 0; i < 9000; i++) parts.push(i % 50 === 0 ? rand.chars(VALUE, 40) : `field_${i % 700}_${rand.chars(LETTERS, 4)}`);
    parts.splice(4500, 0, SECRET);
    const data = Buffer.from(parts.join(''));
    expect(data.length).toBeGreaterThan(100_000);
    const packed = lzss(data, pick);
    expect(unlzss(packed, data.length).equals(data)).toBe(true);
    const content = Buffer.concat([binary(777), packed, binary(500)]);
    for (const sizes of [[content.length], [4093], [65536]]) {
      const got = await routed(content, sizes);
      expect(got.length).toBe(1);
      expect(got[0]!.bytes.subarray(0, 64 + data.length).includes(data)).toBe(true);
    }
  });

  it('random and binary bytes route nothing', async () => {
    expect(await routed(rand.bytes(4 << 20), [65536])).toEqual([]);
    expect(await routed(binary(4 << 20), [65536])).toEqual([]);
    // Text before a table's flag byte changes nothing; text alone (no 0xff) is not searched.
    expect(await routed(Buffer.from('x'.repeat(10_000)), [4096])).toEqual([]);
  });

  it('the audit finds a value in a generated table in a binary; another value is no finding', async () => {
    const so = (v: string) => Buffer.concat([Buffer.from('\x7fELF\x02\x01\x01'), binary(20_000), lzss(table(v), pick), binary(9_000)]);
    const leaks = await auditFiles({
      'usr/lib/python3/dist-packages/app/settings.so': so(SECRET),
      'usr/lib/python3/dist-packages/app/clean.so': so(`tok-${rand.chars(LETTERS, 30)}`),
    });
    expect(leaks.map((f) => [f.severity, f.path])).toEqual([
      ['leak', expect.stringMatching(/^usr\/lib\/python3\/dist-packages\/app\/settings\.so!\(Cython compressed strings at \d+\)$/)],
    ]);
  });

  it('a module cythonized by Cython 3.3.0 (test/fixtures/cython): its token found, through the source and the bundle; its clean twin is not', async () => {
    const leaky = fixture('leaky');
    const clean = fixture('clean');
    expect(leaky.includes(SECRET)).toBe(false);
    const files = { 'app/billing/settings.cpython-311-x86_64-linux-gnu.so': leaky, 'app/billing/clean.cpython-311-x86_64-linux-gnu.so': clean };
    const where = /^app\/billing\/settings\.cpython-311-x86_64-linux-gnu\.so!\(Cython compressed strings at 35616\)$/;
    expect((await auditFiles(files)).map((f) => [f.severity, f.path])).toEqual([['leak', expect.stringMatching(where)]]);
    const dir = mkdtempSync(join(tmpdir(), 'hoist-cython-'));
    try {
      await layoutOf(join(dir, 'layout'), files);
      writeFileSync(join(dir, 'values'), `${SECRET}\n`, { mode: 0o600 });
      const run = spawnSync(process.execPath, [join(ROOT, 'dist/cli.js'), 'audit', join(dir, 'layout'), '--audit-values-file', join(dir, 'values'), '--json'], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      const json = JSON.parse(run.stdout.slice(run.stdout.indexOf('{'))) as { findings: Array<{ severity: string; where: string }> };
      expect(json.findings.map((f) => [f.severity, f.where.replace(/^layer sha256:[0-9a-f]+ \([^)]*\), /, '')])).toEqual([
        ['leak', expect.stringMatching(where)],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);

  it('the shared objects of this machine route no table (code and data are not taken for one)', async () => {
    const dir = '/usr/lib/x86_64-linux-gnu';
    const files = readdirSync(dir)
      .filter((n) => /\.so(\.\d+)*$/.test(n))
      .map((n) => join(dir, n))
      .filter((p) => {
        try {
          const s = statSync(p);
          return s.isFile() && s.size < 8 << 20;
        } catch {
          return false;
        }
      })
      .slice(0, 400);
    expect(files.length).toBeGreaterThan(100);
    const tables: string[] = [];
    let bytes = 0;
    for (const f of files) {
      const d = readFileSync(f);
      bytes += d.length;
      for (const g of await routed(d, [262144]))
        if (g.bytes.length >= MIN_TABLE) tables.push(`${f}@${g.at}: ${JSON.stringify(g.bytes.subarray(0, 60).toString('latin1'))}`);
    }
    expect(bytes).toBeGreaterThan(20 << 20);
    // A copy of a pattern (libnss3's `%s,%s,…`) can decode as one by chance: at most a few in 400 files, each text.
    expect(tables.length, tables.join('\n')).toBeLessThanOrEqual(2);
  }, 120_000);
});
