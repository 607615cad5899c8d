// Property: a file's time budget counts only what Hoist itself spends — the less of wall-clock and
// process CPU time — so time spent waiting (for a core on a busy runner, here for a timer) does not
// use it up, while work does. Nearest real-world variant: the same image audited on an idle machine
// and on a CI runner at load 10 must be audited alike (before, a big git pack was cut at 20 s of
// wall-clock on the loaded one and named "not fully audited").
import { describe, expect, it } from 'vitest';
import { since, spent } from './nested.js';

describe('the per-file clock', () => {
  it('does not count waiting', async () => {
    const start = spent();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(performance.now() - start.wall).toBeGreaterThanOrEqual(290);
    expect(since(start)).toBeLessThan(100);
  });

  it('counts work', () => {
    const start = spent();
    let x = 0;
    while (performance.now() - start.wall < 300) x += Math.sqrt(x + 1);
    expect(x).toBeGreaterThan(0);
    // On a loaded machine the loop gets less than all of its 300 ms of a core; it still gets some.
    expect(since(start)).toBeGreaterThan(30);
    expect(since(start)).toBeLessThanOrEqual(performance.now() - start.wall + 1);
  });
});
