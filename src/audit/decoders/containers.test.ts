// Property: a value in a member of any container the audit knows is found, the finding naming the
// path through every container (`app.deb!/data.tar.xz!/etc/app/.env`); clean twins pass. Made by
// the real tools where this machine has them (dpkg-deb, ar, cpio, rpmbuild), generated otherwise.
// Nearest real-world variants: a vendor .deb left in /tmp after dpkg -i, a static library, an
// initramfs (newc), a backup made with cpio -H odc, an rpm in a yum cache.
import { zipSync, strToU8 } from 'fflate';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditFiles, has, SECRET, tool } from './testing.js';

const env = (value: string) => `# credentials\nDB_PASSWORD=${value}\n`;

/** A .deb as dpkg-deb builds it, its data.tar compressed with `z`. */
function deb(value: string, z: string): Buffer {
  return tool(
    'sh',
    ['-c', `chmod -R 0755 pkg && dpkg-deb --root-owner-group -Z${z} --build pkg app.deb >/dev/null`],
    { 'pkg/DEBIAN/control': 'Package: app\nVersion: 1.0\nArchitecture: all\nMaintainer: t <t@example.com>\nDescription: t\n', 'pkg/etc/app/.env': env(value) },
    'app.deb',
  );
}

describe('ar: .deb packages (dpkg-deb) and static libraries', () => {
  it.skipIf(!has('dpkg-deb')).each([
    ['xz', 'data.tar.xz'],
    ['zstd', 'data.tar.zst'],
    ['gzip', 'data.tar.gz'],
  ])('dpkg-deb -Z%s: found in %s, the path through ar, the compression and tar', async (z, member) => {
    expect(await auditFiles({ 'tmp/app.deb': deb(SECRET, z) })).toEqual([{ severity: 'leak', what: 'token', path: `tmp/app.deb!/${member}!/./etc/app/.env` }]);
    expect(await auditFiles({ 'tmp/app.deb': deb('clean-value-nothing', z) })).toEqual([]);
  });

  it.skipIf(!has('ar'))('a static library (ar rcs): a long member name from the GNU name table', async () => {
    const lib = tool(
      'sh',
      ['-c', 'ar rcs libapp.a a-rather-long-object-file-name-config.o short.o'],
      { 'a-rather-long-object-file-name-config.o': env(SECRET), 'short.o': 'x' },
      'libapp.a',
    );
    expect(await auditFiles({ 'usr/lib/libapp.a': lib })).toEqual([
      { severity: 'leak', what: 'token', path: 'usr/lib/libapp.a!/a-rather-long-object-file-name-config.o' },
    ]);
  });
});

describe('cpio', () => {
  it.skipIf(!has('cpio')).each(['newc', 'crc', 'odc'])('cpio -o -H %s: the member path named', async (format) => {
    const archive = tool('sh', ['-c', `find etc | cpio -o -H ${format} --quiet`], { 'etc/app/token.env': env(SECRET), 'etc/app/other': 'x'.repeat(1001) });
    expect(await auditFiles({ 'boot/initramfs.cpio': archive })).toEqual([{ severity: 'leak', what: 'token', path: 'boot/initramfs.cpio!/etc/app/token.env' }]);
  });

  it.skipIf(!has('cpio'))('an initramfs with an early uncompressed archive, then the main one gzip-compressed after its trailer', async () => {
    const archive = tool(
      'sh',
      ['-c', '(cd early && find . | cpio -o -H newc --quiet) > out && (cd main && find . | cpio -o -H newc --quiet | gzip -c) >> out && cat out'],
      {
        'early/kernel/x86/microcode/GenuineIntel.bin': 'microcode',
        'main/etc/app/token.env': env(SECRET),
      },
    );
    expect(await auditFiles({ 'boot/initrd.img': archive })).toEqual([
      { severity: 'leak', what: 'token', path: expect.stringMatching(/^boot\/initrd\.img@\d+!\/(\.\/)?etc\/app\/token\.env$/) },
    ]);
  });

  it.skipIf(!has('cpio') || !has('zstd'))('an initramfs compressed with zstd: found through the stream and the archive', async () => {
    const archive = tool('sh', ['-c', 'find etc | cpio -o -H newc --quiet | zstd -q -c'], { 'etc/app/token.env': env(SECRET) });
    expect(await auditFiles({ 'boot/initrd.img': archive })).toEqual([{ severity: 'leak', what: 'token', path: 'boot/initrd.img!/etc/app/token.env' }]);
  });
});

