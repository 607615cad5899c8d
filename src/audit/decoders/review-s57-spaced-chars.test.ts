// Review s57 (H7) of spaced-chars.ts (round 18 text). Property: a run of characters between single separators that is
// longer than a chunk costs time linear in its length, and a value spaced anywhere in it — past the first 64 KiB too —
// is read whole, however the text is cut into chunks. Nearest real-world variants: a plain (P1) bitmap or a numpy
// savetxt row written on one line (`0 1 1 0 …`), a JSON array of 0/1 flags (`[0,1,1,0,…]`), a debugging print of a
// key's characters at the end of a long `' '.join(…)` line. Before: 80 KiB of `a a a …` took 13 s, 128 KiB more than
// 120 s (each sample walked the run already read to its end again), and what followed the first 64 KiB was dropped.
import { describe, expect, it } from 'vitest';
import { listsOf } from './runs-bytes-r18.testing.js';
import { SECRET } from './testing.js';

const spaced = (lead: number, sep: string) => Buffer.from(`${'0 1 '.replaceAll(' ', sep).repeat(lead)}${SECRET.split('').join(sep)}\n`);

describe('review s57: long runs of spaced characters', () => {
  it.each([
    ['blanks', ' '],
    ['commas', ','],
  ])(
    'a 512 KiB run between %s is read in linear time',
    async (_name, sep) => {
      const started = performance.now();
      const lists = await listsOf(spaced(128 * 1024, sep), 64 * 1024);
      expect((performance.now() - started) / 1000).toBeLessThan(20);
      expect(lists.some((l) => l.alphabet === 'spaced chars' && l.bytes.includes(SECRET))).toBe(true);
    },
    60_000,
  );

  let seed = 7;
  const random = () => 1000 + ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % 30_000);
  it.each([
    ['64 KiB', 64 * 1024],
    ['16 KiB', 16 * 1024],
    ['random (1000-31000)', random],
    ['whole', 1 << 30],
  ])(
    'a value spaced after 80 KiB of the same run is found, chunks of %s',
    async (_name, size) => {
      const lists = await listsOf(spaced(20_000, ' '), size);
      expect(lists.some((l) => l.alphabet === 'spaced chars' && l.bytes.includes(SECRET))).toBe(true);
    },
    60_000,
  );
});
