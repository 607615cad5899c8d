// Property: a 7z archive whose executables 7-Zip filtered with BCJ2 — what `7zz a -mx=9` (ultra) picks for x86
// executables, or -mf=BCJ2 — is read exactly: each member's bytes decoded whole (real ELF executables, their calls and
// jumps converted back), and a value in an executable (a UTF-16 string right after call/jump opcodes, as a Windows
// binary holds its strings) found at `a.7z!/path`; the clean twin passes; damaged copies never throw. Fails with BCJ2
// not read: the folder is named as not audited and the value missed (round 16's 7z-bcj2-ultra, the bundle of
// 1f5ef53). Nearest real-world variant: `7z a -mx=9 tools.7z bin/` of a release's binaries, unpacked in an image.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { bcj2Decode } from './bcj2.js';
import { damaged, decodeWith } from './decode.testing.js';
import { sevenZip } from './sevenzip.js';
import { auditFiles, executableWith, has, SECRET, tool } from './testing.js';

const rng = seededPerTest(0xbc32);

const bins = (value: string) => ({ 'bin/svc': executableWith(value, 8), 'bin/true': readFileSync('/usr/bin/true'), 'bin/cp': readFileSync('/usr/bin/cp') });
/** As a build leaves them: executable (7-Zip picks its x86 filter for an ELF file with its x bit). */
const archive = (args: string[], value: string) => tool('sh', ['-c', `chmod +x bin/* && 7zz a -bd -bso0 ${args.join(' ')} out.7z bin`], bins(value), 'out.7z');

describe.skipIf(!has('7zz'))(`7z archives of executables filtered by BCJ2 (seed ${rng.seed})`, { timeout: 60_000 }, () => {
  it.each([[['-mx=9']], [['-mf=BCJ2']], [['-mf=BCJ2', '-ms=off']]])('7zz a %j: every member decoded exactly, the value found', async (args: string[]) => {
    const a = archive(args, SECRET);
    expect(tool('7zz', ['l', '-slt', 'a.7z'], { 'a.7z': a }).toString()).toMatch(/Method = .*BCJ2/);
    const { out, limits } = await decodeWith(sevenZip, a, { chunk: rng.int(1, 100_000) });
    expect(limits).toEqual([]);
    for (const [name, bytes] of Object.entries(bins(SECRET))) expect(out.includes(bytes), name).toBe(true);
    const found = await auditFiles({ 'srv/tools.7z': a });
    expect(found, JSON.stringify(found)).toContainEqual({ severity: 'leak', what: 'token, UTF-16', path: 'srv/tools.7z!/bin/svc' });
    expect(await auditFiles({ 'srv/tools.7z': archive(args, 'clean-value-nothing-here') })).toEqual([]);
  });

  it('damaged copies never throw', async () => {
    const a = archive(['-mf=BCJ2'], SECRET);
    for (const d of damaged(a, 16)) await expect(decodeWith(sevenZip, d)).resolves.toBeDefined();
  });

  it('streams that run short give undefined, not a throw', () => {
    // An E8 whose bit says converted, with no call stream left: five zero bytes of range coder decode bit 0, so a
    // converted call needs the coder's code above the bound — all ones.
    expect(bcj2Decode(Uint8Array.of(0xe8, 1, 2), new Uint8Array(0), new Uint8Array(0), new Uint8Array(5).fill(0xff), 7)).toBeUndefined();
    expect(bcj2Decode(Uint8Array.of(1, 2, 3), new Uint8Array(0), new Uint8Array(0), new Uint8Array(5), 3)).toEqual(Uint8Array.of(1, 2, 3));
  });
});
