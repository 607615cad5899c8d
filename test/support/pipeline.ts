/**
 * Hand-written fakes of Hoist's own seams, for driving the pipelines in unit tests: a platform that
 * records what the step said and set, a builder that writes a real OCI layout (one gzip layer with
 * the files it is given) without running anything, and Effects wired to in-process registries
 * (MemoryRegistry) through the real RegistryClient. No module is mocked.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import type { Builder, BuilderProbe, BuildPlan } from '../../src/core/builder.js';
import type { Effects } from '../../src/effects/effects.js';
import type { NoteTarget } from '../../src/report/mr-note.js';
import type { Exec } from '../../src/effects/exec.js';
import { nodeFiles } from '../../src/effects/files.js';
import { initLayout, MediaType, writeBlobBytes, writeIndex } from '../../src/oci/layout.js';
import type { RunFacts } from '../../src/core/facts.js';
import type { Platform } from '../../src/platform/platform.js';
import { RegistryClient } from '../../src/registry/client.js';
import { Redactor } from '../../src/secrets/redact.js';
import { redacting } from '../../src/secrets/redacting-platform.js';

export interface RecordingPlatform extends Platform {
  outputs: Map<string, string>;
  /** How many times each output was set (the pipeline sets each once). */
  outputCounts: Map<string, number>;
  lines: Array<{ level: 'info' | 'warning' | 'error' | 'debug'; text: string }>;
  summaries: string[];
  masked: string[];
  state: Map<string, string>;
  log(): string;
}

export function recordingPlatform(
  inputs: Record<string, string>,
  o: { workspace: string; tempDir: string; facts?: Partial<RunFacts>; env?: Record<string, string> },
): RecordingPlatform {
  const outputs = new Map<string, string>();
  const outputCounts = new Map<string, number>();
  const lines: RecordingPlatform['lines'] = [];
  const state = new Map<string, string>();
  const summaries: string[] = [];
  const masked: string[] = [];
  return {
    name: 'test',
    isPost: false,
    outputs,
    outputCounts,
    lines,
    summaries,
    masked,
    state,
    log: () => lines.map((l) => `${l.level}: ${l.text}`).join('\n'),
    getInput: (name) => inputs[name] ?? '',
    setOutput: (name, value) => {
      outputs.set(name, value);
      outputCounts.set(name, (outputCounts.get(name) ?? 0) + 1);
    },
    mask: (value) => void masked.push(value),
    debug: (text) => void lines.push({ level: 'debug', text }),
    info: (text) => void lines.push({ level: 'info', text }),
    warning: (text) => void lines.push({ level: 'warning', text }),
    error: (text) => void lines.push({ level: 'error', text }),
    group: (_title, fn) => fn(),
    summary: async (markdown) => void summaries.push(markdown),
    saveState: (name, value) => void state.set(name, value),
    getState: (name) => state.get(name) ?? '',
    context: {
      facts: {
        git: { sha: '0123456789abcdef0123456789abcdef01234567', branch: 'main', scheduled: false },
        commitTime: '2026-11-30T10:00:00Z',
        repository: {},
        ...o.facts,
      },
      now: () => new Date('2026-12-01T12:00:00Z'),
      workspace: o.workspace,
      tempDir: o.tempDir,
      env: { DOCKER_CONFIG: join(o.tempDir, 'no-docker-config'), ...o.env },
    },
  };
}

/** A gzip layer holding these files. */
export async function gzipLayer(files: Record<string, string | Buffer>): Promise<Buffer> {
  const pack = tar.pack();
  for (const [name, content] of Object.entries(files)) pack.entry({ name, mtime: new Date(0) }, content);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack as unknown as AsyncIterable<Buffer>) chunks.push(c);
  return gzipSync(Buffer.concat(chunks), { level: 1 });
}

/** What the fake builder puts in the image of a plan (by target stage). */
export type ImageFiles = (plan: BuildPlan) => Record<string, string | Buffer>;

