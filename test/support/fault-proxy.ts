/**
 * A fault-injecting HTTP reverse proxy on loopback, in front of a real registry: it cuts the
 * connection each time another `dropEvery` bytes of request bodies have passed (mid-upload), answers
 * some requests itself (429/503 with `Retry-After`, a 401 with the registry's own challenge), stalls
 * others, and — a registry that lies — rewrites what passes (`tamper`: other bytes stored, other
 * bytes or digests served). It counts the body bytes clients sent through it, so tests and
 * benchmarks can say how much was re-sent.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxiedRequest {
  method: string;
  path: string;
  authorization?: string;
}

/** Rewrites one exchange: the request's path and body before forwarding, the answer's headers and body after. Bodies are buffered whole. */
export interface Tamper {
  request?: (req: ProxiedRequest, body: Buffer) => { path?: string; body?: Buffer } | undefined;
  response?: (
    req: ProxiedRequest,
    status: number,
    headers: Record<string, string | string[] | undefined>,
    body: Buffer,
  ) => { headers?: Record<string, string>; body?: Buffer; dropHeaders?: readonly string[] } | undefined;
}

export interface FaultPlan {
  /** Cut the connection whenever the running total of body bytes crosses a multiple of this. */
  dropEvery?: number;
  /**
   * Instead of `dropEvery`: the body bytes until the next cut, asked again after each cut (a link
   * that fails at random points: e.g. exponential gaps from a seeded generator).
   */
  dropGap?: () => number;
  /** Answer a request itself instead of forwarding it (n counts requests from 1). */
  answer?: (req: ProxiedRequest, n: number) => { status: number; retryAfter?: number; headers?: Record<string, string> } | undefined;
  /** Milliseconds to hold a request before forwarding it. */
  stall?: (req: ProxiedRequest, n: number) => number;
  /** The exchanges to rewrite (undefined: passed on as they are). */
  tamper?: (req: ProxiedRequest) => Tamper | undefined;
}

export class FaultProxy {
  /** Request body bytes received from clients (forwarded or cut). */
  bodyBytes = 0;
  drops = 0;
  answered = 0;
  /** Body bytes of requests the proxy answered itself (sent by the client, never forwarded). */
  answeredBodyBytes = 0;
  stalls = 0;
  requests = 0;
  tampered = 0;
  host = '';
  /** The last `WWW-Authenticate` the registry sent (for a proxy that answers 401 as the registry would). */
  challenge: string | undefined;
  readonly #server: Server;

  private constructor(
    readonly upstream: string,
    readonly plan: FaultPlan,
  ) {
    this.#server = createServer((req, res) => this.#forward(req, res));
  }

  static async start(upstream: string, plan: FaultPlan): Promise<FaultProxy> {
    const p = new FaultProxy(upstream, plan);
    await new Promise<void>((done) => p.#server.listen(0, '127.0.0.1', done));
    p.host = `127.0.0.1:${(p.#server.address() as AddressInfo).port}`;
    return p;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((done) => this.#server.close(() => done()));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async #forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const n = ++this.requests;
    const info: ProxiedRequest = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
    };
    const answer = this.plan.answer?.(info, n);
    if (answer) {
      this.answered++;
      req.on('data', (chunk: Buffer) => {
        this.answeredBodyBytes += chunk.length;
      });
      const headers = { ...(answer.retryAfter !== undefined ? { 'retry-after': String(answer.retryAfter) } : {}), ...answer.headers };
      req.on('end', () => res.writeHead(answer.status, headers).end());
      return;
    }
    const stall = this.plan.stall?.(info, n) ?? 0;
    if (stall > 0) {
      this.stalls++;
      req.pause();
      await new Promise((r) => setTimeout(r, stall));
      req.resume();
    }
    const tamper = this.plan.tamper?.(info);
    if (tamper) return this.#tampered(req, res, info, tamper);
    const [hostname, port] = this.upstream.split(':');
    // The Host header is passed on unchanged, so the registry's Location headers point at the proxy.
    const up = request({ hostname, port: Number(port), method: req.method, path: req.url, headers: req.headers }, (upRes) => {
      if (upRes.headers['www-authenticate']) this.challenge = String(upRes.headers['www-authenticate']);
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      upRes.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.on('data', (chunk: Buffer) => {
      const before = this.bodyBytes;
      this.bodyBytes += chunk.length;
      const cut = this.#nextCut(before);
      if (cut !== undefined && this.bodyBytes >= cut && cut > before) {
        // Pass on the part up to the boundary, then cut both sides.
        const keep = cut - before;
        up.write(chunk.subarray(0, keep));
        this.bodyBytes = before + keep;
        this.drops++;
        this.#cutAt = undefined;
        req.pause();
        setTimeout(() => {
          up.destroy();
          req.socket.destroy();
        }, 20);
        return;
      }
      if (!up.write(chunk)) {
        req.pause();
        up.once('drain', () => req.resume());
      }
    });
    req.on('end', () => up.end());
    req.on('error', () => up.destroy());
  }

  /** Where the next cut falls, in body bytes since the start (after `done` bytes have passed). */
  #cutAt: number | undefined;
  #nextCut(done: number): number | undefined {
    const { dropEvery: every, dropGap } = this.plan;
    if (dropGap) return (this.#cutAt ??= done + Math.max(1, Math.round(dropGap())));
    return every ? (Math.floor(done / every) + 1) * every : undefined;
  }

  /** One exchange buffered whole and rewritten as the tamper says. */
  async #tampered(req: IncomingMessage, res: ServerResponse, info: ProxiedRequest, tamper: Tamper): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let body: Buffer = Buffer.concat(chunks);
    this.bodyBytes += body.length;
    const changed = tamper.request?.(info, body);
    if (changed) this.tampered++;
    body = changed?.body ?? body;
    const [hostname, port] = this.upstream.split(':');
    // The body is sent whole with its length: a chunked request's Transfer-Encoding goes (both at once is a malformed message).
    const { 'transfer-encoding': _chunked, ...passed } = req.headers;
    const headers = { ...passed, 'content-length': String(body.length) };
    const up = request({ hostname, port: Number(port), method: req.method, path: changed?.path ?? req.url, headers }, async (upRes) => {
      const parts: Buffer[] = [];
      for await (const c of upRes) parts.push(c as Buffer);
      const answer = Buffer.concat(parts);
      const out = tamper.response?.(info, upRes.statusCode ?? 502, upRes.headers, answer);
      if (out) this.tampered++;
      const outBody = out?.body ?? answer;
      // Buffered whole, the answer goes with its length: a chunked answer's Transfer-Encoding must not
      // stand beside the Content-Length (HTTP/1.1 forbids both; Node's parser refuses such an answer).
      const { 'transfer-encoding': _te, ...kept } = upRes.headers;
      const outHeaders = {
        ...kept,
        ...out?.headers,
        ...(out?.body || (upRes.headers['transfer-encoding'] && info.method !== 'HEAD') ? { 'content-length': String(outBody.length) } : {}),
      };
      for (const name of out?.dropHeaders ?? []) delete (outHeaders as Record<string, unknown>)[name.toLowerCase()];
      res.writeHead(upRes.statusCode ?? 502, outHeaders);
      res.end(info.method === 'HEAD' ? undefined : outBody);
    });
    up.on('error', () => res.destroy());
    up.end(body);
  }
}
