// The push engine against in-memory registries: fan-out, mounts, skips, isolation of a failing
// registry, tags moved last, copy between registries, progress lines.
import { describe, expect, it } from 'vitest';
import { MemoryRegistry } from '../../test/support/memory-registry.js';
import { testImage, testIndex } from '../../test/support/images.js';
import { parseRepository } from '../core/reference.js';
import { RegistryClient } from '../registry/client.js';
import { copyImage } from './copy.js';
import { pushGraph, TagListError, type EngineOptions } from './engine.js';

const KiB = 1024;

function engine(registries: MemoryRegistry[], extra: Partial<EngineOptions> = {}): EngineOptions & { close: () => Promise<void> } {
  const clients = new Map(
    registries.map((r) => [r.host, new RegistryClient({ host: r.host, insecure: true, retries: 2, userAgent: 't', sleep: async () => {} })]),
  );
  return {
    clientFor: (host) => clients.get(host)!,
    concurrency: 8,
    perHost: 4,
    ...extra,
    close: async () => {
      await Promise.all([...clients.values()].map((c) => c.close()));
    },
  };
}

const repo = (reg: MemoryRegistry, path: string) => parseRepository(`${reg.host}/${path}`);
const blobBytes = (reg: MemoryRegistry) => reg.bytesReceived('PATCH') + reg.bytesReceived('PUT', '/blobs/');

