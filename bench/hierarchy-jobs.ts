/**
 * A 12-image family (3 levels: 2 bases, 4 runtimes, 6 apps; tiny images) built two ways on the
 * lab: one step (`hoist build --hierarchy`), and as CI jobs (`--plan`, then each level's entries as
 * separate `--entry` processes, at most 4 at a time, the next level once the last is done). Each
 * way builds into repositories of its own from files of its own, so neither finds the other's
 * images or build cache. Then every job runs again with nothing to build: the fixed cost a job pays
 * (process start, inputs, its ancestors found in the registry, its own look-up). Not a test: it
 * prints wall times, the ratio, and the per-job overhead. On this machine the jobs share 2 cores.
 *
 *   bash bench/run.sh hierarchy-jobs        (BENCH_JOBS_PARALLEL, default 4)
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const LAB_DIR = process.env.HOIST_LAB_DIR ?? '/var/tmp/hoist-lab';
const ROOT = resolve(import.meta.dirname, '../..');
const PARALLEL = Number(process.env.BENCH_JOBS_PARALLEL ?? 4);

interface Lab {
  docker: { host: string };
  registries: { plain: { host: string } };
}
const lab = JSON.parse(readFileSync(join(LAB_DIR, 'lab.json'), 'utf8')) as Lab;
const registry = lab.registries.plain.host;
const env = { PATH: '/usr/bin:/bin:/usr/sbin:/sbin', HOME: process.env.HOME ?? '/root', DOCKER_HOST: lab.docker.host };

/** `hoist ARGS` in `cwd`: wall seconds, and stdout (--json) when it succeeded. */
function hoist(cwd: string, args: string[]): Promise<{ seconds: number; stdout: string }> {
  const start = performance.now();
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(ROOT, 'dist/cli.js'), ...args, '--insecure-registries', registry], {
      cwd,
      env: { ...env, TMPDIR: cwd },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) =>
      code === 0
        ? done({ seconds: (performance.now() - start) / 1000, stdout })
        : fail(new Error(`hoist ${args.join(' ')} exited ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`)),
    );
  });
}

/** The family's files in a directory of its own: its repositories and file contents carry `id`. */
async function family(id: string): Promise<string> {
  const ws = await mkdtemp(join(tmpdir(), `hoist-bench-family-${id}-`));
  const group = `${registry}/bench/family-${id}`;
  const tree: Array<[string, string?]> = [['base-a'], ['base-b']];
  for (const [i, base] of ['base-a', 'base-a', 'base-b', 'base-b'].entries()) tree.push([`runtime-${i}`, base]);
  for (let i = 0; i < 6; i++) tree.push([`app-${i}`, `runtime-${i % 4}`]);
  let yml = 'images:\n';
  for (const [name, from] of tree) {
    await mkdir(join(ws, name));
    await writeFile(join(ws, name, 'Dockerfile'), `FROM ${from ? `${group}/${from}:1` : `${registry}/lab/busybox:1.36`}\nCOPY file.txt /${name}.txt\n`);
    await writeFile(join(ws, name, 'file.txt'), `${name} ${id}\n`);
    yml += `  - { name: ${name}, context: ${name}, version: 1.0.0, images: [${group}/${name}]${from ? `, from: ${from}` : ''} }\n`;
  }
  await writeFile(join(ws, 'family.yml'), yml);
  return ws;
}

/** Runs `names` as jobs, at most `limit` at a time; each job's wall time. */
async function pool(ws: string, names: readonly string[], limit: number): Promise<number[]> {
  const times: number[] = [];
  const queue = [...names];
  const worker = async () => {
    for (let name = queue.shift(); name; name = queue.shift()) times.push((await hoist(ws, ['build', '--hierarchy', 'family.yml', '--entry', name])).seconds);
  };
  await Promise.all(Array.from({ length: Math.min(limit, names.length) }, worker));
  return times;
}

/** The plan's levels from `--json` (typed outputs: an array; a string of JSON from an older bundle). */
const levelsOf = (stdout: string): string[][] => {
  const v = (JSON.parse(stdout) as { outputs: { levels: string | string[][] } }).outputs.levels;
  return typeof v === 'string' ? (JSON.parse(v) as string[][]) : v;
};

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const s = (x: number) => `${x.toFixed(2)} s`;

async function main(): Promise<void> {
  const id = Date.now().toString(36);
  const stepWs = await family(`${id}-step`);
  const jobsWs = await family(`${id}-jobs`);

  const step = await hoist(stepWs, ['build', '--hierarchy', 'family.yml']);

  const start = performance.now();
  const planned = await hoist(jobsWs, ['build', '--hierarchy', 'family.yml', '--plan', '--json']);
  const levels = levelsOf(planned.stdout);
  const jobTimes: number[] = [];
  const levelTimes: number[] = [];
  for (const level of levels) {
    const t = performance.now();
    jobTimes.push(...(await pool(jobsWs, level, PARALLEL)));
    levelTimes.push((performance.now() - t) / 1000);
  }
  const jobsWall = (performance.now() - start) / 1000;

  // Nothing to build: every job once more, one at a time, and the one step once more.
  const idle = await pool(jobsWs, levels.flat(), 1);
  const stepIdle = await hoist(stepWs, ['build', '--hierarchy', 'family.yml']);
  const replan = await hoist(jobsWs, ['build', '--hierarchy', 'family.yml', '--plan', '--json']);
  const left = levelsOf(replan.stdout);

  const n = levels.flat().length;
  console.log(`hierarchy as jobs: ${n} images in ${levels.length} levels (${levels.map((l) => l.length).join(' + ')}), tiny images, lab registry ${registry}`);
  console.log(`  one step (hoist build --hierarchy)                  ${s(step.seconds)}`);
  console.log(
    `  jobs, at most ${PARALLEL} at a time (plan + levels)          ${s(jobsWall)}   (plan ${s(planned.seconds)}; levels ${levelTimes.map(s).join(', ')})`,
  );
  console.log(`  ratio jobs / one step                               ${(jobsWall / step.seconds).toFixed(2)}`);
  console.log(`  job wall times while building: mean ${s(sum(jobTimes) / n)}, sum ${s(sum(jobTimes))} (the one step: ${s(step.seconds / n)} per image)`);
  console.log(`  extra work per job (sum of jobs − one step) / ${n}      ${s((sum(jobTimes) - step.seconds) / n)}`);
  console.log(`  a job with nothing to build (fixed overhead): mean ${s(sum(idle) / n)}, min ${s(Math.min(...idle))}, max ${s(Math.max(...idle))}`);
  console.log(`  the one step with nothing to build                  ${s(stepIdle.seconds)} (${s(stepIdle.seconds / n)} per image)`);
  console.log(`  a second plan: ${s(replan.seconds)}, ${left.flat().length} to build`);
}

await main();
