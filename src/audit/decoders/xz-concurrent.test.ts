// xz streams decoded at the same time each have a WebAssembly instance of their own (xz-context.ts): two contexts in
// one instance of xz-decompress corrupt each other's state — the first 1 MiB block of a snap-like squashfs (xz, 1 MiB
// blocks), read by the image's plain read while the squashfs reader decoded the same blocks, was named "a damaged xz
// stream (… error code 7)" on a clean image. Property: streams decoded concurrently, fed in any interleaving, each come
// out whole with no limit; instances are reused only once their context is gone.
import { describe, expect, it } from 'vitest';
import { decodeWith } from './decode.testing.js';
import { has, tool } from './testing.js';
import { xz } from './xz.js';

/** ~1.9 MB of numbered lines, as the round's snap file holds. */
const text = (seed: number) =>
  Buffer.from(
    Array.from({ length: 60_000 }, (_, i) => `${((i * 2654435761 + seed) >>> 0).toString(16).padStart(8, '0')} ${'x'.repeat(((i * 7) % 40) + 1)}\n`).join(''),
  );

describe.skipIf(!has('xz'))('xz streams decoded at the same time', () => {
  it('two streams of 1 MiB dictionaries (xz --lzma2=dict=1MiB, as mksquashfs -b 1M writes), one fed in 64 KiB and one in 4 KiB pieces: both whole', async () => {
    const [a, b] = [text(1), text(2)];
    const pack = (input: Buffer) => tool('xz', ['--check=crc32', '--lzma2=preset=6,dict=1MiB', '-c', 'in'], { in: input });
    const [da, db] = await Promise.all([decodeWith(xz, pack(a)), decodeWith(xz, pack(b), { chunk: 4096 })]);
    expect({ a: da.limits, b: db.limits }).toEqual({ a: [], b: [] });
    expect({ a: da.out.equals(a), b: db.out.equals(b) }).toEqual({ a: true, b: true });
  });

  it('four streams at once, then four more: each whole', async () => {
    const inputs = [3, 4, 5, 6].map(text);
    const packed = inputs.map((t) => tool('xz', ['-1', '-c', 'in'], { in: t }));
    for (let round = 0; round < 2; round++) {
      const outs = await Promise.all(packed.map((p, i) => decodeWith(xz, p, { chunk: 1024 << i })));
      expect(outs.map((o, i) => [o.limits, o.out.equals(inputs[i]!)])).toEqual(inputs.map(() => [[], true]));
    }
  });
});
