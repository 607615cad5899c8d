// Property: a zip member encrypted with PKWARE's traditional encryption (`zip -e`/`-P`) is named as
// not audited — stored, its ciphertext would otherwise pass as random bytes and the archive pass
// silently —, whatever the chunks the archive arrives in; the same archive unencrypted gives no
// finding, and a central-directory signature met by chance names no member.
// Nearest real-world variant: a password-protected backup or export zip (`zip -P` in a script) copied
// into an image; a jar or wheel (never encrypted) beside it.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { auditFiles, SECRET, tool } from './testing.js';
import { EncryptedMembers } from './zip-encrypted.js';

const files = { 'conf/.env': `DB_PASSWORD=${SECRET}\n`, 'README.md': '# backup\n'.repeat(40) };
/** `zip` with `flags` (the password is a test fixture's, not a secret) over conf/.env and README.md. */
const zipWith = (...flags: string[]) => tool('zip', ['-q', ...flags, 'out.zip', 'conf/.env', 'README.md'], files, 'out.zip');
const limitsOf = (findings: Awaited<ReturnType<typeof auditFiles>>) =>
  findings.filter((f) => f.severity === 'limit' && f.what.includes('encrypted zip entry')).map((f) => f.path);

describe('encrypted zip members', () => {
  it.each([
    ['deflated', ['-P', 'fixture-pw']],
    ['stored', ['-0', '-P', 'fixture-pw']],
  ])('zip -P (%s): each member named as not audited; the archive unencrypted: no finding', async (_, flags) => {
    const findings = await auditFiles({ 'srv/backup.zip': zipWith(...flags) });
    expect(limitsOf(findings).sort()).toEqual(['srv/backup.zip!/README.md', 'srv/backup.zip!/conf/.env']);
    // The same archive unencrypted: its value found, nothing named as encrypted.
    const plain = await auditFiles({ 'srv/backup.zip': zipWith(...flags.filter((f) => f === '-0')) });
    expect(plain).toEqual([expect.objectContaining({ severity: 'leak', path: 'srv/backup.zip!/conf/.env' })]);
  });

  it('reads the central directory across any chunking', () => {
    const archive = zipWith('-P', 'fixture-pw');
    for (const size of [1, 2, 3, 5, 46, 47, 64, 1000, archive.length]) {
      const members = new EncryptedMembers();
      for (let at = 0; at < archive.length; at += size) members.scan(archive.subarray(at, at + size));
      expect(members.encrypted(['conf/.env', 'README.md', 'other']).sort(), `chunks of ${size}`).toEqual(['README.md', 'conf/.env']);
    }
  });

  it('a signature by chance names only a member met, and random bytes name none', () => {
    const members = new EncryptedMembers();
    const chance = Buffer.concat([
      randomBytes(5000),
      Buffer.from([0x50, 0x4b, 1, 2]),
      Buffer.alloc(4, 0),
      Buffer.from([1, 0]),
      Buffer.alloc(18),
      Buffer.from([4, 0]),
      Buffer.alloc(16),
      Buffer.from('junk'),
    ]);
    members.scan(chance);
    expect(members.encrypted(['conf/.env'])).toEqual([]);
  });
});
