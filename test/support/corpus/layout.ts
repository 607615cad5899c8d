/**
 * The audit as a user runs it on the bundle that ships: an OCI image layout written from plain
 * directories (each one layer, tarred by GNU tar, uncompressed or gzip), then
 * `node dist/cli.js audit ./LAYOUT --audit-values-file FILE --json`, its findings parsed.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

export const ROOT = resolve(import.meta.dirname, '../../..');
const NODE = join(ROOT, 'node_modules/.bin/node');
/** The bundle run: the shipped dist/cli.js, or a private build of the tree (`node scripts/build.mjs --outdir DIR`, then HOIST_TEST_CLI=DIR/cli.js). */
const CLI = process.env.HOIST_TEST_CLI ? resolve(process.env.HOIST_TEST_CLI) : join(ROOT, 'dist/cli.js');

export interface Finding {
  severity: 'leak' | 'key' | 'limit';
  what: string;
  fingerprint?: string;
  where: string;
}

export interface AuditRun {
  code: number;
  findings: Finding[];
  stderr: string;
  ms: number;
  /** The audit did not finish within the time it was given (and was killed). */
  timedOut: boolean;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A layer's tar of `dir`, as `tar` writes it for a reproducible build (sorted, time 0, root-owned). */
export function layerTar(dir: string): Buffer {
  return execFileSync('tar', ['--sort=name', '--mtime=@0', '--owner=0', '--group=0', '--numeric-owner', '-C', dir, '-cf', '-', '.'], {
    maxBuffer: 1 << 30,
  });
}

/** What a build puts beside the layers: config fields (Env, Labels, history …) and manifest annotations, as Go's encoding/json writes them. */
export interface ImageExtras {
  config?: Record<string, unknown>;
  history?: Array<{ created_by: string; empty_layer?: boolean }>;
  annotations?: Record<string, string>;
}

/** Go's encoding/json (docker's, buildkit's): <, > and & as \u003c, \u003e, \u0026. */
const goJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');

/** One layer: a directory, gzip'd or not — or compressed by a real tool (`pzstd`), its tar on stdin, its blob on stdout. */
export interface LayerSpec {
  dir: string;
  gzip: boolean;
  tool?: { argv: string[]; mediaType: string };
}

/** Writes an OCI layout at `layoutDir` whose one image has one layer per entry of `layers`. */
export async function writeLayout(layoutDir: string, layers: LayerSpec[], extras: ImageExtras = {}): Promise<{ bytes: number }> {
  const blobs = join(layoutDir, 'blobs', 'sha256');
  await mkdir(blobs, { recursive: true });
  const put = async (b: Buffer) => {
    const hex = sha256(b);
    await writeFile(join(blobs, hex), b);
    return { digest: `sha256:${hex}`, size: b.length };
  };
  const descriptors = [];
  const diffIds = [];
  let bytes = 0;
  for (const l of layers) {
    const tar = layerTar(l.dir);
    bytes += tar.length;
    diffIds.push(`sha256:${sha256(tar)}`);
    if (l.tool) {
      const blob = execFileSync(l.tool.argv[0]!, l.tool.argv.slice(1), { input: tar, maxBuffer: 1 << 30 });
      descriptors.push({ mediaType: l.tool.mediaType, ...(await put(blob)) });
      continue;
    }
    const blob = l.gzip ? gzipSync(tar) : tar;
    descriptors.push({ mediaType: `application/vnd.oci.image.layer.v1.tar${l.gzip ? '+gzip' : ''}`, ...(await put(blob)) });
  }
  const config = {
    architecture: 'amd64',
    os: 'linux',
    ...(extras.config ? { config: extras.config } : {}),
    rootfs: { type: 'layers', diff_ids: diffIds },
    history: [...(extras.history ?? []), ...layers.map(() => ({ created_by: 'COPY . /srv/ # buildkit' }))],
  };
  const manifest = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...(await put(Buffer.from(goJson(config)))) },
    layers: descriptors,
    ...(extras.annotations ? { annotations: extras.annotations } : {}),
  };
  const m = await put(Buffer.from(goJson(manifest)));
  await writeFile(join(layoutDir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: manifest.mediaType, ...m }] }));
  await writeFile(join(layoutDir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  return { bytes };
}

/**
 * Runs the shipped bundle's audit on `./<layoutName>` (relative to `cwd`, as a user types it),
 * looking for `values` (one a line: the finding for values[i] is named `audit-values line i+1`).
 * The values file is removed before this returns.
 */
export async function auditLayout(cwd: string, layoutName: string, values: readonly string[], timeoutMs = 120_000): Promise<AuditRun> {
  for (const v of values) if (/[\r\n]/.test(v) || v.trim() !== v) throw new Error('a value for the values file must be one trimmed line');
  const valuesFile = join(cwd, `values-${process.pid}-${Date.now()}.txt`);
  await writeFile(valuesFile, `${values.join('\n')}\n`, { mode: 0o600 });
  const started = performance.now();
  try {
    const r = await new Promise<{ code: number; stdout: string; stderr: string; timedOut: boolean }>((done, fail) => {
      const child = spawn(NODE, [CLI, 'audit', `./${layoutName}`, '--audit-values-file', valuesFile, '--json'], {
        cwd,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: cwd, TMPDIR: cwd },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, timeoutMs);
      child.on('error', fail);
      child.on('close', (code) => {
        clearTimeout(timer);
        done({ code: code ?? 1, stdout, stderr, timedOut });
      });
    });
    const ms = performance.now() - started;
    if (r.timedOut) return { code: r.code, findings: [], stderr: r.stderr, ms, timedOut: true };
    const start = r.stdout.indexOf('{\n');
    if (start < 0) throw new Error(`hoist audit wrote no JSON summary (exit ${r.code}): ${r.stderr.slice(0, 2000)}`);
    const summary = JSON.parse(r.stdout.slice(start)) as { findings: Finding[] };
    return { code: r.code, findings: summary.findings, stderr: r.stderr, ms, timedOut: false };
  } finally {
    await rm(valuesFile, { force: true });
  }
}

/** The leak findings for values[i] (`audit-values line i+1`). */
export const findingsFor = (run: AuditRun, i: number) =>
  run.findings.filter((f) => f.severity === 'leak' && new RegExp(`^audit-values line ${i + 1}(,|$)`).test(f.what));
