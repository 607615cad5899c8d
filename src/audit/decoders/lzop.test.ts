// Property: an lzop file (LZO1X blocks, stored blocks, every level) is decoded as `lzop -dc` decodes
// it, so a value in a .lzo or a .tar.lzo is found (clean twins pass); a cut or damaged stream is named,
// never thrown or hung; a bomb stops at the ratio bound.
// Nearest real-world variants: a backup made with `tar --lzop`, a kernel or firmware build's .lzo
// artifacts, logs rotated with lzop for speed.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DAMAGE_SEED, damaged, decodeWith } from './decode.testing.js';
import { lzop } from './lzop.js';
import { auditFiles, has, SECRET, tool } from './testing.js';

const lorem = 'lorem ipsum dolor sit amet, consectetur adipiscing elit '.repeat(200);
// The value split by earlier copies of its halves: LZO's matches, not the value's bytes, carry it.
const env = (value: string) => `${lorem}# ${value.slice(0, 12)} ${value.slice(12)}\nDB_PASSWORD=${value}\n${lorem}`;
const lzo = (input: string | Uint8Array, args: string[] = []) => execFileSync('lzop', ['-c', ...args], { input, maxBuffer: 1 << 28 });
const mixed = () => Buffer.concat([readFileSync(process.execPath).subarray(0, 1_500_000), readFileSync(new URL('./lzma-core.ts', import.meta.url))]);

describe.skipIf(!has('lzop'))('lzop (.lzo)', () => {
  it('a .lzo file: found in its content; the clean twin passes', async () => {
    expect(Buffer.from(lzo(env(SECRET))).includes(SECRET)).toBe(false);
    expect(await auditFiles({ 'var/backups/app.env.lzo': lzo(env(SECRET)) })).toEqual([{ severity: 'leak', what: 'token', path: 'var/backups/app.env.lzo!' }]);
    expect(await auditFiles({ 'var/backups/app.env.lzo': lzo(env('clean-value-nothing-here')) })).toEqual([]);
  });

  it('tar --lzop holding a .env: the path through the stream and the tar', async () => {
    const t = (value: string) => tool('sh', ['-c', 'tar --lzop -cf - etc'], { 'etc/app/.env': env(value), 'etc/app/README': lorem });
    expect(await auditFiles({ 'var/backups/etc.tar.lzo': t(SECRET) })).toEqual([
      { severity: 'leak', what: 'token', path: 'var/backups/etc.tar.lzo!/etc/app/.env' },
    ]);
    expect(await auditFiles({ 'var/backups/etc.tar.lzo': t('clean-value-nothing-here') })).toEqual([]);
  });

  it.each(['-1', '-3', '-7', '-9'])('lzop %s on 1.5 MB of mixed bytes: the output is what lzop -dc gives, fed in odd chunks', async (level) => {
    const z = lzo(mixed(), [level]);
    const { out, limits } = await decodeWith(lzop, z, { chunk: 7777 });
    expect(limits).toEqual([]);
    expect(out.equals(execFileSync('lzop', ['-dc'], { input: z, maxBuffer: 1 << 28 }))).toBe(true);
  });

  it('cut short and damaged: named, not thrown', async () => {
    const z = lzo(env('clean'));
    expect((await decodeWith(lzop, z.subarray(0, z.length - 10))).limits).toEqual([
      expect.stringMatching(/a damaged lzop stream \(the data ends before its last block\)/),
    ]);
    expect((await decodeWith(lzop, z.subarray(0, 20))).limits).toEqual([expect.stringMatching(/ends inside its header/)]);
    const size = Buffer.alloc(4);
    size.writeUInt32BE(Buffer.byteLength(env('clean')));
    const bad = Buffer.from(z);
    bad.writeUInt32BE(Buffer.byteLength(env('clean')) + 1, z.indexOf(size)); // the block's decoded size, one more than it holds
    expect((await decodeWith(lzop, bad)).limits).toEqual([expect.stringMatching(/a damaged lzop stream \(a block of \d+ bytes where its header says/)]);
  });

  it('a bomb (64 MiB of one byte, a space — zeros are no bomb’s measure): stopped at the ratio bound, named, the next file read', async () => {
    const found = await auditFiles({ 'a/zeros.lzo': lzo(Buffer.alloc(64 << 20, 0x20)), 'z/app.env': `TOKEN=${SECRET}\n` });
    // The two files are read side by side: either finding may come first.
    expect(found).toHaveLength(2);
    expect(found).toContainEqual({ severity: 'leak', what: 'token', path: 'z/app.env' });
    expect(found).toContainEqual({ severity: 'limit', what: expect.stringMatching(/expands more than 200 times/), path: 'a/zeros.lzo' });
  }, 30_000);

  it(`400 truncated and bit-flipped copies: no throw, no hang, output bounded (seed ${DAMAGE_SEED})`, async () => {
    const z = lzo(mixed().subarray(0, 300_000));
    const started = performance.now();
    for (const copy of damaged(z, 400)) {
      const { out } = await decodeWith(lzop, copy, { cap: 4 << 20 });
      expect(out.length).toBeLessThanOrEqual(4 << 20);
    }
    expect(performance.now() - started).toBeLessThan(30_000);
  }, 60_000);
  it('a .tar.lzo after an installer script (makeself --lzo): found inside it; the clean twin passes', async () => {
    const script = '#!/bin/sh\n# installer: extracts what follows the marker\nsed 1,4d "$0" | tar xf -\nexit 0\n';
    const run = (value: string) =>
      tool('sh', ['-c', `cat install.sh && tar --lzop -cf - etc`], { 'install.sh': script, 'etc/app/.env': env(value), 'etc/app/README': lorem });
    expect(await auditFiles({ 'opt/install.run': run(SECRET) })).toEqual([
      { severity: 'leak', what: 'token', path: expect.stringMatching(/^opt\/install\.run@\d+!\/etc\/app\/\.env$/) },
    ]);
    expect(await auditFiles({ 'opt/install.run': run('clean-value-nothing-here') })).toEqual([]);
  });
});
