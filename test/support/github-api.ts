/**
 * A local stand-in for the GitHub REST API's issue comments, recording every request: enough for
 * the pull request comment (list, create, update), and a switch to answer like a rate limit.
 */
import { createServer, type Server } from 'node:http';

export interface RecordedCall {
  method: string;
  path: string;
  body?: { body?: string };
  authorization?: string;
}

export class GitHubApi implements AsyncDisposable {
  readonly calls: RecordedCall[] = [];
  readonly comments: Array<{ id: number; body: string }> = [];
  /** Answer every request with 403 and a rate-limit message. */
  rateLimited = false;
  #server: Server;
  #nextId = 1000;

  private constructor(server: Server) {
    this.#server = server;
  }

  get url(): string {
    const a = this.#server.address();
    return typeof a === 'object' && a ? `http://127.0.0.1:${a.port}` : '';
  }

  static async start(): Promise<GitHubApi> {
    // oxlint-disable-next-line prefer-const -- assigned once the server exists; the handler reads it later
    let api!: GitHubApi;
    const server = createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => {
        text += c.toString();
      });
      req.on('end', () => {
        const path = (req.url ?? '').split('?')[0]!;
        const body = text ? (JSON.parse(text) as { body?: string }) : undefined;
        api.calls.push({ method: req.method ?? '', path, body, authorization: req.headers.authorization });
        const json = (status: number, value: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
        if (api.rateLimited) return json(403, { message: 'API rate limit exceeded for installation' });
        if (req.method === 'GET' && /^\/repos\/[^/]+\/[^/]+\/issues\/\d+\/comments$/.test(path)) return json(200, api.comments);
        if (req.method === 'POST' && /^\/repos\/[^/]+\/[^/]+\/issues\/\d+\/comments$/.test(path)) {
          const c = { id: api.#nextId++, body: body?.body ?? '' };
          api.comments.push(c);
          return json(201, c);
        }
        const m = /^\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/.exec(path);
        if (req.method === 'PATCH' && m) {
          const c = api.comments.find((x) => x.id === Number(m[1]));
          if (!c) return json(404, { message: 'Not Found' });
          c.body = body?.body ?? '';
          return json(200, c);
        }
        return json(404, { message: 'Not Found' });
      });
    });
    api = new GitHubApi(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return api;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await new Promise<void>((r) => this.#server.close(() => r()));
  }
}
