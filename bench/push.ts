/**
 * Push benchmarks against the lab registries, printed side by side with the peers (skopeo copy,
 * docker push) on the same data in the same run. Not a test: it prints figures.
 *
 *   bash bench/run.sh            (sets up the lab, bundles this file, runs it under Node 24)
 *
 * Each measured push runs as its own process under /usr/bin/time, so wall time and peak RSS are
 * measured the same way for Hoist and for the peers.
 */
import { createHash, randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { execFileSync, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import tar from 'tar-stream';
import { blobPath, initLayout, readLayoutImage, writeBlobBytes, writeIndex, Digester, MediaType } from '../src/oci/layout.js';
import { row, timed, type Measured } from './measure.js';
import { flakyRows } from './push-flaky.js';
import type { ChildResult, ChildSpec } from './push-child.js';
import { repushOnly } from './repush.js';

const MiB = 1024 * 1024;
const LAB_DIR = process.env.HOIST_LAB_DIR ?? '/var/tmp/hoist-lab';
const BENCH_DIR = process.env.HOIST_BENCH_DIR ?? '/var/tmp/hoist-bench';

interface LabRegistry {
  host: string;
  ca?: string;
  certDir?: string;
  username?: string;
  passwordFile?: string;
}
interface Lab {
  docker: { host: string; cli: string };
  registries: Record<'plain' | 'tls' | 'token', LabRegistry>;
}
const lab = (): Lab => JSON.parse(readFileSync(join(LAB_DIR, 'lab.json'), 'utf8')) as Lab;

/**
 * Each measured push runs `push-child.ts`, bundled beside this file: a bundle of its own, so that the
 * process measured loads what a push needs and not this bench's modules.
 */
const CHILD = join(fileURLToPath(new URL('.', import.meta.url)), 'push-child.mjs');
function bundleChild(): void {
  const banner = "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);";
  const args = ['bench/push-child.ts', '--bundle', '--platform=node', '--format=esm', '--target=node24', '--log-level=warning', `--banner:js=${banner}`];
  const r = spawnSync('node_modules/.bin/esbuild', [...args, `--outfile=${CHILD}`], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('could not bundle bench/push-child.ts');
}

// ---- fixtures: OCI layouts of incompressible gzip'd tar layers ----
// Fresh random data on every run: skopeo's blob-info cache and dockerd's distribution metadata
// remember where blobs were pushed before and mount them from there, which would measure nothing.
// BENCH_KEEP_LAYOUTS=1 keeps a layout from an earlier run (the rows that push to fresh repositories
// of the lab's registries only: skopeo's cache is removed before each copy, dockerd's is not).
async function makeLayout(dir: string, layers: number, layerBytes: number): Promise<void> {
  if (process.env.BENCH_KEEP_LAYOUTS === '1' && existsSync(join(dir, 'index.json'))) return;
  await rm(dir, { recursive: true, force: true });
  await initLayout(dir);
  const descriptors = [];
  const diffIds = [];
  for (let i = 0; i < layers; i++) {
    const pack = tar.pack();
    const diff = createHash('sha256');
    const tarStream = new PassThrough();
    pack.pipe(tarStream);
    const entry = pack.entry({ name: `data/layer-${i}.bin`, size: layerBytes, mtime: new Date(0) });
    const feeding = (async () => {
      for (let left = layerBytes; left > 0; left -= MiB) {
        if (!entry.write(randomBytes(Math.min(MiB, left)))) await new Promise<void>((r) => entry.once('drain', () => r()));
      }
      entry.end(() => undefined);
      pack.finalize();
    })();
    const digester = new Digester();
    const tmp = join(dir, 'blobs', `.layer-${i}`);
    tarStream.on('data', (c: Buffer) => diff.update(c));
    await Promise.all([feeding, pipeline(tarStream, createGzip({ level: 1 }), digester, createWriteStream(tmp))]);
    const digest = digester.digest();
    execFileSync('mv', [tmp, blobPath(dir, digest)]);
    descriptors.push({ mediaType: MediaType.ociLayerGzip, digest, size: digester.size });
    diffIds.push(`sha256:${diff.digest('hex')}`);
  }
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { Cmd: ['/bin/sh'] },
      rootfs: { type: 'layers', diff_ids: diffIds },
      history: diffIds.map(() => ({ created_by: 'bench layer' })),
    }),
  );
  const c = await writeBlobBytes(dir, config);
  const manifest = Buffer.from(
    JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociManifest, config: { mediaType: MediaType.ociConfig, ...c }, layers: descriptors }),
  );
  const m = await writeBlobBytes(dir, manifest);
  await writeIndex(dir, [{ mediaType: MediaType.ociManifest, ...m }]);
}

