// Property: a file's time bound counts what Hoist spends, not how long a busy runner makes it wait — also in the file's
// first push, timed by wall-clock alone to spare small files a CPU reading (EXACT_AFTER): that push is counted no more
// than the CPU time since the reading before it. Before, one 256 KiB push of a SQL dump took 9 s of wall-clock for 1 s
// of CPU on a runner at load 18, and the 32 MiB dump was cut at 7 s of the process's CPU ("took more than 20 s").
// Nearest real-world variant: a push whose nested contents wait (here a sink that waits 150 ms a content, as a core
// held by other work does), with a bound of 1 s.
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, LayerRoutes } from './nested.js';

describe('the first push of a file', () => {
  it('waiting inside it does not use up the time bound', async () => {
    const limits: string[] = [];
    const routes = new LayerRoutes({
      limits: { ...DEFAULT_LIMITS, fileMs: 1000 },
      open: () => ({ write: () => new Promise<void>((resolve) => setTimeout(resolve, 150)), end: () => undefined }),
      limit: (what) => void limits.push(what),
    });
    // Ten base64 values of random bytes on lines of text: each decoded run is a content of its own, and waits.
    const text = Array.from(
      { length: 10 },
      (_, i) => `key${i}=${Buffer.from(Array.from({ length: 60 }, (_, k) => (k * 97 + i * 31 + 7) & 255)).toString('base64')}\n`,
    ).join('');
    const router = routes.file('etc/app.env');
    const started = performance.now();
    await router.push(Buffer.from(text));
    await router.end();
    expect(performance.now() - started).toBeGreaterThan(1200); // it waited past the bound
    expect(limits).toEqual([]);
  });
});
