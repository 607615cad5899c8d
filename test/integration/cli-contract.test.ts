// The `hoist` command as scripts use it (issue 34), on the shipped dist/cli.js against the lab:
// one exit-code table for every verb (0 done, 1 found, 2 usage, 3 could not check/finish, 130/143
// signals), results on stdout with one pinned --json schema per verb, a closed pipe ending quietly.
// Nearest real-world variants: `if hoist stale …; then` in a nightly job, `hoist build --json | jq`,
// `hoist tags list … | head -1`, Ctrl-C on a laptop, a CI job cancelled mid-push.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseRepository } from '../../src/core/reference.js';
import type { ImageGraph } from '../../src/oci/graph.js';
import { pushGraph } from '../../src/push/engine.js';
import { RegistryClient } from '../../src/registry/client.js';
import { FaultProxy } from '../support/fault-proxy.js';
import { memorySource, testImage, type TestImage } from '../support/images.js';
import { releaseImage } from '../support/releases.js';
import { hoist, lab, ROOT, uniqueRepo } from './lab.js';

const plain = () => lab().registries.plain.host;
const DEAD = '127.0.0.1:1'; // nothing listens: connection refused
const ins = (...hosts: string[]) => hosts.flatMap((h) => ['--insecure-registries', h]);
const cwd = tmpdir();
const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

async function push(image: TestImage, ref: string, tags: string[]): Promise<string> {
  const c = new RegistryClient({ host: plain(), insecure: true, retries: 0, userAgent: 't' });
  const repo = parseRepository(ref);
  await pushGraph(image.graph, image.source, [{ repository: repo, tags: [] }], { clientFor: () => c, concurrency: 4, perHost: 4 });
  for (const t of tags) await c.putManifest(repo.path, t, image.graph.root.bytes, image.graph.root.mediaType);
  await c.close();
  return image.graph.root.digest;
}

/** An image whose manifest records its base as Hoist's builds do (base.name / base.digest annotations). */
function imageOn(baseName: string, baseDigest: string): TestImage {
  const blobs = new Map<string, Buffer>();
  const put = (bytes: Buffer, mediaType: string) => (blobs.set(sha256(bytes), bytes), { mediaType, digest: sha256(bytes), size: bytes.length });
  const config = put(
    Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } })),
    'application/vnd.oci.image.config.v1+json',
  );
  const layer = put(randomBytes(512), 'application/vnd.oci.image.layer.v1.tar+gzip');
  const body = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config,
    layers: [layer],
    annotations: { 'org.opencontainers.image.base.name': baseName, 'org.opencontainers.image.base.digest': baseDigest },
  };
  const bytes = Buffer.from(JSON.stringify(body));
  const graph: ImageGraph = { root: { digest: sha256(bytes), mediaType: body.mediaType, bytes }, children: [], blobs: [config, layer] };
  return { graph, blobs, source: memorySource(blobs) };
}

const VALUE = `leak-${Math.random().toString(36).slice(2)}-value`;
let built: { repo: string; digest: string; json: Record<string, unknown> };

beforeAll(async () => {
  // One real build (lab dockerd or BuildKit): a file in it holds VALUE, for the audit's 1; its --json is the build schema.
  const dir = await mkdtemp(join(tmpdir(), 'hoist-contract-'));
  await writeFile(join(dir, 'Dockerfile'), `FROM ${plain()}/lab/busybox:1.36\nRUN echo ${VALUE} > /content\n`);
  const repo = `${plain()}/${uniqueRepo('contract/app')}`;
  const r = await hoist(['build', '--images', repo, '--tags', '1.0.0', '--auto-tags', 'none', '--version', '1.0.0', ...ins(plain()), '--json'], { cwd: dir });
  if (r.code !== 0) throw new Error(`the fixture build failed (${r.code}): ${r.stderr}`);
  const json = JSON.parse(r.stdout) as Record<string, unknown>;
  built = { repo, digest: (json.outputs as { digest: string }).digest, json };
}, 240_000);

