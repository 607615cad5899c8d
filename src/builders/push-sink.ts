/**
 * A registry on loopback, in Hoist's own process, that the Docker daemon pushes the image it built to:
 * the docker builder's way to take an image out of the daemon without `docker save` (which writes every
 * layer to a temporary directory before it sends one: 1.8–4.3 s for a 207 MiB image on dockerd 20.10,
 * against 0.3–1.0 s for the daemon's own push of it; bench/run.sh base). Only what the daemon pushes is
 * served: blob uploads (monolithic, or POST + PATCHes + PUT), HEAD of blobs, the manifest's PUT.
 *
 * Each blob goes to the OCI layout as it arrives (hashed, written to a temporary file there, renamed to
 * its digest once the PUT's digest matches); a gzip one — a layer — is also inflated on the way and
 * handed to `onLayer` (the audit), with its diff id once it ends. Nothing is held whole: a chunk waits
 * for the file and the audit to take it before the daemon's next one is read.
 *
 * HEAD answers 200 only for the blobs `present` names (the base's registry blobs, which Hoist fetches
 * and audits itself: builders/docker-push.ts): the daemon then sends nothing of them.
 */
import { createHash, randomBytes, type Hash } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { PassThrough, Transform, Writable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { blobPath, initLayout } from '../oci/layout.js';

const MANIFEST_LIMIT = 4 * 1024 * 1024;
const MiB = 1024 * 1024;

export interface SinkOptions {
  layoutDir: string;
  /** Blobs the sink says it holds (digest → size), asked once the daemon's first HEAD comes. */
  present: () => Promise<ReadonlyMap<string, number>>;
  /** A gzip blob (a layer) as it inflates, and its diff id once it ended; rejects to fail the upload. */
  onLayer?: (tar: AsyncIterable<Buffer>, diffId: Promise<string>) => Promise<void>;
}

/** One blob the daemon uploaded: in the layout under its digest. */
export interface Uploaded {
  size: number;
  /** The digest of its inflated content, when it was a gzip blob read on the way. */
  diffId?: Promise<string>;
}

export interface PushSink {
  /** `127.0.0.1:PORT` */
  host: string;
  /** The repository path the daemon is told to push to (random per sink). */
  repository: string;
  uploaded: ReadonlyMap<string, Uploaded>;
  /** Blobs the daemon asked for and was told the sink holds. */
  vouched: ReadonlySet<string>;
  /** The manifest the daemon put, once it did. */
  manifest(): { bytes: Buffer; digest: string } | undefined;
  /** The first failure on the sink's side (a digest that did not match, a layer the audit could not read), if any. */
  failure(): Error | undefined;
  /** Whether a request for manifest `tag` of the run's repository arrived (the daemon's probe pull: it reaches this sink). */
  asked(tag: string): boolean;
  /** The audits of the uploaded layers, settled. */
  layers(): Promise<void>;
  close(): Promise<void>;
}

/** An upload's bytes: hashed, to its temporary file, and (a gzip blob, `onLayer` set) inflated for the audit. */
class UploadStream extends Writable {
  readonly hash: Hash = createHash('sha256');
  /** Bytes hashed and written so far. */
  size = 0;
  /**
   * Bytes the requests carried into it so far, some maybe still queued behind the audit: what a PATCH's Range says.
   * dockerd takes a layer's size in the manifest from that Range (distribution's blob writer), so a Range of the bytes
   * taken so far named a layer shorter than its blob whenever the audit held the upload back (load 17: the push of
   * the layout then read a prefix of the blob, whose digest was another).
   */
  received = 0;
  readonly #file: WriteStream;
  #inflate: PassThrough | undefined;
  #decided = false;
  #head: Buffer[] = [];
  diffId: Promise<string> | undefined;
  audited: Promise<void> | undefined;

  constructor(
    readonly path: string,
    private readonly onLayer: SinkOptions['onLayer'],
  ) {
    super({ highWaterMark: MiB });
    this.#file = createWriteStream(path);
    this.#file.on('error', (e) => this.destroy(e));
  }

  #decide(): void {
    this.#decided = true;
    const head = Buffer.concat(this.#head);
    if (!this.onLayer || head[0] !== 0x1f || head[1] !== 0x8b) return;
    const input = new PassThrough({ highWaterMark: MiB });
    const gunzip = createGunzip();
    const diff = createHash('sha256');
    const hashed = new Transform({
      readableHighWaterMark: MiB,
      transform(chunk: Buffer, _, next) {
        diff.update(chunk);
        next(null, chunk);
      },
    });
    input.pipe(gunzip).pipe(hashed);
    gunzip.on('error', (e) => hashed.destroy(e));
    this.diffId = new Promise((resolve, reject) => {
      hashed.on('end', () => resolve(`sha256:${diff.digest('hex')}`));
      hashed.on('error', reject);
    });
    this.diffId.catch(() => undefined);
    this.audited = this.onLayer(hashed, this.diffId);
    // An audit that failed reads no more: the upload fails with it rather than wait for it.
    this.audited.catch((e: unknown) => this.destroy(e instanceof Error ? e : new Error(String(e))));
    this.#inflate = input;
  }

  override _write(chunk: Buffer, _: BufferEncoding, done: (e?: Error | null) => void): void {
    this.hash.update(chunk);
    this.size += chunk.length;
    if (!this.#decided) {
      this.#head.push(chunk);
      if (this.size >= 2) this.#decide();
    }
    let waits = 1;
    const ready = () => --waits === 0 && done();
    if (!this.#file.write(chunk)) {
      waits++;
      this.#file.once('drain', ready);
    }
    if (this.#inflate && !this.#inflate.write(chunk)) {
      waits++;
      this.#inflate.once('drain', ready);
    }
    ready();
  }

  override _final(done: (e?: Error | null) => void): void {
    if (!this.#decided) this.#decide();
    this.#inflate?.end();
    this.#file.end(() => done());
  }

  // Also called once the upload finished (autoDestroy): the inflated rest still flows to the audit then.
  override _destroy(e: Error | null, done: (e?: Error | null) => void): void {
    if (e) {
      this.#file.destroy();
      this.#inflate?.destroy(e);
    }
    done(e);
  }
}

const json = (res: ServerResponse, status: number, headers: Record<string, string> = {}, body?: unknown) => {
  const bytes = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'Docker-Distribution-API-Version': 'registry/2.0', 'Content-Length': String(bytes?.length ?? 0), ...headers }).end(bytes);
};
const refuse = (res: ServerResponse, status: number, code: string, message: string) => json(res, status, {}, { errors: [{ code, message }] });

