// Review of s58 (H7): a SOCKS proxy that no request of the run uses is no input error. Session s58 made a SOCKS (or
// any non-HTTP) proxy in ALL_PROXY an exit 2 "give an HTTP proxy … or name the registries in NO_PROXY to go direct" —
// but it refuses whether or not a request would go through it: with the registries named in NO_PROXY (as its own
// message asks), with NO_PROXY=*, and with an HTTP proxy in HTTPS_PROXY for the https registry. Through the
// session-start bundle each run listed its tags (ALL_PROXY was not read); curl reads NO_PROXY and the scheme's own
// variable before ALL_PROXY. Through the bundle (HOIST_TEST_CLI for a private one), against the lab's registries.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hoist, lab, leaks, password } from './lab.js';

const workdir = () => mkdtemp(join(tmpdir(), 'hoist-review-s58-proxy-'));
const SOCKS = 'socks5h://jump:pw-review-s58@127.0.0.1:1080';

describe('a SOCKS ALL_PROXY that no request goes through', () => {
  /**
   * Property: the registry named in NO_PROXY goes direct, whatever ALL_PROXY holds: its tags are listed (exit 0).
   * Nearest real variant: a runner's /etc/environment with ALL_PROXY=socks5h://bastion:1080 for ssh/curl and
   * NO_PROXY=registry.corp,127.0.0.1 for the company registry.
   */
  it.each([['127.0.0.1'], ['*']])(
    'NO_PROXY=%s: the plain registry listed, exit 0',
    async (noProxy) => {
      const dir = await workdir();
      const plain = lab().registries.plain.host;
      const r = await hoist(['tags', 'list', `${plain}/lab/busybox`, '--insecure-registries', plain, '--retries', '0'], {
        cwd: dir,
        env: { DOCKER_CONFIG: dir, ALL_PROXY: SOCKS, NO_PROXY: noProxy },
      });
      expect({ code: r.code, listed: r.stdout.split('\n').includes('1.36'), leaked: leaks(r.stdout + r.stderr, 'pw-review-s58') }).toEqual({
        code: 0,
        listed: true,
        leaked: false,
      });
    },
    60_000,
  );

  /**
   * Property: an https registry goes through HTTPS_PROXY (an HTTP proxy) — ALL_PROXY is only the fallback of a scheme
   * whose own variable is not set — so a SOCKS ALL_PROXY is not in use. Nearest real variant: HTTPS_PROXY for the
   * corporate proxy beside ALL_PROXY=socks5h://… that a developer's shell profile exports for ssh.
   */
  it('HTTPS_PROXY=http://… beside ALL_PROXY=socks5h://…: the TLS registry listed, exit 0', async () => {
    const dir = await workdir();
    const tls = lab().registries.tls;
    const r = await hoist(['tags', 'list', `${tls.host}/lab/busybox`, '--retries', '0'], {
      cwd: dir,
      env: {
        DOCKER_CONFIG: dir,
        SSL_CERT_FILE: tls.ca,
        NODE_EXTRA_CA_CERTS: tls.ca,
        HTTPS_PROXY: lab().proxy.url,
        ALL_PROXY: SOCKS,
        HOIST_REGISTRY_AUTH: `${tls.host}=${tls.username}:${password(tls.passwordFile)}`,
      },
    });
    expect({ code: r.code, listed: r.stdout.split('\n').includes('1.36'), leaked: leaks(r.stdout + r.stderr, 'pw-review-s58') }).toEqual({
      code: 0,
      listed: true,
      leaked: false,
    });
  }, 60_000);
});
