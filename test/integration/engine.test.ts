// The push engine against the lab's real distribution registries: a three-registry fan-out
// (plain, TLS + CA + htpasswd, token auth), a cross-repository mount, a re-push that sends nothing,
// and pushes through a fault-injecting proxy — every image verified by skopeo.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRepository } from '../../src/core/reference.js';
import { Credentials } from '../../src/registry/auth.js';
import { RegistryClient, type ClientOptions } from '../../src/registry/client.js';
import { copyImage } from '../../src/push/copy.js';
import { pushGraph, type EngineOptions } from '../../src/push/engine.js';
import { FaultProxy } from '../support/fault-proxy.js';
import { testImage } from '../support/images.js';
import { lab, password, skopeoDigest, skopeoPullsIntact, uniqueRepo, type SkopeoAccess } from './lab.js';

const MiB = 1024 * 1024;

async function clientsFor(extra: Array<Partial<ClientOptions> & { host: string }> = []): Promise<EngineOptions & { close: () => Promise<void> }> {
  const { plain, tls, token } = lab().registries;
  const options: Array<Partial<ClientOptions> & { host: string }> = [
    { host: plain.host, insecure: true },
    { host: tls.host, ca: await readFile(tls.ca!, 'utf8'), credentials: new Credentials(tls.username!, password(tls.passwordFile!)) },
    { host: token.host, insecure: true, credentials: new Credentials(token.username!, password(token.passwordFile!)) },
    ...extra,
  ];
  const clients = new Map(options.map((o) => [o.host, new RegistryClient({ insecure: false, retries: 4, userAgent: 'hoist-test', ...o })]));
  return {
    clientFor: (host) => clients.get(host)!,
    concurrency: 8,
    perHost: 4,
    close: async () => {
      await Promise.all([...clients.values()].map((c) => c.close()));
    },
  };
}

function access(kind: 'plain' | 'tls' | 'token'): SkopeoAccess {
  const r = lab().registries[kind] as { certDir?: string; username?: string; passwordFile?: string };
  return { certDir: r.certDir, username: r.username, passwordFile: r.passwordFile };
}

