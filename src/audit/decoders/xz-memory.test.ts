// xz's WebAssembly instance (one per stream, xz-context.ts) is dropped once its stream ends, when the stream grew its
// memory past 1 MiB: WebAssembly memory never shrinks, and one stream of `xz -6` (an 8 MiB dictionary, 8.5 MiB of
// memory) kept it to the audit's end. A stream of `xz -0` (a 256 KiB dictionary) leaves its instance kept, for the next;
// a stream still reading when another ends keeps its own, and both decode whole.
import { describe, expect, it } from 'vitest';
import { decodeWith } from './decode.testing.js';
import { has, tool } from './testing.js';
import type { DecodeEnv } from './types.js';
import { xz } from './xz.js';
import { idleInstances } from './xz-context.js';

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
