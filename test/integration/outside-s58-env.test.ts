// The machine's settings as other tools read them, through the bundle (HOIST_TEST_CLI for a private one),
// against the lab's registries and proxy:
// - an SSL_CERT_DIR entry that does not exist is passed over with a warning, as OpenSSL and Go do;
// - ALL_PROXY is the fallback proxy, as curl reads it; a SOCKS one is named, not spoken HTTP to;
// - a usage error is red under FORCE_COLOR=1, as every other error line.
// The TLS registry's password is given in HOIST_REGISTRY_AUTH only, never in argv or output.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hoist, lab, leaks, password } from './lab.js';

const workdir = () => mkdtemp(join(tmpdir(), 'hoist-s58-env-'));
const proxyLog = () => readFile(lab().proxy.log, 'utf8').catch(() => '');

describe('SSL_CERT_DIR naming a directory that does not exist', () => {
  /**
   * Property: an entry that is no directory is passed over with a warning naming it, the other trust
   * kept. It was exit 2 while curl, git and docker ran. Nearest real variant: a runner image's
   * SSL_CERT_DIR=/etc/ssl/certs:/usr/local/share/ca-certificates/company before the company CA was added.
   */
  it('SSL_CERT_DIR=/nonexistent beside SSL_CERT_FILE: the TLS registry listed, a warning', async () => {
    const dir = await workdir();
    const tls = lab().registries.tls;
    const r = await hoist(['tags', 'list', `${tls.host}/lab/busybox`, '--retries', '0'], {
      cwd: dir,
      env: {
        DOCKER_CONFIG: dir,
        SSL_CERT_FILE: tls.ca,
        SSL_CERT_DIR: join(dir, 'no-such-certs'),
        HOIST_REGISTRY_AUTH: `${tls.host}=${tls.username}:${password(tls.passwordFile)}`,
      },
    });
    expect({
      code: r.code,
      listed: r.stdout.split('\n').includes('1.36'),
      warned: r.stderr.includes(`SSL_CERT_DIR: ${join(dir, 'no-such-certs')} is not a directory: passed over`),
      leaked: leaks(r.stdout + r.stderr, password(tls.passwordFile)),
    }).toEqual({ code: 0, listed: true, warned: true, leaked: false });
  }, 60_000);
});

describe('ALL_PROXY', () => {
  /**
   * Property: ALL_PROXY is the proxy when neither HTTP_PROXY nor HTTPS_PROXY is set (curl's fallback).
   * Hoist went direct. Nearest real variant: /etc/environment with ALL_PROXY=http://proxy.corp:3128 only.
   */
  it('ALL_PROXY alone: the token registry listed through the proxy', async () => {
    const dir = await workdir();
    const token = lab().registries.token;
    const before = (await proxyLog()).length;
    const r = await hoist(['tags', 'list', `${token.host}/lab/busybox`, '--insecure-registries', token.host, '--retries', '0'], {
      cwd: dir,
      env: { DOCKER_CONFIG: dir, ALL_PROXY: lab().proxy.url, HOIST_REGISTRY_AUTH: `${token.host}=${token.username}:${password(token.passwordFile)}` },
    });
    const through = (await proxyLog()).slice(before);
    expect({ code: r.code, listed: r.stdout.split('\n').includes('1.36'), proxied: through.includes(token.host) }).toEqual({
      code: 0,
      listed: true,
      proxied: true,
    });
  }, 60_000);

  /**
   * Property: a SOCKS proxy, which Hoist cannot speak to, is an input error naming the variable (exit 2),
   * its password never shown. Nearest real variant: ALL_PROXY=socks5h://user:pw@bastion:1080 set for curl.
   */
  it('ALL_PROXY=socks5h://…: exit 2 naming ALL_PROXY, the password not shown', async () => {
    const dir = await workdir();
    const plain = lab().registries.plain.host;
    const r = await hoist(['tags', 'list', `${plain}/lab/busybox`, '--insecure-registries', plain, '--retries', '0'], {
      cwd: dir,
      env: { DOCKER_CONFIG: dir, ALL_PROXY: 'socks5h://jump:pw-s58-s3cret@127.0.0.1:1080' },
    });
    expect({
      code: r.code,
      named: r.stderr.includes('ALL_PROXY: socks5h://127.0.0.1:1080 is a SOCKS proxy'),
      leaked: leaks(r.stderr, 'pw-s58-s3cret'),
    }).toEqual({ code: 2, named: true, leaked: false });
  }, 60_000);
});

describe('the colour of a usage error', () => {
  /** Property: FORCE_COLOR=1 makes a usage error red, as the other error lines. Nearest real variant: Buildkite's log. */
  it('FORCE_COLOR=1: red', async () => {
    const dir = await workdir();
    const r = await hoist(['build', '--imagez', 'x'], { cwd: dir, env: { FORCE_COLOR: '1' } });
    expect({ code: r.code, red: r.stderr.startsWith('\u001b[31mhoist: --imagez: no such flag') }).toEqual({ code: 2, red: true });
  }, 60_000);
});