/** The sink's state and its answers, one method per request kind. */
class Sink {
  readonly repository = `hoist-run-${randomBytes(8).toString('hex')}`;
  readonly uploads = new Map<string, UploadStream>();
  readonly uploaded = new Map<string, Uploaded>();
  readonly vouched = new Set<string>();
  readonly audits: Array<Promise<void>> = [];
  manifest: { bytes: Buffer; digest: string } | undefined;
  failure: Error | undefined;
  /** Manifests asked for (GET, HEAD) in the run's repository. */
  readonly asked = new Set<string>();
  #present: Promise<ReadonlyMap<string, number>> | undefined;

  constructor(private readonly options: SinkOptions) {}

  fail(e: Error): void {
    this.failure ??= e;
  }

  #upload(res: ServerResponse, id: string, written: number): void {
    json(res, 202, { Location: `/v2/${this.repository}/blobs/uploads/${id}`, Range: `0-${Math.max(0, written - 1)}`, 'Docker-Upload-UUID': id });
  }

  /** The request's body into the upload; resolves once every chunk was taken. */
  #receive(req: IncomingMessage, into: UploadStream): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      req.once('error', reject);
      into.once('error', reject);
      req.on('data', (chunk: Buffer) => void (into.received += chunk.length));
      req.on('end', () => resolve());
      req.pipe(into, { end: false });
    });
  }

  async #finish(res: ServerResponse, id: string, into: UploadStream, digest: string | null): Promise<void> {
    this.uploads.delete(id);
    await new Promise<void>((resolve, reject) => into.end((e?: Error | null) => (e ? reject(e) : resolve())));
    const got = `sha256:${into.hash.digest('hex')}`;
    if (got !== digest) {
      await rm(into.path, { force: true });
      this.fail(new Error(`the Docker daemon's upload of ${digest} holds ${got}`));
      return refuse(res, 400, 'DIGEST_INVALID', `content is ${got}`);
    }
    await rename(into.path, blobPath(this.options.layoutDir, got));
    this.uploaded.set(got, { size: into.size, ...(into.diffId ? { diffId: into.diffId } : {}) });
    if (into.audited) this.audits.push(into.audited.catch((e: unknown) => this.fail(e instanceof Error ? e : new Error(String(e)))));
    json(res, 201, { Location: `/v2/${this.repository}/blobs/${got}`, 'Docker-Content-Digest': got });
  }

  #start(): { id: string; into: UploadStream } {
    const id = randomBytes(12).toString('hex');
    const into = new UploadStream(join(this.options.layoutDir, 'blobs', 'sha256', `.upload-${id}`), this.options.onLayer);
    into.on('error', (e) => this.fail(e));
    this.uploads.set(id, into);
    return { id, into };
  }

  async #head(res: ServerResponse, digest: string, method: string): Promise<void> {
    const size = this.uploaded.get(digest)?.size ?? (await (this.#present ??= this.options.present())).get(digest);
    if (size === undefined || method === 'GET') return refuse(res, 404, 'BLOB_UNKNOWN', digest);
    if (!this.uploaded.has(digest)) this.vouched.add(digest);
    res.writeHead(200, { 'Content-Length': String(size), 'Docker-Content-Digest': digest, 'Content-Type': 'application/octet-stream' }).end();
  }

  async #session(req: IncomingMessage, res: ServerResponse, id: string, method: string, digest: string | null): Promise<void> {
    const into = this.uploads.get(id);
    if (!into) return refuse(res, 404, 'BLOB_UPLOAD_UNKNOWN', id);
    if (method === 'PATCH') return this.#receive(req, into).then(() => this.#upload(res, id, into.received));
    if (method === 'PUT') return this.#receive(req, into).then(() => this.#finish(res, id, into, digest));
    if (method === 'DELETE') {
      this.uploads.delete(id);
      into.destroy(new Error('upload cancelled'));
      return json(res, 204);
    }
    return this.#upload(res, id, into.received);
  }

  async #putManifest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req as AsyncIterable<Buffer>) {
      size += c.length;
      if (size > MANIFEST_LIMIT) return refuse(res, 400, 'MANIFEST_INVALID', 'too large');
      chunks.push(c);
    }
    const bytes = Buffer.concat(chunks);
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    this.manifest = { bytes, digest };
    json(res, 201, { Location: `/v2/${this.repository}/manifests/${digest}`, 'Docker-Content-Digest': digest });
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sink');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    let m: RegExpExecArray | null;
    if (path === '/v2/' || path === '/v2') return json(res, 200, {}, {});
    // Only the run's own repository: another's push (a stale port, another run, another job on this loopback) is
    // neither taken as the image nor told the base's blobs are here.
    if (!path.startsWith(`/v2/${this.repository}/`)) {
      req.resume();
      return refuse(res, 404, 'NAME_UNKNOWN', 'repository name not known to registry');
    }
    if ((m = /^\/v2\/.+\/blobs\/(sha256:[a-f0-9]{64})$/.exec(path)) && (method === 'HEAD' || method === 'GET')) return this.#head(res, m[1]!, method);
    if (/^\/v2\/.+\/blobs\/uploads\/?$/.test(path) && method === 'POST') {
      const { id, into } = this.#start();
      const digest = url.searchParams.get('digest');
      if (digest === null) {
        req.resume();
        return this.#upload(res, id, 0);
      }
      await this.#receive(req, into); // monolithic: POST ?digest= with the body
      return this.#finish(res, id, into, digest);
    }
    if ((m = /^\/v2\/.+\/blobs\/uploads\/([a-f0-9]+)$/.exec(path))) return this.#session(req, res, m[1]!, method, url.searchParams.get('digest'));
    if ((m = /^\/v2\/.+\/manifests\/([^/]+)$/.exec(path))) {
      if (method === 'PUT') return this.#putManifest(req, res);
      this.asked.add(m[1]!);
      return refuse(res, 404, 'MANIFEST_UNKNOWN', m[1]!);
    }
    req.resume();
    return refuse(res, 404, 'UNSUPPORTED', `${method} ${path}`);
  }

  async close(server: Server): Promise<void> {
    for (const [, into] of this.uploads) into.destroy(new Error('the push ended before this upload did'));
    await Promise.all([...this.uploads.values()].map((u) => rm(u.path, { force: true })));
    this.uploads.clear();
    await new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve())));
  }
}

/** Starts the sink on 127.0.0.1 (a free port). */
export async function startPushSink(options: SinkOptions): Promise<PushSink> {
  await initLayout(options.layoutDir);
  const sink = new Sink(options);
  const server: Server = createServer((req, res) => {
    sink.handle(req, res).catch((e: unknown) => {
      const error = e instanceof Error ? e : new Error(String(e));
      sink.fail(error);
      if (!res.headersSent) refuse(res, 500, 'UNKNOWN', error.message);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    repository: sink.repository,
    uploaded: sink.uploaded,
    vouched: sink.vouched,
    manifest: () => sink.manifest,
    failure: () => sink.failure,
    asked: (tag) => sink.asked.has(tag),
    layers: async () => void (await Promise.all(sink.audits)),
    close: () => sink.close(server),
  };
}
