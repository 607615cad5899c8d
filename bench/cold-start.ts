// Issue 36's cold-start row, split into its parts: `node dist/index.js` with no inputs (the Action's main step of a
// build: Node started again with glibc's malloc set, core/malloc.ts, then the build pipeline loaded up to the inputs),
// next to bare `node -e 0`; the same without the second start (HOIST_MALLOC=default); the same with Node's own compile
// cache warm (NODE_COMPILE_CACHE: what caching the chunks' compiled code would save — session 60 measured 0–30 ms of
// CPU at load 10–15, within the noise, and left it off); the post step, which every job that ran Hoist runs; the
// command line's --help. Wall time (hrtime) and CPU (GNU time's user + system: the figure a neighbour's load moves
// least) of each row; the same with glibc's tunables and the semi-space flag already in the environment (a job that sets
// them once: core/malloc.ts alreadyTuned, no second start) — the rows taking turns so a load falls on all alike, with the load average. Target: ≤ 100 ms
// over bare node.
//   bash bench/run.sh cold-start     (BENCH_RUNS, default 20; BENCH_DIST, another build of dist/ to measure)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MALLOC_TUNABLES } from '../src/core/malloc.js';

const root = resolve(import.meta.dirname, '../..');
const dist = resolve(process.env.BENCH_DIST ?? join(root, 'dist'));
const runs = Number(process.env.BENCH_RUNS ?? 20);
const scratch = mkdtempSync(join(tmpdir(), 'hoist-bench-cold-'));
const timeFile = join(scratch, 'time');

type Row = { name: string; args: string[]; env: () => NodeJS.ProcessEnv };
const base = { PATH: process.env.PATH, HOME: scratch, GITHUB_ACTIONS: 'true' };
const index = join(dist, 'index.js');
const rows: Row[] = [
  { name: 'node -e 0 (bare node)', args: ['-e', '0'], env: () => base },
  { name: 'dist/index.js (no inputs)', args: [index], env: () => base },
  { name: '  the same, no second start (HOIST_MALLOC=default)', args: [index], env: () => ({ ...base, HOIST_MALLOC: 'default' }) },
  {
    // What a job that sets both once for its steps pays (core/malloc.ts alreadyTuned): no second start, the same malloc.
    name: '  the same, tunables already given (environment)',
    args: [index],
    env: () => ({ ...base, GLIBC_TUNABLES: MALLOC_TUNABLES, NODE_OPTIONS: '--max-semi-space-size=1' }),
  },
  { name: "  the same, Node's compile cache warm", args: [index], env: () => ({ ...base, NODE_COMPILE_CACHE: join(scratch, 'compile-cache') }) },
  { name: 'the post step (dist/index.js)', args: [index], env: () => ({ ...base, STATE_hoist_main_ran: 'true' }) },
  { name: 'dist/cli.js --help', args: [join(dist, 'cli.js'), '--help'], env: () => base },
];

/** One run under GNU time: wall ms (hrtime) and CPU ms (user + system). */
function once(row: Row): { wall: number; cpu: number } {
  const t = process.hrtime.bigint();
  spawnSync('/usr/bin/time', ['-o', timeFile, '-f', '%U %S', process.execPath, ...row.args], { env: row.env(), stdio: 'ignore' });
  const wall = Number(process.hrtime.bigint() - t) / 1e6;
  const [user, sys] = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
  return { wall, cpu: (user! + sys!) * 1000 };
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
once(rows.find((r) => r.name.includes('compile cache'))!); // fills the compile cache
console.log(`cold start of ${dist} on Node ${process.version}, ${runs} rounds of every row; load average ${load()}`);
const times = rows.map(() => ({ wall: [] as number[], cpu: [] as number[] }));
for (let i = 0; i < runs; i++)
  rows.forEach((row, r) => {
    const m = once(row);
    times[r]!.wall.push(m.wall);
    times[r]!.cpu.push(m.cpu);
  });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
// GNU time counts CPU in 10 ms steps: the mean of the runs says more than their median.
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const bare = { wall: median(times[0]!.wall), cpu: mean(times[0]!.cpu) };
console.log(`  ${''.padEnd(52)} wall median   CPU mean   over bare node (wall / CPU)`);
rows.forEach((row, r) => {
  const wall = median(times[r]!.wall);
  const cpu = mean(times[r]!.cpu);
  const over = r === 0 ? '' : `+${(wall - bare.wall).toFixed(0)} ms / +${(cpu - bare.cpu).toFixed(0)} ms`;
  console.log(`  ${row.name.padEnd(52)} ${wall.toFixed(0).padStart(6)} ms  ${cpu.toFixed(0).padStart(6)} ms   ${over}`);
});
console.log(`  load average after: ${load()}`);
rmSync(scratch, { recursive: true, force: true });
