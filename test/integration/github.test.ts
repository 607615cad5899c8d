// The action on a pull request, as the runner runs it with a recorded pull_request event: the job
// summary written line by line, and one comment on the pull request — created, then updated in
// place — through a local stand-in for the GitHub API. An API failure is a warning, never a failure.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GitHubApi } from '../support/github-api.js';
import { lab, leaks, runAction, uniqueRepo } from './lab.js';

const TOKEN = `ghs_${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;

async function pullRequestRun(api: GitHubApi, repo: string) {
  const { plain } = lab().registries;
  const ws = await mkdtemp(join(tmpdir(), 'hoist-ws-'));
  await writeFile(join(ws, 'Dockerfile'), `FROM ${plain.host}/lab/busybox:1.36\nRUN echo ${Math.random().toString(36).slice(2)} > /n\n`);
  const recorded = JSON.parse(await readFile(join(import.meta.dirname, '../fixtures/contexts/github-pull-request.json'), 'utf8')) as {
    env: Record<string, string>;
    event: unknown;
  };
  const eventPath = join(ws, 'event.json');
  await writeFile(eventPath, JSON.stringify(recorded.event));
  return runAction({
    workspace: ws,
    env: { ...recorded.env, GITHUB_EVENT_PATH: eventPath, GITHUB_API_URL: api.url },
    inputs: { images: repo, 'insecure-registries': plain.host, 'pr-comment': 'true', 'github-token': TOKEN },
  });
}

describe('a pull request build', () => {
  it('tags pr-42, writes the job summary, and keeps one comment on the pull request', async () => {
    await using api = await GitHubApi.start();
    const repo = `${lab().registries.plain.host}/${uniqueRepo('pr/app')}`;
    const first = await pullRequestRun(api, repo);
    expect(first.errors).toEqual([]);
    // pr-42, never the head branch's tag (that branch's own builds keep it), as docker/metadata-action.
    expect(first.outputs.tags?.split('\n')).toEqual([`${repo}:sha-1111111`, `${repo}:pr-42`]);

    const summary = first.summary.split('\n');
    expect(summary[0]).toBe(`### Hoist: \`${first.outputs.digest}\``);
    expect(summary).toContain('| registry | references | uploaded | mounted | already there | sent | time | result |');
    // The base (lab/busybox, on the same registry) is mounted from its repository: only the own layer and the config go up.
    expect(summary.find((l) => l.startsWith(`| ${lab().registries.plain.host} |`))).toMatch(
      new RegExp(
        `^\\| \\S+ \\| \`${repo.replace(/[./]/g, '\\$&')}:sha-1111111\`<br>.*:pr-42\` \\| 2 \\(.+\\) \\| 1 \\(1\\.0 MiB\\) \\| 0 \\(0\\.0 KiB\\) \\| .+ \\| [\\d.]+ s \\| ✅ \\|$`,
      ),
    );
    expect(summary).toContainEqual(expect.stringMatching(/^\*\*Audit\*\* \(fail\): 2 layers, .* — ✅ no secret found$/));

    // GET /user first: whose comments are ours (an installation token is refused it: a bot's are).
    expect(api.calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      'GET /user',
      'GET /repos/acme/secret-app/issues/42/comments',
      'POST /repos/acme/secret-app/issues/42/comments',
    ]);
    expect(api.calls[0]!.authorization).toBe(`token ${TOKEN}`);
    expect(api.comments).toHaveLength(1);
    expect(api.comments[0]!.body).toContain(first.outputs.digest);
    expect(api.comments[0]!.body).toContain(`\`${repo}:pr-42\``);

    const second = await pullRequestRun(api, repo);
    expect(second.errors).toEqual([]);
    expect(api.calls.slice(3).map((c) => `${c.method} ${c.path}`)).toEqual([
      'GET /user',
      'GET /repos/acme/secret-app/issues/42/comments',
      `PATCH /repos/acme/secret-app/issues/comments/${api.comments[0]!.id}`,
    ]);
    expect(api.comments).toHaveLength(1); // updated in place, not repeated
    expect(api.comments[0]!.body).toContain(second.outputs.digest);
    expect(second.log).toContain('pr-comment: updated the comment on pull request #42');
    expect(leaks(first.log + second.log + first.summary, TOKEN)).toBe(false);
  }, 120_000);

  it('turns an API failure (a rate limit) into a warning: the pushed build still succeeds', async () => {
    await using api = await GitHubApi.start();
    api.rateLimited = true;
    const r = await pullRequestRun(api, `${lab().registries.plain.host}/${uniqueRepo('pr-limited/app')}`);
    expect(r.exitCode).toBe(0);
    expect(r.errors).toEqual([]);
    expect(r.log).toMatch(/::warning::pr-comment: could not comment on pull request #42 \(.*rate limit.*\); the image was pushed all the same/);
  }, 60_000);
});
