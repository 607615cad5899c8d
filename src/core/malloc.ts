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
 * - `--no-maglev --no-concurrent-recompilation`: optimized code from TurboFan alone, compiled on the main thread. The
 *   compilers' zones are malloc'd (in 32 KiB segments, from the one arena): with Maglev's jobs beside TurboFan's, several
 *   on worker threads at once, they set glibc's heap high-water where they met the live buffers, and what they freed
 *   stayed in the heap (the large members' row re-optimizes the same functions hundreds of times). Neither flag alone
 *   moved the peak (2–3 runs each, within the ±4 MiB noise); together, bench/audit.ts's large members, 7 alternated pairs
 *   through one bundle (December 2026, load 5–10, 10 ms sampler loaded): peak RSS 100.9–108.8 → 99.4–101.8 MiB
 *   (median 103.7 → 100.5), CPU median 11.78 → 12.06 s (+2.4%); bench/audit.ts itself (no sampler, 3 runs each, load
 *   5–8) 102, 104, 103 → 100, 99, 99 MiB, CPU 10.6–10.9 s both; the plain 1 GiB row, 4 pairs, 94.1–96.7 → 87.8–90.2 MiB,
 *   CPU 10.97–13.33 → 11.51–14.18 s (pairwise +2, +15, +2, +5%); the archives' 94.6, 91.8 → 95.2, 90.1 MiB (CPU 17.6,
 *   16.8 → 16.6, 16.2 s). Its cost is wall time: TurboFan's jobs now run on the main thread, in the scan's way — on the
 *   plain row ~720 jobs, 3.6 s by their own clocks at load 7, where 1,060 Maglev and 748 TurboFan jobs had run 3.9 s on
 *   worker threads; not yet measured on a quiet machine. A user's own `node --maglev` comes after them and wins;
 *   NODE_OPTIONS may not hold either.
 */
import { readFileSync } from 'node:fs';

export const MALLOC_TUNABLES = 'glibc.malloc.arena_max=1:glibc.malloc.mmap_threshold=131072';
/** V8's flags for the re-executed process (above): read as the isolate starts, so `v8.setFlagsFromString` cannot set them. */
export const NODE_FLAGS = ['--max-semi-space-size=1', '--no-maglev', '--no-concurrent-recompilation'] as const;
/** A node flag's name, its value and its `no-` left out (`--max-semi-space-size`, `--maglev`): a user's flag of that name wins either way. */
const flagName = (flag: string) => flag.replace(/=.*$/, '').replace(/^--no-/, '--');
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
 * Starts this Node again with MALLOC_TUNABLES and NODE_FLAGS when it should (Linux, glibc, `process.execve`, not opted out, not
 * already done); returns only when it did not. In the re-executed process, puts the user's GLIBC_TUNABLES back.
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
  if (process.platform !== 'linux' || typeof process.execve !== 'function' || env.HOIST_MALLOC === 'default' || !onGlibc()) return;
  const was = env.GLIBC_TUNABLES ?? '';
  // The user's own settings after Hoist's: where both set one, theirs holds.
  const tunables = was ? `${MALLOC_TUNABLES}:${was}` : MALLOC_TUNABLES;
  try {
    // The user's own node flags after Hoist's (V8 takes a flag's last value); one NODE_OPTIONS sets is left to it.
    const options = (env.NODE_OPTIONS ?? '').replace(/_/g, '-');
    const given = new Set(options.split(/\s+/).filter(Boolean).map(flagName));
    const flags = NODE_FLAGS.filter((f) => !given.has(flagName(f)));
    const argv = [process.execPath, ...flags, ...process.execArgv, ...process.argv.slice(1)];
    process.execve(process.execPath, argv, { ...env, GLIBC_TUNABLES: tunables, [WAS]: was });
  } catch {
    // Refused (Node's permission model without --allow-child-process) or failed: the run goes on with glibc's defaults.
  }
}
