// Property: a deflate stream that expands absurdly (past 64 MiB of output, more than 200 bytes — the audit's ratio —
// for each byte it consumed: `bomb.ts`) is named as a decompression bomb at its own path, and what its file holds after it is still read —
// the bomb no longer spends the file's byte bound. Before, deflate's own bound (1032 to 1) let such a stream run to the
// file's bound (1 GiB: ~3 s of CPU), and a secret after it in the same file was named "not audited", never read.
// Real-world variants, made by the real tools: a tar holding `gzip` of zeros then a file with the secret (a backup of a
// directory holding a bomb); a zip made by `zip` (sizes in the local headers) and one written to a pipe (data
// descriptors: the member's end is where its stream ends, so the bomb is inflated on to its end, its output dropped);
// a git pack made by `git gc` whose first blob is a file of zeros and a later one holds the secret. The file's byte
// bound is lowered to 128 MiB and the bombs are 192 MiB of zeros (the default 1 GiB bound against a 1.5 GiB bomb reads
// the same, at 8 times the cost of making and reading them).
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../nested.js';
import { auditFiles, has, SECRET, tool } from './testing.js';

const LIMITS = { ...DEFAULT_LIMITS, fileBytes: 128 * 1024 * 1024 };
const ZEROS = 'head -c 192M /dev/zero';
/** A file holding the secret among lines that compress: deflated in the zip, gzip'd in the tar, so it is read only through them. */
const NOTES = `${'deploy notes: rotate the key every 90 days\n'.repeat(64)}token=${SECRET}\n`;

/** The audit of a layer holding `file` at `path`: whether the secret was found inside it, and the limits named. */
async function audited(path: string, file: Buffer) {
  const findings = await auditFiles({ [path]: file }, LIMITS);
  return {
    found: findings.some((f) => f.severity === 'leak' && f.path.startsWith(`${path}!`)),
    bombs: findings.filter((f) => f.severity === 'limit' && /decompression bomb/.test(f.what)).map((f) => f.path),
    limits: findings.filter((f) => f.severity === 'limit').map((f) => `${f.path}: ${f.what}`),
  };
}

describe('a decompression bomb inside a file', () => {
  it('a tar holding a gzip bomb, then the secret: the bomb named, the secret found', { timeout: 120_000 }, async () => {
    const tar = tool('sh', ['-c', `${ZEROS} | gzip -6 > zeros.gz && gzip -6 notes.txt && tar cf - zeros.gz notes.txt.gz`], { 'notes.txt': NOTES });
    const r = await audited('srv/backup.tar', tar);
    expect(r.found, r.limits.join('\n')).toBe(true);
    expect(r.bombs, r.limits.join('\n')).toEqual(['srv/backup.tar!/zeros.gz']);
  });

  it.skipIf(!has('zip'))('a zip (sizes in its headers) with a bomb member, then the secret', { timeout: 120_000 }, async () => {
    const zip = tool('sh', ['-c', `${ZEROS} > zeros.bin && zip -q -6 out.zip zeros.bin notes.txt`], { 'notes.txt': NOTES }, 'out.zip');
    const r = await audited('opt/bundle.zip', zip);
    expect(r.found, r.limits.join('\n')).toBe(true);
    expect(r.bombs, r.limits.join('\n')).toEqual(['opt/bundle.zip!/zeros.bin']);
  });

  it.skipIf(!has('zip'))('a zip written to a pipe (data descriptors) with a bomb member, then the secret', { timeout: 120_000 }, async () => {
    const zip = tool('sh', ['-c', `${ZEROS} > zeros.bin && zip -q -6 - zeros.bin notes.txt | cat`], { 'notes.txt': NOTES });
    const r = await audited('opt/bundle.zip', zip);
    expect(r.found, r.limits.join('\n')).toBe(true);
    expect(r.bombs, r.limits.join('\n')).toEqual(['opt/bundle.zip!/zeros.bin']);
  });

  it.skipIf(!has('git'))('a git pack with a bomb object, then the secret object', { timeout: 120_000 }, async () => {
    const script = [
      'git init -q repo && cd repo',
      'git config user.email a@example.com && git config user.name a',
      `${ZEROS} > a-zeros.bin && cp ../notes.txt b-notes.txt`,
      'git add . && git commit -q -m data && git gc -q',
      'cat .git/objects/pack/*.pack',
    ].join(' && ');
    const pack = tool('sh', ['-c', script], { 'notes.txt': NOTES });
    const r = await audited('srv/repo.pack', pack);
    expect(r.found, r.limits.join('\n')).toBe(true);
    expect(r.bombs.length, r.limits.join('\n')).toBe(1);
    expect(r.bombs[0]).toMatch(/^srv\/repo\.pack!\/@\d+$/);
  });

  it.skipIf(!has('pigz'))('a zlib stream of zeros on its own: named as a bomb, no more read of it', { timeout: 120_000 }, async () => {
    const zz = tool('sh', ['-c', `${ZEROS} | pigz -z -6`], {});
    const r = await audited('var/cache/blob.zz', zz);
    expect(r.bombs, r.limits.join('\n')).toEqual(['var/cache/blob.zz']);
  });
});
