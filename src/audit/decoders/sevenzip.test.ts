// Property: a 7z archive made by the real 7-Zip (7zz) is read whatever its settings — default
// (LZMA2, solid, LZMA-compressed header), -mx=1…9, non-solid, LZMA, Deflate, BZip2, Copy, a plain
// header (-mhc=off), the BCJ x86 filter on an executable — and a value in a member is found at
// `a.7z!/path`; each clean twin passes (PPMd: ppmd-h.test.ts); a coder the audit does not have and an encrypted
// archive are named as not audited, with the coder; a cut archive is named, never a throw.
// Nearest real-world variants: `7z a backup.7z ./config` in a Dockerfile, a release shipped as .7z,
// a .7z inside a .tar.gz, a jar/zip inside a .7z, installers that are BCJ-filtered executables.
import { readFileSync } from 'node:fs';
import { crc32, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { tarOf } from '../../../test/support/tar.js';
import { decodeFolder } from './sevenzip-coders.js';
import { header, K_HEADER, Reader } from './sevenzip-header.js';
import { auditFiles, executableWith, has, SECRET, tool } from './testing.js';
import type { DecodeEnv } from './types.js';

const files = (value: string) => ({
  'app/conf/.env': `# credentials\nDB_PASSWORD=${value}\n`.repeat(30),
  'app/README.md': '# app\nnothing here\n'.repeat(300),
  'app/empty.txt': '',
});
const sevenZip = (args: string[], content: Record<string, string | Uint8Array>) =>
  tool('7zz', ['a', '-bd', '-bso0', ...args, 'out.7z', ...new Set(Object.keys(content).map((p) => p.split('/')[0]!))], content, 'out.7z');
const leak = (path: string) => [{ severity: 'leak', what: 'token', path }];

describe.skipIf(!has('7zz'))('7z archives made by 7-Zip', { timeout: 60_000 }, () => {
  it.each([
    [[]],
    [['-mx=1']],
    [['-mx=9']],
    [['-ms=off']],
    [['-m0=LZMA']],
    [['-mhc=off']],
    [['-m0=Deflate']],
    [['-m0=BZip2']],
    [['-m0=Copy']],
    [['-mx=5', '-mf=BCJ']],
    [['-mf=ARM64']],
    [['-mf=ARM']],
    [['-m0=LZMA:d=256m']],
    [['-md=256m']],
  ])('7zz a %j: the member found at its path, the clean twin passes', async (args: string[]) => {
    expect(await auditFiles({ 'srv/backup.7z': sevenZip(args, files(SECRET)) })).toEqual(leak('srv/backup.7z!/app/conf/.env'));
    expect(await auditFiles({ 'srv/backup.7z': sevenZip(args, files('clean-value-nothing')) })).toEqual([]);
  });

  it.each([['-mf=BCJ'], ['-mf=ARM64'], ['-mf=ARM'], ['-m0=LZMA'], ['-m0=Deflate'], ['-m0=BZip2'], ['-mx=9']])(
    '7zz a %s -mhc=off on a binary: the folder decoded byte for byte',
    async (method) => {
      const binary = readFileSync('/bin/ls');
      const archive = sevenZip([method, '-mhc=off'], { 'bin/ls': binary });
      const at = 32 + Number(archive.readBigUInt64LE(12));
      const r = new Reader(archive.subarray(at, at + Number(archive.readBigUInt64LE(20))));
      expect(r.number()).toBe(K_HEADER);
      const info = header(r).main!;
      const parts: Uint8Array[] = [];
      const failures: string[] = [];
      const env = { path: 'a.7z', stopped: false, ratio: 1000 } as unknown as DecodeEnv;
      const pack = () => [archive.subarray(32 + info.packPos, 32 + info.packPos + info.packSizes[0]!)];
      await decodeFolder(
        info.folders[0]!,
        [pack],
        async (b) => (parts.push(b.slice()), true),
        env,
        (why) => failures.push(why),
      );
      expect(failures).toEqual([]);
      expect(Buffer.concat(parts).equals(binary)).toBe(true);
    },
  );

  it("a coder the audit does not have (PPMd's id changed to 030409, the header CRCs made right) is named, with the coder", async () => {
    const archive = Buffer.from(sevenZip(['-m0=PPMd', '-mhc=off'], files(SECRET)));
    const at = 32 + Number(archive.readBigUInt64LE(12));
    const coder = archive.indexOf(Buffer.from([0x23, 0x03, 0x04, 0x01, 0x05]), at);
    archive[coder + 3] = 0x09;
    archive.writeUInt32LE(crc32(archive.subarray(at, at + Number(archive.readBigUInt64LE(20)))), 28);
    archive.writeUInt32LE(crc32(archive.subarray(12, 32)), 8);
    expect(await auditFiles({ 'srv/backup.7z': archive })).toEqual([
      {
        severity: 'limit',
        what: 'not fully audited: a 7z entry compressed with an unknown method (coder 030409), which the audit does not read (and 1 more files of its block)',
        path: 'srv/backup.7z!/app/README.md',
      },
    ]);
  });

  it('an encrypted archive (-p, names visible; -mhe=on, names hidden) is named as not audited', async () => {
    const findings = await auditFiles({ 'srv/backup.7z': sevenZip(['-pfixture-password'], files(SECRET)) });
    expect(findings).toEqual([expect.objectContaining({ severity: 'limit', what: expect.stringContaining('encrypted (AES-256, coder 06f10701)') })]);
    expect(await auditFiles({ 'srv/backup.7z': sevenZip(['-pfixture-password', '-mhe=on'], files(SECRET)) })).toEqual([
      {
        severity: 'limit',
        what: 'not fully audited: a 7z archive whose header is encrypted (AES-256, coder 06f10701), which the audit does not read',
        path: 'srv/backup.7z',
      },
    ]);
  });

  it('an executable filtered by BCJ x86 (7-Zip picks it for an executable ELF file): a UTF-16 value right after call/jump opcodes found', async () => {
    /** As a build leaves it: executable (7-Zip picks BCJ for an ELF file with its x bit). */
    const archived = (value: string) =>
      tool('sh', ['-c', 'chmod +x bin/app && 7zz a -bd -bso0 out.7z bin'], { 'bin/app': executableWith(value, 20) }, 'out.7z');
    const archive = archived(SECRET);
    expect(tool('7zz', ['l', '-slt', 'a.7z'], { 'a.7z': archive }).toString()).toMatch(/Method = .*BCJ/);
    expect(await auditFiles({ 'opt/app.7z': archive })).toEqual([{ severity: 'leak', what: 'token, UTF-16', path: 'opt/app.7z!/bin/app' }]);
    expect(await auditFiles({ 'opt/app.7z': archived('clean-value-nothing') })).toEqual([]);
  });

  it('nested: a .7z inside a .tar.gz, a zip inside a .7z', async () => {
    const inner = sevenZip([], files(SECRET));
    const tarball = gzipSync(await tarOf({ 'dist/backup.7z': inner }));
    const zip = tool('zip', ['-qr', 'out.zip', 'app'], files(SECRET), 'out.zip');
    const outer = sevenZip([], { 'pkg/lib.zip': zip, 'pkg/notes.txt': 'notes\n' });
    expect(await auditFiles({ 'srv/release.tar.gz': tarball, 'srv/bundle.7z': outer })).toEqual([
      ...leak('srv/release.tar.gz!/dist/backup.7z!/app/conf/.env'),
      ...leak('srv/bundle.7z!/pkg/lib.zip!/app/conf/.env'),
    ]);
  });

  it('a cut archive is named as not audited', async () => {
    const archive = sevenZip([], files(SECRET));
    const findings = await auditFiles({ 'srv/cut.7z': archive.subarray(0, archive.length - 20) });
    expect(findings).toEqual([
      { severity: 'limit', what: 'not fully audited: a 7z archive that ends early (its header is missing): not audited', path: 'srv/cut.7z' },
    ]);
  });
});
