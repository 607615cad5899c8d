// Property: a file-system image or archive inside other bytes — a firmware blob: a header or "kernel" of random bytes,
// or an ELF binary, then the image, as `binwalk` carves them — is read at its offset: a value in a file of the image is
// found, and its path names the offset (`fw.bin@N!/…`). Each image made by its real tool; a clean twin finds nothing.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { seeded, seededPerTest, testSeed } from '../../../test/support/random.js';
import { candidates } from './embedded.js';
import { lha } from './lha.js';
import { sevenZip } from './sevenzip.js';
import { ubifs } from './ubifs.js';
import { squashfs } from './squashfs.js';
import { cramfs } from './cramfs.js';
import { mkfs } from './ext.testing.js';
import { auditFiles, has, SECRET, tool } from './testing.js';

const conf = (value: string) => `[auth]\n${Array.from({ length: 200 }, (_, i) => `opt${i} = ${i * 7}\n`).join('')}token = ${value}\n`;
const tree = (value: string) => ({ 'root/etc/app/app.conf': conf(value), 'root/etc/hostname': 'device\n' });
const sh = (script: string, value: string, out = 'out.img') => tool('sh', ['-c', script], tree(value), out);
/** A file whose value starts 10 bytes before 4096: cut across a 4 KiB block or page. */
const across = (value: string) => {
  const lines = Array.from({ length: 600 }, (_, i) => `line ${(i * 2654435761) % 4294967296}\n`).join('');
  return { 'root/etc/app/app.bin': `${lines.slice(0, 4086)}token = ${value}\n${lines}`, 'root/etc/hostname': 'device\n' };
};
const shAcross = (script: string, value: string) => tool('sh', ['-c', script], across(value), 'out.img');
const UBI_INI = '[v]\nmode=ubi\nimage=vol.img\nvol_id=0\nvol_type=dynamic\nvol_name=rootfs\nvol_flags=autoresize\n';

/** Each format by its real tool, holding /etc/app/app.conf with `value`. */
export const IMAGES: Record<string, { tool: string; make: (value: string) => Buffer }> = {
  squashfs: { tool: 'mksquashfs', make: (v) => sh('mksquashfs root out.img -quiet -noappend > /dev/null', v) },
  'squashfs-lzo': { tool: 'mksquashfs', make: (v) => shAcross('mksquashfs root out.img -quiet -noappend -comp lzo > /dev/null', v) },
  'squashfs-across': { tool: 'mksquashfs', make: (v) => shAcross('mksquashfs root out.img -quiet -noappend -b 4096 > /dev/null', v) },
  'cramfs-across': { tool: 'mkfs.cramfs', make: (v) => shAcross('mkfs.cramfs root out.img > /dev/null', v) },
  'jffs2-across': { tool: 'mkfs.jffs2', make: (v) => shAcross('mkfs.jffs2 -r root -o out.img -e 0x10000', v) },
  cramfs: { tool: 'mkfs.cramfs', make: (v) => sh('mkfs.cramfs root out.img > /dev/null', v) },
  jffs2: { tool: 'mkfs.jffs2', make: (v) => sh('mkfs.jffs2 -r root -o out.img -e 0x10000', v) },
  ubifs: { tool: 'mkfs.ubifs', make: (v) => sh('mkfs.ubifs -x zlib -r root -m 2048 -e 129024 -c 64 -o out.img', v) },
  ubi: {
    tool: 'ubinize',
    make: (v) =>
      tool(
        'sh',
        ['-c', 'ubinize -o out.ubi -m 2048 -p 128KiB -s 512 ubi.ini 2> /dev/null'],
        { 'vol.img': IMAGES.ubifs!.make(v), 'ubi.ini': UBI_INI },
        'out.ubi',
      ),
  },
  ext4: { tool: 'mke2fs', make: (v) => mkfs('-t ext4', { 'etc/app/app.conf': conf(v) }, '1M') },
  fat: {
    tool: 'mcopy',
    make: (v) => sh('mkfs.vfat -C out.img 1024 > /dev/null && MTOOLS_SKIP_CHECK=1 mcopy -i out.img root/etc/app/app.conf ::/app.conf', v),
  },
  cpio: { tool: 'cpio', make: (v) => sh('find root | cpio -o -H newc --quiet > out.img', v) },
  tar: { tool: 'tar', make: (v) => sh('tar cf out.img root', v) },
  zip: { tool: 'zip', make: (v) => sh('zip -qr out.zip root', v, 'out.zip') },
  '7z': { tool: '7zz', make: (v) => sh('7zz a -bd out.7z root > /dev/null', v, 'out.7z') },
  ar: { tool: 'ar', make: (v) => sh('ar rc out.img root/etc/app/app.conf root/etc/hostname', v) },
  lha: { tool: 'lha', make: (v) => sh('lha aq out.lzh root', v, 'out.lzh') },
};

const ELF = readFileSync('/usr/bin/true');
const rng = seeded(testSeed(4711));
const KERNELS: Record<string, Buffer> = { '0': Buffer.alloc(0), '4096': rng.bytes(4096), '12345': rng.bytes(12345), elf: ELF };

/**
 * Where each format's value is found, the image at offset N of `name`: `dec` — the image decoded at its offset
 * (`name@N!/…`, `name!/…` at 0); `block` — one of its compressed blocks found on its own (`name@M!`, M past N: the
 * squashfs, cramfs and JFFS2 zlib blocks, as at offset 0); `plain` — the value's bytes as they are in the image, at
 * the file's own path (ext4, FAT, cpio and ar store a file's bytes whole: found, the image not opened at an offset);
 * `gap` — not found at an offset (JFFS2 cut across pages: its node magic is 2 bytes, not searched for at an offset).
 * squashfs and cramfs found at N read the rest on as plain under `name@N`, where their blocks are found (`name@N@96!`).
 */
