/**
 * Blob uploads the way the registry's profile says: one monolithic PUT, one streamed PATCH, or
 * fixed chunks; an interrupted upload resumes at the registry's own offset (`Range`) or starts a
 * new session. Attempts without progress are bounded by the retries; each attempt that moved the
 * offset forward resets that count.
 */
import { repositoryScope } from './auth.js';
import { RegistryError } from './errors.js';
import { isTooLarge, learnChunkLimit, parseUploadRange, type UploadProfile } from './profiles.js';
import { header, type Response } from './transport/http.js';
import type { Transport } from './transport/transport.js';

/** A blob as the client needs to know it. */
export interface BlobRef {
  digest: string;
  size: number;
}

/** Bytes [start, end) of the blob being uploaded (see `BlobSource.open` for the chunk contract). */
export type OpenBlob = (start: number, end: number) => AsyncIterable<Buffer> | Promise<AsyncIterable<Buffer>>;

export interface UploadOptions {
  /** An upload session already started (the 202 answer of a refused mount). */
  session?: string;
  /** Called with every byte count written to the registry, re-sends included. */
  onSent?: (bytes: number) => void;
  /** Told when an interrupted upload resumes or restarts (for logs). */
  onEvent?: (message: string) => void;
  /**
   * Told once the registry holds every byte of the blob (the last PATCH answered) and only the
   * closing PUT is left: the registry's commit — distribution hashes nothing more but fsyncs the
   * whole blob — needs no more from the source or the connection's bandwidth. Not told for a
   * monolithic upload, whose body and commit are one request. The PUT waits for the promise.
   */
  onBodySent?: () => void | Promise<void>;
  /** Cancels the upload: its request in flight, its retries (the session is then cancelled, best effort). */
  signal?: AbortSignal;
}

/** What an upload takes of the transport: every request of it carries the upload's signal. */
type UploadTransport = Pick<Transport, 'send' | 'error' | 'base' | 'host' | 'retries' | 'wait'>;

function withSignal(t: Transport, signal: AbortSignal | undefined): UploadTransport {
  if (!signal) return t;
  return {
    get base() {
      return t.base; // changes when a loopback registry turns out to speak plain HTTP
    },
    host: t.host,
    retries: t.retries,
    error: (message, d) => t.error(message, d),
    send: (spec) => t.send({ ...spec, signal }),
    wait: (attempt, retryAfterMs) => t.wait(attempt, retryAfterMs, { signal, method: 'PATCH', url: 'the upload' }),
  };
}

export interface UploadStats {
  bytesSent: number;
  /** Times the upload continued from the registry's offset after an interruption. */
  resumed: number;
  /** Times the upload started over from byte 0. */
  restarted: number;
}

/**
 * Counts the bytes that pass, handing each chunk on as it is: the transport asks for the next chunk
 * only once it has written this one out, so a source may reuse its buffers.
 */
async function* counted(source: AsyncIterable<Buffer>, onBytes: (n: number) => void): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    onBytes(chunk.length);
    yield chunk;
  }
}

const octets = (length: number) => ({ 'content-type': 'application/octet-stream', 'content-length': String(length) });

/** One upload of one blob: its session, offset, failures and stats. */
export class BlobUpload {
  readonly stats: UploadStats = { bytesSent: 0, resumed: 0, restarted: 0 };
  #failures = 0;
  #offset = 0;
  readonly #scopes: string[];
  readonly t: UploadTransport;
  readonly #transport: Transport;

  constructor(
    transport: Transport,
    readonly profile: UploadProfile,
    readonly repository: string,
    readonly blob: BlobRef,
    readonly open: OpenBlob,
    readonly options: UploadOptions,
    readonly hasBlob: () => Promise<boolean>,
  ) {
    this.#scopes = [repositoryScope(repository, ['pull', 'push'])];
    this.t = withSignal(transport, options.signal);
    this.#transport = transport;
  }

  /** The upload session in use, cancelled when the upload fails for good. */
  #session: string | undefined;

  async run(): Promise<UploadStats> {
    try {
      if (this.profile.mode === 'monolithic' || this.blob.size <= this.profile.monolithicUpTo) return await this.#monolithic();
      return await this.#chunked();
    } catch (e) {
      await this.#cancel();
      throw e;
    }
  }

