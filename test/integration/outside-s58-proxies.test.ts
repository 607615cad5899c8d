// A proxy with its distribution's default rules, through the bundle (HOIST_TEST_CLI for a private one), in
// front of the lab's plain-HTTP and token registries: tinyproxy as Debian ships its configuration, CONNECT
// only to ports 443 and 563 (squid's default `http_access deny CONNECT !SSL_ports` is the same rule).
// curl, Go (so Docker, BuildKit, skopeo) and pip send a plain-HTTP request to a proxy whole (absolute form,
// `GET http://registry:5000/v2/ HTTP/1.1`); Hoist asked for a CONNECT tunnel to :5000, and the proxy refused.
// The token registry's password is given in HOIST_REGISTRY_AUTH only, never in argv or output.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hoist, lab, leaks, password } from './lab.js';

let proxy: ChildProcess | undefined;
let proxyUrl = '';
let proxyLog = '';

const freePort = () =>
  new Promise<number>((done) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => done(port));
    });
  });

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'hoist-s58-proxy-'));
  const port = await freePort();
  proxyLog = join(dir, 'requests.log');
  // Debian's /etc/tinyproxy/tinyproxy.conf, the lines that matter here: ConnectPort 443 and 563.
  await writeFile(
    join(dir, 'tinyproxy.conf'),
    `User root\nGroup root\nPort ${port}\nListen 127.0.0.1\nTimeout 60\nLogFile "${proxyLog}"\nLogLevel Connect\nMaxClients 16\nAllow 127.0.0.1\nConnectPort 443\nConnectPort 563\n`,
  );
  proxy = spawn('tinyproxy', ['-d', '-c', join(dir, 'tinyproxy.conf')], { stdio: 'ignore' });
  proxyUrl = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((done) => {
      const s = createServer();
      s.once('error', () => done(true));
      s.listen(port, '127.0.0.1', () => s.close(() => done(false)));
    });
    if (up) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('tinyproxy did not start');
});
afterAll(() => {
  if (proxy?.pid) process.kill(proxy.pid, 'SIGTERM');
});

describe('a proxy that tunnels only to 443 (its default rules)', () => {
  /**
   * Property: a plain-HTTP registry is reached through such a proxy, its requests sent whole as curl's
   * and Go's are. Nearest real variant: a company squid in front of a plain-HTTP registry mirror on :5000,
   * which docker pulls from through HTTP_PROXY.
   */
  it('the plain registry: tags listed through it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hoist-s58-proxy-'));
    const plain = lab().registries.plain.host;
    const r = await hoist(['tags', 'list', `${plain}/lab/busybox`, '--insecure-registries', plain, '--retries', '0'], {
      cwd: dir,
      env: { DOCKER_CONFIG: dir, HTTP_PROXY: proxyUrl, HTTPS_PROXY: proxyUrl },
    });
    const log = await readFile(proxyLog, 'utf8').catch(() => '');
    expect({ code: r.code, listed: r.stdout.split('\n').includes('1.36'), through: log.includes(`GET http://${plain}/v2/`) }).toEqual({
      code: 0,
      listed: true,
      through: true,
    });
  }, 60_000);

  /**
   * Property: the token registry and its plain-HTTP token service too, over a proxy that serves one
   * request a connection (tinyproxy: the next request on a kept connection met a closed socket).
   * Nearest real variant: a Harbor or GitLab registry on plain HTTP inside the company, behind squid.
   */
  it('the token registry and its token service: tags listed through it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hoist-s58-proxy-'));
    const token = lab().registries.token;
    const r = await hoist(['tags', 'list', `${token.host}/lab/busybox`, '--insecure-registries', token.host, '--retries', '0'], {
      cwd: dir,
      env: { DOCKER_CONFIG: dir, HTTP_PROXY: proxyUrl, HOIST_REGISTRY_AUTH: `${token.host}=${token.username}:${password(token.passwordFile)}` },
    });
    const log = await readFile(proxyLog, 'utf8').catch(() => '');
    expect({
      code: r.code,
      listed: r.stdout.split('\n').includes('1.36'),
      through: log.includes(`GET http://${new URL(token.realm).host}/`),
      leaked: leaks(r.stdout + r.stderr, password(token.passwordFile)),
    }).toEqual({ code: 0, listed: true, through: true, leaked: false });
  }, 60_000);
});
