/**
 * For the fuzz tests: a real tool's file made the same, byte for byte, on every run and machine. A fuzz test damages a
 * file at seeded places and spares the bytes where it and its twin (the same made with another value) differ; a file
 * that holds the clock (a creation time, a chunk's age, a file's mtime) or a random id differs run to run, so the same
 * seed damages other bytes of other structures — a copy that passed everywhere fails once in a clean clone (H2's
 * MVStore, session 56). Made here: the tool run with its clock frozen (libfaketime, when installed: test/lab/lab.sh's
 * faketime), SOURCE_DATE_EPOCH, TZ and the locale fixed, its input files' mtimes set to that time.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** 2023-11-14 22:13:20 UTC: the time every steady tool sees. */
export const EPOCH = 1_700_000_000;

/** libfaketime's preload library (HOIST_FAKETIME_LIB names another). */
export const FAKETIME_LIB = [
  process.env['HOIST_FAKETIME_LIB'],
  '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1',
  '/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1',
  '/usr/lib/faketime/libfaketime.so.1',
].find((p) => p !== undefined && existsSync(p));

/**
 * The environment a steady tool runs in. `clock`: 'frozen' (the time never moves: a tool's timestamps all EPOCH),
 * 'ticking' (it starts at EPOCH when the process starts and moves on: for a server that waits on the wall clock) or
 * 'real' (no libfaketime: redis-server and redis-cli hang under it — jemalloc's clock_gettime at load —, mariadbd
 * starts 50 times slower; their files' times are read past by the readers, and the layout does not follow the clock).
 */
export type Clock = 'frozen' | 'ticking' | 'real';

export function steadyEnv(clock: Clock = 'frozen'): NodeJS.ProcessEnv {
  const at = new Date(EPOCH * 1000).toISOString().slice(0, 19).replace('T', ' ');
  return {
    ...process.env,
    SOURCE_DATE_EPOCH: String(EPOCH),
    TZ: 'UTC',
    LC_ALL: 'C',
    ...(FAKETIME_LIB &&
      clock !== 'real' && {
        LD_PRELOAD: [FAKETIME_LIB, process.env['LD_PRELOAD']].filter(Boolean).join(':'),
        FAKETIME: clock === 'frozen' ? at : `@${at}`,
        // Timeouts and sleeps measured on the monotonic clock still pass: a server started under it still stops.
        FAKETIME_DONT_FAKE_MONOTONIC: '1',
      }),
  };
}

/** `make` run with steadyEnv in process.env (each child it starts inherits it), the environment as it was after. */
export function steady<T>(make: () => T, clock: Clock = 'frozen'): T {
  const saved = { ...process.env };
  Object.assign(process.env, steadyEnv(clock));
  try {
    return make();
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
}

/**
 * testing.ts's `tool`, steady: `command args` run in a scratch directory holding `files` (their mtimes EPOCH) under
 * steadyEnv; the file `output` (or the standard output) as it is after.
 */
export function steadyTool(command: string, args: string[], files: Record<string, Uint8Array | string>, output?: string, clock: Clock = 'frozen'): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'hoist-steady-'));
  try {
    for (const [name, content] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), content);
    }
    // The directories' mtimes too (mkfs.*, mksquashfs and xorriso keep them).
    execFileSync('find', [dir, '-exec', 'touch', '-h', '-d', `@${EPOCH}`, '{}', '+'], { stdio: 'ignore' });
    utimesSync(dir, EPOCH, EPOCH);
    const stdout = execFileSync(command, args, { cwd: dir, env: steadyEnv(clock), maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] });
    return output ? readFileSync(join(dir, output)) : stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
