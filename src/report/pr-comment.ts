/**
 * One comment per pull request with the image references and digest, updated in place on every
 * run, through @octokit/rest. The comment found again is one that carries the marker AND was
 * written by the token's own identity (the user `GET /user` names; for an installation token such
 * as GITHUB_TOKEN, which `/user` refuses, a bot account — which no person commenting on the pull
 * request can be): anyone can paste the marker into a comment of theirs. Octokit's requests go
 * through Hoist's HTTP layer (the registry client's): TLS checked explicitly — so
 * `NODE_TLS_REJECT_UNAUTHORIZED=0` cannot send the token to any TLS server — and the proxies the
 * environment names. Rate limits and API failures come back as a message for a warning.
 */
import { Octokit } from '@octokit/rest';
import type { CommentTarget } from '../core/comment.js';
import { proxyFor, proxySettings } from '../registry/transport/proxy.js';
import { createAgent, createProxyAgent, exchange, readLimited, type HttpMethod } from '../registry/transport/http.js';
import { COMMENT_MARKER } from './summary.js';

export type { CommentTarget };

const ANSWER_LIMIT = 16 * 1024 * 1024;

/** A `fetch` for Octokit over a Hoist dispatcher: every answer read within a limit. */
function dispatcherFetch(dispatcher: Parameters<typeof exchange>[0]): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input instanceof Request ? input.url : input);
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((v, k) => (headers[k] = v));
    const r = await exchange(
      dispatcher,
      url,
      (init?.method ?? 'GET').toUpperCase() as HttpMethod,
      headers,
      init?.body === undefined || init.body === null ? undefined : String(init.body),
    );
    const body = await readLimited(r.body, ANSWER_LIMIT, 'a GitHub API answer');
    const out = new Headers();
    for (const [k, v] of Object.entries(r.headers)) for (const one of Array.isArray(v) ? v : v === undefined ? [] : [v]) out.append(k, one);
    const response = new Response(r.status === 204 || r.status === 304 ? null : body, { status: r.status, headers: out });
    Object.defineProperty(response, 'url', { value: url });
    return response;
  }) as typeof fetch;
}

interface Author {
  login?: string;
  type?: string;
}

/** Whose comments are ours: the token's user, or (an installation token) a bot account. */
async function ownIdentity(octokit: Octokit): Promise<(a: Author | null | undefined) => boolean> {
  const me = await octokit.rest.users.getAuthenticated().then(
    (r) => r.data.login,
    () => undefined, // an installation token: /user is not for it
  );
  return me ? (a) => a?.login === me : (a) => a?.type === 'Bot';
}

/** Creates or updates the comment; returns what happened, or throws with the API's reason. */
export async function upsertPrComment(t: CommentTarget, body: string): Promise<'created' | 'updated'> {
  const [owner, repo] = t.repository.split('/');
  if (!owner || !repo) throw new Error(`GITHUB_REPOSITORY '${t.repository}' is not owner/name`);
  const baseUrl = t.apiUrl.replace(/\/+$/, '');
  const proxy = proxyFor(baseUrl, proxySettings(t.env ?? {}));
  const options = { connections: 2, timeoutMs: 30_000 };
  const dispatcher = proxy ? createProxyAgent(proxy, options) : createAgent(options);
  try {
    const octokit = new Octokit({ auth: t.token, baseUrl, userAgent: t.userAgent, request: { retries: 0, fetch: dispatcherFetch(dispatcher) } });
    const mine = await ownIdentity(octokit);
    const comments = await octokit.paginate(octokit.rest.issues.listComments, { owner, repo, issue_number: t.pullRequest, per_page: 100 });
    const ours = comments.find((c) => c.body?.includes(COMMENT_MARKER) && mine(c.user));
    if (ours) {
      await octokit.rest.issues.updateComment({ owner, repo, comment_id: ours.id, body });
      return 'updated';
    }
    await octokit.rest.issues.createComment({ owner, repo, issue_number: t.pullRequest, body });
    return 'created';
  } finally {
    await dispatcher.close();
  }
}