/** A builder that writes one-layer OCI layouts; `during` runs while it "builds" (to cancel, say). */
export function layoutBuilder(files: ImageFiles, during?: (plan: BuildPlan) => Promise<void> | void): Builder & { plans: BuildPlan[] } {
  const plans: BuildPlan[] = [];
  return {
    name: 'buildah',
    plans,
    async build(plan, layoutDir) {
      plans.push(plan);
      await during?.(plan);
      await initLayout(layoutDir);
      const gz = await gzipLayer(files(plan));
      const layer = await writeBlobBytes(layoutDir, gz);
      const config = Buffer.from(
        JSON.stringify({
          architecture: 'amd64',
          os: 'linux',
          config: { Labels: Object.fromEntries(plan.labels) },
          rootfs: { type: 'layers', diff_ids: [] },
          history: [{ created_by: `fake build of ${plan.target ?? 'default'}` }],
        }),
      );
      const cfg = await writeBlobBytes(layoutDir, config);
      const manifest = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: MediaType.ociManifest,
          config: { mediaType: MediaType.ociConfig, ...cfg },
          layers: [{ mediaType: MediaType.ociLayerGzip, ...layer }],
        }),
      );
      const m = await writeBlobBytes(layoutDir, manifest);
      await writeIndex(layoutDir, [{ mediaType: MediaType.ociManifest, ...m }]);
      return cfg.digest;
    },
  };
}

const PROBE: BuilderProbe = { buildx: false, buildxDockerDriver: false, buildctl: false, daemonless: false, dockerDaemon: false, buildah: true };

/** An Exec for pipelines whose fake builder runs nothing: any process it is asked for is a test failure. */
export function noProcesses(): Exec & { stopped: number } {
  const refuse = (file: string) => {
    throw new Error(`the test did not expect a process: ${file}`);
  };
  const e = {
    stopped: 0,
    run: async (file: string) => refuse(file),
    stream: (file: string) => refuse(file),
    sink: (file: string) => refuse(file),
    stopAll: () => void e.stopped++,
  };
  return e;
}

export interface Harness {
  fx: Effects;
  platform: RecordingPlatform;
  builder: ReturnType<typeof layoutBuilder>;
  exec: ReturnType<typeof noProcesses>;
  workspace: string;
  tempDir: string;
  comments: string[];
  notes: Array<{ target: NoteTarget; body: string }>;
  /** Calls the handler the pipeline registered for SIGTERM, as a cancelled job would. */
  cancel(): void;
}

export async function harness(
  inputs: Record<string, string>,
  o: {
    files?: ImageFiles;
    during?: (plan: BuildPlan, h: Harness) => Promise<void> | void;
    dockerfile?: string;
    comment?: (body: string) => Promise<'created' | 'updated'>;
    facts?: Partial<RunFacts>;
    env?: Record<string, string>;
  } = {},
): Promise<Harness> {
  const workspace = await mkdtemp(join(tmpdir(), 'hoist-ws-'));
  const tempDir = await mkdtemp(join(tmpdir(), 'hoist-runner-'));
  await writeFile(join(workspace, 'Dockerfile'), o.dockerfile ?? 'FROM scratch\nCOPY . /app\n');
  const platform = recordingPlatform(inputs, { workspace, tempDir, facts: o.facts, env: o.env });
  const exec = noProcesses();
  const terminate: Array<() => void> = [];
  const comments: string[] = [];
  const notes: Harness['notes'] = [];
  // eslint-disable-next-line prefer-const
  let h: Harness;
  const builder = layoutBuilder(o.files ?? (() => ({ 'app/hello.txt': 'hello' })), (plan) => o.during?.(plan, h));
  const redactor = new Redactor();
  const fx: Effects = {
    // As main.ts wires it: every byte that leaves through the platform is redacted.
    platform: redacting(platform, redactor),
    exec,
    redactor,
    files: nodeFiles,
    registry: async (options) => new RegistryClient({ ...options, retries: 0 }),
    builders: { probe: async () => PROBE, create: () => builder },
    comment: async (_target, body) => {
      comments.push(body);
      return o.comment ? o.comment(body) : 'created';
    },
    note: async (target, body) => {
      notes.push({ target, body });
      return 'created';
    },
    onTerminate: (handler) => {
      terminate.push(handler);
      return () => void terminate.splice(terminate.indexOf(handler), 1);
    },
  };
  h = { fx, platform, builder, exec, workspace, tempDir, comments, notes, cancel: () => terminate.forEach((t) => t()) };
  return h;
}
