/**
 * An in-memory registry that follows the OCI distribution spec closely enough to test a client
 * against: blobs (HEAD/GET with Range), uploads (monolithic, streamed and chunked PATCH with
 * Content-Range checks, status GET, cross-repository mount), manifests (PUT checks the blobs they
 * name, GET/HEAD/DELETE), tags/list with `n`/`last` and `Link`, and the referrers API. Optional
 * Basic or Bearer auth with scope checks (`insufficient_scope`), a PATCH size limit, and injected
 * faults. Every request is recorded so tests can assert what was sent.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization: string | undefined;
  /** Body bytes received (before a drop, if one was injected). */
  bytes: number;
}

export type Fault =
  | { status: number; headers?: Record<string, string>; body?: string }
  /** Reads this many body bytes (keeping them, as distribution does), then cuts the connection. */
  | { dropAfterBytes: number };

export interface MemoryRegistryOptions {
  auth?: { scheme: 'basic' | 'bearer'; username: string; password: string; anonymousPull?: boolean };
  /** PATCH bodies above this are refused with 413. */
  maxChunk?: number;
  /** A scope every request needs besides its repository's (to provoke `insufficient_scope`). */
  extraScope?: string;
  /** Answer DELETE of manifests with 405 UNSUPPORTED. */
  refuseDeletes?: boolean;
  /** Tags cannot be moved once set, as an ECR repository with imageTagMutability IMMUTABLE (its 400 TAG_INVALID). */
  immutableTags?: boolean;
  /** No referrers API, as distribution 2.8: 404 for /referrers, no OCI-Subject header (clients fall back to the sha256-<hex> tag). */
  noReferrers?: boolean;
  /** Called for each request before it is served; a returned fault replaces the normal answer. */
  fault?: (r: { method: string; path: string; query: URLSearchParams }, n: number) => Fault | undefined;
}

interface StoredManifest {
  bytes: Buffer;
  mediaType: string;
}

interface Repo {
  blobs: Set<string>;
  manifests: Map<string, StoredManifest>;
  tags: Map<string, string>;
}

const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

export class MemoryRegistry {
  readonly requests: RecordedRequest[] = [];
  /** Blob bytes, shared by all repositories (as a real registry's storage is). */
  readonly blobs = new Map<string, Buffer>();
  readonly repos = new Map<string, Repo>();
  readonly #uploads = new Map<string, { repo: string; chunks: Buffer[]; size: number }>();
  readonly #server: Server;
  readonly #options: MemoryRegistryOptions;
  host = '';

