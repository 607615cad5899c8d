// Property: a CA the machine names through OpenSSL's variables — SSL_CERT_FILE (a bundle) or
// SSL_CERT_DIR (directories of PEM files, c_rehash's hash links among them) — is trusted as Docker,
// curl and git trust it; TLS stays checked (a server outside it still fails); a variable naming what
// cannot be read is named, never a smaller trust unsaid. Nearest real variant: a runner image whose
// company CA is in /usr/local/share/ca-certificates with SSL_CERT_DIR or SSL_CERT_FILE pointing there.
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfSignedCertificate, type SelfSigned } from '../../test/support/self-signed.js';
import { ConfigError } from '../core/errors.js';
import { RegistryClient } from './client.js';
import { machineTrust } from './machine-trust.js';

let cert: SelfSigned;
let other: SelfSigned;
let host = '';
let close: () => void;

beforeAll(async () => {
  cert = selfSignedCertificate({ altName: 'IP:127.0.0.1' });
  other = selfSignedCertificate({ altName: 'IP:127.0.0.1' });
  const server = createServer({ key: cert.key, cert: cert.cert }, (_req, res) => res.writeHead(200).end('{}'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => server.close();
});
afterAll(() => {
  close();
  cert.remove();
  other.remove();
});

async function reaches(ca: string | undefined): Promise<string> {
  const c = new RegistryClient({ host, insecure: false, retries: 0, userAgent: 't', ca });
  try {
    return await c.ping().then(
      () => 'reached',
      (e: unknown) => (e instanceof Error ? e.message : String(e)),
    );
  } finally {
    await c.close();
  }
}

describe('SSL_CERT_FILE and SSL_CERT_DIR', () => {
  it('a bundle in SSL_CERT_FILE (the CA among others, CRLF line ends) is trusted', async () => {
    const file = join(cert.dir, 'bundle.crt');
    writeFileSync(file, `${other.cert.toString()}\n# company\n${cert.cert.toString().replace(/\n/g, '\r\n')}`);
    expect(await reaches(await machineTrust({ SSL_CERT_FILE: file }))).toBe('reached');
  });

  it('a directory of hash links in SSL_CERT_DIR (the second of two) is trusted; a README beside them is passed over', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hoist-certdir-'));
    writeFileSync(join(dir, 'README'), 'certificates for the build farm\n');
    symlinkSync(cert.certFile, join(dir, '5e1a2b3c.0'));
    expect(await reaches(await machineTrust({ SSL_CERT_DIR: `${other.dir}:${dir}` }))).toBe('reached');
  });

  it('TLS stays checked: a CA that did not sign the server is not enough', async () => {
    expect(await reaches(await machineTrust({ SSL_CERT_FILE: other.certFile }))).toMatch(/certificate/i);
    expect(await reaches(undefined)).toMatch(/certificate/i);
  });

  it.each([
    ['SSL_CERT_FILE', { SSL_CERT_FILE: '/nonexistent/ca.pem' }, /^SSL_CERT_FILE: \/nonexistent\/ca\.pem: ENOENT — give the path of a PEM bundle/],
    ['SSL_CERT_FILE', { SSL_CERT_FILE: '/etc/hostname' }, /^SSL_CERT_FILE: \/etc\/hostname: no PEM certificate in it/],
  ])('%s naming what cannot be read is named: %j', async (_v, env, message) => {
    const e = await machineTrust(env).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as Error).message).toMatch(message);
  });

  /**
   * Property: an SSL_CERT_DIR entry that is no directory is passed over with a warning, as OpenSSL and Go
   * pass it over; the other entries still count. Nearest real variant: a runner image's
   * SSL_CERT_DIR=/etc/ssl/certs:/usr/local/share/ca-certificates/company before the company CA was added.
   */
  it('an SSL_CERT_DIR entry that does not exist: a warning naming it, once; the others trusted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hoist-certdir-'));
    symlinkSync(cert.certFile, join(dir, '5e1a2b3c.0'));
    const warnings: string[] = [];
    const env = { SSL_CERT_DIR: `/nonexistent/s58-certs:${dir}` };
    const trust = await machineTrust(env, (m) => warnings.push(m));
    await machineTrust(env, (m) => warnings.push(m));
    expect({ reached: await reaches(trust), warnings }).toEqual({
      reached: 'reached',
      warnings: [expect.stringMatching(/^SSL_CERT_DIR: \/nonexistent\/s58-certs is not a directory: passed over, as OpenSSL/)],
    });
  });

  it('neither set: nothing added', async () => {
    expect(await machineTrust({ SSL_CERT_DIR: ' ' })).toBeUndefined();
  });
});
