/**
 * The run's facts for the command line, where no CI system hands them over as GitHub and GitLab
 * do: flags first, then the variables of the CI systems that set them (Jenkins, Buildkite,
 * CircleCI, Drone/Woodpecker), then the git checkout itself.
 */
import type { Exec } from '../effects/exec.js';
import type { RunFacts } from '../core/facts.js';
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

export async function cliFacts(exec: Exec, env: Env, cwd: string, flags: Partial<Record<ContextFlag, string>>): Promise<RunFacts> {
  const git = async (...args: string[]) => (await exec.run('git', args, { env, cwd }).catch(() => undefined))?.stdout.trim() || undefined;
  const inCheckout = (await git('rev-parse', '--is-inside-work-tree')) === 'true';
  const ask = async (...args: string[]) => (inCheckout ? git(...args) : undefined);
  const sha = flags.commit ?? fromEnv(env, 'GIT_COMMIT', 'BUILDKITE_COMMIT', 'CIRCLE_SHA1', 'CI_COMMIT_SHA') ?? (await ask('rev-parse', 'HEAD'));
  const tag =
    flags['git-tag'] ?? fromEnv(env, 'TAG_NAME', 'BUILDKITE_TAG', 'CIRCLE_TAG', 'CI_COMMIT_TAG') ?? (await ask('describe', '--tags', '--exact-match', 'HEAD'));
  const branch =
    flags.branch ??
    fromEnv(env, 'BRANCH_NAME', 'BUILDKITE_BRANCH', 'CIRCLE_BRANCH', 'CI_COMMIT_BRANCH') ??
    (await ask('symbolic-ref', '--short', '-q', 'HEAD'));
  if (flags['pull-request'] !== undefined && !/^\d+$/.test(flags['pull-request']))
    throw new UsageError(`--pull-request: '${flags['pull-request']}' is not a pull request number`, 'build');
  const pr = flags['pull-request'] ?? fromEnv(env, 'CHANGE_ID', 'BUILDKITE_PULL_REQUEST', 'CI_COMMIT_PULL_REQUEST');
  const commitTime = flags['commit-time'] ?? (sha && (await ask('show', '-s', '--format=%cI', sha)));
  const url = remoteUrl(await ask('remote', 'get-url', 'origin'));
  const pullRequest = pr && /^\d+$/.test(pr) ? Number(pr) : undefined;
  return {
    git: {
      ...(tag ? { tag } : {}),
      ...(branch ? { branch: branch.replace(/^origin\//, '') } : {}),
      ...(pullRequest ? { pullRequest } : {}),
      ...(sha ? { sha } : {}),
      scheduled: false,
    },
    ...(commitTime ? { commitTime } : {}),
    repository: url ? { url, name: url.split('/').slice(3).join('/') } : {},
  };
}
