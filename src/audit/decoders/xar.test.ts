// Property: a value in a xar archive's member is found, named at the member's path inside it, whatever the member's
// encoding libarchive wrote (lzma — LZMA-alone, no magic a search takes —, xz, bzip2, gzip, none), in a directory or
// not; the clean twin gives no finding; random heads are not claimed. Nearest real-world variant: a macOS-style package
// (xar) made on Linux by libarchive, unpacked by a cross-build image's tooling.
import { describe, expect, it } from 'vitest';
import { xar } from './xar.js';
import { auditFiles, has, SECRET, tool } from './testing.js';
import { seeded, testSeed } from '../../../test/support/random.js';

const r = seeded(testSeed(15074));
const OTHER = `tok-decoders-${r.chars('0123456789abcdef', 12)}+/=value`;
const env = (v: string) => `API_TOKEN=${v}\n${Array.from({ length: 3000 }, (_, i) => `LINE_${i}`).join('\n')}\n`;
const pack = (v: string, compression: string) =>
  tool('bsdtar', ['-cf', 'out.xar', '--format=xar', '--options', `xar:compression=${compression}`, 'etc'], { 'etc/app/app.env': env(v) }, 'out.xar');

describe.skipIf(!has('bsdtar'))('xar archives', () => {
  it.each(['lzma', 'xz', 'bzip2', 'gzip', 'none'])('xar:compression=%s: found at the member, the clean twin silent', async (compression) => {
    const file = pack(SECRET, compression);
    expect(xar.sniff(file.subarray(0, 512), 'pkg.xar')).toBe(true);
    expect(await auditFiles({ 'srv/pkg.xar': file })).toContainEqual({
      severity: 'leak',
      what: 'token',
      path: expect.stringMatching(/^srv\/pkg\.xar!\/etc\/app\/app\.env!?$/),
    });
    expect(await auditFiles({ 'srv/pkg.xar': pack(OTHER, compression) })).toEqual([]);
  });

  it(`random heads are not claimed, with or without the magic (seed ${r.seed})`, () => {
    let claimed = 0;
    for (let i = 0; i < 20_000; i++) {
      const h = r.bytes(64);
      if (i % 2) h.set([0x78, 0x61, 0x72, 0x21]);
      if (xar.sniff(h, '')) claimed++;
    }
    // The magic and a header size ≥ 28 and version 1 planted by chance: 1 in 256 × 65,536 of the planted.
    expect(claimed).toBe(0);
  });
});
