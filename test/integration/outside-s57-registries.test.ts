// Registry trust and registry answers nobody had named, through the bundle (HOIST_TEST_CLI for a
// private one), against the lab's registries and servers written here:
// - a CA the machine names in SSL_CERT_FILE / SSL_CERT_DIR (what Docker, curl and git read) is trusted;
// - a login `podman login` / `skopeo login` left in REGISTRY_AUTH_FILE is used;
// - a NO_PROXY entry nothing can match (10.0.0.0/33) is an input error, not the proxy unsaid;
// - a tag listing whose Link never ends is named after a few requests, not 10,000;
// - a 429 whose Retry-After is an HTTP date is waited for;
// - plain HTTP sent to a TLS registry (put in insecure-registries) names registry-ca;
// - a credential helper that never answers is stopped and named, the command ends.
// Secrets (the TLS registry's password) are never in argv (HOIST_REGISTRY_AUTH, an auth file) nor output.
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, hoist, lab, leaks, password } from './lab.js';

const execFileAsync = promisify(execFile);
const tls = () => lab().registries.tls;
const login = () => ({ HOIST_REGISTRY_AUTH: `${tls().host}=${tls().username}:${password(tls().passwordFile)}` });
const workdir = () => mkdtemp(join(tmpdir(), 'hoist-s57-reg-'));

describe('a CA named by SSL_CERT_FILE or SSL_CERT_DIR', () => {
  /**
   * Property: the machine's CA variables are part of the trust, TLS still checked. Nearest real
   * variant: a runner image whose company CA sits in /usr/local/share/ca-certificates with
   * SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt (Go's docker and curl trusted it; Hoist failed).
   */
  it.each([
    ['SSL_CERT_FILE (a bundle holding the CA)', (ca: string, dir: string) => ({ SSL_CERT_FILE: join(dir, 'bundle.crt'), write: ca })],
    ['SSL_CERT_DIR (a c_rehash directory)', (_ca: string, dir: string) => ({ SSL_CERT_DIR: join(dir, 'certs'), rehash: true })],
  ])(
    '%s: tags list reaches the TLS registry',
    async (_what, setting) => {
      const dir = await workdir();
      const ca = (await execFileAsync('cat', [tls().ca])).stdout;
      const s = setting(ca, dir) as { SSL_CERT_FILE?: string; SSL_CERT_DIR?: string; write?: string; rehash?: boolean };
      if (s.write) await writeFile(s.SSL_CERT_FILE!, `# company roots\n${s.write}`);
      if (s.rehash) {
        await execFileAsync('mkdir', ['-p', s.SSL_CERT_DIR!]);
        await execFileAsync('cp', [tls().ca, join(s.SSL_CERT_DIR!, 'acme-root.pem')]);
        await execFileAsync('openssl', ['rehash', s.SSL_CERT_DIR!]);
      }
      const env = { ...login(), ...(s.SSL_CERT_FILE ? { SSL_CERT_FILE: s.SSL_CERT_FILE } : {}), ...(s.SSL_CERT_DIR ? { SSL_CERT_DIR: s.SSL_CERT_DIR } : {}) };
      const r = await hoist(['tags', 'list', `${tls().host}/lab/busybox`, '--retries', '0'], { cwd: dir, env });
      expect({ code: r.code, tags: r.stdout.split('\n'), leaked: leaks(r.stdout + r.stderr, password(tls().passwordFile)) }).toMatchObject({
        code: 0,
        tags: expect.arrayContaining(['1.36']),
        leaked: false,
      });
    },
    60_000,
  );

  it('an SSL_CERT_FILE naming no file is named (exit 2), before any request', async () => {
    const dir = await workdir();
    const r = await hoist(['tags', 'list', `${tls().host}/lab/busybox`, '--retries', '0'], {
      cwd: dir,
      env: { ...login(), SSL_CERT_FILE: join(dir, 'none.pem') },
    });
    expect({ code: r.code, named: r.stderr.includes(`SSL_CERT_FILE: ${join(dir, 'none.pem')}: ENOENT`) }).toEqual({ code: 2, named: true });
  }, 60_000);
});

