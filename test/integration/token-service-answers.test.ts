// A token service that answers 200 with no token: a corporate proxy's or captive portal's HTML login
// page in front of it, or a broken service answering `null` or `{}`. The lab's token registry, its
// challenge's realm pointed (by a fault proxy) at a token service written here that passes requests
// on to the lab's real token issuer, or answers one of those itself. The `hoist` command printed bare JavaScript errors
// ("Unexpected token '<', "<html>…" is not valid JSON", "Cannot read properties of null (reading
// 'token')") naming no registry, no service and no fix. Through the shipped bundle (HOIST_TEST_CLI
// for a private one).
import { mkdtemp } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultProxy } from '../support/fault-proxy.js';
import { hoist, lab, leaks, password, uniqueRepo } from './lab.js';

/** What the token service answers instead of the issuer's token, per case; undefined: the issuer's own answer. */
let replacement: string | undefined;
let tokenService: Server;
let tokenHost: string;
let registryProxy: FaultProxy;

beforeAll(async () => {
  const { token } = lab().registries;
  const realm = new URL(token.realm);
  tokenService = createServer((req, res) => {
    if (replacement !== undefined) {
      res.writeHead(200, { 'content-type': replacement.startsWith('<') ? 'text/html' : 'application/json' }).end(replacement);
      return;
    }
    const up = request({ hostname: realm.hostname, port: Number(realm.port), path: req.url, headers: req.headers }, (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      upRes.pipe(res);
    });
    up.on('error', () => res.destroy());
    up.end();
  });
  await new Promise<void>((done) => tokenService.listen(0, '127.0.0.1', done));
  tokenHost = `127.0.0.1:${(tokenService.address() as AddressInfo).port}`;
  registryProxy = await FaultProxy.start(token.host, {
    tamper: () => ({
      response: (_req, status, headers) =>
        status === 401 ? { headers: { 'www-authenticate': String(headers['www-authenticate']).replace(realm.host, tokenHost) } } : undefined,
    }),
  });
});

afterAll(async () => {
  await registryProxy.close();
  tokenService.closeAllConnections();
  await new Promise<void>((done) => tokenService.close(() => done()));
});

describe('a token service answering 200 without a token', () => {
  /**
   * Property: an answer of the token service that holds no token fails naming the registry, the
   * token service and what to check, exit 3, the password never printed. Nearest real-world
   * variant: the lab's real issuer through the same two proxies, its token taken (exit 0).
   */
  it('names the registry and the token service for an HTML login page, null and {}; the real issuer through the same path works', async () => {
    const { token } = lab().registries;
    const dir = await mkdtemp(join(tmpdir(), 'hoist-token-'));
    const pw = password(token.passwordFile);
    const args = ['tags', 'list', `${registryProxy.host}/${uniqueRepo('token/none')}`, '--insecure-registries', registryProxy.host];
    const env = { HOIST_REGISTRY_AUTH: `${registryProxy.host}=${token.username}:${pw}` };
    const results: Record<string, { code: number; named: boolean; bare: boolean }> = {};
    for (const [name, body] of Object.entries({
      real: undefined,
      html: '<!DOCTYPE html><html><body><form action="/login">Sign in to the proxy</form></body></html>',
      null: 'null',
      empty: '{}',
    })) {
      replacement = body;
      const r = await hoist(args, { cwd: dir, env });
      results[name] = {
        code: r.code,
        named: r.stderr.includes(registryProxy.host) && r.stderr.includes(`the token service http://${tokenHost}`),
        bare: /Unexpected token|Cannot read properties|is not valid JSON/.test(r.stderr),
      };
      expect(leaks(r.stdout + r.stderr, pw)).toBe(false);
    }
    replacement = undefined;
    expect(results).toEqual({
      real: { code: 0, named: false, bare: false },
      html: { code: 3, named: true, bare: false },
      null: { code: 3, named: true, bare: false },
      empty: { code: 3, named: true, bare: false },
    });
  }, 60_000);
});