describe('pushGraph', () => {
  it('leaves a tag already at the image alone: a re-run writes no manifest, even where tags are immutable', async () => {
    await using a = await MemoryRegistry.start({ immutableTags: true });
    const image = testImage([10 * KiB]);
    const opts = engine([a]);
    const target = [{ repository: repo(a, 'app'), tags: ['1.0.0', 'latest'] }];
    const [first] = await pushGraph(image.graph, image.source, target, opts);
    expect(first!.error).toBeUndefined();
    const puts = () => a.requests.filter((r) => r.method === 'PUT' && r.path.includes('/manifests/')).length;
    const before = puts();
    const [again] = await pushGraph(image.graph, image.source, target, opts);
    await opts.close();
    expect(again!.error).toBeUndefined();
    expect(again!.tagsUnchanged).toBe(2);
    expect(again!.references).toEqual([`${a.host}/app:1.0.0`, `${a.host}/app:latest`]);
    expect(puts() - before).toBe(0); // the manifest by digest was there too: nothing written
  });

  // Property: a re-push of an unchanged image only reads — the manifest by digest (its blobs are
  // then there: the registry took a manifest naming them) and each tag once — and writes nothing;
  // a tag found elsewhere is written and read back, not read twice. Nearest real-world variant: a CI job re-run on
  // the same commit pushing to three registries under 1.2.3, 1.2, 1 and latest.
  it('re-pushes an unchanged image with one read of its manifest and of each tag, and moves a tag found elsewhere with one write and its read-back', async () => {
    await using a = await MemoryRegistry.start();
    const image = testImage([10 * KiB, 20 * KiB]);
    const opts = engine([a]);
    const tags = ['1.2.3', '1.2', '1', 'latest'];
    const target = [{ repository: repo(a, 'app'), tags, releaseTags: ['1.2.3'] }];
    expect((await pushGraph(image.graph, image.source, target, opts))[0]!.error).toBeUndefined();
    const from = a.requests.length;
    const [again] = await pushGraph(image.graph, image.source, target, opts);
    expect(again!.error).toBeUndefined();
    expect(again!.tagsUnchanged).toBe(4);
    const seen = a.requests.slice(from).map((r) => `${r.method} ${r.path.replace(/sha256:[0-9a-f]{64}/, 'D')}`);
    expect(seen.filter((l) => !l.startsWith('HEAD'))).toEqual([]);
    expect(seen.filter((l) => l.includes('/blobs/'))).toEqual([]);
    expect(again!.blobsSkipped).toBe(3);
    expect(seen.filter((l) => l.includes('/manifests/')).sort()).toEqual([...tags, 'D'].map((t) => `HEAD /v2/app/manifests/${t}`).sort());

    const other = testImage([30 * KiB]);
    const at = a.requests.length;
    const [moved] = await pushGraph(other.graph, other.source, [{ repository: repo(a, 'app'), tags: ['latest'] }], opts);
    await opts.close();
    expect(moved!.error).toBeUndefined();
    const onLatest = a.requests.slice(at).filter((r) => r.path.endsWith('/manifests/latest'));
    expect(onLatest.map((r) => r.method)).toEqual(['HEAD', 'PUT', 'HEAD']); // read (elsewhere), write, read back
  });

  it('names the tag and the immutability setting when the registry refuses to move a tag', async () => {
    await using a = await MemoryRegistry.start({ immutableTags: true });
    const opts = engine([a]);
    const old = testImage([10 * KiB]);
    await pushGraph(old.graph, old.source, [{ repository: repo(a, 'app'), tags: ['latest'] }], opts);
    const image = testImage([10 * KiB]);
    const [r] = await pushGraph(image.graph, image.source, [{ repository: repo(a, 'app'), tags: ['2.0.0', 'latest'] }], opts);
    await opts.close();
    expect(r!.error?.message).toMatch(
      new RegExp(
        `^${a.host.replace(/\./g, '\\.')}/app:latest is at ${old.graph.root.digest} and the registry refused to move it to ${image.graph.root.digest}: its tags are immutable \\(ECR imageTagMutability IMMUTABLE`,
      ),
    );
    expect(a.repos.get('app')?.tags.get('latest')).toBe(old.graph.root.digest);
  });

  it('lets a target choose its tags from those the repository already has, and moves only those', async () => {
    await using a = await MemoryRegistry.start();
    const old = testImage([10 * KiB]);
    const opts = engine([a]);
    await pushGraph(old.graph, old.source, [{ repository: repo(a, 'app'), tags: ['2.0.0', 'latest'] }], opts);
    const image = testImage([20 * KiB]);
    const seen: string[][] = [];
    const [r] = await pushGraph(
      image.graph,
      image.source,
      [
        {
          repository: repo(a, 'app'),
          tags: [],
          chooseTags: (existing) => {
            seen.push([...existing].sort());
            return ['1.9.5'];
          },
        },
      ],
      opts,
    );
    await opts.close();
    expect(r!.error).toBeUndefined();
    expect(seen).toEqual([['2.0.0', 'latest']]);
    expect(r!.references).toEqual([`${a.host}/app:1.9.5`]);
    expect(a.repos.get('app')?.tags.get('latest')).toBe(old.graph.root.digest);
  });

  it('a re-push whose tags are chosen from the listing reads its release tag once: what the check read serves the tag phase', async () => {
    await using a = await MemoryRegistry.start();
    const image = testImage([10 * KiB]);
    const opts = engine([a]);
    const target = [{ repository: repo(a, 'app'), tags: [], releaseTags: ['1.2.3'], chooseTags: () => ['1.2.3'] }];
    await pushGraph(image.graph, image.source, target, opts);
    const before = a.requests.length;
    const [r] = await pushGraph(image.graph, image.source, target, opts);
    await opts.close();
    expect(r!.error).toBeUndefined();
    expect(r!.tagsUnchanged).toBe(1);
    const again = a.requests.slice(before);
    expect(again.filter((q) => q.path.endsWith('/manifests/1.2.3')).map((q) => q.method)).toEqual(['HEAD']); // HEAD, HEAD before
    expect(again.filter((q) => q.method === 'PUT')).toEqual([]);
  });

  it('moves no tag of a registry whose tags cannot be listed, and says why', async () => {
    await using a = await MemoryRegistry.start({
      fault: (req) => (req.path.endsWith('/tags/list') ? { status: 403, body: '{"errors":[{"code":"DENIED","message":"no list for you"}]}' } : undefined),
    });
    const image = testImage([10 * KiB]);
    const opts = engine([a]);
    const [r] = await pushGraph(image.graph, image.source, [{ repository: repo(a, 'app'), tags: [], chooseTags: () => ['1.0.0'] }], opts);
    await opts.close();
    expect(r!.error).toBeInstanceOf(TagListError);
    expect(r!.error!.message).toMatch(/app: could not list its tags to choose which may move: .*no list for you/);
    expect(a.repos.get('app')?.tags.size ?? 0).toBe(0);
  });

  it('pushes to several registries at once; a second repository on the same registry mounts instead of uploading', async () => {
    await using a = await MemoryRegistry.start();
    await using b = await MemoryRegistry.start();
    const image = testImage([300 * KiB, 200 * KiB, 100 * KiB]);
    const opts = engine([a, b]);
    const reports = await pushGraph(
      image.graph,
      image.source,
      [
        { repository: repo(a, 'team/app'), tags: ['1.0.0', 'latest'] },
        { repository: repo(a, 'mirror/app'), tags: ['1.0.0'] },
        { repository: repo(b, 'team/app'), tags: ['1.0.0'] },
      ],
      opts,
    );
    await opts.close();
    const ra = reports.find((r) => r.host === a.host)!;
    expect(ra.error).toBeUndefined();
    expect(ra.blobsUploaded).toBe(4);
    expect(ra.blobsMounted).toBe(4);
    expect(ra.references).toEqual([`${a.host}/team/app:1.0.0`, `${a.host}/team/app:latest`, `${a.host}/mirror/app:1.0.0`]);
    const imageBytes = image.graph.blobs.reduce((n, x) => n + x.size, 0);
    expect(blobBytes(a)).toBe(imageBytes); // once, not twice
    for (const [reg, path] of [
      [a, 'team/app'],
      [a, 'mirror/app'],
      [b, 'team/app'],
    ] as const) {
      expect(reg.repos.get(path)?.tags.get('1.0.0')).toBe(image.graph.root.digest);
      for (const x of image.graph.blobs) expect(reg.repos.get(path)?.blobs.has(x.digest)).toBe(true);
    }
  });

  it('sends no blob bytes when the image is already there, and still moves the tags', async () => {
    await using a = await MemoryRegistry.start();
    const image = testImage([50 * KiB, 60 * KiB]);
    const targets = [{ repository: repo(a, 'x/app'), tags: ['1'] }];
    const first = engine([a]);
    await pushGraph(image.graph, image.source, targets, first);
    await first.close();
    const before = blobBytes(a);
    const again = engine([a]);
    const [report] = await pushGraph(image.graph, image.source, [{ repository: repo(a, 'x/app'), tags: ['1', '1.0'] }], again);
    await again.close();
    expect(blobBytes(a)).toBe(before);
    expect(report).toMatchObject({ blobsUploaded: 0, blobsSkipped: 3, bytesSent: 0 });
    expect(a.repos.get('x/app')?.tags.get('1.0')).toBe(image.graph.root.digest);
  });

  it("mounts from a repository named as a hint (the base image's) when the blob is there", async () => {
    await using a = await MemoryRegistry.start();
    const base = testImage([100 * KiB]);
    const app = testImage([10 * KiB], base);
    const seed = engine([a]);
    await pushGraph(base.graph, base.source, [{ repository: repo(a, 'lib/base'), tags: ['1'] }], seed);
    await seed.close();
    const opts = engine([a], { mountFrom: () => ['lib/base'] });
    const [report] = await pushGraph(app.graph, app.source, [{ repository: repo(a, 'team/app'), tags: ['1'] }], opts);
    await opts.close();
    expect(report).toMatchObject({ blobsMounted: 1, blobsUploaded: 2, bytesMounted: 100 * KiB });
  });

  it('one failing registry does not stop the others, and its tags never move', async () => {
    await using good = await MemoryRegistry.start();
    // The bad registry takes every blob but refuses the manifest by digest.
    await using bad = await MemoryRegistry.start({
      fault: (r) =>
        r.method === 'PUT' && r.path.includes('/manifests/')
          ? { status: 403, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ errors: [{ code: 'DENIED', message: 'quota exceeded' }] }) }
          : undefined,
    });
    const image = testImage([20 * KiB]);
    const opts = engine([good, bad]);
    const reports = await pushGraph(
      image.graph,
      image.source,
      [
        { repository: repo(good, 'a/app'), tags: ['2.0.0', 'latest'] },
        { repository: repo(bad, 'a/app'), tags: ['2.0.0', 'latest'] },
      ],
      opts,
    );
    await opts.close();
    const [rg, rb] = [reports.find((r) => r.host === good.host)!, reports.find((r) => r.host === bad.host)!];
    expect(rg.error).toBeUndefined();
    expect(rg.references).toHaveLength(2);
    expect(rb.error?.message).toMatch(new RegExp(`${bad.host}/a/app: PUT .* answered 403: quota exceeded`));
    expect(rb.references).toEqual([]);
    // The only manifest PUT on the bad registry was by digest: no tag was attempted.
    expect(bad.requests.filter((r) => r.method === 'PUT' && r.path.includes('/manifests/')).map((r) => r.path)).toEqual([
      `/v2/a/app/manifests/${image.graph.root.digest}`,
    ]);
  });

  it('prints throttled progress lines while bytes flow', async () => {
    await using a = await MemoryRegistry.start();
    const image = testImage([3 * 1024 * KiB, 3 * 1024 * KiB]);
    let t = 0;
    const lines: string[] = [];
    const opts = engine([a], { log: (l) => lines.push(l), progressIntervalMs: 1000, now: () => (t += 100) });
    await pushGraph(image.graph, image.source, [{ repository: repo(a, 'p/app'), tags: ['1'] }], opts);
    await opts.close();
    const progress = lines.filter((l) => /in place/.test(l));
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toMatch(/100%/);
  });
});

