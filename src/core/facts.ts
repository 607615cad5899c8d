/**
 * What a run is for, as the CI system (or the checkout) tells it: the git facts tags are made from
 * and what the repository says about itself. Read by `platform/context.ts`, used by the plan.
 */

export interface RunFacts {
  git: GitFacts;
  /** ISO 8601 time of the commit, when the CI system says (or the checkout's git). */
  commitTime?: string;
  /** Where `commitTime` came from, for the log. */
  commitTimeFrom?: string;
  /**
   * What the checkout itself said of HEAD, when the front door has asked git already (the command
   * line does, before its inputs): its commit time, or none (no commit yet, not a checkout). The
   * pipeline takes it rather than asking git the same again (`platform/context.ts`).
   */
  checkout?: { commitTime?: string };
  defaultBranch?: string;
  repository: RepositoryFacts;
}

/**
 * The run's facts, resolved when first asked for: the checkout's commit time costs a `git` process
 * (and the process runner's load), which a run whose inputs do not hold never asks for.
 */
export type LazyFacts = () => Promise<RunFacts>;

/** The facts of the run that tags are made from (see `platform/context.ts`). */
export interface GitFacts {
  /** The git tag the run is for (`v2.1.106`), if any. */
  tag?: string;
  branch?: string;
  /** Pull request (GitHub) or merge request (GitLab) number. */
  pullRequest?: number;
  sha?: string;
  /** A pull request's head commit (`sha` is then the merge commit the CI system built). */
  headSha?: string;
  /** The run was started by a schedule. */
  scheduled: boolean;
  /** The full git ref (refs/heads/main, refs/tags/v1.2.3, refs/pull/15/merge), for metadata-action's rules. */
  ref?: string;
  /** The event that started the run (push, pull_request, schedule, …). */
  event?: string;
  /** The event payload's base_ref (a tag push) and pull_request.base.ref, for {{base_ref}}. */
  baseRef?: string;
  prBaseRef?: string;
}

export interface RepositoryFacts {
  name?: string;
  url?: string;
  description?: string;
  /** SPDX expression (`Apache-2.0`). */
  licenses?: string;
  /** Unknown is treated as private. */
  visibility?: 'public' | 'private' | 'internal';
}
