// Property: an xz stream whose block carries the delta filter (`xz --delta=dist=N --lzma2`, ID 3)
// comes out as the original bytes, not their differences, whatever the distance and however the
// stream is cut — so a value in a file packed with a delta filter is found. Generated: random
// values with + / = & < > % " \ ` and non-ASCII at random offsets of text and of random bytes,
// distances 1–256, fed in random chunk sizes; the clean twin (another value) is not found; a
// near-miss (the value with its last character changed) is not found either.
// Nearest real-world variants: tables, audio and images packed with `xz --delta`, 7-Zip's Delta.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { decodeWith } from './decode.testing.js';
import { DeltaFilter } from './delta.js';
import { auditFiles, SECRET } from './testing.js';
import { xz } from './xz.js';

const rng = seededPerTest(0xde17a);
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=&<>%"\\`é€😀';
const packed = (input: Uint8Array, dist: number) => execFileSync('xz', ['-c', `--delta=dist=${dist}`, '--lzma2=preset=1'], { input, maxBuffer: 1 << 28 });

/** Text or random bytes with `value` at a random offset. */
function holding(value: string): Buffer {
  const body = rng.next() < 0.5 ? Buffer.from(Array.from({ length: 2000 }, (_, i) => `row ${i},${rng.int(1e6)}\n`).join('')) : rng.bytes(40_000);
  const at = rng.int(body.length);
  return Buffer.concat([body.subarray(0, at), Buffer.from(`API_TOKEN=${value}\n`), body.subarray(at)]);
}

describe(`xz's delta filter reversed (seed ${rng.seed})`, { timeout: 120_000 }, () => {
  it('the filter alone: a delta encoding of random bytes restored exactly, at every distance, in random pieces', () => {
    for (const dist of [1, 2, 3, 4, 7, 16, 255, 256]) {
      const input = rng.bytes(rng.int(1, 5000));
      const stored = Buffer.alloc(input.length);
      for (let i = 0; i < input.length; i++) stored[i] = (input[i]! - (i >= dist ? input[i - dist]! : 0)) & 0xff;
      const filter = new DeltaFilter(dist);
      const parts: Uint8Array[] = [];
      for (let i = 0; i < stored.length;) {
        const n = rng.int(1, 300);
        parts.push(filter.push(stored.subarray(i, i + n)));
        i += n;
      }
      parts.push(filter.end());
      expect(Buffer.concat(parts).equals(input), `distance ${dist}`).toBe(true);
    }
    expect(() => new DeltaFilter(0)).toThrow(/not 1–256/);
  });

  it('real xz --delta output decoded byte for byte through the xz decoder, in random chunk sizes', async () => {
    for (let n = 0; n < 12; n++) {
      const dist = rng.pick([1, 2, 4, 8, 100, 256]);
      const input = holding(rng.chars(ALPHABET, rng.int(8, 60)));
      const { out, limits } = await decodeWith(xz, packed(input, dist), { chunk: rng.int(1, 4096) });
      expect({ same: out.equals(input), limits }, `distance ${dist}`).toEqual({ same: true, limits: [] });
    }
  });

  it('through the audit: the value found in a .xz made with a delta filter; the clean twin and a near miss pass', async () => {
    const near = SECRET.slice(0, -1) + (SECRET.endsWith('e') ? 'f' : 'e');
    const found = await auditFiles({
      'srv/leaky.txt.xz': packed(holding(SECRET), 2),
      'srv/clean.txt.xz': packed(holding('an-other-value-of-the-same-length+/='), 2),
      'srv/near.txt.xz': packed(holding(near), 4),
    });
    expect(found.map((f) => `${f.severity} ${f.path}`)).toEqual(['leak srv/leaky.txt.xz!']);
  });
});
