// Property: bytes that only look like a stream by chance are not findings. Seeded random and binary
// files — random bytes of every short length, a few random bytes before text (they often read as a
// brotli uncompressed meta-block over the text, which then fails), a chance zlib header before a
// stored block that runs to a final block with a wrong Adler-32 — give no "not fully audited"
// finding, while what they hold is still read. Nearest real-world variant, beside each: a real
// stream cut short or damaged (`app.log.gz` and `main.js.br` cut by a full disk, a git object with a
// flipped checksum byte) still says "not fully audited", or is read whole where nothing was lost.
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { mulberry32, testSeeds } from '../../../test/support/random.js';
import { auditFiles, SECRET } from './testing.js';

const SEEDS = testSeeds([20261203, 7, 990729855]); // HOIST_TEST_SEED, when set, alone
const bytesOf = (r: () => number, n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(r() * 256)));
const text = (r: () => number, n: number) =>
  Buffer.from(
    bytesOf(r, Math.ceil(n * 0.75))
      .toString('base64')
      .slice(0, n),
  );
const limits = (found: Awaited<ReturnType<typeof auditFiles>>) => found.filter((f) => f.severity === 'limit');
const config = (value: string) => `# app settings\nlisten=0.0.0.0:8080\napi_token=${value}\nworkers=4\n`.repeat(40);

/** A chance zlib stream: a header, then a final stored block of `n` random bytes (LEN and NLEN agree), a wrong Adler-32, more random bytes. */
function chanceStoredZlib(r: () => number, n: number): Buffer {
  const len = Buffer.from([n & 0xff, n >> 8, ~n & 0xff, (~n >> 8) & 0xff]);
  return Buffer.concat([bytesOf(r, 300), Buffer.from([0x78, 0x01, 0x01]), len, bytesOf(r, n), bytesOf(r, 4), bytesOf(r, 2000)]);
}

describe.each(SEEDS)('seeded random and binary files (seed %i)', (seed) => {
  it('give no limit finding: random bytes of every short length, random bytes before text, chance stored zlib blocks', async () => {
    const r = mulberry32(seed);
    const files: Record<string, Buffer> = {};
    for (let i = 0; i < 120; i++) files[`srv/random-${i}.bin`] = bytesOf(r, 8 + Math.floor(r() * 6000));
    for (let i = 0; i < 120; i++) files[`srv/preamble-${i}.dat`] = Buffer.concat([bytesOf(r, 1 + Math.floor(r() * 8)), text(r, 40 + Math.floor(r() * 3000))]);
    for (let i = 0; i < 10; i++) files[`srv/stored-${i}.bin`] = chanceStoredZlib(r, 5000 + Math.floor(r() * 20000));
    expect(limits(await auditFiles(files))).toEqual([]);
  }, 60_000);
});

describe('what chance-looking bytes hold is still read', () => {
  it('a value after a random preamble that reads as a brotli meta-block is found, its file read as plain too', async () => {
    const r = mulberry32(3);
    const found = await auditFiles({ 'srv/blob.dat': Buffer.concat([bytesOf(r, 3), Buffer.from(`\n${text(r, 2000)}\n${config(SECRET)}`)]) });
    expect(found.filter((f) => f.severity === 'leak').map((f) => f.what)).toContain('token');
    expect(limits(found)).toEqual([]);
  });

  it('a zlib stream with a wrong Adler-32 (inside a binary, and at byte 0 as a git object) is read whole: its last bytes found', async () => {
    const stream = deflateSync(Buffer.from(`${'x'.repeat(200_000)}\n${config(SECRET)}`));
    stream.writeUInt32BE((stream.readUInt32BE(stream.length - 4) ^ 1) >>> 0, stream.length - 4);
    const found = await auditFiles({ 'srv/app.bin': Buffer.concat([bytesOf(mulberry32(4), 700), stream]), 'srv/objects/ab/cdef': stream });
    expect(found).toEqual([
      { severity: 'leak', what: 'token', path: 'srv/app.bin@700!' },
      { severity: 'leak', what: 'token', path: 'srv/objects/ab/cdef!' },
    ]);
  });
});

describe('a real stream cut short still says "not fully audited"', () => {
  const body = Buffer.from(`${config('nothing-secret-here')}${text(mulberry32(5), 60_000)}`);
  it.each([
    ['a .gz cut short', 'srv/app.log.1.gz', gzipSync(body)],
    ['a .br cut short', 'srv/static/main.js.br', brotliCompressSync(body)],
    ['brotli without its name, cut short (it expanded what it was given)', 'srv/static/3f9a1c', brotliCompressSync(body)],
    ['a zlib stream at byte 0 cut short (a git loose object)', 'srv/objects/12/3456', deflateSync(body)],
  ])('%s', async (_name, path, whole) => {
    const found = await auditFiles({ [path]: whole.subarray(0, Math.floor(whole.length * 0.6)) });
    expect(limits(found)).toEqual([
      { severity: 'limit', what: expect.stringMatching(/^not fully audited: a damaged (gzip|deflate|brotli|zlib) stream/), path },
    ]);
  });
});
