/**
 * Where a run's report goes besides its outputs: the pull request comment (GitHub) and the merge
 * request note (GitLab). Filled by `report/comment.ts`, sent through the effects seam by
 * `report/pr-comment.ts` and `report/mr-note.ts`.
 */

export interface CommentTarget {
  token: string;
  /** GITHUB_API_URL (GitHub Enterprise Server, or a test server). */
  apiUrl: string;
  /** `owner/name` */
  repository: string;
  pullRequest: number;
  userAgent: string;
  /** The step's environment, for the proxy settings (HTTPS_PROXY, NO_PROXY). */
  env?: Readonly<Record<string, string | undefined>>;
}

export interface NoteTarget {
  /** CI_API_V4_URL, e.g. https://gitlab.example.com/api/v4 */
  apiUrl: string;
  /** CI_PROJECT_ID */
  project: string;
  mergeRequest: number;
  token: string;
  /** `job`: CI_JOB_TOKEN, sent as JOB-TOKEN; `private`: a personal, project or group access token. */
  tokenKind: 'job' | 'private';
  userAgent: string;
  env: Readonly<Record<string, string | undefined>>;
}
