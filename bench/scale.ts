/**
 * How Hoist's cost grows with the number of images and of registries, on the lab. Not a test: it
 * prints figures, and says whether each grows linearly.
 *
 * - Images: a hierarchy of N tiny images (a tenth bases on the lab's busybox, three tenths runtimes,
 *   the rest apps; each a COPY of a file of its own) built and pushed in one step
 *   (`hoist build --hierarchy`), for N = 5, 10, 20. Each N builds from files and into repositories
 *   of its own, so nothing is found already built.
 * - Registries: one image, built once into an OCI layout, pushed with `hoist push` to R registries
 *   with 4 tags each (1.0.0, 1.0, 1, latest), for R = 1, 10, 25, 50. Each registry is a host of its
 *   own: a counting proxy on its own loopback port in front of the lab's plain registry (so Hoist
 *   keeps a client, a connection pool and a token per host, as it would for 50 registries), and a
 *   repository of its own there (so each registry's blobs are checked, mounted or uploaded).
 *
 * For each axis: wall time, Hoist's CPU, and the marginal cost of each added image or registry
 * between consecutive counts, in wall time and in CPU (steadier on a shared machine). "linear" when the marginal cost of the last step is within 1.5× of
 * the first's (and it does not fall below a third of it, which would say the fixed cost was
 * mis-measured); otherwise "grows faster than linearly" or "sublinear", with the figures.
 *
 *   bash bench/run.sh scale      (BENCH_SCALE_IMAGES, default 5,10,20; BENCH_SCALE_REGISTRIES, default 1,10,25,50;
 *                                 BENCH_DIST, another build of dist/ to measure)
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FaultProxy } from '../test/support/fault-proxy.js';
import { timed, type Measured } from './measure.js';

const LAB_DIR = process.env.HOIST_LAB_DIR ?? '/var/tmp/hoist-lab';
const BENCH_DIR = process.env.HOIST_BENCH_DIR ?? '/var/tmp/hoist-bench';
const ROOT = resolve(import.meta.dirname, '../..');
const counts = (name: string, fallback: string) =>
  (process.env[name] ?? fallback)
    .split(',')
    .map(Number)
    .filter((n) => n > 0);

interface Lab {
  docker: { host: string };
  registries: { plain: { host: string } };
}
const lab = JSON.parse(readFileSync(join(LAB_DIR, 'lab.json'), 'utf8')) as Lab;
const registry = lab.registries.plain.host;
const env = { PATH: '/usr/bin:/bin:/usr/sbin:/sbin', HOME: process.env.HOME ?? '/root', DOCKER_HOST: lab.docker.host };
const id = Date.now().toString(36);

/** `hoist ARGS` in `cwd` under GNU time; fails the benchmark when Hoist fails. */
async function hoist(cwd: string, args: string[]): Promise<Measured> {
  const m = await timed(process.execPath, [join(process.env.BENCH_DIST ?? join(ROOT, 'dist'), 'cli.js'), ...args], { ...env, TMPDIR: cwd }, 1200, cwd);
  if (!m.ok) throw new Error(`hoist ${args.slice(0, 2).join(' ')} failed: ${m.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return m;
}

/** A family of `n` tiny images in a directory of its own (its files and repositories carry `tag`). */
async function family(n: number, tag: string): Promise<string> {
  const ws = await mkdtemp(join(BENCH_DIR, `scale-family-${n}-`));
  const group = `${registry}/bench/scale-${tag}`;
  const bases = Math.max(1, Math.round(n / 10));
  const runtimes = Math.max(1, Math.round((n * 3) / 10));
  let yml = 'images:\n';
  for (let i = 0; i < n; i++) {
    const [name, from] =
      i < bases ? [`base-${i}`, undefined] : i < bases + runtimes ? [`runtime-${i}`, `base-${i % bases}`] : [`app-${i}`, `runtime-${bases + (i % runtimes)}`];
    await mkdir(join(ws, name));
    await writeFile(join(ws, name, 'Dockerfile'), `FROM ${from ? `${group}/${from}:1` : `${registry}/lab/busybox:1.36`}\nCOPY file.txt /${name}.txt\n`);
    await writeFile(join(ws, name, 'file.txt'), `${name} ${tag}\n`);
    yml += `  - { name: ${name}, context: ${name}, version: 1.0.0, images: [${group}/${name}]${from ? `, from: ${from}` : ''} }\n`;
  }
  await writeFile(join(ws, 'family.yml'), yml);
  return ws;
}

/** The marginal cost per added unit between consecutive counts, and whether it stays level. */
function linearity(points: Array<{ n: number; seconds: number }>, unit: string): string {
  if (points.length < 3) return `(${points.length} counts: too few to tell how it grows)`;
  const steps = points.slice(1).map((p, i) => (p.seconds - points[i]!.seconds) / (p.n - points[i]!.n));
  const first = steps[0]!;
  const last = steps[steps.length - 1]!;
  const each = steps.map((s, i) => `${points[i]!.n}→${points[i + 1]!.n}: ${s.toFixed(3)} s`).join(', ');
  const verdict =
    first <= 0
      ? 'cannot tell (the first step cost nothing: the machine is too noisy)'
      : last > first * 1.5
        ? 'grows faster than linearly'
        : last < first / 3
          ? 'sublinear'
          : 'linear';
  return `each added ${unit}: ${each} — ${verdict} (last step ${(last / first).toFixed(2)}× the first)`;
}

async function images(): Promise<string[]> {
  const out: string[] = [];
  const points: Array<{ n: number; seconds: number; cpu: number }> = [];
  out.push('Images: a hierarchy of N tiny images built and pushed in one step (wall, Hoist CPU, peak RSS, per image)');
  for (const n of counts('BENCH_SCALE_IMAGES', '5,10,20')) {
    const ws = await family(n, `${id}-${n}`);
    const m = await hoist(ws, ['build', '--hierarchy', 'family.yml', '--insecure-registries', registry, '--json']);
    points.push({ n, seconds: m.seconds, cpu: m.cpuSeconds });
    out.push(
      `  ${`${n} images`.padEnd(16)} ${m.seconds.toFixed(2).padStart(7)} s  ${m.cpuSeconds.toFixed(2).padStart(6)} s CPU  ${m.rssMiB.toFixed(0).padStart(4)} MiB  ${(m.seconds / n).toFixed(3)} s per image`,
    );
    console.log(out[out.length - 1]);
  }
  out.push(`  wall: ${linearity(points, 'image')}`);
  out.push(
    `  CPU:  ${linearity(
      points.map((p) => ({ n: p.n, seconds: p.cpu })),
      'image',
    )}`,
  );
  return out;
}

async function registries(): Promise<string[]> {
  const out: string[] = [];
  const rs = counts('BENCH_SCALE_REGISTRIES', '1,10,25,50');
  const ws = await mkdtemp(join(BENCH_DIR, 'scale-registries-'));
  await writeFile(join(ws, 'Dockerfile'), `FROM ${registry}/lab/busybox:1.36\nCOPY file.txt /app.txt\n`);
  await writeFile(join(ws, 'file.txt'), `app ${id}\n`);
  const layout = join(ws, 'layout');
  await hoist(ws, [
    'build',
    '--images',
    `${registry}/bench/scale-${id}/layout`,
    '--version',
    '1.0.0',
    '--push=false',
    '--outputs',
    `type=oci,dest=${layout}`,
    '--insecure-registries',
    registry,
  ]);
  // One proxy per registry host, each on its own port in front of the lab's plain registry.
  const proxies = await Promise.all(Array.from({ length: Math.max(...rs) }, () => FaultProxy.start(registry, {})));
  const points: Array<{ n: number; seconds: number; cpu: number }> = [];
  out.push('Registries: one image pushed to R registries, 4 tags each (wall, Hoist CPU, peak RSS, requests, per registry)');
  try {
    for (const r of rs) {
      const hosts = proxies.slice(0, r).map((p) => p.host);
      const before = proxies.reduce((n, p) => n + p.requests, 0);
      const m = await hoist(ws, [
        'push',
        layout,
        '--images',
        hosts.map((h) => `${h}/bench/scale-${id}-r${r}/app`).join(','),
        '--version',
        '1.0.0',
        '--auto-tags',
        'version',
        '--insecure-registries',
        hosts.join(','),
        '--json',
      ]);
      const requests = proxies.reduce((n, p) => n + p.requests, 0) - before;
      points.push({ n: r, seconds: m.seconds, cpu: m.cpuSeconds });
      out.push(
        `  ${`${r} registr${r === 1 ? 'y' : 'ies'}`.padEnd(16)} ${m.seconds.toFixed(2).padStart(7)} s  ${m.cpuSeconds.toFixed(2).padStart(6)} s CPU  ${m.rssMiB.toFixed(0).padStart(4)} MiB  ${String(requests).padStart(5)} requests (${(requests / r).toFixed(1)} per registry)  ${(m.seconds / r).toFixed(3)} s per registry`,
      );
      console.log(out[out.length - 1]);
    }
  } finally {
    await Promise.all(proxies.map((p) => p.close()));
  }
  out.push(`  wall: ${linearity(points, 'registry')}`);
  out.push(
    `  CPU:  ${linearity(
      points.map((p) => ({ n: p.n, seconds: p.cpu })),
      'registry',
    )}`,
  );
  return out;
}

async function main(): Promise<void> {
  await mkdir(BENCH_DIR, { recursive: true });
  const lines = [...(await images()), '', ...(await registries())];
  console.log(`\n${lines.join('\n')}`);
  await writeFile(join(BENCH_DIR, 'scale-results.txt'), `${lines.join('\n')}\n`);
}

await main();
