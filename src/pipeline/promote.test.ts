// The promotion pipeline through its Effects seam, between in-process registries.
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.js';
import { harness } from '../../test/support/pipeline.js';
import { MemoryRegistry } from '../../test/support/memory-registry.js';
import { testImage } from '../../test/support/images.js';
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

/** An image pushed to `reg` as acme/app:2.0.0; returns its digest and the bytes of its blobs. */
async function staged(reg: MemoryRegistry) {
  const image = testImage([40_000, 20_000]);
  const client = new RegistryClient({ host: reg.host, insecure: true, retries: 0, userAgent: 'test' });
  await pushGraph(image.graph, image.source, [{ repository: { registry: reg.host, host: reg.host, path: 'acme/app' }, tags: ['2.0.0'] }], {
    clientFor: () => client,
    concurrency: 2,
    perHost: 2,
  });
  await client.close();
  return { digest: image.graph.root.digest, bytes: image.graph.blobs.reduce((n, b) => n + b.size, 0) };
}

describe('promote pipeline', () => {
  it('copies by digest with the tags, sending each destination only what it lacks; one failing destination fails the run', async () => {
    const [src, prod, broken] = [
      await start(),
      await start(),
      await start({ fault: (q) => (q.method === 'PUT' && q.path.includes('/manifests/') ? { status: 503 } : undefined) }),
    ];
    const { digest, bytes } = await staged(src);
    const inputs = {
      source: `${src.host}/acme/app:2.0.0`,
      destinations: `${prod.host}/prod/app\n${broken.host}/prod/app`,
      tags: '2.0.0, stable',
      'insecure-registries': [src.host, prod.host, broken.host].join(','),
      retries: '0',
    };
    const h = await harness(inputs);
    await expect(promote(h.fx)).rejects.toThrow(new RegExp(`^promotion failed on 1 of 2 registries \\(no tag moved on a failed one\\):\\n {2}${broken.host}`));
    expect(h.platform.outputs.get('digest')).toBe(digest);
    expect([...(prod.repos.get('prod/app')?.tags.entries() ?? [])]).toEqual([
      ['2.0.0', digest],
      ['stable', digest],
    ]);
    expect(broken.repos.get('prod/app')?.tags.size ?? 0).toBe(0);
    expect(Number(h.platform.outputs.get('bytes-sent'))).toBe(2 * bytes); // each destination lacked every blob

    // The outputs and the summary, pinned (hosts, digest and seconds named).
    expect([...h.platform.outputs.keys()]).toEqual(['digest', 'tags', 'bytes-sent', 'bytes-shared']);
    expect(h.platform.outputs.get('tags')).toBe(`${prod.host}/prod/app:2.0.0\n${prod.host}/prod/app:stable`);
    expect(h.platform.outputs.get('bytes-shared')).toBe('0');
    const named = (text: string) =>
      [
        [src.host, 'SRC'],
        [prod.host, 'PROD'],
        [broken.host, 'BROKEN'],
        [digest, 'DIGEST'],
      ]
        .reduce((t, [v, n]) => t.split(v!).join(n), text)
        .replace(/\d+\.\d s\b/g, 'T s');
    expect(h.platform.summaries.map(named)).toEqual([
      [
        '### Hoist promote: `SRC/acme/app:2.0.0` → 2 repositories',
        '',
        "Digest `DIGEST`; image 0.1 MiB; blobs sent 0.1 MiB (the image's own); 0.0 MiB shared with what the destinations had (their bases), not sent.",
        '',
        '- PROD/prod/app@DIGEST: 3 uploaded (0.1 MiB; 0.1 MiB sent), 0 mounted, 0 already there, 2 tags, T s',
        '- BROKEN/prod/app: FAILED — BROKEN/prod/app: PUT /v2/prod/app/manifests/DIGEST answered 503',
        '',
      ].join('\n'),
    ]);

    const again = await harness({ ...inputs, destinations: `${prod.host}/prod/app` });
    await promote(again.fx);
    expect(again.platform.outputs.get('bytes-sent')).toBe('0');
  });

  it('names the input of a source without tag or digest', async () => {
    const h = await harness({ source: 'ghcr.io/acme/app', destinations: 'ghcr.io/acme/prod' });
    const e = await promote(h.fx).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).issues).toEqual([
      { input: 'source', message: "'ghcr.io/acme/app' names neither a tag nor a digest: promote a release by its tag or digest" },
    ]);
  });
});
