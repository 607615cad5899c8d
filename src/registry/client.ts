/**
 * A client for the OCI distribution API of one registry host: ping, blob HEAD and upload,
 * manifest PUT/GET. It authenticates on demand (Basic or Bearer, from the registry's challenge),
 * trusts the system roots plus an optional per-registry CA, speaks plain HTTP only when told to,
 * retries what is worth retrying, and streams blobs (never a whole blob in memory).
 */
import { rootCertificates } from 'node:tls';
import type { Readable } from 'node:stream';
import { Agent, request, type Dispatcher } from 'undici';
import { Credentials, parseChallenges, repositoryScope, TokenCache, type Challenge, type TokenResponse } from './auth.js';
import { isRetryableStatus, parseErrorBody, RegistryError } from './errors.js';

export interface ClientOptions {
  /** The registry's API host[:port]. */
  host: string;
  /** Plain HTTP instead of HTTPS. */
  insecure: boolean;
  /** Extra certificate authorities (PEM) to trust, besides the system roots. */
  ca?: string;
  credentials?: Credentials;
  /** Further attempts after a retryable failure. */
  retries: number;
  userAgent: string;
  /** Waits between attempts (replaceable in tests). */
  sleep?: (ms: number) => Promise<void>;
}

type Action = 'pull' | 'push';

interface RequestSpec {
  method: Dispatcher.HttpMethod;
  /** A path below the registry root, or an absolute URL (upload locations). */
  url: string;
  repository?: string;
  actions?: readonly Action[];
  headers?: Record<string, string>;
  /** Produces the body; called again for each attempt. */
  body?: () => Readable | Buffer;
  expect: readonly number[];
  /** Attempts for this request; defaults to the client's retries + 1. */
  attempts?: number;
}

interface Response {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Dispatcher.ResponseData['body'];
}

