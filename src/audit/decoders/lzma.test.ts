// Property: the hand-written LZMA1 decoder (lzma-core.ts), fed in chunks of any size, gives back
// byte for byte what the real encoders compressed — xz --format=lzma (end marker, size unknown) at
// every preset -0…-9 and at lc/lp/pb settings, 7-Zip's -tlzma (size known, no end marker) — over
// random bytes, text and an ELF binary; LZMA2 (xz --format=raw) likewise; and an `.lzma` file holding
// a value is found by its name and unnamed, its clean twin passes, a stream whose matches reach past the 8 MiB
// window the audit gives a dictionary and a cut stream are named as not audited; a small stream declaring 128 MiB is read.
// Nearest real-world variants: `lzma file` (xz-utils' lzma alias), `xz --format=lzma`, old
// `.tar.lzma` source tarballs, 7-Zip's `-tlzma`, Python's lzma.FORMAT_ALONE.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { mulberry32, testSeed } from '../../../test/support/random.js';
import { aloneHeader, lzmaRun } from './lzma.js';
import { lzma2Run } from './lzma2.js';
import { header, K_HEADER, Reader } from './sevenzip-header.js';
import { auditFiles, has, SECRET, tool } from './testing.js';

/** One sequence for the file, from a fixed seed (HOIST_TEST_SEED replaces it; replay the whole file): the describes name it. */
const SEED = testSeed(0x1a2b);
const random = mulberry32(SEED);
const noise = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(random() * 256)));
const text = Buffer.from(Array.from({ length: 4000 }, (_, i) => `line ${i}: the quick brown fox ${i % 37} jumps\n`).join(''));
const elf = readFileSync(process.execPath).subarray(0, 1 << 20);
const INPUTS = { noise: noise(60_000), text, elf: elf.subarray(0, 300_000) } as const;

/** `data` decoded by `run` fed in chunks of random sizes (1 byte to 64 KiB). */
async function chunked(
  data: Uint8Array,
  make: (emit: (b: Uint8Array) => Promise<boolean>, fail: (w: string) => void) => { push(b: Uint8Array): unknown; end(): unknown },
) {
  const parts: Uint8Array[] = [];
  const failures: string[] = [];
  const run = make(
    async (b) => (parts.push(b.slice()), true),
    (w) => failures.push(w),
  );
  for (let i = 0; i < data.length;) {
    const n = 1 + Math.floor(random() ** 3 * 65536);
    await run.push(data.subarray(i, i + n));
    i += n;
  }
  await run.end();
  return { out: Buffer.concat(parts), failures };
}

const alone = async (file: Uint8Array) => {
  const h = aloneHeader(file)!;
  return chunked(file.subarray(13), (emit, fail) => lzmaRun(h.props, h.size, emit, fail));
};

