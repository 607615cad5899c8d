// Corporate proxies nobody had named, through the bundle (HOIST_TEST_CLI for a private one), in front
// of the lab's plain registry — proxies written here, as the lab's tinyproxy cannot be them:
// (each takes a plain-HTTP registry's requests whole, as curl's and Go's, and CONNECT for TLS ones)
// - a proxy that asks for a login (407): told where the login goes, or that the one given was
//   refused, or that it speaks only NTLM/Negotiate — not "the proxy refused: check its rules", retried;
// - an https:// proxy whose certificate a company CA signed, the CA in SSL_CERT_FILE: trusted.
// The proxy password is never printed.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer as createHttp, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfSignedCertificate, type SelfSigned } from '../support/self-signed.js';
import { hoist, lab, leaks } from './lab.js';

const PROXY_PASSWORD = 'pr0xy-S3cret-%-word';
let cert: SelfSigned;
const servers: Server[] = [];
let ports = { basic: 0, ntlm: 0, tls: 0 };
let connects = 0;

/** CONNECT to the registry, when `allowed` says so; else 407 with the proxy's challenge. */
function tunnel(challenge: string, allowed: (req: IncomingMessage) => boolean) {
  return (req: IncomingMessage, client: Socket, head: Buffer) => {
    connects++;
    if (!allowed(req)) return void client.end(`HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: ${challenge}\r\nContent-Length: 0\r\n\r\n`);
    const [host, port] = (req.url ?? '').split(':');
    const up = connect(Number(port), host!, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) up.write(head);
      client.pipe(up).pipe(client);
    });
    up.on('error', () => client.destroy());
    client.on('error', () => up.destroy());
  };
}

/** A plain-HTTP request whole (absolute form, as curl and Go send it): forwarded when `allowed` says so; else 407. */
function forward(challenge: string, allowed: (req: IncomingMessage) => boolean) {
  return (req: IncomingMessage, res: ServerResponse) => {
    connects++;
    if (!allowed(req)) return void res.writeHead(407, { 'proxy-authenticate': challenge, 'content-length': '0' }).end();
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    const up = request(req.url ?? '', { method: req.method, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  };
}

const listen = async (server: Server): Promise<number> => {
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return (server.address() as AddressInfo).port;
};

beforeAll(async () => {
  cert = selfSignedCertificate({ altName: 'IP:127.0.0.1', commonName: 'proxy.acme.internal' });
  const login = `Basic ${Buffer.from(`bob:${PROXY_PASSWORD}`).toString('base64')}`;
  const basic = createHttp(forward('Basic realm="acme proxy"', (req) => req.headers['proxy-authorization'] === login));
  basic.on(
    'connect',
    tunnel('Basic realm="acme proxy"', (req) => req.headers['proxy-authorization'] === login),
  );
  const ntlm = createHttp(forward('NTLM, Negotiate', () => false));
  ntlm.on(
    'connect',
    tunnel('NTLM, Negotiate', () => false),
  );
  const tls = createHttps(
    { key: cert.key, cert: cert.cert },
    forward('Basic realm="x"', () => true),
  );
  tls.on(
    'connect',
    tunnel('Basic realm="x"', () => true),
  );
  ports = { basic: await listen(basic), ntlm: await listen(ntlm), tls: await listen(tls) };
});
afterAll(async () => {
  for (const s of servers) await new Promise<void>((done) => s.close(() => done()));
  cert.remove();
});

async function list(proxy: string, extra: Record<string, string> = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'hoist-s57-proxy-'));
  const registry = lab().registries.plain.host;
  connects = 0;
  const r = await hoist(['tags', 'list', `${registry}/lab/busybox`, '--insecure-registries', registry, '--retries', '2'], {
    cwd: dir,
    env: { HTTP_PROXY: proxy, HTTPS_PROXY: proxy, DOCKER_CONFIG: dir, ...extra },
  });
  return { ...r, connects, leaked: leaks(r.stdout + r.stderr, PROXY_PASSWORD) || leaks(r.stdout + r.stderr, encodeURIComponent(PROXY_PASSWORD)) };
}

describe('a proxy that asks for a login (407)', () => {
  /** Property: the 407 names where the login goes, once (not retried). Nearest real variant: Squid with basic_ncsa_auth. */
  it('no login given: exit 3 saying to give it in HTTPS_PROXY, asked once', async () => {
    const r = await list(`http://127.0.0.1:${ports.basic}`);
    expect({
      code: r.code,
      connects: r.connects,
      said: r.stderr.includes('the proxy asks for a login (407; it offers Basic): give it in HTTPS_PROXY/HTTP_PROXY as http://USER:PASSWORD@proxy:port'),
    }).toEqual({
      code: 3,
      connects: 1,
      said: true,
    });
  }, 60_000);

  it('a wrong login: said refused, the password never printed; the right one lists the tags', async () => {
    const wrong = await list(`http://bob:${encodeURIComponent('not-it-at-all')}@127.0.0.1:${ports.basic}`);
    const right = await list(`http://bob:${encodeURIComponent(PROXY_PASSWORD)}@127.0.0.1:${ports.basic}`);
    expect({
      wrong: {
        code: wrong.code,
        connects: wrong.connects,
        said: wrong.stderr.includes('and refused the one in HTTPS_PROXY/HTTP_PROXY: check the user and password'),
      },
      right: { code: right.code, tags: right.stdout.split('\n').includes('1.36'), leaked: right.leaked },
    }).toEqual({ wrong: { code: 3, connects: 1, said: true }, right: { code: 0, tags: true, leaked: false } });
  }, 60_000);

  /** Nearest real variant: a Windows-domain proxy (Forefront TMG, Bluecoat) offering NTLM and Negotiate only. */
  it('a proxy offering NTLM and Negotiate only: said, with the way round (cntlm, px)', async () => {
    const r = await list(`http://bob:${encodeURIComponent(PROXY_PASSWORD)}@127.0.0.1:${ports.ntlm}`);
    expect({
      code: r.code,
      said: /it offers NTLM, Negotiate\), and Hoist logs in to a proxy with Basic only: run a local proxy .*cntlm, px/.test(r.stderr),
      leaked: r.leaked,
    }).toEqual({
      code: 3,
      said: true,
      leaked: false,
    });
  }, 60_000);
});

describe('an https:// proxy whose CA is in SSL_CERT_FILE', () => {
  /** Property: TLS to the proxy is checked against the machine's trust too. Nearest real variant: Zscaler / a company TLS proxy. */
  it('lists the tags through it; without the CA, the certificate is named', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hoist-s57-proxy-'));
    const bundle = join(dir, 'company.pem');
    await writeFile(bundle, cert.cert);
    const trusted = await list(`https://127.0.0.1:${ports.tls}`, { SSL_CERT_FILE: bundle });
    const untrusted = await list(`https://127.0.0.1:${ports.tls}`);
    expect({
      trusted: { code: trusted.code, tags: trusted.stdout.split('\n').includes('1.36') },
      untrusted: { code: untrusted.code, named: /self.signed certificate/i.test(untrusted.stderr) },
    }).toEqual({ trusted: { code: 0, tags: true }, untrusted: { code: 3, named: true } });
  }, 60_000);
});
