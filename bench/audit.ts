/**
 * Audit benchmark: Hoist's pre-push audit of a ~1 GiB multi-layer image for 20 secret values,
 * against merely decompressing the same layers (`gzip -dc > /dev/null`) in the same run. Not a
 * test: it prints figures. Each measurement is its own process under /usr/bin/time (wall, peak RSS),
 * and the audit is the shipped bundle as a user runs it: `node dist/cli.js audit LAYOUT
 * --audit-values-file F --json` (build dist/ first). Where its memory is at the peak is sampled by
 * bench/memory-sampler.mjs in a run of its own.
 *
 *   bash bench/run.sh audit      (BENCH_AUDIT_MIB sets the size; default 1024)
 *
 * BENCH_AUDIT_RUNS sets the runs of each (default 3); BENCH_AUDIT_PARTS which parts run (default
 * `plain,archives,sizes,memory,dumps`; `large-zstd` runs those members as one `+zstd` layer; `dumps` the API and SQL dumps' row (BENCH_AUDIT_DUMP_MIB), `large` runs the large members' row alone, beside the audit of a layer of one tiny
 * file: Node, the bundle and the compiled values doing nothing, with the 20 values, 1 and 100). A layout made before for the same size is reused (its
 * layers hold no secret, so the values may change): making 1 GiB of gzip'd layers takes longer than auditing it.
 * Each row says the best wall time and its spread, the CPU time (user + system, threadpool included)
 * of the same run, and the load average as the runs began: on a shared machine, the ratio of CPU
 * times is the steadier figure.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { gzipSync, zipSync } from 'fflate';
import { createGzip } from 'node:zlib';
import tar from 'tar-stream';
import { blobPath, Digester, initLayout, MediaType, writeBlobBytes, writeIndex } from '../src/oci/layout.js';
import { dumpLayout, largeMembersLayout, largeMembersZstdLayout, tinyLayout } from './large-members.js';
import { timed, type Measured } from './measure.js';

const MiB = 1024 * 1024;
const BENCH_DIR = process.env.HOIST_BENCH_DIR ?? '/var/tmp/hoist-bench';
/**
 * Secrets as pipelines have them: random base64 tokens, GitHub-style tokens, passwords with symbols — the same ones in
 * every run (a seeded generator): the automaton and the escape scan's stops depend on the values (a password's `!@#`),
 * so values drawn anew each run made two runs' CPU differ by more than the change being measured.
 */
