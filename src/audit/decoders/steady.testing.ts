/**
 * For the fuzz tests: a real tool's file made the same, byte for byte, on every run and machine. A fuzz test damages a
 * file at seeded places and spares the bytes where it and its twin (the same made with another value) differ; a file
 * that holds the clock (a creation time, a chunk's age, a file's mtime) or a random id differs run to run, so the same
 * seed damages other bytes of other structures — a copy that passed everywhere fails once in a clean clone (H2's
 * MVStore, session 56). Made here: the tool run with its clock frozen (libfaketime, when installed: test/lab/lab.sh's
 * faketime), SOURCE_DATE_EPOCH, TZ and the locale fixed, its input files' mtimes set to that time.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
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

/**
 * The semaphore and shared memory every frozen-clock process is handed (FAKETIME_SHARED), made once and never removed.
 * Left to itself, libfaketime 0.9.10 makes a pair per process tree, named by its root's pid, and the root removes it at
 * exit — and so does each subshell a shell forks from it (a fork is the root again): a child started while a sibling
 * subshell exits finds the pair gone between two opens and exits 1 ("sem_open failed and recreation attempts failed":
 * the CI's `mkfs.cramfs` under `bash -c '…$(printf … $(seq …))…'`, session 59; 9 of ~600 processes of a script forking
 * subshells in a loop). A process handed a pair it did not make never removes it. A frozen clock reads nothing from the
 * shared memory (it holds the ticks and start time of the clocks that move), so one pair serves every tool of every run:
 * glibc's named semaphore of value 1 (its 32 bytes as sem_open writes them) and libfaketime's ft_shared_s of 80 bytes
 * with its start times unset (tv_nsec −1), as ft_shm_create writes it.
 */
let frozenShared: string | undefined | null = null;
function sharedPair(): string | undefined {
  if (frozenShared !== null) return frozenShared;
  const sem = Buffer.alloc(32);
  sem.writeUInt32LE(1, 0);
  sem.writeInt32LE(0x80, 8);
  const shm = Buffer.alloc(80);
  for (const at of [24, 40, 56]) shm.writeBigInt64LE(-1n, at);
  const put = (path: string, bytes: Buffer) => {
    if (statSync(path, { throwIfNoEntry: false })?.size === bytes.length) return;
    const part = `${path}.${process.pid}.part`;
    writeFileSync(part, bytes, { mode: 0o600 });
    renameSync(part, path);
  };
  try {
    put('/dev/shm/sem.hoist_steady_sem', sem);
    put('/dev/shm/hoist_steady_shm', shm);
    frozenShared = '/hoist_steady_sem /hoist_steady_shm';
  } catch {
    frozenShared = undefined; // no /dev/shm: each tree makes its own, as before
  }
  return frozenShared;
}

/** The environment of a steady tool, whose clock reads `seconds` (EPOCH unless a test needs a time of its own). */
export function steadyEnv(clock: Clock = 'frozen', seconds = EPOCH): NodeJS.ProcessEnv {
  const at = new Date(seconds * 1000).toISOString().slice(0, 19).replace('T', ' ');
  return {
    ...process.env,
    SOURCE_DATE_EPOCH: String(seconds),
    TZ: 'UTC',
    LC_ALL: 'C',
    ...(FAKETIME_LIB &&
      clock !== 'real' && {
        LD_PRELOAD: [FAKETIME_LIB, process.env['LD_PRELOAD']].filter(Boolean).join(':'),
        FAKETIME: clock === 'frozen' ? at : `@${at}`,
        ...(clock === 'frozen' && sharedPair() !== undefined && { FAKETIME_SHARED: sharedPair() }),
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
