/**
 * A local stand-in for GitLab's merge request notes API (REST v4), recording every request: list
 * (paginated by `x-next-page`, `per_page`), create, update — and switches to refuse the token or
 * answer a server error, as a real instance can. A note's author is the token's identity: the
 * pipeline's user (`jobUser`) for the job token, a user of `users` for an access token (`GET /user`).
 */
import { createServer, type Server } from 'node:http';

export interface RecordedGitLabCall {
  method: string;
  path: string;
  query: Record<string, string>;
  body?: { body?: string };
  jobToken?: string;
  privateToken?: string;
}

export class GitLabApi implements AsyncDisposable {
  readonly calls: RecordedGitLabCall[] = [];
  readonly notes: Array<{ id: number; body: string; system: boolean; author?: { username: string } }> = [];
  /** Who the job token writes as (GITLAB_USER_LOGIN of the pipeline). */
  jobUser = 'pipeline-user';
  /** Access token → its user's username; an unknown access token is refused. */
  readonly users = new Map<string, string>();
  /** Answer with this status (401, 403, 500) and GitLab's error shape. */
  failWith: number | undefined;
  #server: Server;
  #nextId = 500;

  private constructor(server: Server) {
    this.#server = server;
  }

  get url(): string {
    const a = this.#server.address();
    return typeof a === 'object' && a ? `http://127.0.0.1:${a.port}/api/v4` : '';
  }

  static async start(): Promise<GitLabApi> {
    // oxlint-disable-next-line prefer-const -- assigned once the server exists; the handler reads it later
    let api!: GitLabApi;
    const server = createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => {
        text += c.toString();
      });
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://x');
        const body = text ? (JSON.parse(text) as { body?: string }) : undefined;
        const token = (name: string) => (typeof req.headers[name] === 'string' ? (req.headers[name] as string) : undefined);
        api.calls.push({
          method: req.method ?? '',
          path: url.pathname,
          query: Object.fromEntries(url.searchParams),
          body,
          ...(token('job-token') ? { jobToken: token('job-token') } : {}),
          ...(token('private-token') ? { privateToken: token('private-token') } : {}),
        });
        const json = (status: number, value: unknown, headers: Record<string, string> = {}) =>
          res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(value));
        if (api.failWith === 401) return json(401, { message: '401 Unauthorized' });
        if (api.failWith === 403) return json(403, { message: '403 Forbidden' });
        if (api.failWith) return json(api.failWith, { message: `${api.failWith} Internal Server Error` });
        const identity = token('job-token') ? api.jobUser : api.users.get(token('private-token') ?? '');
        if (url.pathname === '/api/v4/user')
          return token('private-token') && identity ? json(200, { username: identity }) : json(401, { message: '401 Unauthorized' });
        const notes = /^\/api\/v4\/projects\/([^/]+)\/merge_requests\/(\d+)\/notes(?:\/(\d+))?$/.exec(url.pathname);
        if (!notes) return json(404, { error: '404 Not Found' });
        if (req.method === 'GET' && !notes[3]) {
          const perPage = Number(url.searchParams.get('per_page') ?? 20);
          const page = Number(url.searchParams.get('page') ?? 1);
          const slice = api.notes.slice((page - 1) * perPage, page * perPage);
          const next = page * perPage < api.notes.length ? String(page + 1) : '';
          return json(200, slice, { 'x-next-page': next });
        }
        if (req.method === 'POST' && !notes[3]) {
          const n = { id: api.#nextId++, body: body?.body ?? '', system: false, ...(identity ? { author: { username: identity } } : {}) };
          api.notes.push(n);
          return json(201, n);
        }
        if (req.method === 'PUT' && notes[3]) {
          const n = api.notes.find((x) => x.id === Number(notes[3]));
          if (!n) return json(404, { message: '404 Note Not Found' });
          n.body = body?.body ?? '';
          return json(200, n);
        }
        return json(405, { error: '405 Method Not Allowed' });
      });
    });
    api = new GitLabApi(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return api;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await new Promise<void>((r) => this.#server.close(() => r()));
  }
}
