/**
 * glibc's malloc set for a run that streams (issues 28 and 36: peak RSS ≤ 100 MiB whatever the image). Two of its
 * defaults keep memory the audit has freed, and neither can be changed once the process runs (glibc reads
 * GLIBC_TUNABLES as it starts; Node has no mallopt), so a run that audits starts Node again, in place
 * (`process.execve`: same pid, same fds, nothing run yet), with them set:
 *
 * - `mmap_threshold`: by default it is dynamic — freeing a block that was mmapped (≥ 128 KiB) raises the threshold to
 *   that block's size (up to 32 MiB) and the trim threshold to twice that. After the first 8–16 MiB buffer is freed
 *   (a zstd window, a stored jar member, a git object), every later buffer up to that size comes from a heap, and what
 *   is freed there stays resident. Fixed, a large block is mmapped and unmapped: freed, it leaves the RSS.
 * - `arena_max`: each thread that mallocs (4 libuv threadpool threads inflating and reading, 4 V8 workers compiling and
 *   marking) gets an arena of its own, and each keeps what it freed: 5 arenas held 24 MiB at the large members' peak
 *   (bench/large-members.ts). One arena: the threads share what is free.
 *
 * Measured by bench/audit.ts, private bundles alternated old/new, 3 pairs (December 2026, load 5–17): peak RSS of the
 * large members' row 123, 128, 127 → 122, 117, 114 MiB; the plain 1 GiB row 105, 107, 96 → 88, 85, 86; one tiny file
 * 79, 79, 78 → 75, 77, 77. CPU of the large row 12.2–12.5 → 12.4–12.8 s, of the plain row 11.7–12.2 → 11.1–12.4 s (noise);
 * the start again costs a bare Node's start, ~20 ms of CPU (tiny audit 0.20 → 0.22 s, 8 pairs). A threshold of 1 MiB
 * kept more (110–123 MiB on the large row), two arenas too (111–120). Not on musl (no tunables), not off Linux;
 * `HOIST_MALLOC=default` keeps glibc's defaults. The re-executed process takes the user's own GLIBC_TUNABLES back into
 * its environment at once, so the tools it runs (docker, git) start as they would.
 *
 * The same start gives V8 the heap flags that only count when given at start (NODE_FLAGS, before the user's own node
 * flags, which win where both set one; a flag the user's NODE_OPTIONS sets is not given):
 *
 * - `--max-semi-space-size=1`: the young generation never grows past 1 MiB a semi-space. `core/heap.ts` stops its
 *   growth when a stream begins, but by then the docker path (start, probes, `docker build`) had grown it to 8 MiB a
 *   semi-space in every run sampled, and the audit of `docker save`'s stream ran with it: ArrayBuffers dead in the young
 *   generation waited for scavenges that came rarely, 30–32 MiB of them at the high runs' peaks (121–127 MiB).
 *   bench/run.sh base, 8 alternated pairs (December 2026, load 6–12; 5 pairs the bundle of HEAD with the flag given to
 *   node, 3 pairs that bundle against HEAD with this change): peak RSS 94–101 → 89–98 MiB (median 96.5 → 90; that
 *   day's other runs of the old bundle 95–124, 2 of 4 high), CPU 2.77–3.35 → 2.55–3.48 s (noise). bench/audit.ts
 *   (alternated the same ways, load 7–14): a tiny audit 77 → 73 MiB (medians of 8; CPU 0.26 → 0.25 s, wall 553 → 542 ms of 15: the
 *   code cache of Node's own modules, keyed to V8's flags, unused after this start, is lost in the noise); the archives'
 *   row 102–123 → 102–120 MiB (median 107 → 110.5, 6 each: noise), CPU median 20.4 → 19.6 s; plain and large members
 *   unchanged (their young generation was 1 MiB a semi-space already).
 *
 * Not given (December 2026, session 55): `--no-maglev --no-concurrent-recompilation`. V8's compiler zones are malloc'd
 * from the one arena, and several jobs at once set glibc's heap high-water beside the live buffers; with both flags the
 * large members' row peaked lower (bench/audit.ts 102, 104, 103 → 100, 99, 99 MiB; 7 sampled pairs, median 103.7 →
 * 100.5; the plain 1 GiB row 94.1–96.7 → 87.8–90.2 MiB), total CPU +2–7%, but TurboFan's jobs then run on the main
 * thread, in the scan's way: the plain row's main thread 8.2–8.5 → 10.0–10.6 s of CPU (+24%, the wall of a quiet
 * machine). With compilation left concurrent, one job at a time (`--no-maglev --concurrent-recompilation-queue-length=1
 * --concurrent-turbofan-max-threads=1`): main thread +6%, total CPU +8–12%, the large row 98.9–102.5 MiB (median 101).
 * Neither flag alone moved the peak.
 */
