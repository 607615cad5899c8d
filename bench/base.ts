/**
 * An image on a large base, pushed to a registry that already holds the base: Hoist (the Docker
 * daemon's BuildKit, `docker save` converted, base layers named by the base's own blobs) next to
 * `docker push` of the same kind of image. Both go through one counting proxy in front of the lab's
 * plain registry, so the bytes each sends are measured the same way. Not a test: it prints figures:
 * the ratio to docker build + docker push (goal ≤ 3×), where Hoist's run went (from the times its
 * log lines arrived: start, docker build, docker save → OCI layout, audit, push), and the daemon's
 * own `docker save` of the same kind of image to /dev/null, the part of the save no client can avoid — split at its
 * first byte (the daemon writes every layer to a temporary directory before it sends one: moby's tarexport) — and
 * the bound it sets (the save alone over docker build + docker push: what any design reading docker save pays at
 * least). Then the daemon's own push of the same image to a loopback registry that holds the base (push-sink.ts):
 * what taking the image from the daemon's push instead of its save would cost, next to the save.
 *
 *   bash bench/run.sh base        (BENCH_BASE_MIB, default 200; BENCH_APP_MIB, default 5;
 *                                  BENCH_DIST, another build of dist/ to measure; BENCH_CPU_PROF, a
 *                                  directory for a CPU profile of Hoist's run; BENCH_NODE_ARGS, node's
 *                                  own flags for Hoist's run, split at spaces)
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { spawn } from 'node:child_process';
import { FaultProxy } from '../test/support/fault-proxy.js';
import { row, timed, type Measured } from './measure.js';
import { startSink } from './push-sink.js';

const MiB = 1024 * 1024;
const LAB_DIR = process.env.HOIST_LAB_DIR ?? '/var/tmp/hoist-lab';
const BENCH_DIR = process.env.HOIST_BENCH_DIR ?? '/var/tmp/hoist-bench';
const ROOT = resolve(import.meta.dirname, '../..');

interface Lab {
  docker: { host: string; cli: string };
  registries: { plain: { host: string } };
}

/** Runs a process without blocking this one (the counting proxy lives here). */
async function must(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const m = await timed(file, args, env, 600);
  if (!m.ok) throw new Error(`${file} ${args.join(' ')} failed: ${(m.stderr || m.stdout).trim().split('\n').slice(-3).join(' | ')}`);
}

/**
 * Where Hoist's run went, from the times its log lines arrived: start (process, inputs, builder
 * probe, registry clients), the daemon's build, docker save → OCI layout (the time the log line
 * names), the audit, the push (its group to the end of the process).
 */
