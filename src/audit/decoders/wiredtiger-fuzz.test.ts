// Property: a WiredTiger table made by `wt` and then damaged — cut at any length, or 1-8 bytes set in its pages'
// headers (the first 64 bytes of each 4 KiB unit) or anywhere — is read within a bounded time and memory, never
// throws, and either its value is still found or the audit names the file as not fully audited: never a silent pass
// on a page the reader gave up on. Nearest real-world variant: a MongoDB data directory copied into an image while
// mongod was writing it, or cut by a full disk.
import { describe, it } from 'vitest';
import { seeded, testSeed } from '../../../test/support/random.js';
import { damagedCopies, expectEachReadOrNamed } from './fuzz.testing.js';
import { has } from './testing.js';
import { wtTable } from './wiredtiger.testing.js';

const MARKER = 'tok-h1-wt-fuzz-8c2e5a1f0b';
const SEED = testSeed(0x3d9);

describe.runIf(has('wt'))(`damaged WiredTiger tables (seed ${SEED})`, { timeout: 180_000 }, () => {
  it.each(['snappy', 'zlib'])('%s: 40 seeded damaged copies each read or named, in bounded time', (c) => {
    const file = wtTable(MARKER, c);
    const r = seeded(SEED);
    // Two of three in a page's first 64 bytes (page and block headers, the uncompressed head), one anywhere.
    const region = (k: number): [number, number] => {
      if (k % 3 === 0) return [0, file.length];
      const unit = 4096 * (1 + r.int(Math.max(1, Math.floor(file.length / 4096) - 1)));
      return [unit, Math.min(file.length, unit + 64)];
    };
    expectEachReadOrNamed('wiredtiger.ts', 'wiredTiger', damagedCopies(file, r, 40, region), MARKER);
  });
});
