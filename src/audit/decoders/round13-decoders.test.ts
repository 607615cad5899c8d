// Property: the stores and images round 13 found missed in silence are read as their own tools read them, fed in
// random chunk sizes (seed named) — a Kyoto Cabinet hash or B+ tree database with compressed records (kchashmgr /
// kctreemgr create -tc: raw deflate values; the small, linear, unaligned options too), a Kyoto Cabinet directory database's record files (kcdirmgr -tc: raw
// deflate of a binary record, claimed by a hex name that is its key), a Tokyo Cabinet database whose records are TCBS
// (tchmgr create -tt: BWT, move-to-front, Elias gamma; decoded exactly as `tcucodec tcbs -d` decodes), a B+ tree one
// with deflated or TCBS pages (tcbmgr create -td / -tt), a table one (tctmgr create -td), a U-Boot legacy image whose
// payload is LZMA-alone (mkimage -C lzma; a multi-file image's parts too) and a FIT image (mkimage -f: a device tree
// whose data property, or external data after it with -E, is LZMA-alone) — the value found at the file's path, the clean twin silent. Each case fails with
// its decoder (or its change) taken out: round 13's kyoto-hash-zlib, kyoto-tree-zlib, kyoto-dir-zlib,
// tokyocabinet-btree-deflate, tokyocabinet-table, uimage-lzma and fit-lzma were missed by the shipped bundle (no
// finding), tokyocabinet-tcbs named as not audited. 7z folders with the Delta, PowerPC or SPARC coder (named as not
// read before) and xz blocks with the PowerPC or SPARC filter (left as filtered before) are decoded byte for byte. Damaged copies (seed named) never throw; the new sniffs claim none
// of 16,384 random heads (seed named, with and without a magic planted) and no head of a file in /usr/bin or /usr/lib.
// Nearest real-world variants: a service's Kyoto or Tokyo Cabinet store left in an image; an embedded board's
// uInitrd or FIT image built by Yocto or Buildroot with a provisioning token in /etc.
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { damaged, DAMAGE_SEED, decodeWith, fileHeads } from './decode.testing.js';
import { fdt, isFdt } from './fdt.js';
import { isKyotoCabinet, kyotoCabinet } from './kyoto-cabinet.js';
import { isKyotoDirRecord, kyotoDirRecord } from './kyoto-dir.js';
import { sevenZip } from './sevenzip.js';
import { xz } from './xz.js';
import { tcbsDecode } from './tcbs.js';
import { tokyoCabinet } from './tokyo-cabinet.js';
import { isUImage, uImage } from './uimage.js';
import { auditFiles, has, SECRET, tool } from './testing.js';

const rng = seededPerTest(0x1313);
const CLEAN = 'tok-clean-twin-0000000000000000';

/** load.tsv: `n` user records (zero-padded keys) and a config record holding `value`. */
const tsv = (value: string, n: number) =>
  `${Array.from({ length: n }, (_, i) => `user:${String(i).padStart(5, '0')}\t{"id":${i},"name":"user-${i}","role":"reader"}`).join('\n')}\nconfig\t{"api_token":"${value}","endpoint":"https://api.example.com","retries":3}\n`;

const kc = (mgr: string, file: string, value: string, n: number, opts = '-tc') =>
  tool('sh', ['-c', `${mgr} create ${opts} ${file} && ${mgr} import ${file} load.tsv`], { 'load.tsv': tsv(value, n) }, file);
/** load.tsv for a table database: each row its key, then column names and values. */
const table = (value: string, n: number) =>
  `${Array.from({ length: n }, (_, i) => `user:${i}\tname\tuser-${i}\trole\treader`).join('\n')}\nconfig\tapi_token\t${value}\tendpoint\thttps://api.example.com\n`;
const tc = (mgr: string, opts: string, file: string, value: string, n: number) =>
  tool(
    'sh',
    ['-c', `${mgr} create ${opts} ${file} > /dev/null && ${mgr} importtsv ${file} load.tsv`],
    { 'load.tsv': (mgr === 'tctmgr' ? table : tsv)(value, n) },
    file,
  );

/** An env file holding `value`, 3,000 numbered lines after it. */
const env = (value: string) => `API_TOKEN=${value}\n${Array.from({ length: 3000 }, (_, i) => `LINE_${i}`).join('\n')}\n`;
const uimage = (value: string, comp: string, pack: string, ext: string) =>
  tool(
    'sh',
    ['-c', `${pack} app.env && mkimage -A arm -O linux -T ramdisk -C ${comp} -n initrd -d app.env${ext} uInitrd > /dev/null`],
    { 'app.env': env(value) },
    'uInitrd',
  );

