// Property: a deflated zip member whose bytes arrive across several chunks (a jar in a layer, cut by the layer's
// inflated chunks — which end wherever the blob's reads did, so a small chunk often comes between two large ones) is
// held once, in one buffer of its compressed size, and read when that is whole; the bytes after it in the chunk that
// completes it are read where they lie. Every member's content is its file's, byte for byte, and nothing is named.
// Nearest real-world variant: a jar written by `jar cf` or `zip` (sizes in the local header) inside an image layer,
// cut by bench/audit.ts's archives row as 124,416 + 549 + 6,922 + … bytes.
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { has, tool } from './testing.js';
import { largeAllocations, walkZip } from './zip.testing.js';
import { seededPerTest } from '../../../test/support/random.js';

/** Generated inputs, from this seed before each test (HOIST_TEST_SEED replaces it). */
const rand = seededPerTest(54);

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

afterEach(() => vi.restoreAllMocks());

describe(`a deflated member across chunks (seed ${rand.seed})`, () => {
  it.skipIf(!has('zip'))(
    'is held once, in a buffer of its compressed size: the walker allocates no more than that, at 12 seeded cuts',
    async () => {
      const files = { 'a/App.class': rand.bytes(128 * 1024), 'a/app.properties': Buffer.from('db.url=jdbc:postgresql://db/app\n'.repeat(4000)) };
      const jar = tool('zip', ['-q', '-6', 'out.jar', ...Object.keys(files)], files, 'out.jar');
      // Where the first member's data lies: after its local header (30 bytes, its name, its extra field).
      const nameLength = jar.readUInt16LE(26);
      const extraLength = jar.readUInt16LE(28);
      const compressed = jar.readUInt32LE(18);
      const from = 30 + nameLength + extraLength;
      expect(jar.readUInt16LE(8), 'deflated').toBe(8);
      const over: string[] = [];
      for (let i = 0; i < 12; i++) {
        // A cut inside the member's data, then a small chunk still inside it, then the rest of the archive.
        const first = from + 1 + rand.int(compressed - 2048);
        const second = first + 1 + rand.int(1024);
        const chunks = [jar.subarray(0, first), jar.subarray(first, second), jar.subarray(second)];
        let walked: Awaited<ReturnType<typeof walkZip>> | undefined;
        // Digests only (`keep: false`): the sinks keep no copy of what they are given.
        const allocated = await largeAllocations(
          ['/zip-walk.ts'],
          ['allocUnsafe', 'allocUnsafeSlow', 'alloc', 'from', 'concat'],
          async () => (walked = await walkZip(jar, { chunks, keep: false })),
        );
        expect(walked!.limits, `cut at ${first} and ${second}`).toEqual([]);
        for (const [name, content] of Object.entries(files)) expect(walked!.digests.get(name), `cut at ${first}: ${name}`).toBe(sha(content));
        // The member's bytes held once, in a buffer of its compressed size; nothing of the size of the chunks.
        const bound = compressed + 4096;
        if (allocated > bound)
          over.push(`cut at ${first} and ${second}: ${allocated} bytes allocated by the walker in buffers of 32 KiB or more, more than ${bound}`);
      }
      expect(over).toEqual([]);
    },
    60_000,
  );
});
