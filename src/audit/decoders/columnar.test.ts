// Property: a Parquet file's pages compressed by a codec with no magic number (a raw snappy block, raw deflate, brotli)
// are each decoded where the walk of the file's page headers finds them — v1 and v2 pages (a v2 page's levels kept
// uncompressed before its values), a column's metadata written between its pages and the next column's (arrow-rs,
// polars), pages of any size, the file pushed in any chunks — and a value in a column is found there, as in the files
// pyarrow, polars and DuckDB write (snappy, lz4, brotli) and pyarrow's ORC (snappy), each next to its clean twin.
// Damaged and cut files never throw. Before columnar.ts, a token in a snappy Parquet file (pandas' default) was missed:
// its prefix a back-reference to the row before, no run of the file held it.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parquet } from './columnar.js';
import { auditFiles, SECRET } from './testing.js';
import type { DecodeEnv } from './types.js';
import { seededPerTest } from '../../../test/support/random.js';

const rand = seededPerTest(67031);
const FIXTURES = join(import.meta.dirname, '../../../test/fixtures/columnar');

const varint = (n: number): number[] => {
  const out: number[] = [];
  for (; n >= 0x80; n = Math.floor(n / 128)) out.push((n & 0x7f) | 0x80);
  return [...out, n];
};
const zigzag = (n: number) => varint(n >= 0 ? n * 2 : -n * 2 - 1);
/** Thrift compact fields: [id, value] — a number an i32, an array a nested struct, a boolean a bool. */
type Field = [number, number | boolean | Field[]];
function struct(fields: Field[]): number[] {
  const out: number[] = [];
  let last = 0;
  for (const [id, v] of fields) {
    const type = typeof v === 'number' ? 5 : typeof v === 'boolean' ? (v ? 1 : 2) : 12;
    out.push(((id - last) << 4) | type, ...(typeof v === 'number' ? zigzag(v) : typeof v === 'boolean' ? [] : struct(v)));
    last = id;
  }
  return [...out, 0];
}

/** A raw snappy block of `input` (greedy, 4-byte hashes, copies of 2-byte offsets), as snappy's compressors write one. */
function snappy(input: Buffer): Buffer {
  const out = [...varint(input.length)];
  const seen = new Map<number, number>();
  let lit = 0;
  const literal = (to: number) => {
    const n = to - lit - 1;
    if (n < 0) return;
    out.push(...(n < 60 ? [n << 2] : n < 256 ? [60 << 2, n] : [61 << 2, n & 0xff, n >> 8]), ...input.subarray(lit, to));
  };
  for (let i = 0; i + 4 <= input.length;) {
    const key = input.readUInt32LE(i);
    const from = seen.get(key);
    seen.set(key, i);
    if (from === undefined || i - from > 0xffff) {
      i++;
      continue;
    }
    let len = 4;
    while (len < 64 && i + len < input.length && input[from + len] === input[i + len]) len++;
    literal(i);
    out.push(((len - 1) << 2) | 2, (i - from) & 0xff, (i - from) >> 8);
    i += len;
    lit = i;
  }
  literal(input.length);
  return Buffer.from(out);
}

const CODECS = { snappy, deflate: (b: Buffer) => deflateRawSync(b), brotli: (b: Buffer) => brotliCompressSync(b) };

/** A generated Parquet file of a column of tokens, the value in some rows; its pages' uncompressed bodies, in order. */
function generated(value: string): { file: Buffer; bodies: Buffer[] } {
  const rows = Array.from({ length: rand.int(40, 400) }, () => (rand.int(30) ? `tok-decoders-${rand.bytes(6).toString('hex')}+/=value` : value));
  const parts: Buffer[] = [Buffer.from('PAR1')];
  const bodies: Buffer[] = [];
  const codec = Object.values(CODECS)[rand.int(3)]!;
  for (let row = 0; row < rows.length;) {
    const n = rand.int(1, 60);
    const values = rows.slice(row, row + n);
    row += n;
    const plain = Buffer.concat(values.flatMap((v) => [Buffer.from(Uint32Array.of(v.length).buffer), Buffer.from(v)]));
    const v2 = rand.int(2) === 1;
    const levels = v2 ? rand.bytes(rand.int(0, 12)) : Buffer.alloc(0);
    // One page in five stored as it is (codec UNCOMPRESSED): passed over, the pages after it still read.
    const stored = rand.int(5) === 0;
    const compressed = Buffer.concat([levels, stored ? plain : codec(plain)]);
    const detail: Field = v2
      ? [
          8,
          [
            [1, values.length],
            [2, 0],
            [3, values.length],
            [4, 0],
            [5, levels.length],
            [6, 0],
            [7, true],
          ],
        ]
      : [
          5,
          [
            [1, values.length],
            [2, 0],
            [3, 3],
            [4, 3],
          ],
        ];
    parts.push(Buffer.from(struct([[1, v2 ? 3 : 0], [2, levels.length + plain.length], [3, compressed.length], detail])), compressed);
    // A snappy block of literals alone holds its page as it is: read by the plain read, not decoded.
    if (!stored && (codec !== snappy || !compressed.includes(plain))) bodies.push(plain);
    // A column's metadata after its pages (arrow-rs, polars): a struct that is no page header.
    if (rand.int(4) === 0)
      parts.push(
        Buffer.from(
          struct([
            [1, 6],
            [4, 1],
            [9, rand.int(1 << 20)],
          ]),
        ),
      );
  }
  parts.push(
    Buffer.from(
      struct([
        [1, 2],
        [3, rows.length],
      ]),
    ),
    Buffer.from([20, 0, 0, 0]),
    Buffer.from('PAR1'),
  );
  return { file: Buffer.concat(parts), bodies };
}

