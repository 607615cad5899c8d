// Property: a zip member compressed with any method whose data is a stream the audit reads — bzip2
// (12), zstd (93), xz (95) — is read through that stream's decoder, and an LZMA one (14: raw LZMA1
// after a 4-byte header and its properties) by lzma-zip.ts; a value in it is found, a clean twin
// passes, and a damaged LZMA member is named as not audited while the other members are still read.
// Nearest real-world variants: `zip -Z bzip2` (Info-ZIP), Python's zipfile with ZIP_BZIP2 and
// ZIP_LZMA (wheels and backups written by scripts), a zip whose members were written by a zstd- or
// xz-capable archiver (their data made here by the real zstd and xz tools).
import { execFileSync } from 'node:child_process';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { auditFiles, has, SECRET, tool } from './testing.js';

const env = (value: string) => `# credentials\nDB_PASSWORD=${value}\n`.repeat(20);
const readme = '# app\nnothing here\n'.repeat(20);

/** A zip written by Python's zipfile with `method` (ZIP_BZIP2, ZIP_LZMA): conf/.env holding `value`, and a README. */
const python = (method: string, value: string) =>
  tool(
    'python3',
    ['-c', `import zipfile\nwith zipfile.ZipFile('out.zip', 'w', zipfile.${method}) as z:\n  z.write('README.md')\n  z.write('conf/.env')`],
    { 'conf/.env': env(value), 'README.md': readme },
    'out.zip',
  );

/** A zip whose members' data were compressed by a real tool (`zstd -c`, `xz -c`) and stored with `method`: local headers, central directory, end record. */
function zipOf(method: number, command: string, members: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(members)) {
    const data = execFileSync(command, ['-c'], { input: content });
    const n = Buffer.from(name);
    const fields = (h: Buffer, at: number) => {
      h.writeUInt16LE(method === 93 ? 63 : 20, at);
      h.writeUInt16LE(method, at + 4);
      h.writeUInt32LE(crc32(content), at + 10);
      h.writeUInt32LE(data.length, at + 14);
      h.writeUInt32LE(content.length, at + 18);
      h.writeUInt16LE(n.length, at + 22);
    };
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    fields(local, 4);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE(63, 4);
    fields(dir, 6);
    dir.writeUInt32LE(offset, 42);
    locals.push(local, n, data);
    central.push(dir, n);
    offset += 30 + n.length + data.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(members).length, 8);
  end.writeUInt16LE(Object.keys(members).length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const leakAt = (path: string) => [{ severity: 'leak', what: 'token', path }];

describe('zip members in methods other than stored and deflate', () => {
  it.skipIf(!has('zip'))('zip -Z bzip2 (Info-ZIP, method 12): the member read as a bzip2 stream', async () => {
    const made = (value: string) =>
      tool('sh', ['-c', 'zip -q -Z bzip2 -r out.zip README.md conf'], { 'conf/.env': env(value), 'README.md': readme }, 'out.zip');
    expect(made(SECRET).readUInt16LE(8)).toBe(12);
    expect(await auditFiles({ 'srv/backup.zip': made(SECRET) })).toEqual(leakAt('srv/backup.zip!/conf/.env!'));
    expect(await auditFiles({ 'srv/backup.zip': made('clean-value-nothing') })).toEqual([]);
  });

  it.skipIf(!has('python3'))("Python's zipfile ZIP_BZIP2 (method 12)", async () => {
    expect(await auditFiles({ 'srv/dist.whl': python('ZIP_BZIP2', SECRET) })).toEqual(leakAt('srv/dist.whl!/conf/.env!'));
    expect(await auditFiles({ 'srv/dist.whl': python('ZIP_BZIP2', 'clean-value-nothing') })).toEqual([]);
  });

  it.each(
    (
      [
        [93, 'zstd'],
        [95, 'xz'],
      ] as const
    ).filter(([, command]) => has(command)),
  )('method %i: members whose data the real %s tool made', async (method, command) => {
    const made = (value: string) => zipOf(method, command, { 'README.md': readme, 'conf/.env': env(value) });
    expect(await auditFiles({ 'srv/bundle.zip': made(SECRET) })).toEqual(leakAt('srv/bundle.zip!/conf/.env!'));
    expect(await auditFiles({ 'srv/bundle.zip': made('clean-value-nothing') })).toEqual([]);
  });

  it.skipIf(!has('python3'))("Python's zipfile ZIP_LZMA (method 14, raw LZMA1 with its end marker): read", async () => {
    const lzma = python('ZIP_LZMA', SECRET);
    expect(lzma.readUInt16LE(8)).toBe(14);
    expect(await auditFiles({ 'srv/old.zip': lzma })).toEqual(leakAt('srv/old.zip!/conf/.env'));
    expect(await auditFiles({ 'srv/old.zip': python('ZIP_LZMA', 'clean-value-nothing') })).toEqual([]);
  });

  it.skipIf(!has('7zz'))("7-Zip's zip with -mm=LZMA (no end marker: the member's size ends it); a damaged member named, the others read", async () => {
    const made = (value: string) =>
      tool('7zz', ['a', '-bd', '-bso0', '-tzip', '-mm=LZMA', 'out.zip', 'README.md', 'conf'], { 'conf/.env': env(value), 'README.md': readme }, 'out.zip');
    expect(made(SECRET).readUInt16LE(8)).toBe(14);
    expect(await auditFiles({ 'srv/old.zip': made(SECRET) })).toEqual(leakAt('srv/old.zip!/conf/.env'));
    expect(await auditFiles({ 'srv/old.zip': made('clean-value-nothing') })).toEqual([]);
    const damaged = made(SECRET);
    const at = 30 + damaged.readUInt16LE(26) + 9 + 2; // README.md's first LZMA bytes after its header
    damaged.writeUInt8(damaged.readUInt8(at) ^ 0xff, at);
    const findings = await auditFiles({ 'srv/old.zip': damaged });
    expect(findings).toContainEqual(leakAt('srv/old.zip!/conf/.env')[0]);
    expect(findings.filter((f) => f.severity === 'limit').map((f) => f.path)).toEqual(['srv/old.zip!/README.md']);
  });
});
