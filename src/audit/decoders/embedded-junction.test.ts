// Property: the search for streams inside content reads each chunk's junction with the one before (the last 4 KiB and
// the next chunk's first 4 KiB) in one buffer written again each time, where every push made a buffer of its own
// (bench/audit.ts's archives row: 5,415 of them, 42 MiB) — and a stream whose header straddles a junction is found at
// its offset once, while other contents' searches push between (they share that buffer), and when a chunk shorter
// than 4 KiB follows (its junction with the next still holds the stream's header: it was opened again there, a second
// decoder over the same stream). Nearest real-world variant: a gzip member (made by gzip itself) inside a binary blob
// read in the layer's chunks, as `cat blob x.gz`; a layer's read ends anywhere, a file's last piece is often short.
import { execFileSync } from 'node:child_process';
import { describe, expect, it, vi } from 'vitest';
import { EmbeddedStreams } from './embedded.js';
import { seededPerTest } from '../../../test/support/random.js';

/** Generated inputs, from this seed before each test (HOIST_TEST_SEED replaces it); the tests that draw name it. */
const rand = seededPerTest(20261207);

/** Buffers that code in embedded.ts made through Buffer's allocating functions while `run` ran. */
async function buffersMadeInEmbedded(run: () => Promise<void>): Promise<number> {
  let made = 0;
  const spies = (['concat', 'alloc', 'allocUnsafe', 'allocUnsafeSlow'] as const).map((name) => {
    const original = Buffer[name] as (...a: unknown[]) => Buffer;
    return vi.spyOn(Buffer, name).mockImplementation(((...a: unknown[]) => {
      const frames = new Error().stack?.split('\n') ?? [];
      const spy = frames.findLastIndex((f) => f.includes('@vitest/spy'));
      if (spy >= 0 && frames[spy + 1]?.includes('embedded.ts')) made++;
      return original.apply(Buffer, a);
    }) as never);
  });
  try {
    await run();
  } finally {
    for (const s of spies) s.mockRestore();
  }
  return made;
}

const none = () => undefined;

describe('the junctions of chunks searched in one buffer', () => {
  it(`2,000 chunks of 8 KiB of random bytes pushed: no buffer made per junction (seed ${rand.seed})`, async () => {
    const chunks = Array.from({ length: 2000 }, () => rand.bytes(8192));
    const streams = new EmbeddedStreams(0, none, 1000, none);
    const made = await buffersMadeInEmbedded(async () => {
      for (const c of chunks) await streams.push(c);
    });
    await streams.end();
    expect(made).toBe(0);
  });

  it(`a gzip member (gzip(1)) whose header straddles a junction is found once at its offset, a short chunk after it or not, other searches pushing between (seed ${rand.seed})`, async () => {
    const member = execFileSync('gzip', ['-c'], { input: Buffer.from('DB_PASSWORD=not-a-secret-just-text\n'.repeat(20)) });
    const lead = 9000;
    const content = Buffer.concat([rand.bytes(lead), member, rand.bytes(9000)]);
    const other = rand.bytes(content.length);
    for (const second of [5000, 2000, 0])
      for (let cut = lead - 12; cut <= lead + 12; cut++) {
        const found: number[] = [];
        const streams = new EmbeddedStreams(
          0,
          ({ offset, decoder }) => (decoder.name === 'gzip' && found.push(offset) ? { push: none, end: none } : undefined),
          1000,
          none,
        );
        const beside = new EmbeddedStreams(0, none, 1000, none);
        for (const [a, b] of [
          [0, cut],
          [cut, cut + second],
          [cut + second, content.length],
        ] as const) {
          await streams.push(content.subarray(a, b));
          await beside.push(other.subarray(a, b));
        }
        await streams.end();
        await beside.end();
        expect(found, `cut at ${cut}, a second chunk of ${second} bytes`).toEqual([lead]);
      }
  });
});
