// Property: an lzip file (`lzip`, `tar --lzip`, members one after the other) is decoded as `lzip -dc`
// decodes it, so a value in a .lz or a .tar.lz is found (clean twins pass), in any member; a cut or
// damaged member (its CRC, its size) is named as not audited, never thrown; a bomb stops at the ratio bound.
// Nearest real-world variants: a GNU source tarball (`.tar.lz`) left in /usr/src, a backup
// compressed with plzip (several members), a log rotated with lzip.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DAMAGE_SEED, damaged, decodeWith } from './decode.testing.js';
import { lzip } from './lzip.js';
import { auditFiles, has, SECRET, tool } from './testing.js';

const lorem = 'lorem ipsum dolor sit amet, consectetur adipiscing elit '.repeat(200);
const env = (value: string) => `${lorem}\nDB_PASSWORD=${value}\n${lorem}`;
const lz = (input: string | Uint8Array, args: string[] = []) => execFileSync('lzip', ['-c', ...args], { input, maxBuffer: 1 << 28 });

describe.skipIf(!has('lzip'))('lzip (.lz)', () => {
  it('a .lz file: found in its content; the clean twin passes', async () => {
    expect(await auditFiles({ 'opt/app.env.lz': lz(env(SECRET)) })).toEqual([{ severity: 'leak', what: 'token', path: 'opt/app.env.lz!' }]);
    expect(await auditFiles({ 'opt/app.env.lz': lz(env('clean-value-nothing-here')) })).toEqual([]);
  });

  it('tar --lzip holding a .env: the path through the stream and the tar', async () => {
    const tlz = (value: string) => tool('sh', ['-c', 'tar --lzip -cf - etc'], { 'etc/app/.env': env(value), 'etc/app/README': lorem });
    expect(await auditFiles({ 'usr/src/app.tar.lz': tlz(SECRET) })).toEqual([{ severity: 'leak', what: 'token', path: 'usr/src/app.tar.lz!/etc/app/.env' }]);
    expect(await auditFiles({ 'usr/src/app.tar.lz': tlz('clean-value-nothing-here') })).toEqual([]);
  });

  it('members one after the other (lzip -b, cat a.lz b.lz): the value in the last member found', async () => {
    const many = Buffer.concat([lz(lorem.repeat(30), ['-b', '100KiB']), lz(env(SECRET))]);
    expect(await auditFiles({ 'backup/db.lz': many })).toEqual([{ severity: 'leak', what: 'token', path: 'backup/db.lz!' }]);
    const clean = Buffer.concat([lz(lorem.repeat(30), ['-b', '100KiB']), lz(env('clean-value-nothing-here'))]);
    expect(await auditFiles({ 'backup/db.lz': clean })).toEqual([]);
  });

  it('1.5 MB of mixed bytes, 3 members: the output is what lzip -dc gives, fed in odd chunks', async () => {
    const input = Buffer.concat([readFileSync(process.execPath).subarray(0, 1_500_000), readFileSync(new URL('./lzma-core.ts', import.meta.url))]);
    const z = lz(input, ['-1', '-b', '600KiB']);
    const { out, limits } = await decodeWith(lzip, z, { chunk: 7777 });
    expect(limits).toEqual([]);
    expect(out.equals(execFileSync('lzip', ['-dc'], { input: z, maxBuffer: 1 << 28 }))).toBe(true);
  });

  it('a cut member and a member whose CRC is wrong are named; trailing bytes after the last member are not', async () => {
    const z = lz(env('clean'));
    expect((await decodeWith(lzip, z.subarray(0, z.length - 30))).limits).toEqual([expect.stringMatching(/a damaged lzip member \(.*ends inside/)]);
    expect((await decodeWith(lzip, z.subarray(0, z.length - 5))).limits).toEqual([expect.stringMatching(/ends inside its trailer/)]);
    const crc = Buffer.from(z);
    crc[crc.length - 20]! ^= 1;
    expect((await decodeWith(lzip, crc)).limits).toEqual([expect.stringMatching(/a CRC that does not match/)]);
    expect((await decodeWith(lzip, Buffer.concat([z, Buffer.from('trailing garbage')]))).limits).toEqual([]);
  });

  it('a bomb (64 MiB of one byte, a space, in 10 KB — zeros are no bomb’s measure): stopped at the ratio bound, named, the next file read', async () => {
    const found = await auditFiles({ 'a/zeros.lz': lz(Buffer.alloc(64 << 20, 0x20)), 'z/app.env': `TOKEN=${SECRET}\n` });
    // The two files are read side by side: either finding may come first.
    expect(found).toHaveLength(2);
    expect(found).toContainEqual({ severity: 'leak', what: 'token', path: 'z/app.env' });
    expect(found).toContainEqual({ severity: 'limit', what: expect.stringMatching(/expands more than 200 times/), path: 'a/zeros.lz' });
  }, 30_000);

  it(`300 truncated and bit-flipped copies: no throw, no hang, output bounded (seed ${DAMAGE_SEED})`, async () => {
    const z = lz(readFileSync(process.execPath).subarray(0, 100_000));
    const started = performance.now();
    for (const copy of damaged(z, 300)) {
      const { out } = await decodeWith(lzip, copy, { cap: 4 << 20 });
      expect(out.length).toBeLessThanOrEqual(4 << 20);
    }
    expect(performance.now() - started).toBeLessThan(40_000);
  }, 60_000);
  it('a .tar.lz after an installer script: found inside it; the clean twin passes', async () => {
    const script = '#!/bin/sh\n# installer: extracts what follows the marker\nsed 1,4d "$0" | tar xf -\nexit 0\n';
    const run = (value: string) =>
      tool('sh', ['-c', `cat install.sh && tar --lzip -cf - etc`], { 'install.sh': script, 'etc/app/.env': env(value), 'etc/app/README': lorem });
    expect(await auditFiles({ 'opt/install.run': run(SECRET) })).toEqual([
      { severity: 'leak', what: 'token', path: expect.stringMatching(/^opt\/install\.run@\d+!\/etc\/app\/\.env$/) },
    ]);
    expect(await auditFiles({ 'opt/install.run': run('clean-value-nothing-here') })).toEqual([]);
  });
});
