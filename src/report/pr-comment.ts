/**
 * One comment per pull request with the image references and digest, updated in place on every
 * run (found again by its marker), through @octokit/rest. Rate limits and API failures come back
 * as a message for a warning: they never fail a build that succeeded.
 */
import { Octokit } from '@octokit/rest';
import { COMMENT_MARKER } from './summary.js';

export interface CommentTarget {
  token: string;
  /** GITHUB_API_URL (GitHub Enterprise Server, or a test server). */
  apiUrl: string;
  /** `owner/name` */
  repository: string;
  pullRequest: number;
  userAgent: string;
}

/** Creates or updates the comment; returns what happened, or throws with the API's reason. */
export async function upsertPrComment(t: CommentTarget, body: string): Promise<'created' | 'updated'> {
  const [owner, repo] = t.repository.split('/');
  if (!owner || !repo) throw new Error(`GITHUB_REPOSITORY '${t.repository}' is not owner/name`);
  const octokit = new Octokit({ auth: t.token, baseUrl: t.apiUrl.replace(/\/+$/, ''), userAgent: t.userAgent, request: { retries: 0 } });
  const comments = await octokit.paginate(octokit.rest.issues.listComments, { owner, repo, issue_number: t.pullRequest, per_page: 100 });
  const ours = comments.find((c) => c.body?.includes(COMMENT_MARKER));
  if (ours) {
    await octokit.rest.issues.updateComment({ owner, repo, comment_id: ours.id, body });
    return 'updated';
  }
  await octokit.rest.issues.createComment({ owner, repo, issue_number: t.pullRequest, body });
  return 'created';
}
