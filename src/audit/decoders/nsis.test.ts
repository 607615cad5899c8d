// Property: a value in a file an NSIS installer carries (made by makensis: SetCompressor zlib, the default; lzma;
// /SOLID lzma) is found in the installer — each block inflated, or handed on as an .lzma stream — at
// `setup.exe!(block N)` or `setup.exe!(solid).lzma!`; NSIS's bzip2 is named; the clean twin gives no finding; NSIS's
// own stubs (a PE with `.ndata`, no data) are read as plain with nothing named; random heads and this machine's files
// other than NSIS's stubs are not claimed. Fails with nsis unregistered: the installers pass in silence (round 17's
// nsis-* artifacts, missed by the bundle of 66e13b4). Nearest real-world variant: a Windows installer built in a Linux
// CI image (electron-builder's NSIS target, a cross-built release) and left in the image.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { seeded, testSeed } from '../../../test/support/random.js';
import { fileHeads } from './decode.testing.js';
import { isNsis } from './nsis.js';
import { auditFiles, has, SECRET, tool } from './testing.js';

const OTHER = 'tok-clean-twin-7e2d0a9c5b3f+/=value';

/** setup.exe: an installer of app.env (the value on line 1, then 3,000 lines) built by makensis with `compressor`. */
const installer = (v: string, compressor: string) =>
  tool(
    'sh',
    [
      '-c',
      `printf 'API_TOKEN=%s\\n' "$(cat secret)" > app.env; seq 1 3000 | sed 's/^/LINE_/' >> app.env
printf 'SetCompressor ${compressor}\\nOutFile "setup.exe"\\nSection\\nSetOutPath $INSTDIR\\nFile app.env\\nSectionEnd\\n' > s.nsi
makensis -V1 s.nsi > /dev/null`,
    ],
    { secret: v },
    'setup.exe',
  );

describe.runIf(has('makensis'))('NSIS installers made by makensis', { timeout: 60_000 }, () => {
  it.each([
    ['zlib', /^srv\/setup\.exe!\(block 1\)$/],
    ['lzma', /^srv\/setup\.exe!\(block 1\)\.lzma!$/],
    ['/SOLID lzma', /^srv\/setup\.exe!\(solid\)\.lzma!$/],
    ['/SOLID zlib', /^srv\/setup\.exe!\(solid\)$/],
  ])('SetCompressor %s: the installed file found; the clean twin passes', async (compressor, where) => {
    const exe = installer(SECRET, compressor);
    expect(isNsis(exe.subarray(0, 2048))).toBe(true);
    expect(exe.includes(SECRET)).toBe(false);
    expect(await auditFiles({ 'srv/setup.exe': exe })).toContainEqual({ severity: 'leak', what: 'token', path: expect.stringMatching(where) });
    expect(await auditFiles({ 'srv/setup.exe': installer(OTHER, compressor) })).toEqual([]);
  });

  it("SetCompressor bzip2 (NSIS's own bzip2): named as not fully audited", async () => {
    expect(await auditFiles({ 'srv/setup.exe': installer(SECRET, 'bzip2') })).toContainEqual({
      severity: 'limit',
      what: expect.stringContaining("NSIS's bzip2"),
      path: 'srv/setup.exe',
    });
  });

  it("NSIS's stubs (no data after them): read as plain, nothing named", async () => {
    const dir = '/usr/share/nsis/Stubs';
    const stub = readFileSync(`${dir}/${readdirSync(dir).find((n) => n.startsWith('zlib'))!}`);
    expect(isNsis(stub.subarray(0, 2048))).toBe(true);
    expect(await auditFiles({ 'srv/stub.exe': stub })).toEqual([]);
  });
});

describe('NSIS sniff', () => {
  const r = seeded(testSeed(0x4e51));
  it(`random heads, with MZ planted or not, are not claimed (seed ${r.seed})`, () => {
    let claimed = 0;
    for (let i = 0; i < 20_000; i++) {
      const h = r.bytes(1024);
      if (i % 2) h.set([0x4d, 0x5a]);
      if (isNsis(h)) claimed++;
    }
    expect(claimed).toBe(0);
  });
  it("this machine's binaries and libraries are not claimed", () => {
    const heads = [...fileHeads('/usr/bin', 2000), ...fileHeads('/usr/lib/x86_64-linux-gnu', 2000)];
    expect(heads.filter((h) => isNsis(h)).length).toBe(0);
  });
});
