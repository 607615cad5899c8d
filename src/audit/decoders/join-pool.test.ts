// Property: a buffer leased to join a chunk to the bytes held before it is the reader's alone until it is given back —
// a copy routed while a text is read, and read in turn (its own chunks joined in leased buffers) while the outer
// text's joined buffer is still being read, changes nothing of what the outer text routes. Nearest real-world
// variant: a man page whose roff glyphs' copy holds joined literals, read while the page's own chunk is read.
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { giveBack, lease } from './join-pool.js';
import { RewrittenText, type Notation } from './text-rewrite.js';
import type { Sink } from './types.js';

const rand = seededPerTest(20261208);

/** A notation of `@@`, taken out where it stands. */
const AT_AT: Notation = {
  label: 'at at',
  needles: [Buffer.from('@@')],
  at: () => true,
  rewrite: (w) => {
    const s = w.toString('latin1');
    return s.includes('@@') ? Buffer.from(s.replaceAll('@@', ''), 'latin1') : undefined;
  },
};

/** What a text routes (offset and bytes of each copy), each copy read again by a text of its own when `nested`. */
async function routes(text: Buffer, cuts: number[], nested: boolean): Promise<string[]> {
  const out: string[] = [];
  const open = (offset: number): Sink => {
    const parts: Buffer[] = [];
    const inner = nested ? new RewrittenText([AT_AT], () => undefined) : undefined;
    return {
      write: async (b) => {
        parts.push(Buffer.from(b));
        // Read in small chunks while the outer text's joined buffer is still being read.
        for (let at = 0; inner && at < b.length; at += 2000) await inner.push(b.subarray(at, at + 2000));
      },
      end: async () => {
        await inner?.end();
        out.push(`${offset}:${Buffer.concat(parts).toString('latin1')}`);
      },
    };
  };
  const reader = new RewrittenText([AT_AT], open);
  let from = 0;
  for (const cut of [...cuts, text.length]) {
    await reader.push(text.subarray(from, cut));
    from = cut;
  }
  await reader.end();
  return out;
}

describe(`join pool (seed ${rand.seed})`, () => {
  it('a buffer is not leased again before it is given back, and is once it is', () => {
    const a = lease(70_000);
    const b = lease(70_000);
    expect(a.buffer === b.buffer && a.byteOffset === b.byteOffset).toBe(false);
    giveBack(a);
    expect(lease(1000)).toBe(a);
    giveBack(b);
    giveBack(a);
  });

  it('copies read while the outer text is read leave what the outer text routes unchanged', async () => {
    for (let round = 0; round < 20; round++) {
      // Stretches of places (one window each) a little more than two contexts apart: each its own window, routed in turn.
      let drawn = '';
      for (let k = rand.int(3, 12); k > 0; k--) {
        for (let n = rand.int(2, 8); n > 0; n--) drawn += `${rand.chars('abcdefgh \n', rand.int(50, 200))}@@`;
        drawn += rand.chars('abcdefgh \n', rand.int(2100, 2600));
      }
      const text = Buffer.from(drawn, 'latin1');
      const cuts = Array.from({ length: rand.int(1, 6) }, () => rand.int(1, text.length)).sort((x, y) => x - y);
      const [alone, nested] = [await routes(text, cuts, false), await routes(text, cuts, true)];
      expect(alone.length).toBeGreaterThan(0);
      expect(nested).toEqual(alone);
    }
  });
});
