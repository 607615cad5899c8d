import { createHash } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { layerTar } from '../../test/support/tar.js';
import { MemoryRegistry } from '../../test/support/memory-registry.js';
import { auditLayout } from '../audit/audit.js';
import { buildPlatform, learnBase } from '../builders/bases.js';
import { parseReference, parseRepository } from '../core/reference.js';
import { pushGraph } from '../push/engine.js';
import { RegistryClient } from '../registry/client.js';
import { absentBaseLayers, adoptBaseLayers, adoptingSource, localBlob, mountHints } from './adopt.js';
import { convertDockerSave } from './docker-save.js';
import { layoutGraph, layoutSource } from './graph.js';
import { readLayoutRoot } from './layout.js';

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** A base image in the registry as another tool wrote it: Docker media types, gzip level 9, under `path:tag`. */
async function seedBase(reg: MemoryRegistry, client: RegistryClient, path: string, layers: Buffer[], asIndex = false) {
  const blobs = layers.map((l) => gzipSync(l, { level: 9 }));
  for (const b of blobs) reg.seedBlob(path, b);
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: layers.map(sha) } }));
  reg.seedBlob(path, config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: sha(config), size: config.length },
      layers: blobs.map((b) => ({ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: sha(b), size: b.length })),
    }),
  );
  await client.putManifest(path, asIndex ? sha(manifest) : '1', manifest, 'application/vnd.docker.distribution.manifest.v2+json');
  if (asIndex) {
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [
          {
            mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
            digest: sha(manifest),
            size: manifest.length,
            platform: { os: 'linux', architecture: 's390x' },
          },
          {
            mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
            digest: sha(manifest),
            size: manifest.length,
            platform: { os: 'linux', architecture: 'amd64' },
          },
        ],
      }),
    );
    await client.putManifest(path, '1', index, 'application/vnd.oci.image.index.v1+json');
  }
  return blobs;
}

/** What `docker save` gives for an image of these layers. */
async function dockerSave(layers: Buffer[]): Promise<Buffer> {
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: layers.map(sha) } }));
  const pack = tar.pack();
  layers.forEach((l, i) => pack.entry({ name: `l${i}/layer.tar` }, l));
  pack.entry({ name: 'config.json' }, config);
  pack.entry({ name: 'manifest.json' }, JSON.stringify([{ Config: 'config.json', RepoTags: null, Layers: layers.map((_, i) => `l${i}/layer.tar`) }]));
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack as unknown as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

const client = (reg: MemoryRegistry) => new RegistryClient({ host: reg.host, insecure: true, retries: 1, userAgent: 't', sleep: async () => {} });

