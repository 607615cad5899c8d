// The merge request note against a local stand-in of GitLab's notes API: created once, then found
// again by its marker (on a later page) and updated in place; the job token and an access token
// each in GitLab's own header; a refusal a warning that names the fix, never a failed build.
import { describe, expect, it } from 'vitest';
import { GitLabApi } from '../../test/support/gitlab-api.js';
import { recordingPlatform } from '../../test/support/pipeline.js';
import { Redactor } from '../secrets/redact.js';
import { noteOnMergeRequest } from './comment.js';
import { upsertMrNote } from './mr-note.js';
import type { RunSummary } from './summary.js';

const JOB_TOKEN = 'glcbt-64_job-token-value-0123';
const summary = (digest: string): RunSummary => ({
  digest,
  version: '1.2.3',
  registries: [{ references: ['registry.acme/app:1.2.3'] } as unknown as RunSummary['registries'][number]],
  decisions: new Map(),
  audit: { mode: 'fail', leaks: 0, findings: [], skipped: [], layers: 1, bytes: 1 },
});

function setup(api: GitLabApi, env: Record<string, string>, delivery: { mrComment: boolean; gitlabToken?: string }) {
  const platform = recordingPlatform({}, { workspace: '/tmp', tempDir: '/tmp', facts: { git: { pullRequest: 42 } as never }, env });
  const redactor = new Redactor();
  const fx = { platform, redactor, note: upsertMrNote };
  return { platform, run: (digest: string) => noteOnMergeRequest(fx, { ...delivery } as never, summary(digest)), api };
}

const gitlabEnv = (api: GitLabApi) => ({ CI_API_V4_URL: api.url, CI_PROJECT_ID: 'acme/app', CI_JOB_TOKEN: JOB_TOKEN, GITLAB_USER_LOGIN: api.jobUser });