function phases(m: Measured): Array<[string, number]> {
  const at = (re: RegExp) => m.stderrLines.find((l) => re.test(l.line))?.ms ?? NaN;
  const build = at(/^==> Build/);
  const built = at(/^OCI layout: /);
  const saveLine = /^docker (save|push) → OCI layout: [\d.]+ MiB (?:sent by the daemon )?in ([\d.]+) s/m.exec(m.stderr);
  const save = Number(saveLine?.[2] ?? NaN) * 1000;
  const how = saveLine?.[1] === 'push' ? "docker push to Hoist's loopback registry → OCI layout" : 'docker save → OCI layout';
  // The run tag's removal: what of it is left once the conversion has said its time (0 when it ended first).
  const removedAfter = Math.max(0, at(/^removed its run's own tag /) - at(/^docker (save|push) → OCI layout: [\d.]+ MiB (sent by the daemon )?in /) || 0);
  const audit = at(/^==> Audit/);
  const audited = at(/^audit: .* checked for /);
  const pushing = at(/^==> Push/);
  // A bundle whose log line does not say the save's own time: the build and the save together.
  const buildAndSave: Array<[string, number]> = Number.isNaN(save)
    ? [['of which docker build + save → OCI layout', (built - build) / 1000]]
    : [
        ['of which docker build', (built - build - save - removedAfter) / 1000],
        // A bundle that audits layers as docker save streams them (audit/streamed.ts) spends the audit here.
        [`of which ${how}${/audited as (it|they) streamed/.test(m.stderr) ? ', audited as it streams' : ''}`, save / 1000],
        ["of which the run tag's removal after the conversion", removedAfter / 1000],
      ];
  return [
    ['of which the start (inputs, builder, clients)', build / 1000],
    ...buildAndSave,
    ['of which the audit (stage)', (audited - audit) / 1000],
    ['of which the push (group to exit)', (m.seconds * 1000 - pushing) / 1000],
  ];
}

/** `docker save` to nowhere, timed at its first byte and at its end (the daemon's temporary directory, then the stream). */
async function saveSplit(docker: string, ref: string, env: NodeJS.ProcessEnv): Promise<{ seconds: number; firstByte: number; bytes: number; ok: boolean }> {
  const start = performance.now();
  const child = spawn(docker, ['save', ref], { env, stdio: ['ignore', 'pipe', 'ignore'] });
  let firstByte = NaN;
  let bytes = 0;
  child.stdout.on('data', (c: Buffer) => {
    if (!bytes) firstByte = (performance.now() - start) / 1000;
    bytes += c.length;
  });
  const code = await new Promise<number | null>((r) => child.on('close', r));
  return { seconds: (performance.now() - start) / 1000, firstByte, bytes, ok: code === 0 };
}

/** The base's layer digests as its registry names them (what a registry holding the base has). */
async function baseLayers(registry: string, repository: string, tag: string): Promise<string[]> {
  const accept = 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json';
  const r = await fetch(`http://${registry}/v2/${repository}/manifests/${tag}`, { headers: { Accept: accept } });
  if (!r.ok) throw new Error(`the base's manifest: HTTP ${r.status} from ${registry}`);
  return ((await r.json()) as { layers: Array<{ digest: string }> }).layers.map((l) => l.digest);
}

/** The daemon's save of the image split at its first byte, and its own push of it to a loopback registry holding the base. */
async function saveAndSink(docker: string, dockerRef: string, env: NodeJS.ProcessEnv, base: string[], floor: number, out: (s: string) => void) {
  const saved = await saveSplit(docker, dockerRef, env);
  const split = saved.ok ? `${(saved.bytes / MiB).toFixed(1)} MiB; its first byte after ${saved.firstByte.toFixed(2)} s` : 'FAILED';
  out(`  ${'docker save of the docker-built image, to /dev/null (for the split)'.padEnd(58)} ${saved.seconds.toFixed(2).padStart(7)} s  ${split}`);
  out(`  docker save alone / (docker build + docker push): ${(saved.seconds / floor).toFixed(2)}× (the least any design reading docker save pays)`);
  const sink = await startSink(base);
  try {
    const sunk = `${sink.host}/bench/app:1`;
    await must(docker, ['tag', dockerRef, sunk], env);
    const pushed = await timed(docker, ['push', '--quiet', sunk], env);
    const got = sink.received();
    const what = `${(got.bytes / MiB).toFixed(1)} MiB in ${got.uploads} blobs received, ${got.present} of the base's found there${got.badDigests ? `, ${got.badDigests} digests wrong` : ''}`;
    // The daemon's push instead of its save: the base's layers asked for and found, only the image's own sent.
    out(row('docker push of it to a loopback registry holding the base', pushed, what));
    await timed(docker, ['rmi', sunk], env);
  } finally {
    await sink.close();
  }
}

interface RunContext {
  env: NodeJS.ProcessEnv;
  proxy: FaultProxy;
  id: string;
  out: (s: string) => void;
  app: (name: string) => Promise<string>;
}

/** One Hoist run (build, audit, push of the app image), its row and where its time went; `extra`: its own environment. */
async function hoistRun(label: string, extra: Record<string, string>, floor: number, c: RunContext): Promise<void> {
  const { env, proxy, id, out } = c;
  const name = `hoist-${label.replace(/[^a-z]+/g, '-')}`;
  const hoistCtx = await c.app(name);
  await must('git', ['-C', hoistCtx, 'init', '-q'], env);
  const before = proxy.bodyBytes;
  const cli = join(process.env.BENCH_DIST ?? join(ROOT, 'dist'), 'cli.js'); // BENCH_DIST: another build of dist/, side by side
  const h = await timed(
    process.execPath,
    [
      // BENCH_CPU_PROF=DIR: Hoist's run writes a V8 CPU profile there (bench/profile.ts sums it by function and file).
      ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
      ...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
      cli,
      'build',
      '--context',
      hoistCtx,
      '--file',
      join(hoistCtx, 'Dockerfile'),
      '--images',
      `${proxy.host}/bench/app-${name}-${id}`,
      '--tags',
      '1',
      '--builder',
      'docker',
      '--insecure-registries',
      proxy.host,
      '--json',
      // BENCH_HOIST_ARGS: more of Hoist's flags, split at spaces (e.g. `--audit off`: what the save costs without the audit).
      ...(process.env.BENCH_HOIST_ARGS?.split(' ').filter(Boolean) ?? []),
    ],
    { ...env, TMPDIR: BENCH_DIR, ...extra },
    300,
    hoistCtx, // the workspace: Hoist refuses a context outside it
  );
  const hoistSent = proxy.bodyBytes - before;
  // BENCH_LOG=FILE: Hoist's log lines, each with the ms it arrived at (where the time went, line by line); one file per run.
  if (process.env.BENCH_LOG)
    await writeFile(`${process.env.BENCH_LOG}.${name}`, h.stderrLines.map((l) => `${String(l.ms).padStart(6)} ${l.line}`).join('\n') + '\n');
  let pushMs = NaN;
  try {
    const { outputs } = JSON.parse(h.stdout) as { outputs: { metadata?: string | object } };
    // --json types its outputs (metadata an object); an older bundle gave a string of JSON.
    const metadata = (typeof outputs.metadata === 'string' ? JSON.parse(outputs.metadata) : (outputs.metadata ?? {})) as {
      images?: Array<{ transfer?: { durationMs: number } }>;
    };
    pushMs = metadata.images?.[0]?.transfer?.durationMs ?? NaN;
  } catch {
    /* the figure stays unknown, and says so */
  }
  const cached = /\((\d+) of them by the cache of audited layers/.exec(h.stderr)?.[1];
  out(
    row(
      `hoist build (${label})`,
      h,
      `${(hoistSent / MiB).toFixed(1)} MiB sent, ${h.cpuSeconds.toFixed(2)} s CPU${cached ? `, ${cached} layers by the cache` : ''}`,
    ),
  );
  for (const [what, seconds] of phases(h)) out(`  ${`  ${what}`.padEnd(58)} ${Number.isNaN(seconds) ? '   (unknown)' : `${seconds.toFixed(2).padStart(7)} s`}`);
  out(`  ${'  of which the push (its transfer)'.padEnd(58)} ${Number.isNaN(pushMs) ? '   (unknown)' : `${(pushMs / 1000).toFixed(2).padStart(7)} s`}`);
  out(`  hoist (${label}) / (docker build + docker push): ${(h.seconds / floor).toFixed(2)}× (goal ≤ 3×)`);
  if (!h.ok) out(`  hoist failed: ${h.stderr.trim().split('\n').slice(-3).join(' | ')}`);
}

async function main(): Promise<void> {
  const baseMiB = Number(process.env.BENCH_BASE_MIB ?? 200);
  const appMiB = Number(process.env.BENCH_APP_MIB ?? 5);
  const l = JSON.parse(readFileSync(join(LAB_DIR, 'lab.json'), 'utf8')) as Lab;
  const env = { PATH: '/usr/bin:/bin:/usr/sbin:/sbin', HOME: process.env.HOME ?? '/root', DOCKER_HOST: l.docker.host, DOCKER_BUILDKIT: '1' };
  const docker = l.docker.cli;
  // Every push goes through this proxy: the registry is the lab's, the bytes are counted here.
  const proxy = await FaultProxy.start(l.registries.plain.host, {});
  const id = Date.now().toString(36);
  const base = `${proxy.host}/bench/base-${id}:1`;
  await mkdir(BENCH_DIR, { recursive: true });

  console.log(`Preparing a ${baseMiB} MiB base, pushed with docker push to ${base}…`);
  const baseCtx = await mkdtemp(join(BENCH_DIR, 'base-'));
  await writeFile(join(baseCtx, 'Dockerfile'), `FROM ${l.registries.plain.host}/lab/busybox:1.36\nRUN head -c ${baseMiB * MiB} /dev/urandom > /base.bin\n`);
  await must(docker, ['build', '-q', '-t', base, baseCtx], env);
  await must(docker, ['push', '--quiet', base], env); // the daemon now knows where the base's layers are

  const app = async (name: string) => {
    const ctx = await mkdtemp(join(BENCH_DIR, `${name}-`));
    await writeFile(join(ctx, 'Dockerfile'), `FROM ${base}\nRUN head -c ${appMiB * MiB} /dev/urandom > /app-${name}.bin\n`);
    return ctx;
  };
  const lines: string[] = [];
  const out = (s: string) => {
    lines.push(s);
    console.log(s);
  };
  const sent = (before: number) => `${((proxy.bodyBytes - before) / MiB).toFixed(1)} MiB sent`;
  const ctx = { env, proxy, id, out };

  const load = () =>
    loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
  out(`\nAn image on a ${baseMiB} MiB base plus a ${appMiB} MiB layer, pushed to a registry that holds the base (wall time, peak RSS, bytes sent)`);
  out(`  load average ${load()} (on a shared machine every row is slower by it; compare the ratio)`);
  // docker: build, then push (the base's layers are mounted: the daemon knows their digests from its own push).
  const dockerCtx = await app('docker');
  const dockerRef = `${proxy.host}/bench/app-docker-${id}:1`;
  const build = await timed(docker, ['build', '-q', '-t', dockerRef, dockerCtx], env);
  out(row('docker build', build));
  const before = proxy.bodyBytes;
  const push = await timed(docker, ['push', '--quiet', dockerRef], env);
  out(row('docker push', push, sent(before)));

  // Hoist: build with the daemon's BuildKit, the image out by docker save or by the daemon's push to Hoist (HOIST_DOCKER_TRANSFER),
  // audited and pushed, in one run; each transfer with the cache of audited layers cold (a directory of its own, empty), then warm.
  // BENCH_TRANSFERS: which (default "save push"); BENCH_AUDIT_CACHE=off: no cache (one run each).
  const floor = build.seconds + push.seconds;
  const transfers = (process.env.BENCH_TRANSFERS ?? process.env.HOIST_DOCKER_TRANSFER ?? 'save push').split(' ').filter(Boolean);
  const cacheOff = process.env.BENCH_AUDIT_CACHE === 'off';
  for (const transfer of transfers) {
    const cache = await mkdtemp(join(BENCH_DIR, `audit-cache-${transfer}-`));
    for (const state of cacheOff ? ['off'] : ['cold', 'warm']) {
      out(`  load average ${load()}`);
      await hoistRun(`${transfer}, cache ${state}`, { HOIST_DOCKER_TRANSFER: transfer, HOIST_AUDIT_CACHE: state === 'off' ? 'off' : cache }, floor, {
        ...ctx,
        app,
      });
    }
  }
  out(`  the application layer is ${appMiB} MiB; without the base's own blobs Hoist would send ${baseMiB + appMiB} MiB`);
  // What the save path costs the daemon alone: the same kind of image saved to nowhere; and its push to a registry on loopback.
  await saveAndSink(docker, dockerRef, env, await baseLayers(l.registries.plain.host, `bench/base-${id}`, '1'), floor, out);
  out(`  load average after: ${load()}`);
  await timed(docker, ['rmi', dockerRef, base], env);
  await proxy.close();
  await writeFile(join(BENCH_DIR, 'base-results.txt'), `${lines.join('\n')}\n`);
}

await main();
