// Property: a WiredTiger table made by `wt` and then damaged — cut at any length, or 1-8 bytes set in its pages'
// headers (the first 64 bytes of each 4 KiB unit) or anywhere — is read within a bounded time and memory, never
// throws, and either its value is still found or the audit names the file as not fully audited: never a silent pass
// on a page the reader gave up on. Nearest real-world variant: a MongoDB data directory copied into an image while
// mongod was writing it, or cut by a full disk.
import { describe, expect, it } from 'vitest';
import { seeded, testSeed } from '../../../test/support/random.js';
import { damagedCopies, expectEachReadOrNamed } from './fuzz.testing.js';
import { has } from './testing.js';
import { steady } from './steady.testing.js';
import { wtTable } from './wiredtiger.testing.js';

const MARKER = 'tok-h1-wt-fuzz-8c2e5a1f0b';
const SEED = testSeed(0x3d9);

describe.runIf(has('wt'))(`damaged WiredTiger tables (seed ${SEED})`, { timeout: 180_000 }, () => {
  it.each(['snappy', 'zlib'])('%s: 40 seeded damaged copies each read or named, in bounded time', (c) => {
    const file = steady(() => wtTable(MARKER, c));
    const r = seeded(SEED);
    // Two of three in a page's first 64 bytes (page and block headers, the uncompressed head), one anywhere.
    const region = (k: number): [number, number] => {
      if (k % 3 === 0) return [0, file.length];
      const unit = 4096 * (1 + r.int(Math.max(1, Math.floor(file.length / 4096) - 1)));
      return [unit, Math.min(file.length, unit + 64)];
    };
    expectEachReadOrNamed('wiredtiger.ts', 'wiredTiger', damagedCopies(file, r, 40, region), MARKER);
  });

  // Property: a page whose type byte is damaged (set to 0, 8 or 255: no WiredTiger page type) is named, never passed
  // over as free space — its value lost in silence. Real-world variant: bit rot in a MongoDB collection file.
  // Fails on wiredtiger.ts before session 57: the page holding the value, its type byte set, was skipped unsaid.
  it.each(['snappy', 'zlib'])('%s: each page’s type byte set to 0, 8 or 255: read or named', (c) => {
    const file = steady(() => wtTable(MARKER, c));
    const copies: Array<[string, Buffer]> = [];
    for (let at = 4096; at + 64 <= file.length; at += 4096) {
      const disk = file.readUInt32LE(at + 28);
      if (file[at + 24]! < 1 || file[at + 24]! > 7 || disk < 4096 || disk % 4096) continue;
      for (const v of [0, 8, 255]) copies.push([`the type of the page at ${at} set to ${v}`, Buffer.from(file).fill(v, at + 24, at + 25)]);
      at += disk - 4096;
    }
    expect(copies.length).toBeGreaterThan(3);
    expectEachReadOrNamed('wiredtiger.ts', 'wiredTiger', copies, MARKER);
  });
});
