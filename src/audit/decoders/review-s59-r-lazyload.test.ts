// Property (review s59, bad input): an R lazy-load database whose `Z` object (R's xz, raw LZMA2) is cut short — the
// object the sniff claimed the file by (at byte 4), or one that begins right where the object before it ended — is
// either found or named as not fully audited, never passed in silence, however small the object. A chance `Z` shape
// inside other bytes stays quiet (r-lazyload.test's random-bytes case). Fails before the fix: r-lazyload.ts names a
// failing object only once it gave 4096 decoded bytes, and LZMA2 hands out nothing of a chunk it has not whole — so a
// cut object of up to 64 KiB packed gave no finding and no limit (8 of 8 cuts silent). Nearest real-world variant: an
// installed package's `R/sysdata.rdb` (`tools:::makeLazyLoadDB(compress = 3)`, `LazyDataCompression: xz`) cut by a
// full disk or a broken layer, the object holding the key being the one cut.
// Second property: such a database damaged anywhere but in the value's own bytes (cut, bytes set to 00/80/FF, the
// head's words set to 2^32 - 1, 2^31 or their offset — fuzz.testing.ts's rule) is read or named: a damaged head of the
// object after a whole one (its length, `Z`, chunk header) was passed in silence (17 of 424 copies, the fix above applied
// but for that).
import { describe, expect, it } from 'vitest';
import { seeded, testSeed } from '../../../test/support/random.js';
import { expectDamagedReadOrNamed } from './fuzz.testing.js';
import { rLazyLoad } from './r-lazyload.js';
import { auditFiles, has, SECRET, tool } from './testing.js';

const SEED = testSeed(0x59e7);
const rnd = seeded(SEED);

/** `makeLazyLoadDB(compress = 3)` of `n` objects, the `at`-th a list holding `v` and `rows` lines. */
const rDb = (v: string, at: number, n: number, rows: number) =>
  tool(
    'Rscript',
    [
      '-e',
      `s<-readLines("secret",warn=FALSE);e<-new.env();for(i in 1:${n}) assign(sprintf("o%d",i),if(i==${at}) list(token=s,rows=paste("row",1:${rows})) else list(i=i,txt=paste(rep("filler",30*i),collapse=" ")),envir=e);tools:::makeLazyLoadDB(e,"db",compress=3)`,
    ],
    { secret: v },
    'db.rdb',
  );

describe.runIf(has('Rscript'))(`a cut R lazy-load database (seed ${SEED})`, { timeout: 120_000 }, () => {
  it.each([
    ['the only object, small', 1, 1, 5],
    ['the only object, ~20 KiB of rows', 1, 1, 2000],
    ['the last of three, each after the one before', 3, 3, 400],
  ] as const)('%s, cut inside it: found or named, never silent', async (_what, at, n, rows) => {
    const db = rDb(SECRET, at, n, rows);
    // The cut objects are the last ones: a cut anywhere in the last third of the file is inside the one holding the value.
    const cuts = [db.length - 1, db.length - 3 - rnd.int(8), Math.floor(db.length * (0.7 + rnd.int(25) / 100))];
    const silent: number[] = [];
    for (const cut of cuts) if ((await auditFiles({ 'srv/pkg/R/sysdata.rdb': db.subarray(0, cut) })).length === 0) silent.push(cut);
    expect({ length: db.length, silent }).toEqual({ length: db.length, silent: [] });
  });
});

describe.runIf(has('Rscript'))(`a damaged R lazy-load database (seed ${SEED})`, { timeout: 300_000 }, () => {
  it('makeLazyLoadDB(compress = 3), the value in the third of four objects: 60 damaged copies and the head words read or named', async () => {
    const marker = 'tok-h7-review-1a2b3c4d5e6f';
    const db = (v: string) => rDb(v, 3, 4, 300);
    await expectDamagedReadOrNamed({
      what: 'makeLazyLoadDB(compress = 3)',
      file: db(marker),
      twin: db('tok-h7-review-xxxxxxxxxxxx'),
      decoder: rLazyLoad,
      module: 'r-lazyload.ts',
      name: 'rLazyLoad',
      marker,
      seed: SEED,
      copies: 60,
      headBytes: 64,
      path: 'R/sysdata.rdb',
    });
  });
});
