// Registries that lie, and tokens revoked early, with the lab's distribution registries and token
// service behind fault proxies written here (no mock of the HTTP client).
// Properties: (1) whatever a registry stores or serves instead of what it was sent, the push fails
// naming that registry and no tag points at other bytes; (2) a blob streamed from a source is
// checked before its upload is committed, and nothing further is pushed; (3) a token refused by
// the registry is replaced once, and a second refusal says what was tried.
// Nearest real-world variants: a caching proxy (Artifactory/Nexus remote) that serves a stale
// manifest; a corrupted object in the source registry's storage; Harbor/GitLab revoking a job
// token when a pipeline is cancelled, or clock skew between the registry and its token service.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Credentials } from '../../src/registry/auth.js';
import { parseReference, parseRepository } from '../../src/core/reference.js';
import { copyImage } from '../../src/push/copy.js';
import { pushGraph } from '../../src/push/engine.js';
import { RegistryClient } from '../../src/registry/client.js';
import { RegistryError } from '../../src/registry/errors.js';
import { FaultProxy } from '../support/fault-proxy.js';
import { releaseImage } from '../support/releases.js';
import { lab, password, uniqueRepo } from './lab.js';

const plain = () => lab().registries.plain.host;
const client = (host: string, o: Partial<ConstructorParameters<typeof RegistryClient>[0]> = {}) =>
  new RegistryClient({ host, insecure: true, retries: 1, userAgent: 'hoist-trust-test', sleep: async () => {}, ...o });
const direct = () => client(plain());

async function push(host: string, path: string, image: ReturnType<typeof releaseImage>, tags: string[]) {
  const c = client(host);
  try {
    const [r] = await pushGraph(image.graph, image.source, [{ repository: parseRepository(`${host}/${path}`), tags }], {
      clientFor: () => c,
      concurrency: 4,
      perHost: 4,
    });
    return r!;
  } finally {
    await c.close();
  }
}

describe('a registry that stores or serves other bytes (proxy in front of distribution)', () => {
  it('a manifest stored as another: the PUT answer gives it away; the push fails naming the registry, no tag moves', async () => {
    const path = uniqueRepo('trust/manifest');
    const other = releaseImage('9.9.9', 'other');
    expect((await push(plain(), path, other, [])).error).toBeUndefined();
    const mine = releaseImage('1.0.0', 'mine');
    await using proxy = await FaultProxy.start(plain(), {
      tamper: (req) =>
        req.method === 'PUT' && req.path.includes('/manifests/')
          ? { request: () => ({ path: req.path.replace(/manifests\/[^?]+/, `manifests/${other.graph.root.digest}`), body: other.graph.root.bytes }) }
          : undefined,
    });
    const r = await push(proxy.host, path, mine, ['1.0.0']);
    expect(r.error?.message).toContain(proxy.host);
    expect(r.error?.message).toMatch(/answered Docker-Content-Digest sha256:\w+: the registry stored other bytes than it was sent/);
    expect((r.error as RegistryError).code).toBe('DIGEST_MISMATCH');
    const c = direct();
    expect(await c.listTags(path)).toEqual([]);
    await c.close();
  });

  it('a blob upload answered with another digest: fails naming the registry before any manifest goes up', async () => {
    const path = uniqueRepo('trust/blob');
    const mine = releaseImage('1.0.0', 'mine');
    const liar = `sha256:${createHash('sha256').update('something else').digest('hex')}`;
    await using proxy = await FaultProxy.start(plain(), {
      tamper: (req) =>
        req.method === 'PUT' && req.path.includes('/blobs/uploads/') ? { response: () => ({ headers: { 'docker-content-digest': liar } }) } : undefined,
    });
    const r = await push(proxy.host, path, mine, ['1.0.0']);
    expect(r.error?.message).toContain(`${proxy.host}/${path}: the upload of blob`);
    expect(r.error?.message).toContain(`answered Docker-Content-Digest ${liar}`);
    const c = direct();
    expect(await c.headManifest(path, mine.graph.root.digest)).toBeUndefined();
    expect(await c.listTags(path)).toEqual([]);
    await c.close();
  });

  it('a tag that reads back as another image after it was written: fails naming the registry', async () => {
    const path = uniqueRepo('trust/readback');
    const mine = releaseImage('1.0.0', 'mine');
    let written = false;
    const stale = `sha256:${'0'.repeat(64)}`;
    await using proxy = await FaultProxy.start(plain(), {
      tamper: (req) => {
        if (req.method === 'PUT' && req.path.endsWith('/manifests/1.0.0')) return { response: () => ((written = true), undefined) };
        if (req.method === 'HEAD' && req.path.endsWith('/manifests/1.0.0') && written)
          return { response: () => ({ headers: { 'docker-content-digest': stale } }) };
        return undefined;
      },
    });
    const r = await push(proxy.host, path, mine, ['1.0.0']);
    expect(r.error?.message).toMatch(new RegExp(`^${proxy.host}: .*${path}:1\\.0\\.0 was written as ${mine.graph.root.digest} but reads back as ${stale}`));
    expect(r.references).toEqual([]);
  });

  it('promotion from a source that serves a corrupted blob: the upload is cancelled before its last byte, nothing further is pushed', async () => {
    const srcPath = uniqueRepo('trust/source');
    const image = releaseImage('2.0.0', 'src', 256 * 1024);
    expect((await push(plain(), srcPath, image, ['2.0.0'])).error).toBeUndefined();
    const layer = image.graph.blobs[1]!;
    await using source = await FaultProxy.start(plain(), {
      tamper: (req) =>
        req.method === 'GET' && req.path.endsWith(`/blobs/${layer.digest}`)
          ? { response: (_q, _s, _h, body) => ({ body: Buffer.concat([body.subarray(0, 1000), Buffer.from([body[1000]! ^ 0xff]), body.subarray(1001)]) }) }
          : undefined,
    });
    const seen: string[] = [];
    await using dest = await FaultProxy.start(plain(), { answer: (q) => void seen.push(`${q.method} ${q.path}`) });
    const destPath = uniqueRepo('trust/dest');
    const [s, d] = [client(source.host), client(dest.host)];
    const result = await copyImage(
      parseReference(`${source.host}/${srcPath}:2.0.0`),
      [{ repository: parseRepository(`${dest.host}/${destPath}`), tags: ['2.0.0'] }],
      {
        clientFor: (h) => (h === source.host ? s : d),
        concurrency: 4,
        perHost: 4,
      },
    ).catch((e: unknown) => e);
    await Promise.all([s.close(), d.close()]);
    if (!('reports' in (result as object))) throw result;
    const report = (result as { reports: Array<{ error?: Error }> }).reports[0]!;
    expect(report.error?.message).toMatch(
      new RegExp(`^${source.host}/${srcPath}: blob ${layer.digest} streamed from the source has digest sha256:\\w+; its upload was aborted`),
    );
    expect(seen.filter((l) => l.startsWith('PUT') && l.includes('/manifests/'))).toEqual([]);
    expect(seen.some((l) => l.startsWith('DELETE') && l.includes('/blobs/uploads/'))).toBe(true);
    const c = direct();
    expect(await c.hasBlob(destPath, layer.digest)).toBe(false);
    expect(await c.listTags(destPath)).toEqual([]);
    await c.close();
  });
});

