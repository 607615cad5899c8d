// Property: a value inside any compressed stream the audit knows is found, the finding naming the
// file and `!` for the stream's content; a clean twin passes. Made by the real tools where this
// machine has them (gzip, xz, bzip2, zstd, lz4, brotli), and by Node for the generated cases.
// Nearest real-world variants: a rotated log (`.gz`), a release tarball (`.tar.xz`), a database dump
// (`.sql.bz2`), a zstd'd cache, an lz4'd tarball, a CDN bundle shipped only as `main.js.br`.
import { brotliCompressSync, deflateSync, gzipSync, zstdCompressSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { tarOf } from '../../../test/support/tar.js';
import { auditFiles, has, SECRET, tool } from './testing.js';
import { seededPerTest } from '../../../test/support/random.js';

/** Generated inputs, from this seed before each test (HOIST_TEST_SEED replaces it); the tests that draw name it. */
const rand = seededPerTest(1);

const config = (value: string) => `# app settings\nlisten=0.0.0.0:8080\napi_token=${value}\nworkers=4\n`.repeat(3);
const cli = (command: string, args: string[]) => (input: string | Buffer) => tool('sh', ['-c', `${command} ${args.join(' ')} < in`], { in: input });

describe.each([
  ['gzip -9', 'gzip', cli('gzip', ['-9', '-c']), 'app.log.1.gz'],
  ['xz -9', 'xz', cli('xz', ['-9', '-c']), 'dump.sql.xz'],
  ['xz --check=none -0', 'xz', cli('xz', ['--check=none', '-0', '-c']), 'notes.xz'],
  [
    'xz -T2 --block-size=64KiB --check=sha256 (many blocks, the check rpm writes)',
    'xz',
    cli('xz', ['-T2', '--block-size=64KiB', '--check=sha256', '-c']),
    'multi.xz',
  ],
  ['xz --x86 --lzma2 (a BCJ filter before LZMA2)', 'xz', cli('xz', ['--x86', '--lzma2=preset=6', '-c']), 'bin.xz'],
  ['bzip2 -9', 'bzip2', cli('bzip2', ['-9', '-c']), 'dump.sql.bz2'],
  ['zstd -19', 'zstd', cli('zstd', ['-19', '-c', '-q']), 'cache.zst'],
  ['lz4 -9', 'lz4', cli('lz4', ['-9', '-c', '-q']), 'cache.lz4'],
  ['lz4 --content-size -BD (linked blocks)', 'lz4', cli('lz4', ['-B4', '-BD', '--content-size', '-c', '-q']), 'cache.lz4'],
  ['brotli -q 11', 'brotli', cli('brotli', ['-q', '11', '-c']), 'static/js/main.js.br'],
])('%s', (_name, command, compress, file) => {
  it.skipIf(!has(command))('finds the value in the stream and passes the clean twin', async () => {
    const found = await auditFiles({ [`srv/${file}`]: compress(config(SECRET)) });
    expect(found).toEqual([{ severity: 'leak', what: 'token', path: `srv/${file}!` }]);
    expect(await auditFiles({ [`srv/${file}`]: compress(config('nothing-secret-here')) })).toEqual([]);
  });

  it.skipIf(!has(command))(`finds it past a long run of other data (streamed, not gathered: 3 MiB before the value) (seed ${rand.seed})`, async () => {
    const big = Buffer.concat([rand.bytes(3 << 20), Buffer.from(config(SECRET))]);
    expect(await auditFiles({ [`srv/${file}`]: compress(big) })).toEqual([{ severity: 'leak', what: 'token', path: `srv/${file}!` }]);
  });

  it.skipIf(!has(command))('names a stream cut short as not fully audited (never silent, never a crash)', async () => {
    const whole = compress(Buffer.concat([Buffer.from(config('x'.repeat(20))), Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 31) % 256))]));
    const found = await auditFiles({ [`srv/${file}`]: whole.subarray(0, Math.floor(whole.length / 2)) });
    expect(found.some((f) => f.severity === 'limit' && f.path === `srv/${file}` && /not fully audited/.test(f.what))).toBe(true);
  });
});

describe('generated streams', () => {
  it('a tar inside a gzip inside a zstd frame: the path names each level', async () => {
    const inner = zstdCompressSync(gzipSync(await tarOf({ 'app/.env': `TOKEN=${SECRET}\n` })));
    expect(await auditFiles({ 'opt/pkg.tgz.zst': inner })).toEqual([{ severity: 'leak', what: 'token', path: 'opt/pkg.tgz.zst!!/app/.env' }]);
  });

  it('a zlib stream at byte 0 (a git loose object) is inflated', async () => {
    const object = deflateSync(Buffer.concat([Buffer.from(`blob ${SECRET.length + 6}\0`), Buffer.from(`TOKEN=${SECRET}`)]));
    expect(await auditFiles({ 'app/.git/objects/ab/cdef0123456789abcdef0123456789abcdef01': object })).toEqual([
      { severity: 'leak', what: 'token', path: 'app/.git/objects/ab/cdef0123456789abcdef0123456789abcdef01!' },
    ]);
  });

  it('brotli without its name is tried on content nothing else claimed (a hashed asset name)', async () => {
    expect(await auditFiles({ 'www/assets/7f3a9c2e': brotliCompressSync(config(SECRET)) })).toEqual([
      { severity: 'leak', what: 'token', path: 'www/assets/7f3a9c2e!' },
    ]);
  });

  it(`concatenated gzip members and bzip2 streams are all read (pigz, pbzip2, cat a.gz b.gz) (seed ${rand.seed})`, async () => {
    const gz = Buffer.concat([gzipSync('first member, nothing\n'.repeat(50)), gzipSync(config(SECRET))]);
    // The members are one content, as `gzip -dc` prints them: the second member's value is under the file's own path.
    expect(await auditFiles({ 'var/log/joined.gz': gz })).toEqual([{ severity: 'leak', what: 'token', path: 'var/log/joined.gz!' }]);
    const trailed = Buffer.concat([gzipSync(config(SECRET)), rand.bytes(200)]); // an appended signature, a tape's padding
    expect(await auditFiles({ 'var/log/signed.gz': trailed })).toEqual([{ severity: 'leak', what: 'token', path: 'var/log/signed.gz!' }]);
    if (!has('bzip2')) return;
    const bz = Buffer.concat([cli('bzip2', ['-c'])('first stream\n'.repeat(50)), cli('bzip2', ['-c'])(config(SECRET))]);
    expect(await auditFiles({ 'var/log/joined.bz2': bz })).toEqual([{ severity: 'leak', what: 'token', path: 'var/log/joined.bz2!' }]);
  });
});