const header = (r: Response, name: string): string | undefined => {
  const v = r.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class RegistryClient {
  readonly host: string;
  readonly #base: string;
  readonly #dispatcher: Agent;
  readonly #credentials: Credentials | undefined;
  readonly #tokens = new TokenCache();
  readonly #options: ClientOptions;
  /** What the registry asked for in its last challenge. */
  #challenge: Challenge | undefined;

  constructor(options: ClientOptions) {
    this.host = options.host;
    this.#options = options;
    this.#credentials = options.credentials;
    this.#base = `${options.insecure ? 'http' : 'https'}://${options.host}`;
    this.#dispatcher = new Agent({
      connect: options.ca ? { ca: [...rootCertificates, options.ca] } : {},
      connections: 8,
      headersTimeout: 60_000,
      bodyTimeout: 300_000,
    });
  }

  /** Checks that the registry answers the distribution API (and learns how it authenticates). */
  async ping(): Promise<void> {
    const r = await this.#send({ method: 'GET', url: '/v2/', expect: [200] });
    await r.body.dump();
  }

  async hasBlob(repository: string, digest: string): Promise<boolean> {
    const r = await this.#send({ method: 'HEAD', url: `/v2/${repository}/blobs/${digest}`, repository, actions: ['pull', 'push'], expect: [200, 404] });
    await r.body.dump();
    return r.status === 200;
  }

  /** Uploads a blob in one streamed PUT (the monolithic upload of the distribution spec). */
  async uploadBlob(repository: string, digest: string, size: number, open: () => Readable): Promise<void> {
    const attempts = this.#options.retries + 1;
    for (let attempt = 1; ; attempt++) {
      try {
        const start = await this.#send({ method: 'POST', url: `/v2/${repository}/blobs/uploads/`, repository, actions: ['pull', 'push'], expect: [202] });
        await start.body.dump();
        const location = header(start, 'location');
        if (!location) throw this.#error(`the registry started an upload without a Location header`, { repository, retryable: false });
        const url = new URL(location, this.#base);
        url.searchParams.set('digest', digest);
        const put = await this.#send({
          method: 'PUT', url: url.href, repository, actions: ['pull', 'push'], attempts: 1, expect: [201],
          headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) },
          body: open,
        });
        await put.body.dump();
        return;
      } catch (e) {
        if (!(e instanceof RegistryError) || !e.retryable || attempt >= attempts) throw e;
        await this.#wait(attempt, undefined);
      }
    }
  }

  /** PUTs a manifest's exact bytes under a tag or digest; returns the digest the registry computed. */
  async putManifest(repository: string, reference: string, bytes: Buffer, mediaType: string): Promise<string | undefined> {
    const r = await this.#send({
      method: 'PUT', url: `/v2/${repository}/manifests/${reference}`, repository, actions: ['pull', 'push'], expect: [201],
      headers: { 'content-type': mediaType }, body: () => bytes,
    });
    await r.body.dump();
    return header(r, 'docker-content-digest');
  }

  /** The digest a tag points at, or undefined when there is no such tag. */
  async resolveTag(repository: string, tag: string, accept: readonly string[]): Promise<string | undefined> {
    const r = await this.#send({ method: 'HEAD', url: `/v2/${repository}/manifests/${tag}`, repository, actions: ['pull'], headers: { accept: accept.join(', ') }, expect: [200, 404] });
    await r.body.dump();
    return r.status === 200 ? header(r, 'docker-content-digest') : undefined;
  }

  async close(): Promise<void> {
    await this.#dispatcher.close();
  }

  #error(message: string, d: { repository?: string; status?: number; code?: string; retryable: boolean; cause?: unknown }): RegistryError {
    return new RegistryError(`${this.host}${d.repository ? `/${d.repository}` : ''}: ${message}`, { registry: this.host, ...d });
  }

  async #wait(attempt: number, retryAfter: string | undefined): Promise<void> {
    const seconds = retryAfter ? Number(retryAfter) : NaN;
    const ms = Number.isFinite(seconds)
      ? Math.min(30_000, Math.max(0, seconds * 1000))
      : Math.min(10_000, 250 * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2); // jittered exponential
    await (this.#options.sleep ?? defaultSleep)(ms);
  }

  async #authorization(spec: RequestSpec): Promise<string | undefined> {
    const c = this.#challenge;
    if (!c) return undefined;
    if (c.scheme === 'basic') return this.#credentials?.basic();
    if (c.scheme !== 'bearer') return undefined;
    const scope = spec.repository ? repositoryScope(spec.repository, spec.actions ?? ['pull']) : '';
    return `Bearer ${this.#tokens.get(scope) ?? (await this.#fetchToken(c, scope, spec.repository))}`;
  }

  async #fetchToken(c: Challenge, scope: string, repository: string | undefined): Promise<string> {
    const realm = c.params.realm;
    if (!realm) throw this.#error('the registry asked for a Bearer token but named no realm', { repository, retryable: false });
    const url = new URL(realm);
    if (c.params.service) url.searchParams.set('service', c.params.service);
    if (scope) url.searchParams.set('scope', scope);
    const headers: Record<string, string> = { 'user-agent': this.#options.userAgent };
    if (this.#credentials) headers.authorization = this.#credentials.basic();
    let r: Dispatcher.ResponseData;
    try {
      r = await request(url, { method: 'GET', headers, dispatcher: this.#dispatcher });
    } catch (cause) {
      throw this.#error(`the token service ${url.origin} could not be reached: ${(cause as Error).message}`, { repository, retryable: true, cause });
    }
    const text = await r.body.text();
    if (r.statusCode !== 200) {
      const detail = parseErrorBody(text).message ?? `HTTP ${r.statusCode}`;
      const who = this.#credentials ? `the credentials for ${this.host}` : `an anonymous token for ${this.host} (add it to registry-auth)`;
      throw this.#error(`the token service refused ${who}: ${detail}`, { repository, status: r.statusCode, retryable: isRetryableStatus(r.statusCode) });
    }
    return this.#tokens.set(scope, JSON.parse(text) as TokenResponse);
  }

  async #send(spec: RequestSpec): Promise<Response> {
    const attempts = spec.attempts ?? this.#options.retries + 1;
    let authRetried = false;
    for (let attempt = 1; ; attempt++) {
      const headers: Record<string, string> = { 'user-agent': this.#options.userAgent, ...spec.headers };
      const authorization = await this.#authorization(spec);
      if (authorization) headers.authorization = authorization;
      const url = spec.url.startsWith('http') ? spec.url : `${this.#base}${spec.url}`;
      let res: Response;
      try {
        const r = await request(url, { method: spec.method, headers, body: spec.body?.(), dispatcher: this.#dispatcher });
        res = { status: r.statusCode, headers: r.headers, body: r.body };
      } catch (cause) {
        const message = cause instanceof Error ? (cause.cause instanceof Error ? `${cause.message} (${cause.cause.message})` : cause.message) : String(cause);
        const tlsHint = /certificate|self.signed|CERT/i.test(message) ? ` — trust the registry's CA with registry-ca` : '';
        const err = this.#error(`${spec.method} ${new URL(url).pathname} failed: ${message}${tlsHint}`, { repository: spec.repository, retryable: !tlsHint, cause });
        if (!err.retryable || attempt >= attempts) throw err;
        await this.#wait(attempt, undefined);
        continue;
      }
      if (spec.expect.includes(res.status)) return res;

      const text = await res.body.text();
      if (res.status === 401 && !authRetried) {
        const challenges = parseChallenges(header(res, 'www-authenticate') ?? '');
        const challenge = challenges.find((c) => c.scheme === 'bearer') ?? challenges.find((c) => c.scheme === 'basic');
        if (challenge) {
          if (challenge.scheme === 'basic' && !this.#credentials) {
            throw this.#error('the registry requires a login: add it to registry-auth (REGISTRY=USERNAME:PASSWORD)', { repository: spec.repository, status: 401, code: 'UNAUTHORIZED', retryable: false });
          }
          this.#challenge = challenge;
          authRetried = true;
          attempt--; // authenticating is not a failed attempt
          continue;
        }
      }
      const { code, message } = parseErrorBody(text);
      const retryable = isRetryableStatus(res.status);
      const err = this.#error(`${spec.method} ${new URL(url).pathname} answered ${res.status}${message ? `: ${message}` : ''}`, {
        repository: spec.repository, status: res.status, code, retryable,
      });
      if (!retryable || attempt >= attempts) throw err;
      await this.#wait(attempt, header(res, 'retry-after'));
    }
  }
}
