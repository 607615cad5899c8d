/**
 * A client for the OCI distribution API of one registry host: blobs (HEAD, GET, mount, upload —
 * monolithic, streamed or chunked, resumed from the registry's `Range`), manifests (PUT the exact
 * bytes, HEAD, GET, DELETE), tag listing with pagination and the referrers API. It authenticates on
 * demand (Basic, Bearer with scopes, OAuth2 refresh tokens), trusts the system roots plus an
 * optional per-registry CA, speaks plain HTTP only when told to, retries what is worth retrying and
 * streams blobs: no blob is ever held whole in memory.
 */
import { createHash } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import type { Readable } from 'node:stream';
import { Agent, request, type Dispatcher } from 'undici';
import { Credentials, parseChallenges, repositoryScope, scopeCovered, TokenCache, type Challenge, type TokenResponse } from './auth.js';
import { isRetryableStatus, parseErrorBody, RegistryError } from './errors.js';
import { isTooLarge, learnChunkLimit, parseUploadRange, profileFor, type UploadProfile } from './profiles.js';

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
  /** Overrides the upload profile known for the host (tests, and users with odd proxies). */
  profile?: Partial<UploadProfile>;
  /** Milliseconds without a response header or body byte before a request is abandoned. */
  timeoutMs?: number;
  /** Connections kept open to the registry. */
  connections?: number;
}

/** A blob as the client needs to know it. */
export interface BlobRef {
  digest: string;
  size: number;
}

/** Opens bytes [start, end) of a blob; called again when an upload resumes. */
/** Bytes [start, end) of the blob being uploaded (see `BlobSource.open` for the chunk contract). */
export type OpenBlob = (start: number, end: number) => AsyncIterable<Buffer> | Promise<AsyncIterable<Buffer>>;

export interface UploadOptions {
  /** An upload session already started (the 202 answer of a refused mount). */
  session?: string;
  /** Called with every byte count written to the registry, re-sends included. */
  onSent?: (bytes: number) => void;
  /** Told when an interrupted upload resumes or restarts (for logs). */
  onEvent?: (message: string) => void;
}

export interface UploadStats {
  bytesSent: number;
  /** Times the upload continued from the registry's offset after an interruption. */
  resumed: number;
  /** Times the upload started over from byte 0. */
  restarted: number;
}

export interface ManifestRef {
  digest: string;
  mediaType: string;
  size: number;
}

export interface Manifest extends ManifestRef {
  bytes: Buffer;
}

export interface Referrer {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

/** Every manifest media type Hoist reads, in preference order. */
export const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
] as const;

type Action = 'pull' | 'push' | 'delete';

interface RequestSpec {
  method: Dispatcher.HttpMethod;
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
  /** Attempts for this request; defaults to the client's retries + 1. */
  attempts?: number;
  /** Follow 3xx answers (blob downloads are redirected to storage). */
  followRedirects?: boolean;
}

interface Response {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Dispatcher.ResponseData['body'];
  url: string;
}

const header = (r: Response, name: string): string | undefined => {
  const v = r.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Counts the bytes that pass, handing each chunk on as it is: undici asks for the next chunk only
 * once it has written this one out, so a source may reuse its buffers.
 */
async function* counted(source: AsyncIterable<Buffer>, onBytes: (n: number) => void): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    onBytes(chunk.length);
    yield chunk;
  }
}

export class RegistryClient {
  readonly host: string;
  /** The upload profile in use; adjusted when the registry refuses a chunk size. */
  readonly profile: UploadProfile;
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
    this.profile = { ...profileFor(options.host), ...options.profile };
    this.#base = `${options.insecure ? 'http' : 'https'}://${options.host}`;
    const timeout = options.timeoutMs ?? 120_000;
    this.#dispatcher = new Agent({
      connect: options.ca ? { ca: [...rootCertificates, options.ca] } : {},
      connections: options.connections ?? 16,
      headersTimeout: timeout,
      bodyTimeout: timeout,
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

