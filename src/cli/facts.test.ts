// The command line's run facts from a real git checkout and the CI systems' real variable names.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExec } from '../effects/exec.js';
import { Redactor } from '../secrets/redact.js';
import { cliFacts, releaseTagOf } from './facts.js';

const exec = createExec(new Redactor());
const base = { PATH: process.env.PATH, HOME: process.env.HOME, GIT_CONFIG_NOSYSTEM: '1' };
let dir: string;
let head: string;
const git = (...args: string[]) =>
  execFileSync('git', args, { cwd: dir, env: { ...base, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } })
    .toString()
    .trim();
const facts = (env: Record<string, string> = {}) => cliFacts(exec, { ...base, ...env }, dir, {});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hoist-facts-'));
  git('init', '-q', '-b', 'main');
  await writeFile(join(dir, 'f'), 'x');
  git('add', 'f');
  git('commit', '-q', '-m', 'one');
  head = git('rev-parse', 'HEAD');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('the release tag of a commit that several tags point at', () => {
  it('is the highest version, whatever else points there', () => {
    expect(releaseTagOf(['v3.0.0', 'v3.0.1'])).toBe('v3.0.1');
    expect(releaseTagOf(['v2.0.0-rc.1', 'v2.0.0'])).toBe('v2.0.0');
    expect(releaseTagOf(['deployed', 'v1.2.3', 'zz'])).toBe('v1.2.3');
    expect(releaseTagOf(['v10.0.0', 'v9.0.0'])).toBe('v10.0.0');
    expect(releaseTagOf(['deployed'])).toBeUndefined();
  });

  it('beats an annotated marker beside a lightweight release tag (git describe took the marker)', async () => {
    git('tag', 'v4.0.0');
    git('tag', '-a', '-m', 'deployed to staging', 'aa-staging');
    try {
      expect(git('describe', '--tags', '--exact-match', 'HEAD')).toBe('aa-staging');
      expect((await facts()).git.tag).toBe('v4.0.0');
      git('tag', 'v4.0.1');
      expect((await facts()).git.tag).toBe('v4.0.1');
    } finally {
      git('tag', '-d', 'v4.0.0', 'v4.0.1', 'aa-staging');
    }
  });

  // Property: with version-pattern, the release is the tag at HEAD the pattern reads a version from,
  // whatever git describe would pick. Nearest real variant: release-please / changesets tagging two
  // components of a monorepo at one commit (app/v1.2.3 and lib/v2.0.0), the CLI run in a Jenkins job.
  it('with version-pattern, is the tag the pattern reads — not git describe’s other component', async () => {
    git('tag', 'lib/v2.0.0');
    git('tag', 'app/v1.2.3');
    git('tag', '-a', '-m', 'web', 'web/v0.9.0');
    try {
      expect(git('describe', '--tags', '--exact-match', 'HEAD')).toBe('web/v0.9.0');
      expect((await cliFacts(exec, base, dir, {}, '^lib/v(.+)$')).git.tag).toBe('lib/v2.0.0');
      expect((await cliFacts(exec, base, dir, {}, '^app/v(?<version>.+)$')).git.tag).toBe('app/v1.2.3');
      expect(releaseTagOf(['app/v1.2.3', 'app/v1.3.0-rc.1', 'v9.0.0'], '^app/v(.+)$')).toBe('app/v1.3.0-rc.1');
    } finally {
      git('tag', '-d', 'lib/v2.0.0', 'app/v1.2.3', 'web/v0.9.0');
    }
  });

  it('is git describe’s when no tag there is a version (version-pattern reads it); none when untagged', async () => {
    git('tag', 'app-2.1.0');
    try {
      expect((await facts()).git.tag).toBe('app-2.1.0');
    } finally {
      git('tag', '-d', 'app-2.1.0');
    }
    expect((await facts()).git.tag).toBeUndefined();
    expect((await facts()).git.branch).toBe('main');
  });
});

