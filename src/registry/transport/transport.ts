/**
 * The request layer a RegistryClient speaks through: one registry host, authenticated on its
 * challenge (asking again with the scope an `insufficient_scope` answer names), redirects followed
 * without credentials to other origins, bounded jittered retries honouring `Retry-After`. Failures
 * are RegistryErrors that say whether they are worth retrying and, for auth, what to fix.
 */
import { parseChallenges, repositoryScope, scopeCovered, type Credentials } from '../auth.js';
import { isRetryableStatus, parseErrorBody, RegistryError } from '../errors.js';
import { Authenticator } from './authenticator.js';
import { createAgent, createProxyAgent, errorText, exchange, header, isIdleTimeout, type Dispatcher, type HttpMethod, type Response } from './http.js';
import { PROXY_LOGIN, proxyOwnAnswer } from './agents.js';
import { describeProxy, proxyFor, type ProxySettings } from './proxy.js';

export type Action = 'pull' | 'push' | 'delete';

export interface RequestSpec {
  method: HttpMethod;
  /** A path below the registry root, or an absolute URL (upload locations, pagination links). */
  url: string;
  repository?: string;
  /** Token scopes this request needs; derived from `repository` + `actions` when absent. */
  scopes?: string[];
  actions?: readonly Action[];
  headers?: Record<string, string>;
  /** Produces the body; called again for each attempt. */
  body?: () => AsyncIterable<Buffer> | Buffer | Promise<AsyncIterable<Buffer> | Buffer>;
  expect: readonly number[];
  /** Attempts for this request; defaults to the transport's retries + 1. */
  attempts?: number;
  /** Follow 3xx answers (blob downloads are redirected to storage). */
  followRedirects?: boolean;
  /** Cancels the request — and its retries, and a wait for the registry's first answer — at once. */
  signal?: AbortSignal;
}

/** Where the user raises the per-request idle timeout (`connect.ts` reads it; the messages name it). */
export const TIMEOUT_ENV = 'HOIST_REGISTRY_TIMEOUT';
export const DEFAULT_TIMEOUT_MS = 120_000;

export interface TransportOptions {
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
  /** Milliseconds without a response header or body byte before a request is abandoned (default 120 s, `TIMEOUT_ENV`). */
  timeoutMs?: number;
  /** Connections kept open to the registry. */
  connections?: number;
  /** HTTPS_PROXY / HTTP_PROXY / NO_PROXY of the step (`proxySettings`). */
  proxy?: ProxySettings;
  /** Said once, when a loopback registry turns out to speak plain HTTP. */
  log?: (message: string) => void;
}

/** 127.0.0.0/8, ::1 and localhost: Docker reaches a registry there over plain HTTP when it answers no TLS. */
export function isLoopback(host: string): boolean {
  const name = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d+$/, '');
  return name === 'localhost' || name === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}

/** Loopback hosts already said to answer in plain HTTP (a run makes several clients per host). */
const saidPlain = new Set<string>();

/** What a TLS server answers a plain HTTP request with (Go's net/http, nginx). */
const TLS_PORT_ANSWER = /HTTP request to an HTTPS server|plain HTTP request was sent to HTTPS port/i;

/** What TLS says when the other end answered in plain HTTP (OpenSSL's "wrong version number", a too-long record). */
const PLAIN_ANSWER = /WRONG_VERSION_NUMBER|wrong version number|packet length too long|http request/i;

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The longest wait a registry's Retry-After is honoured for; a longer one fails at once, naming it. */
const MAX_RETRY_AFTER_MS = 120_000;

/**
 * Retry-After in either of HTTP's forms: seconds (`120`) or a date (`Wed, 21 Oct 2026 07:28:00 GMT`,
 * what CDNs and gateways in front of registries send) — the date form was not read, and the attempts
 * went at once by backoff, each answered 429 again.
 */
export function retryAfterOf(value: string | undefined, now = Date.now()): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+(?:\.\d+)?$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isFinite(at) && /[a-z]/i.test(text) ? Math.max(0, at - now) : undefined;
}
const pathOf = (url: string) => (url.startsWith('http') ? new URL(url).pathname : url.split('?')[0]!);

/** What one request's attempts have learnt: whether a cached token went with the last, whether one got no answer in time. */
interface Sent {
  cachedToken: boolean;
  timedOut: boolean;
}
const REDIRECTS = [301, 302, 303, 307, 308];

