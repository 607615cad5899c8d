/**
 * Registry authentication: the `WWW-Authenticate` challenge, Basic credentials, and Bearer tokens
 * fetched from the registry's token service per scope (the flow of Docker Hub, GHCR, GitLab).
 */

export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/**
 * Parses a `WWW-Authenticate` header (RFC 7235): `Bearer realm="…",service="…",scope="…"`.
 * Returns every challenge in order.
 */
export function parseChallenges(header: string): Challenge[] {
  const challenges: Challenge[] = [];
  const isTokenChar = (c: string | undefined) => c !== undefined && /[A-Za-z0-9!#$%&'*+.^_`|~/-]/.test(c);
  let current: Challenge | undefined;
  let i = 0;
  while (i < header.length) {
    while (i < header.length && /[\s,]/.test(header[i] ?? '')) i++;
    const start = i;
    while (isTokenChar(header[i])) i++;
    const token = header.slice(start, i);
    if (!token) {
      i++;
      continue;
    }
    let j = i;
    while (header[j] === ' ') j++;
    if (header[j] === '=' && current) {
      i = j + 1;
      while (header[i] === ' ') i++;
      let value = '';
      if (header[i] === '"') {
        i++;
        while (i < header.length && header[i] !== '"') {
          if (header[i] === '\\') i++;
          value += header[i] ?? '';
          i++;
        }
        i++;
      } else {
        const v = i;
        while (i < header.length && header[i] !== ',' && header[i] !== ' ') i++;
        value = header.slice(v, i);
      }
      current.params[token.toLowerCase()] = value;
    } else {
      current = { scheme: token.toLowerCase(), params: {} };
      challenges.push(current);
    }
  }
  return challenges;
}

/**
 * Credentials for one registry; the secret lives in a private field so dumps cannot show it.
 * `identity-token` is an OAuth2 refresh token (what `docker login` stores as `identitytoken`,
 * and credential helpers return with the username `<token>`): it is exchanged at the token
 * service, never sent as Basic.
 */
export class Credentials {
  readonly username: string;
  readonly kind: 'password' | 'identity-token';
  /** Where the credentials came from, for messages (`registry-auth`, `~/.docker/config.json`, …). */
  readonly origin: string;
  readonly #secret: string;
  constructor(username: string, secret: string, options: { kind?: 'password' | 'identity-token'; origin?: string } = {}) {
    this.username = username;
    this.#secret = secret;
    this.kind = options.kind ?? 'password';
    this.origin = options.origin ?? 'registry-auth';
  }
  basic(): string {
    return `Basic ${Buffer.from(`${this.username}:${this.#secret}`).toString('base64')}`;
  }
  /** The form body of an OAuth2 refresh-token grant (distribution's `oauth.md`). */
  refreshGrant(service: string | undefined, scopes: readonly string[], clientId: string): URLSearchParams {
    const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: this.#secret, client_id: clientId });
    if (service) form.set('service', service);
    if (scopes.length) form.set('scope', scopes.join(' '));
    return form;
  }
  /** The secret itself, for the redactor only. */
  revealForRedaction(): string {
    return this.#secret;
  }
  toJSON(): string {
    return `Credentials(${this.username} from ${this.origin})`;
  }
}

/** `repository:<path>:<actions>` */
export function repositoryScope(path: string, actions: readonly string[]): string {
  return `repository:${path}:${actions.join(',')}`;
}

/**
 * Whether `scopes` already grant `wanted` (`repository:a/b:pull` is covered by
 * `repository:a/b:pull,push`). Used to tell a challenge naming a new scope from one we asked for.
 */
export function scopeCovered(scopes: readonly string[], wanted: string): boolean {
  const split = (s: string) => {
    const last = s.lastIndexOf(':');
    return { resource: s.slice(0, last), actions: s.slice(last + 1).split(',') };
  };
  const w = split(wanted);
  return scopes.some((s) => {
    const have = split(s);
    return have.resource === w.resource && w.actions.every((a) => have.actions.includes(a) || have.actions.includes('*'));
  });
}

export interface TokenResponse {
  token?: string;
  access_token?: string;
  expires_in?: number;
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

/** Bearer tokens per scope, kept until shortly before they expire. */
export class TokenCache {
  readonly #tokens = new Map<string, CachedToken>();
  constructor(private readonly now: () => number = Date.now) {}

  get(scope: string): string | undefined {
    const t = this.#tokens.get(scope);
    if (!t) return undefined;
    if (t.expiresAt <= this.now()) {
      this.#tokens.delete(scope);
      return undefined;
    }
    return t.token;
  }

  /**
   * A live token issued for scopes that cover all of `scopes` (a push's `pull,push` token serves
   * its `pull` reads): one token per repository and run instead of one per set of actions.
   */
  covering(scopes: readonly string[]): string | undefined {
    if (!scopes.length) return undefined;
    for (const key of this.#tokens.keys()) {
      const issued = key.split(' ');
      if (scopes.every((s) => scopeCovered(issued, s))) {
        const token = this.get(key);
        if (token) return token;
      }
    }
    return undefined;
  }

  delete(scope: string): void {
    this.#tokens.delete(scope);
  }

  /** Drops every token that could have served `scopes` (the registry refused one of them). */
  deleteCovering(scopes: readonly string[]): void {
    this.#tokens.delete([...scopes].sort().join(' '));
    if (!scopes.length) return;
    for (const key of this.#tokens.keys()) if (scopes.every((s) => scopeCovered(key.split(' '), s))) this.#tokens.delete(key);
  }

  set(scope: string, response: TokenResponse): string {
    const token = response.token ?? response.access_token;
    if (!token) throw new Error('the token service answered without a token');
    // A token lives 60 s when the service does not say (distribution's token spec); renew 10 s early.
    const lifetime = Math.max(1, (response.expires_in ?? 60) - 10);
    this.#tokens.set(scope, { token, expiresAt: this.now() + lifetime * 1000 });
    return token;
  }

  toJSON(): string {
    return `TokenCache(${this.#tokens.size})`;
  }
}
