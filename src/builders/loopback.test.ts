// Real servers on loopback (listen(0)): one in plain HTTP, one in TLS with a self-made certificate,
// and a closed port; only the plain one is listed for buildah's registries.conf.
import { createServer as createHttp, type Server } from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfSignedCertificate, type SelfSigned } from '../../test/support/self-signed.js';
import { answersPlainHttp, plainLoopbackRegistries } from './loopback.js';

let certificate: SelfSigned;
const servers: Server[] = [];
let plain: string;
let tls: string;
const listen = (s: Server) =>
  new Promise<string>((done) => {
    servers.push(s);
    s.listen(0, '127.0.0.1', () => done(`127.0.0.1:${(s.address() as AddressInfo).port}`));
  });

beforeAll(async () => {
  certificate = selfSignedCertificate();
  const answer = (_: unknown, res: { end: (s: string) => void }) => res.end('{}');
  plain = await listen(createHttp(answer));
  tls = await listen(createHttps({ key: certificate.key, cert: certificate.cert }, answer));
});
afterAll(async () => {
  for (const s of servers) s.close();
  certificate.remove();
});

describe('answersPlainHttp', () => {
  it('is true of a plain-HTTP server, false of a TLS one and of a closed port', async () => {
    expect(await answersPlainHttp(plain)).toBe(true);
    expect(await answersPlainHttp(tls)).toBe(false);
    const closed = await listen(createHttp());
    servers.pop()!.close();
    expect(await answersPlainHttp(closed)).toBe(false);
  });
});

describe('plainLoopbackRegistries', () => {
  it('lists the loopback registries of the references that answer in plain HTTP, once each', async () => {
    const refs = [`${plain}/lab/busybox:1.36`, `${plain}/lab/git:1`, `${tls}/golden/base:1`, 'docker.io/library/debian:12', 'scratch', 'not a reference'];
    expect(await plainLoopbackRegistries(refs)).toEqual([plain]);
  });

  it('leaves out what insecure-registries already names, and registries off loopback', async () => {
    expect(await plainLoopbackRegistries([`${plain}/lab/busybox:1.36`], [plain])).toEqual([]);
    expect(await plainLoopbackRegistries(['registry.acme.internal:5000/a/b:1'])).toEqual([]);
  });
});
