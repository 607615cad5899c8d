// Property (issue 28): a container that passes its members on to the audit — an rpm (rpmbuild: its payload cpio under
// the distribution's compressor), a cpio archive (cpio -o -H newc), an ar archive (ar rc) and a U-Boot image (mkimage
// -C gzip) — damaged (cut, or 1-8 bytes set to 00, 80 or FF: a third anywhere, a third in its first 512 bytes, a third
// within 4 KiB of the value; each word of its first 64 bytes set to 2^32 - 1, 2^31 or its own offset), the value's own
// bytes spared, is read through the whole audit (its router, the nested readers) without a throw, and each copy either
// gives the value or is named as not fully audited: never a silent pass.
// Nearest real-world variant: a package or firmware image in a layer cut by an interrupted download, or bit-rotted.
// All copies of a container are audited in one layer (srv/c<k>.<ext>): each copy's findings are those under its path.
// Seeded: HOIST_TEST_SEED replaces 0x9a55; the files are made steady (steady.testing.ts), so the copies are the same
// on every run and machine.
import { describe, expect, it } from 'vitest';
import { seeded, testSeed } from '../../../test/support/random.js';
import { damagedSparing, near, wordCopies } from './fuzz.testing.js';
import { steadyTool } from './steady.testing.js';
import { auditFiles, has, SECRET } from './testing.js';

const TWIN = 'x'.repeat(SECRET.length);
const SEED = testSeed(0x9a55);
const COPIES = 24;

const notes = (value: string) =>
  `${Array.from({ length: 2000 }, (_, i) => `line ${i} of the notes ${(i * 2654435761) >>> 0}`).join('\n')}\nAPI_TOKEN=${value}\n${'after\n'.repeat(500)}`;

const SPEC = `Name: app\nVersion: 1\nRelease: 1\nSummary: s\nLicense: MIT\nBuildArch: noarch\n%description\nd\n%install\nmkdir -p %{buildroot}/etc/app\ncp %{_sourcedir}/app.env %{buildroot}/etc/app/app.env\n%files\n/etc/app/app.env\n`;

const MAKERS: Array<[string, string, string, (value: string) => Buffer]> = [
  [
    'rpmbuild -bb (its payload compressed)',
    'rpmbuild',
    'rpm',
    (v) =>
      steadyTool(
        'sh',
        ['-c', 'rpmbuild -bb --quiet --define "_topdir $PWD/top" --define "_sourcedir $PWD" app.spec > /dev/null 2>&1 && cp top/RPMS/noarch/*.rpm out.rpm'],
        { 'app.spec': SPEC, 'app.env': notes(v) },
        'out.rpm',
      ),
  ],
  [
    'cpio -o -H newc',
    'cpio',
    'cpio',
    (v) => steadyTool('sh', ['-c', 'ls a.txt app.env | cpio -o -H newc --quiet > out.cpio'], { 'a.txt': notes('x'), 'app.env': notes(v) }, 'out.cpio'),
  ],
  ['ar rc', 'ar', 'a', (v) => steadyTool('sh', ['-c', 'ar rcD out.a a.txt app.env'], { 'a.txt': notes('x'), 'app.env': notes(v) }, 'out.a')],
  [
    'mkimage -C gzip',
    'mkimage',
    'uimg',
    (v) =>
      steadyTool(
        'sh',
        ['-c', 'gzip -n -9 < app.env > p.gz && mkimage -A arm -O linux -T kernel -C gzip -a 0 -e 0 -n app -d p.gz out.uimg > /dev/null'],
        { 'app.env': notes(v) },
        'out.uimg',
      ),
  ],
];

describe(`damaged pass-through containers through the whole audit (seed ${SEED})`, { timeout: 300_000 }, () => {
  it.each(MAKERS)('%s: each damaged copy read or named', async (_what, command, ext, make) => {
    if (!has(command)) return;
    const [file, twin] = [make(SECRET), make(TWIN)];
    const head = (k: number): [number, number] => (k % 3 === 2 ? near(file, twin) : [0, k % 3 === 0 ? file.length : Math.min(file.length, 512)]);
    // A U-Boot image damaged across its header's end and its payload's first bytes keeps nothing that names it (its
    // header's CRC broken, the gzip magic gone): no reader can tell it, a known limit. Every other copy is held.
    const tellable = (c: Buffer) =>
      ext !== 'uimg' || c.length < 66 || c.subarray(0, 64).equals(file.subarray(0, 64)) || c.subarray(64, 66).equals(file.subarray(64, 66));
    const copies = [...damagedSparing(file, twin, seeded(SEED), COPIES, head, tellable), ...wordCopies(file, 0, 64)];
    const findings = await auditFiles(Object.fromEntries(copies.map(([, c], k) => [`srv/c${k}.${ext}`, c])));
    // Its path, a member's (`!`) or a stream found at an offset in it (`@`).
    const silent = copies.filter((_, k) => !findings.some((f) => f.path.startsWith(`srv/c${k}.${ext}`)));
    expect(
      silent.map(([what]) => what),
      `${silent.length} of ${copies.length} copies silent`,
    ).toEqual([]);
  });
});