// ---- measuring ----
/** CPU seconds (user + system) the lab's registry processes have used so far. */
function registriesCpuSeconds(): number {
  const pids = spawnSync('pgrep', ['-f', 'docker-registry serve'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  const ticks = pids.reduce((n, pid) => {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
        .replace(/^.*\) /, '')
        .split(' ');
      return n + Number(fields[11]) + Number(fields[12]);
    } catch {
      return n; // exited meanwhile
    }
  }, 0);
  return ticks / Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim() || 100);
}

async function hoist(spec: ChildSpec): Promise<Measured & { result?: ChildResult; registryCpuSeconds: number; iowait: number }> {
  const before = registriesCpuSeconds();
  const io = iowaitSeconds();
  const m = await timed(process.execPath, [CHILD, JSON.stringify(spec)]);
  const registryCpuSeconds = registriesCpuSeconds() - before;
  const iowait = iowaitSeconds() - io;
  const line = m.stdout.trim().split('\n').pop();
  const result = line?.startsWith('{') ? (JSON.parse(line) as ChildResult) : undefined;
  return { ...m, ok: m.ok && !!result && result.errors.length === 0, result, registryCpuSeconds, iowait };
}

/**
 * skopeo copy from the layout, with the lab's TLS and login settings (authfile, never argv). Its
 * blob-info cache is removed first: it remembers where blobs were pushed before and mounts them
 * from there, which would make later runs on the same data measure nothing.
 */
async function skopeo(layout: string, ref: string, kind: 'plain' | 'tls' | 'token' | 'proxy', extra: string[] = [], timeoutSeconds = 300): Promise<Measured> {
  for (const cache of [
    '/var/lib/containers/cache/blob-info-cache-v1.boltdb',
    join(process.env.HOME ?? '/root', '.local/share/containers/cache/blob-info-cache-v1.boltdb'),
  ])
    await rm(cache, { force: true });
  const args = ['copy', '--quiet', ...extra];
  const r = kind === 'proxy' ? undefined : lab().registries[kind];
  if (r?.certDir) args.push('--dest-cert-dir', r.certDir);
  else args.push('--dest-tls-verify=false');
  const authfile = join(BENCH_DIR, `auth-${kind}-${Math.random().toString(36).slice(2)}.json`);
  if (r?.username && r.passwordFile) {
    await writeFile(
      authfile,
      JSON.stringify({ auths: { [r.host]: { auth: Buffer.from(`${r.username}:${readFileSync(r.passwordFile, 'utf8').trim()}`).toString('base64') } } }),
      { mode: 0o600 },
    );
    args.push('--dest-authfile', authfile);
  }
  try {
    return await timed('skopeo', [...args, `oci:${layout}`, `docker://${ref}`], process.env, timeoutSeconds);
  } finally {
    await rm(authfile, { force: true });
  }
}

/**
 * Where the time went: on a small machine the registries receiving the data (hashing and writing
 * it) and the pusher share the same cores, so their CPU seconds over the core count bound the wall
 * time from below, whatever the pusher does.
 */
const cpu = (m: { cpuSeconds: number; registryCpuSeconds: number }) => {
  const cores = availableParallelism();
  return `CPU: hoist ${m.cpuSeconds.toFixed(2)} s + registries ${m.registryCpuSeconds.toFixed(2)} s = at least ${((m.cpuSeconds + m.registryCpuSeconds) / cores).toFixed(2)} s of wall time on ${cores} cores`;
};

/** The machine's 1-minute load average, printed with every figure: the cores are shared. */
const loadAverage = () => `load ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]}`;

/** Seconds the machine's CPUs spent waiting on disk so far (/proc/stat's iowait, all CPUs). */
function iowaitSeconds(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  return Number(fields[5]) / Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim() || 100);
}

/**
 * The registry's own floor for these bytes, measured: curl uploads each blob of the layout (POST,
 * then one PUT streaming the file), 4 at a time as Hoist does, hashing and checking nothing.
 * Distribution fsyncs every blob as it commits it (and a dozen small files per blob), so the
 * registry waits on the disk as well as on its CPU: a floor from CPU seconds alone is too low.
 */
