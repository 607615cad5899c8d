// Joining per-platform images into one index, against an in-memory registry: what each source
// brings, the collision refused before anything is written, the same image named twice listed once.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MemoryRegistry } from '../../test/support/memory-registry.js';
import { testImage, testIndex } from '../../test/support/images.js';
import { ConfigError } from '../core/errors.js';
import { parseReference, parseRepository } from '../core/reference.js';
import { RegistryClient } from '../registry/client.js';
import { pushGraph } from './engine.js';
import { joinParts, readPart } from './merge.js';

const KiB = 1024;

async function setup() {
  const registry = await MemoryRegistry.start();
  const client = new RegistryClient({ host: registry.host, insecure: true, retries: 0, userAgent: 't', sleep: async () => {} });
  const options = { clientFor: () => client, concurrency: 4, perHost: 4 };
  const push = async (image: ReturnType<typeof testImage>, path: string, tags: string[] = []) => {
    const [r] = await pushGraph(image.graph, image.source, [{ repository: parseRepository(`${registry.host}/${path}`), tags }], options);
    if (r!.error) throw r!.error;
    return parseReference(`${registry.host}/${path}@${image.graph.root.digest}`);
  };
  return { registry, client, options, push, [Symbol.asyncDispose]: async () => (await client.close(), await registry[Symbol.asyncDispose]()) };
}

