/**
 * A fault-injecting HTTP reverse proxy on loopback, in front of a real registry: it cuts the
 * connection each time another `dropEvery` bytes of request bodies have passed (mid-upload), answers
 * some requests itself (429/503 with `Retry-After`), and stalls others. It counts the body bytes
 * clients sent through it, so tests and benchmarks can say how much was re-sent.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FaultPlan {
  /** Cut the connection whenever the running total of body bytes crosses a multiple of this. */
  dropEvery?: number;
  /** Answer a request itself instead of forwarding it (n counts requests from 1). */
  answer?: (req: { method: string; path: string }, n: number) => { status: number; retryAfter?: number } | undefined;
  /** Milliseconds to hold a request before forwarding it. */
  stall?: (req: { method: string; path: string }, n: number) => number;
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
  host = '';
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
    const info = { method: req.method ?? 'GET', path: req.url ?? '/' };
    const answer = this.plan.answer?.(info, n);
    if (answer) {
      this.answered++;
      req.on('data', (chunk: Buffer) => {
        this.answeredBodyBytes += chunk.length;
      });
      req.on('end', () => res.writeHead(answer.status, answer.retryAfter !== undefined ? { 'retry-after': String(answer.retryAfter) } : {}).end());
      return;
    }
    const stall = this.plan.stall?.(info, n) ?? 0;
    if (stall > 0) {
      this.stalls++;
      req.pause();
      await new Promise((r) => setTimeout(r, stall));
      req.resume();
    }
    const [hostname, port] = this.upstream.split(':');
    // The Host header is passed on unchanged, so the registry's Location headers point at the proxy.
    const up = request({ hostname, port: Number(port), method: req.method, path: req.url, headers: req.headers }, (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      upRes.pipe(res);
    });
    up.on('error', () => res.destroy());
    const every = this.plan.dropEvery;
    req.on('data', (chunk: Buffer) => {
      const before = this.bodyBytes;
      this.bodyBytes += chunk.length;
      if (every && Math.floor(before / every) !== Math.floor(this.bodyBytes / every)) {
        // Pass on the part up to the boundary, then cut both sides.
        const keep = every - (before % every);
        up.write(chunk.subarray(0, keep));
        this.bodyBytes = before + keep;
        this.drops++;
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
}
