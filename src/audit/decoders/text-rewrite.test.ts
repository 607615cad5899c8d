import { describe, expect, it } from 'vitest';
import { seeded, testSeed } from '../../../test/support/random.js';
import { CONTEXT, RewrittenText, type Notation } from './text-rewrite.js';

/**
 * A notation whose rewrite hands back a view of its window (its second byte on): what is routed
 * must still be the text's own bytes at the offset given, whatever came after it — the joined
 * buffer the window lies in is written over by the next push.
 */
const viewing = (needles: string[]): Notation => ({
  label: 'test',
  needles: needles.map((n) => Buffer.from(n, 'latin1')),
  at: () => true,
  rewrite: (w) => w.subarray(1),
});

async function routed(notation: Notation, text: Buffer, cuts: number[]): Promise<Array<{ offset: number; bytes: Buffer }>> {
  const out: Array<{ offset: number; bytes: Buffer }> = [];
  const reader = new RewrittenText([notation], (offset) => ({
    write: async (bytes) => void out.push({ offset, bytes: bytes as Buffer }), // kept as given, not copied
    end: async () => undefined,
  }));
  let at = 0;
  for (const cut of [...cuts, text.length]) {
    await reader.push(new Uint8Array(text.subarray(at, cut)));
    at = cut;
  }
  await reader.end();
  return out;
}

describe('RewrittenText', () => {
  // Needles of one byte (searched as a number) and of several, in text of random length cut at random.
  it('routes the text as it was at each window, with every place inside one, however the text is cut', async () => {
    const random = seeded(testSeed(4711));
    for (let round = 0; round < 60; round++) {
      const length = random.int(16, 6 * CONTEXT);
      const text = Buffer.from(random.chars('ab \n\b#XY', length), 'latin1');
      const cuts = [...new Set(Array.from({ length: random.int(0, 12) }, () => random.int(1, length)))].sort((x, y) => x - y);
      const notation = viewing(['\b', 'XY']);
      const found = await routed(notation, text, cuts);
      // Copies of the output as it was written: a buffer written over later differs from its copy.
      for (const { offset, bytes } of found)
        expect(bytes.toString('latin1'), `round ${round}`).toBe(text.toString('latin1', offset + 1, offset + 1 + bytes.length));
      for (let i = 0; i < text.length; i++) {
        if (text[i] !== 0x08 && !(text[i] === 0x58 && text[i + 1] === 0x59)) continue;
        expect(
          found.some(({ offset, bytes }) => offset <= i && i < offset + 1 + bytes.length),
          `round ${round}: the place at ${i} is routed`,
        ).toBe(true);
      }
    }
  });
});