describe('joinParts', () => {
  it('joins an amd64 and an arm64 image into one index that the registry takes with its children', async () => {
    await using s = await setup();
    const amd = await s.push(testImage([4 * KiB], undefined, 'amd64'), 'parts');
    const arm = await s.push(testImage([4 * KiB], undefined, 'arm64'), 'parts');
    const parts = [await readPart(s.client, amd), await readPart(s.client, arm)];
    const joined = joinParts(parts, () => s.client);
    expect(joined.platforms).toEqual(['linux/amd64', 'linux/arm64']);
    expect(joined.graph.children.map((c) => c.digest)).toEqual([amd.digest, arm.digest]);
    const target = [{ repository: parseRepository(`${s.registry.host}/app`), tags: ['1.0.0'] }];
    const [r] = await pushGraph(joined.graph, joined.source, target, { ...s.options, mountFrom: () => ['parts'] });
    expect(r!.error).toBeUndefined();
    expect(r!.blobsMounted).toBe(joined.graph.blobs.length); // every blob is in the sources' repository: mounted, none sent
    expect(r!.bytesSent).toBe(0);
    const index = await s.client.getManifest('app', '1.0.0');
    expect(index?.digest).toBe(joined.graph.root.digest);
    const listed = JSON.parse(index!.bytes.toString('utf8')) as { manifests: Array<{ digest: string; platform: { architecture: string } }> };
    expect(listed.manifests.map((m) => [m.digest, m.platform.architecture])).toEqual([
      [amd.digest, 'amd64'],
      [arm.digest, 'arm64'],
    ]);
  });

  it('refuses two different images of one platform, naming both, before anything is written', async () => {
    await using s = await setup();
    const one = await s.push(testImage([KiB]), 'parts');
    const two = await s.push(testImage([KiB]), 'parts');
    const parts = [await readPart(s.client, one), await readPart(s.client, two)];
    const writes = s.registry.requests.filter((r) => r.method !== 'GET' && r.method !== 'HEAD').length;
    let error: unknown;
    try {
      joinParts(parts, () => s.client);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues).toEqual([
      {
        input: 'sources',
        message: `linux/amd64 twice: ${s.registry.host}/parts@${one.digest} and ${s.registry.host}/parts@${two.digest}; each platform may come from one source only`,
      },
    ]);
    expect(s.registry.requests.filter((r) => r.method !== 'GET' && r.method !== 'HEAD').length).toBe(writes);
  });

  it('keeps an index source’s platforms, and lists an image that the index already holds once', async () => {
    await using s = await setup();
    const index = testIndex(2 * KiB);
    const [r] = await pushGraph(index.graph, index.source, [{ repository: parseRepository(`${s.registry.host}/multi`), tags: ['1'] }], s.options);
    expect(r!.error).toBeUndefined();
    const amdChild = index.graph.children[0]!.digest;
    const parts = [
      await readPart(s.client, parseReference(`${s.registry.host}/multi:1`)),
      await readPart(s.client, parseReference(`${s.registry.host}/multi@${amdChild}`)),
    ];
    const joined = joinParts(parts, () => s.client);
    expect(joined.platforms).toEqual(['linux/amd64', 'linux/arm64']);
    expect(joined.graph.children.map((c) => c.digest)).toEqual(index.graph.children.map((c) => c.digest));
  });

  it('turns a buildx runner’s attestation entry into a referrer of its image: the index lists platforms only', async () => {
    await using s = await setup();
    const image = testImage([2 * KiB], undefined, 'arm64');
    const statement = Buffer.from('{"_type":"https://in-toto.io/Statement/v0.1","predicateType":"https://slsa.dev/provenance/v0.2"}');
    const config = Buffer.from('{"architecture":"unknown","os":"unknown"}');
    const digestOf = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
    for (const b of [statement, config]) image.blobs.set(digestOf(b), b);
    const attestation = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digestOf(config), size: config.length },
        layers: [{ mediaType: 'application/vnd.in-toto+json', digest: digestOf(statement), size: statement.length }],
      }),
    );
    const root = image.graph.root;
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [
          { mediaType: root.mediaType, digest: root.digest, size: root.bytes.length, platform: { os: 'linux', architecture: 'arm64' } },
          {
            mediaType: 'application/vnd.oci.image.manifest.v1+json',
            digest: digestOf(attestation),
            size: attestation.length,
            platform: { os: 'unknown', architecture: 'unknown' },
            annotations: { 'vnd.docker.reference.digest': root.digest, 'vnd.docker.reference.type': 'attestation-manifest' },
          },
        ],
      }),
    );
    const graph = {
      root: { digest: digestOf(index), mediaType: 'application/vnd.oci.image.index.v1+json', bytes: index },
      children: [root, { digest: digestOf(attestation), mediaType: 'application/vnd.oci.image.manifest.v1+json', bytes: attestation }],
      blobs: [
        ...image.graph.blobs,
        { mediaType: 'x', digest: digestOf(config), size: config.length },
        { mediaType: 'x', digest: digestOf(statement), size: statement.length },
      ],
    };
    const [r] = await pushGraph(graph, image.source, [{ repository: parseRepository(`${s.registry.host}/parts`), tags: [] }], s.options);
    expect(r!.error).toBeUndefined();
    const amd = await s.push(testImage([KiB]), 'parts');
    const joined = joinParts(
      [await readPart(s.client, parseReference(`${s.registry.host}/parts@${digestOf(index)}`)), await readPart(s.client, amd)],
      () => s.client,
    );
    expect(joined.platforms).toEqual(['linux/arm64', 'linux/amd64']);
    expect((JSON.parse(joined.graph.root.bytes.toString('utf8')) as { manifests: unknown[] }).manifests).toHaveLength(2);
    expect(joined.graph.children.map((c) => c.digest)).toEqual([root.digest, amd.digest]);
    const [pushed] = await pushGraph(joined.graph, joined.source, [{ repository: parseRepository(`${s.registry.host}/app`), tags: ['1'] }], {
      ...s.options,
      mountFrom: () => ['parts'],
    });
    expect(pushed!.error).toBeUndefined();
    const referrers = await s.client.referrers('app', root.digest);
    expect(referrers.map((x) => x.artifactType)).toEqual(['application/vnd.docker.attestation.manifest.v1+json']);
  });

  it('refuses a source whose registry holds another digest than the one named', async () => {
    await using s = await setup();
    const amd = await s.push(testImage([KiB]), 'parts');
    const wrong = parseReference(`${s.registry.host}/parts@sha256:${'0'.repeat(64)}`);
    await expect(readPart(s.client, wrong)).rejects.toThrow(/no manifest sha256:0{64}/);
    expect((await readPart(s.client, amd)).entries[0]!.platform).toEqual({ os: 'linux', architecture: 'amd64' });
  });
});
