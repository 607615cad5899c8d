// The login check against real HTTP servers in this process: the spec-following memory registry
// (Basic and Bearer with scope checks) and sockets that never answer or refuse.
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createServer as createHttpsServer } from 'node:https';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.js';
import { exitCodeFor } from '../cli/exit.js';
import type { Repository } from '../core/reference.js';
import type { TransferSettings } from '../core/transfer.js';
import { MemoryRegistry } from '../../test/support/memory-registry.js';
import { selfSignedCertificate } from '../../test/support/self-signed.js';
import { Credentials } from './auth.js';
import { RegistryClient } from './client.js';
import { checkLogins, connectTargets } from './login-check.js';
import { closeAll, type ConnectEffects } from './connect.js';
import { nodeFiles } from '../effects/files.js';
import { SecretCatalog } from '../secrets/catalog.js';
import { noProcesses, recordingPlatform } from '../../test/support/pipeline.js';
import { tmpdir } from 'node:os';

const PASSWORD = 'right-horse-battery';
const WRONG = 'wrong-horse-battery';

const closing: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (closing.length) await closing.pop()!();
});

async function registry(scheme?: 'basic' | 'bearer'): Promise<MemoryRegistry> {
  const r = await MemoryRegistry.start(scheme ? { auth: { scheme, username: 'ci', password: PASSWORD } } : {});
  closing.push(() => r.close());
  return r;
}

function client(host: string, password?: string): RegistryClient {
  const c = new RegistryClient({
    host,
    insecure: true,
    retries: 0,
    userAgent: 'test',
    ...(password ? { credentials: new Credentials('ci', password) } : {}),
  });
  closing.push(() => c.close());
  return c;
}

const target = (host: string, path = 'acme/app'): Repository => ({ registry: host, host, path });

function transfer(...withPassword: string[]): TransferSettings {
  return { registries: new Map(withPassword.map((h) => [h, { username: 'ci', password: 'x', insecure: true }])), retries: 0, concurrency: 4 };
}

async function check(clients: Map<string, RegistryClient>, targets: Repository[], t: TransferSettings, timeoutMs = 5_000, step?: 'push') {
  const warnings: string[] = [];
  const error = await checkLogins(clients, targets, { transfer: t, warn: (m) => warnings.push(m), timeoutMs, ...(step ? { step } : {}) }).then(
    () => undefined,
    (e: unknown) => e,
  );
  return { error, warnings };
}

