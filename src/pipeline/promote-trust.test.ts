// What a promotion may trust, through the pipeline's Effects seam between in-process registries:
// mount-from forms and unusable hints, an untrusted source naming a repository in its base.name
// label, and release tags that hold another commit's image.
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.js';
import { harness } from '../../test/support/pipeline.js';
import { MemoryRegistry } from '../../test/support/memory-registry.js';
import { releaseImage } from '../../test/support/releases.js';
import { parseRepository } from '../core/reference.js';
import { pushGraph } from '../push/engine.js';
import { RegistryClient } from '../registry/client.js';
import { promote } from './promote.js';

const registries: MemoryRegistry[] = [];
afterEach(async () => {
  await Promise.all(registries.splice(0).map((r) => r.close()));
});
const start = async (o: Parameters<typeof MemoryRegistry.start>[0] = {}) => {
  const r = await MemoryRegistry.start(o);
  registries.push(r);
  return r;
};
const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

async function pushed(reg: MemoryRegistry, path: string, version: string, revision: string, tags: string[]) {
  const image = releaseImage(version, revision);
  const client = new RegistryClient({ host: reg.host, insecure: true, retries: 0, userAgent: 'test' });
  const [r] = await pushGraph(image.graph, image.source, [{ repository: parseRepository(`${reg.host}/${path}`), tags }], {
    clientFor: () => client,
    concurrency: 2,
    perHost: 2,
  });
  await client.close();
  expect(r!.error).toBeUndefined();
  return image;
}

describe('promote: mount-from', () => {
  it('takes registry/repo and bare repo; a hint the registry refuses is skipped with a log line, and the blob is sent', async () => {
    const src = await start();
    const dest = await start({ fault: (q) => (q.method === 'POST' && q.query.get('from') === 'refused/base' ? { status: 403 } : undefined) });
    const image = await pushed(src, 'acme/app', '1.0.0', 'r1', ['1.0.0']);
    const layer = image.graph.blobs[1]!;
    dest.seedBlob('base/named', image.blobs.get(layer.digest)!);
    const h = await harness({
      source: `${src.host}/acme/app:1.0.0`,
      destinations: `${dest.host}/prod/app`,
      'mount-from': `refused/base\n${dest.host}/base/named\nother.example/elsewhere`,
      'insecure-registries': `${src.host},${dest.host}`,
      retries: '0',
    });
    await promote(h.fx);
    expect(dest.requests.some((r) => r.method === 'POST' && r.query.get('from') === 'base/named' && r.query.get('mount') === layer.digest)).toBe(true);
    expect(dest.requests.some((r) => r.query.get('from') === 'elsewhere')).toBe(false); // a hint for another registry
    expect(h.platform.log()).toMatch(/mount-from refused\/base skipped — .*403/);
    expect(Number(h.platform.outputs.get('bytes-sent'))).toBe(image.graph.blobs[0]!.size); // the config; the layer was mounted
  });

  it('refuses a malformed line (and a wrong release-tags) before anything runs, naming the inputs', async () => {
    const src = await start();
    const h = await harness({
      source: `${src.host}/acme/app:1.0.0`,
      destinations: `${src.host}/prod/app`,
      'mount-from': `Base/BusyBox\n${src.host}/base/ok`,
      'release-tags': 'sometimes',
      'insecure-registries': src.host,
    });
    const e = await promote(h.fx).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).issues).toEqual([
      { input: 'mount-from', message: expect.stringMatching(/^'Base\/BusyBox' is not a repository: give registry\/repo or repo/) },
      { input: 'release-tags', message: expect.stringMatching(/sometimes/) },
    ]);
    expect(src.requests).toEqual([]);
  });
});

