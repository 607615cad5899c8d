// The step's `result` output, set by main() however the run ends, from the one table of cli/exit.ts:
// ok, found (the audit found a value), failed-input (a bad input), failed (a registry that cannot be
// reached) — through the push entry (push/action.yml) on a real OCI layout, the registry an
// in-process one, the platform a recording fake; and the GitLab dotenv name it goes out under.
// Nearest real-world variant: a release workflow's `if: always()` step that files an issue on
// `found` and retries on `failed` (build-push-action has no such output: its users parse the log).
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { MemoryRegistry } from '../test/support/memory-registry.js';
import { gzipLayer, recordingPlatform, type RecordingPlatform } from '../test/support/pipeline.js';
import { EXIT, RESULT } from './cli/exit.js';
import { main } from './main.js';
import { initLayout, MediaType, writeBlobBytes, writeIndex } from './oci/layout.js';
import { dotenvLines } from './platform/gitlab.js';

/** An OCI layout of one image whose one layer holds `content` in /etc/app.conf. */
async function layoutHolding(dir: string, content: string): Promise<void> {
  await initLayout(dir);
  const layer = await writeBlobBytes(dir, await gzipLayer({ 'etc/app.conf': content }));
  const config = await writeBlobBytes(dir, Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } })));
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      config: { mediaType: MediaType.ociConfig, ...config },
      layers: [{ mediaType: MediaType.ociLayerGzip, ...layer }],
    }),
  );
  await writeIndex(dir, [{ mediaType: MediaType.ociManifest, ...(await writeBlobBytes(dir, manifest)) }]);
}

const registries: MemoryRegistry[] = [];
afterEach(async () => {
  process.exitCode = undefined; // main() sets 1 on a failed run: not this test process's result
  for (const r of registries.splice(0)) await r.close();
});

/** main() on the push entry, its inputs the step's; the platform it recorded on. */
async function runPush(inputs: Record<string, string>, content = 'port=8080\n'): Promise<RecordingPlatform> {
  const workspace = await mkdtemp(join(tmpdir(), 'hoist-main-'));
  await layoutHolding(join(workspace, 'layout'), content);
  const platform = recordingPlatform(
    { 'hoist-mode': 'push', artefact: 'layout', version: '1.2.3', retries: '0', ...inputs },
    { workspace, tempDir: workspace },
  );
  await main(() => platform);
  return platform;
}

describe('main(): the result output', () => {
  it('ok: the layout pushed', async () => {
    const reg = await MemoryRegistry.start();
    registries.push(reg);
    const p = await runPush({ images: `${reg.host}/acme/app`, 'insecure-registries': reg.host });
    expect(p.lines.filter((l) => l.level === 'error')).toEqual([]);
    expect([p.outputs.get('result'), p.outputCounts.get('result'), process.exitCode]).toEqual(['ok', 1, undefined]);
    expect(reg.repos.get('acme/app')?.tags.has('1.2.3')).toBe(true);
  });

  it('found: the audit found a value of audit-values in the layer; nothing pushed', async () => {
    const reg = await MemoryRegistry.start();
    registries.push(reg);
    const value = `leaked-${Math.random().toString(36).slice(2)}-value`;
    const p = await runPush({ images: `${reg.host}/acme/app`, 'insecure-registries': reg.host, 'audit-values': value }, `token=${value}\n`);
    expect([p.outputs.get('result'), p.outputCounts.get('result'), process.exitCode]).toEqual(['found', 1, 1]);
    expect(reg.repos.get('acme/app')?.tags.size ?? 0).toBe(0);
  });

  it('failed-input: a bad input, before anything ran', async () => {
    const p = await runPush({ images: '127.0.0.1:1/acme/app', concurrency: '0' });
    expect(p.log()).toMatch(/error: Input 'concurrency': '0' is not a whole number from 1 to 64/);
    expect([p.outputs.get('result'), process.exitCode]).toEqual(['failed-input', 1]);
  });

  it('failed: a registry nothing answers on', async () => {
    const p = await runPush({ images: '127.0.0.1:1/acme/app', 'insecure-registries': '127.0.0.1:1' });
    expect(p.log()).toMatch(/error: push failed on 1 of 1 registries[^]*ECONNREFUSED 127\.0\.0\.1:1/);
    expect([p.outputs.get('result'), process.exitCode]).toEqual(['failed', 1]);
  });

  it('is not set by the post step', async () => {
    const workspace = await mkdtemp(join(tmpdir(), 'hoist-main-'));
    const platform = { ...recordingPlatform({}, { workspace, tempDir: workspace }), isPost: true };
    await main(() => platform);
    expect(platform.outputs.has('result')).toBe(false);
  });

  // main() sets it whichever entry the step selects: every action.yml, a new sub-action's too, must declare it.
  it('is declared by every action.yml of the repository', async () => {
    const root = join(import.meta.dirname, '..');
    const files = [
      'action.yml',
      ...(await readdir(root, { withFileTypes: true }))
        .filter((d) => d.isDirectory() && existsSync(join(root, d.name, 'action.yml')))
        .map((d) => `${d.name}/action.yml`),
    ];
    expect(files).toEqual(
      expect.arrayContaining(['action.yml', 'promote/action.yml', 'merge/action.yml', 'prune/action.yml', 'stale/action.yml', 'push/action.yml']),
    );
    for (const f of files) {
      const action = parse(await readFile(join(root, f), 'utf8')) as { outputs?: Record<string, { description?: string }> };
      expect(action.outputs?.result?.description, f).toMatch(/ok; found .*failed-input .*failed .*cancelled/);
    }
  });

  // A failed job's dotenv reaches later jobs only when its artifacts are kept on failure too.
  it('reaches later GitLab jobs from every component: the dotenv report kept however the job ends', async () => {
    const dir = join(import.meta.dirname, '../gitlab/templates');
    const names = (await readdir(dir)).filter((f) => f.endsWith('.yml'));
    expect(names).toEqual(expect.arrayContaining(['build.yml', 'promote.yml', 'merge.yml', 'prune.yml', 'stale.yml', 'push.yml']));
    for (const name of names) {
      const job = Object.values(parseAllDocuments(await readFile(join(dir, name), 'utf8'))[1]!.toJS() as Record<string, { artifacts?: unknown }>)[0];
      expect(job?.artifacts, name).toMatchObject({ when: 'always', reports: { dotenv: 'hoist.env' } });
    }
  });

  it('has a word for every exit code of the table, and goes to GitLab as HOIST_RESULT', () => {
    expect(Object.keys(RESULT).sort()).toEqual(Object.keys(EXIT).sort());
    expect(new Set(Object.values(RESULT))).toEqual(new Set(['ok', 'found', 'failed-input', 'failed', 'cancelled']));
    expect(dotenvLines(new Map([['result', 'found']]))).toEqual(['HOIST_RESULT=found']);
  });
});
