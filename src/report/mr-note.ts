/**
 * One note per merge request with the image references and digest, updated in place on every run
 * (found again by its marker, and only a note the token's own identity wrote: the user `GET /user`
 * names for a token, the user who started the pipeline — GITLAB_USER_LOGIN — for CI_JOB_TOKEN,
 * whose notes are that user's; anyone can paste the marker), through GitLab's notes API — with the job's `CI_JOB_TOKEN` or a
 * token input, through the proxy the environment names, TLS checked. Failures come back as an
 * error for a warning: they never fail a build that succeeded.
 */
import type { NoteTarget } from '../core/comment.js';
import { describeProxy, proxyFor, proxySettings } from '../registry/transport/proxy.js';
import { createAgent, createProxyAgent, errorText, exchange, header, readLimited, type HttpMethod } from '../registry/transport/http.js';
import { COMMENT_MARKER } from './summary.js';

export type { NoteTarget };

const PAGE_LIMIT = 4 * 1024 * 1024;
const MAX_PAGES = 50;

export async function upsertMrNote(t: NoteTarget, body: string): Promise<'created' | 'updated'> {
  const base = `${t.apiUrl.replace(/\/+$/, '')}/projects/${encodeURIComponent(t.project)}/merge_requests/${t.mergeRequest}/notes`;
  const proxy = proxyFor(base, proxySettings(t.env));
  const options = { connections: 2, timeoutMs: 30_000 };
  const dispatcher = proxy ? createProxyAgent(proxy, options) : createAgent(options);
  const headers = { 'user-agent': t.userAgent, accept: 'application/json', [t.tokenKind === 'job' ? 'job-token' : 'private-token']: t.token };
  const call = async (method: HttpMethod, url: string, json?: unknown) => {
    const r = await exchange(
      dispatcher,
      url,
      method,
      json === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      json === undefined ? undefined : JSON.stringify(json),
    ).catch((e: unknown) => {
      throw new Error(`${method} ${new URL(url).pathname}: ${e instanceof Error ? e.message : String(e)}${proxy ? ` (through ${describeProxy(proxy)})` : ''}`);
    });
    if (r.status >= 300) {
      const text = await errorText(r.body);
      const message = /"message"\s*:\s*"([^"]{1,200})"/.exec(text)?.[1] ?? /"error"\s*:\s*"([^"]{1,200})"/.exec(text)?.[1] ?? text.slice(0, 200);
      throw new Error(`${method} ${new URL(url).pathname} answered ${r.status}${message ? `: ${message}` : ''}`);
    }
    return {
      json: JSON.parse((await readLimited(r.body, PAGE_LIMIT, 'a GitLab API answer')).toString('utf8') || 'null') as unknown,
      next: header(r, 'x-next-page'),
    };
  };
  try {
    const me =
      t.tokenKind === 'job'
        ? t.env.GITLAB_USER_LOGIN
        : ((await call('GET', `${t.apiUrl.replace(/\/+$/, '')}/user`)).json as { username?: string } | null)?.username;
    let ours: { id: number } | undefined;
    for (let page = 1, pages = 0; page && !ours && me && pages < MAX_PAGES; pages++) {
      const r = await call('GET', `${base}?per_page=100&page=${page}`);
      ours = (r.json as Array<{ id: number; body?: string; system?: boolean; author?: { username?: string } }>).find(
        (n) => n.body?.includes(COMMENT_MARKER) && !n.system && n.author?.username === me,
      );
      page = Number(r.next) || 0;
    }
    if (ours) {
      await call('PUT', `${base}/${ours.id}`, { body });
      return 'updated';
    }
    await call('POST', base, { body });
    return 'created';
  } finally {
    await dispatcher.close();
  }
}
