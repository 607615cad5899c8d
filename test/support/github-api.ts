/**
 * A local stand-in for the GitHub REST API's issue comments, recording every request: enough for
 * the pull request comment (list, create, update), and a switch to answer like a rate limit.
 * Each token has an identity: a user named in `users` (a personal access token: `GET /user`
 * answers), else an installation token (GITHUB_TOKEN: `/user` refused, comments by a bot).
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
  readonly comments: Array<{ id: number; body: string; user: { login: string; type: 'User' | 'Bot' } }> = [];
  /** Token → the user it belongs to (a personal access token); any other token is an installation's. */
  readonly users = new Map<string, string>();
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
        const token = (req.headers.authorization ?? '').replace(/^(token|bearer)\s+/i, '');
        const user = api.users.get(token);
        const author = user ? { login: user, type: 'User' as const } : { login: 'github-actions[bot]', type: 'Bot' as const };
        if (req.method === 'GET' && path === '/user')
          return user ? json(200, { login: user }) : json(403, { message: 'Resource not accessible by integration' });
        if (req.method === 'GET' && /^\/repos\/[^/]+\/[^/]+\/issues\/\d+\/comments$/.test(path)) return json(200, api.comments);
        if (req.method === 'POST' && /^\/repos\/[^/]+\/[^/]+\/issues\/\d+\/comments$/.test(path)) {
          const c = { id: api.#nextId++, body: body?.body ?? '', user: author };
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
