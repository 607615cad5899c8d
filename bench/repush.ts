/**
 * `BENCH_PUSH=repush bash bench/run.sh push`: the re-push row of bench/push.ts alone (issue 36's
 * goal, ≤ 0.3 s for 3 registries × 4 tags), each figure the median of BENCH_REPUSH_RUNS processes,
 * with the machine's load average: the engine's own process (push-child, as the full bench) and
 * `hoist push` of dist/cli.js (the login check, the audit off), then skopeo ×12 once.
 */
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { row, timed, type Measured } from './measure.js';
import type { ChildResult, ChildSpec } from './push-child.js';

const MiB = 1024 * 1024;

interface LabRegistry {
  host: string;
  ca?: string;
  username?: string;
  passwordFile?: string;
}

/** What bench/push.ts lends: the lab, its measured push process, skopeo, the layout maker. */
export interface Bench {
  lab: () => { registries: Record<'plain' | 'tls' | 'token', LabRegistry> };
  hoist: (spec: ChildSpec) => Promise<Measured & { result?: ChildResult }>;
  skopeo: (layout: string, ref: string, kind: 'plain' | 'tls' | 'token') => Promise<Measured>;
  makeLayout: (dir: string, layers: number, layerBytes: number) => Promise<void>;
  benchDir: string;
}

/** The machine's 1-minute load average, printed with every figure: the cores are shared. */
const loadAverage = () => `load ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]}`;

/** Median of a list of runs' wall seconds (the runs' spread printed beside it). */
const medianOf = (runs: Measured[]) => {
  const mid = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const s = runs.map((m) => m.seconds).sort((a, b) => a - b);
  return {
    ...runs[0]!,
    seconds: mid(runs.map((m) => m.seconds)),
    ok: runs.every((m) => m.ok),
    // CPU seconds (user + system) say more than wall time on a machine whose cores are shared.
    spread: `${s[0]!.toFixed(2)}–${s.at(-1)!.toFixed(2)} s, CPU ${mid(runs.map((m) => m.cpuSeconds)).toFixed(2)} s`,
  };
};

/**
 * `BENCH_PUSH=repush`: the re-push row alone (issue 36's goal ≤ 0.3 s), each figure the median of
 * BENCH_REPUSH_RUNS processes — the push engine's own process (`push-child`, the full bench's row)
 * and `hoist push` of the shipped dist/cli.js (the login check, the audit off) —, then skopeo ×12
 * once. An 8-layer image of 1 MiB layers: a re-push sends no blob bytes, so size does not matter.
 */
export async function repushOnly(b: Bench): Promise<void> {
  const runs = Number(process.env.BENCH_REPUSH_RUNS ?? 7);
  const l = b.lab();
  await mkdir(b.benchDir, { recursive: true });
  const layout = join(b.benchDir, 'layout-8-8');
  await b.makeLayout(layout, 8, MiB);
  const id = Date.now().toString(36);
  const { plain, tls, token } = l.registries;
  const fourTags = ['1.2.3', '1.2', '1', 'latest'];
  const targets = [plain, tls, token].map((r) => ({ ref: `${r.host}/bench/r3-${id}`, tags: fourTags }));
  const first = await b.hoist({ layout, targets });
  if (!first.ok) throw new Error(`the first push failed: ${first.stderr || first.result?.errors.join('; ')}`);
  console.log(`\nRe-push of the unchanged image to 3 registries (plain, TLS + htpasswd, token) × 4 tags, median of ${runs}; ${loadAverage()}`);
  const child: Array<Awaited<ReturnType<Bench['hoist']>>> = [];
  for (let i = 0; i < runs; i++) child.push(await b.hoist({ layout, targets }));
  const inside = child.map((m) => m.result?.pushSeconds ?? NaN).sort((x, y) => x - y)[Math.floor(runs / 2)]!;
  const c = medianOf(child);
  console.log(row('hoist  re-push (push engine process, as the full bench)', c, `${c.spread}; ${inside.toFixed(2)} s in the push; ${loadAverage()}`));
  const cli = resolve(process.env.BENCH_DIST ?? 'dist', 'cli.js'); // BENCH_DIST absolute or relative to the checkout
  const auth = [tls, token].map((r) => `${r.host}=${r.username}:${readFileSync(r.passwordFile!, 'utf8').trim()}`).join('\n');
  const env = { ...process.env, HOIST_REGISTRY_AUTH: auth };
  const args = [cli, 'push', layout, ...targets.flatMap((t) => ['--images', t.ref]), '--version', '1.2.3', '--audit', 'off'];
  args.push('--insecure-registries', `${plain.host},${token.host}`, '--registry-ca', `${tls.host}=${tls.ca}`);
  const cliRuns: Measured[] = [];
  for (let i = 0; i < runs; i++) cliRuns.push(await timed(process.execPath, args, env, 60, b.benchDir));
  const h = medianOf(cliRuns);
  console.log(row('hoist push LAYOUT (dist/cli.js: login check + push)', h, `${h.spread}; ${loadAverage()}`));
  if (!h.ok) console.log(cliRuns.find((m) => !m.ok)?.stderr.slice(-2000));
  const started = Date.now();
  const chains = await Promise.all(
    (['plain', 'tls', 'token'] as const).map(async (kind) => {
      const results: Measured[] = [];
      for (const tag of fourTags) results.push(await b.skopeo(layout, `${l.registries[kind].host}/bench/r3-${id}:${tag}`, kind));
      return results;
    }),
  );
  const s = { ...chains[0]![0]!, seconds: (Date.now() - started) / 1000, ok: chains.flat().every((m) => m.ok) };
  console.log(row('skopeo copy ×12 (4 tags in turn, 3 registries at once)', s, `hoist push ${(h.seconds / s.seconds).toFixed(2)}× its time; ${loadAverage()}`));
}
