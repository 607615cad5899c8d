/**
 * The auth layer: what the registry asked for in its last challenge (Basic, or Bearer from its
 * token service with every scope a request needs), the tokens it issued per scope set, and OAuth2
 * refresh-token grants for identity tokens. Credentials never leave this object but as headers.
 */
import { isRetryableStatus, parseErrorBody, type RegistryError } from '../errors.js';
import { scopeCovered, TokenCache, type Challenge, type Credentials, type TokenResponse } from '../auth.js';
import { BODY_LIMITS, exchange, readLimited, type Dispatcher } from './http.js';
import { PROXY_LOGIN } from './agents.js';

export type ErrorFactory = (
  message: string,
  d: { repository?: string; status?: number; code?: string; retryable: boolean; retryAfter?: number; cause?: unknown },
) => RegistryError;

export class Authenticator {
  readonly #credentials: Credentials | undefined;
  readonly #tokens = new TokenCache();
  readonly #dispatcherFor: (url: string) => Dispatcher;
  readonly #host: string;
  readonly #userAgent: string;
  readonly #fail: ErrorFactory;
  /** Token requests in flight, by scope set: concurrent requests needing the same scopes share one. */
  readonly #pending = new Map<string, Promise<string>>();
  /** What the registry asked for in its last challenge. */
  #challenge: Challenge | undefined;

  constructor(o: { credentials: Credentials | undefined; dispatcherFor: (url: string) => Dispatcher; host: string; userAgent: string; fail: ErrorFactory }) {
    this.#credentials = o.credentials;
    this.#dispatcherFor = o.dispatcherFor;
    this.#host = o.host;
    this.#userAgent = o.userAgent;
    this.#fail = o.fail;
  }

  get credentials(): Credentials | undefined {
    return this.#credentials;
  }

  /** Answers a challenge from now on. */
  learn(challenge: Challenge): void {
    this.#challenge = challenge;
  }

  /**
   * Drops the cached token for these scopes (the registry refused it: revoked, or expired earlier
   * than the token service said), so the next request fetches a new one. Returns the token
   * service's origin, for messages, or undefined when no Bearer token was in use.
   */
  forget(scopes: readonly string[]): string | undefined {
    const c = this.#challenge;
    if (c?.scheme !== 'bearer') return undefined;
    this.#tokens.deleteCovering(scopes);
    return c.params.realm ? new URL(c.params.realm).origin : this.#host;
  }

  /** The Authorization header for a request needing these scopes, if the registry asked for one. */
  async authorization(scopes: readonly string[], repository: string | undefined, used?: { cachedToken: boolean }): Promise<string | undefined> {
    const c = this.#challenge;
    if (used) used.cachedToken = false;
    if (!c) return undefined;
    if (c.scheme === 'basic') return this.#credentials?.kind === 'password' ? this.#credentials.basic() : undefined;
    if (c.scheme !== 'bearer') return undefined;
    const key = [...scopes].sort().join(' ');
    const cached = this.#tokens.get(key) ?? this.#tokens.covering(scopes);
    if (used) used.cachedToken = cached !== undefined;
    if (cached) return `Bearer ${cached}`;
    const inFlight = [...this.#pending].find(([k]) => k === key || (scopes.length > 0 && scopes.every((s) => scopeCovered(k.split(' '), s))));
    if (inFlight) return `Bearer ${await inFlight[1]}`;
    const fetching = this.#fetchToken(c, scopes, key, repository).finally(() => this.#pending.delete(key));
    this.#pending.set(key, fetching);
    return `Bearer ${await fetching}`;
  }

  async #fetchToken(c: Challenge, scopes: readonly string[], key: string, repository: string | undefined): Promise<string> {
    const realm = c.params.realm;
    if (!realm) throw this.#fail('the registry asked for a Bearer token but named no realm', { repository, retryable: false });
    const url = new URL(realm);
    const headers: Record<string, string> = { 'user-agent': this.#userAgent };
    const credentials = this.#credentials;
    let r;
    try {
      if (credentials?.kind === 'identity-token') {
        headers['content-type'] = 'application/x-www-form-urlencoded';
        r = await exchange(this.#dispatcherFor(url.href), url.href, 'POST', headers, credentials.refreshGrant(c.params.service, scopes, 'hoist').toString());
      } else {
        if (c.params.service) url.searchParams.set('service', c.params.service);
        for (const scope of scopes) url.searchParams.append('scope', scope);
        if (credentials) headers.authorization = credentials.basic();
        r = await exchange(this.#dispatcherFor(url.href), url.href, 'GET', headers);
      }
    } catch (cause) {
      throw this.#fail(`the token service ${url.origin} could not be reached: ${(cause as Error).message}`, { repository, retryable: true, cause });
    }
    const text = (
      await readLimited(r.body, BODY_LIMITS.token, `the token service's answer`).catch((e: unknown) => {
        throw this.#fail((e as Error).message, { repository, retryable: false, cause: e });
      })
    ).toString('utf8');
    // A plain-HTTP token service is asked through the proxy in absolute form (agents.ts): the proxy's own 407 is an answer.
    if (r.status === 407)
      throw this.#fail(
        `the token service ${url.origin} could not be reached: ${PROXY_LOGIN} (407): give it in HTTPS_PROXY/HTTP_PROXY as http://USER:PASSWORD@proxy:port, or check the one there (each % @ : / in it percent-encoded)`,
        { repository, retryable: false },
      );
    if (r.status !== 200) {
      const detail = parseErrorBody(text).message ?? `HTTP ${r.status}`;
      const who = credentials
        ? `the credentials for ${this.#host} (from ${credentials.origin})`
        : `an anonymous token for ${this.#host} (add the registry to registry-auth)`;
      throw this.#fail(`the token service refused ${who}: ${detail}`, { repository, status: r.status, retryable: isRetryableStatus(r.status) });
    }
    const response = tokenResponse(text);
    if (!response)
      // The body is not printed: it may be a token in a form not read here.
      throw this.#fail(
        `the token service ${url.origin} answered 200 without a token (${/^\s*</.test(text) ? 'a web page' : 'no JSON object with token or access_token'}): a proxy or a login page in the way? Check the registry's token service, and HTTPS_PROXY and NO_PROXY`,
        { repository, retryable: false },
      );
    return this.#tokens.set(key, response);
  }
}

/**
 * The token service's answer when it is a JSON object holding a token (`token` or
 * `access_token`, a string); else undefined. An HTML login page from a proxy, `null` or `{}` made
 * a bare JavaScript error ("Unexpected token '<'…", "Cannot read properties of null") naming no
 * registry.
 */
export function tokenResponse(text: string): TokenResponse | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  const r = parsed as Record<string, unknown>;
  const token = [r.token, r.access_token].find((t) => typeof t === 'string' && t.length > 0) as string | undefined;
  if (!token) return undefined;
  const expires = typeof r.expires_in === 'number' && Number.isFinite(r.expires_in) && r.expires_in > 0 ? r.expires_in : undefined;
  return { token, ...(expires === undefined ? {} : { expires_in: expires }) };
}
