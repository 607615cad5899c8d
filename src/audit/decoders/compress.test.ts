// Property: a Unix compress (.Z) stream — LZW codes of 9 to 16 bits, table clears in block mode — is
// decoded byte for byte as `gzip -dc` decodes it, so a value in a .Z file or a .tar.Z is found
// (clean twins pass); a damaged or cut stream never throws or hangs, and a bomb stops at the ratio bound.
// Nearest real-world variants: an old source tarball (`.tar.Z`, `.taz`) left in /opt, a core or log
// rotated with `compress`, a vendor's legacy install kit.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compress } from './compress.js';
import { DAMAGE_SEED, damaged, decodeWith } from './decode.testing.js';
import { auditFiles, has, SECRET, tool } from './testing.js';

const lorem = 'lorem ipsum dolor sit amet, consectetur adipiscing elit '.repeat(200);
// The value split by earlier copies of its halves: LZW codes, not the value's bytes, carry it.
const env = (value: string) => `${lorem}# ${value.slice(0, 12)} ${value.slice(12)}\nDB_PASSWORD=${value}\n${lorem}`;

/** Mixed content: a binary, then this project's source (text) — wide codes, table clears. */
const mixed = () => Buffer.concat([readFileSync(process.execPath).subarray(0, 1_500_000), readFileSync(new URL('./lzma-core.ts', import.meta.url))]);

describe.skipIf(!has('compress'))('compress (.Z)', () => {
  it('a .Z file: found in its content; the clean twin passes', async () => {
    const z = (value: string) => tool('sh', ['-c', 'compress -c app.env'], { 'app.env': env(value) });
    expect(await auditFiles({ 'opt/app.env.Z': z(SECRET) })).toEqual([{ severity: 'leak', what: 'token', path: 'opt/app.env.Z!' }]);
    expect(await auditFiles({ 'opt/app.env.Z': z('clean-value-nothing-here') })).toEqual([]);
  });

  it('a .tar.Z holding a .env: the path through the stream and the tar', async () => {
    const tz = (value: string) => tool('sh', ['-c', 'tar cf - etc | compress -c'], { 'etc/app/.env': env(value), 'etc/app/README': lorem });
    expect(await auditFiles({ 'opt/kit.tar.Z': tz(SECRET) })).toEqual([{ severity: 'leak', what: 'token', path: 'opt/kit.tar.Z!/etc/app/.env' }]);
    expect(await auditFiles({ 'opt/kit.tar.Z': tz('clean-value-nothing-here') })).toEqual([]);
  });

  it.each([10, 12, 16])('compress -b %i on 1.5 MB of mixed bytes: the output is what gzip -dc gives, fed in odd chunks', async (bits) => {
    const input = mixed();
    const z = execFileSync('compress', ['-c', `-b${bits}`], { input, maxBuffer: 1 << 28 });
    const { out, limits } = await decodeWith(compress, z, { chunk: 7777 });
    expect(limits).toEqual([]);
    expect(out.equals(execFileSync('gzip', ['-dc'], { input: z, maxBuffer: 1 << 28 }))).toBe(true);
    expect(out.equals(input)).toBe(true);
  });

  it('a bomb (64 MiB of one byte, a space, in 18 KB — zeros are no bomb’s measure): stopped at the ratio bound, named, the next file read', async () => {
    const bomb = execFileSync('compress', ['-c'], { input: Buffer.alloc(64 << 20, 0x20), maxBuffer: 1 << 28 });
    const found = await auditFiles({ 'a/zeros.Z': bomb, 'z/app.env': `TOKEN=${SECRET}\n` });
    // The two files are read side by side: either finding may come first.
    expect(found).toHaveLength(2);
    expect(found).toContainEqual({ severity: 'leak', what: 'token', path: 'z/app.env' });
    expect(found).toContainEqual({ severity: 'limit', what: expect.stringMatching(/expands more than 200 times/), path: 'a/zeros.Z' });
  });

  it('a corrupted stream (a code past the table) is named as damaged', async () => {
    const z = execFileSync('compress', ['-c'], { input: Buffer.from(env('clean')) });
    const bad = Buffer.from(z);
    bad[3] = 0xff;
    bad[4] = 0xff; // the first code, 9 bits of ones: 511, not a byte
    expect((await decodeWith(compress, bad)).limits).toEqual([expect.stringMatching(/a damaged compress \(\.Z\) stream/)]);
  });

  it(`400 truncated and bit-flipped copies: no throw, no hang, output bounded (seed ${DAMAGE_SEED})`, async () => {
    const z = execFileSync('compress', ['-c'], { input: mixed().subarray(0, 200_000) });
    const started = performance.now();
    for (const copy of damaged(z, 400)) {
      const { out } = await decodeWith(compress, copy, { cap: 4 << 20 });
      expect(out.length).toBeLessThanOrEqual(4 << 20);
    }
    expect(performance.now() - started).toBeLessThan(30_000);
  }, 60_000);
  it('a .tar.Z after an installer script (makeself --compress): found inside it; the clean twin passes', async () => {
    const script = '#!/bin/sh\n# installer: extracts what follows the marker\nsed 1,4d "$0" | tar xf -\nexit 0\n';
    const run = (value: string) =>
      tool('sh', ['-c', `cat install.sh && tar cf - etc | compress -c`], { 'install.sh': script, 'etc/app/.env': env(value), 'etc/app/README': lorem });
    expect(await auditFiles({ 'opt/install.run': run(SECRET) })).toEqual([
      { severity: 'leak', what: 'token', path: expect.stringMatching(/^opt\/install\.run@\d+!\/etc\/app\/\.env$/) },
    ]);
    expect(await auditFiles({ 'opt/install.run': run('clean-value-nothing-here') })).toEqual([]);
  });
  it('a binary with chance compress headers (1f 9d 90 every 4 KiB of random bytes): tried, quiet, bounded', async () => {
    const bin = Buffer.from(execFileSync('head', ['-c', String(1 << 20), '/dev/urandom']));
    for (let at = 100; at < bin.length; at += 4096) bin.set([0x1f, 0x9d, 0x90], at);
    const started = performance.now();
    expect(await auditFiles({ 'usr/lib/libchance.so': bin })).toEqual([]);
    expect(performance.now() - started).toBeLessThan(20_000);
  }, 30_000);
});
