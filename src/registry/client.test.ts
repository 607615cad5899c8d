// The client's retry and auth decisions against a real HTTP server in this process (listen(0)),
// which records every request it gets.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Credentials } from './auth.js';
import { RegistryClient } from './client.js';
import { RegistryError } from './errors.js';

type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void;
const servers: Array<{ close: () => void }> = [];
afterEach(() => { while (servers.length) servers.pop()?.close(); });

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
    const c = new RegistryClient({ host, insecure: true, retries: 3, userAgent: 't', sleep: async (ms) => { waits.push(ms); } });
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

  it('fails at once on other 4xx with the registry\'s own error text', async () => {
    const { host, requests } = await serve((_req, res) => res.writeHead(403, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ code: 'DENIED', message: 'requested access to the resource is denied' }] })));
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
