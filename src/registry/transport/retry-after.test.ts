// Property: a registry's Retry-After is read in both of HTTP's forms — seconds and a date (what a CDN
// or API gateway in front of a registry sends) — and a wait longer than Hoist waits fails at once,
// naming the wait, where the attempts went by backoff (the date form unread) or after 30 s each (a
// longer one cut), each answered 429 again. Nearest real variants: `Retry-After: 120`;
// `Retry-After: Sun, 06 Dec 2026 10:00:00 GMT`; an hour's rate-limit window (`Retry-After: 3600`).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RegistryClient } from '../client.js';
import { retryAfterOf } from './transport.js';

const servers: Array<{ close: () => void }> = [];
afterEach(() => {
  while (servers.length) servers.pop()?.close();
});

async function limited(retryAfter: () => string): Promise<{ host: string; count: () => number }> {
  let n = 0;
  const server = createServer((_req, res) => {
    n++;
    if (n === 1)
      res
        .writeHead(429, { 'retry-after': retryAfter(), 'content-type': 'application/json' })
        .end('{"errors":[{"code":"TOOMANYREQUESTS","message":"rate limited"}]}');
    else res.writeHead(200).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push({ close: () => server.close() });
  return { host: `127.0.0.1:${(server.address() as AddressInfo).port}`, count: () => n };
}

describe('Retry-After', () => {
  it('reads seconds and an HTTP date; anything else is none', () => {
    const now = Date.parse('2026-12-06T10:00:00Z');
    expect(retryAfterOf('120', now)).toBe(120_000);
    expect(retryAfterOf('Sun, 06 Dec 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterOf('Sun, 06 Dec 2026 09:00:00 GMT', now)).toBe(0);
    expect([retryAfterOf('soon', now), retryAfterOf('', now), retryAfterOf(undefined, now)]).toEqual([undefined, undefined, undefined]);
  });

  it('a date 20 s ahead is waited for, then the request is asked again', async () => {
    const r = await limited(() => new Date(Date.now() + 20_000).toUTCString());
    const waits: number[] = [];
    const c = new RegistryClient({ host: r.host, insecure: true, retries: 3, userAgent: 't', sleep: async (ms) => void waits.push(ms) });
    await c.ping();
    await c.close();
    expect({ requests: r.count(), waited: waits.length === 1 && waits[0]! > 15_000 && waits[0]! <= 20_000 }).toEqual({ requests: 2, waited: true });
  });

  it('an hour is not waited for: named at once, with the registry’s own message', async () => {
    const r = await limited(() => '3600');
    const c = new RegistryClient({ host: r.host, insecure: true, retries: 3, userAgent: 't', sleep: async () => undefined });
    const e = await c.ping().then(
      () => undefined,
      (x: unknown) => x as Error,
    );
    await c.close();
    expect({ requests: r.count(), message: e?.message }).toEqual({
      requests: 1,
      message: `${r.host}: GET /v2/ answered 429: rate limited — the registry asks to wait 3600 s before asking again (Retry-After), longer than Hoist waits (120 s): re-run the job after that`,
    });
  });
});
