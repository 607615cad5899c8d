// Base layers left in the base's registry (oci/adopt.ts absentBaseLayers; builders/docker-push.ts leaves a base blob
// unfetched when the cache of audited layers read it clean before). Property: a layer the image names by the base's
// registry digest and the layout does not hold is adopted as absent — a registry holding the base gets it by a mount
// (none of its bytes sent), a registry lacking it gets the base's very bytes read from the base's registry — and a
// layer the layout holds, or one that is not the base's, is never adopted so. Nearest real variant: the docker path's
// second build on a runner from the same 200 MiB base, pushed to the registry the base came from and to a mirror.
import { createHash } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { layerTar } from '../../test/support/tar.js';
import { MemoryRegistry } from '../../test/support/memory-registry.js';
import { parseRepository } from '../core/reference.js';
import { pushGraph } from '../push/engine.js';
import { RegistryClient } from '../registry/client.js';
import { absentBaseLayers, adoptingSource, mountHints, type BaseLayers } from './adopt.js';
import { layoutGraph, layoutSource } from './graph.js';
import { initLayout, MediaType, readLayoutRoot, writeBlobBytes, writeIndex } from './layout.js';

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const client = (reg: MemoryRegistry) => new RegistryClient({ host: reg.host, insecure: true, retries: 1, userAgent: 't', sleep: async () => {} });
const gz = MediaType.ociLayerGzip;

describe('base layers left in the base registry', () => {
  it('adopted as absent: mounted where the base is, read from the base registry where it is not; held or foreign layers left alone', async () => {
    await using a = await MemoryRegistry.start();
    await using b = await MemoryRegistry.start();
    const ca = client(a);
    const cb = client(b);
    const baseTars = [await layerTar('bin/sh', Buffer.alloc(300_000, 7)), await layerTar('etc/base.conf', 'base')];
    const baseBlobs = baseTars.map((t) => gzipSync(t, { level: 9 }));
    for (const blob of baseBlobs) a.seedBlob('golden/os', blob);
    const bases: BaseLayers = new Map(
      baseTars.map((t, i) => [
        sha(t),
        { descriptor: { mediaType: gz, digest: sha(baseBlobs[i]!), size: baseBlobs[i]!.length }, origin: { host: a.host, path: 'golden/os' } },
      ]),
    );
    // The layout as the docker path leaves it: the first base blob not fetched, the second fetched, the app's own layer.
    const dir = await mkdtemp(join(tmpdir(), 'hoist-unit-'));
    await initLayout(dir);
    await writeBlobBytes(dir, baseBlobs[1]!);
    const app = gzipSync(await layerTar('app/main', 'the application'));
    await writeBlobBytes(dir, app);
    const config = await writeBlobBytes(
      dir,
      Buffer.from(JSON.stringify({ os: 'linux', architecture: 'amd64', rootfs: { type: 'layers', diff_ids: [...baseTars.map(sha), 'sha256:0'] } })),
    );
    const layers = [...baseBlobs, app].map((x) => ({ mediaType: gz, digest: sha(x), size: x.length }));
    const manifest = await writeBlobBytes(
      dir,
      Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociManifest, config: { mediaType: MediaType.ociConfig, ...config }, layers })),
    );
    await writeIndex(dir, [{ mediaType: MediaType.ociManifest, ...manifest }]);

    const adopted = await absentBaseLayers(dir, bases);
    expect([...adopted.keys()]).toEqual([sha(baseBlobs[0]!)]);

    const graph = await layoutGraph(dir, await readLayoutRoot(dir));
    const clients = new Map([
      [a.host, ca],
      [b.host, cb],
    ]);
    const targets = [
      { repository: parseRepository(`${a.host}/team/app`), tags: ['1'] },
      { repository: parseRepository(`${b.host}/team/app`), tags: ['1'] },
    ];
    const [onA, onB] = await pushGraph(
      graph,
      adoptingSource(layoutSource(dir), adopted, (h) => clients.get(h)),
      targets,
      {
        clientFor: (h) => clients.get(h)!,
        concurrency: 4,
        perHost: 2,
        mountFrom: mountHints(parseRepository(`${a.host}/golden/os`), adopted),
      },
    );
    expect([onA!.error, onB!.error]).toEqual([undefined, undefined]);
    // Registry a holds the base: both base blobs mounted, only the app layer and the config sent.
    expect(a.bytesReceived('PATCH') + a.bytesReceived('PUT', '/blobs/')).toBe(app.length + config.size);
    // Registry b has nothing: the absent blob's very bytes, read from registry a.
    expect(b.blobs.get(sha(baseBlobs[0]!))?.equals(baseBlobs[0]!)).toBe(true);
  });
});