function seeded(seed: number): (n: number) => Buffer {
  let x = seed >>> 0 || 1;
  return (n) =>
    Buffer.from(
      Array.from({ length: n }, () => {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        return (x >>> 0) & 0xff;
      }),
    );
}
const alnum = (bytes: (n: number) => Buffer, n: number) =>
  Array.from(bytes(n), (b) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'[b % 62]).join('');
/** `count` values in the bench's mix (per 20: 10 base64 tokens, 5 ghp_ tokens, 5 passwords), the same for a count. */
const secretValues = (count: number) => {
  const bytes = seeded(0x28_2026 + count);
  return Array.from({ length: count }, (_, i) =>
    i % 20 < 10 ? bytes(24).toString('base64') : i % 20 < 15 ? `ghp_${alnum(bytes, 36)}` : `${alnum(bytes, 10)}!@#${alnum(bytes, 6)}`,
  );
};
const SECRETS = secretValues(20).map((value, i) => ({ name: `secret ${i}`, value }));

/**
 * Layers that look like real ones: many files, half text (source, configs: compresses well), half
 * binary (compresses little), gzip level 6 as builders write them.
 */
async function makeLayout(dir: string, layers: number, layerBytes: number, archives = false): Promise<string[]> {
  const made = join(dir, 'bench-layers.json');
  const recipe = { layers, layerBytes, archives, version: 1 };
  if (existsSync(made)) {
    const before = JSON.parse(readFileSync(made, 'utf8')) as typeof recipe & { paths: string[] };
    if (JSON.stringify({ ...before, paths: undefined }) === JSON.stringify({ ...recipe, paths: undefined }) && before.paths.every((f) => existsSync(f)))
      return before.paths;
  }
  await rm(dir, { recursive: true, force: true });
  await initLayout(dir);
  const words = 'const value = require("module"); function handler(event) { return event.body; } // config: enabled=true\n';
  const descriptors = [];
  const paths: string[] = [];
  for (let i = 0; i < layers; i++) {
    const pack = tar.pack();
    const feeding = (async () => {
      for (let written = 0, f = 0; written < layerBytes; f++) {
        const size = Math.min(layerBytes - written, 256 * 1024);
        const text = (n: number) => Buffer.from(words.repeat(Math.ceil(n / words.length)).slice(0, n));
        // With archives, every third file is a jar (deflated text and binary members) or a gzip-compressed file.
        const archive = archives && f % 3 === 2;
        const body = archive
          ? Buffer.from(f % 2 ? gzipSync(text(size)) : zipSync({ 'a/App.class': randomBytes(size / 2), 'a/app.properties': text(size / 2) }, { level: 6 }))
          : f % 2
            ? randomBytes(size)
            : text(size);
        const name = `app/layer-${i}/file-${f}${archive ? (f % 2 ? '.log.gz' : '.jar') : f % 2 ? '.bin' : '.js'}`;
        await new Promise<void>((resolve, reject) => pack.entry({ name, size: body.length }, body, (e) => (e ? reject(e) : resolve())));
        written += body.length;
      }
      pack.finalize();
    })();
    const digester = new Digester();
    const tmp = join(dir, `layer-${i}.tmp`);
    await Promise.all([feeding, pipeline(pack, createGzip({ level: 6 }), digester, createWriteStream(tmp))]);
    const digest = digester.digest();
    await rename(tmp, blobPath(dir, digest));
    descriptors.push({ mediaType: MediaType.ociLayerGzip, digest, size: digester.size });
    paths.push(blobPath(dir, digest));
  }
  const config = await writeBlobBytes(
    dir,
    Buffer.from(
      JSON.stringify({
        architecture: 'amd64',
        os: 'linux',
        config: { Env: ['PATH=/usr/bin'] },
        rootfs: { type: 'layers', diff_ids: [] },
        history: descriptors.map(() => ({ created_by: 'bench layer' })),
      }),
    ),
  );
  const manifest = await writeBlobBytes(
    dir,
    Buffer.from(
      JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociManifest, config: { mediaType: MediaType.ociConfig, ...config }, layers: descriptors }),
    ),
  );
  await writeIndex(dir, [{ mediaType: MediaType.ociManifest, ...manifest }]);
  await writeFile(made, JSON.stringify({ ...recipe, paths }));
  return paths;
}

// bench/run.sh runs this from the repository's root.
// BENCH_AUDIT_CLI: another bundle's cli.js (a copy of dist/ from before a change, to alternate with).
const CLI = process.env.BENCH_AUDIT_CLI ?? join(process.cwd(), 'dist', 'cli.js');
const SAMPLER = join(process.cwd(), 'bench', 'memory-sampler.mjs');
const VALUES = join(BENCH_DIR, 'audit-values.txt');
/**
 * The dumps' size (BENCH_AUDIT_DUMP_MIB): 4 MiB, under a file's 20 s bound, so the row times the cost, not the cut — at 8 MiB
 * the SQL dump was cut (session 61: 20.98 s of CPU; the API dump fully audited in 17.15 s).
 */
const DUMP_MIB = Number(process.env.BENCH_AUDIT_DUMP_MIB ?? 4);

/** The shipped audit on a layout; with `sample`, the memory sampler writes where the memory was at the peak. */
async function audit(layout: string, sample?: string, values = VALUES): Promise<Measured> {
  const m = await timed(
    process.execPath,
    [...(sample ? ['--import', SAMPLER] : []), CLI, 'audit', layout, '--audit-values-file', values, '--json'],
    sample ? { ...process.env, HOIST_MEMORY_REPORT: sample, HOIST_MEMORY_SERIES: '1' } : process.env,
  );
  if (!m.ok) throw new Error(`hoist audit of ${layout} failed: ${m.stderr.trim().split('\n').pop() ?? ''}`);
  return m;
}

interface Peak {
  peak: Record<'rss' | 'heapTotal' | 'external' | 'arrayBuffers' | 'anon' | 'file', number> & {
    spaces: Record<string, { size: number }>;
    maps?: Array<{ at: string; size: number; rss: number; name: string }>;
  };
  max: { newSpace: number; external: number };
}

const ARENA_ALIGN = 64 * MiB;
/**
 * glibc's share of the peak, from the resident anonymous mappings of 1 MiB or more the sampler listed there: the main
 * thread's heap ('[heap]', where buffers and native objects allocated on the main thread live once glibc's mmap threshold
 * has risen past their size) and the arenas of other threads (V8's workers — concurrent compilation's zones —, the
 * threadpool), each a 64 MiB-aligned heap: memory a thread once used that glibc keeps. Smaller mappings are not
 * listed, so both are lower bounds.
 */