async function curlFloor(layout: string, host: string, repository: string): Promise<Measured & { registryCpuSeconds: number; iowait: number }> {
  const image = await readLayoutImage(layout);
  const blobs = [image.manifest.config, ...image.manifest.layers].map((b) => `${blobPath(layout, b.digest)} ${b.digest}`);
  const script = [
    'set -euo pipefail',
    'up() {',
    `  loc=$(curl -sf -D - -o /dev/null -X POST "http://${host}/v2/${repository}/blobs/uploads/" | tr -d '\r' | awk 'tolower($1)=="location:"{print $2}')`,
    `  case "$loc" in http*) ;; *) loc="http://${host}$loc" ;; esac`,
    `  case "$loc" in *\\?*) sep='&' ;; *) sep='?' ;; esac`,
    '  curl -sf -T "$1" -H "content-type: application/octet-stream" -o /dev/null "$loc${sep}digest=$2"',
    '}',
    'export -f up',
    `printf '%s\n' ${blobs.map((b) => `'${b}'`).join(' ')} | xargs -P 4 -L 1 bash -c 'up "$0" "$1"'`,
  ].join('\n');
  const before = registriesCpuSeconds();
  const io = iowaitSeconds();
  const m = await timed('bash', ['-c', script]);
  return { ...m, registryCpuSeconds: registriesCpuSeconds() - before, iowait: iowaitSeconds() - io };
}

/** Wall time over the CPU floor: hoist's and the registries' CPU seconds spread over every core. */
const cpuFloorRatio = (m: { seconds: number; cpuSeconds: number; registryCpuSeconds: number }) =>
  (m.seconds / ((m.cpuSeconds + m.registryCpuSeconds) / availableParallelism())).toFixed(2);

/**
 * `BENCH_PUSH=one`: issue 36's 1-registry rows alone — the push against the CPU floor and curl's,
 * and peak RSS at two sizes — each hoist push `BENCH_RUNS` times (default 3), every run printed.
 */
async function oneRegistry(o: {
  big: string;
  small: string;
  many: string;
  hosts: string[];
  id: string;
  imageBytes: number;
  sizeMiB: number;
  out: (s: string) => void;
}) {
  const host = o.hosts[0]!;
  const runs = Number(process.env.BENCH_RUNS ?? 3);
  o.out(`\nPush of ${(o.imageBytes / MiB).toFixed(0)} MiB in 8 layers → 1 registry (plain), ${runs} runs`);
  // Hoist and curl in turn, so both meet the same load; the median of each.
  const hs: number[] = [];
  const cs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const h = await hoist({ layout: o.big, targets: [{ ref: `${host}/bench/h1-${o.id}-${i}`, tags: ['1'] }] });
    o.out(row(`hoist  run ${i + 1}`, h, `${cpuFloorRatio(h)}× the CPU floor; ${cpu(h)}; iowait ${h.iowait.toFixed(2)} s; ${inPush(h)}; ${loadAverage()}`));
    const c = await curlFloor(o.big, host, `bench/c1-${o.id}-${i}`);
    o.out(row(`curl -T each blob, 4 at a time, run ${i + 1}`, c, `${cpuFloorRatio(c)}× the CPU floor; ${cpu(c)}; ${loadAverage()}`));
    if (h.ok) hs.push(h.seconds);
    if (c.ok) cs.push(c.seconds);
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
  o.out(`  hoist's median wall time: ${(median(hs) / median(cs)).toFixed(2)}× curl's (the same bytes, no hashing, no checks)`);
  o.out('\nPeak RSS whatever the image size');
  const small = await hoist({ layout: o.small, targets: [{ ref: `${host}/bench/small-${o.id}`, tags: ['1'] }] });
  o.out(row('hoist  → 1 registry, 32 MiB image', small, loadAverage()));
  for (const [layout, layers] of [
    [o.big, 8],
    [o.many, 64],
  ] as const) {
    const shape = `${layers} × ${o.sizeMiB / layers} MiB`;
    const h = await hoist({ layout, targets: o.hosts.map((r) => ({ ref: `${r}/bench/m3-${o.id}-${layers}`, tags: ['1'] })) });
    o.out(row(`hoist  → 3 registries, ${shape} layers`, h, loadAverage()));
  }
}

/** The part of a push process's wall time spent pushing (the rest is Node starting and reading the layout). */
const inPush = (m: { result?: ChildResult }) => `${m.result?.pushSeconds.toFixed(2) ?? '?'} s of it in the push`;

