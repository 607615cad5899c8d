// Property: a GNU sparse file (tar --format=gnu --sparse: type S, its map's extension blocks before
// its data when it has more than four data regions) is a file like any other — a value in any of its
// regions is found and named by the file's path, in a tar inside a layer and in the layer itself,
// and what follows the sparse entry is still walked; the clean twin gives no finding.
// Nearest real-world variant: a disk image, a database file or a core dump with holes, archived by
// GNU tar with --sparse (a backup tarball copied into an image).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditFiles, SECRET } from './testing.js';

/**
 * A tar (GNU format, --sparse) of data/disk.img — `regions` data regions 64 KiB apart, holes between,
 * `value` in the last — and data/after.env (`value` too), made by the real GNU tar.
 */
function sparseTar(value: string, regions: number): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'hoist-sparse-'));
  try {
    mkdirSync(join(dir, 'data'));
    const fd = openSync(join(dir, 'data/disk.img'), 'w');
    for (let r = 0; r < regions; r++) writeSync(fd, Buffer.from(r === regions - 1 ? `key=${value}\n` : `region ${r}\n`), 0, undefined, r * 65536);
    closeSync(fd);
    writeFileSync(join(dir, 'data/after.env'), `AFTER=${value}\n`);
    execFileSync('tar', ['--format=gnu', '--sparse', '-cf', 'out.tar', 'data/disk.img', 'data/after.env'], { cwd: dir });
    const archive = readFileSync(join(dir, 'out.tar'));
    // Type S really was written: the real tool's output, not a plain file.
    expect(archive[156]).toBe(0x53);
    return archive;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const leaks = (findings: Awaited<ReturnType<typeof auditFiles>>) => findings.filter((f) => f.severity === 'leak').map((f) => f.path);

describe('GNU sparse files in tar', () => {
  it.each([
    { regions: 2, extended: 0 },
    { regions: 12, extended: 1 },
  ])('$regions regions: the value named in the sparse file and in the file after it; the clean twin passes', async ({ regions, extended }) => {
    const archive = sparseTar(SECRET, regions);
    expect(archive[482], 'whether the map continues in extension blocks').toBe(extended);
    expect(leaks(await auditFiles({ 'srv/backup.tar': archive })).sort()).toEqual(['srv/backup.tar!/data/after.env', 'srv/backup.tar!/data/disk.img']);
    expect(await auditFiles({ 'srv/backup.tar': sparseTar('clean-nothing-here', regions) })).toEqual([]);
  });
});
