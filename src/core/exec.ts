/**
 * The process seam: what runs a tool. `effects/exec.ts` is the one implementation (an allow-listed
 * environment, output redacted line by line, a timeout, every process stopped on cancel); builders
 * and the CLI's facts take it, tests hand in fakes.
 */
import type { Readable, Writable } from 'node:stream';

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
/**
 * The variables of the clouds' credential helpers (ecr-login: AWS_..., gcr: CLOUDSDK_... and GOOGLE_...,
 * acr: AZURE_...): a helper, or a tool that runs one (docker, buildah pulling a base), gets them.
 */
export const HELPER_ENV = /^(AWS_\w+|AZURE_\w+|GOOGLE_\w+|CLOUDSDK_\w+)$/;
