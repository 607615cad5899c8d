// What Hoist costs before it does anything: the bytes of dist/ (in all, and what each entry imports
// statically; the pipelines, the HTTP stack, Octokit and yaml are chunks loaded when a run
// needs them), and the cold start of each entry — the Action with no inputs (it loads the build
// pipeline and stops at the inputs), the command line's --help — side by side with bare
// `node -e 0` on the same Node. Targets: at most 1.0 MB, at most 100 ms over bare node.
//   bash bench/run.sh bundle     (BENCH_RUNS, default 30; BENCH_DIST, another build of dist/ to measure;
//                                 BENCH_BEFORE, a second build whose index.js is timed in the same rounds)
// The rows are timed in rounds — each round runs every row once — so a neighbour's load on a shared
// machine falls on all of them alike, and the figures over bare node stay comparable in one run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import { dirname, join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const dist = process.env.BENCH_DIST ?? join(root, 'dist'); // BENCH_DIST: another build of dist/, to compare
const runs = Number(process.env.BENCH_RUNS ?? 30);

/** A module and every chunk it imports statically (not `import()`), each once. */
function loadedAtStart(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(/(?:^|[;}\s])(?:import|export)\s*(?:[\w*{}\s,$]+from\s*)?["'](\.[^"']+)["']/g))
    loadedAtStart(resolve(dirname(file), m[1]!), seen);
  return seen;
}

const kb = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
const size = (files: Iterable<string>) => [...files].reduce((n, f) => n + statSync(f).size, 0);
const allJs = [...readdirSync(dist), ...readdirSync(join(dist, 'chunks')).map((f) => `chunks/${f}`)].filter((f) => f.endsWith('.js')).map((f) => join(dist, f));

/** Median and 90th percentile of `runs` wall times of each command, in ms, the commands taking turns. */
function timeRounds(rows: ReadonlyArray<readonly [string[], NodeJS.ProcessEnv]>): Array<{ median: number; p90: number }> {
  const times = rows.map((): number[] => []);
  for (let i = 0; i < runs; i++)
    rows.forEach(([args, env], r) => {
      const t = process.hrtime.bigint();
      spawnSync(process.execPath, args, { env, stdio: 'ignore' });
      times[r]!.push(Number(process.hrtime.bigint() - t) / 1e6);
    });
  return times.map((t) => {
    t.sort((a, b) => a - b);
    return { median: t[Math.floor(runs / 2)]!, p90: t[Math.floor(runs * 0.9)]! };
  });
}

console.log(`dist/: ${allJs.length} JavaScript files, ${kb(size(allJs))} in all`);
for (const entry of ['index.js', 'cli.js']) {
  // dist/<entry> is the Node version guard (scripts/guard.mjs), which imports dist/chunks/<entry>.
  const start = new Set([join(dist, entry), ...loadedAtStart(join(dist, 'chunks', entry))]);
  const lazy = allJs.filter((f) => !start.has(f) && !/(^|\/)(chunks\/)?(index|cli)\.js$/.test(f));
  console.log(
    `  ${entry.padEnd(9)} imports ${kb(size(start))} statically (${start.size} files); ${lazy.length} more chunks (${kb(size(lazy))}) load when a run needs them`,
  );
}

/** What a run loads from dist/, recorded by a load hook (what it imports on demand too): files and bytes. */
function loadedBy(args: string[], env: NodeJS.ProcessEnv): { files: number; bytes: number } {
  const log = join(mkdtempSync(join(tmpdir(), 'hoist-bench-loads-')), 'loads.log');
  const hook = `import{appendFileSync as a}from'node:fs';import{registerHooks as r}from'node:module';r({load(u,c,n){if(u.startsWith(${JSON.stringify(pathToFileURL(dist).href)}))a(${JSON.stringify(log)},u.slice(7)+'\\n');return n(u,c)}})`;
  spawnSync(process.execPath, [`--import=data:text/javascript,${encodeURIComponent(hook)}`, ...args], { env, stdio: 'ignore' });
  const files = new Set(readFileSync(log, 'utf8').split('\n').filter(Boolean));
  return { files: files.size, bytes: size(files) };
}

const bare = { PATH: process.env.PATH, HOME: process.env.HOME };
// The Action with no inputs (it loads everything it needs at start, then reports the missing input),
// and the command line answering --help.
const before = process.env.BENCH_BEFORE;
const rows: Array<[string, string[], NodeJS.ProcessEnv]> = [
  ['node -e 0 (bare node)', ['-e', '0'], bare],
  ['node dist/index.js (no inputs)', [join(dist, 'index.js')], { ...bare, GITHUB_ACTIONS: 'true' }],
  ...(before ? [['  the same, BENCH_BEFORE', [join(before, 'index.js')], { ...bare, GITHUB_ACTIONS: 'true' }] as [string, string[], NodeJS.ProcessEnv]] : []),
  ['node dist/cli.js --help', [join(dist, 'cli.js'), '--help'], bare],
];
const actionLoads = loadedBy([join(dist, 'index.js')], { ...bare, GITHUB_ACTIONS: 'true' });
console.log(`  node dist/index.js with no inputs loads ${kb(actionLoads.bytes)} (${actionLoads.files} files) before it reports the missing input`);
console.log(
  `\ncold start on Node ${process.version}, ${runs} rounds of every row (median / p90), load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}:`,
);
const timed = timeRounds(rows.map(([, args, env]) => [args, env] as const));
rows.forEach(([name], r) => {
  const t = timed[r]!;
  const over = r === 0 ? '' : `   +${(t.median - timed[0]!.median).toFixed(0)} ms over bare node`;
  console.log(`  ${name.padEnd(34)} ${t.median.toFixed(0).padStart(4)} ms / ${t.p90.toFixed(0).padStart(4)} ms${over}`);
});
console.log(
  `  load average after: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