// The checkout read by one `git log` (commit, time, what points at it) beside `git remote`.
describe('the checkout itself', () => {
  it('gives the commit, its time, the branch and the origin, from two gits at once; detached, no branch', async () => {
    const time = git('show', '-s', '--format=%cI', 'HEAD');
    git('remote', 'add', 'origin', 'git@gitlab.example.com:group/app.git');
    git('tag', 'v8.0.0');
    try {
      // Each git is a process start a job script pays before its inputs are read: there were six,
      // the first alone before the others (rev-parse --is-inside-work-tree).
      let [running, most] = [0, 0];
      const gits: string[] = [];
      const counting = {
        ...exec,
        run: async (file: string, args: readonly string[], o?: Parameters<typeof exec.run>[2]) => {
          gits.push(args.join(' '));
          most = Math.max(most, ++running);
          try {
            return await exec.run(file, args, o);
          } finally {
            running--;
          }
        },
      };
      const f = await cliFacts(counting, base, dir, {});
      expect(gits).toHaveLength(2);
      expect(most).toBe(2);
      expect(f.git.tag).toBe('v8.0.0');
      expect(f.git).toMatchObject({ sha: head, branch: 'main' });
      expect(f.commitTime).toBe(time);
      expect(f.checkout).toEqual({ commitTime: time });
      expect(f.repository).toEqual({ url: 'https://gitlab.example.com/group/app', name: 'group/app' });
      git('checkout', '-q', '--detach');
      expect((await facts()).git).toEqual({ tag: 'v8.0.0', sha: head, scheduled: false });
    } finally {
      git('checkout', '-q', 'main');
      git('remote', 'remove', 'origin');
      git('tag', '-d', 'v8.0.0');
    }
  });

  it('an annotated release tag alone is the tag; a commit named by the CI other than HEAD gets its own time', async () => {
    git('tag', '-a', '-m', 'release', 'v7.0.0');
    try {
      expect((await facts()).git.tag).toBe('v7.0.0');
    } finally {
      git('tag', '-d', 'v7.0.0');
    }
    await writeFile(join(dir, 'f'), 'y');
    const who = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' };
    execFileSync('git', ['commit', '-q', '-am', 'two'], { cwd: dir, env: { ...base, ...who, GIT_COMMITTER_DATE: '2001-02-03T04:05:06Z' } });
    try {
      const f = await facts({ CI_COMMIT_SHA: head });
      expect(f.git.sha).toBe(head);
      expect(f.commitTime).toBe(git('show', '-s', '--format=%cI', head));
      expect(f.commitTime).not.toBe('2001-02-03T04:05:06Z');
      // HEAD's own time, what the pipeline would have asked git for had the CI's commit had none.
      expect(f.checkout).toEqual({ commitTime: git('log', '-1', '--format=%cI', 'HEAD') });
      expect(f.checkout?.commitTime).toMatch(/^2001-02-03T04:05:06/);
    } finally {
      git('reset', '-q', '--hard', head);
    }
  });

  it('a repository with no commit yet: its branch; outside any checkout: nothing', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'hoist-facts-empty-'));
    try {
      execFileSync('git', ['init', '-q', '-b', 'trunk'], { cwd: empty, env: base });
      const f = await cliFacts(exec, base, empty, {});
      expect(f.git).toEqual({ branch: 'trunk', scheduled: false });
      // The checkout has no commit time to give: the pipeline takes that answer rather than asking again.
      expect(f.checkout).toEqual({});
      const outside = await mkdtemp(join(tmpdir(), 'hoist-facts-none-'));
      try {
        expect(await cliFacts(exec, { ...base, GIT_CEILING_DIRECTORIES: tmpdir() }, outside, {})).toEqual({
          git: { scheduled: false },
          checkout: {},
          repository: {},
        });
      } finally {
        await rm(outside, { recursive: true, force: true });
      }
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});

describe('GitHub Actions and GitLab CI variables, for hoist in a job script', () => {
  it('GitHub: a tag push gives the version tag; a pull request its number and head branch', async () => {
    const tagPush = await facts({ GITHUB_REF: 'refs/tags/v5.1.0', GITHUB_SHA: head });
    expect(tagPush.git).toMatchObject({ tag: 'v5.1.0', sha: head });
    const pr = await facts({ GITHUB_REF: 'refs/pull/42/merge', GITHUB_SHA: head, GITHUB_HEAD_REF: 'feature/x' });
    expect(pr.git).toMatchObject({ pullRequest: 42, branch: 'feature/x' });
    expect(pr.git.tag).toBeUndefined();
    expect((await facts({ GITHUB_REF: 'refs/heads/release/2', GITHUB_SHA: head })).git.branch).toBe('release/2');
  });

  it('GitLab: a merge request pipeline gives its IID and source branch', async () => {
    const mr = await facts({ CI_MERGE_REQUEST_IID: '17', CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: 'feature/y', CI_COMMIT_SHA: head });
    expect(mr.git).toMatchObject({ pullRequest: 17, branch: 'feature/y', sha: head });
  });

  it('flags still come first', async () => {
    const f = await cliFacts(exec, { ...base, GITHUB_REF: 'refs/tags/v5.1.0' }, dir, { 'git-tag': 'v6.0.0' });
    expect(f.git.tag).toBe('v6.0.0');
  });
});

// Property: `hoist` in a scheduled job's script is a scheduled run, as the Action and the components
// are (nightly tags); the same variables with other values are not. Nearest real-world variant: a
// GitHub workflow `on: schedule` whose step runs `npx hoist-cli build …` instead of the Action.
describe('a scheduled run, from the CI systems that say so', () => {
  it.each([
    [{ GITHUB_EVENT_NAME: 'schedule' }, true],
    [{ CI_PIPELINE_SOURCE: 'schedule' }, true],
    [{ BUILDKITE_SOURCE: 'schedule' }, true],
    [{ DRONE_BUILD_EVENT: 'cron' }, true],
    [{ CI_PIPELINE_EVENT: 'cron' }, true],
    [{ GITHUB_EVENT_NAME: 'workflow_dispatch' }, false],
    [{ CI_PIPELINE_SOURCE: 'push' }, false],
    [{}, false],
  ])('%o: scheduled %s', async (env, scheduled) => {
    expect((await facts(env)).git.scheduled).toBe(scheduled);
  });
});
