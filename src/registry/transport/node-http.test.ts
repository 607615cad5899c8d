// The bottom layer on Node's own http/https, against real servers on loopback in this process: a
// registry over TLS with a CA of its own, reached direct and through a CONNECT proxy (each
// connection a tunnel, kept alive), a proxy that refuses, NODE_TLS_REJECT_UNAUTHORIZED=0 that must
// not turn verification off, the `connections` bound, and a body cut before its end.
import { createServer as createHttpServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { selfSignedCertificate } from '../../../test/support/self-signed.js';
import { RegistryClient, type ClientOptions } from '../client.js';
import type { RegistryError } from '../errors.js';

const closing: Array<() => unknown> = [];
afterEach(async () => {
  while (closing.length) await closing.pop()!();
});

async function listen(server: Server): Promise<number> {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => (sockets.add(s), s.on('close', () => sockets.delete(s))));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closing.push(() => {
    for (const s of sockets) s.destroy();
    return new Promise<void>((r) => server.close(() => r()));
  });
  return (server.address() as AddressInfo).port;
}

/** A registry that knows no manifest: `/v2/` answers 200, a manifest 404; `delayMs` before each answer. */
const registryAnswer =
  (delayMs = 0) =>
  (req: IncomingMessage, res: ServerResponse) => {
    setTimeout(() => {
      res.writeHead(req.url === '/v2/' ? 200 : 404, { 'content-type': 'application/json', 'content-length': '2' });
      res.end(req.method === 'HEAD' ? undefined : '{}');
    }, delayMs);
  };

/** An HTTPS registry whose certificate only its own CA file vouches for; counts its connections. */
async function tlsRegistry() {
  const certificate = selfSignedCertificate({ altName: 'IP:127.0.0.1' });
  closing.push(() => certificate.remove());
  const server = createHttpsServer({ key: certificate.key, cert: certificate.cert }, registryAnswer());
  let connections = 0;
  server.on('secureConnection', () => connections++);
  const port = await listen(server);
  return { host: `127.0.0.1:${port}`, ca: certificate.cert.toString('utf8'), connections: () => connections };
}

/** A CONNECT proxy: counts its tunnels; `refuse` answers 403 to every one. */
async function connectProxy(refuse = false) {
  const forwarded: string[] = [];
  /** The most requests the proxy was forwarding at once. */
  let connections = 0;
  let inFlight = 0;
  // A plain-HTTP request comes whole (absolute form), as curl and Go send it: forwarded as it is.
  const server = createHttpServer((req, res) => {
    forwarded.push(`${req.method} ${req.url}`);
    connections = Math.max(connections, ++inFlight);
    res.once('finish', () => inFlight--);
    if (refuse) return void res.writeHead(403, { 'content-type': 'text/html' }).end('<html>Access denied</html>');
    const upstream = httpRequest(req.url ?? '', { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });

  const tunnels: string[] = [];
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    tunnels.push(req.url ?? '');
    if (refuse) return void client.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n');
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host!, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, tunnels, forwarded, mostAtOnce: () => connections };
}

function client(o: Partial<ClientOptions> & { host: string }): RegistryClient {
  const c = new RegistryClient({ insecure: false, retries: 0, userAgent: 'test', sleep: async () => undefined, ...o });
  closing.push(() => c.close().catch(() => undefined));
  return c;
}

const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as RegistryError,
  );