/** What the Parquet decoder routes from `file` pushed in the pieces of `size` bytes: each output, and what it limited. */
async function walked(file: Buffer, size: number): Promise<{ outs: Buffer[]; limits: string[] }> {
  const outs: Buffer[] = [];
  const limits: string[] = [];
  const env = {
    path: 'data.parquet',
    stopped: false,
    ratio: 200,
    allow: () => true,
    limit: (what: string) => void limits.push(what),
    open: () => ({ write: () => undefined, end: () => undefined }),
    openAt: (path: string) => {
      const parts: Buffer[] = [];
      return { write: (b: Uint8Array) => void parts.push(Buffer.from(b)), end: () => void (path === 'data.parquet' || outs.push(Buffer.concat(parts))) };
    },
  } satisfies DecodeEnv;
  const d = parquet.open(env);
  for (let at = 0; at < file.length; at += size) await d.push(file.subarray(at, at + size));
  await d.end();
  return { outs, limits };
}

describe('columnar files: Parquet pages and ORC chunks decoded where their headers say', () => {
  it('decodes every compressed page of 60 generated Parquet files, whatever chunks they come in', async () => {
    for (let i = 0; i < 60; i++) {
      const { file, bodies } = generated(SECRET);
      const size = [1, 7, 100, 4096, file.length][rand.int(5)]!;
      const got = await walked(file, size);
      expect(got).toEqual({ outs: bodies, limits: [] });
    }
  });

  it('finds the value in generated files through the audit, and nothing in their twins', async () => {
    for (let i = 0; i < 6; i++) {
      // A file whose pages all hold the value as it is (literals alone, stored blocks) is the plain read's: drawn again.
      let leaky = generated(SECRET).file;
      while (leaky.includes(SECRET)) leaky = generated(SECRET).file;
      const found = await auditFiles({ 'srv/data.parquet': leaky, 'srv/twin.parquet': generated('tok-decoders-00000000+/=other').file });
      expect(found.filter((f) => f.severity === 'leak').map((f) => f.path.replace(/@\d+!$/, '@N!'))[0]).toBe('srv/data.parquet@N!');
      expect(found.filter((f) => !f.path.startsWith('srv/data.parquet@'))).toEqual([]);
    }
  });

  it('finds the value in the files pyarrow, polars and DuckDB write, and nothing in their clean twins', async () => {
    const names = readdirSync(FIXTURES).filter((n) => n.startsWith('leaky-'));
    expect(names.length).toBe(7);
    for (const name of names) {
      const leaky = readFileSync(join(FIXTURES, name));
      const clean = readFileSync(join(FIXTURES, name.replace('leaky-', 'clean-')));
      expect([name, leaky.includes(SECRET)]).toEqual([name, false]);
      const found = await auditFiles({ [`srv/${name}`]: leaky, [`srv/twin-${name}`]: clean });
      const paths = found.map((f) => `${f.severity} ${f.path.replace(/@\d+!$/, '@N!')}`);
      expect([name, [...new Set(paths)]]).toEqual([name, [`leak srv/${name}@N!`]]);
    }
  });

  it('claims no text that begins with their magic: a value right after `ORC` or `PAR1` is found where it stands', async () => {
    const found = await auditFiles({ 'orc.txt': `ORC${SECRET}\nmore text\n`, 'par.txt': `PAR1${SECRET}\n` });
    expect(found.map((f) => `${f.severity} ${f.path}`).sort()).toEqual(['leak orc.txt', 'leak par.txt']);
  });

  it('names a compressed page over 16 MiB, which it would hold whole, and reads the file as plain', async () => {
    const size = 20 << 20;
    const file = Buffer.concat([
      Buffer.from('PAR1'),
      Buffer.from(
        struct([
          [1, 0],
          [2, 2 * size],
          [3, size],
        ]),
      ),
      Buffer.alloc(size, 0x41),
    ]);
    expect(await walked(file, 1 << 18)).toEqual({ outs: [], limits: [expect.stringMatching(/^a compressed Parquet page of \d+ bytes, over 16 MiB/)] });
  });

  it('never throws on damaged or cut files: bytes set at random, cut anywhere', async () => {
    for (let i = 0; i < 200; i++) {
      const file = Buffer.from(generated(SECRET).file);
      for (let k = rand.int(1, 8); k > 0; k--) file[rand.int(file.length)] = rand.int(256);
      const cut = file.subarray(0, rand.int(5, file.length + 1));
      await expect(walked(cut, rand.int(1, 5000))).resolves.toBeDefined();
    }
  });
});
