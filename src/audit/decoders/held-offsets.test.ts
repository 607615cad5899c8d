// Property: a stream found inside a held image or database (FAT, ext2/3/4, SQLite and its WAL: read on as plain
// content with their header as zeros, `held-image.ts`) is named at the file's own offset — the place `dd skip=N`
// finds it — not at an offset less the header (512, 1024, 16 or 32 bytes short, as before). Images by the real tools
// (mkfs.vfat + mcopy, mke2fs -d, python3's sqlite3, in WAL mode too), a gzip stream at a known place in the free
// space and inside a file's data or a row's blob; the clean twin is named nowhere.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { mkfs } from './ext.testing.js';
import { auditFiles, has, SECRET } from './testing.js';

const leaky = gzipSync(Buffer.from(`[auth]\ntoken = ${SECRET}\n`));
const clean = gzipSync(Buffer.from(`[auth]\ntoken = ${'x'.repeat(SECRET.length)}\n`));
/** A file's data: some bytes, then the stream. */
const data = (gz: Buffer) => Buffer.concat([Buffer.alloc(777, 1), gz]);

/** A 2 MiB FAT image holding `f.bin` (one run of clusters), the stream written again at 1500 KiB, in free space. */
function fatImage(gz: Buffer): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'hoist-fat-'));
  try {
    execFileSync('mkfs.vfat', ['-C', join(dir, 'esp.img'), '2048'], { stdio: 'ignore' });
    writeFileSync(join(dir, 'f.bin'), data(gz));
    execFileSync('mcopy', ['-i', join(dir, 'esp.img'), join(dir, 'f.bin'), '::/f.bin'], { env: { ...process.env, MTOOLS_SKIP_CHECK: '1' }, stdio: 'ignore' });
    const img = readFileSync(join(dir, 'esp.img'));
    expect(
      img.subarray(1500 * 1024, 1500 * 1024 + gz.length).some((b) => b !== 0),
      'free space',
    ).toBe(false);
    img.set(gz, 1500 * 1024);
    return img;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A database whose one row's blob is the file's data (`python3 -c 'import sqlite3'`), or its write-ahead log (`wal`). */
function database(gz: Buffer, wal = false): Buffer {
  const script = `import sqlite3, sys, shutil
c = sqlite3.connect(sys.argv[1])
if sys.argv[2] == 'wal': c.execute('pragma journal_mode=wal'); c.execute('pragma wal_autocheckpoint=0')
c.execute('create table t (b blob)'); c.execute('insert into t values (?)', (sys.stdin.buffer.read(),)); c.commit()
if sys.argv[2] == 'wal': shutil.copy(sys.argv[1] + '-wal', sys.argv[1] + '.copy')`;
  const dir = mkdtempSync(join(tmpdir(), 'hoist-db-'));
  try {
    execFileSync('/usr/bin/python3', ['-c', script, join(dir, 'app.db'), wal ? 'wal' : 'db'], { input: data(gz) });
    return readFileSync(join(dir, wal ? 'app.db.copy' : 'app.db'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The leaks' paths, and that the clean twin gives none. */
async function leaksIn(name: string, make: (gz: Buffer) => Buffer): Promise<{ paths: string[]; offsets: number[] }> {
  const img = make(leaky);
  const offsets: number[] = [];
  for (let at = img.indexOf(leaky); at >= 0; at = img.indexOf(leaky, at + 1)) offsets.push(at);
  const found = await auditFiles({ [name]: img, [`clean-${name}`]: make(clean) });
  expect(found.filter((f) => f.path.startsWith('clean-') && f.severity === 'leak')).toEqual([]);
  return {
    paths: found
      .filter((f) => f.severity === 'leak')
      .map((f) => f.path)
      .sort(),
    offsets,
  };
}

describe("streams inside held images and databases: named at the file's own offsets", { timeout: 120_000 }, () => {
  it.runIf(has('mkfs.vfat') && has('mcopy'))("FAT: in free space and in a file's data", async () => {
    const { paths, offsets } = await leaksIn('esp.img', fatImage);
    expect(offsets).toHaveLength(2);
    expect(offsets).toContain(1500 * 1024);
    expect(paths).toEqual(offsets.map((at) => `esp.img@${at}!`).sort());
  });

  it.runIf(has('mke2fs'))("ext4: in a file's data", async () => {
    const { paths, offsets } = await leaksIn('rootfs.ext4', (gz) => mkfs('-t ext4', { 'f.bin': data(gz) }));
    expect(offsets).toHaveLength(1);
    expect(paths).toEqual([`rootfs.ext4@${offsets[0]}!`]);
  });

  it("SQLite: in a row's blob", async () => {
    const { paths, offsets } = await leaksIn('app.db', (gz) => database(gz));
    expect(offsets).toHaveLength(1);
    expect(paths).toEqual([`app.db@${offsets[0]}!`]);
  });

  it("SQLite's write-ahead log: in a row's blob", async () => {
    const { paths, offsets } = await leaksIn('app.db-wal', (gz) => database(gz, true));
    expect(offsets).toHaveLength(1);
    expect(paths).toEqual([`app.db-wal@${offsets[0]}!`]);
  });
});
