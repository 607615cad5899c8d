// The prune pipeline through its Effects seam against an in-process registry: the tags that go are
// deleted and only those, a digest another tag keeps stays, protected tags stay; a dry run deletes
// nothing; a registry that refuses deletes changes nothing. The platform is a recording fake.
// Nearest real-world variant: a nightly job keeping the newest 10 `sha-*` and `pr-*` tags of a
// GHCR repository, with `latest` and the release tags left alone.
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.js';
import { memorySource } from '../../test/support/images.js';
import { MemoryRegistry } from '../../test/support/memory-registry.js';
import { harness } from '../../test/support/pipeline.js';
import { pushGraph } from '../push/engine.js';
import { RegistryClient } from '../registry/client.js';
import { prune } from './prune.js';

const registries: MemoryRegistry[] = [];
afterEach(async () => {
  await Promise.all(registries.splice(0).map((r) => r.close()));
});
const start = async (o: Parameters<typeof MemoryRegistry.start>[0] = {}) => {
  const r = await MemoryRegistry.start(o);
  registries.push(r);
  return r;
};
const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as Error,
  );
const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** An image created at `created` (its config's time), pushed to `reg`'s acme/app under `tags`; its digest. */
async function dated(reg: MemoryRegistry, created: string, tags: string[]): Promise<string> {
  const blobs = new Map<string, Buffer>();
  const add = (b: Buffer, mediaType: string) => {
    blobs.set(sha256(b), b);
    return { mediaType, digest: sha256(b), size: b.length };
  };
  const layer = add(Buffer.from(`layer of ${created}`), 'application/vnd.oci.image.layer.v1.tar');
  const config = add(
    Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', created, rootfs: { type: 'layers', diff_ids: [layer.digest] } })),
    'application/vnd.oci.image.config.v1+json',
  );
  const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config, layers: [layer] }));
  const graph = { root: { digest: sha256(bytes), mediaType: 'application/vnd.oci.image.manifest.v1+json', bytes }, children: [], blobs: [config, layer] };
  const client = new RegistryClient({ host: reg.host, insecure: true, retries: 0, userAgent: 'test' });
  await pushGraph(graph, memorySource(blobs), [{ repository: { registry: reg.host, host: reg.host, path: 'acme/app' }, tags }], {
    clientFor: () => client,
    concurrency: 2,
    perHost: 2,
  });
  await client.close();
  return graph.root.digest;
}

/** sha-1 (oldest) … sha-4 (newest), sha-2 also tagged 1.0.0, sha-4 also latest. */
async function repository(reg: MemoryRegistry) {
  const day = (d: number) => `2026-11-0${d}T12:00:00Z`;
  return {
    one: await dated(reg, day(1), ['sha-1']),
    two: await dated(reg, day(2), ['sha-2', '1.0.0']),
    three: await dated(reg, day(3), ['sha-3']),
    four: await dated(reg, day(4), ['sha-4', 'latest']),
  };
}
const tagsOf = (r: MemoryRegistry) => [...(r.repos.get('acme/app')?.tags.keys() ?? [])].sort();
const deletes = (r: MemoryRegistry) => r.requests.filter((q) => q.method === 'DELETE');

