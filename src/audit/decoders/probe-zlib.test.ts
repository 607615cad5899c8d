// probeZlib's fixed-block pre-check (`fixedBlockFails`) may only refuse what zlib itself refuses:
// every real zlib stream — fixed Huffman codes (Z_FIXED) over text, random bytes, runs and short
// inputs, at every level — is still claimed, and on chance headers in random bytes the pre-check
// agrees with zlib's own trial at every position (nothing it refuses would have inflated).
import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { deflateHeaderHolds, fixedBlockFails, isZlibHeader, probeZlib } from './native.js';
import { seededPerTest } from '../../../test/support/random.js';

/** Generated inputs, from this seed before each test (HOIST_TEST_SEED replaces it); the tests that draw name it. */
const rand = seededPerTest(1);

/** zlib's own verdict on the bytes at `at`, as probeZlib asked it before the pre-check. */
function zlibAccepts(h: Buffer, at: number): boolean {
  try {
    const out = zlib.inflateSync(h.subarray(at, at + 1024), { finishFlush: zlib.constants.Z_SYNC_FLUSH, maxOutputLength: 16 * 1024 });
    return out.length > 0 || h.length - at >= 8;
  } catch (e) {
    return (e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
  }
}

describe('probeZlib: the fixed-block pre-check refuses only what zlib refuses', () => {
  it(`claims every real zlib stream, fixed codes or not, after other bytes (seed ${rand.seed})`, () => {
    const text = Buffer.from('const value = require("module"); // config: enabled=true\n'.repeat(40));
    const inputs = [
      text,
      rand.bytes(3000),
      Buffer.alloc(20_000, 0x61),
      Buffer.from('ab'),
      Buffer.from('abcabcabcabcabcabc'),
      Buffer.concat([text, rand.bytes(500), text]),
    ];
    let fixed = 0;
    for (const input of inputs)
      for (const strategy of [zlib.constants.Z_FIXED, zlib.constants.Z_DEFAULT_STRATEGY, zlib.constants.Z_RLE, zlib.constants.Z_HUFFMAN_ONLY])
        for (const level of [1, 6, 9]) {
          const stream = zlib.deflateSync(input, { strategy, level });
          if (((stream[2]! >> 1) & 3) === 1) fixed++;
          const h = Buffer.concat([rand.bytes(17), stream, rand.bytes(40)]);
          expect(fixedBlockFails(h, 19, Math.min(h.length, 17 + 1024))).toBe(false);
          expect(probeZlib(h, 17)).toBe(true);
        }
    expect(fixed).toBeGreaterThan(12);
  });

  it(`agrees with zlib on every chance zlib header in 8 MiB of random bytes, and spares most trials (seed ${rand.seed})`, () => {
    const h = rand.bytes(8 << 20);
    let headers = 0;
    let spared = 0;
    /** Positions the pre-check refused that zlib would have accepted: none. */
    const wrong: number[] = [];
    for (let i = h.indexOf(0x78); i >= 0; i = h.indexOf(0x78, i + 1)) {
      if (!isZlibHeader(h, i) || !deflateHeaderHolds(h, i + 2)) continue;
      headers++;
      const refused = fixedBlockFails(h, i + 2, Math.min(h.length, i + 1024));
      const accepted = zlibAccepts(h, i);
      spared += refused ? 1 : 0;
      if (refused && accepted) wrong.push(i);
      expect(probeZlib(h, i)).toBe(accepted);
    }
    expect(wrong).toEqual([]);
    expect(headers).toBeGreaterThan(50);
    expect(spared / headers).toBeGreaterThan(0.6);
  });

  it('refuses a fixed block that copies from before its start, and a code 286', () => {
    // Fixed block (BFINAL 1, BTYPE 01), then length code 257 (7-bit 0000001) with distance code 0: nothing to copy yet.
    const bits = [1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0];
    const bytes = Buffer.alloc(8);
    bits.forEach((b, i) => (bytes[i >> 3]! |= b << (i & 7)));
    expect(fixedBlockFails(bytes, 0, bytes.length)).toBe(true);
    // A literal 'a' (8-bit 10010001) first: distance 1 then reaches it.
    const literal = [1, 1, 0, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0];
    const ok = Buffer.alloc(8);
    literal.forEach((b, i) => (ok[i >> 3]! |= b << (i & 7)));
    expect(fixedBlockFails(ok, 0, 3)).toBe(false);
    // Code 286 (8-bit 11000110).
    const bad = [1, 1, 0, 1, 1, 0, 0, 0, 1, 1, 0];
    const b286 = Buffer.alloc(4);
    bad.forEach((b, i) => (b286[i >> 3]! |= b << (i & 7)));
    expect(fixedBlockFails(b286, 0, b286.length)).toBe(true);
  });
});
