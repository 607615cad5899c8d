// The end of a run: the exit waits for stdout and stderr to hand over what they hold (Hoist's own seams faked:
// the streams' counters, the timer, the exit).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
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

describe('a run whose work never finished', () => {
  // Node ends a process with nothing left to wait on even while the run's promise is pending; the version guard's
  // dynamic import hides Node's exit 13, so the step passed having done nothing. The real Node runs the module, a
  // promise that never settles standing for a request that never got a socket.
  const run = (body: string, env: Record<string, string> = {}) =>
    spawnSync(process.execPath, ['-e', `import(${JSON.stringify(join(import.meta.dirname, 'drained-exit.ts'))}).then((m) => { ${body} })`], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    });

  it('exits 70 and says so, not 0', () => {
    const r = run("m.unfinishedFails('hoist', process.env); return new Promise(() => {});");
    expect(r.status).toBe(70);
    expect(r.stderr).toMatch(/^hoist: ended before its work was done .*a defect of hoist/);
  });

  it('on a GitHub runner, as an error annotation', () => {
    const r = run("m.unfinishedFails('Hoist', process.env); return new Promise(() => {});", { GITHUB_ACTIONS: 'true' });
    expect(r.status).toBe(70);
    expect(r.stderr).toMatch(/^::error::Hoist: ended before its work was done/);
  });

  it('a finished run keeps its own exit code, 0 or not', () => {
    expect(run("m.unfinishedFails('hoist', process.env)();")).toMatchObject({ status: 0, stderr: '' });
    expect(run("m.unfinishedFails('hoist', process.env)(); process.exitCode = 3;")).toMatchObject({ status: 3, stderr: '' });
  });
});
