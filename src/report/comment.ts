/** With `pr-comment: true` on a pull request: one comment, updated in place. Failures are warnings. */
import { USER_AGENT, type Effects } from '../effects/effects.js';
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
    };
    const done = await fx.comment(target, redactor.redact(renderComment(summary)));
    platform.info(`pr-comment: ${done} the comment on pull request #${pr}`);
  } catch (e) {
    platform.warning(
      `pr-comment: could not comment on pull request #${pr} (${redactor.redact(e instanceof Error ? e.message : String(e))}); the image was pushed all the same`,
    );
  }
}
