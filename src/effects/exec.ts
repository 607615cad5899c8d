/**
 * The one place that spawns processes. Output and errors pass through the Redactor, so a secret
 * that a tool echoes never reaches a log or an error message.
 */
import type { execa as Execa, ResultPromise } from 'execa';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { PassThrough, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Exec, ExecOptions, ExecResult, StreamingProcess } from '../core/exec.js';
export { HELPER_ENV } from '../core/exec.js';
import type { Redactor } from '../secrets/redact.js';

/** The contract lives in core/ (what builders and the CLI take); this module is its implementation. */
export type { Exec, ExecOptions, ExecResult, StreamingProcess };

/** A process that failed to start or exited non-zero; its message is safe to print. */
export class CommandError extends Error {
  override readonly name = 'CommandError';
  constructor(
    message: string,
    readonly command: string,
    readonly exitCode: number | undefined,
    readonly outputTail: string,
    /** The program is not installed (or not on PATH): the machine's setup, not the tool's answer. */
    readonly notFound = false,
  ) {
    super(message);
  }
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
  if (e.code === 'ENOENT') return new CommandError(`${file} was not found: install it or put it on PATH`, command, undefined, '', true);
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
const HOIST_OWN = new Set(['HOIST_SSH_PASSPHRASE', 'HOIST_ASKPASS_USED', 'HOIST_PROCESS_MARK']);

export function childEnvironment(env: Readonly<Record<string, string | undefined>> | undefined, allow?: RegExp): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env ?? {})) {
    if (value === undefined) continue;
    if (allow?.test(name) || HOIST_OWN.has(name) || (ALLOWED_ENV.test(name) && !CREDENTIAL_NAME.test(name))) out[name] = value;
  }
  return out;
}

/** The processes started as leaders of their own process group (a bounded run), with the mark in their environment. */
const GROUP_LEADERS = new WeakMap<ResultPromise, string>();

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone already
  }
}

const MARK = 'HOIST_PROCESS_MARK';

/**
 * Every process still running with `mark` in its environment — a bounded process's descendants,
 * those that left its group too (`setsid`, a daemonising helper) — killed. Linux's /proc only; the
 * same-user processes it can read (what Hoist started). Jenkins's ProcessTreeKiller finds a build's
 * strays the same way. Best effort: a process that is gone or unreadable is passed over.
 */
function killMarked(mark: string): void {
  const wanted = Buffer.from(`${MARK}=${mark}\0`);
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return;
  }
  for (const pid of entries) {
    try {
      if (readFileSync(`/proc/${pid}/environ`).includes(wanted)) process.kill(Number(pid), 'SIGKILL');
    } catch {
      // gone, or another user's
    }
  }
}

/**
 * At the limit execa stops the process itself; what it started, holding its output open, would outlive
 * the run (a credential helper's child waiting on a prompt). The whole group is killed then: when execa
 * gives up on the process (timed out), or at the limit should execa still wait on the output it holds.
 */
function stopGroupAtLimit(child: ResultPromise, timeoutMs: number, mark: string): void {
  const pid = child.pid;
  if (pid === undefined) return;
  GROUP_LEADERS.set(child, mark);
  let late = false;
  const stop = () => {
    signalGroup(pid, 'SIGKILL');
    killMarked(mark);
  };
  const timer = setTimeout(() => {
    late = true;
    stop();
  }, timeoutMs);
  timer.unref();
  const settle = (outcome: unknown) => {
    clearTimeout(timer);
    if (late || (outcome as { timedOut?: boolean } | undefined)?.timedOut) stop();
  };
  child.then(settle, settle);
}

let execaModule: Promise<{ execa: typeof Execa }> | undefined;
/** execa and what it brings load with the first process: a run that ends at its inputs, or the post step, never pays for them. */
const loadExeca = () => (execaModule ??= import('execa'));

/** Every process through execa, with no environment but the one given (`extendEnv: false`). */
class ProcessRunner implements Exec {
  readonly #running = new Set<ResultPromise>();
  readonly #redactor: Redactor;
  /** stopAll was called: a process still waiting for execa to load never starts. */
  #stopped = false;

  constructor(redactor: Redactor) {
    this.#redactor = redactor;
  }