  private constructor(options: MemoryRegistryOptions) {
    this.#options = options;
    this.#server = createServer(
      (req, res) =>
        void this.#handle(req, res).catch((e: unknown) => {
          if (!res.headersSent) res.writeHead(500).end(String(e));
        }),
    );
  }

  static async start(options: MemoryRegistryOptions = {}): Promise<MemoryRegistry> {
    const r = new MemoryRegistry(options);
    await new Promise<void>((done) => r.#server.listen(0, '127.0.0.1', done));
    r.host = `127.0.0.1:${(r.#server.address() as AddressInfo).port}`;
    return r;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((done) => this.#server.close(() => done()));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  repo(name: string): Repo {
    let r = this.repos.get(name);
    if (!r) this.repos.set(name, (r = { blobs: new Set(), manifests: new Map(), tags: new Map() }));
    return r;
  }

  /** Puts a blob straight into a repository (test setup). */
  seedBlob(repo: string, bytes: Buffer): string {
    const digest = sha256(bytes);
    this.blobs.set(digest, bytes);
    this.repo(repo).blobs.add(digest);
    return digest;
  }

  /** Body bytes received by requests matching method (and a path fragment). */
  bytesReceived(method: string, pathIncludes = ''): number {
    return this.requests.filter((r) => r.method === method && r.path.includes(pathIncludes)).reduce((n, r) => n + r.bytes, 0);
  }

  #error(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify({ errors: [{ code, message }] }));
  }

  /** Reads the body; with a drop fault, keeps what arrived and cuts the connection. */
  async #body(req: IncomingMessage, record: RecordedRequest, dropAfter?: number): Promise<{ bytes: Buffer; complete: boolean }> {
    const chunks: Buffer[] = [];
    const aborted = () => ({ bytes: Buffer.concat(chunks), complete: false });
    req.on('error', () => undefined);
    try {
      for await (const chunk of req as AsyncIterable<Buffer>) {
        if (dropAfter !== undefined && record.bytes + chunk.length >= dropAfter) {
          const keep = chunk.subarray(0, dropAfter - record.bytes);
          chunks.push(keep);
          record.bytes += keep.length;
          req.socket.destroy();
          return aborted();
        }
        chunks.push(chunk);
        record.bytes += chunk.length;
      }
    } catch {
      // The client (or a proxy) cut the connection: keep what arrived.
      return aborted();
    }
    if (req.readableAborted || (req.headers['content-length'] !== undefined && record.bytes < Number(req.headers['content-length']))) return aborted();
    return { bytes: Buffer.concat(chunks), complete: true };
  }

  #authorised(req: IncomingMessage, res: ServerResponse, name: string | undefined, action: string, extra: string[] = []): boolean {
    const auth = this.#options.auth;
    if (!auth) return true;
    const header = req.headers.authorization ?? '';
    if (auth.scheme === 'basic') {
      const expected = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
      if (header === expected) return true;
      res.writeHead(401, { 'www-authenticate': 'Basic realm="memory"' }).end();
      return false;
    }
    const needed = [...(name ? [`repository:${name}:${action}`] : []), ...extra, ...(this.#options.extraScope ? [this.#options.extraScope] : [])];
    const challenge = (error?: string) =>
      `Bearer realm="http://${this.host}/token",service="memory"${needed.length ? `,scope="${(error ? needed : needed.filter((s) => s !== this.#options.extraScope)).join(' ')}"` : ''}${error ? `,error="${error}"` : ''}`;
    if (!header.startsWith('Bearer ')) {
      res.writeHead(401, { 'www-authenticate': challenge() }).end();
      return false;
    }
    const granted = JSON.parse(Buffer.from(header.slice(7), 'base64url').toString('utf8')) as string[];
    const has = (scope: string) => {
      const [type, repo, act] = scope.split(':');
      return granted.some((g) => {
        const [t, r, acts] = g.split(':');
        return t === type && r === repo && (acts ?? '').split(',').includes(act ?? '');
      });
    };
    if (needed.every(has)) return true;
    this.#error(res, 401, 'UNAUTHORIZED', 'insufficient scope', { 'www-authenticate': challenge('insufficient_scope') });
    return false;
  }

  #token(req: IncomingMessage, res: ServerResponse, query: URLSearchParams): void {
    const auth = this.#options.auth!;
    const header = req.headers.authorization;
    const user = header === `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
    if (header && !user) return this.#error(res, 401, 'UNAUTHORIZED', 'bad credentials');
    const scopes = query
      .getAll('scope')
      .flatMap((s) => s.split(' '))
      .filter(Boolean)
      .map((s) => (user ? s : auth.anonymousPull ? s.replace(/:[^:]*$/, ':pull') : ''))
      .filter(Boolean);
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ token: Buffer.from(JSON.stringify(scopes)).toString('base64url'), expires_in: 300 }));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    const method = req.method ?? 'GET';
    const record: RecordedRequest = { method, path: url.pathname, query: url.searchParams, authorization: req.headers.authorization, bytes: 0 };
    this.requests.push(record);
    const fault = this.#options.fault?.({ method, path: url.pathname, query: url.searchParams }, this.requests.length);
    if (fault && 'status' in fault) {
      await this.#body(req, record);
      res.writeHead(fault.status, fault.headers ?? {}).end(fault.body ?? '');
      return;
    }
    const dropAfter = fault && 'dropAfterBytes' in fault ? fault.dropAfterBytes : undefined;

    if (url.pathname === '/token') return this.#token(req, res, url.searchParams);
    if (url.pathname === '/v2/' || url.pathname === '/v2') {
      if (this.#authorised(req, res, undefined, 'pull')) res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      return;
    }
    const m = /^\/v2\/(.+?)\/(blobs\/uploads|blobs|manifests|tags|referrers)(?:\/(.*))?$/.exec(url.pathname);
    if (!m) return this.#error(res, 404, 'NOT_FOUND', 'no such route');
    const [, name = '', kind, rest = ''] = m;
    const write = ['POST', 'PUT', 'PATCH'].includes(method);
    const action = method === 'DELETE' ? 'delete' : write ? 'push' : 'pull';
    const mountFrom = kind === 'blobs/uploads' && url.searchParams.get('from');
    if (!this.#authorised(req, res, name, action === 'push' ? 'push' : action, mountFrom ? [`repository:${mountFrom}:pull`] : [])) {
      req.resume();
      return;
    }
    const repo = this.repo(name);

    if (kind === 'blobs') {
      const digest = rest;
      if (!repo.blobs.has(digest)) return this.#error(res, 404, 'BLOB_UNKNOWN', 'blob unknown to registry');
      const bytes = this.blobs.get(digest)!;
      const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
      const start = range ? Number(range[1]) : 0;
      const headers = { 'content-length': String(bytes.length - start), 'docker-content-digest': digest, 'content-type': 'application/octet-stream' };
      res.writeHead(range ? 206 : 200, headers);
      res.end(method === 'HEAD' ? undefined : bytes.subarray(start));
      return;
    }

    if (kind === 'blobs/uploads') {
      const id = rest;
      const location = (uuid: string) => `/v2/${name}/blobs/uploads/${uuid}?_state=${randomUUID()}`;
      if (method === 'POST' && !id) {
        const mount = url.searchParams.get('mount');
        if (mount && mountFrom && this.repos.get(mountFrom)?.blobs.has(mount)) {
          repo.blobs.add(mount);
          res.writeHead(201, { location: `/v2/${name}/blobs/${mount}`, 'docker-content-digest': mount }).end();
          return;
        }
        const digest = url.searchParams.get('digest');
        if (digest) {
          const body = await this.#body(req, record, dropAfter);
          if (!body.complete) return;
          return this.#finish(res, name, digest, body.bytes);
        }
        const uuid = randomUUID();
        this.#uploads.set(uuid, { repo: name, chunks: [], size: 0 });
        res.writeHead(202, { location: location(uuid), range: '0-0', 'docker-upload-uuid': uuid }).end();
        return;
      }
      const upload = this.#uploads.get(id);
      if (!upload || upload.repo !== name) {
        req.resume();
        return this.#error(res, 404, 'BLOB_UPLOAD_UNKNOWN', 'blob upload unknown to registry');
      }
      const range = () => (upload.size === 0 ? '0-0' : `0-${upload.size - 1}`);
      if (method === 'GET') {
        res.writeHead(204, { location: location(id), range: range() }).end();
        return;
      }
      if (method === 'DELETE') {
        this.#uploads.delete(id);
        res.writeHead(204).end();
        return;
      }
      if (method === 'PATCH') {
        const contentRange = req.headers['content-range'];
        const length = Number(req.headers['content-length'] ?? NaN);
        if (this.#options.maxChunk !== undefined && length > this.#options.maxChunk) {
          req.resume();
          return this.#error(res, 413, 'SIZE_INVALID', `chunk of ${length} bytes exceeds ${this.#options.maxChunk}`);
        }
        if (contentRange) {
          const cr = /^(\d+)-(\d+)$/.exec(contentRange);
          if (!cr || Number(cr[1]) !== upload.size) {
            req.resume();
            return this.#error(res, 416, 'BLOB_UPLOAD_INVALID', `range ${contentRange} does not continue at ${upload.size}`, {
              range: range(),
              location: location(id),
            });
          }
        }
        // A cut connection keeps what arrived, as a streaming registry does.
        const body = await this.#body(req, record, dropAfter);
        upload.chunks.push(body.bytes);
        upload.size += body.bytes.length;
        if (!body.complete) return;
        res.writeHead(202, { location: location(id), range: range() }).end();
        return;
      }
      if (method === 'PUT') {
        const body = await this.#body(req, record, dropAfter);
        if (!body.complete) return;
        this.#uploads.delete(id);
        return this.#finish(res, name, url.searchParams.get('digest') ?? '', Buffer.concat([...upload.chunks, body.bytes]));
      }
    }

    if (kind === 'manifests') {
      const reference = rest;
      if (method === 'PUT') {
        const body = (await this.#body(req, record)).bytes;
        const digest = sha256(body);
        if (reference.startsWith('sha256:') && reference !== digest) return this.#error(res, 400, 'DIGEST_INVALID', 'manifest digest did not match');
        const parsed = JSON.parse(body.toString('utf8')) as {
          config?: { digest: string };
          layers?: Array<{ digest: string }>;
          manifests?: Array<{ digest: string }>;
          subject?: { digest: string };
        };
        for (const b of [...(parsed.config ? [parsed.config] : []), ...(parsed.layers ?? [])]) {
          if (!repo.blobs.has(b.digest)) return this.#error(res, 400, 'MANIFEST_BLOB_UNKNOWN', `blob unknown to registry: ${b.digest}`);
        }
        for (const c of parsed.manifests ?? []) {
          if (!repo.manifests.has(c.digest)) return this.#error(res, 400, 'MANIFEST_UNKNOWN', `manifest unknown: ${c.digest}`);
        }
        repo.manifests.set(digest, { bytes: body, mediaType: req.headers['content-type'] ?? '' });
        if (this.#options.immutableTags && !reference.startsWith('sha256:') && repo.tags.has(reference) && repo.tags.get(reference) !== digest) {
          return this.#error(
            res,
            400,
            'TAG_INVALID',
            `The image tag '${reference}' already exists in the '${name}' repository and cannot be overwritten because the repository is immutable.`,
          );
        }
        if (!reference.startsWith('sha256:')) repo.tags.set(reference, digest);
        const subject = parsed.subject && !this.#options.noReferrers ? { 'oci-subject': parsed.subject.digest } : {};
        res.writeHead(201, { location: `/v2/${name}/manifests/${digest}`, 'docker-content-digest': digest, ...subject }).end();
        return;
      }
      const digest = reference.startsWith('sha256:') ? reference : repo.tags.get(reference);
      const stored = digest ? repo.manifests.get(digest) : undefined;
      if (method === 'DELETE') {
        if (this.#options.refuseDeletes) return this.#error(res, 405, 'UNSUPPORTED', 'The operation is unsupported.');
        if (!digest || !stored) return this.#error(res, 404, 'MANIFEST_UNKNOWN', 'manifest unknown');
        repo.manifests.delete(digest);
        for (const [t, d] of repo.tags) if (d === digest) repo.tags.delete(t);
        res.writeHead(202).end();
        return;
      }
      if (!digest || !stored) return this.#error(res, 404, 'MANIFEST_UNKNOWN', 'manifest unknown');
      res.writeHead(200, { 'content-type': stored.mediaType, 'content-length': String(stored.bytes.length), 'docker-content-digest': digest });
      res.end(method === 'HEAD' ? undefined : stored.bytes);
      return;
    }

    if (kind === 'tags') {
      if (!this.repos.get(name)?.tags.size && !this.repos.get(name)?.manifests.size)
        return this.#error(res, 404, 'NAME_UNKNOWN', 'repository name not known to registry');
      const all = [...repo.tags.keys()].sort();
      const n = Number(url.searchParams.get('n') ?? all.length);
      const last = url.searchParams.get('last');
      const from = last ? all.filter((t) => t > last) : all;
      const page = from.slice(0, n);
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (from.length > n) headers.link = `</v2/${name}/tags/list?n=${n}&last=${encodeURIComponent(page.at(-1)!)}>; rel="next"`;
      res.writeHead(200, headers).end(JSON.stringify({ name, tags: page }));
      return;
    }

    if (kind === 'referrers' && this.#options.noReferrers) return this.#error(res, 404, 'NOT_FOUND', 'page not found');
    if (kind === 'referrers') {
      const subject = rest;
      const manifests = [...repo.manifests].flatMap(([digest, m]) => {
        const parsed = JSON.parse(m.bytes.toString('utf8')) as {
          subject?: { digest: string };
          artifactType?: string;
          config?: { mediaType: string };
          annotations?: Record<string, string>;
        };
        if (parsed.subject?.digest !== subject) return [];
        return [
          {
            mediaType: m.mediaType,
            digest,
            size: m.bytes.length,
            artifactType: parsed.artifactType ?? parsed.config?.mediaType,
            annotations: parsed.annotations,
          },
        ];
      });
      res
        .writeHead(200, { 'content-type': 'application/vnd.oci.image.index.v1+json' })
        .end(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests }));
      return;
    }
    this.#error(res, 405, 'UNSUPPORTED', 'The operation is unsupported.');
  }

  #finish(res: ServerResponse, name: string, digest: string, bytes: Buffer): void {
    if (sha256(bytes) !== digest) return this.#error(res, 400, 'DIGEST_INVALID', 'provided digest did not match uploaded content');
    this.blobs.set(digest, bytes);
    this.repo(name).blobs.add(digest);
    res.writeHead(201, { location: `/v2/${name}/blobs/${digest}`, 'docker-content-digest': digest }).end();
  }
}
