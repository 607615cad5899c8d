// Property: a zip written by 7-Zip with any method it offers is read or named: deflate64 (9, by
// deflate64.ts), bzip2 (12), LZMA (14), xz (95) members are decoded and a value in them found — also
// in a jar inside a bzip2 member — with clean twins; PPMd (98) members are named as not read, never
// passed. A damaged Deflate64 member is named; its inflater never throws or hangs on damaged input.
// Nearest real-world variants: a backup zipped with 7-Zip's -mm options, a large file zipped by
// Windows Explorer (Deflate64), a release bundle of jars zipped with -mm=BZip2.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DAMAGE_SEED, damaged } from './decode.testing.js';
import { inflate64 } from './deflate64.js';
import { auditFiles, has, SECRET, tool } from './testing.js';

const lorem = 'lorem ipsum dolor sit amet, consectetur adipiscing elit '.repeat(200);
const env = (value: string) => `${lorem}# ${value.slice(0, 12)} ${value.slice(12)}\nDB_PASSWORD=${value}\n${lorem}`;
/** A zip made by 7-Zip with method `m`: a large README first (Deflate64's long matches and far distances), then conf/.env. */
const zip7 = (m: string, files: Record<string, string | Uint8Array>) =>
  tool('sh', ['-c', `7zz a -tzip -mm=${m} out.zip ${Object.keys(files).join(' ')} >/dev/null`], files, 'out.zip');
const tree = (value: string) => ({
  'README.md': `${lorem}\n`.repeat(40) + readFileSync(new URL('./lzma-core.ts', import.meta.url), 'utf8'),
  'conf/.env': env(value),
});

describe.skipIf(!has('7zz'))('zips written by 7-Zip', () => {
  it.each(['Deflate64', 'BZip2', 'LZMA', 'XZ'])('-mm=%s: found in conf/.env; the clean twin passes', async (m) => {
    expect(await auditFiles({ 'srv/backup.zip': zip7(m, tree(SECRET)) })).toEqual([
      { severity: 'leak', what: 'token', path: expect.stringMatching(/^srv\/backup\.zip!\/conf\/\.env!?$/) },
    ]);
    expect(await auditFiles({ 'srv/backup.zip': zip7(m, tree('clean-value-nothing-here')) })).toEqual([]);
  });

  it('-mm=BZip2 holding a jar: found through the bzip2 member and the jar (its entries stored)', async () => {
    const jar = (value: string) => tool('sh', ['-c', 'zip -q -0 -r app.jar BOOT-INF'], { 'BOOT-INF/classes/application.properties': env(value) }, 'app.jar'); // stored: 7-Zip then compresses it
    const bundle = zip7('BZip2', { 'lib/app.jar': jar(SECRET) });
    expect(bundle.readUInt16LE(8)).toBe(12); // the first (only) member, the jar: bzip2
    expect(await auditFiles({ 'srv/bundle.zip': bundle })).toEqual([
      { severity: 'leak', what: 'token', path: 'srv/bundle.zip!/lib/app.jar!/BOOT-INF/classes/application.properties' },
    ]);
    expect(await auditFiles({ 'srv/bundle.zip': zip7('BZip2', { 'lib/app.jar': jar('clean-value-nothing-here') }) })).toEqual([]);
  });

  it('-mm=PPMd: each member named as not read', async () => {
    expect(await auditFiles({ 'srv/backup.zip': zip7('PPMd', tree('clean-value-nothing-here')) })).toEqual([
      {
        severity: 'limit',
        what: expect.stringMatching(/compressed with ppmd \(method 98\), which the audit does not read/),
        path: 'srv/backup.zip!/README.md',
      },
      {
        severity: 'limit',
        what: expect.stringMatching(/compressed with ppmd \(method 98\), which the audit does not read/),
        path: 'srv/backup.zip!/conf/.env',
      },
    ]);
  });

  it(`Deflate64 over a 1.5 MB binary: the same bytes back; a damaged member named; 300 damaged streams never throw anything else (seed ${DAMAGE_SEED})`, async () => {
    const input = readFileSync(process.execPath).subarray(0, 1_500_000);
    const z = zip7('Deflate64', { 'bin.dat': input });
    const at = 30 + 'bin.dat'.length;
    const size = z.readUInt32LE(18);
    const stream = z.subarray(at, at + size);
    expect(Buffer.from(inflate64(stream, 1 << 24)).equals(input)).toBe(true);
    const bad = Buffer.from(z);
    bad[at + 100]! ^= 0xff;
    const found = await auditFiles({ 'srv/bin.zip': bad });
    expect(found).toEqual([{ severity: 'limit', what: expect.stringMatching(/a damaged zip entry \(deflate64: /), path: 'srv/bin.zip!/bin.dat' }]);
    const started = performance.now();
    const outcomes = new Set<string>();
    for (const copy of damaged(stream.subarray(0, 200_000), 300)) {
      try {
        outcomes.add(inflate64(copy, 4 << 20).length <= 4 << 20 ? 'decoded' : 'too much');
      } catch (e) {
        outcomes.add((e as Error).constructor.name);
      }
    }
    expect([...outcomes].filter((o) => o !== 'decoded' && o !== 'Deflate64Error')).toEqual([]);
    expect(performance.now() - started).toBeLessThan(30_000);
  }, 60_000);

  it('a Deflate64 bomb (64 MiB of one byte, a space — zeros are no bomb’s measure): stopped at the ratio bound, named', async () => {
    const bomb = tool(
      'sh',
      ['-c', 'head -c 67108864 /dev/zero | tr "\\0" " " > zeros.bin && 7zz a -tzip -mm=Deflate64 out.zip zeros.bin >/dev/null'],
      {},
      'out.zip',
    );
    expect(await auditFiles({ 'srv/zeros.zip': bomb })).toEqual([
      { severity: 'limit', what: expect.stringMatching(/expands more than 200 times|over \d+ bytes|more than \d+ bytes/), path: 'srv/zeros.zip!/zeros.bin' },
    ]);
  }, 30_000);
});
