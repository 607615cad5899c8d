// Property: a value stored by a real PostgreSQL server — compressed inline in its row (pglz, and LZ4
// where the column says so), compressed and moved out of line into the TOAST table in ~2 KiB chunks,
// or out of line uncompressed across a chunk boundary — is found in the relation file that holds it,
// however the file is cut into pieces; in the WAL too where a record holds it inline; the clean twin
// cluster (the same rows, another value) gives no finding at all; random and damaged bytes never
// throw. Nearest real-world variants: an image with a database preloaded at build time (a settings
// row holding a JSON blob with a token, a jsonb column), a `COPY` of a pgdata directory.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeWith } from './decode.testing.js';
import { unpglz } from './pglz.js';
import { postgres, relationPageSize, walPageSize } from './postgres.js';
import { auditFiles, SECRET } from './testing.js';
import { seeded, seededPerTest, testSeed } from '../../../test/support/random.js';
import { makeCluster, postgresBin, type Cluster } from '../../../test/support/postgres.js';

const rand = seededPerTest(7);
const bin = postgresBin();

/** A test value: printable, with the characters encoders treat apart, and non-ASCII. */
const value = (r = seeded(testSeed(11))) => `pg-${r.chars('abcdefghijklmnopqrstuvwxyz0123456789', 12)}+/=&<>%"\\é台😀-${r.chars('ABCDEFGHKMNPQRSTUVWXYZ', 10)}`;
const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** Where the uncompressed value out of line puts it: 10 bytes before the edge of its 4th and 5th chunks (1996 bytes each on 8 KiB pages). */
const EDGE = 4 * 1996 - 10;

/** Rows placing `v` as PostgreSQL stores a large value: pglz inline, pglz out of line, LZ4 inline, uncompressed out of line across a chunk edge, jsonb. */
const rowsSql = (v: string) => `
CREATE TABLE cfg(k text, v text);
INSERT INTO cfg VALUES ('inline', '{"pad":"' || repeat('abcdefgh', 600) || '","token":' || ${lit(JSON.stringify(v))} || ',"more":"' || repeat('ijkl', 500) || '"}');
INSERT INTO cfg VALUES ('toasted', '{"users":[' || (SELECT string_agg('{"id":' || i || ',"name":"user-' || i || '","role":"reader"}', ',') FROM generate_series(1, 3000) i) || '],"token":' || ${lit(JSON.stringify(v))} || '}');
INSERT INTO cfg VALUES ('edge', substr((SELECT string_agg(md5(i::text), '') FROM generate_series(1, 250) i), 1, ${EDGE}) || ${lit(v)} || (SELECT string_agg(md5(i::text), '') FROM generate_series(251, 3000) i));
CREATE TABLE fast(k text, v text COMPRESSION lz4);
INSERT INTO fast VALUES ('lz4', ${lit(v.slice(0, 12))} || repeat('mnop', 900) || ${lit(v)} || repeat('qrst', 900));
CREATE TABLE docs(d jsonb);
INSERT INTO docs VALUES (jsonb_build_object('pad', repeat('uvwx', 2000), 'token', ${lit(v)}));
`;
const RELATIONS = {
  cfg: "'cfg'::regclass",
  cfgToast: "(SELECT reltoastrelid FROM pg_class WHERE relname = 'cfg')",
  fast: "'fast'::regclass",
  docs: "'docs'::regclass",
};

/** Every file of a data directory, by its path under it. */
function filesOf(data: string): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(data, p)] = readFileSync(p);
    }
  };
  walk(data);
  return out;
}

