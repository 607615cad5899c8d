// What a registry (or what it redirects to) must not be able to make the client do: send its
// credentials elsewhere, read without bound, or put untrusted digests into request paths.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryRegistry } from '../../test/support/memory-registry.js';
import { Credentials } from './auth.js';
import { RegistryClient } from './client.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

async function server(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ host: string; requests: IncomingMessage[] }> {
  const requests: IncomingMessage[] = [];
  const s: Server = createServer((req, res) => {
    requests.push(req);
    handle(req, res);
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  closers.push(() => new Promise((r) => s.close(() => r())));
  return { host: `127.0.0.1:${(s.address() as AddressInfo).port}`, requests };
}

const client = (host: string, credentials?: Credentials) => {
  const c = new RegistryClient({ host, insecure: true, retries: 0, userAgent: 'test', credentials });
  closers.push(() => c.close());
  return c;
};

describe('the registry client, hardened', () => {
  it("never answers a redirect target's challenge with the registry's credentials", async () => {
    const evil = await server((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"token":"t"}'));
    const storage = await server((_req, res) =>
      res.writeHead(401, { 'www-authenticate': `Bearer realm="http://${evil.host}/token",service="x",scope="registry:catalog:*"` }).end(),
    );
    const digest = `sha256:${'a'.repeat(64)}`;
    const registry = await server((req, res) => {
      if (!req.headers.authorization) return res.writeHead(401, { 'www-authenticate': 'Basic realm="r"' }).end();
      res.writeHead(307, { location: `http://${storage.host}/blob/${digest}` }).end();
    });
    const c = client(registry.host, new Credentials('bot', 'registry-password-123'));
    await expect(c.fetchBlob('acme/app', digest)).rejects.toThrow(/answered 401/);
    // The next request to the registry still answers the registry's own (Basic) challenge.
    await c.hasBlob('acme/app', digest).catch(() => undefined);
    expect(evil.requests).toEqual([]);
    expect(registry.requests.at(-1)?.headers.authorization).toBe(`Basic ${Buffer.from('bot:registry-password-123').toString('base64')}`);
    expect(storage.requests.map((r) => r.headers.authorization)).toEqual([undefined]);
  });

  it.each(['sha256:0/../../../v2/other/manifests/latest', 'sha256:ABC', 'md5:0123', '../x'])('refuses the digest %s before any request', async (digest) => {
    const reg = await MemoryRegistry.start();
    closers.push(() => reg.close());
    const c = client(reg.host);
    await expect(c.hasBlob('acme/app', digest)).rejects.toThrow(/is not a digest/);
    await expect(c.getManifest('acme/app', digest)).rejects.toThrow(/neither a tag nor a digest/);
    expect(reg.requests).toEqual([]);
  });

  it('refuses a manifest larger than 4 MiB, and a token answer larger than 1 MiB', async () => {
    const big = await MemoryRegistry.start({
      fault: (q) =>
        q.path.includes('/manifests/')
          ? { status: 200, headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' }, body: 'x'.repeat(5 << 20) }
          : undefined,
    });
    closers.push(() => big.close());
    await expect(client(big.host).getManifest('acme/app', 'latest')).rejects.toThrow(/manifest latest is larger than 4194304 bytes: refused/);
    const tokens = await server((_req, res) => res.writeHead(200).end('x'.repeat(2 << 20)));
    const reg = await server((req, res) => res.writeHead(401, { 'www-authenticate': `Bearer realm="http://${tokens.host}/token"` }).end());
    await expect(client(reg.host).hasBlob('acme/app', `sha256:${'b'.repeat(64)}`)).rejects.toThrow(/token service's answer is larger than/);
  });

  it('reads at most 64 KiB of an error body', async () => {
    const reg = await server((_req, res) => res.writeHead(400).end(JSON.stringify({ errors: [{ code: 'DENIED', message: 'y'.repeat(1 << 20) }] })));
    const e = await client(reg.host)
      .hasBlob('acme/app', `sha256:${'c'.repeat(64)}`)
      .then(
        () => undefined,
        (x: Error) => x,
      );
    expect(e?.message.length).toBeLessThan(70 << 10);
  });
});
