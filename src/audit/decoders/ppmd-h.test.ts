// Property: a 7z archive whose folder is compressed with PPMd var. H (7-Zip's coder 030401: `7z a -m0=PPMd`, any order
// 2–32 and arena 64 KiB–192 MiB, solid or not) is read — a value in a member found at `a.7z!/path`, the clean twin
// passing, the folder decoded byte for byte even where the arena fills and the model restarts (64 KiB, order 16, on
// 2.7 MB of mixed text and binary); a header asking an arena over 256 MiB (4 GiB) is named, never allocated; a stream
// cut or damaged is named after what decoded before it was handed on. Nearest real-world variants: a text-heavy backup
// (logs, configs, SQL dumps) packed with `7z a -m0=PPMd` for its ratio, 7-Zip's `-mx=9 -m0=PPMd:mem=192m:o=32`.
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ppmdProps, ppmdRun } from './ppmd-h.js';
import { decodeFolder } from './sevenzip-coders.js';
import { header, K_HEADER, Reader } from './sevenzip-header.js';
import { auditFiles, has, SECRET, tool } from './testing.js';
import type { DecodeEnv } from './types.js';

const files = (value: string) => ({
  'app/conf/.env': `# credentials\nDB_PASSWORD=${value}\n`.repeat(30),
  'app/README.md': '# app\nnothing here\n'.repeat(300),
  'app/logs/app.log': Array.from({ length: 3000 }, (_, i) => `2026-12-06T10:${String(i % 60).padStart(2, '0')} GET /api/${(i * 2654435761) >>> 0} 200`).join(
    '\n',
  ),
});
const sevenZip = (args: string[], content: Record<string, string | Uint8Array>) =>
  tool('7zz', ['a', '-bd', '-bso0', ...args, 'out.7z', ...new Set(Object.keys(content).map((p) => p.split('/')[0]!))], content, 'out.7z');
const leak = (path: string) => [{ severity: 'leak', what: 'token', path }];

/** The plain header (`-mhc=off`) of `archive`: where it starts and its first folder. */
function plainHeader(archive: Buffer) {
  const at = 32 + Number(archive.readBigUInt64LE(12));
  const r = new Reader(archive.subarray(at, at + Number(archive.readBigUInt64LE(20))));
  expect(r.number()).toBe(K_HEADER);
  return { at, info: header(r).main! };
}

/** `archive` (`-mhc=off`) with its PPMd coder's arena set to `memory` and both header CRCs made right again. */
function withMemory(archive: Buffer, memory: number): Buffer {
  const copy = Buffer.from(archive);
  const { at } = plainHeader(copy);
  const coder = copy.indexOf(Buffer.from([0x23, 0x03, 0x04, 0x01, 0x05]), at);
  expect(coder).toBeGreaterThan(0);
  copy.writeUInt32LE(memory, coder + 6);
  copy.writeUInt32LE(crc32(copy.subarray(at, at + Number(copy.readBigUInt64LE(20)))), 28);
  copy.writeUInt32LE(crc32(copy.subarray(12, 32)), 8);
  return copy;
}

