/**
 * The end of a run, once it is done: a handle left open past it (a credential helper's child still holding
 * the helper's pipe after the helper was stopped at its time limit) must not keep the process alive, but
 * what the run printed must all reach its reader first. A pipe to a slow reader (`hoist tags list … | less`,
 * a CI log shipper) holds what did not fit in the pipe's buffer (64 KiB) in the stream; `process.exit()`
 * drops it. So the exit waits until stdout and stderr have nothing left to write. Used by the `hoist`
 * command (cli/index.ts) and the Action's entry (src/index.ts).
 */
export interface PendingOutput {
  readonly writableLength: number;
  readonly destroyed?: boolean;
}

export interface DrainedExitOptions {
  /** How long after the run is done a handle may still keep the process. */
  graceMs?: number;
  /** How often the streams are looked at again while they still hold output. */
  pollMs?: number;
  streams?: readonly PendingOutput[];
  exit?: () => void;
  /** An unref'd timer: the process still ends by itself when nothing else holds it. */
  later?: (run: () => void, ms: number) => void;
}

const unrefTimer = (run: () => void, ms: number) => void setTimeout(run, ms).unref();

/** Exits after `graceMs`, or later, once no stream holds unwritten output (a destroyed stream holds none). */
export function exitWhenDrained(o: DrainedExitOptions = {}): void {
  const streams = o.streams ?? [process.stdout, process.stderr];
  const exit = o.exit ?? (() => process.exit());
  const later = o.later ?? unrefTimer;
  const attempt = () => {
    if (streams.every((s) => s.destroyed || s.writableLength === 0)) exit();
    else later(attempt, o.pollMs ?? 50);
  };
  later(attempt, o.graceMs ?? 2_000);
}
