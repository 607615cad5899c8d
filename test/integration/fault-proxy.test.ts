// The fault proxy the registry tests put before the lab's registry and token issuer must itself
// speak HTTP/1.1 correctly, or a test's failure is the proxy's: when it rewrites an exchange it
// buffers the body whole and sends it with a Content-Length, and the Transfer-Encoding of a chunked
// answer or request must then go (both headers in one message is malformed; Node's parser refuses
// it: "Content-Length can't be present with Transfer-Encoding").
// Real-world variant: an answer streamed with `Transfer-Encoding: chunked` (nginx before a token
// service, a registry's error bodies), a client that streams its body chunked (undici without a
// length). The upstream here is a plain node:http server answering chunked, as those do.
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { FaultProxy } from '../support/fault-proxy.js';

async function chunkedUpstream(): Promise<{ host: string; seen: Array<{ te?: string; cl?: string; body: string }>; close: () => Promise<void> }> {
  const seen: Array<{ te?: string; cl?: string; body: string }> = [];
  const server = createServer(async (req, res) => {
    let body = '';
    for await (const c of req) body += String(c);
    seen.push({
      ...(req.headers['transfer-encoding'] ? { te: req.headers['transfer-encoding'] } : {}),
      ...(req.headers['content-length'] ? { cl: req.headers['content-length'] } : {}),
      body,
    });
    res.writeHead(200, { 'content-type': 'application/json' }); // no length: node answers chunked
    res.write('{"token":');
    res.end('"abc"}');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

function send(host: string, body: string, chunked: boolean): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const [hostname, port] = host.split(':');
  return new Promise((done, fail) => {
    const r = request(
      {
        hostname,
        port: Number(port),
        method: 'POST',
        path: '/token',
        headers: chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(body.length) },
      },
      async (res) => {
        let text = '';
        for await (const c of res) text += String(c);
        done({ status: res.statusCode ?? 0, headers: res.headers, body: text });
      },
    );
    r.on('error', fail);
    r.write(body.slice(0, 3));
    r.end(body.slice(3));
  });
}

describe.each([
  ['a chunked request', true],
  ['a request of a known length', false],
])('the fault proxy rewriting %s and a chunked answer', (_what, chunked) => {
  it('sends the rewritten answer and request with a Content-Length and no Transfer-Encoding beside it', async () => {
    const up = await chunkedUpstream();
    const proxy = await FaultProxy.start(up.host, {
      tamper: () => ({ request: (_r, body) => ({ body: Buffer.concat([body, Buffer.from('&x=1')]) }), response: () => undefined }),
    });
    try {
      const answer = await send(proxy.host, 'grant_type=refresh_token', chunked);
      expect(answer).toMatchObject({ status: 200, body: '{"token":"abc"}' });
      expect(answer.headers['transfer-encoding']).toBeUndefined();
      expect(answer.headers['content-length']).toBe(String('{"token":"abc"}'.length));
      expect(up.seen).toEqual([{ cl: String('grant_type=refresh_token&x=1'.length), body: 'grant_type=refresh_token&x=1' }]);
    } finally {
      await proxy.close();
      await up.close();
    }
  });
});