describe.skipIf(!has('7zz'))('PPMd var. H in 7z archives made by 7-Zip', { timeout: 120_000 }, () => {
  it.each([
    [['-m0=PPMd']],
    [['-m0=PPMd', '-mhc=off']],
    [['-m0=PPMd', '-ms=off']],
    [['-m0=PPMd:o=2:mem=1m']],
    [['-m0=PPMd:o=32:mem=192m']],
    [['-m0=PPMd:o=16:mem=64k']],
    [['-mx=9', '-m0=PPMd']],
  ])('7zz a %j: the member found at its path, the clean twin passes', async (args: string[]) => {
    expect(await auditFiles({ 'srv/backup.7z': sevenZip(args, files(SECRET)) })).toEqual(leak('srv/backup.7z!/app/conf/.env'));
    expect(await auditFiles({ 'srv/backup.7z': sevenZip(args, files('clean-value-nothing')) })).toEqual([]);
  });

  it.each([['o=16:mem=64k'], ['o=4:mem=256k'], ['o=32:mem=1m'], ['o=6:mem=16m']])(
    '-m0=PPMd:%s on 2.7 MB of text and binary (the arena filled, the model restarted): decoded byte for byte',
    async (spec) => {
      const text = Array.from({ length: 30_000 }, (_, i) => `row ${i}\t${((i * 2654435761) >>> 0).toString(36)}\t${'abcdefgh'.slice(i % 8)}`).join('\n');
      const data = Buffer.concat([Buffer.from(text), tool('cat', ['/usr/bin/ls', '/usr/bin/cp'], {}), Buffer.from(text.toUpperCase())]);
      const archive = sevenZip([`-m0=PPMd:${spec}`, '-mhc=off'], { 'data/mixed.bin': data });
      const { info } = plainHeader(archive);
      const parts: Uint8Array[] = [];
      const failures: string[] = [];
      const env = { path: 'a.7z', stopped: false, ratio: 1000 } as unknown as DecodeEnv;
      const packed = archive.subarray(32 + info.packPos, 32 + info.packPos + info.packSizes[0]!);
      const pack = () => Array.from({ length: Math.ceil(packed.length / 5000) }, (_, k) => packed.subarray(k * 5000, (k + 1) * 5000));
      await decodeFolder(
        info.folders[0]!,
        [pack],
        async (b) => (parts.push(b.slice()), true),
        env,
        (why) => failures.push(why),
      );
      expect(failures).toEqual([]);
      expect(Buffer.concat(parts).equals(data)).toBe(true);
    },
  );

  it('a header asking a 4 GiB (or 300 MiB) arena: named at the entry, nothing allocated', async () => {
    const archive = sevenZip(['-m0=PPMd', '-mhc=off'], files(SECRET));
    for (const memory of [0xffffffff - 36, 300 << 20]) {
      const before = process.memoryUsage().arrayBuffers;
      expect(await auditFiles({ 'srv/backup.7z': withMemory(archive, memory) })).toEqual([
        {
          severity: 'limit',
          what: expect.stringMatching(/^not fully audited: a damaged 7z entry \(a PPMd model of \d+ MiB, over the 256 MiB the audit builds\)/),
          path: expect.stringMatching(/^srv\/backup\.7z!\/app\//),
        },
      ]);
      expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 << 20);
    }
  });

  it('properties out of range (order 1 or 65, an arena under 2 KiB) are named, not read', () => {
    const props = (order: number, memory: number) => Uint8Array.from([order, memory & 0xff, (memory >> 8) & 0xff, (memory >> 16) & 0xff, memory >>> 24]);
    expect([ppmdProps(props(1, 1 << 20)), ppmdProps(props(65, 1 << 20)), ppmdProps(props(6, 1024)), ppmdProps(props(6, 1 << 20))]).toEqual([
      'PPMd properties that cannot be read (order 1, memory 1048576)',
      'PPMd properties that cannot be read (order 65, memory 1048576)',
      'PPMd properties that cannot be read (order 6, memory 1024)',
      { order: 6, memory: 1 << 20 },
    ]);
  });

  it('a stream cut anywhere: what decoded before the cut handed on, the cut named', async () => {
    const archive = sevenZip(['-m0=PPMd', '-mhc=off'], files(SECRET));
    const { info } = plainHeader(archive);
    const packed = archive.subarray(32 + info.packPos, 32 + info.packPos + info.packSizes[0]!);
    const coder = info.folders[0]!.coders[0]!;
    const size = info.folders[0]!.sizes[0]!;
    const outcomes = [];
    for (const cut of [0, 3, 200, Math.floor(packed.length / 2), packed.length - 1]) {
      const failures: string[] = [];
      let out = 0;
      const run = ppmdRun(
        coder.props,
        size,
        async (b) => ((out += b.length), true),
        (why) => failures.push(why),
      );
      await run.push(packed.subarray(0, cut));
      await run.end();
      outcomes.push([failures.length, out < size]);
    }
    expect(outcomes).toEqual(Array.from({ length: 5 }, () => [1, true]));
  });
});