describe('base layers by their own blobs', () => {
  it('names the base layers by the registry blobs, pushes only the rest, and streams the base where a registry lacks it', async () => {
    await using a = await MemoryRegistry.start();
    await using b = await MemoryRegistry.start();
    const ca = client(a);
    const cb = client(b);
    const base = [await layerTar('bin/sh', Buffer.alloc(200_000, 7)), await layerTar('etc/base.conf', 'token=BASE-SECRET-123')];
    const baseBlobs = await seedBase(a, ca, 'golden/os', base, true);
    const app = await layerTar('app/main', 'the application');

    const { layers: learned } = await learnBase(ca, parseReference(`${a.host}/golden/os:1`), buildPlatform(['linux/amd64']));
    expect([...learned.keys()]).toEqual(base.map(sha));

    const dir = await mkdtemp(join(tmpdir(), 'hoist-unit-'));
    const converted = await convertDockerSave(Readable.from([await dockerSave([...base, app])]), dir, {
      keepUncompressed: async (ids) => new Set(ids.filter((d) => learned.has(d))),
    });
    expect(converted.compressed).toBe(1);
    const { root, adopted } = await adoptBaseLayers(dir, learned);
    // Named by the base's digests, held as stand-ins: never taken for layers left in the base's registry (absent).
    expect([...(await absentBaseLayers(dir, learned, adopted)).keys()]).toEqual([]);
    expect((await readLayoutRoot(dir)).descriptor.digest).toBe(root.descriptor.digest);
    const manifest = JSON.parse(root.bytes.toString('utf8')) as { layers: Array<{ digest: string; mediaType: string }> };
    expect(manifest.layers.slice(0, 2).map((l) => l.digest)).toEqual(baseBlobs.map(sha));
    expect(manifest.layers.every((l) => l.mediaType === 'application/vnd.oci.image.layer.v1.tar+gzip')).toBe(true);
    expect(localBlob(adopted, { mediaType: '', digest: sha(baseBlobs[1]!), size: 0 }).digest).toBe(sha(base[1]!));

    // The audit reads the stand-in: a secret in a base layer is still seen.
    const graph = await layoutGraph(dir, root);
    const audit = await auditLayout(dir, graph, {
      secrets: [{ name: 'base token', value: 'BASE-SECRET-123' }],
      handedKeys: new Map(),
      redact: (t) => t,
      adopted,
    });
    expect(audit.findings.map((f) => f.where)).toEqual([expect.stringContaining(`layer ${sha(baseBlobs[1]!)}`)]);

    const clients = new Map([
      [a.host, ca],
      [b.host, cb],
    ]);
    const source = adoptingSource(layoutSource(dir), adopted, (h) => clients.get(h));
    const targets = [
      { repository: parseRepository(`${a.host}/team/app`), tags: ['1.0.0'] },
      { repository: parseRepository(`${b.host}/team/app`), tags: ['1.0.0'] },
    ];
    const before = a.bytesReceived('PATCH') + a.bytesReceived('PUT', '/blobs/');
    const [onA, onB] = await pushGraph(graph, source, targets, {
      clientFor: (h) => clients.get(h)!,
      concurrency: 4,
      perHost: 2,
      mountFrom: mountHints(parseRepository(`${a.host}/golden/os`), adopted),
    });
    expect(onA!.error).toBeUndefined();
    expect([onA!.blobsMounted, onA!.blobsUploaded]).toEqual([2, 2]);
    const own = graph.blobs.filter((x) => !adopted.has(x.digest)).reduce((n, x) => n + x.size, 0);
    expect(a.bytesReceived('PATCH') + a.bytesReceived('PUT', '/blobs/') - before).toBe(own);
    // Registry b has nothing: it gets the base's own blobs, the same bytes, read from registry a.
    expect(onB!.error).toBeUndefined();
    expect(onB!.blobsUploaded).toBe(4);
    for (const blob of baseBlobs) expect(b.blobs.get(sha(blob))?.equals(blob)).toBe(true);
  });

  it('leaves a layout alone when the builder kept the base blobs, or the image is not on the base', async () => {
    await using a = await MemoryRegistry.start();
    const ca = client(a);
    const base = [await layerTar('x', 'base')];
    await seedBase(a, ca, 'os', base);
    const { layers: learned } = await learnBase(ca, parseReference(`${a.host}/os:1`), buildPlatform(['linux/amd64']));
    const dir = await mkdtemp(join(tmpdir(), 'hoist-unit-'));
    await convertDockerSave(Readable.from([await dockerSave([await layerTar('y', 'other')])]), dir);
    const before = await readLayoutRoot(dir);
    const { root, adopted } = await adoptBaseLayers(dir, learned);
    // Named by the base's digests, held as stand-ins: never taken for layers left in the base's registry (absent).
    expect([...(await absentBaseLayers(dir, learned, adopted)).keys()]).toEqual([]);
    expect(adopted.size).toBe(0);
    expect(root.descriptor.digest).toBe(before.descriptor.digest);
  });

  it('says why a base cannot be learned: no image for the build platform', async () => {
    await using a = await MemoryRegistry.start();
    const ca = client(a);
    await seedBase(a, ca, 'os', [await layerTar('x', 'base')], true);
    await expect(learnBase(ca, parseReference(`${a.host}/os:1`), buildPlatform(['linux/arm64']))).rejects.toThrow(/no linux\/arm64 image/);
  });
});