describe.runIf(has('kchashmgr') && has('kctreemgr'))(`Kyoto Cabinet (seed ${rng.seed})`, () => {
  it.each([
    ['kchashmgr', '-tc', 'cache.kch', 300],
    ['kchashmgr', '-tc -ts -tl -apow 0 -fpow 0', 'cache.kch', 300],
    ['kctreemgr', '-tc', 'cache.kct', 3000],
  ] as const)('%s create %s: each record inflated, the value found; the clean twin passes', async (mgr, opts, file, n) => {
    const db = kc(mgr, file, SECRET, n, opts);
    expect(db.includes(SECRET)).toBe(false);
    expect(kyotoCabinet.sniff(db.subarray(0, 512), file)).toBe(true);
    const { out, limits } = await decodeWith(kyotoCabinet, db, { chunk: rng.int(1, 100_000) });
    expect(limits).toEqual([]);
    expect(out.includes(SECRET)).toBe(true);
    expect(out.includes(`"name":"user-${n - 1}"`)).toBe(true);
    expect(await auditFiles({ [`srv/${file}`]: db })).toEqual([expect.objectContaining({ severity: 'leak', path: `srv/${file}!` })]);
    expect(await auditFiles({ [`srv/${file}`]: kc(mgr, file, CLEAN, n, opts) })).toEqual([]);
  });

  it('an uncompressed database is not claimed (its records are plain)', () => {
    const db = tool('sh', ['-c', 'kchashmgr create cache.kch && kchashmgr import cache.kch load.tsv'], { 'load.tsv': tsv(SECRET, 10) }, 'cache.kch');
    expect(kyotoCabinet.sniff(db.subarray(0, 512), 'cache.kch')).toBe(false);
  });

  it(`damaged copies (seed ${DAMAGE_SEED}) never throw`, async () => {
    for (const d of damaged(kc('kctreemgr', 'cache.kct', SECRET, 300), 16)) await expect(decodeWith(kyotoCabinet, d)).resolves.toBeDefined();
  });
});

describe.runIf(has('kcdirmgr'))(`Kyoto Cabinet directory database (seed ${rng.seed})`, () => {
  /** The record files of a kcdirmgr -tc database of 300 records and the config one, by name. */
  const kcd = (value: string, opts = '-tc') => {
    const names = tool('sh', ['-c', `kcdirmgr create ${opts} db > /dev/null && kcdirmgr import db load.tsv > /dev/null && ls db`], {
      'load.tsv': tsv(value, 300),
    })
      .toString()
      .split('\n')
      .filter(Boolean);
    const config = Buffer.from('config').toString('hex');
    expect(names).toContain(config);
    return tool('sh', ['-c', `kcdirmgr create ${opts} db > /dev/null && kcdirmgr import db load.tsv > /dev/null && cat db/${config}`], {
      'load.tsv': tsv(value, 300),
    });
  };

  it('kcdirmgr create -tc: a record file (raw deflate of magic, sizes, key, value) claimed by its name and read; the clean twin passes', async () => {
    const file = kcd(SECRET);
    const name = Buffer.from('config').toString('hex');
    expect(file.includes(SECRET)).toBe(false);
    expect(isKyotoDirRecord(file.subarray(0, 512), `srv/cache.kcd/${name}`)).toBe(true);
    expect(isKyotoDirRecord(file.subarray(0, 512), 'srv/cache.kcd/757365723a3030303031')).toBe(false);
    const { out, limits } = await decodeWith(kyotoDirRecord, file, { chunk: rng.int(1, 100) });
    expect(limits).toEqual([]);
    expect(out.toString()).toBe(`config\t{"api_token":"${SECRET}","endpoint":"https://api.example.com","retries":3}\n`);
    expect(await auditFiles({ [`srv/cache.kcd/${name}`]: file })).toEqual([expect.objectContaining({ severity: 'leak', path: `srv/cache.kcd/${name}!` })]);
    expect(await auditFiles({ [`srv/cache.kcd/${name}`]: kcd(CLEAN) })).toEqual([]);
  });

  it('an uncompressed record file is not claimed (the record is plain)', () => {
    expect(isKyotoDirRecord(kcd(SECRET, '').subarray(0, 512), `db/${Buffer.from('config').toString('hex')}`)).toBe(false);
  });

  it(`damaged record files (seed ${DAMAGE_SEED}) never throw`, async () => {
    for (const d of damaged(kcd(SECRET), 16)) await expect(decodeWith(kyotoDirRecord, d)).resolves.toBeDefined();
  });
});

