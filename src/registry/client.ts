/**
 * A client for the OCI distribution API of one registry host: blobs (HEAD, GET, mount, upload —
 * monolithic, streamed or chunked, resumed from the registry's `Range`), manifests (PUT the exact
 * bytes, HEAD, GET, DELETE), tag listing with pagination and the referrers API. It authenticates on
 * demand (Basic, Bearer with scopes, OAuth2 refresh tokens), trusts the system roots plus an
 * optional per-registry CA, speaks plain HTTP only when told to, retries what is worth retrying and
 * streams blobs: no blob is ever held whole in memory.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { repositoryScope } from './auth.js';
import { parseErrorBody, RegistryError } from './errors.js';
import { TAG_PATTERN } from '../core/reference.js';
import { profileFor, type UploadProfile } from './profiles.js';

/** The digests Hoist speaks: sha256 and sha512, lower-case hex of their length. */
const DIGEST = /^(?:sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;
import { BODY_LIMITS, errorText, header, isIdleTimeout, readLimited } from './transport/http.js';
import { Transport, type RequestSpec, type TransportOptions } from './transport/transport.js';
import { BlobUpload, location, type BlobRef, type OpenBlob, type UploadOptions, type UploadStats } from './upload.js';

export type { BlobRef, OpenBlob, UploadOptions, UploadStats } from './upload.js';

/** The User-Agent of every request Hoist makes: registries, and the PR comment and MR note. */
export const USER_AGENT = 'hoist/0.1';

/** The transport's settings, and the upload profile the client adds on top. */
export interface ClientOptions extends TransportOptions {
  /** Overrides the upload profile known for the host (tests, and users with odd proxies). */
  profile?: Partial<UploadProfile>;
}

/** Per operation: `signal` cancels it — the request in flight, its retries — at once (a RegistryError, code ABORTED). */
export interface Operation {
  signal?: AbortSignal;
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

const INDEX = 'application/vnd.oci.image.index.v1+json';

/** The most pages of a tag listing read (10 million tags at 1000 a page). */
const MAX_TAG_PAGES = 10_000;

/** A URL's path and query, for a message (no host, no login). */
const pathAndQuery = (url: string) => {
  const u = new URL(url);
  return `${u.pathname}${u.search}`.slice(0, 200);
};

export const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
] as const;

export class RegistryClient {
  readonly host: string;
  /** The upload profile in use; adjusted when the registry refuses a chunk size. */
  readonly profile: UploadProfile;
  readonly #t: Transport;

  constructor(options: ClientOptions) {
    this.host = options.host;
    this.profile = { ...profileFor(options.host), ...options.profile };
    this.#t = new Transport(options);
  }

  #send(spec: RequestSpec) {
    return this.#t.send(spec);
  }

  #error(message: string, d: Parameters<Transport['error']>[1]): RegistryError {
    return this.#t.error(message, d);
  }

  /**
   * Digests and references go into request paths: whatever their source (a manifest the registry
   * served, a label), they must follow the OCI grammar, so `sha256:0/../../x` never becomes a path.
   */
  #digest(digest: string, repository: string): void {
    if (!DIGEST.test(digest))
      throw this.#error(`'${digest.slice(0, 80)}' is not a digest (algorithm:hex)`, { repository, retryable: false, code: 'DIGEST_INVALID' });
  }

  #reference(reference: string, repository: string): void {
    if (!DIGEST.test(reference) && !TAG_PATTERN.test(reference))
      throw this.#error(`'${reference.slice(0, 80)}' is neither a tag nor a digest`, { repository, retryable: false });
  }

  #repository(path: string): void {
    if (!/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(path)) {
      throw this.#error(`'${path.slice(0, 80)}' is not a repository name`, { retryable: false });
    }
  }

  /** A body read whole, within its limit (a registry is not trusted to answer small). */
  async #read(body: Parameters<typeof readLimited>[0], limit: number, what: string, repository: string): Promise<Buffer> {
    return readLimited(body, limit, what).catch((e: unknown) => {
      if (isIdleTimeout(e)) throw this.#t.idle(`reading ${what}`, { repository, cause: e });
      throw this.#error((e as Error).message, { repository, retryable: false, cause: e });
    });
  }

  /** Checks that the registry answers the distribution API (and learns how it authenticates). */
  async ping(o: Operation = {}): Promise<void> {
    const r = await this.#send({ method: 'GET', url: '/v2/', expect: [200], signal: o.signal });
    await r.body.dump();
  }

  async hasBlob(repository: string, digest: string, o: Operation = {}): Promise<boolean> {
    this.#digest(digest, repository);
    const r = await this.#send({
      method: 'HEAD',
      url: `/v2/${repository}/blobs/${digest}`,
      repository,
      actions: ['pull', 'push'],
      expect: [200, 404],
      signal: o.signal,
    });
    await r.body.dump();
    return r.status === 200;
  }

  /** Where the login in use came from (`registry-auth`, a Docker config, …), or undefined when there is none. */
  get loginOrigin(): string | undefined {
    return this.#t.loginOrigin;
  }

  /**
   * Proves the login may push to `repository` and leaves nothing behind: the upload session a push
   * opens first (POST, `pull,push` scope) is opened and at once cancelled (spec: DELETE of its URL).
   * A registry that keeps cancelled sessions lets them expire; the DELETE's own failure is no answer
   * about the rights, so it is not an error.
   */
  async checkPush(repository: string, o: Operation = {}): Promise<void> {
    const r = await this.#send({
      method: 'POST',
      url: `/v2/${repository}/blobs/uploads/`,
      repository,
      actions: ['pull', 'push'],
      expect: [202],
      signal: o.signal,
    });
    await r.body.dump();
    const session = header(r, 'location');
    if (!session) return;
    try {
      const d = await this.#send({
        method: 'DELETE',
        url: new URL(session, r.url).href,
        repository,
        actions: ['pull', 'push'],
        attempts: 1,
        expect: [200, 202, 204, 404],
        signal: o.signal,
      });
      await d.body.dump();
    } catch {
      // the session expires on its own
    }
  }

  /**
   * Asks the registry to link a blob it holds in `from` into `repository` (no bytes sent).
   * Returns `mounted`, or the upload session the registry opened instead (spec: 202).
   */
  async mountBlob(repository: string, digest: string, from: string, o: Operation = {}): Promise<{ mounted: true } | { mounted: false; session: string }> {
    this.#digest(digest, repository);
    this.#repository(from);
    const r = await this.#send({
      method: 'POST',
      url: `/v2/${repository}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`,
      repository,
      scopes: [repositoryScope(repository, ['pull', 'push']), repositoryScope(from, ['pull'])],
      expect: [201, 202],
      signal: o.signal,
    });
    await r.body.dump();
    if (r.status === 201) return { mounted: true };
    return { mounted: false, session: location(this.#t, r, repository) };
  }

  /** A blob's bytes from `start`, following the registry's redirect to its storage. */
  async fetchBlob(repository: string, digest: string, start = 0, o: Operation = {}): Promise<Readable> {
    this.#digest(digest, repository);
    const r = await this.#send({
      method: 'GET',
      url: `/v2/${repository}/blobs/${digest}`,
      repository,
      actions: ['pull'],
      expect: start ? [206] : [200],
      followRedirects: true,
      headers: start ? { range: `bytes=${start}-` } : {},
      signal: o.signal,
    });
    return r.body;
  }

  /** Uploads a blob the way the registry's profile says, resuming after interruptions (`upload.ts`). */
  async uploadBlob(repository: string, blob: BlobRef, open: OpenBlob, options: UploadOptions = {}): Promise<UploadStats> {
    this.#digest(blob.digest, repository);
    return new BlobUpload(this.#t, this.profile, repository, blob, open, options, () =>
      this.hasBlob(repository, blob.digest, { signal: options.signal }),
    ).run();
  }

  /** PUTs a manifest's exact bytes under a tag or digest; returns the digest the registry computed. */
  async putManifest(repository: string, reference: string, bytes: Buffer, mediaType: string, o: Operation = {}): Promise<string | undefined> {
    return (await this.putManifestWithSubject(repository, reference, bytes, mediaType, o)).digest;
  }

  /**
   * PUT of a manifest, with the registry's `OCI-Subject` answer: a registry with the referrers API
   * names the subject of a manifest that has one; without it, the client keeps the fallback tag.
   */
  async putManifestWithSubject(
    repository: string,
    reference: string,
    bytes: Buffer,
    mediaType: string,
    o: Operation = {},
  ): Promise<{ digest?: string; subject?: string }> {
    this.#reference(reference, repository);
    const r = await this.#send({
      method: 'PUT',
      url: `/v2/${repository}/manifests/${reference}`,
      repository,
      actions: ['pull', 'push'],
      expect: [201],
      headers: { 'content-type': mediaType },
      body: () => bytes,
      signal: o.signal,
    });
    await r.body.dump();
    const digest = header(r, 'docker-content-digest');
    // Trust nothing: a registry (or a proxy or cache before it) that stored other bytes says so here.
    const sent = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    if (digest?.startsWith('sha256:') && digest !== sent) {
      throw this.#error(`PUT of manifest ${reference} (${sent}) answered Docker-Content-Digest ${digest}: the registry stored other bytes than it was sent`, {
        repository,
        retryable: false,
        code: 'DIGEST_MISMATCH',
      });
    }
    const subject = header(r, 'oci-subject');
    return { ...(digest ? { digest } : {}), ...(subject ? { subject } : {}) };
  }

  /**
   * The referrers tag schema, for registries without the referrers API: the index tagged
   * `sha256-<hex>` of the subject lists its referrers; `add` joins it (read, extended, written
   * back), every entry and field already there kept. Another writer's update between the read and
   * the write is caught by reading again (up to three rounds); a tag that is not an index is refused.
   */
  async addToReferrersTag(repository: string, subject: string, add: readonly Referrer[]): Promise<void> {
    this.#digest(subject, repository);
    const tag = subject.replace(':', '-');
    for (let round = 0; round < 3; round++) {
      const current = await this.getManifest(repository, tag, [INDEX]);
      const index = current ? this.#index(current.bytes, `the referrers tag ${tag}`, repository) : { schemaVersion: 2, mediaType: INDEX, manifests: [] };
      const missing = add.filter((a) => !index.manifests.some((l) => l.digest === a.digest));
      if (!missing.length) return;
      await this.putManifest(repository, tag, Buffer.from(JSON.stringify({ ...index, manifests: [...index.manifests, ...missing] })), INDEX);
    }
    throw this.#error(`the referrers tag ${tag} kept changing under three updates: another writer is updating it; run again`, { repository, retryable: false });
  }

  /** An image index read from a registry's answer, or the error naming the registry and what answered. */
  #index(bytes: Buffer, what: string, repository: string): { manifests: Referrer[] } & Record<string, unknown> {
    let doc: unknown;
    try {
      doc = JSON.parse(bytes.toString('utf8'));
    } catch {
      doc = undefined;
    }
    const manifests = (doc as { manifests?: unknown } | undefined)?.manifests;
    if (
      !doc ||
      typeof doc !== 'object' ||
      (manifests !== undefined && !Array.isArray(manifests)) ||
      (Array.isArray(manifests) && !manifests.every((m) => m && typeof (m as Referrer).digest === 'string'))
    )
      throw this.#error(`${what} is not an image index (${bytes.length} bytes: ${JSON.stringify(bytes.subarray(0, 40).toString('latin1'))}…)`, {
        repository,
        retryable: false,
        code: 'MANIFEST_INVALID',
      });
    return { ...(doc as Record<string, unknown>), manifests: (manifests as Referrer[] | undefined) ?? [] };
  }

  /** A manifest's descriptor by tag or digest, or undefined when there is none. */
  async headManifest(repository: string, reference: string, accept: readonly string[] = MANIFEST_TYPES, o: Operation = {}): Promise<ManifestRef | undefined> {
    this.#reference(reference, repository);
    let r: Awaited<ReturnType<RegistryClient['headSend']>>;
    try {
      r = await this.headSend(repository, reference, accept, o);
    } catch (e) {
      // A HEAD refused as unauthorised (401, 403: no body, so no reason) where GET is served — a
      // registry or an access proxy that checks HEAD against another rule — is asked by GET, as crane
      // does; a GET refused the same way fails with the registry's own words.
      if (!(e instanceof RegistryError) || (e.status !== 401 && e.status !== 403)) throw e;
      const m = await this.getManifest(repository, reference, accept, o);
      return m && { digest: m.digest, mediaType: m.mediaType, size: m.size };
    }
    await r.body.dump();
    if (r.status === 404) return undefined;
    const digest = header(r, 'docker-content-digest') ?? (reference.startsWith('sha256:') ? reference : undefined);
    // HEAD is a shortcut: a registry (or a proxy before it) that refuses it (405, 501) or answers it
    // without the digest — the spec's SHOULD — is asked by GET, and the digest is that of the bytes.
    if (r.status !== 200 || !digest) {
      const m = await this.getManifest(repository, reference, accept, o);
      return m && { digest: m.digest, mediaType: m.mediaType, size: m.size };
    }
    return { digest, mediaType: header(r, 'content-type') ?? '', size: Number(header(r, 'content-length') ?? 0) };
  }

  private headSend(repository: string, reference: string, accept: readonly string[], o: Operation) {
    return this.#send({
      method: 'HEAD',
      url: `/v2/${repository}/manifests/${reference}`,
      repository,
      actions: ['pull'],
      headers: { accept: accept.join(', ') },
      expect: [200, 404, 405, 501],
      signal: o.signal,
    });
  }

  /** The digest a tag points at, or undefined when there is no such tag. */
  async resolveTag(repository: string, tag: string, accept: readonly string[] = MANIFEST_TYPES, o: Operation = {}): Promise<string | undefined> {
    return (await this.headManifest(repository, tag, accept, o))?.digest;
  }

  /** A manifest's exact bytes, or undefined when there is none. Verifies the digest it was asked for. */
  async getManifest(repository: string, reference: string, accept: readonly string[] = MANIFEST_TYPES, o: Operation = {}): Promise<Manifest | undefined> {
    this.#reference(reference, repository);
    const r = await this.#send({
      method: 'GET',
      url: `/v2/${repository}/manifests/${reference}`,
      repository,
      actions: ['pull'],
      headers: { accept: accept.join(', ') },
      expect: [200, 404],
      signal: o.signal,
    });
    if (r.status === 404) {
      await r.body.dump();
      return undefined;
    }
    const bytes = await this.#read(r.body, BODY_LIMITS.manifest, `manifest ${reference}`, repository);
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    if (reference.startsWith('sha256:') && digest !== reference) {
      throw this.#error(`the manifest served for ${reference} has digest ${digest}`, { repository, retryable: false, code: 'DIGEST_MISMATCH' });
    }
    const doc = manifestDocument(bytes);
    if (!doc)
      throw this.#error(
        `the manifest served for ${reference} is no image manifest or index (${bytes.length} bytes: ${JSON.stringify(bytes.subarray(0, 40).toString('latin1'))}…): a proxy or a login page in the way? Check HTTPS_PROXY and NO_PROXY`,
        { repository, retryable: false, code: 'MANIFEST_INVALID' },
      );
    const mediaType = header(r, 'content-type')?.split(';')[0] ?? (typeof doc.mediaType === 'string' ? doc.mediaType : '');
    return { digest, mediaType, size: bytes.length, bytes };
  }

  /**
   * Every tag of a repository, following `Link` pagination (`n` per page). A listing that does not
   * end is named, not followed for ever: a `Link` back to a page already read (a registry or proxy
   * that drops `last`), a page that adds no tag not already listed, or more than `MAX_TAG_PAGES`.
   */
  async listTags(repository: string, pageSize = 1000, o: Operation = {}): Promise<string[]> {
    const tags = new Set<string>();
    const read = new Set<string>();
    let url: string | undefined = `/v2/${repository}/tags/list?n=${pageSize}`;
    for (let pages = 1; url; pages++) {
      if (pages > MAX_TAG_PAGES) throw this.#endless(`it did not end after ${MAX_TAG_PAGES} pages (${tags.size} tags)`, repository);
      read.add(new URL(url, this.#t.base).href);
      const r = await this.#send({ method: 'GET', url, repository, actions: ['pull'], expect: [200, 404], signal: o.signal });
      if (r.status === 404) {
        const { code } = parseErrorBody(await errorText(r.body));
        if (code === 'NAME_UNKNOWN' || code === undefined) return [...tags]; // a repository not pushed yet has no tags
        throw this.#error(`listing tags answered 404 ${code}`, { repository, status: 404, code, retryable: false });
      }
      const before = tags.size;
      for (const t of this.#tagPage(await this.#read(r.body, BODY_LIMITS.listing, 'a page of tags', repository), repository)) tags.add(t);
      const link = header(r, 'link');
      const next = link ? /<([^>]+)>\s*;\s*rel="?next"?/.exec(link)?.[1] : undefined;
      url = next ? new URL(next, this.#t.base).href : undefined;
      if (url && read.has(url)) throw this.#endless(`page ${pages}'s Link header sends it back to a page already read (${pathAndQuery(url)})`, repository);
      if (url && tags.size === before)
        throw this.#endless(`page ${pages} added no tag not already listed, and its Link header asks for another (${pathAndQuery(url)})`, repository);
    }
    return [...tags];
  }

  /** The error for a tag listing that does not end: the registry's or a proxy's pagination is broken. */
  #endless(why: string, repository: string): RegistryError {
    return this.#error(
      `the tag listing does not end: ${why} — the registry (or a proxy in the way) ignores the listing's 'last' parameter; check the registry, HTTPS_PROXY and NO_PROXY`,
      { repository, retryable: false, code: 'TAGS_ENDLESS' },
    );
  }

  /**
   * The tags of one page of a listing: `{"tags": [...]}` (or null), each a string. Anything else —
   * a proxy's HTML login page answered 200, tags that are no strings — is an error naming the
   * registry and what answered: it was a bare "Unexpected token '<'" or "n.split is not a function".
   */
  #tagPage(bytes: Buffer, repository: string): string[] {
    let page: unknown;
    try {
      page = JSON.parse(bytes.toString('utf8'));
    } catch {
      page = undefined;
    }
    const list = page && typeof page === 'object' && !Array.isArray(page) ? (page as { tags?: unknown }).tags : undefined;
    if (page && typeof page === 'object' && (list === undefined || list === null)) return [];
    if (Array.isArray(list) && list.every((t) => typeof t === 'string')) return list as string[];
    throw this.#error(
      `the tag listing is not a page of tags ({"tags": [...]}; ${bytes.length} bytes: ${JSON.stringify(bytes.subarray(0, 40).toString('latin1'))}…): a proxy or a login page in the way? Check HTTPS_PROXY and NO_PROXY`,
      { repository, retryable: false, code: 'TAGS_INVALID' },
    );
  }

  /** Deletes a manifest by digest. Registries that refuse deletes say so in the error. */
  async deleteManifest(repository: string, digest: string, o: Operation = {}): Promise<void> {
    this.#digest(digest, repository);
    try {
      const r = await this.#send({
        method: 'DELETE',
        url: `/v2/${repository}/manifests/${digest}`,
        repository,
        actions: ['delete', 'pull', 'push'],
        expect: [202, 200, 204],
        signal: o.signal,
      });
      await r.body.dump();
    } catch (e) {
      if (e instanceof RegistryError && (e.status === 405 || e.code === 'UNSUPPORTED')) {
        throw this.#error(`the registry does not allow deleting manifests (${e.status}${e.code ? ` ${e.code}` : ''}); on distribution, enable storage.delete`, {
          repository,
          status: e.status,
          code: e.code,
          retryable: false,
          cause: e,
        });
      }
      throw e;
    }
  }

  /**
   * The manifests whose `subject` is `digest` (attestations, signatures): the referrers API, or
   * the fallback tag `sha256-<hex>` on registries without it.
   */
  async referrers(repository: string, digest: string, artifactType?: string): Promise<Referrer[]> {
    this.#digest(digest, repository);
    const query = artifactType ? `?artifactType=${encodeURIComponent(artifactType)}` : '';
    const r = await this.#send({ method: 'GET', url: `/v2/${repository}/referrers/${digest}${query}`, repository, actions: ['pull'], expect: [200, 404] });
    let all: Referrer[];
    if (r.status === 200 && header(r, 'content-type')?.startsWith(INDEX)) {
      const bytes = await this.#read(r.body, BODY_LIMITS.listing, 'the referrers index', repository);
      all = this.#index(bytes, `the referrers API's answer for ${digest}`, repository).manifests;
    } else {
      await r.body.dump();
      const fallback = await this.getManifest(repository, digest.replace(':', '-'), [INDEX]);
      all = fallback ? this.#index(fallback.bytes, `the referrers tag ${digest.replace(':', '-')}`, repository).manifests : [];
    }
    return artifactType ? all.filter((m) => m.artifactType === artifactType) : all;
  }

  async close(): Promise<void> {
    await this.#t.close();
  }
}

/**
 * A manifest's JSON when it is one: an object with a config descriptor (an image, a signature, an
 * artifact) or a manifests list (an index); else undefined. A proxy's HTML page or `null` served
 * for a tag made bare JavaScript errors in every reader ("Unexpected token '<'", "Cannot read
 * properties of null (reading 'config')"), naming no registry.
 */
function manifestDocument(bytes: Buffer): Record<string, unknown> | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return undefined;
  const m = doc as { config?: { digest?: unknown }; manifests?: unknown };
  return Array.isArray(m.manifests) || typeof m.config?.digest === 'string' ? (doc as Record<string, unknown>) : undefined;
}
