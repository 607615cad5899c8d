// Property: headerless deflate of text — PHP's gzdeflate, Python's zlib at wbits -15 — is claimed and
// read, so a value in it is found and its clean twin passes; what is not (random bytes, text,
// binaries deflated, other formats' heads) is never claimed: a false claim would read a file as a
// damaged stream and name it as not audited.
// Nearest real-world variants: a PHP application's cache entry (gzdeflate(serialize(...))), a
// .NET DeflateStream or Java Deflater(nowrap) file.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { sniffRawDeflate } from './deflate-raw.js';
import { auditFiles, has, SECRET } from './testing.js';
import { seededPerTest } from '../../../test/support/random.js';

/** Generated inputs, from this seed before each test (HOIST_TEST_SEED replaces it); the tests that draw name it. */
const rand = seededPerTest(1);

const php = (text: string) => execFileSync('php', ['-r', 'echo gzdeflate(stream_get_contents(STDIN), 9);'], { input: text });

describe('headerless deflate of text', () => {
  it.skipIf(!has('php'))('PHP gzdeflate(serialize(…)): found; the clean twin passes; the file does not hold the value', async () => {
    const entry = (v: string) => php(`a:1:{s:2:"db";a:2:{s:8:"password";s:${v.length}:"${v}";s:4:"host";s:11:"db.internal";}}`);
    expect(entry(SECRET).includes(SECRET)).toBe(false);
    expect(sniffRawDeflate(entry(SECRET))).toBe(true);
    expect(await auditFiles({ 'var/www/cache/c1.bin': entry(SECRET) })).toEqual([{ severity: 'leak', what: 'token', path: 'var/www/cache/c1.bin!' }]);
    expect(await auditFiles({ 'var/www/cache/c1.bin': entry('clean-value-nothing-here') })).toEqual([]);
  });

  it('short and long text, every level: claimed', () => {
    for (const text of ['{"password":"x1"}', 'API_TOKEN=abc\nDEBUG=0\n', 'line of a log\n'.repeat(5000)])
      for (const level of [1, 6, 9]) expect(sniffRawDeflate(deflateRawSync(Buffer.from(text), { level })), `${text.length} at ${level}`).toBe(true);
  });

  it(`never claimed: 200,000 random heads, text, a binary deflated, zlib and gzip, the ELF running this test (seed ${rand.seed})`, () => {
    const claimed: string[] = []; // each head claimed, to replay: case number and its first bytes
    for (let i = 0; i < 200_000; i++) {
      const head = rand.bytes(512);
      if (sniffRawDeflate(head)) claimed.push(`case ${i}: ${head.subarray(0, 64).toString('hex')}…`);
    }
    expect(claimed, `seed ${rand.seed}`).toEqual([]);
    const binary = deflateRawSync(rand.bytes(4096));
    expect(
      [binary, deflateSync('a zlib stream of text '.repeat(40)), gzipSync('gzip '.repeat(90)), Buffer.from('plain text\n'.repeat(60))].map(sniffRawDeflate),
    ).toEqual([false, false, false, false]);
    expect(sniffRawDeflate(readFileSync(process.execPath).subarray(0, 512))).toBe(false);
  });
});