describe.skipIf(!bin)('PostgreSQL data files: compressed and TOAST-chunked values', () => {
  const v = value();
  let leaky: Cluster;
  let clean: Cluster;
  let secretCluster: Cluster;
  beforeAll(() => {
    leaky = makeCluster(bin!, rowsSql(v), RELATIONS);
    clean = makeCluster(bin!, rowsSql(value(seeded(testSeed(12)))), RELATIONS);
    secretCluster = makeCluster(bin!, rowsSql(SECRET), RELATIONS);
  }, 120_000);
  afterAll(() => [leaky, clean, secretCluster].forEach((c) => c?.remove()));

  it('each relation file that holds the value is claimed, and the value decoded from it in any piece size; none of them holds it plain', async () => {
    // What each relation holds of it as stored: the JSON rows the value JSON-escaped (its " and \\), the others as it is.
    const json = Buffer.from(JSON.stringify(v));
    const utf8 = Buffer.from(v);
    const held = { cfg: [json], cfgToast: [json, utf8], fast: [utf8], docs: [utf8] };
    for (const name of ['cfg', 'cfgToast', 'fast', 'docs'] as const) {
      const file = readFileSync(join(leaky.data, leaky.files[name]!));
      expect(relationPageSize(file), name).toBe(8192);
      expect(postgres.sniff(file.subarray(0, 512), leaky.files[name]!), name).toBe(true);
      for (const chunk of [7, 4096, 8192 + 13, file.length]) {
        const { out, limits } = await decodeWith(postgres, file, { chunk });
        expect(limits, `${name} in pieces of ${chunk}`).toEqual([]);
        for (const form of held[name]) expect(out.includes(form), `${name} in pieces of ${chunk}`).toBe(true);
      }
    }
    // Each way of storing it is a case the plain read misses: pglz inline, pglz chunks, a chunk edge, lz4 with a match inside.
    for (const name of ['cfg', 'cfgToast', 'fast'] as const)
      for (const form of held[name]) expect(readFileSync(join(leaky.data, leaky.files[name]!)).includes(form), name).toBe(false);
  }, 60_000);

  it('the WAL segment is claimed as WAL, and a value its records hold inline is decoded from it', async () => {
    const wal = readdirSync(join(leaky.data, 'pg_wal')).filter((n) => /^[0-9A-F]{24}$/.test(n));
    const segment = readFileSync(join(leaky.data, 'pg_wal', wal[0]!));
    expect(walPageSize(segment)).toBe(8192);
    expect(relationPageSize(segment)).toBeUndefined();
    // The pglz row's text around the value, as inserted: never plain in the WAL (its record holds the compressed datum).
    const row = Buffer.from(`"token":${JSON.stringify(v)},"more":"ijkl`);
    expect(segment.includes(row)).toBe(false);
    for (const chunk of [5000, 1 << 20]) expect((await decodeWith(postgres, segment, { chunk })).out.includes(row), `pieces of ${chunk}`).toBe(true);
  }, 60_000);

  it('through the audit: the data directory in a layer fails on the value, named at the relation files; the clean twin passes with no finding', async () => {
    const found = await auditFiles(Object.fromEntries(Object.entries(filesOf(secretCluster.data)).map(([p, b]) => [`var/lib/postgresql/data/${p}`, b])));
    const at = (name: keyof typeof RELATIONS) => `var/lib/postgresql/data/${secretCluster.files[name]}!(values)`;
    for (const name of ['cfg', 'cfgToast', 'fast'] as const) expect(found, name).toContainEqual({ severity: 'leak', what: 'token', path: at(name) });
    expect(found.filter((f) => f.severity !== 'leak')).toEqual([]);
    expect(await auditFiles(Object.fromEntries(Object.entries(filesOf(clean.data)).map(([p, b]) => [`var/lib/postgresql/data/${p}`, b])))).toEqual([]);
  }, 120_000);
});

/** A pglz stream of `raw` as PostgreSQL's format writes one: literals, and back-references chosen at random where the bytes repeat. */
function pglz(raw: Buffer, r: { next(): number }): Buffer {
  const out: number[] = [];
  let ctrlAt = -1;
  let bit = 8;
  const item = (isTag: boolean, bytes: number[]) => {
    if (bit === 8) {
      ctrlAt = out.push(0) - 1;
      bit = 0;
    }
    if (isTag) out[ctrlAt]! |= 1 << bit;
    bit++;
    out.push(...bytes);
  };
  for (let i = 0; i < raw.length;) {
    let best = 0;
    let bestOff = 0;
    for (let off = 1; off <= Math.min(i, 4095) && r.next() < 0.9; off++) {
      let n = 0;
      while (n < 273 && i + n < raw.length && raw[i + n] === raw[i + n - off]) n++;
      if (n > best) [best, bestOff] = [n, off];
    }
    if (best < 3) {
      item(false, [raw[i++]!]);
      continue;
    }
    const len = best;
    if (len < 18) item(true, [((bestOff >> 4) & 0xf0) | (len - 3), bestOff & 0xff]);
    else item(true, [((bestOff >> 4) & 0xf0) | 15, bestOff & 0xff, len - 18]);
    i += len;
  }
  return Buffer.from(out);
}

describe('pglz', () => {
  it(`random values with repeats: decoded exactly; cut short, a byte changed or a size off by one gives nothing, never a throw (seed ${rand.seed})`, () => {
    for (let n = 0; n < 300; n++) {
      const unit = rand.bytes(rand.int(1, 40));
      const raw = Buffer.concat(Array.from({ length: rand.int(1, 60) }, () => (rand.next() < 0.5 ? unit : rand.bytes(rand.int(1, 30)))));
      const z = pglz(raw, rand);
      expect(unpglz(z, raw.length)).toEqual(raw);
      expect(unpglz(z, raw.length + 1)).toBeUndefined();
      const cut = z.subarray(0, rand.int(0, z.length));
      expect(unpglz(cut, raw.length)).toBeUndefined(); // short of its input, the raw size is never reached
      const bad = Buffer.from(z);
      const at = rand.int(bad.length);
      bad[at] = bad[at]! ^ (1 << rand.int(8));
      expect(() => unpglz(bad, raw.length)).not.toThrow();
    }
  });

  it(`random bytes and damaged pages: no relation or WAL claim on random heads, nothing decoded, no throw (seed ${rand.seed})`, async () => {
    let claimed = 0;
    for (let n = 0; n < 20_000; n++) if (postgres.sniff(rand.bytes(512), 'x')) claimed++;
    expect(claimed).toBe(0);
    const page = Buffer.alloc(8192 * 3);
    for (let p = 0; p < 3; p++) {
      rand.bytes(8192).copy(page, p * 8192);
      page.writeUInt16LE(24 + 4 * 40, p * 8192 + 12);
      page.writeUInt16LE(1000, p * 8192 + 14);
      page.writeUInt16LE(8192, p * 8192 + 16);
      page.writeUInt16LE(0x2004, p * 8192 + 18);
      page.writeUInt16LE(0, p * 8192 + 10);
    }
    expect(postgres.sniff(page, 'x')).toBe(true);
    const { out } = await decodeWith(postgres, page, { chunk: 777 });
    expect(out.subarray(0, page.length - 24)).toEqual(page.subarray(24)); // the plain read, less the first header
  });
});
