import { afterEach, describe, expect, it, vi } from 'vitest';
import { notations } from './runs.js';
import { RewrittenText, triggersOf, type Notation } from './text-rewrite.js';

afterEach(() => vi.restoreAllMocks());

/** Needles made strings (`Buffer.prototype.toString` in latin1) while `run` runs. */
function needleStrings(run: () => void): number {
  const toString = vi.spyOn(Buffer.prototype, 'toString');
  run();
  const count = toString.mock.calls.filter(([encoding]) => encoding === 'latin1').length;
  toString.mockRestore();
  return count;
}

describe("a text's notations find their needle searches without a key made again", () => {
  // Property: every text (each man page, and each copy a notation routes, is one) makes a RewrittenText; finding the
  // searches for its notations' needles costs no string per needle once a list was seen. Before: each text made every
  // needle a latin1 string and joined them (4.5 s of a 111 s profile of a layer of 18,131 man pages).
  it('the real notations of runs.ts, a text each for 1,000 texts: no needle made a string after the first', () => {
    new RewrittenText(notations(), () => undefined);
    const made = needleStrings(() => {
      for (let i = 0; i < 1000; i++) new RewrittenText(notations(), () => undefined);
    });
    // Before: 37,000 (37 needles a text); after: 0.
    expect(made).toBe(0);
  });

  it('lists with the same needles share one search; other needles another', () => {
    const notation = (needles: string[]): Notation => ({
      label: 'test',
      needles: needles.map((s) => Buffer.from(s, 'latin1')),
      at: () => true,
      rewrite: () => undefined,
    });
    const a = triggersOf([notation(['\\[', '\\(']), notation(['\n'])]);
    expect(triggersOf([notation(['\\[', '\\(']), notation(['\n'])])).toBe(a);
    expect(triggersOf([notation(['\\[']), notation(['\\(', '\n'])])).not.toBe(a);
    expect(triggersOf([notation(['\\[', '\\(', '\n'])])).not.toBe(a);
  });
});
