import { PerformanceObserver } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { compile } from './audit.js';
import { EscapeScan } from './escapes.js';

/** Garbage collections while `run` runs (the young generation's scavenges among them). */
async function collections(run: () => void): Promise<number> {
  let count = 0;
  const observer = new PerformanceObserver((list) => (count += list.getEntries().length));
  observer.observe({ entryTypes: ['gc'] });
  run();
  // The observer is told of the collections on a later tick.
  await new Promise((resolve) => setTimeout(resolve, 20));
  observer.disconnect();
  return count;
}

describe('the stop path allocates nothing', () => {
  it('tries 700,000 escapes that begin no pattern without a collection', async () => {
    // Each a stop that a quick look or a kept decoder ends: shell and C backslashes (the shell
    // decoder's $'…' reader was a closure over `this`, a context allocated per byte read), XML
    // entities and \u escapes (their held bytes an array emptied and grown again per escape).
    const { automaton, families, span } = compile([{ name: 'secret', value: 'Kp7+vQ/9zW=xR2sT' }]);
    const piece = Buffer.from(`\\x7e \\u007E &#126; &#x7e; &tilde; %7E =7E \\~ $'\\x7e' "\\"" `);
    const text = Buffer.alloc(4 * 1024 * 1024);
    for (let i = 0; i < text.length; i += piece.length) piece.copy(text, i);
    const scan = new EscapeScan(automaton, families, span, () => {});
    const warm = text.subarray(0, 256 * 1024);
    scan.write(warm); // optimised before it is counted
    const chunks = Array.from({ length: 16 }, (_, k) => text.subarray(k * 256 * 1024, (k + 1) * 256 * 1024));
    const count = await collections(() => {
      for (const c of chunks) scan.write(c);
    });
    // Before: 16 collections for these 4 MiB; after, 1. A few allow for the test's own tick.
    expect(count).toBeLessThanOrEqual(3);
  }, 60_000);
});
