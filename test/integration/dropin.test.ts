// What a workflow written for docker/build-push-action + metadata-action keeps when it switches:
// annotations with metadata-action's levels land where they belong (or are refused, before
// anything runs, where the builder cannot place them), build-push-action's metadata keys are
// there for `fromJSON(steps.build.outputs.metadata)['containerimage.digest']`, and a registry with
// immutable tags takes a re-run (nothing re-written) and names the tag it will not move.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryRegistry } from '../support/memory-registry.js';
import { lab, run, runAction, uniqueRepo } from './lab.js';

async function workspaceWith(dockerfile: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hoist-ws-'));
  await writeFile(join(dir, 'Dockerfile'), dockerfile);
  return dir;
}

describe('a drop-in for build-push-action and metadata-action', () => {
  const plain = () => lab().registries.plain.host;

  it('puts manifest-level annotations on the manifest, and gives build-push-action’s metadata keys', async () => {
    const ws = await workspaceWith(`FROM ${plain()}/lab/busybox:1.36\nRUN echo ${uniqueRepo('n')} > /n\n`);
    const repo = `${plain()}/${uniqueRepo('dropin/app')}`;
    const r = await runAction({
      workspace: ws,
      inputs: {
        images: repo,
        version: '1.2.3',
        builder: 'docker',
        annotations: 'manifest:org.opencontainers.image.description=from metadata-action\ncom.acme.team=platform',
        'insecure-registries': plain(),
      },
    });
    expect(r.errors).toEqual([]);
    const manifest = JSON.parse(await run('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${repo}:1.2.3`])) as {
      annotations: Record<string, string>;
    };
    expect(manifest.annotations['org.opencontainers.image.description']).toBe('from metadata-action');
    expect(manifest.annotations['com.acme.team']).toBe('platform');
    expect(Object.keys(manifest.annotations).some((k) => k.includes(':'))).toBe(false);
    const metadata = JSON.parse(r.outputs.metadata!) as Record<string, unknown>;
    expect(metadata['containerimage.digest']).toBe(r.outputs.digest);
    expect((metadata['image.name'] as string).split(',')).toContain(`${repo}:1.2.3`);
  }, 120_000);

  it('refuses index-level annotations on a builder that makes one manifest, before anything is built', async () => {
    const ws = await workspaceWith(`FROM ${plain()}/lab/busybox:1.36\n`);
    const repo = `${plain()}/${uniqueRepo('dropin/index')}`;
    const r = await runAction({
      workspace: ws,
      inputs: { images: repo, tags: 't', builder: 'docker', annotations: 'index:org.opencontainers.image.title=x', 'insecure-registries': plain() },
    });
    expect(r.exitCode).toBe(1);
    expect(r.errors.join('\n')).toMatch(/^Input 'annotations': annotations at 'index:' .* needs buildx or buildctl/);
    expect(r.log).not.toContain('Build (docker)');
  }, 60_000);

  it('re-runs against a registry with immutable tags, and names the tag it cannot move', async () => {
    await using registry = await MemoryRegistry.start({ immutableTags: true });
    const repo = `${registry.host}/team/app`;
    const base = `${plain()}/lab/busybox:1.36`;
    const build = async (content: string) =>
      runAction({
        workspace: await workspaceWith(`FROM ${base}\nRUN echo ${content} > /content\n`),
        inputs: {
          images: repo,
          version: '3.0.0',
          created: '2026-11-20T09:30:00Z',
          builder: 'docker',
          'insecure-registries': `${registry.host}, ${plain()}`,
        },
      });
    const content = uniqueRepo('c');
    const first = await build(content);
    expect(first.errors).toEqual([]);
    const tagPuts = () => registry.requests.filter((q) => q.method === 'PUT' && /\/manifests\/(?!sha256:)/.test(q.path)).length;
    const before = tagPuts();
    const again = await build(content); // the same commit again: cached, the same digest
    expect(again.errors).toEqual([]);
    expect(again.outputs.digest).toBe(first.outputs.digest);
    expect(tagPuts()).toBe(before);
    const changed = await build(uniqueRepo('other'));
    expect(changed.exitCode).toBe(1);
    expect(changed.errors.join('\n')).toMatch(
      new RegExp(`${repo.replace(/[.]/g, '\\.')}:\\S+ is at sha256:[a-f0-9]{64} and the registry refused to move it .*immutable`),
    );
  }, 180_000);

  it('tags variants on their own lines: a backport of the alpine variant moves only its own floating tags', async () => {
    const ws = await workspaceWith(`FROM ${plain()}/lab/busybox:1.36\n`);
    const repo = `${plain()}/${uniqueRepo('dropin/variants')}`;
    const release = async (version: string, suffix?: string) => {
      const r = await runAction({
        workspace: ws,
        inputs: {
          images: repo,
          version,
          builder: 'docker',
          'auto-tags': 'version',
          'insecure-registries': plain(),
          ...(suffix ? { 'tag-suffix': suffix } : {}),
        },
      });
      expect(r.errors).toEqual([]);
      return r.outputs.digest!;
    };
    const plain210 = await release('2.1.0');
    const alpine200 = await release('2.0.0', '-alpine,onlatest=true');
    const alpine195 = await release('1.9.5', '-alpine,onlatest=true'); // a backport
    const at = async (tag: string) => (await run('skopeo', ['inspect', '--tls-verify=false', '--format', '{{.Digest}}', `docker://${repo}:${tag}`])).trim();
    expect(await at('2-alpine')).toBe(alpine200);
    expect(await at('latest-alpine')).toBe(alpine200);
    expect(await at('1-alpine')).toBe(alpine195);
    expect(await at('1.9-alpine')).toBe(alpine195);
    expect(await at('2')).toBe(plain210);
    expect(await at('latest')).toBe(plain210);
  }, 180_000);

  it('gives RUN steps the ulimit asked for (buildah); builders that would ignore shm-size or ulimit refuse them first', async () => {
    const ws = await workspaceWith(`FROM ${plain()}/lab/busybox:1.36\nRUN echo ${uniqueRepo('n')} && echo "nofile $(ulimit -n) of $(ulimit -Hn)"\n`);
    const inputs = { images: `${plain()}/${uniqueRepo('dropin/limits')}`, tags: 't', ulimit: 'nofile=2048:4096', push: 'false' };
    const r = await runAction({ workspace: ws, inputs: { ...inputs, builder: 'buildah' } });
    expect(r.errors).toEqual([]);
    expect(r.log).toMatch(/nofile 2048 of 4096/);
    const shm = await runAction({ workspace: ws, inputs: { ...inputs, 'shm-size': '256m', builder: 'buildah' } });
    expect(shm.errors).toEqual([expect.stringMatching(/^Input 'shm-size': a \/dev\/shm size \(buildah's chroot isolation/)]);
    const refused = await runAction({ workspace: ws, inputs: { ...inputs, 'shm-size': '256m', builder: 'docker' } });
    expect(refused.errors).toEqual([
      "Input 'shm-size': a /dev/shm size (the daemon's BuildKit ignores --shm-size) needs buildx or buildctl; builder docker cannot (the docker CLI without buildx)",
      "Input 'ulimit': ulimits (the daemon's BuildKit ignores --ulimit) needs buildx, buildctl or buildah; builder docker cannot (the docker CLI without buildx)",
    ]);
  }, 120_000);
});
