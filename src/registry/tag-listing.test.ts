// Property: a tag listing whose pagination does not end is named at once (the registry, what the
// Link header did, the fix), never followed for ever — each page is a request, and a registry or a
// proxy that drops the `last` parameter (an API gateway rewriting queries, a cache keyed on the path)
// sent 10,000 requests before the listing failed. An honest registry's pages are all read.
// Nearest real variants: a Link to the same page again; a Link to a page of the same tags under
// another URL (`last` ignored, `n` kept); an empty page whose Link asks for more.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RegistryClient } from './client.js';
import { RegistryError } from './errors.js';

const servers: Array<{ close: () => void }> = [];
afterEach(() => {
  while (servers.length) servers.pop()?.close();
});

/** A registry whose tag listing is `page(n, url)`: the tags and the next Link of the n-th request. */
async function listing(page: (n: number, url: URL) => { tags: string[]; next?: string }): Promise<{ host: string; count: () => number }> {
  let n = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (!url.pathname.endsWith('/tags/list')) return void res.writeHead(200).end('{}');
    const p = page(++n, url);
    res
      .writeHead(200, { 'content-type': 'application/json', ...(p.next ? { link: `<${p.next}>; rel="next"` } : {}) })
      .end(JSON.stringify({ name: 'a/b', tags: p.tags }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push({ close: () => server.close() });
  return { host: `127.0.0.1:${(server.address() as AddressInfo).port}`, count: () => n };
}

const client = (host: string) => new RegistryClient({ host, insecure: true, retries: 0, userAgent: 't' });

async function failure(host: string): Promise<RegistryError> {
  const c = client(host);
  try {
    const got = await c.listTags('a/b', 2).then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!(got instanceof RegistryError)) throw new Error(`expected a RegistryError, got ${String(got)}`);
    return got;
  } finally {
    await c.close();
  }
}

describe('a tag listing that does not end', () => {
  it.each([
    ['a Link to the same page again', () => ({ tags: ['1.0.0', '1.0.1'], next: '/v2/a/b/tags/list?n=2' })],
    [
      'a Link that drops last: the first page again, under the URL of the second',
      (n: number) => ({ tags: ['1.0.0', '1.0.1'], next: `/v2/a/b/tags/list?n=2&last=1.0.1&p=${n}` }),
    ],
    ['empty pages whose Link asks for more', (n: number) => ({ tags: n === 1 ? ['1.0.0'] : [], next: `/v2/a/b/tags/list?n=2&last=x${n}` })],
  ])('%s: named after a few requests, as the registry’s broken pagination', async (_what, page) => {
    const r = await listing(page);
    const e = await failure(r.host);
    expect({ code: e.code, requests: r.count() <= 3, message: e.message }).toMatchObject({
      code: 'TAGS_ENDLESS',
      requests: true,
      message: expect.stringMatching(/^127\.0\.0\.1:\d+\/a\/b: the tag listing does not end: .*Link header.*'last' parameter/),
    });
  });

  it('an honest listing of many pages is read whole (each tag once)', async () => {
    const all = Array.from({ length: 9 }, (_, i) => `1.0.${i}`);
    const r = await listing((_n, url) => {
      const last = url.searchParams.get('last');
      const from = last ? all.slice(all.indexOf(last) + 1) : all;
      const tags = from.slice(0, 2);
      return { tags, ...(from.length > 2 ? { next: `/v2/a/b/tags/list?n=2&last=${tags.at(-1)}` } : {}) };
    });
    const c = client(r.host);
    expect(await c.listTags('a/b', 2)).toEqual(all);
    await c.close();
  });
});