describe('copyImage', () => {
  it('copies an index with every platform by digest, sending only the blobs the destination lacks', async () => {
    await using src = await MemoryRegistry.start();
    await using dst = await MemoryRegistry.start();
    const image = testIndex(64 * KiB);
    const seed = engine([src]);
    await pushGraph(image.graph, image.source, [{ repository: repo(src, 'team/app'), tags: ['1.0.0'] }], seed);
    await seed.close();
    // The destination already has the shared layer.
    const shared = image.graph.blobs.find((b) => b.size === 64 * KiB)!;
    dst.seedBlob('prod/app', image.blobs.get(shared.digest)!);

    const opts = engine([src, dst]);
    const result = await copyImage(
      { ...repo(src, 'team/app'), tag: '1.0.0', digest: undefined },
      [{ repository: repo(dst, 'prod/app'), tags: ['1.0.0'] }],
      opts,
    );
    await opts.close();
    expect(result.digest).toBe(image.graph.root.digest);
    const [report] = result.reports;
    expect(report?.error).toBeUndefined();
    expect(report?.blobsSkipped).toBeGreaterThanOrEqual(1);
    const missing = image.graph.blobs.filter((b) => b.digest !== shared.digest).reduce((n, b) => n + b.size, 0);
    expect(report?.bytesUploaded).toBe(missing);
    expect(dst.repos.get('prod/app')?.tags.get('1.0.0')).toBe(image.graph.root.digest);
    for (const child of image.graph.children) expect(dst.repos.get('prod/app')?.manifests.has(child.digest)).toBe(true);
  });

  it('copies within one registry by mounting every blob', async () => {
    await using reg = await MemoryRegistry.start();
    const image = testImage([40 * KiB, 50 * KiB]);
    const seed = engine([reg]);
    await pushGraph(image.graph, image.source, [{ repository: repo(reg, 'staging/app'), tags: ['rc'] }], seed);
    await seed.close();
    const before = blobBytes(reg);
    const opts = engine([reg]);
    const result = await copyImage(
      { ...repo(reg, 'staging/app'), tag: 'rc', digest: undefined },
      [{ repository: repo(reg, 'prod/app'), tags: ['1.0.0'] }],
      opts,
    );
    await opts.close();
    expect(result.reports[0]).toMatchObject({ blobsMounted: 3, blobsUploaded: 0 });
    expect(blobBytes(reg)).toBe(before);
  });
});