async function main(): Promise<void> {
  const sizeMiB = Number(process.env.BENCH_SIZE_MIB ?? 512);
  const l = lab();
  await mkdir(BENCH_DIR, { recursive: true });
  const big = join(BENCH_DIR, `layout-${sizeMiB}-8`);
  const many = join(BENCH_DIR, `layout-${sizeMiB}-64`);
  const small = join(BENCH_DIR, 'layout-32-4');
  // BENCH_PUSH=flaky: the flaky-link rows alone; BENCH_PUSH=one: the 1-registry push against its floors and peak RSS.
  const only = process.env.BENCH_PUSH;
  console.log(`Preparing layouts under ${BENCH_DIR} (random data, gzip level 1: incompressible)…`);
  await makeLayout(big, 8, (sizeMiB / 8) * MiB);
  await makeLayout(many, 64, (sizeMiB / 64) * MiB);
  await makeLayout(small, 4, 8 * MiB);
  const bigImage = await readLayoutImage(big);
  const imageBytes = [bigImage.manifest.config, ...bigImage.manifest.layers].reduce((n, b) => n + b.size, 0);
  const id = Date.now().toString(36);
  const { plain, tls, token } = l.registries;
  const lines: string[] = [];
  const out = (s: string) => {
    lines.push(s);
    console.log(s);
  };

  if (only === 'flaky') return await flakyRows({ plainHost: plain.host, hoist, skopeo, many, big, sizeMiB, id, out, loadAverage });
  if (only === 'one') return await oneRegistry({ big, small, many, hosts: [plain.host, tls.host, token.host], id, imageBytes, sizeMiB, out });
  out(`\nPush of ${(imageBytes / MiB).toFixed(0)} MiB in 8 layers (fresh repositories; wall time and peak RSS of the pushing process)`);
  const h1 = await hoist({ layout: big, targets: [{ ref: `${plain.host}/bench/h1-${id}`, tags: ['1'] }] });
  out(row('hoist  → 1 registry (plain)', h1, `${((h1.result?.bytesSent ?? 0) / MiB).toFixed(0)} MiB sent; ${cpu(h1)}; ${loadAverage()}`));
  const s1 = await skopeo(big, `${plain.host}/bench/s1-${id}:1`, 'plain');
  out(row('skopeo copy oci: → 1 registry (plain)', s1));
  const c1 = await curlFloor(big, plain.host, `bench/c1-${id}`);
  out(
    row(
      'curl -T each blob, 4 at a time → 1 registry (plain)',
      c1,
      `no hashing, no checks: the registry's own floor; ${cpu({ cpuSeconds: c1.cpuSeconds, registryCpuSeconds: c1.registryCpuSeconds })}; iowait ${c1.iowait.toFixed(2)} s; ${loadAverage()}`,
    ),
  );
  out(
    `  hoist's time: ${(h1.seconds / s1.seconds).toFixed(2)}× skopeo's, ${(h1.seconds / c1.seconds).toFixed(2)}× curl's (the registry-bound floor), ${cpuFloorRatio(h1)}× the CPU floor; iowait during hoist's push ${h1.iowait.toFixed(2)} s`,
  );
  const env = { ...process.env, DOCKER_HOST: l.docker.host };
  const dockerRef = `${plain.host}/bench/d1-${id}:1`;
  // docker push needs the image in the daemon: skopeo writes a docker-archive, docker loads it.
  const archive = join(BENCH_DIR, `docker-${id}.tar`);
  const loaded = spawnSync('skopeo', ['copy', '--quiet', `oci:${big}`, `docker-archive:${archive}:${dockerRef}`], { encoding: 'utf8' });
  const load = loaded.status === 0 ? spawnSync(l.docker.cli, ['load', '-q', '-i', archive], { env, encoding: 'utf8' }) : loaded;
  await rm(archive, { force: true });
  if (load.status === 0) {
    const d1 = await timed(l.docker.cli, ['push', '--quiet', dockerRef], env);
    out(row('docker push (image in the daemon) → 1 registry', d1, '(docker gzips the layers again itself)'));
    spawnSync(l.docker.cli, ['rmi', dockerRef], { env });
  } else {
    out(`  docker push: could not load the image into the daemon: ${load.stderr.trim().split('\n').pop()}`);
  }
  const tlsRef = `${tls.host}/bench/s1-${id}:1`;
  const s1tls = await skopeo(big, tlsRef, 'tls');
  const h1tls = await hoist({ layout: big, targets: [{ ref: `${tls.host}/bench/h1-${id}`, tags: ['1'] }] });
  out(row('hoist  → 1 registry (TLS + htpasswd)', h1tls));
  out(row('skopeo copy oci: → 1 registry (TLS + htpasswd)', s1tls));

  const three = [plain, tls, token].map((r) => ({ ref: `${r.host}/bench/h3-${id}`, tags: ['1.2.3'] }));
  const h3 = await hoist({ layout: big, targets: three });
  out(
    row(
      'hoist  → 3 registries (plain, TLS, token)',
      h3,
      `${((h3.result?.bytesSent ?? 0) / MiB).toFixed(0)} MiB sent; ${(h3.seconds / h1.seconds).toFixed(2)}× its 1-registry time; ${cpu(h3)}`,
    ),
  );
  const started = Date.now();
  const s3 = await Promise.all([
    skopeo(big, `${plain.host}/bench/s3-${id}:1`, 'plain'),
    skopeo(big, `${tls.host}/bench/s3-${id}:1`, 'tls'),
    skopeo(big, `${token.host}/bench/s3-${id}:1`, 'token'),
  ]);
  const s3wall = (Date.now() - started) / 1000;
  out(
    row(
      'skopeo copy ×3 processes in parallel → same 3',
      { ...s3[0]!, seconds: s3wall, rssMiB: s3.reduce((n, m) => n + m.rssMiB, 0), ok: s3.every((m) => m.ok) },
      '(RSS summed over the 3 processes)',
    ),
  );

  out('\nRe-push of the unchanged image to the same 3 registries × 4 tags');
  const fourTags = ['1.2.3', '1.2', '1', 'latest'];
  const retagged = await hoist({ layout: big, targets: three.map((t) => ({ ...t, tags: fourTags })) });
  out(row('hoist  image in place, 3 of the 4 tags new', retagged, `${retagged.result?.bytesSent ?? '?'} blob bytes sent; ${inPush(retagged)}`));
  const again = await hoist({ layout: big, targets: three.map((t) => ({ ...t, tags: fourTags })) });
  out(row('hoist  re-push, image and tags in place', again, `${again.result?.bytesSent ?? '?'} blob bytes sent; ${inPush(again)}`));
  // skopeo copies one tag per process: per registry the 4 tags in turn, the 3 registries at once.
  const skopeoStarted = Date.now();
  const chains = await Promise.all(
    (['plain', 'tls', 'token'] as const).map(async (kind) => {
      const results: Measured[] = [];
      for (const tag of fourTags) results.push(await skopeo(big, `${l.registries[kind].host}/bench/h3-${id}:${tag}`, kind));
      return results;
    }),
  );
  const skopeoAgain = {
    ...chains[0]![0]!,
    seconds: (Date.now() - skopeoStarted) / 1000,
    rssMiB: Math.max(...chains.flat().map((m) => m.rssMiB)),
    ok: chains.flat().every((m) => m.ok),
  };
  out(
    row(
      'skopeo copy ×12 (4 tags in turn, 3 registries at once)',
      skopeoAgain,
      `hoist takes ${(again.seconds / skopeoAgain.seconds).toFixed(2)}× its time (RSS: one process's)`,
    ),
  );

  out('\nPeak RSS whatever the image size');
  const hs = await hoist({ layout: small, targets: [{ ref: `${plain.host}/bench/small-${id}`, tags: ['1'] }] });
  out(row('hoist  → 1 registry, 32 MiB image', hs));
  out(row(`hoist  → 1 registry, ${sizeMiB} MiB image`, h1));
  out(row(`skopeo copy → 1 registry, ${sizeMiB} MiB image`, s1));
  out(row(`hoist  → 3 registries, 8 × ${sizeMiB / 8} MiB layers`, h3));
  const h3many = await hoist({ layout: many, targets: [plain, tls, token].map((r) => ({ ref: `${r.host}/bench/m3-${id}`, tags: ['1'] })) });
  out(row(`hoist  → 3 registries, 64 × ${sizeMiB / 64} MiB layers`, h3many));

  await flakyRows({ plainHost: plain.host, hoist, skopeo, many, big, sizeMiB, id, out, loadAverage });
  await writeFile(join(BENCH_DIR, `results-${id}.txt`), `${lines.join('\n')}\n`);
  console.log(`\n(figures saved to ${join(BENCH_DIR, `results-${id}.txt`)})`);
}

bundleChild();
// BENCH_PUSH=repush: the re-push row alone, each figure a median (bench/repush.ts).
await (process.env.BENCH_PUSH === 'repush' ? repushOnly({ lab, hoist, skopeo, makeLayout, benchDir: BENCH_DIR }) : main());
