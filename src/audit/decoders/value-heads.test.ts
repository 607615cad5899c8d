// Property: the JS reads that gate the whole-value trial (brotli-value.ts `brotliValueHeadHolds`, deflate-value.ts
// `deflateValueHeadHolds`) hold for every stream the real encoders write — zlib's brotli at each quality, window and
// mode, zlib's raw deflate at each level, strategy, window and memory level, flushed midway or not, of text, JSON, random
// bytes, 1 byte to 200 KB — and let through almost no value of random bytes (an id, a hash, a UUID: before, one in five
// passed brotli's first-code check and one in forty deflate's, each then made and failed a native engine); a container
// with more values that pass than the trial budget names the rest (never a silent skip). Fails before: the two reads
// did not exist, and a CBOR file of 300,000 records with 16-byte ids took 12.7 s of CPU through the session-start bundle
// (2.4 s after). Nearest real-world variant: a mongodump, msgpack or CBOR log of records with UUIDs and hashes.
import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { seeded, testSeed } from '../../../test/support/random.js';
import { brotliValueHeadHolds } from './brotli-value.js';
import { cbor } from './cbor.js';
import { decodeWith } from './decode.testing.js';
import { deflateValueHeadHolds } from './deflate-value.js';
import { MAX_TRIALS, mayBeStream } from './value-streams.js';

const SEED = testSeed(0x2261);
const rnd = seeded(SEED);
const C = zlib.constants;

/** Inputs of each kind and size the encoders are given. */
const inputs = [1, 7, 40, 300, 3000, 30_000, 200_000].flatMap((n) => [
  Buffer.from(`token=${rnd.bytes(12).toString('hex')}\n${Array.from({ length: n }, (_, i) => i).join(' ')}`).subarray(0, n),
  rnd.bytes(n),
  Buffer.from('{"id": 1, "name": "user", "ok": true}\n'.repeat(n / 30 + 1)).subarray(0, n),
]);

describe(`the JS reads before a whole-value trial (seed ${SEED})`, { timeout: 120_000 }, () => {
  it("every brotli stream zlib's encoder writes (qualities 0-11 — 0-9 past 3 KB —, windows 10-24, generic and text mode) holds", () => {
    const missed: string[] = [];
    for (const [i, input] of inputs.filter((b) => b.length < 100_000).entries())
      for (let q = 0; q <= (input.length > 3000 ? 9 : 11); q++)
        for (const w of input.length > 1000 ? [10, 16, 17, 18, 22, 24] : [10, 22])
          for (const mode of [C.BROTLI_MODE_GENERIC, C.BROTLI_MODE_TEXT]) {
            const s = zlib.brotliCompressSync(input, { params: { [C.BROTLI_PARAM_QUALITY]: q, [C.BROTLI_PARAM_LGWIN]: w, [C.BROTLI_PARAM_MODE]: mode } });
            if (!brotliValueHeadHolds(s)) missed.push(`input ${i} q${q} w${w} m${mode}`);
          }
    expect(missed).toEqual([]);
  });

  it('every raw deflate stream zlib writes (levels 0-9, each strategy, windows 9-15, memLevel 1 and 9, a sync flush midway) holds', () => {
    const missed: string[] = [];
    const strategies = [C.Z_DEFAULT_STRATEGY, C.Z_FILTERED, C.Z_HUFFMAN_ONLY, C.Z_RLE, C.Z_FIXED];
    for (const [i, input] of inputs.entries())
      for (let level = 0; level <= 9; level++)
        for (const strategy of strategies)
          for (const [windowBits, memLevel] of [
            [15, 8],
            [9, 1],
            [12, 9],
          ] as const) {
            const s = zlib.deflateRawSync(input, { level, strategy, windowBits, memLevel });
            if (!deflateValueHeadHolds(s)) missed.push(`input ${i} l${level} s${strategy} w${windowBits}`);
          }
    for (const [i, input] of inputs.entries()) {
      // Flushed midway (Z_SYNC_FLUSH: non-final blocks and an empty stored block), then the rest as further blocks.
      const half = input.length >> 1;
      const s = Buffer.concat([zlib.deflateRawSync(input.subarray(0, half), { finishFlush: C.Z_SYNC_FLUSH }), zlib.deflateRawSync(input.subarray(half))]);
      if (!deflateValueHeadHolds(s)) missed.push(`input ${i} flushed`);
    }
    expect(missed).toEqual([]);
  });

  it('random values of 8 bytes to 4 KiB (20,000): almost none let through to an engine', () => {
    let through = 0;
    for (let i = 0; i < 20_000; i++) if (mayBeStream(rnd.bytes(8 + ((i * 37) % 4096)))) through++;
    expect(through).toBeLessThan(20); // measured: 0–4 (before, ~4,000 passed brotli's first-code check alone)
  });

  it('a CBOR file with more values that may be streams than the trial budget: the rest named', async () => {
    const n = MAX_TRIALS + 5;
    const value = (i: number) => {
      const s = zlib.deflateRawSync(rnd.bytes(24 + (i % 8)), { level: 0 });
      return Buffer.concat([Buffer.from([0x58, s.length]), s]);
    };
    const head = Buffer.from([0xa1, 0x66, ...Buffer.from('values'), 0x9a, (n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
    const { limits } = await decodeWith(cbor, Buffer.concat([head, ...Array.from({ length: n }, (_, i) => value(i))]));
    expect(limits).toEqual([expect.stringMatching(/^5 values that may start a compressed stream .* past the first 20000 of one container/)]);
  });
});
