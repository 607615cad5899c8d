/**
 * The facts of a run, read from what GitHub Actions and GitLab CI provide: the git tag, branch,
 * pull/merge request, commit and its time, whether a schedule started the run, and what the
 * repository says about itself (for labels). Pure: the environment and GitHub's event payload
 * are arguments, so recorded contexts can be table-tested.
 */
import type { RunFacts } from '../core/facts.js';

type Env = Readonly<Record<string, string | undefined>>;

/** The parts of a GitHub event payload (`GITHUB_EVENT_PATH`) that are used. */
export interface GitHubEvent {
  number?: number;
  base_ref?: string | null;
  pull_request?: { number?: number; head?: { ref?: string; sha?: string }; base?: { ref?: string } };
  head_commit?: { timestamp?: string } | null;
  repository?: {
    name?: string;
    full_name?: string;
    html_url?: string;
    description?: string | null;
    private?: boolean;
    visibility?: string;
    default_branch?: string;
    license?: { spdx_id?: string | null } | null;
  };
}

const nonEmpty = (s: string | undefined | null): string | undefined => (s?.trim() ? s.trim() : undefined);

export function githubFacts(env: Env, event: GitHubEvent | undefined): RunFacts {
  const eventName = env.GITHUB_EVENT_NAME ?? '';
  // pull_request_target runs on the base branch's ref; the pull request's is what it is about (as metadata-action).
  const ref = /pull_request_target/.test(eventName) && event?.number !== undefined ? `refs/pull/${event.number}/merge` : (env.GITHUB_REF ?? '');
  const prMatch = /^refs\/pull\/(\d+)\//.exec(ref);
  const pullRequest = event?.pull_request?.number ?? (prMatch ? Number(prMatch[1]) : undefined);
  const repo = event?.repository;
  const license = nonEmpty(repo?.license?.spdx_id);
  const server = (env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/+$/, '');
  const url = nonEmpty(repo?.html_url) ?? (env.GITHUB_REPOSITORY ? `${server}/${env.GITHUB_REPOSITORY}` : undefined);
  const visibility = repo?.visibility ?? (repo?.private === undefined ? undefined : repo.private ? 'private' : 'public');
  return {
    git: {
      tag: ref.startsWith('refs/tags/') ? ref.slice('refs/tags/'.length) : undefined,
      // A pull request builds its head branch; GITHUB_HEAD_REF names it.
      branch: pullRequest !== undefined ? nonEmpty(env.GITHUB_HEAD_REF) : ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined,
      pullRequest,
      sha: nonEmpty(env.GITHUB_SHA),
      ...(event?.pull_request?.head?.sha ? { headSha: event.pull_request.head.sha } : {}),
      scheduled: eventName === 'schedule',
      ...(ref ? { ref } : {}),
      ...(eventName ? { event: eventName } : {}),
      ...(typeof event?.base_ref === 'string' ? { baseRef: event.base_ref } : {}),
      ...(event?.pull_request?.base?.ref ? { prBaseRef: event.pull_request.base.ref } : {}),
    },
    commitTime: nonEmpty(event?.head_commit?.timestamp),
    ...(nonEmpty(event?.head_commit?.timestamp) ? { commitTimeFrom: "the event's commit time" } : {}),
    defaultBranch: nonEmpty(repo?.default_branch),
    repository: {
      name: nonEmpty(repo?.name) ?? env.GITHUB_REPOSITORY?.split('/')[1],
      url,
      description: nonEmpty(repo?.description),
      // NOASSERTION is what GitHub answers for a license it cannot name.
      licenses: license && license !== 'NOASSERTION' ? license : undefined,
      visibility: visibility === 'public' || visibility === 'private' || visibility === 'internal' ? visibility : undefined,
    },
  };
}

export function gitlabFacts(env: Env): RunFacts {
  const iid = nonEmpty(env.CI_MERGE_REQUEST_IID);
  const visibility = env.CI_PROJECT_VISIBILITY;
  return {
    git: {
      tag: nonEmpty(env.CI_COMMIT_TAG),
      branch: nonEmpty(env.CI_COMMIT_BRANCH) ?? nonEmpty(env.CI_MERGE_REQUEST_SOURCE_BRANCH_NAME),
      pullRequest: iid && /^\d+$/.test(iid) ? Number(iid) : undefined,
      sha: nonEmpty(env.CI_COMMIT_SHA),
      ...(env.CI_MERGE_REQUEST_SOURCE_BRANCH_SHA ? { headSha: env.CI_MERGE_REQUEST_SOURCE_BRANCH_SHA } : {}),
      scheduled: env.CI_PIPELINE_SOURCE === 'schedule',
    },
    commitTime: nonEmpty(env.CI_COMMIT_TIMESTAMP),
    ...(nonEmpty(env.CI_COMMIT_TIMESTAMP) ? { commitTimeFrom: 'the commit time CI_COMMIT_TIMESTAMP gives' } : {}),
    defaultBranch: nonEmpty(env.CI_DEFAULT_BRANCH),
    repository: {
      name: nonEmpty(env.CI_PROJECT_NAME),
      url: nonEmpty(env.CI_PROJECT_URL),
      description: nonEmpty(env.CI_PROJECT_DESCRIPTION),
      visibility: visibility === 'public' || visibility === 'private' || visibility === 'internal' ? visibility : undefined,
    },
  };
}

/**
 * The facts, with the commit time from the checkout's git when the CI system gave none (an event
 * without `head_commit`: pull requests, manual runs), so a rebuild of a commit keeps its times.
 */
export async function withCheckoutCommitTime(facts: RunFacts, askGit: (args: string[]) => Promise<string | undefined>): Promise<RunFacts> {
  if (facts.commitTime) return facts;
  // HEAD: what the checkout holds is what is built, whichever commit the CI system names. Asked
  // once: a front door that read the checkout already (the command line) says what it found.
  const time = facts.checkout ? facts.checkout.commitTime : await askGit(['log', '-1', '--format=%cI', 'HEAD']);
  return time && /^\d{4}-\d{2}-\d{2}T/.test(time) ? { ...facts, commitTime: time, commitTimeFrom: "the checkout's commit time (git)" } : facts;
}