describe('rpm', () => {
  it.skipIf(!has('rpmbuild')).each(['w19.zstdio', 'w9.gzdio', 'w9.xzdio'])('rpmbuild with payload %s: the payload named, then the file', async (payload) => {
    const top = mkdtempSync(join(tmpdir(), 'hoist-rpm-'));
    try {
      const spec = `Name: app\nVersion: 1.0\nRelease: 1\nSummary: t\nLicense: MIT\nBuildArch: noarch\n%description\nt\n%install\nmkdir -p %{buildroot}/etc/app\nprintf 'DB_PASSWORD=%s\\n' '${SECRET}' > %{buildroot}/etc/app/db.conf\n%files\n/etc/app/db.conf\n`;
      tool('sh', ['-c', `rpmbuild -bb --quiet --define "_topdir ${top}" --define "_binary_payload ${payload}" app.spec`], { 'app.spec': spec });
      const dir = join(top, 'RPMS', 'noarch');
      const rpm = readFileSync(join(dir, readdirSync(dir)[0]!));
      // rpm's xz payloads carry a SHA-256 check, which xz-embedded refuses: the stream is given to it without its checks (xz-walk.ts).
      const expected = { severity: 'leak', what: 'token', path: 'var/cache/app.rpm!/payload!/./etc/app/db.conf' };
      expect(await auditFiles({ 'var/cache/app.rpm': rpm })).toEqual([expected]);
    } finally {
      rmSync(top, { recursive: true, force: true });
    }
  });
});

describe('zip family', () => {
  it('a jar nested stored inside a jar (Spring Boot BOOT-INF/lib), deflated members', async () => {
    const inner = zipSync({ 'application.properties': strToU8(env(SECRET)) }, { level: 6 });
    const outer = zipSync({ 'BOOT-INF/lib/inner.jar': [inner, { level: 0 }], 'META-INF/MANIFEST.MF': strToU8('Manifest-Version: 1.0\n') });
    expect(await auditFiles({ 'app/app.jar': outer })).toEqual([
      { severity: 'leak', what: 'token', path: 'app/app.jar!/BOOT-INF/lib/inner.jar!/application.properties' },
    ]);
  });

  it('an executable jar (a launch script before the zip): found after the script', async () => {
    const script = Buffer.from(`#!/bin/bash\n# launch script\nexec java -jar "$0" "$@"\n${'#'.repeat(3000)}\n`);
    // 300 members: each later local header is the jar's own member, not another archive to open (once each, not 300 times).
    const classes = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`BOOT-INF/classes/C${i}.class`, strToU8(`class ${i} `.repeat(20))]));
    const jar = zipSync({ ...classes, 'BOOT-INF/classes/application.yml': strToU8(env(SECRET)) }, { level: 6 });
    const found = await auditFiles({ 'app/app.jar': Buffer.concat([script, jar]) });
    expect(found).toEqual([{ severity: 'leak', what: 'token', path: `app/app.jar@${script.length}!/BOOT-INF/classes/application.yml` }]);
  });

  it.skipIf(!has('zip'))('zip -r (Info-ZIP, data descriptors from a pipe)', async () => {
    const archive = tool('sh', ['-c', 'cat conf/app.env | zip -q - - > out.zip'], { 'conf/app.env': env(SECRET) }, 'out.zip');
    expect(await auditFiles({ 'srv/out.zip': archive })).toEqual([{ severity: 'leak', what: 'token', path: 'srv/out.zip!/-' }]);
  });
});

describe('a cyclic archive', () => {
  it('a zip that holds itself (nested to the depth bound) ends, named as not fully audited', async () => {
    let z: Uint8Array = zipSync({ 'x.txt': strToU8('nothing') });
    for (let i = 0; i < 10; i++) z = zipSync({ 'self.zip': [z, { level: 0 }] });
    const found = await auditFiles({ 'tmp/quine.zip': z });
    expect(found.some((f) => f.severity === 'limit' && /nested deeper than/.test(f.what))).toBe(true);
  });
});

it('the tools used here are on this machine (CI installs them: test/lab/lab.sh APT_PACKAGES)', () => {
  void execFileSync;
  expect(['dpkg-deb', 'cpio', 'ar'].filter((c) => !has(c))).toEqual([]);
});
