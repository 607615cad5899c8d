/**
 * The one place that spawns processes. Output and errors pass through the Redactor, so a secret
 * that a tool echoes never reaches a log or an error message.
 */
import { execa, type ResultPromise } from 'execa';
import type { Readable, Writable } from 'node:stream';
import type { Redactor } from '../secrets/redact.js';

export interface ExecOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Called with each line the process writes (stdout and stderr), already redacted. */
  onLine?: (line: string) => void;
  /** Written to the process's standard input (never to argv or a log). */
  input?: string;
  /** Stops the process after this long and fails (for tools that could wait on a prompt). */
  timeoutMs?: number;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
}

/** A process that failed to start or exited non-zero; its message is safe to print. */
export class CommandError extends Error {
  override readonly name = 'CommandError';
  constructor(
    message: string,
    readonly command: string,
    readonly exitCode: number | undefined,
    readonly outputTail: string,
  ) {
    super(message);
  }
}

export interface StreamingProcess {
  /** The process's standard output, to be consumed by the caller. */
  stdout: Readable;
  /** Settles when the process exits; rejects with a CommandError on failure. */
  done: Promise<void>;
  /** Stops the process (when its consumer gave up on its output). */
  kill(): void;
}

export interface Exec {
  run(file: string, args: readonly string[], options?: ExecOptions): Promise<ExecResult>;
  /** Runs a process whose standard output is a byte stream (e.g. `docker save`). */
  stream(file: string, args: readonly string[], options?: Omit<ExecOptions, 'onLine'>): StreamingProcess;
  /** Runs a process that reads a byte stream on its standard input (e.g. `docker load`). */
  sink(file: string, args: readonly string[], options?: Omit<ExecOptions, 'onLine' | 'input'>): { stdin: Writable; done: Promise<ExecResult> };
  /** Stops every process still running (the step was cancelled); synchronous. */
  stopAll(): void;
}

const TAIL_LINES = 15;

function splitLines(onLine: (line: string) => void): (chunk: Buffer) => void {
  let pending = '';
  return (chunk) => {
    pending += chunk.toString('utf8');
    const lines = pending.split(/\r?\n/);
    pending = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  };
}

export function createExec(redactor: Redactor): Exec {
  const running = new Set<ResultPromise>();
  const track = <T extends ResultPromise>(child: T): T => {
    running.add(child);
    child.then(() => running.delete(child), () => running.delete(child));
    return child;
  };
  const describe = (file: string, args: readonly string[]) => redactor.redact([file, ...args].join(' '));

  const failure = (file: string, args: readonly string[], error: unknown): CommandError => {
    const e = error as { exitCode?: number; stderr?: unknown; stdout?: unknown; all?: unknown; shortMessage?: string; code?: string };
    const output = String(e.all ?? e.stderr ?? '');
    const tail = redactor.redact(output.split(/\r?\n/).filter(Boolean).slice(-TAIL_LINES).join('\n'));
    const command = describe(file, args);
    if (e.code === 'ENOENT') {
      return new CommandError(`${file} was not found: install it or put it on PATH`, command, undefined, '');
    }
    const timedOut = (error as { timedOut?: boolean }).timedOut;
    const lastLine = timedOut ? 'timed out' : tail.split('\n').filter(Boolean).pop() ?? redactor.redact(e.shortMessage ?? 'failed');
    return new CommandError(`${command} exited with code ${e.exitCode ?? '?'}: ${lastLine}`, command, e.exitCode, tail);
  };

  return {
    async run(file, args, options = {}) {
      const child: ResultPromise = track(execa(file, args, {
        env: options.env, extendEnv: false, cwd: options.cwd, all: true, reject: true, stripFinalNewline: true, timeout: options.timeoutMs,
        ...(options.input === undefined ? { stdin: 'ignore' as const } : { input: options.input }),
      }));
      if (options.onLine) {
        const emit = (line: string) => options.onLine?.(redactor.redact(line));
        child.stdout?.on('data', splitLines(emit));
        child.stderr?.on('data', splitLines(emit));
      }
      try {
        const result = await child;
        return { stdout: String(result.stdout), stderr: String(result.stderr) };
      } catch (error) {
        throw failure(file, args, error);
      }
    },

    stream(file, args, options = {}) {
      const child = track(execa(file, args, {
        env: options.env, extendEnv: false, cwd: options.cwd, stdin: 'ignore', stdout: 'pipe', stderr: 'pipe', buffer: { stdout: false, stderr: true },
      }));
      const done = child.then(() => undefined, (error: unknown) => { throw failure(file, args, error); });
      if (!child.stdout) throw new CommandError(`${file}: no standard output`, describe(file, args), undefined, '');
      return { stdout: child.stdout, done, kill: () => { child.kill(); } };
    },

    sink(file, args, options = {}) {
      const child = track(execa(file, args, { env: options.env, extendEnv: false, cwd: options.cwd, stdin: 'pipe', all: true, stripFinalNewline: true, timeout: options.timeoutMs }));
      if (!child.stdin) throw new CommandError(`${file}: no standard input`, describe(file, args), undefined, '');
      const done = child.then((r) => ({ stdout: String(r.stdout), stderr: String(r.stderr) }), (error: unknown) => { throw failure(file, args, error); });
      return { stdin: child.stdin, done };
    },

    stopAll() {
      for (const child of running) child.kill('SIGTERM');
    },
  };
}
