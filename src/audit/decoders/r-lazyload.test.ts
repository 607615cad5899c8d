// Property: a value in any object of an R lazy-load database (`.rdb`: a 4-byte big-endian length, a type byte and the
// body, one object after another) is found — R's xz objects (`Z`, raw LZMA2 with no container) at `FILE@OFFSET!`, the
// zlib and bzip2 ones by their magic as before —, whatever object holds it and however the file is cut into chunks; the
// clean twin gives no finding; random bytes named `.rdb` and random heads starting as a `Z` entry would are read with no
// finding and no limit. Fails before r-lazyload.ts: the xz databases pass in silence (the session's start bundle: the
// `Z` objects unread). Nearest real-world variant: an installed CRAN package's `data/Rdata.rdb` (`LazyData: true`,
// `LazyDataCompression: xz`, or `R CMD INSTALL --data-compress=xz`) or `R/sysdata.rdb` in a rocker image, holding a
// key a package author saved into its data.
import { describe, expect, it } from 'vitest';
import { seeded, testSeed } from '../../../test/support/random.js';
import { decodeWith } from './decode.testing.js';
import { rLazyLoad, zEntryAt } from './r-lazyload.js';
import { auditFiles, has, SECRET, tool } from './testing.js';

const OTHER = 'tok-clean-twin-5a1c7e3b9d2f+/=value';
const SEED = testSeed(0x2021);
const rnd = seeded(SEED);

/** `tools:::makeLazyLoadDB` of five filler objects and one holding `v` (the `at`-th), compressed as `compress` says. */
const rDb = (v: string, compress: 1 | 2 | 3, at = 6) =>
  tool(
    'Rscript',
    [
      '-e',
      `s<-readLines("secret",warn=FALSE);e<-new.env();for(i in 1:6) assign(sprintf("o%d",i),if(i==${at}) list(token=s,rows=as.character(1:2000)) else list(i=i,txt=paste(rep("filler",300*i),collapse=" ")),envir=e);tools:::makeLazyLoadDB(e,"db",compress=${compress})`,
    ],
    { secret: v },
    'db.rdb',
  );

/** A database as R writes one with compress = 3 (each object: its length, `Z`, raw LZMA2), made of `objects` with `xz --format=raw`. */
function generated(objects: string[]): Buffer {
  const parts = objects.map((o) => {
    const body = tool('xz', ['--format=raw', `-${rnd.int(10)}`, '-c', 'in'], { in: o });
    const length = Buffer.alloc(4);
    length.writeUInt32BE(Buffer.byteLength(o));
    return Buffer.concat([length, Buffer.from('Z'), body]);
  });
  return Buffer.concat(parts);
}

const filler = () => Array.from({ length: 1 + rnd.int(800) }, (_, i) => `x${i}=${rnd.int(1e6)}`).join(';');

describe.runIf(has('Rscript'))(`R's own lazy-load databases (tools:::makeLazyLoadDB) (seed ${SEED})`, { timeout: 120_000 }, () => {
  it.each([
    [3, 'xz', /^srv\/pkg\/data\/Rdata\.rdb@\d+!$/],
    [2, 'bzip2', /^srv\/pkg\/data\/Rdata\.rdb@\d+!$/],
    [1, 'zlib', /^srv\/pkg\/data\/Rdata\.rdb@\d+!$/],
  ] as const)('compress = %s (%s): the value in the last object found; the clean twin passes', async (compress, _, where) => {
    const leaky = rDb(SECRET, compress);
    expect(leaky.includes(SECRET)).toBe(false);
    expect(await auditFiles({ 'srv/pkg/data/Rdata.rdb': leaky })).toContainEqual({ severity: 'leak', what: 'token', path: expect.stringMatching(where) });
    expect(await auditFiles({ 'srv/pkg/data/Rdata.rdb': rDb(OTHER, compress) })).toEqual([]);
  });

  it('compress = 3, the value in the first object of an unnamed file: claimed by its first `Z` entry', async () => {
    expect(await auditFiles({ 'srv/blob': rDb(SECRET, 3, 1) })).toContainEqual({ severity: 'leak', what: 'token', path: 'srv/blob@5!' });
  });

  it('fed in chunks of 1, 7, 64, random and whole: every `Z` entry decoded, no limit', async () => {
    const leaky = rDb(SECRET, 3, 3);
    const chunks = [1, 7, 64, 1 + rnd.int(4096), 1 << 30];
    const outs = await Promise.all(chunks.map((chunk) => decodeWith(rLazyLoad, leaky, { chunk })));
    expect(outs.map((o) => ({ found: o.out.includes(SECRET), limits: o.limits }))).toEqual(chunks.map(() => ({ found: true, limits: [] })));
  });
});

describe.runIf(has('xz'))(`generated databases: any object, any preset (seed ${SEED})`, { timeout: 120_000 }, () => {
  it('the value in any of up to 12 objects is found at its entry; the twin without it passes', async () => {
    const cases = Array.from({ length: 8 }, () => {
      const objects = Array.from({ length: 1 + rnd.int(12) }, filler);
      const at = rnd.int(objects.length);
      return { objects, at };
    });
    const found = await Promise.all(
      cases.map(async (c) => {
        const leaky = c.objects.map((o, i) => (i === c.at ? `${o.slice(0, 40)}token=${SECRET};${o}` : o));
        const fs = await auditFiles({ 'srv/R/pkg.rdb': generated(leaky) });
        const ok = fs.some((f) => f.severity === 'leak' && /^srv\/R\/pkg\.rdb@\d+!$/.test(f.path));
        return ok;
      }),
    );
    expect(found).toEqual(cases.map(() => true));
    expect(await auditFiles({ 'srv/R/pkg.rdb': generated(cases[0]!.objects) })).toEqual([]);
  });

  it('random bytes named .rdb, and random heads shaped as a `Z` entry: no finding, no limit (named: a damaged first object)', async () => {
    const noise = rnd.bytes(1 << 20);
    for (let i = 0; i < 64; i++)
      noise.set([0, 0, 1, 0, 0x5a, 0xe0 | rnd.int(32), rnd.int(256), rnd.int(256), rnd.int(4), rnd.int(256), 0x5d, 0], rnd.int(noise.length - 16));
    noise.set([0, 0, 1, 0, 0x5a, 0xe0, 0, 0x40, 0, 0x30, 0x5d, 0]);
    expect(zEntryAt(noise, 4)).toBe(true);
    expect(await decodeWith(rLazyLoad, noise)).toMatchObject({ limits: [] });
    expect(await auditFiles({ 'srv/R/noise.rdb': noise.subarray(1) })).toEqual([]);
    expect(await auditFiles({ 'srv/R/noise': noise })).toEqual([]);
    // Named .rdb, its first object's head whole and its body not LZMA2: a damaged database, said (review s59).
    expect(await auditFiles({ 'srv/R/noise.rdb': noise })).toEqual([
      { severity: 'limit', what: expect.stringContaining('damaged raw LZMA2'), path: 'srv/R/noise.rdb@5' },
    ]);
  });
});