describe('a TLS registry put in insecure-registries', () => {
  /**
   * Property: plain HTTP sent to a TLS registry is named with the fix (out of insecure-registries,
   * its CA in registry-ca), not the registry's bare 400. Nearest real variant: Docker's docs' advice
   * for a self-signed registry (insecure-registries), carried over to Hoist.
   */
  it('names the way: registry-ca, not insecure-registries', async () => {
    const dir = await workdir();
    const r = await hoist(['tags', 'list', `${tls().host}/lab/busybox`, '--insecure-registries', tls().host, '--retries', '0'], { cwd: dir, env: login() });
    expect({
      code: r.code,
      said: r.stderr.includes(
        `the registry speaks HTTPS, and insecure-registries sent it plain HTTP — take ${tls().host} out of insecure-registries and trust its CA with --registry-ca`,
      ),
    }).toEqual({ code: 3, said: true });
  }, 60_000);
});

describe('REGISTRY_AUTH_FILE', () => {
  /**
   * Property: the login the containers tools keep is used, as skopeo uses it. Nearest real variant:
   * a GitLab job on a podman runner: `podman login --authfile $REGISTRY_AUTH_FILE …` then the CLI.
   */
  it('a `skopeo login --authfile` login lists the TLS registry', async () => {
    const dir = await workdir();
    const authFile = join(dir, 'auth.json');
    await new Promise<void>((done, fail) => {
      const p = execFile('skopeo', ['login', '--authfile', authFile, '--cert-dir', tls().certDir, '-u', tls().username, '--password-stdin', tls().host], (e) =>
        e ? fail(e) : done(),
      );
      p.stdin!.end(password(tls().passwordFile));
    });
    const r = await hoist(['tags', 'list', `${tls().host}/lab/busybox`, '--registry-ca', `${tls().host}=${tls().ca}`, '--retries', '0'], {
      cwd: dir,
      env: { REGISTRY_AUTH_FILE: authFile, DOCKER_CONFIG: join(dir, 'no-docker') },
    });
    expect({
      code: r.code,
      tags: r.stdout.split('\n'),
      from: r.stderr.includes(authFile),
      leaked: leaks(r.stdout + r.stderr, password(tls().passwordFile)),
    }).toMatchObject({
      code: 0,
      tags: expect.arrayContaining(['1.36']),
      from: true,
      leaked: false,
    });
  }, 60_000);
});

describe('a credential helper that never answers', () => {
  /**
   * Property: a helper that does not answer is stopped at the registry time limit and named with
   * the fix; the command ends. It held the run for ever. Nearest real variant: credsStore "pass" on
   * a runner, its gpg pinentry waiting for a passphrase no job can type; "secretservice" with a
   * locked keyring.
   */
  it('credsStore whose helper waits on a prompt: named within seconds (HOIST_REGISTRY_TIMEOUT=3), exit 3', async () => {
    const dir = await workdir();
    const plain = lab().registries.plain.host;
    await execFileAsync('mkdir', ['-p', join(dir, 'bin'), join(dir, 'docker')]);
    const helper = join(dir, 'bin/docker-credential-pass');
    // A shell helper whose child holds its output open, as a prompt waiting in a child does; its pid kept to end it.
    await writeFile(
      helper,
      `#!/bin/sh
sleep 45 &
echo $! > ${join(dir, 'prompt.pid')}
wait
`,
      { mode: 0o755 },
    );
    await writeFile(join(dir, 'docker/config.json'), JSON.stringify({ credsStore: 'pass' }));
    const started = Date.now();
    const r = await execFileAsync(process.execPath, [CLI, 'tags', 'list', `${plain}/lab/busybox`, '--insecure-registries', plain, '--retries', '0'], {
      cwd: dir,
      env: { PATH: `${join(dir, 'bin')}:/usr/bin:/bin`, HOME: dir, DOCKER_CONFIG: join(dir, 'docker'), HOIST_REGISTRY_TIMEOUT: '3' },
      timeout: 30_000,
    }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code?: number | string; stderr?: string; killed?: boolean }) => ({ code: e.killed ? 'hung' : e.code, stderr: e.stderr ?? '' }),
    );
    const seconds = (Date.now() - started) / 1000;
    await execFileAsync('sh', ['-c', `kill $(cat ${join(dir, 'prompt.pid')}) 2>/dev/null; true`]);
    expect({ code: r.code, quick: seconds < 20, named: r.stderr.includes('docker-credential-pass gave no answer within 3 s') }).toEqual({
      code: 3,
      quick: true,
      named: true,
    });
  }, 60_000);
});

