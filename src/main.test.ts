// The step's `result` output, set by main() however the run ends, from the one table of cli/exit.ts:
// ok, found (the audit found a value), failed-input (a bad input), failed (a registry that cannot be
// reached) — through the push entry (push/action.yml) on a real OCI layout, the registry an
// in-process one, the platform a recording fake; and the GitLab dotenv name it goes out under.
// Nearest real-world variant: a release workflow's `if: always()` step that files an issue on
// `found` and retries on `failed` (build-push-action has no such output: its users parse the log).
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { MemoryRegistry } from '../test/support/memory-registry.js';
import { gzipLayer, harness, recordingPlatform, type Harness, type RecordingPlatform } from '../test/support/pipeline.js';
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
    // push/action.yml's outputs, in the order they are set, and no summary.
    const digest = reg.repos.get('acme/app')!.tags.get('1.2.3')!;
    expect([...p.outputs]).toEqual([
      ['digest', digest],
      ['platforms', 'linux/amd64'],
      ['version', '1.2.3'],
      ['tags', ['1.2.3', '1.2', '1', 'latest', 'sha-0123456', 'main'].map((t) => `${reg.host}/acme/app:${t}`).join('\n')],
      ['result', 'ok'],
    ]);
    expect(p.summaries).toEqual([]);
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
    // The login check finds no push target reachable: the run stops before anything is converted, audited or pushed
    // (a push of a layout: the check's words name the push, not a build).
    expect(p.log()).toMatch(/error: 127\.0\.0\.1:1\/acme\/app \(ECONNREFUSED[^]*could not be reached before the push, so nothing was pushed/);
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

// main() dispatches on hoist-mode (HOIST_MODE on GitLab) to each pipeline, and whatever the pipeline,
// sets the result output once; a bad input ends with failed-input and nothing pushed. The effects
// are the unit harness's fakes of Hoist's own seams (a builder writing real layouts, no process),
// the registries in-process ones reached by the real client.
// Nearest real-world variant: a release workflow using the build, then promote/, merge/ and prune/
// sub-actions of the same tag, each step's `result` read by an `if: always()` step.
describe('main(): each mode through the harness', () => {
  /** main() on the harness's platform and fakes; the harness, to read what it recorded. */
  async function run(inputs: Record<string, string>, o: Parameters<typeof harness>[1] = {}): Promise<Harness> {
    const h = await harness({ retries: '0', ...inputs }, o);
    await main(
      () => h.platform,
      (platform, redactor) => ({ ...h.fx, platform, redactor }),
    );
    return h;
  }
  const registry = async () => {
    const r = await MemoryRegistry.start();
    registries.push(r);
    return r;
  };
  const writes = (r: MemoryRegistry) => r.requests.filter((q) => q.method === 'PUT' || q.method === 'POST' || q.method === 'PATCH');
  const errors = (h: Harness) => h.platform.lines.filter((l) => l.level === 'error').map((l) => l.text);
  /** A build of acme/app:1.0.0 pushed to `reg` through main(); its digest. */
  const built = async (reg: MemoryRegistry) => {
    const h = await run({ images: `${reg.host}/acme/app`, version: '1.0.0', 'insecure-registries': reg.host });
    expect(errors(h)).toEqual([]);
    return h.platform.outputs.get('digest')!;
  };

  it('build (no hoist-mode): built and pushed, its outputs and result ok; a bad input: failed-input, nothing built or pushed', async () => {
    const reg = await registry();
    const h = await run({ images: `${reg.host}/acme/app`, version: '1.0.0', 'insecure-registries': reg.host });
    expect([h.platform.outputs.get('result'), h.platform.outputCounts.get('result'), process.exitCode]).toEqual(['ok', 1, undefined]);
    expect(reg.repos.get('acme/app')?.tags.get('1.0.0')).toBe(h.platform.outputs.get('digest'));
    expect(h.builder.plans).toHaveLength(1);

    const before = writes(reg).length;
    const bad = await run({ images: `${reg.host}/acme/app`, version: '1.0.1', 'insecure-registries': reg.host, concurrency: '0' });
    expect(errors(bad)).toEqual(["Input 'concurrency': '0' is not a whole number from 1 to 64"]);
    expect([bad.platform.outputs.get('result'), process.exitCode, bad.builder.plans.length, writes(reg).length]).toEqual(['failed-input', 1, 0, before]);
  });

  it('promote: copied with its outputs, result ok; a source without tag or digest: failed-input, nothing copied', async () => {
    const [src, dst] = [await registry(), await registry()];
    const digest = await built(src);
    const common = { 'hoist-mode': 'promote', destinations: `${dst.host}/prod/app`, tags: '1.0.0', 'insecure-registries': `${src.host},${dst.host}` };
    const h = await run({ ...common, source: `${src.host}/acme/app:1.0.0` });
    expect([h.platform.outputs.get('result'), h.platform.outputs.get('digest'), dst.repos.get('prod/app')?.tags.get('1.0.0')]).toEqual(['ok', digest, digest]);
    expect([...h.platform.outputs.keys()]).toEqual(['digest', 'tags', 'bytes-sent', 'bytes-shared', 'result']);

    const before = writes(dst).length;
    const bad = await run({ ...common, source: `${src.host}/acme/app` });
    expect(errors(bad)).toEqual([`Input 'source': '${src.host}/acme/app' names neither a tag nor a digest: promote a release by its tag or digest`]);
    expect([bad.platform.outputs.get('result'), process.exitCode, writes(dst).length]).toEqual(['failed-input', 1, before]);
  });

  it('merge: one index with its outputs, result ok; a source naming neither digest nor tag: failed-input, nothing pushed', async () => {
    const [src, dst] = [await registry(), await registry()];
    const digest = await built(src);
    const common = { 'hoist-mode': 'merge', images: `${dst.host}/acme/app`, version: '1.0.0', 'insecure-registries': `${src.host},${dst.host}` };
    const h = await run({ ...common, sources: `${src.host}/acme/app@${digest}` });
    expect([h.platform.outputs.get('result'), h.platform.outputs.get('platforms')]).toEqual(['ok', 'linux/amd64']);
    expect(dst.repos.get('acme/app')?.tags.get('1.0.0')).toBe(h.platform.outputs.get('digest'));

    const before = writes(dst).length;
    const bad = await run({ ...common, sources: `${src.host}/acme/app` });
    expect(errors(bad)).toEqual([
      `Input 'sources': '${src.host}/acme/app' names neither a digest nor a tag: give repo@sha256:… (push-by-digest's digest output)`,
    ]);
    expect([bad.platform.outputs.get('result'), process.exitCode, writes(dst).length]).toEqual(['failed-input', 1, before]);
  });

  it('prune: tags pruned with their outputs, result ok; keep not a number: failed-input, nothing deleted', async () => {
    const reg = await registry();
    await built(reg);
    const common = { 'hoist-mode': 'prune', repository: `${reg.host}/acme/app`, match: 'sha-*', 'insecure-registries': reg.host };
    // The push of `built` cancelled its login check's upload session (a DELETE): only the bad run's own deletes count.
    const deletes = () => reg.requests.filter((q) => q.method === 'DELETE').length;
    const before = deletes();
    const bad = await run({ ...common, keep: 'all' });
    expect(errors(bad)).toEqual(["Input 'keep': 'all' is not a whole number of tags to keep"]);
    expect([bad.platform.outputs.get('result'), process.exitCode, deletes()]).toEqual(['failed-input', 1, before]);
    process.exitCode = undefined;

    const h = await run({ ...common, match: '', keep: '0', unprotect: 'latest,releases' });
    expect([h.platform.outputs.get('result'), h.platform.outputs.get('pruned')]).toEqual(['ok', '1\n1.0\n1.0.0\nlatest\nmain\nsha-0123456']);
    expect(reg.repos.get('acme/app')?.tags.size).toBe(0);
  });

  it('stale: an image on no base checked, nothing stale, result ok; no image to check: failed-input', async () => {
    const reg = await registry();
    await built(reg);
    const h = await run({ 'hoist-mode': 'stale', images: `${reg.host}/acme/app:1.0.0`, 'insecure-registries': reg.host });
    expect(h.platform.outputs.get('stale')).toBe('');
    expect([h.platform.outputs.get('result'), process.exitCode]).toEqual(['ok', undefined]); // built FROM scratch: no base to be behind

    const bad = await run({ 'hoist-mode': 'stale', 'insecure-registries': reg.host });
    expect(errors(bad)).toEqual(["Input 'hierarchy': nothing to check: give a hierarchy file, or images (references with their tags)"]);
    expect([bad.platform.outputs.get('result'), process.exitCode]).toEqual(['failed-input', 1]);
  });

  it('hierarchy, hierarchy-plan and hierarchy-entry (through the build entry): result ok; an entry the file lacks: failed-input, nothing pushed', async () => {
    const reg = await registry();
    const family = async (h: Harness) => {
      await mkdir(join(h.workspace, 'os'));
      await writeFile(join(h.workspace, 'os', 'Dockerfile'), 'FROM scratch\nCOPY . /os\n');
      await writeFile(join(h.workspace, 'family.yml'), `images:\n  - { name: os, context: os, version: 1.0.0, images: [${reg.host}/g/os] }\n`);
    };
    const common = { hierarchy: 'family.yml', 'insecure-registries': reg.host };
    // The family's files in the harness's workspace, then main() on it.
    const runFamily = async (inputs: Record<string, string>) => {
      const h = await harness({ retries: '0', ...common, ...inputs });
      await family(h);
      await main(
        () => h.platform,
        (platform, redactor) => ({ ...h.fx, platform, redactor }),
      );
      return h;
    };
    const plan = await runFamily({ 'hierarchy-plan': 'true' });
    expect([plan.platform.outputs.get('result'), plan.platform.outputs.get('levels'), plan.builder.plans.length]).toEqual(['ok', '[["os"]]', 0]);
    const whole = await runFamily({});
    expect([whole.platform.outputs.get('result'), (JSON.parse(whole.platform.outputs.get('hierarchy')!) as Array<{ status: string }>)[0]!.status]).toEqual([
      'ok',
      'built',
    ]);
    const job = await runFamily({ 'hierarchy-entry': 'os' });
    expect([job.platform.outputs.get('result'), job.platform.outputs.get('digest')]).toEqual(['ok', reg.repos.get('g/os')?.tags.get('1.0.0')]);
    const before = writes(reg).length;
    const bad = await runFamily({ 'hierarchy-entry': 'web' });
    expect(errors(bad)).toEqual(["Input 'hierarchy-entry': family.yml has no entry 'web' (entries: os)"]);
    expect([bad.platform.outputs.get('result'), process.exitCode, writes(reg).length]).toEqual(['failed-input', 1, before]);
  });

  // An unknown mode ran the build before: a typo in a hand-written action.yml or HOIST_MODE built and pushed.
  it('an unknown hoist-mode: failed-input naming the modes, nothing built or pushed', async () => {
    const reg = await registry();
    const h = await run({ 'hoist-mode': 'promte', images: `${reg.host}/acme/app`, version: '1.0.0', 'insecure-registries': reg.host });
    expect(errors(h)).toEqual([
      "Input 'hoist-mode': 'promte' is not one of build, promote, stale, merge, prune, push: the action.yml of a sub-action sets it (HOIST_MODE on GitLab)",
    ]);
    expect([h.platform.outputs.get('result'), process.exitCode, h.builder.plans.length, reg.requests.length]).toEqual(['failed-input', 1, 0, 0]);
  });
});