describe('push engine on the lab registries', () => {
  it('fans one image out to three registries, mounts into a second repository, and a re-push sends nothing', async () => {
    const { plain, tls, token } = lab().registries;
    const image = testImage([3 * MiB, 2 * MiB, 64 * 1024]);
    const repo = uniqueRepo('engine/app');
    const targets = [
      { repository: parseRepository(`${plain.host}/${repo}`), tags: ['1.0.0', 'latest'] },
      { repository: parseRepository(`${tls.host}/${repo}`), tags: ['1.0.0', 'latest'] },
      { repository: parseRepository(`${token.host}/${repo}`), tags: ['1.0.0', 'latest'] },
      { repository: parseRepository(`${token.host}/${repo}-mirror`), tags: ['1.0.0'] },
    ];
    const opts = await clientsFor();
    const reports = await pushGraph(image.graph, image.source, targets, opts);
    for (const r of reports) expect(r.error).toBeUndefined();
    const tokenReport = reports.find((r) => r.host === token.host)!;
    expect(tokenReport.blobsMounted).toBe(image.graph.blobs.length);
    const imageBytes = image.graph.blobs.reduce((n, b) => n + b.size, 0);
    expect(tokenReport.bytesSent).toBe(imageBytes);

    const scopes = (await readFile(join(lab().dir, 'log/token-requests.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { scopes: string[] }).scopes);
    expect(scopes).toContainEqual([`repository:${repo}-mirror:pull,push`, `repository:${repo}:pull`]);

    for (const [kind, path] of [
      ['plain', repo],
      ['tls', repo],
      ['token', repo],
      ['token', `${repo}-mirror`],
    ] as const) {
      const ref = `${lab().registries[kind].host}/${path}:1.0.0`;
      expect(await skopeoDigest(ref, access(kind))).toBe(image.graph.root.digest);
      expect(await skopeoPullsIntact(ref, access(kind))).toBe(true);
    }

    const again = await pushGraph(
      image.graph,
      image.source,
      targets.map((t) => ({ ...t, tags: [...t.tags, '1.0', '1'] })),
      opts,
    );
    for (const r of again) expect(r).toMatchObject({ bytesSent: 0, blobsUploaded: 0, blobsMounted: 0 });
    expect(await skopeoDigest(`${tls.host}/${repo}:1.0`, access('tls'))).toBe(image.graph.root.digest);
    await opts.close();
  });

  // Property: a re-push of an unchanged image to distribution only reads — one HEAD of the manifest
  // by digest (distribution refuses a manifest naming blobs it lacks, so its blobs are there) and
  // one per tag, nothing written — and asks the token service once per repository. Nearest real-world variant: a CI job re-run on the same commit, pushing to a
  // registry behind a token service (Docker Hub, GHCR) under 1.2.3, 1.2, 1 and latest.
  it('re-pushes an unchanged image with reads only: its manifest and each tag once, and one token', async () => {
    const { plain, token } = lab().registries;
    const seen: string[] = [];
    const record = (q: { method: string; path: string }) => void seen.push(`${q.method} ${q.path.replace(/sha256:[0-9a-f]{64}/, 'D')}`);
    await using toPlain = await FaultProxy.start(plain.host, { answer: record });
    await using toToken = await FaultProxy.start(token.host, { answer: record });
    const image = testImage([2 * MiB, 64 * 1024]);
    const repo = uniqueRepo('engine/repush');
    const tags = ['1.2.3', '1.2', '1', 'latest'];
    const targets = [toPlain, toToken].map((p) => ({ repository: parseRepository(`${p.host}/${repo}`), tags, releaseTags: ['1.2.3'] }));
    const credentials = new Credentials(token.username!, password(token.passwordFile!));
    const extra = [
      { host: toPlain.host, insecure: true },
      { host: toToken.host, insecure: true, credentials },
    ];
    const first = await clientsFor(extra);
    for (const r of await pushGraph(image.graph, image.source, targets, first)) expect(r.error).toBeUndefined();
    await first.close();
    const tokenLog = join(lab().dir, 'log/token-requests.jsonl');
    const tokensBefore = (await readFile(tokenLog, 'utf8')).trim().split('\n').length;
    seen.length = 0;
    const opts = await clientsFor(extra); // new clients: no token cached
    const again = await pushGraph(image.graph, image.source, targets, opts);
    await opts.close();
    for (const r of again) {
      expect(r.error).toBeUndefined();
      expect(r).toMatchObject({ bytesSent: 0, blobsSkipped: 3, tagsUnchanged: 4 });
    }
    const reads = [`HEAD /v2/${repo}/manifests/D`, ...tags.map((t) => `HEAD /v2/${repo}/manifests/${t}`)];
    // Each registry: exactly these reads; the token registry also its 401 challenges, answered once.
    expect(seen.filter((l) => !l.startsWith('HEAD'))).toEqual([]);
    expect([...new Set(seen)].sort()).toEqual(reads.sort());
    expect(seen.length).toBeLessThanOrEqual(2 * reads.length + 4); // at most the first 4 requests to the token registry answered 401
    const tokenLines = (await readFile(tokenLog, 'utf8')).trim().split('\n').slice(tokensBefore);
    expect(tokenLines.filter((l) => l.includes(repo))).toHaveLength(1);
  });

  it('copies an image from one registry to another by digest, sending only what the destination lacks', async () => {
    const { plain, tls } = lab().registries;
    const base = testImage([2 * MiB]);
    const app = testImage([1 * MiB], base);
    const repo = uniqueRepo('engine/copy');
    const opts = await clientsFor();
    await pushGraph(app.graph, app.source, [{ repository: parseRepository(`${plain.host}/${repo}`), tags: ['rc'] }], opts);
    await pushGraph(base.graph, base.source, [{ repository: parseRepository(`${tls.host}/${repo}`), tags: ['base'] }], opts);
    const result = await copyImage(
      { ...parseRepository(`${plain.host}/${repo}`), tag: 'rc', digest: undefined },
      [{ repository: parseRepository(`${tls.host}/${repo}`), tags: ['1.0.0'] }],
      opts,
    );
    await opts.close();
    const [report] = result.reports;
    expect(report?.error).toBeUndefined();
    expect(report?.blobsSkipped).toBe(1); // the base layer
    expect(report?.bytesSent).toBe(app.graph.blobs.filter((b) => !base.graph.blobs.some((x) => x.digest === b.digest)).reduce((n, b) => n + b.size, 0));
    expect(await skopeoPullsIntact(`${tls.host}/${repo}:1.0.0`, access('tls'))).toBe(true);
  });
});

describe('push engine through a fault-injecting proxy', () => {
  // distribution 2.8 (the lab's registry) invalidates an upload session whose PATCH was cut
  // (its size no longer matches the HMAC'd `_state`; GET answers 404 BLOB_UPLOAD_INVALID), so the
  // client can only start that blob again: what it re-sends is bounded by one blob per cut. Resuming
  // from the registry's Range is covered against the spec-following memory registry.
  it('completes through dropped connections, 429/503 with Retry-After and stalls; re-sends at most one blob per cut (plus refused bodies)', async () => {
    const { plain } = lab().registries;
    await using proxy = await FaultProxy.start(plain.host, {
      dropEvery: 3 * MiB,
      answer: (r, n) => (n % 7 === 3 ? { status: n % 2 ? 503 : 429, retryAfter: 0 } : undefined),
      stall: (_r, n) => (n % 11 === 5 ? 300 : 0),
    });
    const sizes = [1.5 * MiB, 1.25 * MiB, 1.5 * MiB, 1 * MiB, 1.5 * MiB, 1.25 * MiB, 1 * MiB, 1.5 * MiB];
    const image = testImage(sizes);
    const repo = uniqueRepo('engine/faults');
    const opts = await clientsFor([{ host: proxy.host, insecure: true, retries: 6 }]);
    const [report] = await pushGraph(image.graph, image.source, [{ repository: parseRepository(`${proxy.host}/${repo}`), tags: ['1.0.0', 'latest'] }], opts);
    await opts.close();
    expect(report?.error).toBeUndefined();
    expect(proxy.drops).toBeGreaterThanOrEqual(2);
    expect(proxy.answered).toBeGreaterThan(0);
    expect(proxy.stalls).toBeGreaterThan(0);
    expect(report!.restarted).toBeGreaterThan(0);
    const imageBytes = image.graph.blobs.reduce((n, b) => n + b.size, 0);
    // Bytes re-sent: at most one blob per cut, plus the bodies the proxy answered with 429/503.
    expect(report!.bytesSent).toBeLessThanOrEqual(imageBytes + proxy.drops * Math.max(...sizes) + proxy.answeredBodyBytes);
    for (const tag of ['1.0.0', 'latest']) {
      expect(await skopeoDigest(`${plain.host}/${repo}:${tag}`)).toBe(image.graph.root.digest);
    }
    expect(await skopeoPullsIntact(`${plain.host}/${repo}:1.0.0`)).toBe(true);
  });

  it('never moves a tag when the registry keeps failing: the report names the registry and the tags are absent', async () => {
    const { plain } = lab().registries;
    // Blobs go through; every manifest PUT is answered 503.
    await using proxy = await FaultProxy.start(plain.host, {
      answer: (r) => (r.method === 'PUT' && r.path.includes('/manifests/') ? { status: 503, retryAfter: 0 } : undefined),
    });
    const image = testImage([1 * MiB]);
    const repo = uniqueRepo('engine/notag');
    const opts = await clientsFor([{ host: proxy.host, insecure: true, retries: 2 }]);
    const [bad, good] = await pushGraph(
      image.graph,
      image.source,
      [
        { repository: parseRepository(`${proxy.host}/${repo}`), tags: ['1.0.0'] },
        { repository: parseRepository(`${lab().registries.tls.host}/${repo}`), tags: ['1.0.0'] },
      ],
      opts,
    );
    await opts.close();
    expect(bad?.error?.message).toMatch(new RegExp(`${proxy.host}/${repo}: PUT .* answered 503`));
    expect(good?.error).toBeUndefined();
    expect(await skopeoDigest(`${plain.host}/${repo}:1.0.0`)).toBeUndefined();
    expect(await skopeoDigest(`${lab().registries.tls.host}/${repo}:1.0.0`, access('tls'))).toBe(image.graph.root.digest);
  });
});
