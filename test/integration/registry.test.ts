// The registry client against the lab's real registries: plain HTTP, TLS with the lab CA and
// htpasswd (Basic), and the token registry (Bearer tokens from the lab issuer).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Credentials } from '../../src/registry/auth.js';
import { RegistryClient, type ClientOptions } from '../../src/registry/client.js';
import { RegistryError } from '../../src/registry/errors.js';
import { lab, password, uniqueRepo } from './lab.js';

const client = (o: Partial<ClientOptions> & { host: string }) => new RegistryClient({ insecure: false, retries: 0, userAgent: 'hoist-test', ...o });
const blob = Buffer.from(`hoist lab blob ${Math.random()}`);
const digest = `sha256:${createHash('sha256').update(blob).digest('hex')}`;

async function failure(p: Promise<unknown>): Promise<RegistryError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(RegistryError);
  return e as RegistryError;
}

describe('plain registry', () => {
  it('pings, uploads a blob once, and then finds it', async () => {
    const c = client({ host: lab().registries.plain.host, insecure: true });
    const repo = uniqueRepo('client/plain');
    await c.ping();
    expect(await c.hasBlob(repo, digest)).toBe(false);
    await c.uploadBlob(repo, { digest, size: blob.length }, () => Readable.from([blob]));
    expect(await c.hasBlob(repo, digest)).toBe(true);
    await c.close();
  });

  it("rejects a blob whose bytes do not match its digest, with the registry's own error", async () => {
    const c = client({ host: lab().registries.plain.host, insecure: true });
    const e = await failure(c.uploadBlob(uniqueRepo('client/bad'), { digest, size: 4 }, () => Readable.from([Buffer.from('nope')])));
    expect(e.status).toBe(400);
    expect(e.code).toBe('DIGEST_INVALID');
    expect(e.retryable).toBe(false);
    await c.close();
  });
});

describe('TLS registry with the lab CA and htpasswd', () => {
  const tls = () => lab().registries.tls;
  const ca = () => readFile(tls().ca, 'utf8');

  it('trusts the lab CA given for this registry and logs in with Basic auth', async () => {
    const c = client({ host: tls().host, ca: await ca(), credentials: new Credentials(tls().username, password(tls().passwordFile)) });
    const repo = uniqueRepo('client/tls');
    await c.ping();
    await c.uploadBlob(repo, { digest, size: blob.length }, () => Readable.from([blob]));
    expect(await c.hasBlob(repo, digest)).toBe(true);
    await c.close();
  });

  it('refuses the registry without its CA (verification stays on)', async () => {
    const c = client({ host: tls().host });
    const e = await failure(c.ping());
    expect(e.message).toMatch(/certificate/);
    expect(e.message).toContain('registry-ca');
    await c.close();
  });

  it('says a login is needed when no credentials are given', async () => {
    const c = client({ host: tls().host, ca: await ca() });
    const e = await failure(c.ping());
    expect(e.status).toBe(401);
    expect(e.message).toContain('registry-auth');
    await c.close();
  });

  it('says the password is wrong when it is', async () => {
    const c = client({ host: tls().host, ca: await ca(), credentials: new Credentials(tls().username, 'not-the-password') });
    const e = await failure(c.ping());
    expect(e.status).toBe(401);
    await c.close();
  });
});

describe('token registry (Bearer)', () => {
  const token = () => lab().registries.token;

  it('gets a push-scoped token with credentials, and uploads', async () => {
    const c = client({ host: token().host, insecure: true, credentials: new Credentials(token().username, password(token().passwordFile)) });
    const repo = uniqueRepo('client/token');
    await c.uploadBlob(repo, { digest, size: blob.length }, () => Readable.from([blob]));
    expect(await c.hasBlob(repo, digest)).toBe(true);
    await c.close();
    const requests = (await readFile(join(lab().dir, 'log/token-requests.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { user: string; scopes: string[]; service: string });
    expect(requests).toContainEqual(expect.objectContaining({ user: token().username, service: token().service, scopes: [`repository:${repo}:pull,push`] }));
  });

  it('anonymous callers get a token without push, and the registry refuses the upload', async () => {
    const c = client({ host: token().host, insecure: true });
    const e = await failure(c.uploadBlob(uniqueRepo('client/anon'), { digest, size: blob.length }, () => Readable.from([blob])));
    expect(e.status).toBe(401);
    expect(e.retryable).toBe(false);
    await c.close();
  });

  it('rejects wrong credentials at the token service with a message naming the registry', async () => {
    const c = client({ host: token().host, insecure: true, credentials: new Credentials(token().username, 'wrong') });
    const e = await failure(c.hasBlob(uniqueRepo('client/wrong'), digest));
    expect(e.message).toContain(`token service refused the credentials for ${token().host}`);
    await c.close();
  });
});
