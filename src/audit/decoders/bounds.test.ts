// Property: crafted input cannot make the audit hang, crash, take the memory of the machine, or
// starve the files after it: every bound (expansion, decoded bytes and time per file, streams tried
// per file, depth) ends the work it bounds, names the path as not fully audited, and the next file
// of the layer is still read. Nearest real-world variants: a decompression bomb left in a test
// fixture, a binary full of bytes that look like zlib headers, a hex-dump-like log of `*` lines.
import { execFileSync } from 'node:child_process';
import { deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { tarOf } from '../../../test/support/tar.js';
import { DEFAULT_LIMITS } from '../nested.js';
import { auditFiles, SECRET } from './testing.js';

const later = async () => ({ 'z/after/app.tar.gz': gzipSync(await tarOf({ 'app/.env': `TOKEN=${SECRET}\n` })) });
const afterFound = { severity: 'leak', what: 'token', path: 'z/after/app.tar.gz!/app/.env' };

describe('bounds against crafted input', () => {
  it('1 MiB of chance and real zlib headers (tiny valid streams back to back): bounded trials, the next file read', async () => {
    const tiny = deflateSync(Buffer.alloc(0)); // 78 9c 03 00 00 00 00 01
    const crafted = Buffer.concat([Buffer.alloc(256 * 1024, Buffer.from([0x78, 0x9c])), Buffer.concat(Array.from({ length: 98_000 }, () => tiny))]);
    const started = performance.now();
    const found = await auditFiles({ 'a/crafted.bin': crafted, ...(await later()) }, { ...DEFAULT_LIMITS, streams: 5000 });
    expect(performance.now() - started).toBeLessThan(30_000);
    expect(found).toContainEqual(afterFound);
    expect(found).toContainEqual({
      severity: 'limit',
      what: expect.stringMatching(/more than 5000 compressed streams start inside it/),
      path: 'a/crafted.bin',
    });
  }, 60_000);

  it('a 63 KB hex-dump-like file of `*` lines with far-apart offsets: no bomb, the next file read', async () => {
    const lines = ['00000000  41 41 41 41 41 41 41 41  41 41 41 41 41 41 41 41  |AAAAAAAAAAAAAAAA|'];
    for (let k = 1; lines.join('\n').length < 63_000; k++)
      lines.push('*', `${(k * 0x10000000).toString(16).padStart(8, '0')}  41 41 41 41 41 41 41 41  41 41 41 41 41 41 41 41  |AAAAAAAAAAAAAAAA|`);
    const started = performance.now();
    const found = await auditFiles({ 'a/dump.txt': `${lines.join('\n')}\n`, ...(await later()) });
    // 0.3 s of CPU since the dump's output is written 64 KiB at a time (8 s when each 16-byte line went through every reader).
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(found).toEqual([afterFound]);
  }, 60_000);

  it('a time bound per file: a file over it is named, the next file still read', async () => {
    const bomb = gzipSync(Buffer.alloc(64 << 20), { level: 9 });
    const found = await auditFiles({ 'a/slow.gz': bomb, ...(await later()) }, { ...DEFAULT_LIMITS, fileMs: 1, fileMsPerMiB: 0, ratio: 100_000 });
    expect(found).toContainEqual(afterFound);
    expect(found).toContainEqual({ severity: 'limit', what: expect.stringMatching(/took more than 0.001 s/), path: 'a/slow.gz' });
  }, 60_000);

  it('a decoded-bytes bound per file: a file over it is named, the next file still read (of spaces: zeros count against no bound)', async () => {
    const big = gzipSync(Buffer.alloc(32 << 20, 0x20), { level: 1 });
    const found = await auditFiles({ 'a/big.gz': big, ...(await later()) }, { ...DEFAULT_LIMITS, fileBytes: 8 << 20, ratio: 100_000 });
    expect(found).toEqual([{ severity: 'limit', what: expect.stringMatching(/holds more than 8388608 decoded bytes/), path: 'a/big.gz' }, afterFound]);
  }, 60_000);

  it('a bzip2 bomb (4 GiB of one byte, a space, in 64 concatenated streams — zeros are no bomb’s measure) ends within its bound and within memory', async () => {
    const one = execFileSync('bzip2', ['-9', '-c'], { input: Buffer.alloc(64 << 20, 0x20) });
    const before = process.memoryUsage().rss;
    const found = await auditFiles({ 'a/zeros.bz2': Buffer.concat(Array.from({ length: 64 }, () => one)), ...(await later()) });
    expect(process.memoryUsage().rss - before).toBeLessThan(300 << 20);
    expect(found).toContainEqual(afterFound);
    expect(found).toContainEqual({ severity: 'limit', what: expect.stringMatching(/expands more than 200 times/), path: 'a/zeros.bz2' });
  }, 60_000);
});