describe.runIf(has('tchmgr') && has('tcbmgr') && has('tctmgr') && has('tcucodec'))(`Tokyo Cabinet TCBS and B+ tree (seed ${rng.seed})`, () => {
  it('TCBS decoded as tcucodec tcbs -d decodes it (several 8 KiB units, binary bytes among text)', () => {
    const text = Buffer.concat([Buffer.from(env(SECRET)), rng.bytes(rng.int(1, 20_000)), Buffer.from(env(SECRET))]);
    const coded = tool('tcucodec', ['tcbs', 'in'], { in: text });
    expect(tool('tcucodec', ['tcbs', '-d', 'in'], { in: coded }).equals(text)).toBe(true);
    expect(tcbsDecode(coded, 1 << 24)?.equals(text)).toBe(true);
    expect(tcbsDecode(coded, text.length - 1)).toBeUndefined();
  });

  it.each([
    ['tchmgr', '-tt', 'cache.tch', 300],
    ['tcbmgr', '-td', 'cache.tcb', 3000],
    ['tcbmgr', '-tt', 'cache.tcb', 3000],
    ['tctmgr', '-td', 'cache.tct', 300],
  ] as const)('%s create %s: the records decoded, the value found; the clean twin passes', async (mgr, opts, file, n) => {
    const db = tc(mgr, opts, file, SECRET, n);
    expect(db.includes(SECRET)).toBe(false);
    const { out, limits } = await decodeWith(tokyoCabinet, db, { chunk: rng.int(1, 100_000) });
    expect(limits).toEqual([]);
    expect(out.includes(SECRET)).toBe(true);
    expect(await auditFiles({ [`srv/${file}`]: db })).toEqual([expect.objectContaining({ severity: 'leak', path: `srv/${file}!` })]);
    expect(await auditFiles({ [`srv/${file}`]: tc(mgr, opts, file, CLEAN, n) })).toEqual([]);
  });

  it(`damaged TCBS databases (seed ${DAMAGE_SEED}) never throw`, async () => {
    for (const d of damaged(tc('tchmgr', '-tt', 'cache.tch', SECRET, 300), 16)) await expect(decodeWith(tokyoCabinet, d)).resolves.toBeDefined();
    for (let i = 0; i < 200; i++) expect(() => tcbsDecode(rng.bytes(rng.int(0, 3000)), 1 << 20)).not.toThrow();
  });
});

describe.runIf(has('mkimage'))(`U-Boot legacy images (seed ${rng.seed})`, () => {
  it.each([
    ['lzma', 'lzma -9', '.lzma'],
    ['gzip', 'gzip -9 -n', '.gz'],
    ['none', 'true', ''],
  ])('mkimage -C %s: the payload given as a content of its own, the value found; the clean twin passes', async (comp, pack, ext) => {
    const img = uimage(SECRET, comp, pack, ext);
    expect(isUImage(img.subarray(0, 512))).toBe(true);
    const { out, limits } = await decodeWith(uImage, img, { chunk: rng.int(1, 5000) });
    expect(limits).toEqual([]);
    expect(out.equals(img.subarray(64))).toBe(true);
    const found = await auditFiles({ 'srv/uInitrd': img });
    expect(found).toEqual([expect.objectContaining({ severity: 'leak', path: expect.stringMatching(/^srv\/uInitrd!\/initrd/) })]);
    expect(await auditFiles({ 'srv/uInitrd': uimage(CLEAN, comp, pack, ext) })).toEqual([]);
  });

  it('a multi-file image (-T multi): each part given, the value in the second (lzma) found', async () => {
    const img = tool(
      'sh',
      ['-c', `lzma -9 app.env && mkimage -A arm -O linux -T multi -C none -n boot -d kernel.bin:app.env.lzma uMulti > /dev/null`],
      { 'app.env': env(SECRET), 'kernel.bin': rng.bytes(4097) },
      'uMulti',
    );
    const { limits } = await decodeWith(uImage, img, { chunk: rng.int(1, 5000) });
    expect(limits).toEqual([]);
    expect(await auditFiles({ 'srv/uMulti': img })).toEqual([
      expect.objectContaining({ severity: 'leak', path: expect.stringMatching(/^srv\/uMulti!\/boot\.1/) }),
    ]);
  });

  it(`an image cut short is named; damaged copies (seed ${DAMAGE_SEED}) never throw`, async () => {
    const img = uimage(SECRET, 'lzma', 'lzma -9', '.lzma');
    expect((await decodeWith(uImage, img.subarray(0, img.length >> 1))).limits).toEqual([expect.stringMatching(/cut short/)]);
    for (const d of damaged(img, 16)) await expect(decodeWith(uImage, d, { chunk: rng.int(1, 5000) })).resolves.toBeDefined();
  });
});

