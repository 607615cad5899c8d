// HTTPS_PROXY / HTTP_PROXY given without a scheme (`proxy.acme:3128`, `user:pass@proxy.acme:3128`)
// is an HTTP proxy, as curl, Go's httpproxy (so Docker, BuildKit, crane), pip and npm take it —
// corporate base images and runner configs set it so. Before, every registry request failed ("the
// proxy set in HTTPS_PROXY/HTTP_PROXY (not a URL): Invalid URL"), and with credentials `user:` was
// read as the scheme (requests went to port 80). Here: the lab's tinyproxy that forwards (the tags
// are read, and its log shows the tunnel to the registry) and the one that refuses every client (named as refused:
// the proxy is used, not bypassed); the proxy's password never printed.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hoist, lab, uniqueRepo } from './lab.js';

const bare = (url: string) => url.replace(/^http:\/\//, '');

describe('a proxy given as host:port, without http://', () => {
  it.each([
    ['host:port', (u: string) => bare(u)],
    ['user:password@host:port', (u: string) => `proxyuser:pr0xy-s3cret@${bare(u)}`],
  ])('%s: registry requests go through it', async (_what, form) => {
    const dir = await mkdtemp(join(tmpdir(), 'hoist-proxyform-'));
    const host = lab().registries.plain.host;
    const repo = uniqueRepo('proxyform/none');
    const proxy = form(lab().proxy.url);
    const before = (await readFile(lab().proxy.log, 'utf8')).length;
    const r = await hoist(['tags', 'list', `${host}/${repo}`, '--insecure-registries', host, '--retries', '0'], {
      cwd: dir,
      env: { HTTPS_PROXY: proxy, HTTP_PROXY: proxy, DOCKER_CONFIG: dir },
    });
    expect({ code: r.code, stderr: r.stderr }).toMatchObject({ code: 0, stderr: expect.stringContaining('no tags') });
    expect((await readFile(lab().proxy.log, 'utf8')).slice(before)).toContain(`GET http://${host}/v2/`);
    expect(r.stderr).not.toContain('pr0xy-s3cret');
  });

  it('the refusing proxy given so is named as refused, its password left out', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hoist-proxyform-'));
    const host = lab().registries.plain.host;
    const proxy = `proxyuser:pr0xy-s3cret@${bare(lab().proxy.denyUrl)}`;
    const r = await hoist(['tags', 'list', `${host}/lab/busybox`, '--insecure-registries', host, '--retries', '0'], {
      cwd: dir,
      env: { HTTPS_PROXY: proxy, HTTP_PROXY: proxy, DOCKER_CONFIG: dir },
    });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`through the proxy ${lab().proxy.denyUrl} (the proxy refused`);
    expect(r.stderr).not.toContain('pr0xy-s3cret');
  });
});

// A proxy password holding a bare % (`p%ss`, never percent-encoded): curl and Go refuse such a URL
// too, so an error it is — but one naming the setting and the fix, at once. It was "URI malformed",
// retried as a network failure. The password is never printed.
describe('a proxy login that is not percent-encoded', () => {
  it('is named with the fix, without retries, the password left out', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hoist-proxyform-'));
    const host = lab().registries.plain.host;
    const proxy = `http://proxyuser:50%off-s3cret@${bare(lab().proxy.url)}`;
    const r = await hoist(['tags', 'list', `${host}/lab/busybox`, '--insecure-registries', host], {
      cwd: dir,
      env: { HTTPS_PROXY: proxy, HTTP_PROXY: proxy, DOCKER_CONFIG: dir },
    });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('the user or password in HTTPS_PROXY/HTTP_PROXY is not percent-encoded: write each % in it as %25');
    expect(r.stderr).not.toContain('off-s3cret');
  });
});
