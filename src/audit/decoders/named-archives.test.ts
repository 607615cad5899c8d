// Property: three more formats the audit does not decode are named, never passed in silence — a WIM
// image compressed with LZX, XPRESS or LZMS (wimcapture, --solid), a zpaq archive and an lrzip file
// give a `limit` finding naming the file, leaky or clean, in any chunk sizes; a WIM stored without
// compression is not named, a value in it found in its bytes as they are; random heads with each
// signature planted (MSWIM, zpaq's `7kSt`, LRZI, LHA's -lh5- at byte 2) and near misses (an LHA header
// of level 1 or 2 whose checksum or CRC-16 is off by a bit) are not claimed; beside them LHA archives,
// now decoded (lha.test.ts), found in their members. Nearest real-world variants: a Windows
// install.wim in a provisioning image, a zpaq or lrzip backup of /etc, an old vendor tool as .lzh.
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { decodeWith } from './decode.testing.js';
import { isLha } from './lha.js';
import { isLrzip, lrzip } from './lrzip.js';
import { auditFiles, has, SECRET, tool } from './testing.js';
import { isWim, wim } from './wim.js';
import { isZpaq, zpaq } from './zpaq.js';

const rng = seededPerTest(0x11b);
const config = (value: string) => `API_TOKEN=${value}\n${Array.from({ length: rng.int(100, 3000) }, (_, i) => `row ${i} ${rng.int(1e6)}`).join('\n')}\n`;
const sh = (script: string, files: Record<string, string>, out: string) => tool('sh', ['-c', script], files, out);

const wimOf = (value: string, how: string) => sh(`wimcapture root out.wim ${how} > /dev/null`, { 'root/etc/app.env': config(value) }, 'out.wim');
const zpaqOf = (value: string) => sh('zpaq a out.zpaq root -method 1 > /dev/null 2>&1', { 'root/etc/app.env': config(value) }, 'out.zpaq');
const lrzOf = (value: string) => sh('lrzip -q -o out.lrz f > /dev/null 2>&1', { f: config(value) }, 'out.lrz');
/** `lha a` with `options` (o5–o7: the method, z: stored, a level 0–2 before them: the header level) of `n` members. */
function lhaOf(value: string, options: string, n = 2): Buffer {
  const files: Record<string, string> = {};
  for (let i = 0; i < n; i++) files[`m${i}.txt`] = config(i === n - 1 ? value : `other-${i}`);
  return sh(`lha a${options} out.lzh ${Object.keys(files).join(' ')} > /dev/null`, files, 'out.lzh');
}

describe.runIf(has('wimcapture') && has('zpaq') && has('lrzip') && has('lha'))(`WIM, zpaq, lrzip named (seed ${rng.seed})`, { timeout: 120_000 }, () => {
  it('WIM (LZX, XPRESS, LZMS solid), zpaq and lrzip named, in random chunk sizes; a stored WIM not named', async () => {
    const chunk = () => rng.int(1, 5000);
    for (const [how, kind] of [
      ['--compress=LZX', 'LZX'],
      ['--compress=XPRESS', 'XPRESS'],
      ['--solid', 'LZMS'],
    ] as const)
      expect((await decodeWith(wim, wimOf(SECRET, how), { chunk: chunk() })).limits).toEqual([
        `a WIM image whose resources are ${kind}-compressed, which the audit does not decode`,
      ]);
    expect((await decodeWith(wim, wimOf(SECRET, '--compress=none'), { chunk: chunk() })).limits).toEqual([]);
    expect((await decodeWith(zpaq, zpaqOf(SECRET), { chunk: chunk() })).limits).toEqual([expect.stringMatching(/^a zpaq archive/)]);
    expect((await decodeWith(lrzip, lrzOf(SECRET), { chunk: chunk() })).limits).toEqual([expect.stringMatching(/^an lrzip file/)]);
  });

  it('random heads and near misses are not claimed', () => {
    const real = lhaOf('x'.repeat(12), 'o5');
    const level1 = lhaOf('x'.repeat(12), '1o5');
    expect([isLha(real), isLha(level1), isWim(wimOf('x', '')), isZpaq(zpaqOf('x')), isLrzip(lrzOf('x'))]).toEqual([true, true, true, true, true]);
    for (let k = 0; k < 64; k++)
      for (const head of [real, level1]) {
        const near = Buffer.from(head);
        near[7 + rng.int(14)]! ^= 1 << rng.int(8);
        expect(isLha(near)).toBe(false);
      }
    const marks = [Buffer.from('MSWIM\0\0\0'), Buffer.from('7kSt'), Buffer.from('LRZI\0'), Buffer.from('  -lh5-')];
    for (let i = 0; i < 20_000; i++) {
      const head = rng.bytes(512);
      if (i % 5) marks[(i % 5) - 1]!.copy(head);
      expect([isWim(head), isZpaq(head), isLrzip(head), isLha(head)]).toEqual([false, false, false, false]);
    }
  });

  it('through the audit: each named by its path, leaky or clean; the stored WIM and the LHA archives found in their members, not named', async () => {
    const found = await auditFiles({
      'srv/a.wim': wimOf(SECRET, '--compress=LZX'),
      'srv/b.zpaq': zpaqOf(SECRET),
      'srv/c.tar.lrz': lrzOf(SECRET),
      'srv/d.lzh': lhaOf(SECRET, 'o5'),
      'srv/e.lzh': lhaOf('an-other-value-of-the-same-length+/=', 'o6'),
      'srv/f.wim': wimOf(SECRET, '--compress=none'),
      'srv/g.lzh': lhaOf(SECRET, 'z2'),
    });
    expect(found.map((f) => `${f.severity} ${f.path}`).sort()).toEqual([
      'leak srv/d.lzh!/m1.txt',
      'leak srv/f.wim',
      'leak srv/g.lzh!/m1.txt',
      'limit srv/a.wim',
      'limit srv/b.zpaq',
      'limit srv/c.tar.lrz',
    ]);
  });
});