describe.runIf(has('mkimage'))(`FIT images (seed ${rng.seed})`, () => {
  const fit = (value: string, opts = '') =>
    tool(
      'sh',
      ['-c', `lzma -9 app.env && mkimage ${opts} -f auto -A arm -O linux -T ramdisk -C lzma -n initrd -d app.env.lzma initrd.itb > /dev/null`],
      { 'app.env': env(value) },
      'initrd.itb',
    );

  it.each([
    ['', 'in a data property'],
    ['-E ', 'as external data after the tree (data-offset, data-size)'],
  ])('mkimage %s-f auto -C lzma: the initrd %s given as a content of its own, the value found; the clean twin passes', async (opts) => {
    const img = fit(SECRET, opts);
    expect(isFdt(img.subarray(0, 512))).toBe(true);
    const { limits } = await decodeWith(fdt, img, { chunk: rng.int(1, 5000) });
    expect(limits).toEqual([]);
    expect(await auditFiles({ 'srv/initrd.itb': img })).toEqual([
      expect.objectContaining({ severity: 'leak', path: expect.stringMatching(/^srv\/initrd\.itb!\/images\/[^/]+\/data/) }),
    ]);
    expect(await auditFiles({ 'srv/initrd.itb': fit(CLEAN, opts) })).toEqual([]);
  });

  it(`a damaged tree is named or read, never thrown (seed ${DAMAGE_SEED})`, async () => {
    for (const d of damaged(fit(SECRET), 16)) await expect(decodeWith(fdt, d, { chunk: rng.int(1, 5000) })).resolves.toBeDefined();
  });
});

describe.runIf(has('7zz') && has('xz'))(`7z and xz filters beyond x86 and ARM (seed ${rng.seed})`, () => {
  /** A config, then random bytes with PowerPC \`bl\` and SPARC \`call\` words planted every 64 bytes, then the config again. */
  const data = () => {
    const noise = rng.bytes(64 * 1024);
    for (let i = 0; i < noise.length; i += 64) noise.set(i % 128 ? [0x48, noise[i + 1]!, noise[i + 2]!, 0x01] : [0x40, noise[i + 1]! & 0x3f, 7, 9], i);
    return Buffer.concat([Buffer.from(env(SECRET)), noise, Buffer.from(env(SECRET))]);
  };

  it.each(['Delta:4', 'PPC', 'SPARC'])('7zz a -mf=%s: the folder decoded byte for byte; the value found', async (filter) => {
    const input = data();
    const archive = tool('7zz', ['a', `-mf=${filter}`, 'a.7z', 'app.bin'], { 'app.bin': input }, 'a.7z');
    const { out, limits } = await decodeWith(sevenZip, archive, { chunk: rng.int(1, 100_000) });
    expect(limits).toEqual([]);
    expect(out.equals(input)).toBe(true);
    expect(await auditFiles({ 'srv/a.7z': archive })).toEqual([expect.objectContaining({ severity: 'leak', path: 'srv/a.7z!/app.bin' })]);
  });

  it.each(['--powerpc', '--sparc'])('xz %s --lzma2: the block reversed byte for byte', async (filter) => {
    const input = data();
    const file = tool('sh', ['-c', `xz ${filter} --lzma2 -c app.bin`], { 'app.bin': input });
    const { out, limits } = await decodeWith(xz, file, { chunk: rng.int(1, 100_000) });
    expect(limits).toEqual([]);
    expect(out.equals(input)).toBe(true);
  });
});

describe('the new sniffs on data that is not theirs', () => {
  const sniffs = {
    kyotoCabinet: isKyotoCabinet,
    uImage: isUImage,
    fdt: isFdt,
    tokyoCabinet: (h: Uint8Array) => tokyoCabinet.sniff(h, 'x'),
    // named as a record file would be: the name every head is tried under
    kyotoDirRecord: (h: Uint8Array) => isKyotoDirRecord(h, 'db/636f6e666967'),
  };

  it(`16,384 random heads (seed ${rng.seed}), the magic planted in two of three, are not claimed`, () => {
    const claimed: string[] = [];
    for (let i = 0; i < 16_384; i++) {
      const h = rng.bytes(512);
      if (i % 3 === 1) h.set([0x4b, 0x43, 0x0a, 0x00]);
      if (i % 3 === 2) h.set(i % 2 ? [0x27, 0x05, 0x19, 0x56] : [0xd0, 0x0d, 0xfe, 0xed]);
      for (const [name, sniff] of Object.entries(sniffs)) if (sniff(h)) claimed.push(`${name} #${i}`);
    }
    expect(claimed).toEqual([]);
  });

  it('no head of a file in /usr/bin or /usr/lib (programs, libraries, scripts) is claimed, even named as a record file', () => {
    const all = [...fileHeads('/usr/bin', 5000), ...fileHeads('/usr/lib/x86_64-linux-gnu', 5000), ...fileHeads('/usr/lib', 5000)];
    expect(all.length).toBeGreaterThan(500);
    const claimed = all.flatMap((h, i) => Object.entries(sniffs).flatMap(([name, sniff]) => (sniff(h) ? [`${name} #${i}`] : [])));
    expect(claimed).toEqual([]);
  });
});
