// Property: a zip member encrypted with PKWARE's traditional encryption (`zip -e`/`-P`) or AES
// (method 99) is named as not audited — stored, its ciphertext would otherwise pass as random bytes
// and the archive pass silently —, whatever the chunks the archive arrives in, with or without a
// data descriptor (from a pipe, the sizes only after the data); the same archive unencrypted gives
// no finding.
// Nearest real-world variant: a password-protected backup or export zip (`zip -P` in a script) copied
// into an image; a jar or wheel (never encrypted) beside it.
import { describe, expect, it } from 'vitest';
import { auditFiles, has, SECRET, tool } from './testing.js';
import { walkZip } from './zip.testing.js';

const files = { 'conf/.env': `DB_PASSWORD=${SECRET}\n`, 'README.md': '# backup\n'.repeat(40) };
/** `zip` with `flags` (the password is a test fixture's, not a secret) over conf/.env and README.md; `pipe`: written to a pipe. */
const zipWith = (pipe: boolean, ...flags: string[]) =>
  pipe
    ? tool('sh', ['-c', `zip -q ${flags.join(' ')} - conf/.env README.md | cat`], files)
    : tool('zip', ['-q', ...flags, 'out.zip', 'conf/.env', 'README.md'], files, 'out.zip');
const limitsOf = (findings: Awaited<ReturnType<typeof auditFiles>>) =>
  findings.filter((f) => f.severity === 'limit' && f.what.includes('encrypted zip entry')).map((f) => f.path);

describe('encrypted zip members', () => {
  it.each([
    ['deflated', ['-P', 'fixture-pw']],
    ['stored', ['-0', '-P', 'fixture-pw']],
  ])('zip -P (%s): each member named as not audited; the archive unencrypted: no finding', async (_, flags) => {
    const findings = await auditFiles({ 'srv/backup.zip': zipWith(false, ...flags) });
    expect(limitsOf(findings).sort()).toEqual(['srv/backup.zip!/README.md', 'srv/backup.zip!/conf/.env']);
    // The same archive unencrypted: its value found, nothing named as encrypted.
    const plain = await auditFiles({ 'srv/backup.zip': zipWith(false, ...flags.filter((f) => f === '-0')) });
    expect(plain).toEqual([expect.objectContaining({ severity: 'leak', path: 'srv/backup.zip!/conf/.env' })]);
  });

  it('written to a pipe (sizes in a descriptor after the ciphertext): named in chunks of 1 byte to whole, the walk goes on after each', async () => {
    const archive = zipWith(true, '-P', 'fixture-pw');
    expect(archive.readUInt16LE(6) & 9).toBe(9); // encrypted, with a descriptor
    for (const chunk of [1, 3, 46, 1000, archive.length]) {
      const w = await walkZip(archive, { chunk });
      expect(w.limits.map((l) => l.path).sort(), `chunks of ${chunk}`).toEqual(['x!/README.md', 'x!/conf/.env']);
      expect(w.finished, `chunks of ${chunk}`).toBe(true);
    }
  });

  it.skipIf(!has('7zz'))('AES (7-Zip -mem=AES256, method 99): named, the clear member beside it read', async () => {
    const made = tool(
      'sh',
      ['-c', '7zz a -bd -bso0 -tzip -pfixture-pw -mem=AES256 out.zip conf/.env && 7zz a -bd -bso0 -tzip out.zip README.md'],
      files,
      'out.zip',
    );
    const w = await walkZip(made);
    expect(w.limits).toEqual([{ what: expect.stringContaining('encrypted (AES, method 99)'), path: 'x!/conf/.env' }]);
    expect(w.members.get('README.md')?.toString()).toBe(files['README.md']);
  });
});