  #track<T extends ResultPromise>(child: T): T {
    this.#running.add(child);
    const forget = () => this.#running.delete(child);
    child.then(forget, forget);
    return child;
  }

  /** execa, or a CommandError when the step was stopped in the meantime. */
  async #execa(file: string, args: readonly string[]): Promise<typeof Execa> {
    const { execa } = await loadExeca();
    if (this.#stopped) throw new CommandError(`${file} was not started: the step is stopping`, this.#redactor.redact([file, ...args].join(' ')), undefined, '');
    return execa;
  }

  #fail(file: string, args: readonly string[]) {
    return (error: unknown): never => {
      throw commandFailure(this.#redactor, file, args, error);
    };
  }

  async run(file: string, args: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const stdin = options.input === undefined ? { stdin: 'ignore' as const } : { input: options.input };
    const execa = await this.#execa(file, args);
    const bounded = options.timeoutMs !== undefined;
    // A bounded process and all it starts carry a mark of their own, by which strays are found at the limit.
    const mark = bounded ? randomUUID() : '';
    const child: ResultPromise = this.#track(
      execa(file, args, {
        env: { ...childEnvironment(options.env, options.allowEnv), ...(bounded ? { [MARK]: mark } : {}) },
        extendEnv: false,
        cwd: options.cwd,
        all: true,
        reject: true,
        stripFinalNewline: true,
        timeout: options.timeoutMs,
        // A process that could wait on a prompt leads a process group of its own, so that what it
        // started (a shell helper's `read`, gpg's pinentry) is stopped with it at the limit.
        detached: bounded,
        ...stdin,
      }),
    );
    if (bounded) stopGroupAtLimit(child, options.timeoutMs!, mark);
    if (options.onLine) {
      const emit = (line: string) => options.onLine?.(this.#redactor.redact(line));
      child.stdout?.on('data', splitLines(emit));
      child.stderr?.on('data', splitLines(emit));
    }
    const result = await child.catch(this.#fail(file, args));
    return { stdout: String(result.stdout), stderr: String(result.stderr) };
  }

  stream(file: string, args: readonly string[], options: Omit<ExecOptions, 'onLine'> = {}): StreamingProcess {
    const stdout = new PassThrough({ highWaterMark: 256 * 1024 });
    let child: ResultPromise | undefined;
    let killed = false;
    const done = (async () => {
      const execa = await this.#execa(file, args).catch((e: unknown) => {
        stdout.destroy(e as Error); // never started: the reader must not wait for bytes
        throw e;
      });
      const settings = {
        env: childEnvironment(options.env, options.allowEnv),
        extendEnv: false,
        cwd: options.cwd,
        stdin: 'ignore',
        stdout: 'pipe',
        stderr: 'pipe',
        buffer: { stdout: false, stderr: true },
      } as const;
      child = this.#track(execa(file, args, settings));
      if (killed) child.kill();
      child.stdout!.pipe(stdout);
      await child.then(() => undefined, this.#fail(file, args));
    })();
    return {
      stdout,
      done,
      kill: () => {
        killed = true;
        child?.kill();
      },
    };
  }

  sink(file: string, args: readonly string[], options: Omit<ExecOptions, 'onLine' | 'input'> = {}): { stdin: Writable; done: Promise<ExecResult> } {
    const stdin = new PassThrough({ highWaterMark: 256 * 1024 });
    const done = (async () => {
      try {
        const execa = await this.#execa(file, args);
        const child = this.#track(
          execa(file, args, {
            env: childEnvironment(options.env, options.allowEnv),
            extendEnv: false,
            cwd: options.cwd,
            stdin: 'pipe',
            all: true,
            stripFinalNewline: true,
            timeout: options.timeoutMs,
          }),
        );
        // A process that exits early fails the writer too (EPIPE), rather than leaving it waiting.
        const feeding = pipeline(stdin, child.stdin).catch(() => undefined);
        const r = await child.catch(this.#fail(file, args));
        await feeding;
        return { stdout: String(r.stdout), stderr: String(r.stderr) };
      } catch (e) {
        stdin.destroy(e as Error);
        throw e;
      }
    })();
    return { stdin, done };
  }

  stopAll(): void {
    this.#stopped = true;
    for (const child of this.#running) {
      child.kill('SIGTERM');
      const mark = GROUP_LEADERS.get(child);
      if (child.pid !== undefined && mark !== undefined) {
        signalGroup(child.pid, 'SIGTERM');
        killMarked(mark);
      }
    }
  }
}

export function createExec(redactor: Redactor): Exec {
  return new ProcessRunner(redactor);
}

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
