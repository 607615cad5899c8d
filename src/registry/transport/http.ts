/**
 * The bottom layer: one HTTP exchange over undici, nothing else — no retries, no auth. Only
 * undici's Agent and request are loaded (by path: the package index would bring fetch, WebSocket,
 * caches and mocks, half of its size, that Hoist never uses).
 */
import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';
import type { Agent as AgentType, Dispatcher } from 'undici';
import Agent from 'undici/lib/dispatcher/agent.js';
import ProxyAgent from 'undici/lib/dispatcher/proxy-agent.js';
import DispatcherBase from 'undici/lib/dispatcher/dispatcher.js';
import connectOn from 'undici/lib/api/api-connect.js';
import requestOn from 'undici/lib/api/api-request.js';

export type HttpMethod = Dispatcher.HttpMethod;

export interface Response {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Dispatcher.ResponseData['body'];
  url: string;
}

/** A response header's (first) value. */
export const header = (r: Pick<Response, 'headers'>, name: string): string | undefined => {
  const v = r.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

export interface AgentOptions {
  /** Extra certificate authorities (PEM) to trust, besides the system roots. */
  ca?: string;
  connections: number;
  /** Milliseconds without a response header or body byte before a request is abandoned. */
  timeoutMs: number;
}

export function createAgent(o: AgentOptions): AgentType {
  return new Agent({ connect: tlsOptions(o.ca), connections: o.connections, headersTimeout: o.timeoutMs, bodyTimeout: o.timeoutMs });
}

/** TLS as Hoist checks it — explicit, so that NODE_TLS_REJECT_UNAUTHORIZED=0 in the environment cannot turn it off. */
function tlsOptions(ca: string | undefined) {
  if (!ca) return { rejectUnauthorized: true };
  const secureContext = contextFor(ca);
  // A CA that does not parse keeps failing where it did: on connecting, with TLS's own message.
  return { rejectUnauthorized: true, ...(secureContext ? { secureContext } : { ca: [...rootCertificates, ca] }) };
}

/**
 * The system roots plus an extra CA, as one TLS context made once per CA. Passed as `ca`, every
 * connection built its own and parsed the ~150 system roots again: ~30 ms of the event loop per
 * connection, which held up every request in flight (a re-push to a registry with registry-ca).
 */
const contexts = new Map<string, SecureContext | undefined>();
function contextFor(ca: string): SecureContext | undefined {
  if (!contexts.has(ca)) {
    try {
      contexts.set(ca, createSecureContext({ ca: [...rootCertificates, ca] }));
    } catch {
      contexts.set(ca, undefined);
    }
  }
  return contexts.get(ca);
}

/** Requests through a proxy (a CONNECT tunnel), TLS to the registry checked as for a direct one. */
export function createProxyAgent(proxy: string, o: AgentOptions): Dispatcher & { close(): Promise<void> } {
  // ProxyAgent opens its tunnels with `connect`, which undici's package index puts on every
  // dispatcher; loaded by path, Hoist puts it there itself, once, when a proxy is first used.
  DispatcherBase.prototype.connect ??= connectOn;
  return new ProxyAgent({
    uri: proxy,
    requestTls: tlsOptions(o.ca),
    proxyTls: { rejectUnauthorized: true },
    connections: o.connections,
    headersTimeout: o.timeoutMs,
    bodyTimeout: o.timeoutMs,
  });
}

/** Per request: cancelled by `signal`; `idleMs` without a header or body byte ends it (undici's headers and body timeouts). */
export interface ExchangeOptions {
  signal?: AbortSignal;
  idleMs?: number;
}

/**
 * Sends one request. An async-iterable body is written as it is (undici accepts any iterable though
 * its types list only streams): no read-ahead buffer sits between the source and the socket, so
 * the source may reuse its buffers.
 *
 * A HEAD keeps its connection (`reset: false`): undici closes one after every HEAD by default, for
 * servers that send a body with it, which no registry does — and a re-push is mostly HEADs, each
 * then a new connection (and TLS handshake: CPU on both ends). Go's client, docker's and crane's,
 * keeps them too.
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
  const r = await requestOn.call(dispatcher, {
    origin: u.origin,
    path: `${u.pathname}${u.search}`,
    method,
    headers,
    body: body as Dispatcher.DispatchOptions['body'],
    ...(method === 'HEAD' ? { reset: false } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.idleMs !== undefined ? { headersTimeout: o.idleMs, bodyTimeout: o.idleMs } : {}),
  });
  return { status: r.statusCode, headers: r.headers, body: r.body, url };
}

/** undici's error for `idleMs` passed without a header (or a body byte) from the other end. */
export const isIdleTimeout = (e: unknown): boolean =>
  ['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'].includes(String((e as { code?: unknown } | undefined)?.code));

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