describe('the merge request note', () => {
  it('is created once with the job token, then updated in place (found on a later page, among others)', async () => {
    await using api = await GitLabApi.start();
    for (let i = 0; i < 120; i++) api.notes.push({ id: i + 1, body: `review comment ${i}`, system: false, author: { username: 'reviewer' } });
    const s = setup(api, gitlabEnv(api), { mrComment: true });
    await s.run(`sha256:${'a'.repeat(64)}`);
    expect(s.platform.log()).toContain('mr-comment: created the note on merge request !42');
    const ours = api.notes.filter((n) => n.body.includes('<!-- hoist:image -->'));
    expect(ours).toHaveLength(1);
    expect(ours[0]!.body).toContain('a'.repeat(64));
    api.calls.length = 0;
    await s.run(`sha256:${'b'.repeat(64)}`);
    expect(s.platform.log()).toContain('mr-comment: updated the note on merge request !42');
    expect(api.notes.filter((n) => n.body.includes('<!-- hoist:image -->'))).toHaveLength(1);
    expect(ours[0]!.body).toContain('b'.repeat(64));
    expect(api.calls.map((c) => `${c.method} ${c.path}${c.query.page ? `?page=${c.query.page}` : ''}`)).toEqual([
      'GET /api/v4/projects/acme%2Fapp/merge_requests/42/notes?page=1',
      'GET /api/v4/projects/acme%2Fapp/merge_requests/42/notes?page=2',
      `PUT /api/v4/projects/acme%2Fapp/merge_requests/42/notes/${ours[0]!.id}`,
    ]);
    expect(api.calls.every((c) => c.jobToken === JOB_TOKEN && !c.privateToken)).toBe(true);
  });

  it('sends a token input as PRIVATE-TOKEN', async () => {
    await using api = await GitLabApi.start();
    api.users.set('glpat-note-token-0123456789', 'release-bot');
    const s = setup(api, gitlabEnv(api), { mrComment: true, gitlabToken: 'glpat-note-token-0123456789' });
    await s.run(`sha256:${'c'.repeat(64)}`);
    expect(api.calls.map((c) => `${c.method} ${c.path.split('/').pop()}`)).toEqual(['GET user', 'GET notes', 'POST notes']);
    expect(api.calls.map((c) => c.privateToken)).toEqual(Array(3).fill('glpat-note-token-0123456789'));
    expect(api.calls.some((c) => c.jobToken)).toBe(false);
  });

  // Property: only a note written by the token's own identity is updated — pasting the marker
  // takes nothing over. Real-world variant: a reviewer quotes Hoist's note (marker included) in a
  // reply, or pastes it on purpose; a note by another pipeline user; a system note quoting it.
  it("updates only its own identity's note: a pasted marker (another user, a system note) is left alone", async () => {
    for (const kind of ['job', 'private'] as const) {
      await using api = await GitLabApi.start();
      api.users.set('glpat-identity-token-0123456789', 'release-bot');
      const me = kind === 'job' ? api.jobUser : 'release-bot';
      api.notes.push(
        { id: 1, body: '<!-- hoist:image --> quoted by a reviewer', system: false, author: { username: 'mallory' } },
        { id: 2, body: '<!-- hoist:image --> from a system note', system: true, author: { username: me } },
        { id: 3, body: '<!-- hoist:image --> started by someone else', system: false, author: { username: 'another-pipeline-user' } },
      );
      const s = setup(api, gitlabEnv(api), { mrComment: true, ...(kind === 'private' ? { gitlabToken: 'glpat-identity-token-0123456789' } : {}) });
      await s.run(`sha256:${'e'.repeat(64)}`);
      expect(s.platform.log(), kind).toContain('created the note');
      expect(
        api.notes.slice(0, 3).map((n) => n.body),
        kind,
      ).toEqual(['<!-- hoist:image --> quoted by a reviewer', '<!-- hoist:image --> from a system note', '<!-- hoist:image --> started by someone else']);
      await s.run(`sha256:${'f'.repeat(64)}`);
      expect(s.platform.log(), kind).toContain('updated the note');
      const own = api.notes.filter((n) => n.author?.username === me && !n.system);
      expect(own, kind).toHaveLength(1);
      expect(own[0]!.body, kind).toContain('f'.repeat(64));
    }
  });

  it('turns a refusal into a warning naming the token to give, without the token in it', async () => {
    await using api = await GitLabApi.start();
    api.failWith = 403;
    const s = setup(api, gitlabEnv(api), { mrComment: true });
    await s.run(`sha256:${'d'.repeat(64)}`);
    const warnings = s.platform.lines.filter((l) => l.level === 'warning').map((l) => l.text);
    expect(warnings).toEqual([
      expect.stringMatching(
        /^mr-comment: could not comment on merge request !42 \(GET \/api\/v4\/projects\/acme%2Fapp\/merge_requests\/42\/notes answered 403: 403 Forbidden\) \(CI_JOB_TOKEN may not write notes .* gitlab-token .*api scope\); the image was pushed all the same$/,
      ),
    ]);
    expect(s.platform.log()).not.toContain(JOB_TOKEN);
  });

  it('says why there is no note outside a merge request pipeline, or without the API variables; does nothing unless asked', async () => {
    await using api = await GitLabApi.start();
    const noMr = recordingPlatform({}, { workspace: '/tmp', tempDir: '/tmp', env: gitlabEnv(api) });
    await noteOnMergeRequest({ platform: noMr, redactor: new Redactor(), note: upsertMrNote }, { mrComment: true } as never, summary('sha256:x'));
    expect(noMr.log()).toContain('mr-comment: this pipeline is not for a merge request');
    const s = setup(api, { CI_JOB_TOKEN: JOB_TOKEN }, { mrComment: true });
    await s.run('sha256:x');
    expect(s.platform.log()).toContain('warning: mr-comment: no CI_API_V4_URL or CI_PROJECT_ID');
    const off = setup(api, gitlabEnv(api), { mrComment: false });
    await off.run('sha256:x');
    expect(api.calls).toEqual([]);
  });
});
