/**
 * The run's facts for the command line, where no CI system hands them over as GitHub and GitLab
 * do: flags first, then the variables of the CI systems that set them (Jenkins, Buildkite,
 * CircleCI, Drone/Woodpecker), then the git checkout itself.
 */
import semver from 'semver';
import type { Exec } from '../effects/exec.js';
import type { RunFacts } from '../core/facts.js';
import { versionOfTag } from '../plan/tags.js';
import type { ContextFlag } from './command-line.js';
import { UsageError } from './usage.js';

type Env = Readonly<Record<string, string | undefined>>;

/** The first variable set, among the CI systems that name this fact. */
const fromEnv = (env: Env, ...names: string[]) => names.map((n) => env[n]?.trim()).find(Boolean);

/** The repository's web address from a git remote (`git@host:group/app.git` → `https://host/group/app`). */
export function remoteUrl(remote: string | undefined): string | undefined {
  const r = remote?.trim();
  if (!r) return undefined;
  const scp = /^[^@/]+@([^:/]+):(.+?)(\.git)?$/.exec(r);
  if (scp) return `https://${scp[1]}/${scp[2]}`;
  const url = /^(?:https?|ssh|git):\/\/(?:[^@/]+@)?([^/:]+)(?::\d+)?\/(.+?)(\.git)?$/.exec(r);
  return url ? `https://${url[1]}/${url[2]}` : undefined;
}

/**
 * What GitHub Actions and GitLab CI say of the run, for `hoist` run in a job's script (the Action and
 * the components read them through their platforms): on a pull or merge request the checkout is a
 * detached merge commit, so git alone knows neither the branch nor the request's number.
 */
function ciVariables(env: Env): { tag?: string; branch?: string; pr?: string; sha?: string } {
  const ref = env.GITHUB_REF?.trim() ?? '';
  const on = (prefix: string) => (ref.startsWith(prefix) ? ref.slice(prefix.length) : undefined);
  const tag = on('refs/tags/');
  const branch = fromEnv(env, 'GITHUB_HEAD_REF', 'CI_MERGE_REQUEST_SOURCE_BRANCH_NAME') ?? on('refs/heads/');
  const pr = /^refs\/pull\/(\d+)\//.exec(ref)?.[1] ?? fromEnv(env, 'CI_MERGE_REQUEST_IID');
  const sha = ref ? fromEnv(env, 'GITHUB_SHA') : undefined;
  return { ...(tag ? { tag } : {}), ...(branch ? { branch } : {}), ...(pr ? { pr } : {}), ...(sha ? { sha } : {}) };
}

/**
 * Whether the CI system started this run on its schedule — GitHub's `schedule` event, GitLab's
 * scheduled pipeline, Buildkite's scheduled build, Drone's and Woodpecker's cron: `hoist` in such a
 * job's script got no nightly tags (the Action and the components did), as if run by hand.
 */
function scheduledRun(env: Env): boolean {
  const is = (name: string, ...values: string[]) => values.includes(env[name]?.trim() ?? '');
  return (
    is('GITHUB_EVENT_NAME', 'schedule') ||
    is('CI_PIPELINE_SOURCE', 'schedule') ||
    is('BUILDKITE_SOURCE', 'schedule') ||
    is('DRONE_BUILD_EVENT', 'cron') ||
    is('CI_PIPELINE_EVENT', 'cron')
  );
}

/**
 * The tag of a checkout's commit. Several may point at it (v2.0.0-rc.1 promoted to v2.0.0, or a
 * deployment marker beside the release tag): the highest version among them is the release, where
 * `git describe` took an annotated marker over a lightweight release tag, or the lower of two
 * versions. Without any version tag, git describe's choice, as before (version-pattern reads it).
 */
export function releaseTagOf(tags: readonly string[], pattern?: string): string | undefined {
  const read = versionReader(pattern);
  const versions = tags.filter((t) => read(t));
  return versions.sort((a, b) => semver.rcompare(read(a)!, read(b)!))[0];
}

/**
 * How a tag at HEAD gives a version: with version-pattern, its group (a monorepo's `app/v1.2.3` for
 * `^app/v(.+)$`) — a commit released as two components (`app/v1.2.3` and `lib/v2.0.0`, as
 * release-please and changesets tag them) was given git describe's choice, the other component's
 * tag, and the run failed ('does not match'); else the tag itself (`v2.1.0`).
 */
