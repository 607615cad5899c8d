// The end of a run: the exit waits for stdout and stderr to hand over what they hold (Hoist's own seams faked:
// the streams' counters, the timer, the exit).
import { describe, expect, it } from 'vitest';
import { exitWhenDrained } from './drained-exit.js';

function clock() {
  const queue: { at: number; run: () => void }[] = [];
  let now = 0;
  return {
    later: (run: () => void, ms: number) => void queue.push({ at: now + ms, run }),
    advance(ms: number) {
      const until = now + ms;
      for (;;) {
        queue.sort((a, b) => a.at - b.at);
        const next = queue[0];
        if (!next || next.at > until) break;
        queue.shift();
        now = next.at;
        next.run();
      }
      now = until;
    },
  };
}

describe('exitWhenDrained', () => {
  /** Property: nothing pending, the exit comes at the grace time. Nearest real variant: `hoist tags list` to a terminal. */
  it('exits after the grace time when the streams hold nothing', () => {
    const c = clock();
    const exits: number[] = [];
    exitWhenDrained({ streams: [{ writableLength: 0 }, { writableLength: 0 }], exit: () => exits.push(1), later: c.later, graceMs: 2000 });
    c.advance(1999);
    const before = exits.length;
    c.advance(1);
    expect({ before, after: exits.length }).toEqual({ before: 0, after: 1 });
  });

  /**
   * Property: output still held for a slow reader is never cut: the exit waits until it is written.
   * Nearest real variant: `hoist tags list reg/app | (sleep 5; wc -l)` — 64 KiB reached the reader, the rest was lost.
   */
  it('waits while stdout holds output, and exits once it is written', () => {
    const c = clock();
    const stdout = { writableLength: 900_000 };
    const exits: number[] = [];
    exitWhenDrained({ streams: [stdout, { writableLength: 0 }], exit: () => exits.push(1), later: c.later, graceMs: 2000, pollMs: 50 });
    c.advance(10_000);
    const whileHeld = exits.length;
    stdout.writableLength = 0;
    c.advance(50);
    expect({ whileHeld, after: exits.length }).toEqual({ whileHeld: 0, after: 1 });
  });

  /** Property: a stream already destroyed (its reader gone) holds nothing to wait for. Nearest real variant: `| head -1`. */
  it('does not wait on a destroyed stream', () => {
    const c = clock();
    const exits: number[] = [];
    exitWhenDrained({ streams: [{ writableLength: 10, destroyed: true }], exit: () => exits.push(1), later: c.later });
    c.advance(2000);
    expect(exits).toEqual([1]);
  });
});
