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

/**
 * A run whose work never finished must not pass. Node ends a process once nothing is left to wait on, even while
 * the run's promise is still pending — a request that never got a socket, a child whose close never came — and the
 * version guard's dynamic import (scripts/guard.mjs) hides Node's exit 13 for an unsettled top-level await: the step
 * exited 0 having pushed, tagged or audited nothing. Until the returned `finished` is called, an exit that would be
 * 0 is 70 (EX_SOFTWARE), with a line that says so (`::error::` on a GitHub runner, for the step's annotations).
 */
export function unfinishedFails(name: string, env: NodeJS.ProcessEnv = process.env, write = (line: string) => void process.stderr.write(line)): () => void {
  let done = false;
  process.on('exit', (code) => {
    if (done || code !== 0) return;
    const line = `${name}: ended before its work was done (a request or a child process that never answered): nothing after it ran — a defect of ${name}, please report it`;
    write(env.GITHUB_ACTIONS === 'true' ? `::error::${line}\n` : `${line}\n`);
    process.exitCode = 70;
  });
  return () => {
    done = true;
  };
}
