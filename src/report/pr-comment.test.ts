// Property: the pull request comment updates only a comment its token's own identity wrote, and
// its client obeys Hoist's one TLS rule. Real-world variants: a contributor pastes Hoist's marker
// into a comment (or quotes Hoist's comment in a reply) on a run with GITHUB_TOKEN and on one with
// a personal access token; NODE_TLS_REJECT_UNAUTHORIZED=0 left in a runner's environment while
// GITHUB_API_URL points at a server whose certificate nothing trusts.
import { createServer } from 'node:https';
import { afterEach, describe, expect, it } from 'vitest';
import { selfSignedCertificate } from '../../test/support/self-signed.js';
import { GitHubApi } from '../../test/support/github-api.js';
import { upsertPrComment, type CommentTarget } from './pr-comment.js';

const MARKER = '<!-- hoist:image -->';
const target = (api: { url: string }, token: string): CommentTarget => ({
  token,
  apiUrl: api.url,
  repository: 'acme/app',
  pullRequest: 7,
  userAgent: 'hoist-test',
  env: {},
});

describe('the pull request comment', () => {
  it.each([
    ['an installation token (GITHUB_TOKEN)', 'ghs_installation0123456789', undefined],
    ['a personal access token', 'ghp_personal0123456789abcdef', 'release-bot'],
  ])('with %s, a pasted marker is never taken over; its own comment is updated', async (_, token, user) => {
    await using api = await GitHubApi.start();
    if (user) api.users.set(token, user);
    api.comments.push(
      { id: 1, body: `${MARKER} pasted by a contributor`, user: { login: 'mallory', type: 'User' } },
      { id: 2, body: `> ${MARKER} quoted in a reply`, user: { login: 'reviewer', type: 'User' } },
      ...(user ? [{ id: 3, body: `${MARKER} written by the workflow's bot`, user: { login: 'github-actions[bot]', type: 'Bot' as const } }] : []),
    );
    const before = api.comments.map((c) => c.body);
    expect(await upsertPrComment(target(api, token), `${MARKER} first`)).toBe('created');
    expect(await upsertPrComment(target(api, token), `${MARKER} second`)).toBe('updated');
    expect(api.comments.slice(0, before.length).map((c) => c.body)).toEqual(before);
    const own = api.comments.slice(before.length);
    expect(own.map((c) => c.body)).toEqual([`${MARKER} second`]);
    expect(own[0]!.user.login).toBe(user ?? 'github-actions[bot]');
  });

  describe('TLS', () => {
    const saved = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    afterEach(() => {
      if (saved === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
      else process.env.NODE_TLS_REJECT_UNAUTHORIZED = saved;
    });

    it('refuses a server nothing trusts even with NODE_TLS_REJECT_UNAUTHORIZED=0: the token is never sent', async () => {
      using certificate = selfSignedCertificate({ altName: 'IP:127.0.0.1' });
      const seen: string[] = [];
      const server = createServer({ key: certificate.key, cert: certificate.cert }, (req, res) => {
        seen.push(req.headers.authorization ?? '');
        res.writeHead(200, { 'content-type': 'application/json' }).end('[]');
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      try {
        process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
        const { port } = server.address() as { port: number };
        await expect(upsertPrComment(target({ url: `https://127.0.0.1:${port}` }, 'ghs_tls_secret_token_0123'), MARKER)).rejects.toThrow(/certificate/i);
        expect(seen).toEqual([]);
      } finally {
        await new Promise<void>((r) => server.close(() => r()));
      }
    });
  });
});