  /**
   * Asks the registry to link a blob it holds in `from` into `repository` (no bytes sent).
   * Returns `mounted`, or the upload session the registry opened instead (spec: 202).
   */
  async mountBlob(repository: string, digest: string, from: string): Promise<{ mounted: true } | { mounted: false; session: string }> {
    const r = await this.#send({
      method: 'POST', url: `/v2/${repository}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`, repository,
      scopes: [repositoryScope(repository, ['pull', 'push']), repositoryScope(from, ['pull'])], expect: [201, 202],
    });
    await r.body.dump();
    if (r.status === 201) return { mounted: true };
    return { mounted: false, session: this.#location(r, repository) };
  }

  /** A blob's bytes from `start`, following the registry's redirect to its storage. */
  async fetchBlob(repository: string, digest: string, start = 0): Promise<Readable> {
    const r = await this.#send({
      method: 'GET', url: `/v2/${repository}/blobs/${digest}`, repository, actions: ['pull'], expect: start ? [206] : [200], followRedirects: true,
      headers: start ? { range: `bytes=${start}-` } : {},
    });
    return r.body;
  }

  /**
   * Uploads a blob the way the registry's profile says, resuming from the registry's own offset
   * after an interruption; a failed resume starts a new session. Attempts without progress are
   * bounded by `retries`; each attempt that moved the offset forward resets that count.
   */
  async uploadBlob(repository: string, blob: BlobRef, open: OpenBlob, options: UploadOptions = {}): Promise<UploadStats> {
    const stats: UploadStats = { bytesSent: 0, resumed: 0, restarted: 0 };
    const sent = (n: number) => {
      stats.bytesSent += n;
      options.onSent?.(n);
    };
    const body = (start: number, end: number) => async () => {
      const source = await open(start, end);
      return end > start ? counted(source, sent) : Buffer.alloc(0);
    };
    const profile = this.profile;
    const scopes = [repositoryScope(repository, ['pull', 'push'])];
    let failures = 0;
    let offset = 0;

    const retryOrThrow = async (e: unknown): Promise<void> => {
      if (!(e instanceof RegistryError) || !e.retryable) throw e;
      if (++failures > this.#options.retries) throw e;
      await this.#wait(failures, e.retryAfter);
    };

    if (profile.mode === 'monolithic' || blob.size <= profile.monolithicUpTo) {
      let session = options.session;
      for (;;) {
        try {
          session ??= await this.#startUpload(repository);
          const url = this.#withDigest(session, blob.digest);
          const r = await this.#send({
            method: 'PUT', url, repository, scopes, attempts: 1, expect: [201],
            headers: { 'content-type': 'application/octet-stream', 'content-length': String(blob.size) }, body: body(0, blob.size),
          });
          await r.body.dump();
          return stats;
        } catch (e) {
          await retryOrThrow(e);
          session = undefined;
          stats.restarted++;
          options.onEvent?.(`${blob.digest}: upload interrupted, sending it again`);
        }
      }
    }

    let session: string = options.session ?? (await this.#startUpload(repository));
    for (;;) {
      if (offset < blob.size) {
        const length = profile.mode === 'chunked' ? Math.max(profile.chunkSize, profile.minChunk) : blob.size - offset;
        const end = Math.min(blob.size, offset + length);
        try {
          const r = await this.#send({
            method: 'PATCH', url: session, repository, scopes, attempts: 1, expect: [202, 204],
            headers: { 'content-type': 'application/octet-stream', 'content-length': String(end - offset), 'content-range': `${offset}-${end - 1}` },
            body: body(offset, end),
          });
          await r.body.dump();
          session = this.#location(r, repository, session);
          const reported = profile.trustRange ? parseUploadRange(header(r, 'range')) : undefined;
          offset = reported !== undefined && reported > offset && reported <= end ? reported : end;
          failures = 0;
          continue;
        } catch (e) {
          if (e instanceof RegistryError && isTooLarge(e.status, e.message) && learnChunkLimit(profile, end - offset)) {
            options.onEvent?.(`${this.host} refused a ${end - offset}-byte chunk: using ${profile.chunkSize}-byte chunks from now on`);
          } else if (!(e instanceof RegistryError && e.status === 416)) {
            await retryOrThrow(e);
          } else if (++failures > this.#options.retries) {
            throw e;
          }
          const status: { session: string; offset: number } | undefined = profile.trustRange ? await this.#uploadStatus(repository, session) : undefined;
          if (status) {
            session = status.session;
            options.onEvent?.(`${blob.digest}: resuming at byte ${status.offset} of ${blob.size} (interrupted at ${offset}+)`);
            offset = status.offset;
            stats.resumed++;
          } else {
            session = await this.#startUpload(repository);
            offset = 0;
            stats.restarted++;
            options.onEvent?.(`${blob.digest}: upload session lost, starting again`);
          }
          continue;
        }
      }
      try {
        const r = await this.#send({
          method: 'PUT', url: this.#withDigest(session, blob.digest), repository, scopes, attempts: 1, expect: [201],
          headers: { 'content-type': 'application/octet-stream', 'content-length': '0' },
        });
        await r.body.dump();
        return stats;
      } catch (e) {
        // The PUT may have landed before the connection broke.
        if (e instanceof RegistryError && e.retryable && (await this.hasBlob(repository, blob.digest).catch(() => false))) return stats;
        if (e instanceof RegistryError && (e.code === 'DIGEST_INVALID' || e.code === 'BLOB_UPLOAD_INVALID' || e.code === 'BLOB_UPLOAD_UNKNOWN')) {
          if (++failures > this.#options.retries) throw e;
          session = await this.#startUpload(repository);
          offset = 0;
          stats.restarted++;
          options.onEvent?.(`${blob.digest}: the registry did not accept the finished upload (${e.code}), starting again`);
          continue;
        }
        await retryOrThrow(e);
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

  /** A manifest's descriptor by tag or digest, or undefined when there is none. */
  async headManifest(repository: string, reference: string, accept: readonly string[] = MANIFEST_TYPES): Promise<ManifestRef | undefined> {
    const r = await this.#send({ method: 'HEAD', url: `/v2/${repository}/manifests/${reference}`, repository, actions: ['pull'], headers: { accept: accept.join(', ') }, expect: [200, 404] });
    await r.body.dump();
    if (r.status === 404) return undefined;
    const digest = header(r, 'docker-content-digest') ?? (reference.startsWith('sha256:') ? reference : undefined);
    if (!digest) throw this.#error(`HEAD of manifest ${reference} answered without Docker-Content-Digest`, { repository, retryable: false });
    return { digest, mediaType: header(r, 'content-type') ?? '', size: Number(header(r, 'content-length') ?? 0) };
  }

  /** The digest a tag points at, or undefined when there is no such tag. */
  async resolveTag(repository: string, tag: string, accept: readonly string[] = MANIFEST_TYPES): Promise<string | undefined> {
    return (await this.headManifest(repository, tag, accept))?.digest;
  }

  /** A manifest's exact bytes, or undefined when there is none. Verifies the digest it was asked for. */
  async getManifest(repository: string, reference: string, accept: readonly string[] = MANIFEST_TYPES): Promise<Manifest | undefined> {
    const r = await this.#send({ method: 'GET', url: `/v2/${repository}/manifests/${reference}`, repository, actions: ['pull'], headers: { accept: accept.join(', ') }, expect: [200, 404] });
    if (r.status === 404) {
      await r.body.dump();
      return undefined;
    }
    const bytes = Buffer.from(await r.body.arrayBuffer());
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    if (reference.startsWith('sha256:') && digest !== reference) {
      throw this.#error(`the manifest served for ${reference} has digest ${digest}`, { repository, retryable: false, code: 'DIGEST_MISMATCH' });
    }
    const mediaType = header(r, 'content-type')?.split(';')[0] ?? (JSON.parse(bytes.toString('utf8')) as { mediaType?: string }).mediaType ?? '';
    return { digest, mediaType, size: bytes.length, bytes };
  }

  /** Every tag of a repository, following `Link` pagination (`n` per page). */
  async listTags(repository: string, pageSize = 1000): Promise<string[]> {
    const tags: string[] = [];
    let url: string | undefined = `/v2/${repository}/tags/list?n=${pageSize}`;
    for (let pages = 0; url; pages++) {
      if (pages > 10_000) throw this.#error('tag listing did not end after 10000 pages', { repository, retryable: false });
      const r = await this.#send({ method: 'GET', url, repository, actions: ['pull'], expect: [200, 404] });
      if (r.status === 404) {
        const { code } = parseErrorBody(await r.body.text());
        if (code === 'NAME_UNKNOWN' || code === undefined) return tags; // a repository not pushed yet has no tags
        throw this.#error(`listing tags answered 404 ${code}`, { repository, status: 404, code, retryable: false });
      }
      const page = (await r.body.json()) as { tags?: string[] | null };
      tags.push(...(page.tags ?? []));
      const link = header(r, 'link');
      const next = link ? /<([^>]+)>\s*;\s*rel="?next"?/.exec(link)?.[1] : undefined;
      url = next ? new URL(next, this.#base).href : undefined;
    }
    return tags;
  }

  /** Deletes a manifest by digest. Registries that refuse deletes say so in the error. */
  async deleteManifest(repository: string, digest: string): Promise<void> {
    try {
      const r = await this.#send({ method: 'DELETE', url: `/v2/${repository}/manifests/${digest}`, repository, actions: ['delete', 'pull', 'push'], expect: [202, 200, 204] });
      await r.body.dump();
    } catch (e) {
      if (e instanceof RegistryError && (e.status === 405 || e.code === 'UNSUPPORTED')) {
        throw this.#error(`the registry does not allow deleting manifests (${e.status}${e.code ? ` ${e.code}` : ''}); on distribution, enable storage.delete`, { repository, status: e.status, code: e.code, retryable: false, cause: e });
      }
      throw e;
    }
  }

  /**
   * The manifests whose `subject` is `digest` (attestations, signatures): the referrers API, or
   * the fallback tag `sha256-<hex>` on registries without it.
   */
  async referrers(repository: string, digest: string, artifactType?: string): Promise<Referrer[]> {
    const query = artifactType ? `?artifactType=${encodeURIComponent(artifactType)}` : '';
    const r = await this.#send({ method: 'GET', url: `/v2/${repository}/referrers/${digest}${query}`, repository, actions: ['pull'], expect: [200, 404] });
    let index: { manifests?: Referrer[] } | undefined;
    if (r.status === 200 && header(r, 'content-type')?.startsWith('application/vnd.oci.image.index.v1+json')) {
      index = (await r.body.json()) as typeof index;
    } else {
      await r.body.dump();
      const fallback = await this.getManifest(repository, digest.replace(':', '-'), ['application/vnd.oci.image.index.v1+json']);
      index = fallback ? (JSON.parse(fallback.bytes.toString('utf8')) as typeof index) : { manifests: [] };
    }
    const all = index?.manifests ?? [];
    return artifactType ? all.filter((m) => m.artifactType === artifactType) : all;
  }

  async close(): Promise<void> {
    await this.#dispatcher.close();
  }

  async #startUpload(repository: string): Promise<string> {
    const r = await this.#send({ method: 'POST', url: `/v2/${repository}/blobs/uploads/`, repository, actions: ['pull', 'push'], expect: [202] });
    await r.body.dump();
    const minimum = Number(header(r, 'oci-chunk-min-length'));
    if (Number.isFinite(minimum) && minimum > this.profile.minChunk) this.profile.minChunk = minimum;
    return this.#location(r, repository);
  }

  /** Where the registry says an upload session stands: its next URL and the bytes it holds. */
  async #uploadStatus(repository: string, session: string): Promise<{ session: string; offset: number } | undefined> {
    try {
      const r = await this.#send({ method: 'GET', url: session, repository, actions: ['pull', 'push'], expect: [204, 200, 404] });
      await r.body.dump();
      if (r.status === 404) return undefined;
      const offset = parseUploadRange(header(r, 'range'));
      return offset === undefined ? undefined : { session: this.#location(r, repository, session), offset };
    } catch (e) {
      if (e instanceof RegistryError && !e.retryable) return undefined;
      throw e;
    }
  }

  #location(r: Response, repository: string, fallback?: string): string {
    const location = header(r, 'location');
    if (!location) {
      if (fallback) return fallback;
      throw this.#error('the registry answered an upload request without a Location header', { repository, retryable: false });
    }
    return new URL(location, r.url).href;
  }

  #withDigest(session: string, digest: string): string {
    const url = new URL(session, this.#base);
    url.searchParams.set('digest', digest);
    return url.href;
  }

  #error(message: string, d: { repository?: string; status?: number; code?: string; retryable: boolean; retryAfter?: number; cause?: unknown }): RegistryError {
    return new RegistryError(`${this.host}${d.repository ? `/${d.repository}` : ''}: ${message}`, { registry: this.host, ...d });
  }

  async #wait(attempt: number, retryAfterMs: number | undefined): Promise<void> {
    const ms = retryAfterMs !== undefined
      ? Math.min(30_000, Math.max(0, retryAfterMs))
      : Math.min(10_000, 250 * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2); // jittered exponential
    await (this.#options.sleep ?? defaultSleep)(ms);
  }

  #scopes(spec: RequestSpec): string[] {
    return spec.scopes ?? (spec.repository ? [repositoryScope(spec.repository, spec.actions ?? ['pull'])] : []);
  }

  async #authorization(scopes: readonly string[], repository: string | undefined): Promise<string | undefined> {
    const c = this.#challenge;
    if (!c) return undefined;
    if (c.scheme === 'basic') return this.#credentials?.kind === 'password' ? this.#credentials.basic() : undefined;
    if (c.scheme !== 'bearer') return undefined;
    const key = [...scopes].sort().join(' ');
    return `Bearer ${this.#tokens.get(key) ?? (await this.#fetchToken(c, scopes, key, repository))}`;
  }

  async #fetchToken(c: Challenge, scopes: readonly string[], key: string, repository: string | undefined): Promise<string> {
    const realm = c.params.realm;
    if (!realm) throw this.#error('the registry asked for a Bearer token but named no realm', { repository, retryable: false });
    const url = new URL(realm);
    const headers: Record<string, string> = { 'user-agent': this.#options.userAgent };
    const credentials = this.#credentials;
    let r: Dispatcher.ResponseData;
    try {
      if (credentials?.kind === 'identity-token') {
        headers['content-type'] = 'application/x-www-form-urlencoded';
        const form = credentials.refreshGrant(c.params.service, scopes, 'hoist');
        r = await request(url, { method: 'POST', headers, body: form.toString(), dispatcher: this.#dispatcher });
      } else {
        if (c.params.service) url.searchParams.set('service', c.params.service);
        for (const scope of scopes) url.searchParams.append('scope', scope);
        if (credentials) headers.authorization = credentials.basic();
        r = await request(url, { method: 'GET', headers, dispatcher: this.#dispatcher });
      }
    } catch (cause) {
      throw this.#error(`the token service ${url.origin} could not be reached: ${(cause as Error).message}`, { repository, retryable: true, cause });
    }
    const text = await r.body.text();
    if (r.statusCode !== 200) {
      const detail = parseErrorBody(text).message ?? `HTTP ${r.statusCode}`;
      const who = credentials ? `the credentials for ${this.host} (from ${credentials.origin})` : `an anonymous token for ${this.host} (add the registry to registry-auth)`;
      throw this.#error(`the token service refused ${who}: ${detail}`, { repository, status: r.statusCode, retryable: isRetryableStatus(r.statusCode) });
    }
    return this.#tokens.set(key, JSON.parse(text) as TokenResponse);
  }

  async #send(spec: RequestSpec): Promise<Response> {
    const attempts = spec.attempts ?? this.#options.retries + 1;
    let scopes = this.#scopes(spec);
    let authRetries = 0;
    let url = spec.url.startsWith('http') ? spec.url : `${this.#base}${spec.url}`;
    let redirects = 0;
    for (let attempt = 1; ; attempt++) {
      const headers: Record<string, string> = { 'user-agent': this.#options.userAgent, ...spec.headers };
      // Credentials go to the registry only: never to storage it redirects to on another host.
      if (new URL(url).origin === this.#base) {
        const authorization = await this.#authorization(scopes, spec.repository);
        if (authorization) headers.authorization = authorization;
      }
      let res: Response;
      try {
        // undici writes an async-iterable body as it is (lib/core/request.js accepts any iterable)
        // though its types list only streams: not a stream, so that no read-ahead buffering sits
        // between the source and the socket and the source may reuse its buffers.
        const body = (await spec.body?.()) as Dispatcher.DispatchOptions['body'];
        const r = await request(url, { method: spec.method, headers, body, dispatcher: this.#dispatcher });
        res = { status: r.statusCode, headers: r.headers, body: r.body, url };
      } catch (cause) {
        const message = cause instanceof Error ? (cause.cause instanceof Error ? `${cause.message} (${cause.cause.message})` : cause.message) : String(cause);
        const tlsHint = /certificate|self.signed|CERT/i.test(message) ? ` — trust the registry's CA with registry-ca` : '';
        const err = this.#error(`${spec.method} ${new URL(url).pathname} failed: ${message}${tlsHint}`, { repository: spec.repository, retryable: !tlsHint, cause });
        if (!err.retryable || attempt >= attempts) throw err;
        await this.#wait(attempt, undefined);
        continue;
      }
      if (spec.expect.includes(res.status)) return res;

      if (spec.followRedirects && [301, 302, 303, 307, 308].includes(res.status) && header(res, 'location')) {
        await res.body.dump();
        if (++redirects > 5) throw this.#error(`too many redirects for ${spec.url}`, { repository: spec.repository, retryable: false });
        url = new URL(header(res, 'location')!, url).href;
        attempt--;
        continue;
      }

      const text = await res.body.text();
      if (res.status === 401 && authRetries < 2) {
        const challenges = parseChallenges(header(res, 'www-authenticate') ?? '');
        const challenge = challenges.find((c) => c.scheme === 'bearer') ?? challenges.find((c) => c.scheme === 'basic');
        if (challenge) {
          if (challenge.scheme === 'basic' && this.#credentials?.kind !== 'password') {
            throw this.#error('the registry requires a login: add it to registry-auth (REGISTRY=USERNAME:PASSWORD)', { repository: spec.repository, status: 401, code: 'UNAUTHORIZED', retryable: false });
          }
          const named = challenge.params.scope?.split(' ').filter(Boolean) ?? [];
          const missing = named.filter((s) => !scopeCovered(scopes, s));
          // The first challenge, or `insufficient_scope` naming a scope we did not ask for: ask again.
          // A token refused for the scopes it was issued for means the credentials lack the access.
          if (authRetries === 0 || missing.length > 0) {
            scopes = [...scopes, ...missing];
            this.#challenge = challenge;
            authRetries++;
            attempt--; // authenticating is not a failed attempt
            continue;
          }
        }
      }
      const { code, message } = parseErrorBody(text);
      const retryable = isRetryableStatus(res.status);
      const retryAfter = header(res, 'retry-after');
      const retryAfterMs = retryAfter && Number.isFinite(Number(retryAfter)) ? Number(retryAfter) * 1000 : undefined;
      const hint = res.status === 401 || res.status === 403
        ? ` — ${this.#credentials ? `check the access of the credentials from ${this.#credentials.origin}` : 'add the registry to registry-auth'}`
        : '';
      const err = this.#error(`${spec.method} ${new URL(url).pathname} answered ${res.status}${message ? `: ${message}` : ''}${hint}`, {
        repository: spec.repository, status: res.status, code, retryable, retryAfter: retryAfterMs,
      });
      if (!retryable || attempt >= attempts) throw err;
      await this.#wait(attempt, retryAfterMs);
    }
  }
}