describe('TLS', () => {
  it("trusts the registry's CA given for it, and nothing else — not even with NODE_TLS_REJECT_UNAUTHORIZED=0", async () => {
    const r = await tlsRegistry();
    expect(await client({ host: r.host, ca: r.ca }).headManifest('acme/app', '1.0')).toBeUndefined();
    const before = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
    try {
      const e = await failure(client({ host: r.host }).headManifest('acme/app', '1.0'));
      expect(e?.message).toMatch(/certificate.*— trust the registry's CA with registry-ca$/);
      expect(e?.retryable).toBe(false);
    } finally {
      if (before === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
      else process.env.NODE_TLS_REJECT_UNAUTHORIZED = before;
    }
  });
});

describe('through a proxy', () => {
  it('every request goes through one CONNECT tunnel, kept alive, TLS to the registry checked inside it', async () => {
    const r = await tlsRegistry();
    const proxy = await connectProxy();
    const c = client({ host: r.host, ca: r.ca, proxy: { https: proxy.url } });
    for (const tag of ['1.2.3', '1.2', '1', 'latest']) expect(await c.headManifest('acme/app', tag)).toBeUndefined();
    await c.ping();
    expect(proxy.tunnels).toEqual([r.host]);
    expect(r.connections()).toBe(1);
    // Without the registry's CA, the tunnel is no way around the check.
    const e = await failure(client({ host: r.host, proxy: { https: proxy.url } }).ping());
    expect(e?.message).toMatch(new RegExp(`failed through the proxy ${proxy.url}: .*certificate.*registry-ca$`));
  });

  it('a proxy that refuses the tunnel is named as the one refusing, and not retried', async () => {
    const r = await tlsRegistry();
    const proxy = await connectProxy(true);
    const e = await failure(client({ host: r.host, ca: r.ca, retries: 3, proxy: { https: proxy.url } }).ping());
    expect(e?.message).toContain(`through the proxy ${proxy.url} (the proxy refused: check its rules, HTTPS_PROXY and NO_PROXY)`);
    expect(proxy.tunnels).toHaveLength(1);
    expect(r.connections()).toBe(0);
  });

  it('NO_PROXY sends the registry direct', async () => {
    const r = await tlsRegistry();
    const proxy = await connectProxy();
    await client({ host: r.host, ca: r.ca, proxy: { https: proxy.url, no: '127.0.0.1' } }).ping();
    expect(proxy.tunnels).toEqual([]);
  });
});

describe('connections', () => {
  it('bounds the connections open to a host: eight reads at once over two', async () => {
    const server = createHttpServer(registryAnswer(50));
    let connections = 0;
    let open = 0;
    server.on('connection', (socket: Socket) => {
      connections = Math.max(connections, ++open);
      socket.on('close', () => open--);
    });
    const host = `127.0.0.1:${await listen(server)}`;
    const c = client({ host, insecure: true, connections: 2 });
    const tags = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    expect(await Promise.all(tags.map((t) => c.headManifest('acme/app', t)))).toEqual(tags.map(() => undefined));
    expect(connections).toBe(2);
  });
});

describe('connections, through a proxy', () => {
  it('bounds the tunnels too: eight reads at once over two', async () => {
    const r = await tlsRegistry();
    const proxy = await connectProxy();
    const c = client({ host: r.host, ca: r.ca, connections: 2, proxy: { https: proxy.url } });
    const tags = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    expect(await Promise.all(tags.map((t) => c.headManifest('acme/app', t)))).toEqual(tags.map(() => undefined));
    expect(proxy.tunnels.length).toBeLessThanOrEqual(2);
  });

  /**
   * Property: a plain-HTTP registry is asked through the proxy as curl and Go ask it — the request whole
   * (absolute form), no CONNECT, which a proxy's default rules refuse to any port but 443 — and over at
   * most `connections` connections. Nearest real variant: squid's `http_access deny CONNECT !SSL_ports`
   * in front of a plain-HTTP registry on :5000.
   */
  it('a plain-HTTP registry: absolute-form requests, no tunnel, eight reads at once over two connections at most', async () => {
    const server = createHttpServer(registryAnswer(50));
    const host = `127.0.0.1:${await listen(server)}`;
    const proxy = await connectProxy();
    const c = client({ host, insecure: true, connections: 2, proxy: { http: proxy.url } });
    const tags = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    expect(await Promise.all(tags.map((t) => c.headManifest('acme/app', t)))).toEqual(tags.map(() => undefined));
    expect({ tunnels: proxy.tunnels, forwarded: proxy.forwarded.length, first: proxy.forwarded[0], connections: proxy.mostAtOnce() <= 2 }).toEqual({
      tunnels: [],
      forwarded: 8,
      first: expect.stringMatching(new RegExp(`^HEAD http://${host}/v2/acme/app/manifests/[a-h]$`)),
      connections: true,
    });
  });

  /** Property: the proxy's own refusal of a plain-HTTP request (its web page) is named as the proxy's, not retried. */
  it("a proxy's refusal of a plain-HTTP request is named as the proxy's", async () => {
    const server = createHttpServer(registryAnswer(0));
    const host = `127.0.0.1:${await listen(server)}`;
    const proxy = await connectProxy(true);
    const e = await failure(client({ host, insecure: true, retries: 3, proxy: { http: proxy.url } }).ping());
    expect({ message: e?.message, asked: proxy.forwarded.length }).toEqual({
      message: expect.stringContaining(`through the proxy ${proxy.url} (the proxy refused: check its rules, HTTPS_PROXY and NO_PROXY)`),
      asked: 1,
    });
  });
});

describe('a body cut before its end', () => {
  it('is an error of the read, never a short success', async () => {
    const server = createHttpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'content-length': '100' });
      res.write('{"schemaVersion"', () => res.socket?.destroy());
    });
    const host = `127.0.0.1:${await listen(server)}`;
    const c = client({ host, insecure: true });
    const e = await failure(c.getManifest('acme/app', '1.0'));
    expect(e?.message).toBe(`${host}/acme/app: the connection closed before the end of the answer`);
    const blob = await c.fetchBlob('acme/app', `sha256:${'c'.repeat(64)}`);
    await expect(
      (async () => {
        for await (const _ of blob) void _;
      })(),
    ).rejects.toThrow('the connection closed before the end of the answer');
  });
});
