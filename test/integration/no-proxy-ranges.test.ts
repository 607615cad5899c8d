// A registry NO_PROXY exempts is reached directly, however NO_PROXY names it: by a CIDR range
// (Kubernetes GitLab runners set `NO_PROXY=10.0.0.0/8,172.16.0.0/12,.svc,.cluster.local`; Go's
// httpproxy, BuildKit and curl 7.86+ honour ranges) or by a bare IPv6 address (`::1` beside
// `localhost`, as distributions' /etc/environment list it). Before, a range was read as a domain
// name and `::1` as the host ':' on port 1: the requests went to the proxy, and a company proxy that
// does not reach the internal registry failed the step. The proxy here is the lab's tinyproxy that
// refuses every client, so a request that goes through it fails; the registry is the lab's plain one,
// on 127.0.0.1 and, through a TCP forwarder, on [::1].
import { mkdtemp } from 'node:fs/promises';
import { createServer, connect, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hoist, lab } from './lab.js';

let v6: Server;
let v6Port = 0;

beforeAll(async () => {
  const [host, port] = lab().registries.plain.host.split(':');
  v6 = createServer((c) => {
    const up = connect(Number(port), host);
    c.pipe(up).pipe(c);
    c.on('error', () => up.destroy());
    up.on('error', () => c.destroy());
  });
  await new Promise<void>((done) => v6.listen(0, '::1', done));
  v6Port = (v6.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((done) => v6.close(() => done())));

describe('NO_PROXY naming the registry by a CIDR range or an IPv6 address', () => {
  const denied = () => ({ HTTP_PROXY: lab().proxy.denyUrl, HTTPS_PROXY: lab().proxy.denyUrl });

  it.each([
    ['a CIDR range holding 127.0.0.1', () => lab().registries.plain.host, '10.0.0.0/8,127.0.0.0/8,.svc'],
    ['::1, bare', () => `[::1]:${v6Port}`, 'localhost,::1'],
    ['an IPv6 range', () => `[::1]:${v6Port}`, 'fd00::/8, ::1/128'],
  ])('%s: tags list goes direct and reads the tags', async (_what, registry, noProxy) => {
    const dir = await mkdtemp(join(tmpdir(), 'hoist-noproxy-'));
    const env = { ...denied(), NO_PROXY: noProxy, DOCKER_CONFIG: dir };
    const r = await hoist(['tags', 'list', `${registry()}/lab/busybox`, '--insecure-registries', registry(), '--retries', '0'], { cwd: dir, env });
    expect(r.stderr).not.toContain('through the proxy');
    expect({ code: r.code, tags: r.stdout.split('\n') }).toMatchObject({ code: 0, tags: expect.arrayContaining(['1.36']) });
  });

  it('a registry outside the ranges still goes through the proxy (and is named as refused)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hoist-noproxy-'));
    const registry = lab().registries.plain.host;
    const env = { ...denied(), NO_PROXY: '10.0.0.0/8,0.0.1', DOCKER_CONFIG: dir };
    const r = await hoist(['tags', 'list', `${registry}/lab/busybox`, '--insecure-registries', registry, '--retries', '0'], { cwd: dir, env });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`through the proxy ${lab().proxy.denyUrl} (the proxy refused`);
  });
});
