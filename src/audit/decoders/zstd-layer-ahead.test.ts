// Property: a `+zstd` layer is decoded at most AHEAD (layer.ts: 1 MiB, as a gzip'd layer) ahead of the scan that reads
// it — while the scan works on one chunk, the layer's frame decoder stops once that much output waits, so the layer's
// compressed bytes are pulled no further. It ran 32 decoded pieces ahead (up to 256 KiB each, up to 8 MiB; 3 MiB here):
// the scan is the slower side, so the read-ahead was always full (issue 28: peak RSS ≤ 100 MiB whatever the image).
// Nearest real-world variant: a layer pushed by buildah/podman/docker with `--compression-format zstd` whose files do not
// compress (a model, a binary): its output is as large as its input, so how far the decoder ran ahead is how far the
// layer's blob was read. Made by the real zstd over seeded random bytes.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { AHEAD, CHUNK } from './layer.js';
import { zstdLayer } from './zstd-frames.js';

/** Generated inputs, from this seed before each test (HOIST_TEST_SEED replaces it); the tests that draw name it. */
const rand = seededPerTest(28);

const MiB = 1024 * 1024;
const zst = (input: Uint8Array) => execFileSync('zstd', ['-q', '-3', '-c'], { input, maxBuffer: 1 << 28 });

/** `blob` as a file's read stream gives it (BLOB_READ pieces), counting the bytes taken. */
function source(blob: Buffer, taken: { bytes: number }): AsyncIterable<Uint8Array> {
  return (async function* () {
    for (let at = 0; at < blob.length; at += 256 * 1024) {
      const piece = blob.subarray(at, at + 256 * 1024);
      taken.bytes += piece.length;
      yield piece;
    }
  })();
}

describe('a +zstd layer is decoded at most AHEAD ahead of its scan', () => {
  it(`random bytes (output as large as input): while the scan holds its first chunk, at most AHEAD + a few reads of the blob are taken (seed ${rand.seed})`, async () => {
    const content = rand.bytes(24 * MiB);
    const blob = zst(content);
    expect(blob.length).toBeGreaterThan(23 * MiB); // random bytes: zstd stores them, so output ahead = input taken
    const taken = { bytes: 0 };
    const outputs = zstdLayer(source(blob, taken));
    const first = await outputs.next();
    expect(Buffer.isBuffer(first.value)).toBe(true);
    // The scan is slow: the decoder and the walk run on while it works, until the read-ahead is full (nothing more taken
    // for 300 ms; at most 5 s).
    for (let last = -1, still = 0, waited = 0; still < 300 && waited < 5000; waited += 50) {
      await new Promise((r) => setTimeout(r, 50));
      still = taken.bytes === last ? still + 50 : 0;
      last = taken.bytes;
    }
    const ahead = taken.bytes;
    // The rest is read whole and is the content, byte for byte.
    const got: Buffer[] = [first.value as Buffer];
    for await (const o of outputs) if (Buffer.isBuffer(o)) got.push(o);
    expect(Buffer.concat(got).equals(content)).toBe(true);
    // At most AHEAD of output waiting, the chunk the scan holds and the read the walk is in: 0.5 MiB measured (3 MiB
    // before: 32 decoded pieces, each up to a chunk).
    expect(ahead).toBeLessThanOrEqual(AHEAD + CHUNK + 256 * 1024);
    expect(ahead).toBeLessThan(blob.length);
  });
});
