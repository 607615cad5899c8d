/**
 * The bottom layer: one HTTP exchange over Node's own http/https, nothing else — no retries, no
 * auth. Node's HTTP parser is native and already in the binary: undici, which this layer used, cost
 * ~0.5 s of CPU at every start (its modules, and its wasm parser compiled each time).
 */
import type { ClientRequest, IncomingMessage } from 'node:http';
import { createAgent, createProxyAgent, type AgentOptions, type Dispatcher } from './agents.js';

export { createAgent, createProxyAgent, type AgentOptions, type Dispatcher };

const http = process.getBuiltinModule('node:http');

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

/** An answer's body: a stream of its bytes (an error if the connection is cut before its end), and `dump()`. */
export type Body = IncomingMessage & {
  /** Reads and drops the rest (its connection then serves the next request); a body over 128 KiB closes the connection instead. */
  dump(): Promise<void>;
};

export interface Response {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Body;
  url: string;
}

/** A response header's (first) value. */
export const header = (r: Pick<Response, 'headers'>, name: string): string | undefined => {
  const v = r.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** Per request: cancelled by `signal`; `idleMs` without a header or body byte ends it (the dispatcher's timeout by default). */
export interface ExchangeOptions {
  signal?: AbortSignal;
  idleMs?: number;
}

/** Nothing from the other end within the idle timeout: the request's connection is closed. */
export class IdleTimeoutError extends Error {
  override readonly name = 'IdleTimeoutError';
  readonly code = 'HOIST_IDLE_TIMEOUT';
}

const DUMP_LIMIT = 128 << 10;

function dump(res: IncomingMessage): Promise<void> {
  return new Promise<void>((resolve) => {
    if (res.readableEnded || res.destroyed) return resolve();
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > DUMP_LIMIT) res.destroy();
    });
    res.once('end', resolve);
    res.once('close', resolve);
    res.once('error', () => resolve());
    res.resume();
  });
}

/**
 * Writes an async-iterable body as it is: the next chunk is asked for only once this one has left
 * for the socket (its write callback), so no read-ahead buffer sits between source and socket and
 * the source may reuse its buffers. Stops at the first error, or when the request closes.
 */
async function pump(req: ClientRequest, body: AsyncIterable<Buffer>, closed: Promise<never>): Promise<void> {
  for await (const chunk of body) {
    if (!chunk.length) continue;
    await Promise.race([new Promise<void>((resolve, reject) => req.write(chunk, (e) => (e ? reject(e) : resolve()))), closed]);
  }
  req.end();
}

/**
 * Sends one request. A HEAD keeps its connection (a re-push is mostly HEADs). The promise settles
 * with the answer's status and headers; its body is read by the caller. A connection cut before
 * the body's end is an error of the body, never a short success.
 */
export async function exchange(
  dispatcher: Dispatcher,
  url: string,
  method: HttpMethod,
  headers: Record<string, string>,
  body?: AsyncIterable<Buffer> | Buffer | string,
  o: ExchangeOptions = {},
): Promise<Response> {
  const u = new URL(url);
  const idleMs = o.idleMs ?? dispatcher.idleMs;
  const done = dispatcher.slot ? await dispatcher.slot(u.origin, o.signal) : undefined;
  return new Promise<Response>((resolve, reject) => {
    const req = http.request(u, { method, headers, agent: dispatcher.agent(u.protocol), timeout: idleMs, ...(o.signal ? { signal: o.signal } : {}) });
    let res: IncomingMessage | undefined;
    const closed = new Promise<never>((_, fail) => req.once('close', () => fail(new Error('the connection closed while the request body was being sent'))));
    closed.catch(() => undefined);
    dispatcher.track(new Promise((r) => req.once('close', r)));
    if (done) req.once('close', done);
    req.on('error', reject);
    req.on('timeout', () => {
      const e = new IdleTimeoutError(`nothing from ${u.host} within ${idleMs / 1000} s`);
      if (res && !res.complete) res.destroy(e);
      req.destroy(e);
    });
    req.once('response', (r: IncomingMessage) => {
      res = r;
      // An answer before the whole body was sent (a refusal): the connection cannot serve another request.
      r.once('end', () => {
        if (!req.writableEnded) req.destroy();
      });
      // Node's word for a body cut short is "aborted": said so that a log reads as what happened.
      r.on('error', (e: Error & { code?: string }) => {
        if (e.code === 'ECONNRESET' && e.message === 'aborted') e.message = 'the connection closed before the end of the answer';
      });
      resolve({ status: r.statusCode ?? 0, headers: r.headers, body: Object.assign(r, { dump: () => dump(r) }), url });
    });
    if (body === undefined) req.end();
    else if (typeof body === 'string' || Buffer.isBuffer(body)) req.end(body);
    else pump(req, body, closed).catch((e: unknown) => req.destroy(e instanceof Error ? e : new Error(String(e))));
  });
}

/** The error for the idle timeout passed without a header (or a body byte) from the other end. */
export const isIdleTimeout = (e: unknown): boolean => e instanceof IdleTimeoutError;

/** Most a body read whole from a registry may hold; beyond it the read stops and fails. */
export const BODY_LIMITS = {
  /** distribution's own limit for a manifest. */
  manifest: 4 << 20,
  /** A page of tags, a referrers index, an image config. */
  listing: 16 << 20,
  token: 1 << 20,
  /** An error answer: only its code and message are used. */
  error: 64 << 10,
} as const;

/** The body as bytes, at most `limit` of them; more is an error (the rest is not read). */
export async function readLimited(body: AsyncIterable<Buffer | Uint8Array> & { destroy?: () => void }, limit: number, what: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > limit) {
      body.destroy?.();
      throw new BodyTooLargeError(`${what} is larger than ${limit} bytes: refused`);
    }
    parts.push(Buffer.from(chunk));
  }
  return Buffer.concat(parts);
}

export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
}

/** An error answer's text, cut at the limit (a registry's error body is never trusted to be small). */
export async function errorText(body: AsyncIterable<Buffer | Uint8Array> & { destroy?: () => void }): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    parts.push(Buffer.from(chunk).subarray(0, Math.max(0, BODY_LIMITS.error - size)));
    size += chunk.length;
    if (size >= BODY_LIMITS.error) {
      body.destroy?.();
      break;
    }
  }
  return Buffer.concat(parts).toString('utf8');
}
