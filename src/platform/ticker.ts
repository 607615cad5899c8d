/**
 * Progress for a long phase that has no bar (the docker-save conversion, the audit): a line every
 * few seconds naming the phase, what is done so far and the time taken, so a CI log shows it is
 * moving and a terminal user sees where it is. Nothing is said for a phase shorter than one period.
 * HOIST_PROGRESS_INTERVAL_MS sets the period (default 5000).
 */
export function progressInterval(env: Readonly<Record<string, string | undefined>>): number {
  const ms = Number(env.HOIST_PROGRESS_INTERVAL_MS);
  return Number.isFinite(ms) && ms >= 10 ? ms : 5000;
}

/** Starts the ticker; the returned function stops it. `done` describes the work so far (`120.0 MiB read`). */
export function startTicker(say: (line: string) => void, phase: string, done: () => string, everyMs: number, now: () => number = Date.now): () => void {
  const start = now();
  const timer = setInterval(() => say(`${phase}: ${done()} (${Math.round((now() - start) / 1000)} s)`), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

export const mib = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MiB`;
