// A registry that takes the connection and never answers — a fake of the network, servers on
// loopback in this process: each request ends at its idle timeout with a message naming the
// registry, the request, the seconds and HOIST_REGISTRY_TIMEOUT, or at once when its operation is
// cancelled; and HEADs, which are most of a re-push, keep their connection.
import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RegistryClient } from '../client.js';
import { timeoutFromEnv } from '../connect.js';
import { RegistryError } from '../errors.js';

const closing: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closing.length) await closing.pop()!();
});

/** A TCP server that accepts every connection, reads what it is sent, and says nothing; `then` (optional) writes once a request arrives. */
async function silent(then?: (socket: Socket) => void): Promise<{ host: string; connections: () => number }> {
  const sockets: Socket[] = [];
  const server: Server = createServer((s) => {
    sockets.push(s);
    s.once('data', () => then?.(s));
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closing.push(() => {
    for (const s of sockets) s.destroy();
    return new Promise<void>((r) => server.close(() => r()));
  });
  return { host: `127.0.0.1:${(server.address() as AddressInfo).port}`, connections: () => sockets.length };
}

function client(host: string, o: { timeoutMs?: number; retries?: number } = {}): RegistryClient {
  const c = new RegistryClient({ host, insecure: true, retries: o.retries ?? 0, userAgent: 'test', timeoutMs: o.timeoutMs, sleep: async () => undefined });
  closing.push(() => c.close().catch(() => undefined));
  return c;
}

const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as RegistryError,
  );

describe('a registry that never answers', () => {
  it('a request ends at the idle timeout, retried once, with a message naming the registry, the request, the seconds and the fix', async () => {
    const { host, connections } = await silent();
    const started = Date.now();
    const e = await failure(client(host, { timeoutMs: 300, retries: 3 }).headManifest('acme/app', '1.0'));
    expect(Date.now() - started).toBeLessThan(6_000); // once more, not thrice: connections() below counts it
    expect(e).toBeInstanceOf(RegistryError);
    expect(e!.code).toBe('TIMEOUT');
    expect(e!.message).toBe(
      `${host}/acme/app: HEAD /v2/acme/app/manifests/1.0: nothing from the registry within 0.3 s, twice (it took the request and went silent) — check the registry and the network to it; if it is only slow, raise the limit with HOIST_REGISTRY_TIMEOUT=SECONDS`,
    );
    // Once more, not every retry: each would hold the request another timeout (4 × 120 s by default).
    expect(connections()).toBe(2);
  });

  it('a body that stops half-way ends at the idle timeout too, naming what was being read', async () => {
    const { host } = await silent((s) =>
      s.write('HTTP/1.1 200 OK\r\ncontent-type: application/vnd.oci.image.manifest.v1+json\r\ncontent-length: 100\r\n\r\n{"schemaVersion"'),
    );
    const e = await failure(client(host, { timeoutMs: 300 }).getManifest('acme/app', '1.0'));
    expect(e?.message).toMatch(
      new RegExp(`^${host}/acme/app: reading manifest 1\\.0: nothing from the registry within 0\\.3 s .*HOIST_REGISTRY_TIMEOUT=SECONDS$`),
    );
  });

  it('an operation cancelled by its signal ends at once — the request in flight and those waiting for the first answer', async () => {
    const { host } = await silent();
    const c = client(host); // the default timeout: 120 s
    const cancel = new AbortController();
    const started = Date.now();
    const first = failure(c.headManifest('acme/app', '1.0', undefined, { signal: cancel.signal }));
    const waiting = failure(c.hasBlob('acme/app', `sha256:${'a'.repeat(64)}`, { signal: cancel.signal }));
    setTimeout(() => cancel.abort(new Error('the job was cancelled')), 200);
    const [a, b] = await Promise.all([first, waiting]);
    expect(Date.now() - started).toBeLessThan(5_000); // the default timeout is 120 s
    expect([a?.code, b?.code]).toEqual(['ABORTED', 'ABORTED']);
    expect(a?.message).toBe(`${host}/acme/app: HEAD /v2/acme/app/manifests/1.0 cancelled: the job was cancelled`);
    // Closing the client does not wait behind the cancelled request.
    const closed = Date.now();
    await c.close();
    expect(Date.now() - closed).toBeLessThan(5_000);
  });

  it('an upload cancelled by its signal ends at once', async () => {
    const { host } = await silent();
    const cancel = new AbortController();
    setTimeout(() => cancel.abort(), 200);
    const started = Date.now();
    const blob = Buffer.from('layer');
    const digest = `sha256:${(await import('node:crypto')).createHash('sha256').update(blob).digest('hex')}`;
    const e = await failure(
      client(host).uploadBlob(
        'acme/app',
        { digest, size: blob.length },
        async function* () {
          yield blob;
        },
        { signal: cancel.signal },
      ),
    );
    expect(Date.now() - started).toBeLessThan(5_000); // the default timeout is 120 s
    expect(e?.code).toBe('ABORTED');
  });

  it('a signal already aborted sends nothing', async () => {
    const { host, connections } = await silent();
    const e = await failure(client(host).ping({ signal: AbortSignal.abort() }));
    expect(e?.code).toBe('ABORTED');
    expect(connections()).toBe(0);
  });
});

describe('HOIST_REGISTRY_TIMEOUT', () => {
  it('sets the idle timeout in seconds; unset is the default; anything else is refused naming it', () => {
    expect(timeoutFromEnv({ HOIST_REGISTRY_TIMEOUT: '600' })).toBe(600_000);
    expect(timeoutFromEnv({ HOIST_REGISTRY_TIMEOUT: '0.5' })).toBe(500);
    expect(timeoutFromEnv({})).toBeUndefined();
    expect(() => timeoutFromEnv({ HOIST_REGISTRY_TIMEOUT: '10m' })).toThrow(/HOIST_REGISTRY_TIMEOUT: '10m' is not a number of seconds/);
    expect(() => timeoutFromEnv({ HOIST_REGISTRY_TIMEOUT: '0' })).toThrow(/not a number of seconds/);
  });

  // Property: a value no timer holds, or milliseconds given for seconds, is refused naming the variable.
  // Nearest real-world variant: a day (86400), the longest taken.
  it('refuses more than a day (milliseconds given for seconds; past 2^31 ms Node warned and ran on)', () => {
    expect(timeoutFromEnv({ HOIST_REGISTRY_TIMEOUT: '86400' })).toBe(86_400_000);
    expect(() => timeoutFromEnv({ HOIST_REGISTRY_TIMEOUT: '3600000' })).toThrow(
      /HOIST_REGISTRY_TIMEOUT: '3600000' seconds is more than a day: .*not milliseconds/,
    );
    expect(() => timeoutFromEnv({ HOIST_REGISTRY_TIMEOUT: '1e9' })).toThrow(/more than a day/);
  });
});

describe('HEAD requests', () => {
  it('keep their connection: six reads one after another over at most two connections (a client that closes one after each HEAD, as undici did by default, opens six)', async () => {
    let connections = 0;
    const server = createHttpServer((req, res) => {
      res.writeHead(req.url?.includes('/manifests/') ? 404 : 200, { 'content-type': 'application/json', 'content-length': '2' });
      res.end(req.method === 'HEAD' ? undefined : '{}');
    });
    server.on('connection', () => connections++);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    closing.push(() => new Promise<void>((r) => server.close(() => r())));
    const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    const c = client(host);
    for (const tag of ['1.2.3', '1.2', '1', 'latest', 'edge']) expect(await c.headManifest('acme/app', tag)).toBeUndefined();
    expect(await c.hasBlob('acme/app', `sha256:${'b'.repeat(64)}`)).toBe(true);
    // A second may open while the first is being released; 6 when each HEAD closed its connection.
    expect(connections).toBeLessThanOrEqual(2);
  });
});
