// Property: a value in a WiredTiger table (MongoDB's storage engine; made by the `wt` tool over libwiredtiger, with
// its snappy and zlib block compressors) is found whatever its place on a page — across byte 64 of a page, where the
// page's uncompressed head ends and its compressed part begins, included: each compressed page's image written at
// `file.wt!`; the clean twin gives no finding; random heads and this machine's files are not claimed.
// Fails with wiredtiger unregistered: the value at a page's head (the first record of a page, cut at byte 64) passes
// in silence (round 17's wt-snappy and wt-zlib artifacts, missed by the bundle of 66e13b4). Nearest real-world
// variant: a MongoDB data directory (collection-*.wt, snappy by default) seeded into a test or demo image.
import { describe, expect, it } from 'vitest';
import { seeded, seededPerTest, testSeed } from '../../../test/support/random.js';
import { decodeWith, fileHeads } from './decode.testing.js';
import { auditFiles, has, SECRET } from './testing.js';
import { isWiredTiger, wiredTiger } from './wiredtiger.js';
import { wtTable } from './wiredtiger.testing.js';

const rng = seededPerTest(0x3d7);
const OTHER = 'tok-clean-twin-5a0e9c3b7d1f+/=value';

const wt = has('wt') && has('/usr/lib/x86_64-linux-gnu/libwiredtiger_snappy.so');

describe.runIf(wt)(`WiredTiger tables made by wt (seed ${rng.seed})`, { timeout: 60_000 }, () => {
  it.each(['snappy', 'zlib'])('%s: the value, cut at byte 64 of its page, found in the page image; the clean twin passes', async (c) => {
    const file = wtTable(SECRET, c);
    expect(isWiredTiger(file.subarray(0, 512))).toBe(true);
    expect(file.includes(SECRET)).toBe(false);
    const { out, limits } = await decodeWith(wiredTiger, file, { chunk: rng.int(1, 20_000) });
    expect(limits).toEqual([]);
    expect(out.includes(`{"api_token":"${SECRET}"}`)).toBe(true);
    expect(out.includes('{"id":2999,"role":"reader"}')).toBe(true);
    expect(await auditFiles({ 'srv/db/cfg.wt': file })).toContainEqual({ severity: 'leak', what: 'token', path: 'srv/db/cfg.wt!' });
    expect(await auditFiles({ 'srv/db/cfg.wt': wtTable(OTHER, c) })).toEqual([]);
  });

  // Property: the reader's place in the file does not depend on where a push ends — a page header cut by a push's end,
  // or a unit that is no page, never puts later pages off their 4 KiB units. Before (H7's review): pushes of 13, 2050,
  // 4097 or 4100 bytes (the first unit's header cut at byte 4096-4159) skipped every page in silence.
  it.each(['snappy', 'zlib'])('%s: found whatever the chunk size', async (c) => {
    const file = wtTable(SECRET, c);
    for (const chunk of [13, 2050, 4097, 4100, rng.int(1, 5000)]) {
      const { out, limits } = await decodeWith(wiredTiger, file, { chunk });
      expect({ chunk, found: out.includes(`{"api_token":"${SECRET}"}`), limits }).toEqual({ chunk, found: true, limits: [] });
    }
  });
});

describe('WiredTiger sniff', () => {
  const r = seeded(testSeed(0x3d8));
  it(`random heads are not claimed (seed ${r.seed})`, () => {
    let claimed = 0;
    for (let i = 0; i < 20_000; i++) if (isWiredTiger(r.bytes(64))) claimed++;
    expect(claimed).toBe(0);
  });
  it("this machine's binaries and libraries are not claimed", () => {
    const heads = [...fileHeads('/usr/bin', 2000), ...fileHeads('/usr/lib/x86_64-linux-gnu', 2000)];
    expect(heads.filter((h) => isWiredTiger(h)).length).toBe(0);
  });
});
