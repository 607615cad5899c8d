/**
 * V8's heap sized for a run that streams (issues 28 and 36: peak RSS ≤ 100 MiB whatever the
 * image's size). Called as a run is about to stream data — `auditLayout` begins, a layout's blobs
 * become a push's source. Not as the process starts: V8 keys the code cache of Node's own modules
 * to its flags, so a built-in module loaded after a change compiles from source (+16 ms measured
 * on `node dist/index.js` with the flags set at start, against a cold-start goal of +100 ms); by
 * then most are loaded. Not later either: the growth factor freezes the young generation at the
 * size it has, and by the first layer or blob read it had grown to 8–16 MiB. The Action cannot
 * pass node flags and a re-exec would cost its cold start, so they are set at run time, which
 * works for these two because V8 reads them when it decides, not at start (heap.test.ts). Where the
 * run starts Node again for glibc's malloc (`core/malloc.ts`: `hoist audit`, `build`, `push`, the
 * Action's build and push steps), that start also caps the young generation at 1 MiB a semi-space
 * (`--max-semi-space-size=1`, its NODE_FLAGS), so what ran before the stream cannot have grown it;
 * these stay for a run not started again (musl, `--permission`, HOIST_MALLOC=default):
 *
 * - `--semi-space-growth-factor=1`: the young generation keeps the size it has. By default it
 *   doubles on a long run that allocates (inflated chunks, the scan's short-lived objects) up to
 *   32 MiB a semi-space, 64 MiB resident: most of what the audit of 1 GiB peaked at above the
 *   process's start. Live data stays 7–21 MiB.
 * - `--optimize-for-size`: the old generation is collected and compacted sooner, so buffers that
 *   outlived two scavenges (inflated chunks, file reads) are freed sooner; their memory is
 *   malloc's, which keeps the high-water mark of what was once live. Its cost: the audit of an
 *   image full of jars and .gz files takes ~18% more CPU (15.9 → 18.9 s for 1 GiB, bench/audit.ts;
 *   plain layers and the push no measurable change). Without it that audit peaks at 127–144 MiB.
 *   Measured again in December 2026 (the archives' 1 GiB, alternated, 3 runs each, load 11–15): with
 *   it 23.0, 23.1, 25.7 s CPU and 114–120 MiB peak RSS; without, 21.2, 21.1, 24.1 s and 144–150 MiB
 *   — 7–9% CPU for 30 MiB of peak: kept.
 */
import { setFlagsFromString } from 'node:v8';

export const HEAP_FLAGS = ['--semi-space-growth-factor=1', '--optimize-for-size'] as const;

let kept = false;

export function keepHeapSmall(): void {
  if (kept) return;
  kept = true;
  for (const flag of HEAP_FLAGS) setFlagsFromString(flag);
}
