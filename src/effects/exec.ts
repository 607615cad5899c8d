/**
 * The one place that spawns processes. Output and errors pass through the Redactor, so a secret
 * that a tool echoes never reaches a log or an error message.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Redactor } from '../secrets/redact.js';

export interface ExecOptions {
  /** The environment to start from; only the names `childEnvironment` allows reach the process. */
  env?: Record<string, string | undefined>;
  /** More names this process needs (a credential helper: its cloud's variables). */
  allowEnv?: RegExp;
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

/** A failed process as a CommandError whose message and tail are redacted. */
function commandFailure(redactor: Redactor, file: string, args: readonly string[], error: unknown): CommandError {
  const e = error as { exitCode?: number; stderr?: unknown; stdout?: unknown; all?: unknown; shortMessage?: string; code?: string; timedOut?: boolean };
  const output = String(e.all ?? e.stderr ?? '');
  const tail = redactor.redact(output.split(/\r?\n/).filter(Boolean).slice(-TAIL_LINES).join('\n'));
  const command = redactor.redact([file, ...args].join(' '));
  if (e.code === 'ENOENT') return new CommandError(`${file} was not found: install it or put it on PATH`, command, undefined, '');
  const lastLine = e.timedOut ? 'timed out' : (tail.split('\n').filter(Boolean).pop() ?? redactor.redact(e.shortMessage ?? 'failed'));
  return new CommandError(`${command} exited with code ${e.exitCode ?? '?'}: ${lastLine}`, command, e.exitCode, tail);
}

/**
 * What a tool Hoist runs may see of the step's environment: an allow-list (the tools' own settings,
 * locale, proxies, paths), never the step's inputs (`INPUT_*`, which hold the secrets), tokens of
 * the CI system, or anything named like a credential. Hoist adds what a tool needs on top
 * (DOCKER_BUILDKIT, SSH_AUTH_SOCK, the askpass variables of ssh-add).
 */
const ALLOWED_ENV =
  /^(PATH|HOME|USER|LOGNAME|SHELL|LANG|LANGUAGE|TZ|TERM|TMPDIR|TMP|TEMP|HOSTNAME|DISPLAY|SOURCE_DATE_EPOCH|SSL_CERT_FILE|SSL_CERT_DIR|SSH_AUTH_SOCK|SSH_ASKPASS|SSH_ASKPASS_REQUIRE|HOIST_SSH_PASSPHRASE|HOIST_ASKPASS_USED|REGISTRY_AUTH_FILE|STORAGE_DRIVER|STORAGE_OPTS|BUILDKIT_HOST|BUILDKIT_PROGRESS|LC_\w+|XDG_\w+|DOCKER_\w+|BUILDX_\w+|BUILDAH_\w+|CONTAINERS_\w+|_BUILDAH_\w+|_CONTAINERS_\w+|(?:HTTP|HTTPS|ALL|NO)_PROXY|(?:http|https|all|no)_proxy)$/;
const CREDENTIAL_NAME = /PASSWORD|PASSWD|TOKEN|SECRET|CREDENTIAL|AUTH_CONFIG/i;
const HOIST_OWN = new Set(['HOIST_SSH_PASSPHRASE', 'HOIST_ASKPASS_USED']);

export function childEnvironment(env: Readonly<Record<string, string | undefined>> | undefined, allow?: RegExp): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env ?? {})) {
    if (value === undefined) continue;
    if (allow?.test(name) || HOIST_OWN.has(name) || (ALLOWED_ENV.test(name) && !CREDENTIAL_NAME.test(name))) out[name] = value;
  }
  return out;
}

/** How a process ended, in the shape `commandFailure` reads (execa's, which Hoist used before). */
interface Ended {
  exitCode?: number;
  signal?: NodeJS.Signals;
  stdout: string;
  stderr: string;
  all: string;
  timedOut: boolean;
  shortMessage?: string;
  code?: string;
}

/** A process's output as text without its final line break (what a caller of `run` compares and parses). */
const text = (chunks: Buffer[]) =>
  Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');

/** After SIGTERM, a process that is still there this long later gets SIGKILL (a tool that ignores the first). */
const FORCE_KILL_MS = 5_000;

/** Every process any runner started that still runs: none may outlive the step (stopped when Node exits). */
const live = new Set<ChildProcess>();
let exitHook = false;

/**
 * Every process through node:child_process, with no environment but the one given. (execa did
 * this before; it cost a cold start 30–70 ms to load for what these forty lines do.)
 */
class ProcessRunner implements Exec {
  readonly #running = new Set<ChildProcess>();
  readonly #redactor: Redactor;
  /** stopAll was called: no process starts any more. */
  #stopped = false;

  constructor(redactor: Redactor) {
    this.#redactor = redactor;
  }

  /** Starts a process; `stdin`/`stdout` as node's stdio. Throws a CommandError once the step is stopping. */
  #spawn(file: string, args: readonly string[], options: ExecOptions, stdin: 'ignore' | 'pipe', stdout: 'pipe' | 'ignore' = 'pipe'): ChildProcess {
    if (this.#stopped) throw new CommandError(`${file} was not started: the step is stopping`, this.#redactor.redact([file, ...args].join(' ')), undefined, '');
    if (!exitHook) {
      process.once('exit', () => {
        for (const child of live) child.kill('SIGTERM');
      });
      exitHook = true;
    }
    const child = spawn(file, [...args], { env: childEnvironment(options.env, options.allowEnv), cwd: options.cwd, stdio: [stdin, stdout, 'pipe'] });
    this.#running.add(child);
    live.add(child);
    const forget = () => {
      this.#running.delete(child);
      live.delete(child);
    };
    child.once('close', forget);
    child.once('error', forget);
    return child;
  }

