// Property: a Microsoft cabinet's files are read — stored and MSZIP folders, blocks whose deflate
// window carries over from the block before, a file across blocks — so a value in one is found,
// its path through the cabinet named (clean twins pass), also inside other bytes (a self-extracting
// installer); an LZX or Quantum folder is named with its files, never passed; a cut or damaged
// cabinet is named, never thrown; a flat cabinet stops at the bytes bound.
// Nearest real-world variants: a driver or update .cab in a wine prefix, a fonts cabinet, a
// redistributable's setup.exe (stub + cab), a cab made by makecab with LZX.
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../nested.js';
import { cab } from './cab.js';
import { DAMAGE_SEED, damaged, decodeWith } from './decode.testing.js';
import { auditFiles, has, SECRET, tool } from './testing.js';

const lorem = 'lorem ipsum dolor sit amet, consectetur adipiscing elit '.repeat(200);
const env = (value: string) => `${lorem}# ${value.slice(0, 12)} ${value.slice(12)}\nDB_PASSWORD=${value}\n${lorem}`;
/** 70 KB of text before the .env: its bytes start in the folder's third block. */
const files = (value: string) => ({ 'big/readme.txt': `${lorem}\n`.repeat(6), 'etc/app/.env': env(value) });
const gcab = (value: string, z = true) => tool('sh', ['-c', `gcab -c ${z ? '-z ' : ''}out.cab big/readme.txt etc/app/.env`], files(value), 'out.cab');

describe.skipIf(!has('gcab'))('cab', () => {
  it.each([
    ['MSZIP (gcab -z)', true],
    ['stored (gcab)', false],
  ])('%s: found in the member, its path named; the clean twin passes', async (_, z) => {
    expect(await auditFiles({ 'opt/wine/drivers.cab': gcab(SECRET, z) })).toEqual([
      { severity: 'leak', what: 'token', path: 'opt/wine/drivers.cab!/etc/app/.env' },
    ]);
    expect(await auditFiles({ 'opt/wine/drivers.cab': gcab('clean-value-nothing-here', z) })).toEqual([]);
  });

  it("gcab -x's own output: every file's bytes as the real tool extracts them", async () => {
    const out = await decodeWith(cab, gcab('clean'), { chunk: 999 });
    expect(out.limits).toEqual([]);
    const { 'big/readme.txt': readme, 'etc/app/.env': dotenv } = files('clean');
    expect(out.out.toString()).toBe(readme + dotenv);
    const extracted = tool('sh', ['-c', 'gcab -x -C x in.cab >/dev/null && cat x/big/readme.txt x/etc/app/.env'], { 'in.cab': gcab('clean') });
    expect(out.out.equals(extracted)).toBe(true);
  });

  it('inside other bytes (a self-extracting installer: a stub, then the cab)', async () => {
    const setup = (value: string) => Buffer.concat([Buffer.from(`MZ${'\0'.repeat(3000)}stub code`), gcab(value)]);
    expect(await auditFiles({ 'opt/setup.exe': setup(SECRET) })).toEqual([
      { severity: 'leak', what: 'token', path: expect.stringMatching(/^opt\/setup\.exe@\d+!\/etc\/app\/\.env$/) },
    ]);
    expect(await auditFiles({ 'opt/setup.exe': setup('clean-value-nothing-here') })).toEqual([]);
  });

  it('an LZX folder (makecab /D CompressionType=LZX) is named with each of its files', async () => {
    const lzx = Buffer.from(gcab('clean-value-nothing-here'));
    lzx[36 + 6] = 3; // the one folder's type: LZX
    expect(await auditFiles({ 'opt/x.cab': lzx })).toEqual([
      { severity: 'limit', what: expect.stringMatching(/compressed with LZX, which the audit does not read/), path: 'opt/x.cab!/big/readme.txt' },
      { severity: 'limit', what: expect.stringMatching(/compressed with LZX, which the audit does not read/), path: 'opt/x.cab!/etc/app/.env' },
    ]);
  });

  it('cut short and damaged: named, not thrown', async () => {
    const c = gcab('clean');
    expect((await decodeWith(cab, c.subarray(0, c.length - 10))).limits).toEqual([expect.stringMatching(/a cabinet cut short/)]);
    expect((await decodeWith(cab, c.subarray(0, 50))).limits).toEqual([expect.stringMatching(/ends inside its header/)]);
    const bad = Buffer.from(c);
    bad[c.indexOf('CK') + 2]! ^= 0x06; // the first deflate block's type: reserved
    expect((await decodeWith(cab, bad)).limits).toEqual([expect.stringMatching(/a damaged cabinet/)]);
  });

  it('a flat cabinet (64 MiB of one byte, a space — zeros are no bomb’s measure): deflate-bounded, stopped at the bytes bound, the next file read', async () => {
    const flat = tool('sh', ['-c', 'head -c 67108864 /dev/zero | tr "\\0" " " > zeros.bin && gcab -c -z out.cab zeros.bin'], {}, 'out.cab');
    const found = await auditFiles({ 'a/zeros.cab': flat, 'z/app.env': `TOKEN=${SECRET}\n` }, { ...DEFAULT_LIMITS, fileBytes: 8 << 20 });
    // The two files are read side by side: either finding may come first.
    expect(found).toHaveLength(2);
    expect(found).toContainEqual({ severity: 'leak', what: 'token', path: 'z/app.env' });
    expect(found).toContainEqual({ severity: 'limit', what: expect.stringMatching(/holds more than 8388608 decoded bytes/), path: 'a/zeros.cab' });
  }, 30_000);

  it(`300 truncated and bit-flipped copies: no throw, no hang (seed ${DAMAGE_SEED})`, async () => {
    const c = gcab('clean');
    const started = performance.now();
    for (const copy of damaged(c, 300)) await decodeWith(cab, copy, { cap: 4 << 20 });
    expect(performance.now() - started).toBeLessThan(20_000);
  }, 60_000);
});
