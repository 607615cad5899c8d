// Property: a deflate stream that expands absurdly (past 64 MiB of output, more than 200 bytes — the audit's ratio —
// for each byte it consumed: `bomb.ts`) is named as a decompression bomb at its own path, and what its file holds after it is still read —
// the bomb no longer spends the file's byte bound. Before, deflate's own bound (1032 to 1) let such a stream run to the
// file's bound (1 GiB: ~3 s of CPU), and a secret after it in the same file was named "not audited", never read.
// Real-world variants, made by the real tools: a tar holding `gzip` of a repeated line then a file with the secret (a
// backup of a directory holding a bomb); a zip made by `zip` (sizes in the local headers) and one written to a pipe
// (data descriptors: the member's end is where its stream ends, so the bomb is inflated on to its end, its output
// dropped); a git pack made by `git gc` whose first blob is such a file and a later one holds the secret. The file's
// byte bound is lowered to 128 MiB and the bombs are 192 MiB (the default 1 GiB bound against a 1.5 GiB bomb reads the
// same, at 8 times the cost of making and reading them).
// And zeros are not a bomb's measure (session 58): a sparse disk image (`truncate` + `mkfs.ext4 -d`, `qemu-img convert
// -O vdi`) xz'd or gzip'd expands thousands of times — its free blocks — and was named a bomb, its files past the first
// MiBs never read; whole 4 KiB pieces of zeros now count neither against the ratio nor the bounds (up to ZEROS_FREE).
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../nested.js';
import { auditFiles, has, SECRET, tool } from './testing.js';
import { isBomb, zeroBytes, ZEROS_FREE } from './bomb.js';

const LIMITS = { ...DEFAULT_LIMITS, fileBytes: 128 * 1024 * 1024 };
/** A bomb of something other than zeros: one line repeated (gzip -6 expands it ~400 times, xz ~6,900). */
const ZEROS = "yes 'the same line of a bomb, again' | head -c 192M";
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

  it.skipIf(!has('pigz'))('a zlib stream of a repeated line on its own: named as a bomb, no more read of it', { timeout: 120_000 }, async () => {
    const zz = tool('sh', ['-c', `${ZEROS} | pigz -z -6`], {});
    const r = await audited('var/cache/blob.zz', zz);
    expect(r.bombs, r.limits.join('\n')).toEqual(['var/cache/blob.zz']);
  });
});

/** A 64 MiB ext4 image made sparse (`truncate`), its inode tables grown (`-N`) so its files lie past its first 30 MiB. */
const SPARSE_EXT4 = (compress: string) =>
  tool(
    'sh',
    [
      '-c',
      `mkdir -p r/etc/app && for i in 1 2 3 4 5; do seq $((i*1000)) $((i*1000+3000)) > r/etc/app/f$i.txt; done && cp notes.txt r/etc/app/zz.env && truncate -s 64M d.img && mkfs.ext4 -q -F -E root_owner=0:0 -U 3f7a2c10-0000-4000-8000-000000000001 -N 60000 -d r d.img && ${compress}`,
    ],
    { 'notes.txt': NOTES },
    'out',
  );

describe('zeros are not a bomb', () => {
  it('a tar holding gzip of 192 MiB of zeros, then the secret: nothing named, the secret found', { timeout: 120_000 }, async () => {
    const tar = tool('sh', ['-c', 'head -c 192M /dev/zero | gzip -6 > zeros.gz && gzip -6 notes.txt && tar cf - zeros.gz notes.txt.gz'], {
      'notes.txt': NOTES,
    });
    const r = await audited('srv/backup.tar', tar);
    expect([r.found, r.limits]).toEqual([true, []]);
  });

  it.skipIf(!has('mkfs.ext4') || !has('xz'))(
    "a sparse ext4 image, xz'd and gzip'd: its file past 30 MiB found, nothing named",
    { timeout: 120_000 },
    async () => {
      for (const [path, compress] of [
        ['srv/disk.img.xz', 'xz -T1 -6 < d.img > out'],
        ['srv/disk.img.gz', 'gzip -n -6 < d.img > out'],
      ] as const) {
        const r = await audited(path, SPARSE_EXT4(compress));
        expect([path, r.found, r.limits]).toEqual([path, true, []]);
      }
    },
  );

  it.skipIf(!has('mkfs.ext4') || !has('qemu-img') || !has('xz'))(
    "a VirtualBox image (qemu-img convert -O vdi) of it, xz'd: nothing named",
    { timeout: 120_000 },
    async () => {
      const r = await audited('srv/disk.vdi.xz', SPARSE_EXT4('qemu-img convert -O vdi d.img d.vdi && xz -T1 -6 < d.vdi > out'));
      expect(r.limits).toEqual([]);
    },
  );

  it('zeros past ZEROS_FREE count again; pieces of zeros are told whole and aligned only', () => {
    expect(isBomb(ZEROS_FREE + 65 * 2 ** 20, 1000, undefined, ZEROS_FREE + 65 * 2 ** 20)).toBe(true);
    expect(isBomb(ZEROS_FREE, 1000, undefined, ZEROS_FREE)).toBe(false);
    expect(isBomb(200 * 2 ** 20, 1000, undefined, 0)).toBe(true);
    const b = Buffer.alloc(3 * 4096);
    b[4096 + 17] = 1;
    expect([zeroBytes(b), zeroBytes(b.subarray(1)), zeroBytes(Buffer.alloc(4095))]).toEqual([8192, 4096, 0]);
  });
});