export class Transport {
  readonly host: string;
  /** `https://host` (or `http://` for an insecure registry, or a loopback one that answers no TLS). */
  base: string;
  readonly retries: number;
  readonly #dispatcher: Dispatcher & { close(): Promise<void> };
  /** One dispatcher per proxy the requests need, made when first needed. */
  readonly #proxied = new Map<string, Dispatcher & { close(): Promise<void> }>();
  readonly #auth: Authenticator;
  readonly #options: TransportOptions;
  /**
   * How the registry authenticates is learnt from its first answer. Until then a request without a
   * body waits for the first one in flight: a push begins with a burst of reads (each manifest and
   * tag of each repository), and sent together each got its own 401 — each on a connection of its
   * own, a TLS handshake apiece — before any was asked again with credentials. A request with a body neither waits nor is waited for: its answer comes only once
   * the body is sent.
   */
  #firstAnswer: Promise<void> | undefined;
  #answered = false;

  /** Where the login in use came from (`registry-auth`, a Docker config, …), or undefined for none (anonymous). */
  get loginOrigin(): string | undefined {
    return this.#auth.credentials?.origin;
  }

  constructor(options: TransportOptions) {
    this.host = options.host;
    this.retries = options.retries;
    this.#options = options;
    this.base = `${options.insecure ? 'http' : 'https'}://${options.host}`;
    this.#dispatcher = createAgent(this.#agentOptions());
    this.#auth = new Authenticator({
      credentials: options.credentials,
      dispatcherFor: (url) => this.#dispatcherFor(url),
      host: options.host,
      userAgent: options.userAgent,
      fail: (m, d) => this.error(m, d),
    });
  }

  error(message: string, d: { repository?: string; status?: number; code?: string; retryable: boolean; retryAfter?: number; cause?: unknown }): RegistryError {
    return new RegistryError(`${this.host}${d.repository ? `/${d.repository}` : ''}: ${message}`, { registry: this.host, ...d });
  }

  /** Waits before attempt `attempt + 1`: the registry's Retry-After, else jittered exponential backoff; a cancelled request stops waiting. */
  async wait(attempt: number, retryAfterMs: number | undefined, spec?: Pick<RequestSpec, 'signal' | 'method' | 'url' | 'repository'>): Promise<void> {
    const ms =
      retryAfterMs !== undefined
        ? Math.min(MAX_RETRY_AFTER_MS, Math.max(0, retryAfterMs))
        : Math.min(10_000, 250 * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
    await this.#unlessAborted((this.#options.sleep ?? defaultSleep)(ms), spec);
  }

  /** `work`, or the request's cancellation as soon as its signal says so. */
  async #unlessAborted<T>(work: Promise<T>, spec: Pick<RequestSpec, 'signal' | 'method' | 'url' | 'repository'> | undefined): Promise<T> {
    const signal = spec?.signal;
    if (!signal) return work;
    if (signal.aborted) throw this.#aborted(spec);
    let stop!: () => void;
    const aborted = new Promise<never>((_, reject) => signal.addEventListener('abort', (stop = () => reject(this.#aborted(spec))), { once: true }));
    try {
      return await Promise.race([work, aborted]);
    } finally {
      signal.removeEventListener('abort', stop);
    }
  }

  #aborted(spec: Pick<RequestSpec, 'signal' | 'method' | 'url' | 'repository'>): RegistryError {
    const reason = spec.signal?.reason;
    const why = reason instanceof Error ? reason.message : reason === undefined ? 'cancelled' : String(reason);
    return this.error(`${spec.method} ${pathOf(spec.url)} cancelled: ${why}`, {
      repository: spec.repository,
      code: 'ABORTED',
      retryable: false,
      cause: reason,
    });
  }

  /**
   * The error for a request (`what`: its method and path, or the body being read) that got nothing
   * from the registry within the idle timeout: the registry, the request, the seconds and the way to
   * raise them. Retryable the first time only.
   */
  idle(what: string, d: { repository?: string; again?: boolean; cause?: unknown }): RegistryError {
    const seconds = (this.#options.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000;
    return this.error(
      `${what}: nothing from the registry within ${seconds} s${d.again ? ', twice' : ''} (it took the request and went silent) — check the registry and the network to it; if it is only slow, raise the limit with ${TIMEOUT_ENV}=SECONDS`,
      { repository: d.repository, code: 'TIMEOUT', retryable: !d.again, cause: d.cause },
    );
  }

  async close(): Promise<void> {
    await Promise.all([this.#dispatcher, ...this.#proxied.values()].map((d) => d.close()));
  }

  #agentOptions() {
    return { ca: this.#options.ca, connections: this.#options.connections ?? 16, timeoutMs: this.#options.timeoutMs ?? DEFAULT_TIMEOUT_MS };
  }

  /** Direct, or through the proxy the step's HTTPS_PROXY/HTTP_PROXY/NO_PROXY choose for this URL. */
  #dispatcherFor(url: string): Dispatcher {
    const proxy = this.#options.proxy && proxyFor(url, this.#options.proxy);
    if (!proxy) return this.#dispatcher;
    let d = this.#proxied.get(proxy);
    if (!d) this.#proxied.set(proxy, (d = createProxyAgent(proxy, this.#agentOptions())));
    return d;
  }

  /** One attempt: credentials only to the registry's own origin, never to storage it redirects to. */
  async #attempt(spec: RequestSpec, url: string, scopes: readonly string[], sent: Sent): Promise<Response> {
    const headers: Record<string, string> = { 'user-agent': this.#options.userAgent, ...spec.headers };
    sent.cachedToken = false;
    if (new URL(url).origin === this.base) {
      const authorization = await this.#auth.authorization(scopes, spec.repository, sent);
      if (authorization) headers.authorization = authorization;
    }
    const proxy = this.#options.proxy && proxyFor(url, this.#options.proxy);
    try {
      const answer = await exchange(this.#dispatcherFor(url), url, spec.method, headers, await spec.body?.(), { signal: spec.signal });
      // A plain-HTTP request goes to the proxy whole (agents.ts): the proxy's own refusal comes back as an answer.
      const own = proxy && url.startsWith('http:') ? proxyOwnAnswer(answer.status, answer.headers, /^[a-z]+:\/\/[^/]*@/i.test(proxy)) : undefined;
      if (own) {
        await answer.body.dump();
        throw own;
      }
      return answer;
    } catch (cause) {
      if (cause instanceof RegistryError) throw cause;
      if (spec.signal?.aborted) throw this.#aborted(spec);
      // Retried once (a connection silently dropped on the way); a second silence is the registry's.
      if (isIdleTimeout(cause)) throw this.idle(`${spec.method} ${new URL(url).pathname}`, { repository: spec.repository, again: sent.timedOut, cause });
      const message = cause instanceof Error ? (cause.cause instanceof Error ? `${cause.message} (${cause.cause.message})` : cause.message) : String(cause);
      // Through an http:// proxy's tunnel (CONNECT answered), TLS is spoken with the registry alone, so its
      // plain answer is the registry's too: it was a bare "write EPROTO … wrong version number" behind
      // HTTPS_PROXY. Through an https:// proxy the TLS that failed may be the proxy's own.
      const plainAnswer =
        (!proxy || /^http:/i.test(proxy)) &&
        url.startsWith(`https://${this.host}/`) &&
        PLAIN_ANSWER.test(`${message} ${(cause as { cause?: { code?: string } })?.cause?.code ?? ''}`);
      if (plainAnswer && isLoopback(this.host)) {
        // As Docker does for 127.0.0.0/8 and localhost: the same request again over plain HTTP, and every later one.
        this.base = `http://${this.host}`;
        if (!saidPlain.has(this.host)) {
          saidPlain.add(this.host);
          this.#options.log?.(`${this.host}: a loopback registry that answers in plain HTTP: using HTTP, as Docker does`);
        }
        return this.#attempt(spec, `http://${url.slice('https://'.length)}`, scopes, sent);
      }
      if (plainAnswer)
        throw this.error(
          `${spec.method} ${new URL(url).pathname}: the registry answered in plain HTTP, not TLS: if it is a plain-HTTP registry, add ${this.host} to insecure-registries`,
          {
            repository: spec.repository,
            code: 'PLAIN_HTTP',
            retryable: false,
            cause,
          },
        );
      const tlsHint = /certificate|self.signed|CERT/i.test(message) ? " — trust the registry's CA with registry-ca" : '';
      const refused = proxy !== undefined && /Proxy response \(\d+\)/i.test(message);
      // Through a proxy, the proxy is named: a refusal is its answer, not the registry's.
      const via = proxy ? ` through the proxy ${describeProxy(proxy)}${refused ? ' (the proxy refused: check its rules, HTTPS_PROXY and NO_PROXY)' : ''}` : '';
      throw this.error(`${spec.method} ${new URL(url).pathname} failed${via}: ${message}${tlsHint}`, {
        repository: spec.repository,
        // A proxy login that cannot be read, or that the proxy asks for, fails every attempt alike.
        retryable: !tlsHint && !refused && !/not percent-encoded/.test(message) && !message.startsWith(PROXY_LOGIN),
        cause,
      });
    }
  }

  /**
   * A 401's challenge: the scopes to ask for again, or undefined when asking again cannot help (a
   * token refused for the scopes it was issued for means the credentials lack the access).
   */
  #rechallenge(res: Response, spec: RequestSpec, scopes: string[], first: boolean): string[] | undefined {
    const challenges = parseChallenges(header(res, 'www-authenticate') ?? '');
    const challenge = challenges.find((c) => c.scheme === 'bearer') ?? challenges.find((c) => c.scheme === 'basic');
    if (!challenge) return undefined;
    if (challenge.scheme === 'basic' && this.#auth.credentials?.kind !== 'password') {
      const found = this.#auth.credentials;
      // An identity token (docker login's OAuth2 refresh token) only a Bearer token service takes:
      // the login found was tried, and the message says so, not that there was none.
      const why = found
        ? `the registry asks for a username and password (Basic), and the login found for it in ${found.origin} is an identity token, which only a token service (Bearer) takes: log in with a password there (docker login ${this.host}), or add it to registry-auth (REGISTRY=USERNAME:PASSWORD)`
        : 'the registry requires a login: add it to registry-auth (REGISTRY=USERNAME:PASSWORD)';
      throw this.error(why, {
        repository: spec.repository,
        status: 401,
        code: 'UNAUTHORIZED',
        retryable: false,
      });
    }
    const missing = (challenge.params.scope?.split(' ').filter(Boolean) ?? []).filter((s) => !scopeCovered(scopes, s));
    if (!first && missing.length === 0) return undefined;
    this.#auth.learn(challenge);
    return [...scopes, ...missing];
  }

  /** The error for an unexpected answer, with the registry's own code and message. */
  #answerError(res: Response, spec: RequestSpec, text: string, url: string): RegistryError {
    const { code, message } = parseErrorBody(text);
    const retryAfterMs = retryAfterOf(header(res, 'retry-after'));
    const credentials = this.#auth.credentials;
    // Go's and nginx's answer to plain HTTP on a TLS port: the registry was put in
    // insecure-registries as Docker's docs say for a self-signed one (Docker then skips the check).
    if (res.status === 400 && url.startsWith('http://') && TLS_PORT_ANSWER.test(text))
      return this.error(
        `${spec.method} ${new URL(url).pathname}: the registry speaks HTTPS, and insecure-registries sent it plain HTTP — take ${this.host} out of insecure-registries and trust its CA with registry-ca (${this.host}=PATH of the CA's PEM file); Hoist never turns TLS checks off`,
        { repository: spec.repository, status: 400, code: 'TLS_REGISTRY', retryable: false },
      );
    const hint =
      res.status === 401 || res.status === 403
        ? ` — ${credentials ? `check the access of the credentials from ${credentials.origin}` : 'add the registry to registry-auth'}`
        : '';
    return this.error(`${spec.method} ${new URL(url).pathname} answered ${res.status}${message ? `: ${message}` : ''}${hint}`, {
      repository: spec.repository,
      status: res.status,
      code,
      retryable: isRetryableStatus(res.status),
      retryAfter: retryAfterMs,
    });
  }

  async send(spec: RequestSpec): Promise<Response> {
    if (spec.signal?.aborted) throw this.#aborted(spec);
    if (this.#answered || spec.body) return this.#send(spec);
    if (this.#firstAnswer) {
      await this.#unlessAborted(this.#firstAnswer, spec);
      return this.#send(spec);
    }
    let answered!: () => void;
    this.#firstAnswer = new Promise<void>((r) => (answered = r));
    const first = () => {
      this.#answered = true;
      answered();
    };
    return this.#send(spec, first).finally(first);
  }

  /** `onAnswer`: told once the registry's first answer is read — its challenge learnt, when it sent one. */
  async #send(spec: RequestSpec, onAnswer?: () => void): Promise<Response> {
    const attempts = spec.attempts ?? this.retries + 1;
    let scopes = spec.scopes ?? (spec.repository ? [repositoryScope(spec.repository, spec.actions ?? ['pull'])] : []);
    let authRetries = 0;
    let url = spec.url.startsWith('http') ? spec.url : `${this.base}${spec.url}`;
    let redirects = 0;
    const sent: Sent = { cachedToken: false, timedOut: false };
    /** The token service that issued a replacement for a refused token, once per request. */
    let renewedAt: string | undefined;
    for (let attempt = 1; ; attempt++) {
      let res: Response;
      try {
        res = await this.#attempt(spec, url, scopes, sent);
      } catch (e) {
        if (e instanceof RegistryError && e.code === 'TIMEOUT') sent.timedOut = true;
        if (!(e instanceof RegistryError) || !e.retryable || attempt >= attempts) throw e;
        await this.wait(attempt, undefined, spec);
        continue;
      }
      // A loopback registry found to answer plain HTTP inside the attempt: this request's URL follows it, so its
      // 401 is the registry's own and gets its challenge answered (a token registry on 127.0.0.1 was refused).
      if (this.base === `http://${this.host}` && url.startsWith(`https://${this.host}/`)) url = `http://${url.slice('https://'.length)}`;
      if (res.status !== 401) onAnswer?.();
      if (spec.expect.includes(res.status)) return res;
      if (spec.followRedirects && REDIRECTS.includes(res.status) && header(res, 'location')) {
        await res.body.dump();
        if (++redirects > 5) throw this.error(`too many redirects for ${spec.url}`, { repository: spec.repository, retryable: false });
        url = new URL(header(res, 'location')!, url).href;
        attempt--;
        continue;
      }
      const text = await errorText(res.body);
      // Only the registry's own origin may change how Hoist authenticates to it: a 401 from storage
      // it redirected to must never get its challenge answered with the registry's credentials.
      const ours = new URL(url).origin === this.base;
      const again =
        ours && res.status === 401 && authRetries < 2
          ? this.#rechallenge(res, spec, scopes, authRetries === 0 && !sent.cachedToken && renewedAt === undefined)
          : undefined;
      onAnswer?.();
      if (again) {
        scopes = again;
        authRetries++;
        attempt--; // authenticating is not a failed attempt
        continue;
      }
      // A cached token refused (revoked, or expired before the service said): one new token, once.
      if (ours && res.status === 401 && sent.cachedToken && renewedAt === undefined) {
        renewedAt = this.#auth.forget(scopes);
        if (renewedAt !== undefined) {
          attempt--;
          continue;
        }
      }
      if (renewedAt !== undefined && res.status === 401) {
        // No login at all: the token service's anonymous token reads (a public pull) but this asks more (a push).
        const why = this.#auth.credentials
          ? `the registry refuses tokens its service issues: check the access of the credentials from ${this.#auth.credentials.origin} and the clocks of registry and token service`
          : `no login was found for ${this.host}, and the anonymous token its service gives does not allow this (a push): add it to registry-auth (${this.host}=USERNAME:PASSWORD), or run docker login ${this.host}`;
        throw this.error(
          `${spec.method} ${new URL(url).pathname} answered 401 to a cached token and again to a new one from ${renewedAt} (${parseErrorBody(text).message ?? 'unauthorized'}) — ${why}`,
          { repository: spec.repository, status: 401, code: parseErrorBody(text).code ?? 'UNAUTHORIZED', retryable: false },
        );
      }
      const err = this.#answerError(res, spec, text, url);
      if (err.retryable && (err.retryAfter ?? 0) > MAX_RETRY_AFTER_MS) {
        // Waiting 30 s and asking again (the cap it had) only spent the attempts on more 429s.
        const seconds = Math.ceil(err.retryAfter! / 1000);
        throw this.error(
          `${err.message.slice(err.message.indexOf(': ') + 2)} — the registry asks to wait ${seconds} s before asking again (Retry-After), longer than Hoist waits (${MAX_RETRY_AFTER_MS / 1000} s): re-run the job after that`,
          { repository: spec.repository, status: err.status, code: err.code, retryable: false, retryAfter: err.retryAfter },
        );
      }
      if (!err.retryable || attempt >= attempts) throw err;
      await this.wait(attempt, err.retryAfter, spec);
    }
  }
}