  /** Cancels the session (spec: DELETE of its URL), so the registry keeps no partial upload; best effort. */
  async #cancel(): Promise<void> {
    const session = this.#session;
    this.#session = undefined;
    if (!session) return;
    try {
      // Also for a cancelled upload, then given a few seconds of its own.
      const r = await this.#transport.send({
        method: 'DELETE',
        url: session,
        repository: this.repository,
        scopes: this.#scopes,
        attempts: 1,
        ...(this.options.signal?.aborted ? { signal: AbortSignal.timeout(5_000) } : {}),
        expect: [204, 200, 202, 404],
      });
      await r.body.dump();
      this.options.onEvent?.(`${this.blob.digest}: upload cancelled`);
    } catch {
      // the session expires on its own
    }
  }

  /** The chunks of the body last sent, released once the registry has accepted it (see `#accepted`). */
  #sent: AsyncIterable<Buffer> | undefined;

  /**
   * The registry answered the request carrying `#sent` with success: it has read the whole body, so
   * every byte has left the socket and the source may reuse its buffers (`LentChunks` in oci/graph.ts). Bodies of
   * failed attempts are never released: their last chunk may still be queued on a socket.
   */
  #accepted(): void {
    const body = this.#sent;
    this.#sent = undefined;
    (body as { release?: () => void } | undefined)?.release?.();
  }

  #body(start: number, end: number) {
    return async () => {
      this.#sent = undefined;
      const source = await this.open(start, end);
      this.#sent = source;
      return end > start
        ? counted(source, (n) => {
            this.stats.bytesSent += n;
            this.options.onSent?.(n);
          })
        : Buffer.alloc(0);
    };
  }

  async #retryOrThrow(e: unknown): Promise<void> {
    if (!(e instanceof RegistryError) || !e.retryable) throw e;
    if (++this.#failures > this.t.retries) throw e;
    await this.t.wait(this.#failures, e.retryAfter);
  }

  #restart(why: string): void {
    this.#offset = 0;
    this.stats.restarted++;
    this.options.onEvent?.(`${this.blob.digest}: ${why}`);
  }

  /** The PUT that ends an upload session: the whole blob (monolithic), or nothing more (after PATCHes). */
  async #put(session: string, length: number): Promise<void> {
    this.#sent = undefined;
    const r = await this.t.send({
      method: 'PUT',
      url: withDigest(this.t, session, this.blob.digest),
      repository: this.repository,
      scopes: this.#scopes,
      attempts: 1,
      expect: [201],
      headers: octets(length),
      ...(length ? { body: this.#body(0, length) } : {}),
    });
    this.#accepted();
    await r.body.dump();
    const stored = header(r, 'docker-content-digest');
    if (stored && stored !== this.blob.digest) {
      throw this.t.error(`the upload of blob ${this.blob.digest} answered Docker-Content-Digest ${stored}: the registry stored other bytes than it was sent`, {
        repository: this.repository,
        retryable: false,
        code: 'DIGEST_MISMATCH',
      });
    }
  }

  async #monolithic(): Promise<UploadStats> {
    let session = this.options.session;
    for (;;) {
      try {
        session ??= await startUpload(this.t, this.profile, this.repository);
        this.#session = session;
        await this.#put(session, this.blob.size);
        this.#session = undefined;
        return this.stats;
      } catch (e) {
        await this.#retryOrThrow(e);
        session = undefined;
        this.#restart('upload interrupted, sending it again');
      }
    }
  }

  async #chunked(): Promise<UploadStats> {
    let session = this.options.session ?? (await startUpload(this.t, this.profile, this.repository));
    for (;;) {
      this.#session = session;
      if (this.#offset < this.blob.size) session = await this.#sendChunk(session);
      else {
        await this.options.onBodySent?.();
        const done = await this.#finish(session);
        if (done === true) {
          this.#session = undefined;
          return this.stats;
        }
        session = done;
      }
    }
  }

  /** One PATCH from the offset; after a failure, where the registry says the upload stands. */
  async #sendChunk(session: string): Promise<string> {
    const { profile, blob } = this;
    const start = this.#offset;
    const end = Math.min(blob.size, start + (profile.mode === 'chunked' ? Math.max(profile.chunkSize, profile.minChunk) : blob.size - start));
    this.#sent = undefined;
    try {
      const headers = { ...octets(end - start), 'content-range': `${start}-${end - 1}` };
      const r = await this.t.send({
        method: 'PATCH',
        url: session,
        repository: this.repository,
        scopes: this.#scopes,
        attempts: 1,
        expect: [202, 204],
        headers,
        body: this.#body(start, end),
      });
      this.#accepted();
      await r.body.dump();
      const reported = profile.trustRange ? parseUploadRange(header(r, 'range')) : undefined;
      this.#offset = reported !== undefined && reported > start && reported <= end ? reported : end;
      this.#failures = 0;
      return location(this.t, r, this.repository, session);
    } catch (e) {
      if (e instanceof RegistryError && isTooLarge(e.status, e.message) && learnChunkLimit(profile, end - start)) {
        this.options.onEvent?.(`${this.t.host} refused a ${end - start}-byte chunk: using ${profile.chunkSize}-byte chunks from now on`);
      } else if (!(e instanceof RegistryError && e.status === 416)) await this.#retryOrThrow(e);
      else if (++this.#failures > this.t.retries) throw e;
      const status = profile.trustRange ? await uploadStatus(this.t, this.repository, session) : undefined;
      if (!status) {
        this.#restart('upload session lost, starting again');
        return startUpload(this.t, profile, this.repository);
      }
      this.options.onEvent?.(`${blob.digest}: resuming at byte ${status.offset} of ${blob.size} (interrupted at ${start}+)`);
      this.#offset = status.offset;
      this.stats.resumed++;
      return status.session;
    }
  }

  /** The closing PUT: true when the blob is in place, else the new session to start over in. */
  async #finish(session: string): Promise<true | string> {
    try {
      await this.#put(session, 0);
      return true;
    } catch (e) {
      // The PUT may have landed before the connection broke.
      if (e instanceof RegistryError && e.retryable && (await this.hasBlob().catch(() => false))) return true;
      if (e instanceof RegistryError && (e.code === 'DIGEST_INVALID' || e.code === 'BLOB_UPLOAD_INVALID' || e.code === 'BLOB_UPLOAD_UNKNOWN')) {
        if (++this.#failures > this.t.retries) throw e;
        this.#restart(`the registry did not accept the finished upload (${e.code}), starting again`);
        return startUpload(this.t, this.profile, this.repository);
      }
      await this.#retryOrThrow(e);
      return session;
    }
  }
}