describe('prune pipeline', () => {
  // Property: of the matched tags the newest `keep` stay; of the rest only those whose image no
  // kept tag shares go, deleted as tags (the image a release tag holds stays); outputs and summary pinned.
  it('keeps the newest, deletes the rest but a release’s image; outputs and summary as pinned', async () => {
    const reg = await start();
    const { one, three, four } = await repository(reg);
    const h = await harness({ repository: `${reg.host}/acme/app`, keep: '1', match: 'sha-*', 'insecure-registries': reg.host, retries: '0' });
    await prune(h.fx);
    expect(tagsOf(reg)).toEqual(['1.0.0', 'latest', 'sha-2', 'sha-4']);
    expect(reg.repos.get('acme/app')!.manifests.has(four)).toBe(true);
    expect([...reg.repos.get('acme/app')!.tags.values()]).not.toContain(one);
    expect([...reg.repos.get('acme/app')!.tags.values()]).not.toContain(three);
    expect(Object.fromEntries(h.platform.outputs)).toEqual({ pruned: 'sha-1\nsha-3', kept: 'sha-2\nsha-4' });
    expect([...h.platform.outputCounts.values()].every((n) => n === 1)).toBe(true);
    expect(h.platform.summaries).toEqual([`### Hoist prune: \`${reg.host}/acme/app\`\n\nPruned 2 of 6 tags: \`sha-1\`, \`sha-3\`.\n`]);
    expect(h.platform.log()).toContain('keep sha-2: its image is also tagged outside the match (a release): kept');
  });

  // Property: dry-run decides as a real run does and changes nothing.
  it('dry-run: the same decision, nothing deleted, the summary says "Would prune"', async () => {
    const reg = await start();
    await repository(reg);
    const h = await harness({ repository: `${reg.host}/acme/app`, keep: '1', match: 'sha-*', 'dry-run': 'true', 'insecure-registries': reg.host });
    await prune(h.fx);
    // Its one DELETE asks whether the registry deletes at all, of a manifest no one has (maintain/delete.ts checkDeletes).
    const asked = deletes(reg).map((r) => r.path.replace(/[0-9a-f]{64}$/, 'X'));
    expect(asked).toEqual(['/v2/acme/app/manifests/sha256:X']);
    expect(tagsOf(reg)).toHaveLength(6);
    expect(h.platform.outputs.get('pruned')).toBe('sha-1\nsha-3');
    expect(h.platform.summaries).toEqual([`### Hoist prune: \`${reg.host}/acme/app\`\n\nWould prune 2 of 6 tags: \`sha-1\`, \`sha-3\`.\n`]);
  });

  // Property: nothing to prune is a run that says so, with empty outputs.
  it('nothing matched past keep: no delete, empty pruned output, "Pruned 0 of N tags."', async () => {
    const reg = await start();
    await repository(reg);
    const h = await harness({ repository: `${reg.host}/acme/app`, keep: '10', 'insecure-registries': reg.host });
    await prune(h.fx);
    expect(deletes(reg)).toEqual([]);
    expect(Object.fromEntries(h.platform.outputs)).toEqual({ pruned: '', kept: '1.0.0\nlatest\nsha-1\nsha-2\nsha-3\nsha-4' });
    expect(h.platform.summaries).toEqual([`### Hoist prune: \`${reg.host}/acme/app\`\n\nPruned 0 of 6 tags.\n`]);
  });

  // Property: a registry that does not delete (Docker Hub without the API, distribution without
  // REGISTRY_STORAGE_DELETE_ENABLED) is found out before the first tag changes: nothing moved.
  it('a registry that refuses deletes: the run fails, every tag where it was, no output', async () => {
    const reg = await start({ refuseDeletes: true });
    await repository(reg);
    const before = new Map(reg.repos.get('acme/app')!.tags);
    const h = await harness({ repository: `${reg.host}/acme/app`, keep: '1', match: 'sha-*', 'insecure-registries': reg.host, retries: '0' });
    const e = await failure(prune(h.fx));
    expect(e?.message).toMatch(/delet/i);
    expect(reg.repos.get('acme/app')!.tags).toEqual(before);
    expect([h.platform.outputs.size, h.platform.summaries]).toEqual([0, []]);
  });

  // A dry run on such a registry is refused as the real run is (it said "Would prune", and the real run then failed).
  it('a dry run on a registry that refuses deletes fails as the real run does, every tag where it was', async () => {
    const reg = await start({ refuseDeletes: true });
    await repository(reg);
    const before = new Map(reg.repos.get('acme/app')!.tags);
    const h = await harness({
      repository: `${reg.host}/acme/app`,
      keep: '1',
      match: 'sha-*',
      'dry-run': 'true',
      'insecure-registries': reg.host,
      retries: '0',
    });
    const e = await failure(prune(h.fx));
    expect(e?.message).toMatch(/delet/i);
    expect(reg.repos.get('acme/app')!.tags).toEqual(before);
  });

  // Property: bad inputs are one ConfigError naming each, before any request.
  it('bad inputs: every one named, no request made', async () => {
    const reg = await start();
    const h = await harness({ repository: '', keep: 'some', 'older-than': 'a while', 'insecure-registries': reg.host });
    const e = await failure(prune(h.fx));
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).issues).toEqual([
      { input: 'repository', message: 'no repository given: the repository to prune, e.g. registry.acme/team/app' },
      { input: 'keep', message: "'some' is not a whole number of tags to keep" },
      { input: 'older-than', message: "'a while' is not a duration (90m, 12h, 30d, 2w)" },
    ]);
    expect(reg.requests).toEqual([]);
  });
});
