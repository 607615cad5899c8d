// xz's WebAssembly instance (one per stream, xz-context.ts) is dropped once its stream ends, when the stream grew its
// memory past 1 MiB: WebAssembly memory never shrinks, and one stream of `xz -6` (an 8 MiB dictionary, 8.5 MiB of
// memory) kept it to the audit's end. A stream of `xz -0` (a 256 KiB dictionary) leaves its instance kept, for the next;
// a stream still reading when another ends keeps its own, and both decode whole. A block asking for a dictionary above
// the audit's 8 MiB bound (xz -7 to -9, --lzma2=dict=…) is decoded within 8 MiB: whole when its data never reaches
// farther back, else named where it does — never wrong bytes.
import { describe, expect, it } from 'vitest';
import { decodeWith } from './decode.testing.js';
import { has, tool } from './testing.js';
import type { DecodeEnv } from './types.js';
import { xz } from './xz.js';
import { idleInstances } from './xz-context.js';
import { seededPerTest } from '../../../test/support/random.js';

/** Generated inputs, from this seed before each test (HOIST_TEST_SEED replaces it); the tests that draw name it. */
const rand = seededPerTest(5);

const text = (n: number) =>
  Buffer.from(Array.from({ length: Math.ceil(n / 40) }, (_, i) => `line ${i} of the settings, value ${(i * 7919) % 10007}\n`).join('')).subarray(0, n);
const INPUT = text(100_000);
const packed = (level: string, input = INPUT) => tool('xz', [level, '-c', 'in'], { in: input });
/** The instance kept for the next stream, if any (the last one kept). */
const instance = async () => idleInstances().at(-1);

/** A decoder of its own writing what it decodes to `out`, to be fed by the test. */
function opened(out: Buffer[]) {
  const sink = { write: (b: Uint8Array) => void out.push(Buffer.from(b)), end: () => undefined };
  const env: DecodeEnv = {
    path: 'x.xz',
    open: () => sink,
    openAt: () => sink,
    allow: () => true,
    limit: (what) => {
      throw new Error(what);
    },
    ratio: 1e6,
    stopped: false,
  };
  return xz.open(env);
}

describe.skipIf(!has('xz'))('the xz WebAssembly instance after a stream', () => {
  it('xz -6 (an 8 MiB dictionary): dropped once the stream ends; the next stream instantiates it again', async () => {
    const first = await decodeWith(xz, packed('-6'));
    expect(first.out.equals(INPUT)).toBe(true);
    expect(await instance()).toBeUndefined(); // the old decoder kept it: 8.5 MiB to the audit's end
    const again = await decodeWith(xz, packed('-6'), { chunk: 777 });
    expect(again.out.equals(INPUT)).toBe(true);
    expect(await instance()).toBeUndefined();
  });

  it('xz -0 (a 256 KiB dictionary): kept for the next stream', async () => {
    expect((await decodeWith(xz, packed('-0'))).out.equals(INPUT)).toBe(true);
    const kept = await instance();
    expect(kept).toBeDefined();
    expect((await decodeWith(xz, packed('-0'))).out.equals(INPUT)).toBe(true);
    expect(await instance()).toBe(kept);
  });

  it('a stream still reading when another ends keeps its instance: both decoded whole', async () => {
    const other = text(300_000);
    const [a, b] = [packed('-6'), packed('-6', other)];
    const outA: Buffer[] = [];
    const outB: Buffer[] = [];
    const [da, db] = [opened(outA), opened(outB)];
    await db.push(b.subarray(0, 4096));
    for (let i = 0; i < a.length; i += 4096) await da.push(a.subarray(i, i + 4096));
    await da.end(); // the first ends while the second reads
    for (let i = 4096; i < b.length; i += 4096) await db.push(b.subarray(i, i + 4096));
    await db.end();
    expect(Buffer.concat(outA).equals(INPUT)).toBe(true);
    expect(Buffer.concat(outB).equals(other)).toBe(true);
    expect(await instance()).toBeUndefined();
  });
});

describe.skipIf(!has('xz'))("an xz block's dictionary above the audit's 8 MiB bound", () => {
  it(`a stream whose data reaches more than 8 MiB back (a 16 MiB dictionary) is named where it does; what it gave is the input's start (seed ${rand.seed})`, async () => {
    const far = rand.bytes(256 << 10);
    const input = Buffer.concat([far, rand.bytes(8 << 20), far]); // the last 256 KiB a match 8.25 MiB back
    const { out, limits } = await decodeWith(xz, packed('--lzma2=preset=0,dict=16MiB', input), { chunk: 65536 });
    // Before, a 16 MiB dictionary was allocated and filled: read whole, no limit.
    expect(limits).toEqual([
      expect.stringMatching(
        /^an xz stream with a 16 MiB dictionary, read within the audit's 8 MiB memory bound until its data reached farther back or was damaged \(.+\): the rest is not audited$/,
      ),
    ]);
    expect(out.length).toBeGreaterThanOrEqual(8 << 20); // no match within the first 8 MiB reaches past the bound
    expect(out.equals(input.subarray(0, out.length))).toBe(true);
  }, 30_000);

  it(`its clean twins: a small stream of a 1536 MiB dictionary, and xz -9 of 100 kB, decode whole (seed ${rand.seed})`, async () => {
    const input = Buffer.from(rand.bytes(50_000).toString('hex'));
    // Before, xz-embedded refused a dictionary above 64 MiB: "a damaged xz stream (… error code 4)".
    for (const level of ['--lzma2=dict=1536MiB', '-9']) {
      const { out, limits } = await decodeWith(xz, packed(level, input), { chunk: 4096 });
      expect(limits).toEqual([]);
      expect(out.equals(input)).toBe(true);
    }
  });
});