/** Where an upload goes next: the answer's Location, resolved against the request. */
export function location(t: Pick<Transport, 'error'>, r: Response, repository: string, fallback?: string): string {
  const value = header(r, 'location');
  if (value) return new URL(value, r.url).href;
  if (fallback) return fallback;
  throw t.error('the registry answered an upload request without a Location header', { repository, retryable: false });
}

function withDigest(t: Pick<Transport, 'base'>, session: string, digest: string): string {
  const url = new URL(session, t.base);
  url.searchParams.set('digest', digest);
  return url.href;
}

/** Opens an upload session (and learns the registry's minimum chunk from `OCI-Chunk-Min-Length`). */
export async function startUpload(t: UploadTransport, profile: UploadProfile, repository: string): Promise<string> {
  const r = await t.send({ method: 'POST', url: `/v2/${repository}/blobs/uploads/`, repository, actions: ['pull', 'push'], expect: [202] });
  await r.body.dump();
  const minimum = Number(header(r, 'oci-chunk-min-length'));
  if (Number.isFinite(minimum) && minimum > profile.minChunk) profile.minChunk = minimum;
  return location(t, r, repository);
}

/** Where the registry says an upload session stands: its next URL and the bytes it holds. */
async function uploadStatus(t: UploadTransport, repository: string, session: string): Promise<{ session: string; offset: number } | undefined> {
  try {
    const r = await t.send({ method: 'GET', url: session, repository, actions: ['pull', 'push'], expect: [204, 200, 404] });
    await r.body.dump();
    if (r.status === 404) return undefined;
    const offset = parseUploadRange(header(r, 'range'));
    return offset === undefined ? undefined : { session: location(t, r, repository, session), offset };
  } catch (e) {
    if (e instanceof RegistryError && !e.retryable) return undefined;
    throw e;
  }
}