const WHERE: Record<string, { how: 'dec' | 'block' | 'plain' | 'gap'; inner?: RegExp }> = {
  'squashfs-lzo': { how: 'dec', inner: /^\/etc\/app\/app\.bin$/ },
  'squashfs-across': { how: 'dec', inner: /^\/etc\/app\/app\.bin$/ },
  'cramfs-across': { how: 'dec', inner: /^\/etc\/app\/app\.bin$/ },
  'jffs2-across': { how: 'gap' },
  squashfs: { how: 'block' },
  cramfs: { how: 'block' },
  jffs2: { how: 'block' },
  ubifs: { how: 'dec', inner: /^\/inode-\d+$/ },
  ubi: { how: 'dec', inner: /^\/inode-\d+$/ },
  ext4: { how: 'plain' },
  fat: { how: 'plain' },
  cpio: { how: 'plain' },
  tar: { how: 'dec', inner: /^\/root\/etc\/app\/app\.conf$/ },
  zip: { how: 'dec', inner: /^\/root\/etc\/app\/app\.conf$/ },
  '7z': { how: 'dec', inner: /^\/root\/etc\/app\/app\.conf$/ },
  ar: { how: 'plain' },
  lha: { how: 'dec', inner: /^\/root\/etc\/app\/app\.conf$/ },
};
const CLEAN = 'x'.repeat(SECRET.length);
const name = (file: string) => file.replace(/-(\d+|elf)\.bin$/, '');

/** Whether `path` (a finding in `file`, whose image starts at `at`) is where WHERE says. */
function placed(path: string, file: string, at: number, how: 'dec' | 'block' | 'plain' | 'gap', inner?: RegExp): boolean {
  // At 0 the image is the file's head: claimed by its decoder as any file is (`ar-0.bin!/app.conf`, `jffs2-0.bin!/inode-5`).
  if (at === 0 && path.startsWith(`${file}!/`)) return true;
  if (how === 'plain') return path === file;
  const m = /^([^@!]+)(?:@(\d+))?(?:@(\d+))?!(.*)$/.exec(path);
  if (!m || m[1] !== file) return false;
  const offset = Number(m[2] ?? 0);
  if (how === 'dec') return offset === at && m[3] === undefined && inner!.test(m[4]!);
  // A block: at M inside the image at N (`@N@M!`), or at 0 at M of the file; JFFS2's at M of the file, past N.
  return m[4] === '' && (m[3] !== undefined ? offset === at : at === 0 || (name(file).startsWith('jffs2') && offset > at));
}

describe('file-system images and archives inside other bytes (firmware blobs)', { timeout: 300_000 }, () => {
  for (const [name, { tool: t, make }] of Object.entries(IMAGES)) {
    it.runIf(has(t))(
      `${name} by ${t}: after 0, 4096 and 12345 random bytes and after an ELF binary, ${WHERE[name]!.how === 'gap' ? 'not found at an offset (a gap)' : 'found at its offset'}`,
      async () => {
        const [leaky, clean] = [make(SECRET), make(CLEAN)];
        const files: Record<string, Buffer> = {};
        for (const [k, kernel] of Object.entries(KERNELS)) {
          files[`${name}-${k}.bin`] = Buffer.concat([kernel, leaky]);
          files[`clean-${name}-${k}.bin`] = Buffer.concat([kernel, clean]);
        }
        const found = await auditFiles(files);
        expect(found.filter((f) => f.path.startsWith('clean-'))).toEqual([]);
        const { how, inner } = WHERE[name]!;
        for (const [k, kernel] of Object.entries(KERNELS)) {
          const file = `${name}-${k}.bin`;
          const leaks = found.filter((f) => f.severity === 'leak' && f.path.split(/[@!]/)[0] === file).map((f) => f.path);
          const misplaced = leaks.filter((p) => !placed(p, file, kernel.length, how, inner));
          expect({ file, found: leaks.length > 0, misplaced }).toEqual({ file, found: !(how === 'gap' && kernel.length), misplaced: [] });
        }
      },
    );
  }
});

describe('the signatures of images found inside other bytes', () => {
  const rng = seededPerTest(4712);
  /** Each new signature's fixed bytes, before what its check computes (a CRC, a checksum, a length). */
  const PLANTED: Record<string, number[]> = {
    '7z': [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0, 4],
    ubi: [...Buffer.from('UBI#'), 1, 0, 0, 0],
    ubifs: [0x31, 0x18, 0x10, 0x06],
    lha: [0, 0, ...Buffer.from('-lh5-')],
    squashfs: [...Buffer.from('hsqs')],
    cramfs: [0x45, 0x3d, 0xcd, 0x28],
  };
  it(`random buffers with each planted at a random place are not claimed (seed ${rng.seed})`, () => {
    const names = new Set([sevenZip.name, ubifs.name, lha.name, squashfs.name, cramfs.name]);
    for (let i = 0; i < 20_000; i++) {
      const buf = rng.bytes(rng.int(64, 4096));
      const sig = PLANTED[rng.pick(Object.keys(PLANTED))]!;
      const at = rng.int(0, buf.length - sig.length);
      buf.set(sig, at);
      // Fields a header check reads as fixed: sometimes right, so the check's sum or CRC is what tells it apart.
      if (sig[0] === 0x31 && at + 24 <= buf.length) buf.set([0, 0x10, 0, 0, 6, 0, 0, 0], at + 16);
      expect(
        candidates(buf, 0)
          .filter((c) => names.has(c.kind.decoder.name))
          .map((c) => `${c.kind.decoder.name}@${c.at}`),
      ).toEqual([]);
    }
  });
});