describe('NO_PROXY naming a range no address is in', () => {
  /**
   * Property: an entry nothing can match is named with its fix (exit 2) — it was taken as a host
   * name, and the registry meant to go direct went through the proxy. Nearest real variant: a
   * Kubernetes runner's NO_PROXY with a range mistyped (127.0.0.0/33 for /8).
   */
  it('127.0.0.0/33: exit 2 naming NO_PROXY and the entry, nothing through the proxy', async () => {
    const dir = await workdir();
    const plain = lab().registries.plain.host;
    const env = { HTTP_PROXY: lab().proxy.denyUrl, HTTPS_PROXY: lab().proxy.denyUrl, NO_PROXY: 'localhost,127.0.0.0/33', DOCKER_CONFIG: dir };
    const r = await hoist(['tags', 'list', `${plain}/lab/busybox`, '--insecure-registries', plain, '--retries', '0'], { cwd: dir, env });
    expect({
      code: r.code,
      proxy: r.stderr.includes('through the proxy'),
      named: r.stderr.includes('NO_PROXY: "127.0.0.0/33": an IPv4 prefix length is 0 to 32'),
    }).toEqual({
      code: 2,
      proxy: false,
      named: true,
    });
  }, 60_000);
});

let server: Server;
let host = '';
let listings = 0;
let limitedUntil = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/v2/') return void res.writeHead(200).end('{}');
    if (url.pathname === '/v2/endless/tags/list') {
      listings++;
      // A gateway that drops `last`: every page is the first, each Link asks for the next.
      return void res
        .writeHead(200, { 'content-type': 'application/json', link: `</v2/endless/tags/list?n=1000&last=1.0.1>; rel="next"` })
        .end(JSON.stringify({ name: 'endless', tags: ['1.0.0', '1.0.1'] }));
    }
    if (url.pathname === '/v2/limited/tags/list') {
      if (Date.now() < limitedUntil)
        return void res
          .writeHead(429, { 'retry-after': new Date(limitedUntil).toUTCString(), 'content-type': 'application/json' })
          .end('{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}');
      return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"name":"limited","tags":["3.0.0"]}');
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((done) => server.close(() => done())));

describe('registry answers', () => {
  /**
   * Property: a tag listing that does not end is named after the page that shows it. Nearest real
   * variant: an API gateway or caching proxy in front of the registry that drops the query's `last`.
   */
  it('a Link that never ends: exit 3 naming the listing, in a few requests', async () => {
    const dir = await workdir();
    listings = 0;
    const r = await hoist(['tags', 'list', `${host}/endless`, '--insecure-registries', host, '--retries', '0'], { cwd: dir, env: { DOCKER_CONFIG: dir } });
    expect({ code: r.code, requests: listings, named: /the tag listing does not end: .*'last'/.test(r.stderr) }).toEqual({ code: 3, requests: 2, named: true });
  }, 120_000);

  /**
   * Property: a 429 whose Retry-After is an HTTP date (a CDN's) is waited for, then asked again.
   * Nearest real variant: `Retry-After: Sun, 06 Dec 2026 10:00:03 GMT` from a gateway's rate limit.
   */
  it('Retry-After as a date 4 s ahead: waited for, the tags listed', async () => {
    const dir = await workdir();
    // An HTTP date holds whole seconds: the limit ends on one, as a server's rate-limit window does.
    limitedUntil = Math.ceil((Date.now() + 4_000) / 1000) * 1000;
    const r = await hoist(['tags', 'list', `${host}/limited`, '--insecure-registries', host], { cwd: dir, env: { DOCKER_CONFIG: dir } });
    expect({ code: r.code, tags: r.stdout.trim() }).toEqual({ code: 0, tags: '3.0.0' });
  }, 60_000);
});
