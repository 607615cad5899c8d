/**
 * With `pr-comment: true` on a pull request: one comment, updated in place; with `mr-comment: true`
 * on a GitLab merge request pipeline, one note. Failures are warnings.
 */
import type { Effects } from '../effects/effects.js';
import { USER_AGENT } from '../registry/client.js';
import type { NoteTarget } from './mr-note.js';
import type { DeliverySettings } from '../inputs/delivery.js';
import { renderComment, type RunSummary } from './summary.js';

export async function commentOnPullRequest(
  fx: Pick<Effects, 'platform' | 'redactor' | 'comment'>,
  delivery: DeliverySettings,
  summary: RunSummary,
): Promise<void> {
  const { platform, redactor } = fx;
  const pr = platform.context.facts.git.pullRequest;
  if (!delivery.prComment) return;
  if (pr === undefined) return platform.info('pr-comment: this run is not for a pull request, so there is nothing to comment on');
  const env = platform.context.env;
  if (!delivery.githubToken || !env.GITHUB_REPOSITORY)
    return platform.warning('pr-comment: no github-token (or no GITHUB_REPOSITORY): the pull request was not commented on');
  try {
    const target = {
      token: delivery.githubToken,
      apiUrl: env.GITHUB_API_URL || 'https://api.github.com',
      repository: env.GITHUB_REPOSITORY,
      pullRequest: pr,
      userAgent: USER_AGENT,
      env,
    };
    const done = await fx.comment(target, redactor.redact(renderComment(summary)));
    platform.info(`pr-comment: ${done} the comment on pull request #${pr}`);
  } catch (e) {
    platform.warning(
      `pr-comment: could not comment on pull request #${pr} (${redactor.redact(e instanceof Error ? e.message : String(e))}); the image was pushed all the same`,
    );
  }
}

export async function noteOnMergeRequest(fx: Pick<Effects, 'platform' | 'redactor' | 'note'>, delivery: DeliverySettings, summary: RunSummary): Promise<void> {
  const { platform, redactor } = fx;
  if (!delivery.mrComment) return;
  const mr = platform.context.facts.git.pullRequest;
  if (mr === undefined) return platform.info('mr-comment: this pipeline is not for a merge request, so there is nothing to comment on');
  const env = platform.context.env;
  const token = delivery.gitlabToken ?? env.CI_JOB_TOKEN;
  if (!token || !env.CI_API_V4_URL || !env.CI_PROJECT_ID) {
    return platform.warning(
      `mr-comment: no ${token ? 'CI_API_V4_URL or CI_PROJECT_ID' : 'gitlab-token (or CI_JOB_TOKEN)'}: the merge request was not commented on`,
    );
  }
  redactor.add(token);
  const target: NoteTarget = {
    apiUrl: env.CI_API_V4_URL,
    project: env.CI_PROJECT_ID,
    mergeRequest: mr,
    token,
    tokenKind: delivery.gitlabToken ? 'private' : 'job',
    userAgent: USER_AGENT,
    env,
  };
  try {
    const done = await fx.note(target, redactor.redact(renderComment(summary)));
    platform.info(`mr-comment: ${done} the note on merge request !${mr}`);
  } catch (e) {
    const hint = delivery.gitlabToken
      ? ''
      : ' (CI_JOB_TOKEN may not write notes on this instance: give gitlab-token a project access token with the api scope)';
    platform.warning(
      `mr-comment: could not comment on merge request !${mr} (${redactor.redact(e instanceof Error ? e.message : String(e))})${hint}; the image was pushed all the same`,
    );
  }
}
