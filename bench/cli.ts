/**
 * CLI benchmark (issue 34): cold start of `hoist VERB --help` for every verb next to bare
 * `node -e 0`, and `hoist tags list` of a 300-tag repository next to `skopeo list-tags` on the same
 * lab registry. Each figure is the median wall time of BENCH_CLI_RUNS (default 9) fresh processes of
 * the shipped dist/cli.js on Node 24; the goal for tags list is ≤ 3 × skopeo + 150 ms. Not a test:
 * it prints figures.
 *
 *   bash bench/run.sh cli        (BENCH_DIST: another build of dist/ to measure, e.g. the last commit's)
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRepository } from '../src/core/reference.js';
import { RegistryClient } from '../src/registry/client.js';

const ROOT = join(import.meta.dirname, '..', '..'); // bench/.build/cli.mjs → the checkout
const RUNS = Number(process.env.BENCH_CLI_RUNS ?? 9);
const NODE = process.execPath;
const lab = JSON.parse(readFileSync('/var/tmp/hoist-lab/lab.json', 'utf8')) as { registries: { plain: { host: string } } };
const host = lab.registries.plain.host;

/** Wall milliseconds of one process (spawn to exit), failing loudly on a non-zero exit. */
function once(file: string, args: string[]): Promise<number> {
  return new Promise((done, fail) => {
    const start = process.hrtime.bigint();
    const child = spawn(file, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) =>
      code === 0 ? done(Number(process.hrtime.bigint() - start) / 1e6) : fail(new Error(`${file} ${args.join(' ')}: exit ${code}: ${stderr}`)),
    );
  });
}

async function median(file: string, args: string[]): Promise<number> {
  await once(file, args); // warm the page cache: a cold start of the process, not of the disk
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) times.push(await once(file, args));
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

const ms = (n: number) => `${n.toFixed(0).padStart(5)} ms`;
const cli = join(process.env.BENCH_DIST ?? join(ROOT, 'dist'), 'cli.js'); // BENCH_DIST: another build of dist/, side by side

const bare = await median(NODE, ['-e', '0']);
console.log(`Cold start, median of ${RUNS} (Node ${process.version}):`);
console.log(`  node -e 0                          ${ms(bare)}`);
for (const verb of ['build', 'promote', 'merge', 'stale', 'tags', 'audit']) {
  const t = await median(NODE, [cli, verb, '--help']);
  console.log(`  hoist ${`${verb} --help`.padEnd(28)} ${ms(t)}   ${(t / bare).toFixed(2)}× bare node, +${(t - bare).toFixed(0)} ms`);
}

// 300 tags of one small image, written straight to the registry.
const repo = `${host}/bench/cli-tags-${Date.now().toString(36)}`;
const path = parseRepository(repo).path;
const c = new RegistryClient({ host, insecure: true, retries: 0, userAgent: 'bench' });
const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }));
const { createHash } = await import('node:crypto');
const digest = `sha256:${createHash('sha256').update(config).digest('hex')}`;
await c.uploadBlob(path, { digest, size: config.length }, async function* (start, end) {
  yield config.subarray(start, end);
});
const manifest = Buffer.from(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest, size: config.length },
    layers: [],
  }),
);
for (let i = 0; i < 300; i += 20)
  await Promise.all(
    Array.from({ length: 20 }, (_, k) => c.putManifest(path, `t${String(i + k).padStart(3, '0')}`, manifest, 'application/vnd.oci.image.manifest.v1+json')),
  );
await c.close();

const hoistList = await median(NODE, [cli, 'tags', 'list', repo, '--insecure-registries', host]);
const skopeo = await median('skopeo', ['list-tags', '--tls-verify=false', `docker://${repo}`]);
const goal = 3 * skopeo + 150;
console.log(`\ntags list of 300 tags on ${host}, median of ${RUNS}:`);
console.log(`  skopeo list-tags                   ${ms(skopeo)}`);
console.log(
  `  hoist tags list                    ${ms(hoistList)}   ${(hoistList / skopeo).toFixed(2)}× skopeo; goal ≤ 3× skopeo + 150 ms = ${goal.toFixed(0)} ms: ${hoistList <= goal ? 'met' : 'NOT met'}`,
);