describe('re-authentication (token registry behind a proxy that revokes tokens)', () => {
  const token = () => lab().registries.token;
  const challenge = () => `Bearer realm="${token().realm}",service="${token().service}"`;
  const credentials = () => new Credentials(token().username, password(token().passwordFile));

  it('a token revoked after its first use is replaced once per request, and the push goes on', async () => {
    const used = new Set<string>();
    let refused = 0;
    await using proxy = await FaultProxy.start(token().host, {
      answer: (q) => {
        if (!q.authorization?.startsWith('Bearer ')) return undefined;
        if (!used.has(q.authorization)) return void used.add(q.authorization);
        refused++;
        return { status: 401, headers: { 'www-authenticate': challenge() } };
      },
    });
    const c = client(proxy.host, { credentials: credentials() });
    const path = uniqueRepo('trust/reauth');
    const image = releaseImage('1.0.0', 'r');
    const [r] = await pushGraph(image.graph, image.source, [{ repository: parseRepository(`${proxy.host}/${path}`), tags: ['1.0.0'] }], {
      clientFor: () => c,
      concurrency: 1,
      perHost: 1,
    });
    await c.close();
    expect(r!.error).toBeUndefined();
    expect(refused).toBeGreaterThan(3);
    expect(used.size).toBeGreaterThan(refused); // a new token after each refusal
  });

  it('a registry that starts refusing every token: one new token, then an error saying what was tried', async () => {
    let refused = 0;
    let revoked = false;
    await using proxy = await FaultProxy.start(token().host, {
      answer: (q) =>
        revoked && q.authorization?.startsWith('Bearer ') ? (refused++, { status: 401, headers: { 'www-authenticate': challenge() } }) : undefined,
    });
    const c = client(proxy.host, { credentials: credentials() });
    const path = uniqueRepo('trust/refused');
    expect(await c.hasBlob(path, `sha256:${'1'.repeat(64)}`)).toBe(false); // the token is cached now
    revoked = true;
    const e = await c.hasBlob(path, `sha256:${'1'.repeat(64)}`).catch((x: unknown) => x);
    await c.close();
    expect(e).toBeInstanceOf(RegistryError);
    expect((e as Error).message).toMatch(/answered 401 to a cached token and again to a new one from http:\/\/127\.0\.0\.1:5201/);
    expect((e as Error).message).not.toContain(password(token().passwordFile));
    expect(refused).toBe(2); // the cached token, and one new token
  });
});
