// The progress ticker of long phases without a bar: a line per period naming the phase, the work
// so far and the time, none for a phase shorter than a period, none after it stops. Nearest
// real-world variant: a 300 MiB image's docker-save conversion in a CI log.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { progressInterval, startTicker } from './ticker.js';

describe('startTicker', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('says the phase, the work so far and the seconds, each period, until stopped', () => {
    const lines: string[] = [];
    let read = 0;
    const stop = startTicker(
      (l) => lines.push(l),
      'docker save → OCI layout',
      () => `${read} MiB read`,
      5000,
    );
    vi.advanceTimersByTime(4999);
    expect(lines).toEqual([]); // a short phase says nothing
    read = 120;
    vi.advanceTimersByTime(1);
    read = 250;
    vi.advanceTimersByTime(5000);
    stop();
    vi.advanceTimersByTime(20_000);
    expect(lines).toEqual(['docker save → OCI layout: 120 MiB read (5 s)', 'docker save → OCI layout: 250 MiB read (10 s)']);
  });

  it('takes its period from HOIST_PROGRESS_INTERVAL_MS, refusing nonsense for the default', () => {
    expect(progressInterval({})).toBe(5000);
    expect(progressInterval({ HOIST_PROGRESS_INTERVAL_MS: '250' })).toBe(250);
    for (const bad of ['0', '-5', 'soon', '']) expect(progressInterval({ HOIST_PROGRESS_INTERVAL_MS: bad })).toBe(5000);
  });
});