function mallocShare(p: Peak['peak']): string {
  const maps = p.maps ?? [];
  const main = maps.filter((x) => x.name === '[heap]').reduce((a, x) => a + x.rss, 0);
  // An arena's heap is at most 64 MiB (V8's reservations, aligned too, are larger).
  const arenas = maps.filter((x) => x.name === '' && parseInt(x.at, 16) % ARENA_ALIGN === 0 && x.size <= 64);
  const sum = arenas.reduce((a, x) => a + x.rss, 0);
  return `; where the anonymous memory is: glibc's main heap ${main.toFixed(0)} MiB (the main thread's buffers among it), other threads' arenas ${sum.toFixed(0)} (${arenas.length} of 1 MiB or more)`;
}

/** One line: the RSS at the sampled peak split into V8's heap (young generation apart), buffers, the rest, and mapped files. */
async function breakdown(layout: string): Promise<string> {
  const file = join(BENCH_DIR, 'audit-memory.json');
  const m = await audit(layout, file);
  const { peak: p, max } = JSON.parse(readFileSync(file, 'utf8')) as Peak;
  const rest = p.anon - p.heapTotal - p.external;
  return `  at the peak (${m.rssMiB.toFixed(0)} MiB): mapped files (node's binary) ${p.file.toFixed(0)} MiB, V8 heap ${p.heapTotal.toFixed(0)} (young ${(p.spaces.new_space?.size ?? 0).toFixed(0)}; at most ${max.newSpace.toFixed(0)}), buffers and native objects ${p.external.toFixed(0)} (at most ${max.external.toFixed(0)}), malloc's arenas and the rest ${rest.toFixed(0)}${mallocShare(p)}`;
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

/**
 * `runs` of gzip -dc over the layers and of the audit of the layout, alternated: the best of each
 * (RSS: the highest of the runs), every run's wall and CPU time, and what the audit found.
 */
async function bestOf(runs: number, layers: readonly string[], layout: string) {
  let best: Measured | undefined;
  let gz: Measured | undefined;
  const all: Array<{ gz: Measured; audit: Measured; load: string }> = [];
  for (let r = 0; r < runs; r++) {
    const before = load();
    const g = await timed('sh', ['-c', `for f in ${layers.join(' ')}; do gzip -dc "$f"; done > /dev/null`]);
    const a = await audit(layout);
    all.push({ gz: g, audit: a, load: before });
    if (!gz || g.seconds < gz.seconds) gz = g;
    if (!best || a.seconds < best.seconds) best = { ...a, rssMiB: Math.max(a.rssMiB, best?.rssMiB ?? 0) };
    else best.rssMiB = Math.max(best.rssMiB, a.rssMiB);
  }
  const result = JSON.parse(best!.stdout) as { layers: number; bytes: number; findings: unknown[] };
  return { gz: gz!, best: best!, result, all };
}

/** The middle value (the mean of the two middle ones for an even count). */
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/**
 * Issue 28's goal beside what was measured: the wall ratio of each run to its own gzip -dc (the two ran back to back, under
 * the same load), their median, and the highest RSS of the runs. The best audit over the best gzip may pair runs minutes
 * apart; on a shared machine the per-run ratio is the fairer figure.
 */
function goalLine({ all }: Awaited<ReturnType<typeof bestOf>>, goal: number): string {
  const ratio = median(all.map((x) => x.audit.seconds / x.gz.seconds));
  const cpu = median(all.map((x) => x.audit.cpuSeconds / x.gz.cpuSeconds));
  const rss = Math.max(...all.map((x) => x.audit.rssMiB));
  const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
  return `  goal (issue 28): ≤ ${goal}× gzip -dc wall — median of the runs ${ratio.toFixed(2)}× (${met(ratio <= goal)}; CPU ${cpu.toFixed(2)}×); peak RSS ≤ 100 MiB — ${rss.toFixed(0)} MiB (${met(rss <= 100)})`;
}

/** The rows of a bestOf: gzip -dc, the audit, then each run (wall and CPU, both ratios, RSS, the load as it began). */
function rows({ gz, best, all }: Awaited<ReturnType<typeof bestOf>>, scanned: string): string {
  const cpu = (ms: Measured[]) => Math.min(...ms.map((m) => m.cpuSeconds));
  const spread = (ms: Measured[]) => `${Math.min(...ms.map((m) => m.seconds)).toFixed(2)}–${Math.max(...ms.map((m) => m.seconds)).toFixed(2)} s`;
  const gzs = all.map((x) => x.gz);
  const audits = all.map((x) => x.audit);
  return [
    `  gzip -dc of every layer > /dev/null   ${gz.seconds.toFixed(2).padStart(6)} s  ${gz.rssMiB.toFixed(0).padStart(4)} MiB RSS  CPU ${cpu(gzs).toFixed(2)} s (wall ${spread(gzs)})`,
    `  hoist audit                           ${best.seconds.toFixed(2).padStart(6)} s  ${best.rssMiB.toFixed(0).padStart(4)} MiB RSS  ${(best.seconds / gz.seconds).toFixed(2)}× decompression, CPU ${cpu(audits).toFixed(2)} s = ${(cpu(audits) / cpu(gzs)).toFixed(2)}× (wall ${spread(audits)}); ${scanned}`,
    ...all.map(
      (x, i) =>
        `    run ${i + 1}: gzip ${x.gz.seconds.toFixed(2)} s (CPU ${x.gz.cpuSeconds.toFixed(2)}), audit ${x.audit.seconds.toFixed(2)} s (CPU ${x.audit.cpuSeconds.toFixed(2)}, ${x.audit.rssMiB.toFixed(0)} MiB): ${(x.audit.seconds / x.gz.seconds).toFixed(2)}× wall, ${(x.audit.cpuSeconds / x.gz.cpuSeconds).toFixed(2)}× CPU; load ${x.load}`,
    ),
  ].join('\n');
}

/** `runs` audits of `layout`, a line each, then the issue's memory goal against their highest peak. */
async function peakRuns(layout: string, runs: number): Promise<void> {
  const peaks: number[] = [];
  for (let r = 0; r < runs; r++) {
    const before = load();
    const m = await audit(layout);
    const found = JSON.parse(m.stdout) as { bytes: number; findings: Array<{ severity: string }> };
    peaks.push(m.rssMiB);
    console.log(
      `  run ${r + 1}: ${m.seconds.toFixed(2)} s (CPU ${m.cpuSeconds.toFixed(2)} s), ${m.rssMiB.toFixed(0)} MiB RSS, ${(found.bytes / MiB).toFixed(0)} MiB scanned, ${found.findings.length} findings (${found.findings.filter((f) => f.severity === 'limit').length} limits); load ${before}`,
    );
  }
  const rss = Math.max(...peaks);
  console.log(`  goal (issue 28): peak RSS ≤ 100 MiB — ${rss.toFixed(0)} MiB (${rss <= 100 ? 'met' : 'NOT met'})`);
}

async function main(): Promise<void> {
  const sizeMiB = Number(process.env.BENCH_AUDIT_MIB ?? 1024);
  const runs = Number(process.env.BENCH_AUDIT_RUNS ?? 3);
  const parts = new Set((process.env.BENCH_AUDIT_PARTS ?? 'plain,archives,sizes,memory,dumps').split(','));
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build dist/ first (node scripts/build.mjs)`);
  await mkdir(BENCH_DIR, { recursive: true });
  await writeFile(VALUES, `${SECRETS.map((s) => s.value).join('\n')}\n`, { mode: 0o600 });
  const layout = join(BENCH_DIR, `audit-${sizeMiB}`);
  console.log(`Preparing an image of ${sizeMiB} MiB uncompressed in 8 layers (half text, half binary files; gzip -6)…`);
  const layers = await makeLayout(layout, 8, (sizeMiB / 8) * MiB);
  console.log(
    `\nAudit for ${SECRETS.length} secret values (random base64 tokens, ghp_ tokens, passwords; each in its plain, base64, base64url (also wrapped), hex and UTF-16 forms, read through every escape family) vs decompressing alone; best of ${runs}`,
  );
  let plain: Measured | undefined;
  if (parts.has('plain')) {
    const p = await bestOf(runs, layers, layout);
    plain = p.best;
    console.log(rows(p, `${p.result.layers} layers, ${(p.result.bytes / MiB).toFixed(0)} MiB scanned, ${p.result.findings.length} findings`));
    console.log(goalLine(p, 1.2));
  }
  // The same, with a third of the files jars and gzip-compressed files, which the audit opens.
  const archived = join(BENCH_DIR, `audit-archives-${sizeMiB}`);
  if (parts.has('archives') || parts.has('memory')) await makeLayout(archived, 8, (sizeMiB / 8) * MiB, true);
  if (parts.has('archives')) {
    const archiveLayers = await makeLayout(archived, 8, (sizeMiB / 8) * MiB, true);
    const a = await bestOf(runs, archiveLayers, archived);
    console.log(`\nThe same size, a third of the files jars and .gz files (opened and scanned inside too)`);
    console.log(rows(a, `${(a.result.bytes / MiB).toFixed(0)} MiB scanned (archives' contents included), ${a.result.findings.length} findings`));
    console.log(goalLine(a, 1.5));
  }

  if (parts.has('sizes')) {
    console.log('\nPeak memory of the audit by image size (uncompressed)');
    for (const mib of [64, 256]) {
      const dir = join(BENCH_DIR, `audit-${mib}`);
      await makeLayout(dir, 8, (mib / 8) * MiB);
      const m = await audit(dir);
      console.log(
        `  hoist audit, ${String(mib).padStart(4)} MiB image              ${m.seconds.toFixed(2).padStart(6)} s  ${m.rssMiB.toFixed(0).padStart(4)} MiB RSS`,
      );
    }
    if (plain)
      console.log(
        `  hoist audit, ${String(sizeMiB).padStart(4)} MiB image              ${plain.seconds.toFixed(2).padStart(6)} s  ${plain.rssMiB.toFixed(0).padStart(4)} MiB RSS`,
      );
  }
  if (parts.has('memory')) {
    console.log(`\nWhere the memory is (sampled every 20 ms, ${sizeMiB} MiB image; bare node starts at about 45 MiB, 36 of them its mapped binary)`);
    console.log(await breakdown(layout));
    console.log(`The archives' image:\n${await breakdown(archived)}`);
  }
  if (parts.has('memory') || parts.has('large')) {
    // Large members of ordinary content (bench/large-members.ts): the worst case the 256 KiB files above miss.
    const large = await largeMembersLayout(join(BENCH_DIR, 'audit-large-members'));
    const tiny = await tinyLayout(join(BENCH_DIR, 'audit-tiny'));
    const idle = await audit(tiny);
    console.log(`\nThe audit of one tiny file (Node, the bundle, ${SECRETS.length} values compiled): ${idle.rssMiB.toFixed(0)} MiB RSS; load ${load()}`);
    // What the values cost at rest: the scan's automata grow with the values (a dense table, states × byte classes), and
    // the goal holds for any image only while Node, the bundle and the compiled values leave room for the data.
    const byCount: string[] = [];
    for (const count of [1, 100]) {
      const file = join(BENCH_DIR, `audit-values-${count}.txt`);
      await writeFile(file, `${secretValues(count).join('\n')}\n`, { mode: 0o600 });
      byCount.push(`${count} value${count > 1 ? 's' : ''} ${(await audit(tiny, undefined, file)).rssMiB.toFixed(0)} MiB`);
    }
    console.log(`  the same with ${byCount.join(', ')} (${SECRETS.length}: ${idle.rssMiB.toFixed(0)} MiB)`);
    console.log(
      `Large members (48 MiB .gz logs, jars of 12 MiB stored and deflated members nested in a fat jar, 32 MiB tar.xz and tar.zst, a git pack, base64 of a 16 MiB .gz)`,
    );
    await peakRuns(large, runs);
    console.log(await breakdown(large));
  }
  if (parts.has('dumps')) {
    // Text whose every record is opened (encoded runs): the cost of a content opened, which cut 32 MiB of each at 20 s.
    console.log(`\nDumps of ${DUMP_MIB} MiB, one a layer: each record's runs opened and scanned (a GitHub API dump, a mysqldump --hex-blob, checksum lists)`);
    for (const kind of ['api', 'sql', 'sums'] as const) {
      const before = load();
      const m = await audit(await dumpLayout(join(BENCH_DIR, `audit-dump-${kind}-${DUMP_MIB}`), kind, DUMP_MIB));
      const cut = /took more than[^"]*/.exec(m.stdout)?.[0];
      console.log(
        `  ${kind}: CPU ${m.cpuSeconds.toFixed(2)} s (${(m.cpuSeconds / DUMP_MIB).toFixed(2)} s a MiB), wall ${m.seconds.toFixed(2)} s, ${m.rssMiB.toFixed(0)} MiB RSS; ${cut ? `cut: ${cut}` : 'fully audited'}; load ${before}`,
      );
    }
  }
  if (parts.has('large-zstd')) {
    // The same members as one `+zstd` layer: the zstd layer path (zstd-frames.ts) against the same goal.
    const large = await largeMembersZstdLayout(join(BENCH_DIR, 'audit-large-members-zstd'), await largeMembersLayout(join(BENCH_DIR, 'audit-large-members')));
    console.log(`Large members as one +zstd layer (zstd -3 of the same tar)`);
    await peakRuns(large, runs);
  }
}

await main();
