// The client's retry and auth decisions against a real HTTP server in this process (listen(0)),
// which records every request it gets.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Credentials } from './auth.js';
import { MemoryRegistry } from '../../test/support/memory-registry.js';
import { RegistryClient, type ClientOptions } from './client.js';
import { RegistryError } from './errors.js';

type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void;
const servers: Array<{ close: () => void }> = [];
afterEach(() => {
  while (servers.length) servers.pop()?.close();
});

async function serve(handler: Handler): Promise<{ host: string; requests: Array<{ method: string; url: string; auth?: string }> }> {
  const requests: Array<{ method: string; url: string; auth?: string }> = [];
  const server = createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', auth: req.headers.authorization });
    req.resume();
    req.on('end', () => handler(req, res, requests.length));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push({ close: () => server.close() });
  return { host: `127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

const digest = `sha256:${'c'.repeat(64)}`;

describe('RegistryClient retries', () => {
  it('retries 503 and 429 (honouring Retry-After), then succeeds', async () => {
    const waits: number[] = [];
    const { host, requests } = await serve((_req, res, n) => {
      if (n === 1) res.writeHead(503).end();
      else if (n === 2) res.writeHead(429, { 'retry-after': '2' }).end();
      else res.writeHead(200).end();
    });
    const c = new RegistryClient({
      host,
      insecure: true,
      retries: 3,
      userAgent: 't',
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    expect(await c.hasBlob('a/b', digest)).toBe(true);
    expect(requests).toHaveLength(3);
    expect(waits[1]).toBe(2000);
    await c.close();
  });

  it('gives up after the configured retries with a retryable RegistryError', async () => {
    const { host, requests } = await serve((_req, res) => res.writeHead(502).end('bad gateway'));
    const c = new RegistryClient({ host, insecure: true, retries: 2, userAgent: 't', sleep: async () => {} });
    const e = await c.hasBlob('a/b', digest).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(RegistryError);
    expect(e).toMatchObject({ status: 502, retryable: true, registry: host, repository: 'a/b' });
    expect(requests).toHaveLength(3);
    await c.close();
  });

  it("fails at once on other 4xx with the registry's own error text", async () => {
    const { host, requests } = await serve((_req, res) =>
      res
        .writeHead(403, { 'content-type': 'application/json' })
        .end(JSON.stringify({ errors: [{ code: 'DENIED', message: 'requested access to the resource is denied' }] })),
    );
    const c = new RegistryClient({ host, insecure: true, retries: 3, userAgent: 't', sleep: async () => {} });
    const e = await c.putManifest('a/b', 'latest', Buffer.from('{}'), 'application/vnd.oci.image.manifest.v1+json').catch((err: unknown) => err);
    expect(e).toMatchObject({ status: 403, code: 'DENIED', retryable: false });
    expect((e as Error).message).toContain('requested access to the resource is denied');
    expect(requests).toHaveLength(1);
    await c.close();
  });
});

describe('RegistryClient auth', () => {
  it('answers a Basic challenge with the credentials, once', async () => {
    const { host, requests } = await serve((req, res) => {
      if (!req.headers.authorization) res.writeHead(401, { 'www-authenticate': 'Basic realm="r"' }).end();
      else res.writeHead(200).end();
    });
    const c = new RegistryClient({ host, insecure: true, retries: 0, userAgent: 't', credentials: new Credentials('u', 'p') });
    await c.ping();
    await c.hasBlob('a/b', digest);
    const basic = new Credentials('u', 'p').basic();
    expect(requests.map((r) => r.auth)).toEqual([undefined, basic, basic]);
    await c.close();
  });

  it('fetches a Bearer token for the repository scope and reuses it', async () => {
    const { host, requests } = await serve((req, res) => {
      const url = new URL(req.url ?? '', 'http://x');
      if (url.pathname === '/token') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: `tok:${url.searchParams.get('scope')}`, expires_in: 300 }));
      } else if (req.headers.authorization?.startsWith('Bearer ')) res.writeHead(200).end();
      else res.writeHead(401, { 'www-authenticate': `Bearer realm="http://${req.headers.host}/token",service="svc"` }).end();
    });
    const c = new RegistryClient({ host, insecure: true, retries: 0, userAgent: 't', credentials: new Credentials('u', 'p') });
    await c.hasBlob('a/b', digest);
    await c.hasBlob('a/b', digest);
    const token = requests.filter((r) => r.url.startsWith('/token'));
    expect(token).toHaveLength(1);
    expect(token[0]!.url).toBe('/token?service=svc&scope=repository%3Aa%2Fb%3Apull%2Cpush');
    expect(token[0]!.auth).toBe(new Credentials('u', 'p').basic());
    expect(requests.at(-1)!.auth).toBe('Bearer tok:repository:a/b:pull,push');
    await c.close();
  });
});

// The client's upload, manifest, tag and auth paths against the in-memory, spec-following registry.
describe('RegistryClient against the memory registry', () => {
  const MiB = 1024 * 1024;
  const noSleep = async () => {};
  const bytes = (n: number) => randomBytes(n);
  const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
  const opener = (b: Buffer) => (start: number, end: number) => Readable.from([b.subarray(start, end)]);
  const clientOf = (reg: MemoryRegistry, o: Partial<ClientOptions> = {}) =>
    new RegistryClient({ host: reg.host, insecure: true, retries: 3, userAgent: 't', sleep: noSleep, ...o });

  it('uploads small blobs in one PUT and large ones in one streamed PATCH', async () => {
    await using reg = await MemoryRegistry.start();
    const c = clientOf(reg);
    const small = bytes(1000);
    const large = bytes(6 * MiB);
    await c.uploadBlob('a/b', { digest: sha(small), size: small.length }, opener(small));
    await c.uploadBlob('a/b', { digest: sha(large), size: large.length }, opener(large));
    expect(reg.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);
    expect(reg.bytesReceived('PATCH')).toBe(large.length);
    expect(reg.bytesReceived('PUT')).toBe(small.length);
    expect(reg.blobs.get(sha(large))?.equals(large)).toBe(true);
    await c.close();
  });

  it("resumes a cut streamed upload from the registry's Range instead of starting over", async () => {
    const blob = bytes(8 * MiB);
    let cuts = 0;
    await using reg = await MemoryRegistry.start({ fault: (r) => (r.method === 'PATCH' && cuts++ < 2 ? { dropAfterBytes: 3 * MiB } : undefined) });
    const c = clientOf(reg);
    const events: string[] = [];
    const stats = await c.uploadBlob('a/b', { digest: sha(blob), size: blob.length }, opener(blob), { onEvent: (e) => events.push(e) });
    expect(reg.blobs.get(sha(blob))?.equals(blob)).toBe(true);
    expect(stats.resumed).toBe(2);
    expect(stats.restarted).toBe(0);
    expect(reg.bytesReceived('PATCH')).toBe(blob.length); // nothing the registry kept was sent twice
    expect(reg.requests.filter((r) => r.method === 'GET' && r.path.includes('/uploads/'))).toHaveLength(2);
    expect(events.join('\n')).toMatch(/resuming at byte 3145728/);
    await c.close();
  });

  it('sends fixed-size chunks when the profile says so, and halves them when the registry refuses one as too large', async () => {
    const blob = bytes(5 * MiB + 123);
    await using reg = await MemoryRegistry.start({ maxChunk: 1.5 * MiB });
    const c = clientOf(reg, { profile: { mode: 'chunked', chunkSize: 4 * MiB } });
    const events: string[] = [];
    await c.uploadBlob('a/b', { digest: sha(blob), size: blob.length }, opener(blob), { onEvent: (e) => events.push(e) });
    expect(reg.blobs.get(sha(blob))?.equals(blob)).toBe(true);
    expect(c.profile.chunkSize).toBe(1 * MiB);
    expect(events.filter((e) => /refused a \d+-byte chunk/.test(e))).toHaveLength(2);
    const accepted = reg.requests.filter((r) => r.method === 'PATCH' && r.bytes > 0);
    expect(accepted.every((r) => r.bytes <= 1 * MiB)).toBe(true);
    await c.close();
  });

  it('starts a monolithic upload over when it is cut (no resume on such registries)', async () => {
    const blob = bytes(2 * MiB);
    let cuts = 0;
    await using reg = await MemoryRegistry.start({ fault: (r) => (r.method === 'PUT' && cuts++ === 0 ? { dropAfterBytes: MiB } : undefined) });
    const c = clientOf(reg, { profile: { mode: 'monolithic' } });
    const stats = await c.uploadBlob('a/b', { digest: sha(blob), size: blob.length }, opener(blob));
    expect(stats.restarted).toBe(1);
    expect(reg.blobs.get(sha(blob))?.equals(blob)).toBe(true);
    await c.close();
  });

  it('honours Retry-After on a 429 during an upload and gives up after the retries', async () => {
    const blob = bytes(5 * MiB);
    const waits: number[] = [];
    await using reg = await MemoryRegistry.start({ fault: (r) => (r.method === 'PATCH' ? { status: 429, headers: { 'retry-after': '3' } } : undefined) });
    const c = clientOf(reg, {
      retries: 2,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    const e = await c.uploadBlob('a/b', { digest: sha(blob), size: blob.length }, opener(blob)).catch((err: unknown) => err);
    expect(e).toMatchObject({ status: 429, retryable: true });
    expect(waits).toEqual([3000, 3000]);
    await c.close();
  });

  it('mounts a blob from another repository (201), and uploads into the session a refused mount opens (202)', async () => {
    await using reg = await MemoryRegistry.start();
    const blob = bytes(100);
    const digest = reg.seedBlob('base/img', blob);
    const c = clientOf(reg);
    expect(await c.mountBlob('app/one', digest, 'base/img')).toEqual({ mounted: true });
    expect(reg.repos.get('app/one')?.blobs.has(digest)).toBe(true);
    const other = bytes(200);
    const refused = await c.mountBlob('app/two', sha(other), 'base/img');
    expect(refused.mounted).toBe(false);
    await c.uploadBlob('app/two', { digest: sha(other), size: other.length }, opener(other), { session: refused.mounted ? undefined : refused.session });
    expect(reg.requests.filter((r) => r.method === 'POST')).toHaveLength(2); // the session was reused
    expect(await c.hasBlob('app/two', sha(other))).toBe(true);
    await c.close();
  });

  it('asks for a token again with the scope an insufficient_scope challenge names', async () => {
    await using reg = await MemoryRegistry.start({ auth: { scheme: 'bearer', username: 'u', password: 'p' }, extraScope: 'registry:catalog:*' });
    const c = clientOf(reg, { credentials: new Credentials('u', 'p') });
    expect(await c.hasBlob('a/b', `sha256:${'0'.repeat(64)}`)).toBe(false);
    const tokens = reg.requests.filter((r) => r.path === '/token').map((r) => r.query.getAll('scope'));
    expect(tokens).toEqual([['repository:a/b:pull,push'], ['repository:a/b:pull,push', 'registry:catalog:*']]);
    await c.close();
  });

  // Property: within a repository, the pull,push token of a push serves its pull reads (tags,
  // manifests), and requests made at once share one token request — one token exchange per
  // repository, not one per request or action set. Nearest real-world variant: a push
  // to Docker Hub reading its tags back (auth.docker.io rate-limits token requests).
  it('asks for one token per repository: concurrent requests share it, and the push token serves the reads', async () => {
    await using reg = await MemoryRegistry.start({ auth: { scheme: 'bearer', username: 'u', password: 'p' } });
    const c = clientOf(reg, { credentials: new Credentials('u', 'p') });
    const digests = ['0', '1', '2', '3'].map((d) => `sha256:${d.repeat(64)}`);
    expect(await Promise.all(digests.map((d) => c.hasBlob('a/b', d)))).toEqual([false, false, false, false]); // four at once: one token
    expect(await c.headManifest('a/b', 'latest')).toBeUndefined();
    expect(await c.listTags('a/b')).toEqual([]);
    expect(await c.headManifest('a/c', 'latest')).toBeUndefined(); // another repository: its own token
    const tokens = reg.requests.filter((r) => r.path === '/token').map((r) => r.query.getAll('scope'));
    expect(tokens).toEqual([['repository:a/b:pull,push'], ['repository:a/c:pull']]);
    await c.close();
  });

  it('lists every tag across pages, and an unknown repository as none', async () => {
    await using reg = await MemoryRegistry.start();
    const c = clientOf(reg);
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { digest: reg.seedBlob('a/b', Buffer.from('{}')), size: 2, mediaType: 'application/vnd.oci.image.config.v1+json' },
        layers: [],
      }),
    );
    const tags = Array.from({ length: 25 }, (_, i) => `1.0.${i}`);
    for (const t of tags) await c.putManifest('a/b', t, manifest, 'application/vnd.oci.image.manifest.v1+json');
    expect((await c.listTags('a/b', 10)).sort()).toEqual([...tags].sort());
    expect(reg.requests.filter((r) => r.path.endsWith('/tags/list'))).toHaveLength(3);
    expect(await c.listTags('never/pushed')).toEqual([]);
    await c.close();
  });

  it('gets, heads and deletes manifests by digest, and explains a registry that refuses deletes', async () => {
    await using reg = await MemoryRegistry.start();
    const c = clientOf(reg);
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { digest: reg.seedBlob('a/b', Buffer.from('{}')), size: 2, mediaType: 'application/vnd.oci.image.config.v1+json' },
        layers: [],
      }),
    );
    const digest = sha(manifest);
    await c.putManifest('a/b', 'v1', manifest, 'application/vnd.oci.image.manifest.v1+json');
    expect(await c.headManifest('a/b', 'v1')).toEqual({ digest, mediaType: 'application/vnd.oci.image.manifest.v1+json', size: manifest.length });
    expect((await c.getManifest('a/b', digest))?.bytes.equals(manifest)).toBe(true);
    await c.deleteManifest('a/b', digest);
    expect(await c.getManifest('a/b', digest)).toBeUndefined();
    await c.close();

    await using refusing = await MemoryRegistry.start({ refuseDeletes: true });
    const r = clientOf(refusing);
    const e = await r.deleteManifest('a/b', digest).catch((err: unknown) => err);
    expect(e).toMatchObject({ status: 405, retryable: false });
    expect((e as Error).message).toMatch(/does not allow deleting manifests/);
    await r.close();
  });

  /**
   * Property: a HEAD refused as unauthorised (401 or 403, no reason: HEAD has no body) where GET is served
   * is asked by GET, as crane does; a tag that is not there is still undefined. Nearest real variant: an
   * access proxy (a Nexus or Artifactory rule, a CDN's) that checks HEAD against a rule GET passes. The
   * push failed: 'HEAD … answered 401 — add the registry to HOIST_REGISTRY_AUTH'.
   */
  it.each([401, 403])('a HEAD answered %i where GET is served: asked by GET', async (status) => {
    await using reg = await MemoryRegistry.start({
      fault: (r) => (r.method === 'HEAD' && r.path.includes('/manifests/') ? { status } : undefined),
    });
    const c = clientOf(reg);
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { digest: reg.seedBlob('a/b', Buffer.from('{}')), size: 2, mediaType: 'application/vnd.oci.image.config.v1+json' },
        layers: [],
      }),
    );
    await c.putManifest('a/b', 'v1', manifest, 'application/vnd.oci.image.manifest.v1+json');
    const found = await c.headManifest('a/b', 'v1').catch((e: unknown) => String(e));
    const missing = await c.headManifest('a/b', 'v2').catch((e: unknown) => String(e));
    await c.close();
    expect({ found, missing }).toEqual({
      found: { digest: sha(manifest), mediaType: 'application/vnd.oci.image.manifest.v1+json', size: manifest.length },
      missing: undefined,
    });
  });

  it('lists the referrers of a manifest (attestations pointing at it by subject)', async () => {
    await using reg = await MemoryRegistry.start();
    const c = clientOf(reg);
    const configDigest = reg.seedBlob('a/b', Buffer.from('{}'));
    const image = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { digest: configDigest, size: 2, mediaType: 'application/vnd.oci.image.config.v1+json' },
        layers: [],
      }),
    );
    await c.putManifest('a/b', sha(image), image, 'application/vnd.oci.image.manifest.v1+json');
    const attestation = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        artifactType: 'application/vnd.in-toto+json',
        config: { digest: configDigest, size: 2, mediaType: 'application/vnd.oci.empty.v1+json' },
        layers: [],
        subject: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha(image), size: image.length },
      }),
    );
    await c.putManifest('a/b', sha(attestation), attestation, 'application/vnd.oci.image.manifest.v1+json');
    expect(await c.referrers('a/b', sha(image))).toMatchObject([{ digest: sha(attestation), artifactType: 'application/vnd.in-toto+json' }]);
    expect(await c.referrers('a/b', sha(image), 'application/spdx+json')).toEqual([]);
    await c.close();
  });
});

describe('RegistryClient redirects', () => {
  it('follows a blob redirect to storage on another host without sending the Authorization header there', async () => {
    const storage = await serve((_req, res) => res.writeHead(200, { 'content-length': '5' }).end('hello'));
    const registry = await serve((req, res) => {
      if (!req.headers.authorization) res.writeHead(401, { 'www-authenticate': 'Basic realm="r"' }).end();
      else res.writeHead(307, { location: `http://${storage.host}/bucket/blob?sig=1` }).end();
    });
    const c = new RegistryClient({ host: registry.host, insecure: true, retries: 0, userAgent: 't', credentials: new Credentials('u', 'p') });
    const body = await c.fetchBlob('a/b', digest);
    expect(Buffer.concat(await body.toArray()).toString()).toBe('hello');
    expect(registry.requests.at(-1)!.auth).toBe(new Credentials('u', 'p').basic());
    expect(storage.requests).toEqual([{ method: 'GET', url: '/bucket/blob?sig=1', auth: undefined }]);
    await c.close();
  });
});