describe('checkLogins', () => {
  it.each(['basic', 'bearer'] as const)('%s: a wrong password is the input error of registry-auth, naming the registry, never the password', async (scheme) => {
    const reg = await registry(scheme);
    const { error, warnings } = await check(new Map([[reg.host, client(reg.host, WRONG)]]), [target(reg.host)], transfer(reg.host));
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues;
    expect(issues).toHaveLength(1);
    expect(issues[0]!.input).toBe('registry-auth');
    expect(issues[0]!.message).toMatch(
      new RegExp(
        `^${reg.host}/acme/app: the login was refused before the build \\((answered 401|the token service refused the credentials for ${reg.host} \\(from registry-auth\\): bad credentials)\\): correct the line`,
      ),
    );
    expect(issues[0]!.message).toContain(`correct the line for ${reg.host} in registry-auth`);
    expect(JSON.stringify(error) + String(error)).not.toContain(WRONG);
    expect(warnings).toEqual([]);
    // Nothing written: the check only asks.
    expect(reg.requests.filter((r) => !['GET', 'HEAD'].includes(r.method))).toEqual([]);
  });

  it.each(['basic', 'bearer'] as const)('%s: the right password passes, and the push reuses the token the check got', async (scheme) => {
    const reg = await registry(scheme);
    const c = client(reg.host, PASSWORD);
    const { error, warnings } = await check(new Map([[reg.host, c]]), [target(reg.host)], transfer(reg.host));
    expect(error).toBeUndefined();
    expect(warnings).toEqual([]);
    const before = reg.requests.length;
    expect(await c.hasBlob('acme/app', `sha256:${'a'.repeat(64)}`)).toBe(false);
    // One request: no new challenge, no new token.
    expect(reg.requests.slice(before).map((r) => r.path)).toEqual([`/v2/acme/app/blobs/sha256:${'a'.repeat(64)}`]);
    const tokens = reg.requests.filter((r) => r.path === '/token').map((r) => r.query.getAll('scope'));
    // The push check's upload is cancelled with a DELETE, which asks for `delete` as distribution does.
    expect(tokens).toEqual(scheme === 'bearer' ? [['repository:acme/app:pull,push'], ['repository:acme/app:pull,push', 'repository:acme/app:delete']] : []);
  });

  // Property: push rights are proven before the build and the proof leaves nothing behind: the upload
  // the check opens is cancelled. Nearest real-world variant: a registry's _uploads folder after a CI
  // job's check (distribution keeps an uncancelled session for 7 days).
  it.each(['basic', 'bearer'] as const)('%s: the push check opens an upload and cancels it; nothing is left', async (scheme) => {
    const reg = await registry(scheme);
    const { error } = await check(new Map([[reg.host, client(reg.host, PASSWORD)]]), [target(reg.host)], transfer(reg.host));
    expect(error).toBeUndefined();
    const writes = reg.requests.filter((r) => !['GET', 'HEAD'].includes(r.method) && r.path !== '/token');
    const started = writes.filter((r) => r.method === 'POST' && r.path === '/v2/acme/app/blobs/uploads/');
    const cancelled = writes.filter((r) => r.method === 'DELETE' && r.path.startsWith('/v2/acme/app/blobs/uploads/'));
    expect([started.length > 0, cancelled.length > 0, writes.every((r) => r.method === 'POST' || r.method === 'DELETE')]).toEqual([true, true, true]);
    const status = await fetch(`http://${reg.host}${cancelled.at(-1)!.path}`, {
      headers: { authorization: `Basic ${Buffer.from(`ci:${PASSWORD}`).toString('base64')}` },
    });
    expect([401, 404]).toContain(status.status);
  });

  // Property: a login that may pull but not push fails before the build, naming the registry and
  // how to log in. Nearest real-world variant: a token registry (Docker Hub, GHCR, GitLab) whose
  // anonymous token reads a public repository — the check's HEAD passed, the push failed after the build.
  it('bearer: no login, and the anonymous token may only pull: registry-auth named before the build', async () => {
    const r = await MemoryRegistry.start({ auth: { scheme: 'bearer', username: 'ci', password: PASSWORD, anonymousPull: true } });
    closing.push(() => r.close());
    const { error, warnings } = await check(new Map([[r.host, client(r.host)]]), [target(r.host)], transfer());
    expect(warnings).toEqual([]);
    expect(error).toBeInstanceOf(ConfigError);
    const issue = (error as ConfigError).issues[0]!;
    expect(issue.input).toBe('registry-auth');
    expect(issue.message).toMatch(
      new RegExp(
        `^${r.host}/acme/app: no login was found for ${r.host}, and anonymous access may not push there \\(checked before the build: [^)]*401[^)]*\\)\\): add it to registry-auth \\(${r.host}=USERNAME:PASSWORD\\), or run docker login ${r.host}$`,
      ),
    );
    expect(exitCodeFor(error)).toBe(2);
  });

  it('an anonymous push to a registry without auth passes', async () => {
    const reg = await registry();
    const { error, warnings } = await check(new Map([[reg.host, client(reg.host)]]), [target(reg.host)], transfer());
    expect(error).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  // Property: the refusal names one fix, the check's. Nearest real-world variant: a build to the
  // company's htpasswd registry with no login given; it read "(the registry requires a login: add it
  // to registry-auth (REGISTRY=USERNAME:PASSWORD)): add it to registry-auth (HOST=…)".
  it('an anonymous push to a registry that wants a login: add it to registry-auth, said once', async () => {
    const reg = await registry('basic');
    const { error } = await check(new Map([[reg.host, client(reg.host)]]), [target(reg.host)], transfer());
    expect((error as ConfigError).issues[0]).toEqual({
      input: 'registry-auth',
      message: `${reg.host}/acme/app: the login was refused before the build (the registry requires a login): add it to registry-auth (${reg.host}=USERNAME:PASSWORD), or run docker login ${reg.host} again`,
    });
  });

  it('several registries at once: only the refused one is named, the others checked', async () => {
    const good = await registry('bearer');
    const bad = await registry('basic');
    const clients = new Map([
      [good.host, client(good.host, PASSWORD)],
      [bad.host, client(bad.host, WRONG)],
    ]);
    const { error } = await check(clients, [target(good.host), target(bad.host, 'acme/other'), target(good.host, 'acme/two')], transfer(good.host, bad.host));
    expect((error as ConfigError).issues.map((i) => i.message.split(' (')[0])).toEqual([`${bad.host}/acme/other: the login was refused before the build`]);
    const asked = good.requests.filter((r) => r.path.endsWith('/blobs/sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'));
    expect(new Set(asked.map((r) => r.path.split('/blobs/')[0]))).toEqual(new Set(['/v2/acme/app', '/v2/acme/two']));
  });

  it('a registry whose certificate nothing trusts: the input error of registry-ca, naming the host', async () => {
    using certificate = selfSignedCertificate({ altName: 'IP:127.0.0.1' });
    const server = createHttpsServer({ key: certificate.key, cert: certificate.cert }, (_req, res) => res.writeHead(200).end('{}'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    closing.push(() => new Promise<void>((r) => server.close(() => r())));
    const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    const c = new RegistryClient({ host, insecure: false, retries: 0, userAgent: 'test', credentials: new Credentials('ci', PASSWORD) });
    closing.push(() => c.close());
    const { error } = await check(new Map([[host, c]]), [target(host)], transfer(host));
    expect((error as ConfigError).issues).toEqual([
      {
        input: 'registry-ca',
        message: expect.stringMatching(
          new RegExp(`^${host}/acme/app: the registry's TLS certificate is not trusted \\(.*certificate.*\\): trust its CA with registry-ca \\(${host}=PATH`),
        ),
      },
    ]);
    expect((error as ConfigError).message).not.toMatch(/use-system-ca|HEAD \//);
  });

  it('a registry that never answers is a warning after the deadline, not a hang nor a failure', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createTcpServer((s) => sockets.push(s)); // accepts, says nothing
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const host = `127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const c = client(host, PASSWORD);
    // Closed first: the sockets cut, so the request the check left ends and the client can close.
    closing.push(() => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((r) => silent.close(() => r()));
    });
    const started = Date.now();
    const { error, warnings } = await check(new Map([[host, c]]), [target(host)], transfer(host), 300);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(error).toBeUndefined();
    expect(warnings).toEqual([`${host}/acme/app: no answer to the login check within 0.3 s: building anyway; its push may fail`]);
  });

  // Property: when no push target can be reached, nothing is built (exit 3, naming each and the
  // cause); one target down among reachable ones is a warning and the build goes on for the others.
  // Nearest real-world variant: a registry host typed with the wrong port, or a registry not started yet.
  it('the only registry refuses connections: exit 3 before the build, naming it and ECONNREFUSED', async () => {
    const host = await closedPort();
    const { error, warnings } = await check(new Map([[host, client(host, PASSWORD)]]), [target(host)], transfer(host));
    expect(warnings).toEqual([]);
    expect(exitCodeFor(error)).toBe(3);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^${host}/acme/app \\(ECONNREFUSED: [^)]*\\): the push target could not be reached before the build, so nothing was built: check that the registry runs`,
      ),
    );
  });

  it('one registry of two refuses connections: a warning naming it, and the build goes on for the other', async () => {
    const host = await closedPort();
    const good = await registry('basic');
    const clients = new Map([
      [host, client(host, PASSWORD)],
      [good.host, client(good.host, PASSWORD)],
    ]);
    const { error, warnings } = await check(clients, [target(host), target(good.host)], transfer(host, good.host));
    expect(error).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(new RegExp(`^${host}/acme/app: the login could not be checked before the build \\(.*ECONNREFUSED.*\\): building anyway`));
  });

  // Property: the check's words name the step it comes before — `hoist push LAYOUT` builds nothing, so its messages say
  // "before the push", "pushing anyway", "nothing was pushed" — for each of the check's outcomes. Nearest real-world
  // variant: a layout from `skopeo copy … oci:DIR` pushed to a registry typed with the wrong port, or with a stale password.
  it('before a push of a layout (no build): each outcome says "push", never "build"', async () => {
    const down = await closedPort();
    const only = await check(new Map([[down, client(down, PASSWORD)]]), [target(down)], transfer(down), 5_000, 'push');
    expect(exitCodeFor(only.error)).toBe(3);
    expect((only.error as Error).message).toMatch(/could not be reached before the push, so nothing was pushed: check that the registry runs/);
    const good = await registry('basic');
    const both = new Map([
      [down, client(down, PASSWORD)],
      [good.host, client(good.host, PASSWORD)],
    ]);
    const one = await check(both, [target(down), target(good.host)], transfer(down, good.host), 5_000, 'push');
    expect(one.error).toBeUndefined();
    expect(one.warnings[0]).toMatch(/the login could not be checked before the push \(.*ECONNREFUSED.*\): pushing anyway; its push may fail$/);
    const wrong = await check(new Map([[good.host, client(good.host, WRONG)]]), [target(good.host)], transfer(good.host), 5_000, 'push');
    expect((wrong.error as ConfigError).issues[0]!.message).toMatch(/: the login was refused before the push \(answered 401/);
    for (const said of [(only.error as Error).message, ...one.warnings, (wrong.error as ConfigError).issues[0]!.message]) expect(said).not.toMatch(/build/);
  });
});

async function closedPort(): Promise<string> {
  const closed: Server = createTcpServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const host = `127.0.0.1:${(closed.address() as AddressInfo).port}`;
  await new Promise<void>((r) => closed.close(() => r()));
  return host;
}

describe('connectTargets', () => {
  it('cancels the check that got no answer, so the push and closing the clients after a failure do not wait behind it', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createTcpServer((c) => sockets.push(c));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const host = `127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const made: RegistryClient[] = [];
    const warnings: string[] = [];
    const platform = recordingPlatform({}, { workspace: tmpdir(), tempDir: tmpdir() });
    const fx: ConnectEffects = {
      files: nodeFiles,
      exec: noProcesses(),
      platform: { ...platform, warning: (m: string) => void warnings.push(m) },
      registry: async (options) => {
        const c = new RegistryClient({ ...options, retries: 0 });
        made.push(c);
        closing.push(() => c.close().catch(() => undefined));
        return c;
      },
    };
    const clients = await connectTargets(fx, transfer(host), [target(host)], new SecretCatalog(() => {}), undefined, 300);
    // Closed first (the last pushed): the sockets cut, so the request the check left ends.
    closing.push(() => {
      for (const c of sockets) c.destroy();
      return new Promise<void>((r) => silent.close(() => r()));
    });
    expect(warnings).toEqual([`${host}/acme/app: no answer to the login check within 0.3 s: building anyway; its push may fail`]);
    expect(made).toHaveLength(1);
    expect(clients.get(host)).toBe(made[0]);
    const started = Date.now();
    await closeAll(clients);
    expect(Date.now() - started).toBeLessThan(10_000); // > 60 s (the test's timeout) when the check's request stays
  });
});
