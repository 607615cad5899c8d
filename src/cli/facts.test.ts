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
