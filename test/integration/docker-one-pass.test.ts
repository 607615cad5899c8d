// The docker path in one pass: `docker save`'s archive is read once — hashed, written to the layout
// and audited as it streams — and the audit stage reads only what did not stream. The audit still
// reads every byte of every layer: a secret in a base layer (one the push takes from the base's
// registry, never sends) fails the build, names that layer by the base's own blob, and nothing is
// pushed; its clean twin pushes, and the registry holds the digest Hoist reported, every blob intact.
// Nearest real-world variant: a company base image that once baked a deploy token into a layer.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { hoist, lab, leaks, run, skopeoDigest, skopeoPullsIntact, uniqueRepo } from './lab.js';

const TOKEN = `deploy-${Math.random().toString(36).slice(2)}-${Date.now().toString(36)}-token`;
const OTHER = `unrelated-${Math.random().toString(36).slice(2)}-value`;

describe('docker builder: one pass over docker save', () => {
  const { host } = lab().registries.plain;
  const base = `${host}/${uniqueRepo('one-pass/base')}:1`;
  let baseLayers: string[] = [];

  beforeAll(async () => {
    // The token in the middle of a 16 MB layer: it streams by in many chunks, across their edges.
    const ctx = await mkdtemp(join(tmpdir(), 'hoist-one-pass-base-'));
    await writeFile(join(ctx, 'token'), TOKEN);
    await writeFile(
      join(ctx, 'Dockerfile'),
      `FROM ${host}/lab/busybox:1.36\nCOPY token /tmp/token\nRUN head -c 8000000 /dev/urandom > /big && cat /tmp/token >> /big && head -c 8000000 /dev/urandom >> /big && rm /tmp/token\n`,
    );
    await run('docker', ['build', '-q', '-t', base, ctx]);
    await run('docker', ['push', '--quiet', base]);
    const manifest = JSON.parse(await run('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${base}`])) as { layers: Array<{ digest: string }> };
    baseLayers = manifest.layers.map((l) => l.digest);
  }, 180_000);

  async function app(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'hoist-one-pass-'));
    await writeFile(join(dir, 'Dockerfile'), `FROM ${base}\nRUN echo ${Math.random()} > /n\n`);
    return dir;
  }
  const build = (dir: string, repo: string, secret: string) =>
    hoist(['build', '--builder', 'docker', '--images', repo, '--version', '1.0.0', '--insecure-registries', host, '--json'], {
      cwd: dir,
      env: { HOIST_SECRETS: `deploy-token=${secret}` },
    });

  it('a secret in a base layer is found as the layer streams: the build fails naming the base blob, nothing is pushed', async () => {
    const dir = await app();
    const repo = `${host}/${uniqueRepo('one-pass/leak')}`;
    const r = await build(dir, repo, TOKEN);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/docker save → OCI layout: .* 4 audited as they streamed/);
    expect(r.stderr).toContain('the audit found');
    // Named by the base's own registry blobs (the layers the push would take from the base's registry).
    const named = [...r.stderr.matchAll(/secret 'deploy-token'[^\n]* in layer (sha256:[a-f0-9]{64}) \(/g)].map((m) => m[1]);
    expect(named.length, r.stderr).toBeGreaterThan(0);
    for (const d of named) expect(baseLayers).toContain(d);
    // The 16 MB layer, the token across the chunks it streamed in, and the COPY layer.
    expect(r.stderr).toMatch(/in layer sha256:[a-f0-9]{64} \(head -c 8000000 [^\n]*\), big\n/);
    expect(r.stderr).toMatch(/in layer sha256:[a-f0-9]{64} \(COPY [^\n]*\), tmp\/token\n/);
    expect(leaks(r.stdout + r.stderr, TOKEN)).toBe(false);
    expect(await skopeoDigest(`${repo}:1.0.0`)).toBeUndefined();
  }, 180_000);

  it('its clean twin pushes: the registry holds the digest Hoist reported, base layers by their own blobs, every blob intact', async () => {
    const dir = await app();
    const repo = `${host}/${uniqueRepo('one-pass/clean')}`;
    const r = await build(dir, repo, OTHER);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/docker save → OCI layout: .* 4 audited as they streamed/);
    expect(r.stderr).toMatch(/audit: 4 layers \([\d.]+ MiB decompressed\), config and annotations checked for \d+ values: none found/);
    const digest = (JSON.parse(r.stdout) as { outputs: { digest: string } }).outputs.digest;
    expect(digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(await skopeoDigest(`${repo}:1.0.0`)).toBe(digest);
    const manifest = JSON.parse(await run('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${repo}@${digest}`])) as {
      layers: Array<{ digest: string }>;
    };
    expect(manifest.layers.slice(0, baseLayers.length).map((l) => l.digest)).toEqual(baseLayers);
    expect(await skopeoPullsIntact(`${repo}@${digest}`)).toBe(true);
  }, 180_000);
});