describe(`LZMA1 against the real encoders (seed ${SEED})`, { timeout: 120_000 }, () => {
  const settings = [
    ...Array.from({ length: 10 }, (_, i) => [`-${i}`]),
    ['-9e'],
    ['--lzma1=preset=6,lc=0,lp=2,pb=0'],
    ['--lzma1=preset=1,lc=4,lp=0,pb=4'],
    ['--lzma1=lc=1,lp=3,pb=1,dict=64KiB'],
  ];
  it.each(Object.keys(INPUTS))('xz --format=lzma, every preset and lc/lp/pb setting, over %s', async (name) => {
    const input = INPUTS[name as keyof typeof INPUTS];
    for (const args of settings) {
      const file = execFileSync('xz', ['--format=lzma', '-c', ...args], { input, maxBuffer: 1 << 28 });
      expect(aloneHeader(file)?.size).toBeUndefined(); // xz writes the end marker, no size
      const { out, failures } = await alone(file);
      expect({ args, failures, same: out.equals(input) }).toEqual({ args, failures: [], same: true });
    }
  });

  it.skipIf(!has('7zz'))("the size in the header, no end marker: 7-Zip's LZMA coder output under the header `lzma e` (LZMA SDK) writes", async () => {
    for (const level of ['-mx=1', '-mx=9']) {
      const archive = tool('7zz', ['a', '-bd', '-bso0', '-m0=LZMA', '-mhc=off', level, 'out.7z', 'data'], { data: text }, 'out.7z');
      const at = 32 + Number(archive.readBigUInt64LE(12));
      const r = new Reader(archive.subarray(at, at + Number(archive.readBigUInt64LE(20))));
      expect(r.number()).toBe(K_HEADER);
      const coder = header(r).main!.folders[0]!.coders[0]!;
      expect(coder.id).toBe('030101');
      const size = Buffer.alloc(8);
      size.writeBigUInt64LE(BigInt(text.length));
      const file = Buffer.concat([coder.props, size, archive.subarray(32, at)]);
      expect(aloneHeader(file)?.size).toBe(text.length);
      const { out, failures } = await alone(file);
      expect(failures).toEqual([]);
      expect(out.equals(text)).toBe(true);
    }
  });

  it.each(Object.keys(INPUTS))('LZMA2 (xz --format=raw --lzma2) at presets 0, 6, 9e over %s', async (name) => {
    const input = INPUTS[name as keyof typeof INPUTS];
    for (const preset of ['0', '6', '9e']) {
      const file = execFileSync('xz', ['--format=raw', `--lzma2=preset=${preset},dict=1MiB`, '-c'], { input, maxBuffer: 1 << 28 });
      const { out, failures } = await chunked(file, (emit, fail) => lzma2Run(20, undefined, emit, fail)); // 20: 1 MiB
      expect({ preset, failures, same: out.equals(input) }).toEqual({ preset, failures: [], same: true });
    }
  });

  it('a dictionary beyond 8 MiB is decoded within 8 MiB: whole while no match reaches farther back, else named there', async () => {
    const far = noise(256 << 10);
    const input = Buffer.concat([far, noise(8 << 20), far]); // the last 256 KiB a match 8.25 MiB back
    const file = execFileSync('xz', ['--format=raw', '--lzma1=preset=0,dict=16MiB', '-c'], { input, maxBuffer: 1 << 28 });
    const out: Buffer[] = [];
    const fails: string[] = [];
    const run = lzmaRun(
      { lc: 3, lp: 0, pb: 2, dictSize: 16 << 20 },
      undefined,
      async (b) => (out.push(Buffer.from(b)), true),
      (why) => fails.push(why),
    );
    await run.push(file);
    await run.end();
    // Before, a 16 MiB window was allocated and filled: read whole.
    expect(fails).toEqual([expect.stringMatching(/^a 16 MiB dictionary, read within the audit's 8 MiB memory bound until a match reached \d+ bytes back$/)]);
    const got = Buffer.concat(out);
    expect(got.length).toBeGreaterThanOrEqual(8 << 20);
    expect(got.equals(input.subarray(0, got.length))).toBe(true);
  }, 60_000);
});

describe(`.lzma files in an image (seed ${SEED})`, () => {
  const env = (value: string) => Buffer.from(`# credentials\nDB_PASSWORD=${value}\n`.repeat(40));
  const lzma = (input: Uint8Array, ...args: string[]) => execFileSync('xz', ['--format=lzma', '-c', ...args], { input });

  it('found by its name and unnamed; the clean twin passes', async () => {
    const file = lzma(env(SECRET));
    expect(await auditFiles({ 'srv/backup.sql.lzma': file, 'srv/blob': file })).toEqual([
      { severity: 'leak', what: 'token', path: 'srv/backup.sql.lzma!' },
      { severity: 'leak', what: 'token', path: 'srv/blob!' },
    ]);
    expect(await auditFiles({ 'srv/backup.sql.lzma': lzma(env('clean-value-nothing')) })).toEqual([]);
  });

  it('a .tar.lzma (tar --lzma): the member inside named', async () => {
    const tarball = tool('tar', ['--lzma', '-cf', 'out.tar.lzma', 'app'], { 'app/.env': env(SECRET) }, 'out.tar.lzma');
    expect(await auditFiles({ 'src/app.tar.lzma': tarball })).toEqual([{ severity: 'leak', what: 'token', path: 'src/app.tar.lzma!/app/.env' }]);
  });

  it('a small stream declaring a 128 MiB dictionary (xz --lzma1=dict=128MiB) is read; a cut stream is named as not audited', async () => {
    const big = lzma(env(SECRET), '--lzma1=dict=128MiB');
    const cut = lzma(noise(100_000)).subarray(0, 50_000);
    // Before, a declared dictionary above 64 MiB was refused: 'a damaged lzma stream (a dictionary of 134217728 bytes…)'.
    expect(await auditFiles({ 'srv/a.lzma': big, 'srv/b.lzma': cut })).toEqual([
      { severity: 'leak', what: 'token', path: 'srv/a.lzma!' },
      { severity: 'limit', what: expect.stringMatching(/^not fully audited: a damaged lzma stream \(the data ends inside the stream\)/), path: 'srv/b.lzma' },
    ]);
  });

  it('a zero-filled binary header that happens to parse as an LZMA-alone one is not claimed unnamed: a gzip stream inside it is still found', async () => {
    const header = Buffer.alloc(4096);
    header.set([0x00, 0x00, 0x10, 0x00, 0x00]); // properties 0, a 4 KiB dictionary, size 0: a plausible header by its fields
    const file = Buffer.concat([header, gzipSync(env(SECRET)), Buffer.alloc(2048)]);
    expect(await auditFiles({ 'srv/data.bin': file })).toEqual([{ severity: 'leak', what: 'token', path: 'srv/data.bin@4096!' }]);
  });

  it('random bytes, unnamed or named .lzma-like, give no finding and no limit', async () => {
    const files: Record<string, Uint8Array> = {};
    for (let i = 0; i < 20; i++) files[`srv/blob${i}.bin`] = noise(20_000 + i * 1000);
    expect(await auditFiles(files)).toEqual([]);
  });
});