describe('promote: an untrusted source', () => {
  /**
   * Property: a blob is mounted from a repository the source's base.name label names only when the
   * source holds it. Nearest real-world variant: promoting a third party's image whose label names
   * a private base repository of yours that holds a layer digest it copied from a leak.
   */
  it("listing a blob it never held and naming a repository that holds it does not get it mounted with the promoter's credentials", async () => {
    const evil = await start();
    const dest = await start();
    const secret = Buffer.from(`private layer ${Math.random()}`);
    const secretDigest = dest.seedBlob('secret/base', secret);
    const config = Buffer.from(
      JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Labels: { 'org.opencontainers.image.base.name': `${dest.host}/secret/base:1` } } }),
    );
    const configDigest = evil.seedBlob('evil/app', config);
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: secretDigest, size: secret.length }],
      }),
    );
    const digest = sha256(manifest);
    evil.repo('evil/app').manifests.set(digest, { bytes: manifest, mediaType: 'application/vnd.oci.image.manifest.v1+json' });
    const h = await harness({
      source: `${evil.host}/evil/app@${digest}`,
      destinations: `${dest.host}/prod/app`,
      tags: 'stolen',
      'insecure-registries': `${evil.host},${dest.host}`,
      retries: '0',
    });
    await expect(promote(h.fx)).rejects.toThrow(/promotion failed/);
    expect(dest.requests.some((r) => r.method === 'POST' && r.query.get('mount') === secretDigest)).toBe(false);
    expect(dest.requests.some((r) => r.method === 'DELETE' && r.path.includes('/blobs/uploads/'))).toBe(true); // the upload session cancelled
    expect(dest.repos.get('prod/app')?.blobs.has(secretDigest) ?? false).toBe(false);
    expect(dest.repos.get('prod/app')?.tags.size ?? 0).toBe(0);
    expect(h.platform.log()).toContain(`mount-from secret/base skipped — the source does not hold ${secretDigest}`);
  });

  it('whose base.name repository holds a layer the source also holds gets it mounted (the source is shown to hold it)', async () => {
    const src = await start();
    const dest = await start();
    const image = releaseImage('1.0.0', 'r1');
    const layer = image.graph.blobs[1]!;
    dest.seedBlob('lab/base', image.blobs.get(layer.digest)!);
    const config = JSON.parse(image.blobs.get(image.graph.blobs[0]!.digest)!.toString()) as { config: { Labels: Record<string, string> } };
    expect(config.config.Labels['org.opencontainers.image.revision']).toBe('r1');
    await pushed(src, 'acme/app', '1.0.0', 'r1', []);
    // The same layer bytes in the source's repository, under an image whose label names lab/base.
    const labelled = Buffer.from(
      JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Labels: { 'org.opencontainers.image.base.name': `${dest.host}/lab/base:1` } } }),
    );
    const configDigest = src.seedBlob('acme/app', labelled);
    src.seedBlob('acme/app', image.blobs.get(layer.digest)!);
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: labelled.length },
        layers: [layer],
      }),
    );
    src.repo('acme/app').manifests.set(sha256(manifest), { bytes: manifest, mediaType: 'application/vnd.oci.image.manifest.v1+json' });
    const h = await harness({
      source: `${src.host}/acme/app@${sha256(manifest)}`,
      destinations: `${dest.host}/prod/app`,
      tags: 'ok',
      'insecure-registries': `${src.host},${dest.host}`,
      retries: '0',
    });
    await promote(h.fx);
    expect(dest.requests.some((r) => r.method === 'POST' && r.query.get('from') === 'lab/base' && r.query.get('mount') === layer.digest)).toBe(true);
    expect(Number(h.platform.outputs.get('bytes-sent'))).toBe(labelled.length);
  });
});

describe('promote: release tags', () => {
  /** Property: a version tag never silently moves to another commit's image. Nearest real-world variant: `promote --tags 1.4.2` of a rebuild from another commit. */
  it('a version tag on another revision is not moved (naming tag, digest, revision); the same revision moves; overwrite moves', async () => {
    const src = await start();
    const dest = await start();
    const old = await pushed(dest, 'prod/app', '1.4.2', 'aaaa111', ['1.4.2', 'stable']);
    await pushed(src, 'acme/app', '1.4.2', 'bbbb222', ['1.4.2']);
    const inputs = {
      source: `${src.host}/acme/app:1.4.2`,
      destinations: `${dest.host}/prod/app`,
      tags: '1.4.2, stable',
      'insecure-registries': `${src.host},${dest.host}`,
      retries: '0',
    };
    const h = await harness(inputs);
    await expect(promote(h.fx)).rejects.toThrow(
      new RegExp(
        `prod/app:1\\.4\\.2 is a release tag and holds ${old.graph.root.digest}, built from revision aaaa111, not this image's revision bbbb222: not moved.*release-tags: overwrite`,
      ),
    );
    expect(dest.repos.get('prod/app')!.tags.get('1.4.2')).toBe(old.graph.root.digest);
    expect(dest.repos.get('prod/app')!.tags.get('stable')).toBe(old.graph.root.digest); // nothing else moved either

    const same = await pushed(src, 'acme/app', '1.4.2', 'aaaa111', ['rerun']); // a rebuild of the same commit (another digest)
    await promote((await harness({ ...inputs, source: `${src.host}/acme/app:rerun`, tags: '1.4.2' })).fx);
    expect(dest.repos.get('prod/app')!.tags.get('1.4.2')).toBe(same.graph.root.digest);

    await promote((await harness({ ...inputs, 'release-tags': 'overwrite' })).fx);
    expect(dest.repos.get('prod/app')!.tags.get('stable')).toBe(dest.repos.get('prod/app')!.tags.get('1.4.2'));
    expect(dest.repos.get('prod/app')!.tags.get('1.4.2')).not.toBe(same.graph.root.digest);
  });
});
