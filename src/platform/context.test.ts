import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { githubFacts, gitlabFacts, withCheckoutCommitTime, type GitHubEvent } from './context.js';

/** Contexts as the runners give them: env variables and, on GitHub, the event payload. */
const recorded = (name: string) =>
  JSON.parse(readFileSync(join(import.meta.dirname, '../../test/fixtures/contexts', `${name}.json`), 'utf8')) as {
    env: Record<string, string>;
    event?: GitHubEvent;
  };

describe('githubFacts', () => {
  it('reads a tag push', () => {
    const { env, event } = recorded('github-push-tag');
    expect(githubFacts(env, event)).toEqual({
      git: {
        tag: 'v2.1.106',
        branch: undefined,
        pullRequest: undefined,
        sha: '8f3c2a1b9d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a',
        scheduled: false,
        ref: 'refs/tags/v2.1.106',
        event: 'push',
      },
      commitTime: '2026-11-20T09:30:00+01:00',
      commitTimeFrom: "the event's commit time",
      defaultBranch: 'main',
      repository: { name: 'app', url: 'https://github.com/acme/app', description: "Acme's app", licenses: 'Apache-2.0', visibility: 'public' },
    });
  });

  it('reads a pull request: its number, its head branch and commit, a private repository, no license it can name', () => {
    const { env, event } = recorded('github-pull-request');
    const f = githubFacts(env, event);
    expect(f.git).toEqual({
      tag: undefined,
      branch: 'feature/Login',
      pullRequest: 42,
      sha: '1111111111111111111111111111111111111111',
      headSha: '2222222222222222222222222222222222222222',
      scheduled: false,
      ref: 'refs/pull/42/merge',
      event: 'pull_request',
    });
    expect(f.repository).toEqual({
      name: 'secret-app',
      url: 'https://github.com/acme/secret-app',
      description: undefined,
      licenses: undefined,
      visibility: 'private',
    });
  });

  it('reads a scheduled run, with only the env to say where the repository is', () => {
    const { env, event } = recorded('github-schedule');
    const f = githubFacts(env, event);
    expect(f.git).toMatchObject({ branch: 'main', scheduled: true });
    expect(f.repository).toEqual({
      name: 'app',
      url: 'https://github.example.com/acme/app',
      description: undefined,
      licenses: undefined,
      visibility: undefined,
    });
  });

  it('takes the pull request number from the ref when there is no payload', () => {
    expect(githubFacts({ GITHUB_REF: 'refs/pull/7/merge', GITHUB_HEAD_REF: 'dev' }, undefined).git).toMatchObject({ pullRequest: 7, branch: 'dev' });
  });
});

describe('gitlabFacts', () => {
  it('reads a tag pipeline', () => {
    expect(gitlabFacts(recorded('gitlab-tag').env)).toEqual({
      git: { tag: 'v1.9.5', branch: undefined, pullRequest: undefined, sha: '4444444444444444444444444444444444444444', scheduled: false },
      commitTime: '2026-11-21T17:02:11+00:00',
      commitTimeFrom: 'the commit time CI_COMMIT_TIMESTAMP gives',
      defaultBranch: 'main',
      repository: { name: 'app', url: 'https://gitlab.example.com/acme/app', description: undefined, visibility: 'internal' },
    });
  });

  it('reads a merge request pipeline', () => {
    const f = gitlabFacts(recorded('gitlab-merge-request').env);
    expect(f.git).toEqual({ tag: undefined, branch: 'fix/Crash', pullRequest: 17, sha: '5555555555555555555555555555555555555555', scheduled: false });
    expect(f.repository).toMatchObject({ description: 'The app', visibility: 'public' });
  });

  it('reads a scheduled pipeline', () => {
    expect(gitlabFacts(recorded('gitlab-schedule').env).git).toMatchObject({ branch: 'main', scheduled: true });
  });
});

describe('withCheckoutCommitTime', () => {
  const facts = { git: { sha: 'abc123', scheduled: false }, repository: {} };
  it("takes the checkout's commit time when the CI system gave none, from the commit the checkout holds", async () => {
    const asked: string[][] = [];
    const got = await withCheckoutCommitTime(facts, async (args) => {
      asked.push(args);
      return '2026-11-20T09:30:00+01:00';
    });
    expect(asked).toEqual([['log', '-1', '--format=%cI', 'HEAD']]);
    expect(got).toMatchObject({ commitTime: '2026-11-20T09:30:00+01:00', commitTimeFrom: "the checkout's commit time (git)" });
  });
  it('asks git nothing when the front door read the checkout already (the command line), and gives what it found', async () => {
    const never = async (): Promise<string> => {
      throw new Error('git asked again');
    };
    const time = '2026-11-20T09:30:00+01:00';
    expect(await withCheckoutCommitTime({ ...facts, checkout: { commitTime: time } }, never)).toMatchObject({
      commitTime: time,
      commitTimeFrom: "the checkout's commit time (git)",
    });
    const none = { ...facts, checkout: {} };
    expect(await withCheckoutCommitTime(none, never)).toBe(none);
  });
  it('keeps the CI system’s time, and no time outside a checkout', async () => {
    const given = { ...facts, commitTime: '2026-01-01T00:00:00Z' };
    expect(await withCheckoutCommitTime(given, async () => 'never asked')).toBe(given);
    expect(await withCheckoutCommitTime(facts, async () => undefined)).toBe(facts);
  });
});