describe('exit codes: one table for every verb', () => {
  it('build: 0 done, 1 policy refusal, 2 usage, 3 registry unreachable', async () => {
    expect(built.json.exitCode).toBe(0);
    const dir = await mkdtemp(join(tmpdir(), 'hoist-contract-'));
    await writeFile(join(dir, 'Dockerfile'), `FROM ${plain()}/lab/busybox:1.36\nRUN echo x > /x\n`);
    const policy = await hoist(
      ['build', '--images', `${plain()}/${uniqueRepo('contract/p')}`, '--version', '1.0.0', '--require-pinned-base', ...ins(plain())],
      {
        cwd: dir,
      },
    );
    expect([policy.code, policy.stderr]).toEqual([1, expect.stringMatching(/base image policy refused/)]);
    const usage = await hoist(['build', '--images', `${plain()}/x`, '--retries', 'many'], { cwd: dir });
    expect([usage.code, usage.stderr]).toEqual([2, expect.stringMatching(/--retries: 'many'/)]);
    const down = await hoist(['build', '--images', `${DEAD}/contract/down`, '--version', '1.0.0', '--retries', '0', ...ins(DEAD, plain())], { cwd: dir });
    expect(down.code, down.stderr).toBe(3);
  }, 240_000);

  it('stale: 0 current, 1 stale (the image on stdout), 2 nothing to check, 3 registry unreachable (not 1)', async () => {
    const base = `${plain()}/${uniqueRepo('contract/base')}`;
    const d1 = await push(releaseImage('1', 'a'), base, ['1']);
    const app = `${plain()}/${uniqueRepo('contract/onbase')}`;
    await push(imageOn(`${base}:1`, d1), app, ['1.0']);
    const current = await hoist(['stale', '--images', `${app}:1.0`, ...ins(plain())], { cwd });
    expect([current.code, current.stdout]).toEqual([0, '']);
    await push(releaseImage('1', 'b'), base, ['1']); // the base moved
    const stale = await hoist(['stale', '--images', `${app}:1.0`, ...ins(plain())], { cwd });
    expect([stale.code, stale.stdout]).toEqual([1, `${app}:1.0\n`]);
    expect(stale.stderr).toMatch(/STALE/);
    const none = await hoist(['stale'], { cwd });
    expect(none.code).toBe(2);
    const down = await hoist(['stale', '--images', `${DEAD}/contract/app:1`, '--retries', '0', ...ins(DEAD)], { cwd });
    expect(down.code, down.stderr).toBe(3);
    expect(down.stderr).toMatch(/could not check 1 of 1 images/);
  }, 120_000);

  it('promote: 0 copied, 1 a release tag of another revision refused, 2 usage, 3 source unreachable', async () => {
    const src = `${plain()}/${uniqueRepo('contract/src')}`;
    const digest = await push(releaseImage('2.0.0', 'rev-b'), src, []);
    const dest = `${plain()}/${uniqueRepo('contract/dest')}`;
    const ok = await hoist(['promote', '--source', `${src}@${digest}`, '--destinations', dest, '--tags', 'copied', ...ins(plain())], { cwd });
    expect(ok.code, ok.stderr).toBe(0);
    await push(releaseImage('2.0.0', 'rev-a'), dest, ['2.0.0']);
    const refused = await hoist(['promote', '--source', `${src}@${digest}`, '--destinations', dest, '--tags', '2.0.0', ...ins(plain())], { cwd });
    expect([refused.code, refused.stderr]).toEqual([1, expect.stringMatching(/release tag/)]);
    expect((await hoist(['promote', '--source', 'x', '--bogus'], { cwd })).code).toBe(2);
    const down = await hoist(['promote', '--source', `${DEAD}/a/b@${digest}`, '--destinations', dest, '--tags', 't', '--retries', '0', ...ins(DEAD, plain())], {
      cwd,
    });
    expect(down.code, down.stderr).toBe(3);
  }, 120_000);

  it('merge: 0 joined, 2 usage, 3 source unreachable', async () => {
    const repo = `${plain()}/${uniqueRepo('contract/merge')}`;
    const a = await push(testImage([256], undefined, 'amd64'), repo, []);
    const b = await push(testImage([256], undefined, 'arm64'), repo, []);
    const ok = await hoist(
      ['merge', '--images', repo, '--sources', `${repo}@${a}`, '--sources', `${repo}@${b}`, '--version', '1.0.0', ...ins(plain()), '--json'],
      { cwd },
    );
    expect(ok.code, ok.stderr).toBe(0);
    expect((JSON.parse(ok.stdout) as { outputs: { platforms: string[] } }).outputs.platforms.sort()).toEqual(['linux/amd64', 'linux/arm64']);
    expect((await hoist(['merge', '--imagez', repo], { cwd })).code).toBe(2);
    const down = await hoist(['merge', '--images', repo, '--sources', `${DEAD}/a/b@${a}`, '--version', '1.0.0', '--retries', '0', ...ins(DEAD, plain())], {
      cwd,
    });
    expect(down.code, down.stderr).toBe(3);
  }, 120_000);

  it('tags: 0 listed, 2 usage, 3 registry unreachable', async () => {
    expect((await hoist(['tags', 'list', built.repo, ...ins(plain())], { cwd })).code).toBe(0);
    expect((await hoist(['tags', 'list'], { cwd })).code).toBe(2);
    expect((await hoist(['tags', 'prune', built.repo, '--keep', 'all'], { cwd })).code).toBe(2);
    expect((await hoist(['tags', 'list', `${DEAD}/a/b`, '--retries', '0', ...ins(DEAD)], { cwd })).code).toBe(3);
  }, 60_000);

  it('audit: 0 clean, 1 leak, 2 no values given (not 1), 3 registry unreachable', async () => {
    const ref = `${built.repo}:1.0.0`;
    expect((await hoist(['audit', ref, ...ins(plain())], { cwd, env: { HOIST_AUDIT_VALUES: 'nowhere-in-this-image-42' } })).code).toBe(0);
    expect((await hoist(['audit', ref, ...ins(plain())], { cwd, env: { HOIST_AUDIT_VALUES: VALUE } })).code).toBe(1);
    const none = await hoist(['audit', ref, ...ins(plain())], { cwd });
    expect([none.code, none.stderr]).toEqual([2, expect.stringMatching(/no values to look for/)]);
    expect((await hoist(['audit', `${DEAD}/a/b:1`, '--retries', '0', ...ins(DEAD)], { cwd, env: { HOIST_AUDIT_VALUES: VALUE } })).code).toBe(3);
  }, 120_000);

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)(
    '%s while a registry stalls ends with %i, quietly',
    async (signal, code) => {
      await using slow = await FaultProxy.start(plain(), { stall: () => 30_000 });
      const child = spawn(process.execPath, [join(ROOT, 'dist/cli.js'), 'tags', 'list', `${slow.host}/a/b`, ...ins(slow.host)], {
        cwd,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      await new Promise((r) => setTimeout(r, 1500));
      child.kill(signal);
      const exit = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
      expect(exit).toBe(code);
      expect(stderr).not.toMatch(/^\s+at /m);
    },
    60_000,
  );

  it('SIGINT during a build: its cleanup runs, then exit 130 (not 143), its private directory gone', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hoist-contract-'));
    await writeFile(join(dir, 'Dockerfile'), `FROM ${plain()}/lab/busybox:1.36\nRUN echo ${Math.random()} && sleep 60\n`);
    const child = spawn(
      process.execPath,
      [join(ROOT, 'dist/cli.js'), 'build', '--images', `${plain()}/${uniqueRepo('contract/int')}`, '--version', '1.0.0', ...ins(plain())],
      {
        cwd: dir,
        env: { ...process.env, TMPDIR: dir },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    const started = new Promise<void>((r) =>
      child.stderr.on('data', (c: Buffer) => {
        stderr += c.toString();
        if (/sleep 60/.test(stderr)) r();
      }),
    );
    await started;
    child.kill('SIGINT');
    const exit = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
    expect(exit, stderr).toBe(130);
    expect(stderr).toMatch(/cancelled \(SIGINT\): cleaned up and stopped/);
    expect((await readdir(dir)).filter((f) => f.startsWith('hoist-'))).toEqual([]);
  }, 120_000);
});

describe('stdout is the result, --json one schema per verb', () => {
  it('build --json: tags and platforms are arrays, metadata an object, exitCode a number', () => {
    const j = built.json as { command: string; ok: boolean; exitCode: number; errors: unknown[]; outputs: Record<string, unknown> };
    expect(Object.keys(j)).toEqual(['command', 'ok', 'exitCode', 'errors', 'outputs']);
    expect([j.command, j.ok, j.exitCode, j.errors]).toEqual(['build', true, 0, []]);
    expect(j.outputs.tags).toEqual([`${built.repo}:1.0.0`]);
    expect(Array.isArray(j.outputs.platforms)).toBe(true);
    expect(typeof j.outputs.metadata).toBe('object');
    expect(typeof j.outputs.json).toBe('object');
    expect(j.outputs.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('promote --json: bytes-sent and bytes-shared are numbers; a failure keeps the envelope with its errors', async () => {
    const dest = `${plain()}/${uniqueRepo('contract/pj')}`;
    const r = await hoist(['promote', '--source', `${built.repo}@${built.digest}`, '--destinations', dest, '--tags', 'x', ...ins(plain()), '--json'], { cwd });
    const j = JSON.parse(r.stdout) as { exitCode: number; outputs: Record<string, unknown> };
    expect(j.exitCode).toBe(0);
    expect(typeof j.outputs['bytes-sent']).toBe('number');
    expect(typeof j.outputs['bytes-shared']).toBe('number');
    expect(j.outputs.tags).toEqual([`${dest}:x`]);
    const down = await hoist(
      ['promote', '--source', `${DEAD}/a/b@${built.digest}`, '--destinations', dest, '--tags', 'x', '--retries', '0', ...ins(DEAD, plain()), '--json'],
      { cwd },
    );
    const f = JSON.parse(down.stdout) as { ok: boolean; exitCode: number; errors: string[] };
    expect([f.ok, f.exitCode, down.code, f.errors.length > 0]).toEqual([false, 3, 3, true]);
  }, 120_000);

  it('stale --json: stale is an array; tags list --json an array of {tag}; --digest an array of tag records; audit --json the findings', async () => {
    const s = await hoist(['stale', '--images', `${built.repo}:1.0.0`, ...ins(plain()), '--json'], { cwd });
    expect((JSON.parse(s.stdout) as { outputs: { stale: unknown } }).outputs.stale).toEqual([]);
    const l = await hoist(['tags', 'list', built.repo, ...ins(plain()), '--json'], { cwd });
    expect(JSON.parse(l.stdout)).toEqual([{ tag: '1.0.0' }]);
    const d = await hoist(['tags', 'list', built.repo, '--digest', ...ins(plain()), '--json'], { cwd });
    expect(JSON.parse(d.stdout)).toEqual([expect.objectContaining({ tag: '1.0.0', digest: built.digest })]);
    const a = await hoist(['audit', `${built.repo}:1.0.0`, ...ins(plain()), '--json'], { cwd, env: { HOIST_AUDIT_VALUES: VALUE } });
    const audit = JSON.parse(a.stdout) as { findings: Array<{ severity: string }> };
    expect(audit.findings.some((f) => f.severity === 'leak')).toBe(true);
    expect(a.stdout + a.stderr).not.toContain(VALUE);
  }, 120_000);

  it('a closed pipe ends quietly: tags list of 300 tags | head -1, 20 times', async () => {
    const repo = `${plain()}/${uniqueRepo('contract/pipe')}`;
    const image = releaseImage('1.0.0', 'p');
    await push(image, repo, []);
    const c = new RegistryClient({ host: plain(), insecure: true, retries: 0, userAgent: 't' });
    const path = parseRepository(repo).path;
    for (let i = 0; i < 300; i += 20)
      await Promise.all(
        Array.from({ length: 20 }, (_, k) => c.putManifest(path, `t${String(i + k).padStart(3, '0')}`, image.graph.root.bytes, image.graph.root.mediaType)),
      );
    await c.close();
    for (let i = 0; i < 20; i++) {
      const r = await new Promise<{ code: number | null; out: string; err: string }>((done) => {
        const sh = spawn(
          'bash',
          ['-o', 'pipefail', '-c', `"${process.execPath}" "${join(ROOT, 'dist/cli.js')}" tags list ${repo} --insecure-registries ${plain()} | head -1`],
          {
            cwd,
            stdio: ['ignore', 'pipe', 'pipe'],
          },
        );
        let out = '';
        let err = '';
        sh.stdout.on('data', (b: Buffer) => (out += b.toString()));
        sh.stderr.on('data', (b: Buffer) => (err += b.toString()));
        sh.on('close', (code) => done({ code, out, err }));
      });
      expect(r).toEqual({ code: 0, out: 't000\n', err: '' });
    }
  }, 180_000);
});