import { readFileSync } from 'node:fs';

export const MALLOC_TUNABLES = 'glibc.malloc.arena_max=1:glibc.malloc.mmap_threshold=131072';
/** V8's flags for the re-executed process (above): read as the isolate starts, so `v8.setFlagsFromString` cannot set them. */
export const NODE_FLAGS = ['--max-semi-space-size=1'] as const;
/** Set in the re-executed process's environment: the user's GLIBC_TUNABLES as it was ('' when it was not set). */
const WAS = 'HOIST_GLIBC_TUNABLES_WAS';

/** Whether this Node runs on glibc: its libc is mapped in (a musl Node maps ld-musl). */
function onGlibc(): boolean {
  try {
    return /\/libc\.so\.6$/m.test(readFileSync('/proc/self/maps', 'utf8'));
  } catch {
    return false;
  }
}

/**
 * Whether this Node already runs as the started-again one would, so that starting it again would change nothing: its
 * GLIBC_TUNABLES (as glibc read it at start, the last setting of a tunable winning) sets each of MALLOC_TUNABLES' to
 * Hoist's value, and its node flags (NODE_OPTIONS, or node's own arguments) give each of NODE_FLAGS (a value the user
 * chose wins, as below). A job that runs Hoist's CLI several times can set both once for its steps, e.g.
 * `GLIBC_TUNABLES=glibc.malloc.arena_max=1:glibc.malloc.mmap_threshold=131072 NODE_OPTIONS=--max-semi-space-size=1`,
 * and spares each run one Node start (bench/cold-start.ts: 'tunables already given').
 */
export function alreadyTuned(env: NodeJS.ProcessEnv, execArgv: readonly string[] = process.execArgv): boolean {
  const set = new Map((env.GLIBC_TUNABLES ?? '').split(':').map((t) => [t.slice(0, t.indexOf('=')), t.slice(t.indexOf('=') + 1)]));
  if (!MALLOC_TUNABLES.split(':').every((t) => set.get(t.slice(0, t.indexOf('='))) === t.slice(t.indexOf('=') + 1))) return false;
  const given = [...(env.NODE_OPTIONS ?? '').split(/\s+/), ...execArgv].map((a) => a.replace(/_/g, '-'));
  return NODE_FLAGS.every((f) => given.some((a) => a.startsWith(f.slice(0, f.indexOf('=') + 1))));
}

/**
 * Starts this Node again with MALLOC_TUNABLES and NODE_FLAGS when it should (Linux, glibc, `process.execve`, not opted out, not
 * already done, not already so tuned: `alreadyTuned`); returns only when it did not. In the re-executed process, puts the user's GLIBC_TUNABLES back.
 * Call it first thing, before the bundle's modules load: what ran before is run again.
 */
export function tuneMalloc(env: NodeJS.ProcessEnv = process.env): void {
  if (WAS in env) {
    const was = env[WAS];
    delete env[WAS];
    if (was) env.GLIBC_TUNABLES = was;
    else delete env.GLIBC_TUNABLES;
    return;
  }
  if (process.platform !== 'linux' || typeof process.execve !== 'function' || env.HOIST_MALLOC === 'default' || alreadyTuned(env) || !onGlibc()) return;
  const was = env.GLIBC_TUNABLES ?? '';
  // The user's own settings after Hoist's: where both set one, theirs holds.
  const tunables = was ? `${MALLOC_TUNABLES}:${was}` : MALLOC_TUNABLES;
  try {
    // The user's own node flags after Hoist's (V8 takes a flag's last value); one NODE_OPTIONS sets is left to it.
    const options = (env.NODE_OPTIONS ?? '').replace(/_/g, '-');
    const flags = NODE_FLAGS.filter((f) => !options.includes(f.slice(0, f.indexOf('='))));
    const argv = [process.execPath, ...flags, ...process.execArgv, ...process.argv.slice(1)];
    process.execve(process.execPath, argv, { ...env, GLIBC_TUNABLES: tunables, [WAS]: was });
  } catch {
    // Refused (Node's permission model without --allow-child-process) or failed: the run goes on with glibc's defaults.
  }
}