  /**
   * How `child` ended: its output (stdout and stderr each, and both in the order they came), its
   * exit code or signal, and whether `timeoutMs` stopped it. `collect` false leaves stdout to the caller.
   */
  #ended(child: ChildProcess, timeoutMs: number | undefined, onChunk?: (stream: 'stdout' | 'stderr', chunk: Buffer) => void, collect = true): Promise<Ended> {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const all: Buffer[] = [];
    if (collect)
      child.stdout?.on('data', (c: Buffer) => {
        out.push(c);
        all.push(c);
        onChunk?.('stdout', c);
      });
    child.stderr?.on('data', (c: Buffer) => {
      err.push(c);
      all.push(c);
      onChunk?.('stderr', c);
    });
    let timedOut = false;
    let force: NodeJS.Timeout | undefined;
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill('SIGTERM');
            force = setTimeout(() => child.kill('SIGKILL'), FORCE_KILL_MS).unref();
          }, timeoutMs);
    return new Promise((resolve) => {
      const done = (e: Partial<Ended>) => {
        clearTimeout(timer);
        clearTimeout(force);
        resolve({ stdout: text(out), stderr: text(err), all: text(all), timedOut, ...e });
      };
      child.once('error', (e: NodeJS.ErrnoException) => done({ code: e.code, shortMessage: e.message }));
      child.once('close', (code, signal) => done(code === null ? { signal: signal ?? undefined, shortMessage: `killed with ${signal}` } : { exitCode: code }));
    });
  }

  #check(file: string, args: readonly string[], r: Ended): Ended {
    if (r.exitCode === 0 && !r.timedOut) return r;
    throw commandFailure(this.#redactor, file, args, r);
  }

  async run(file: string, args: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const child = this.#spawn(file, args, options, options.input === undefined ? 'ignore' : 'pipe');
    const lines = options.onLine && {
      stdout: splitLines((line) => options.onLine?.(this.#redactor.redact(line))),
      stderr: splitLines((line) => options.onLine?.(this.#redactor.redact(line))),
    };
    const ended = this.#ended(child, options.timeoutMs, lines ? (stream, chunk) => lines[stream](chunk) : undefined);
    if (options.input !== undefined) {
      child.stdin!.on('error', () => undefined); // a process that exits without reading its input: its exit says why
      child.stdin!.end(options.input);
    }
    const r = this.#check(file, args, await ended);
    return { stdout: r.stdout, stderr: r.stderr };
  }

  stream(file: string, args: readonly string[], options: Omit<ExecOptions, 'onLine'> = {}): StreamingProcess {
    const stdout = new PassThrough({ highWaterMark: 256 * 1024 });
    let child: ChildProcess | undefined;
    try {
      child = this.#spawn(file, args, options, 'ignore');
    } catch (e) {
      stdout.destroy(e as Error); // never started: the reader must not wait for bytes
      const done = Promise.reject(e as Error);
      return { stdout, done, kill: () => undefined };
    }
    const started = child;
    started.stdout!.pipe(stdout);
    const done = this.#ended(started, undefined, undefined, false).then((r) => {
      if (r.code) stdout.destroy(commandFailure(this.#redactor, file, args, r)); // it never started
      this.#check(file, args, r);
    });
    return { stdout, done, kill: () => void started.kill() };
  }

  sink(file: string, args: readonly string[], options: Omit<ExecOptions, 'onLine' | 'input'> = {}): { stdin: Writable; done: Promise<ExecResult> } {
    const stdin = new PassThrough({ highWaterMark: 256 * 1024 });
    const done = (async () => {
      try {
        const child = this.#spawn(file, args, options, 'pipe');
        const ended = this.#ended(child, options.timeoutMs);
        // A process that exits early fails the writer too (EPIPE), rather than leaving it waiting.
        const feeding = pipeline(stdin, child.stdin!).catch(() => undefined);
        const r = this.#check(file, args, await ended);
        await feeding;
        return { stdout: r.stdout, stderr: r.stderr };
      } catch (e) {
        stdin.destroy(e as Error);
        throw e;
      }
    })();
    return { stdin, done };
  }

  stopAll(): void {
    this.#stopped = true;
    for (const child of this.#running) child.kill('SIGTERM');
  }
}

export function createExec(redactor: Redactor): Exec {
  return new ProcessRunner(redactor);
}

/**
 * The variables of the clouds' credential helpers (ecr-login: AWS_..., gcr: CLOUDSDK_... and GOOGLE_...,
 * acr: AZURE_...): a helper, or a tool that runs one (docker, buildah pulling a base), gets them.
 */
export const HELPER_ENV = /^(AWS_\w+|AZURE_\w+|GOOGLE_\w+|CLOUDSDK_\w+)$/;

/** The same Exec, its processes allowed `allow`'s names of the environment too (beside a call's own `allowEnv`). */
export function allowingEnv(exec: Exec, allow: RegExp): Exec {
  const both = (own: RegExp | undefined) => (own ? new RegExp(`(?:${allow.source})|(?:${own.source})`) : allow);
  return {
    run: (file, args, options = {}) => exec.run(file, args, { ...options, allowEnv: both(options.allowEnv) }),
    stream: (file, args, options = {}) => exec.stream(file, args, { ...options, allowEnv: both(options.allowEnv) }),
    sink: (file, args, options = {}) => exec.sink(file, args, { ...options, allowEnv: both(options.allowEnv) }),
    stopAll: () => exec.stopAll(),
  };
}