function versionReader(pattern: string | undefined): (tag: string) => semver.SemVer | undefined {
  let re: RegExp | undefined;
  try {
    re = pattern?.trim() ? new RegExp(pattern.trim()) : undefined;
  } catch {
    re = undefined; // the plan names a pattern that is no regular expression
  }
  if (!re) return (tag) => versionOfTag(tag);
  const by = re;
  return (tag) => {
    const m = by.exec(tag);
    const captured = m?.groups?.version ?? m?.[1];
    return captured === undefined ? undefined : versionOfTag(captured);
  };
}

/** The context flags checked before anything starts (a process, the pipeline's modules): a refused line stays quick. */
export function checkContextFlags(flags: Partial<Record<ContextFlag, string>>): void {
  if (flags['pull-request'] !== undefined && !/^\d+$/.test(flags['pull-request']))
    throw new UsageError(`--pull-request: '${flags['pull-request']}' is not a pull request number`, 'build');
}

export async function cliFacts(
  exec: Exec,
  env: Env,
  cwd: string,
  flags: Partial<Record<ContextFlag, string>>,
  /** The version-pattern input: which of several tags at HEAD is this release. */
  versionPattern?: string,
): Promise<RunFacts> {
  const git = async (...args: string[]) => (await exec.run('git', args, { env, cwd }).catch(() => undefined))?.stdout.trim() || undefined;
  const ci = ciVariables(env);
  checkContextFlags(flags);
  const pr = flags['pull-request'] ?? fromEnv(env, 'CHANGE_ID', 'BUILDKITE_PULL_REQUEST', 'CI_COMMIT_PULL_REQUEST') ?? ci.pr;
  // Two gits at once, each a process start a job script pays before its inputs are read: one for the
  // commit, its time and what points at it (%D: `HEAD -> main, tag: v1.0.0, origin/main`), one for
  // the remote. Outside a checkout both fail, and the facts are the CI's and the flags' alone.
  const [head, origin] = await Promise.all([
    git('-c', 'log.showSignature=false', 'log', '-1', '--no-color', '--decorate=short', '--format=%H%x00%cI%x00%D', 'HEAD'),
    git('remote', 'get-url', 'origin'),
  ]);
  const [headSha, headTime, decorations] = head?.split('\0') ?? [];
  const refs = decorations ? decorations.split(', ') : [];
  const tagsAtHead = refs.filter((r) => r.startsWith('tag: ')).map((r) => r.slice('tag: '.length));
  const sha = flags.commit ?? fromEnv(env, 'GIT_COMMIT', 'BUILDKITE_COMMIT', 'CIRCLE_SHA1', 'CI_COMMIT_SHA') ?? ci.sha ?? headSha;
  const [commitTime, tag, branch] = await Promise.all([
    flags['commit-time'] ?? (sha && sha !== headSha && head ? git('show', '-s', '--format=%cI', sha) : sha ? headTime : undefined),
    flags['git-tag'] ??
      fromEnv(env, 'TAG_NAME', 'BUILDKITE_TAG', 'CIRCLE_TAG', 'CI_COMMIT_TAG') ??
      ci.tag ??
      (versionPattern?.trim() ? releaseTagOf(tagsAtHead, versionPattern) : undefined) ??
      releaseTagOf(tagsAtHead) ??
      // No version among them: git describe's choice, as before (version-pattern reads it).
      (tagsAtHead.length ? git('describe', '--tags', '--exact-match', 'HEAD') : undefined),
    flags.branch ??
      fromEnv(env, 'BRANCH_NAME', 'BUILDKITE_BRANCH', 'CIRCLE_BRANCH', 'CI_COMMIT_BRANCH') ??
      ci.branch ??
      refs.find((r) => r.startsWith('HEAD -> '))?.slice('HEAD -> '.length) ??
      // A repository with no commit yet has a branch but no log.
      (head ? undefined : git('symbolic-ref', '--short', '-q', 'HEAD')),
  ]);
  const url = remoteUrl(origin);
  const pullRequest = pr && /^\d+$/.test(pr) ? Number(pr) : undefined;
  return {
    git: {
      ...(tag ? { tag } : {}),
      ...(branch ? { branch: branch.replace(/^origin\//, '') } : {}),
      ...(pullRequest ? { pullRequest } : {}),
      ...(sha ? { sha } : {}),
      scheduled: scheduledRun(env),
    },
    ...(commitTime ? { commitTime } : {}),
    // HEAD's time as the checkout gave it (none: no commit, or no checkout), so the pipeline does not ask git again.
    checkout: headTime ? { commitTime: headTime } : {},
    repository: url ? { url, name: url.split('/').slice(3).join('/') } : {},
  };
}
