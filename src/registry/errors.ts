/** The one error type of the registry client; `retryable` drives the retry loop. */
export interface RegistryErrorDetails {
  registry: string;
  repository?: string;
  status?: number;
  /** The registry's own error code (`BLOB_UNKNOWN`, `DENIED`, …) or a network code. */
  code?: string;
  retryable: boolean;
  /** Milliseconds the registry asked us to wait (`Retry-After`). */
  retryAfter?: number;
  cause?: unknown;
}

export class RegistryError extends Error {
  override readonly name = 'RegistryError';
  readonly registry: string;
  readonly repository: string | undefined;
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly retryable: boolean;
  readonly retryAfter: number | undefined;

  constructor(message: string, d: RegistryErrorDetails) {
    super(message, d.cause === undefined ? undefined : { cause: d.cause });
    this.registry = d.registry;
    this.repository = d.repository;
    this.status = d.status;
    this.code = d.code;
    this.retryable = d.retryable;
    this.retryAfter = d.retryAfter;
  }
}

/** Statuses worth another try: timeouts, rate limits, server errors. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status !== 501 && status !== 505);
}

/** The registry's error text from a distribution error body (`{"errors":[{code,message,detail}]}`). */
export function parseErrorBody(body: string): { code?: string; message?: string } {
  try {
    const parsed = JSON.parse(body) as { errors?: Array<{ code?: string; message?: string; detail?: unknown }> };
    const first = parsed.errors?.[0];
    if (first) {
      const detail = typeof first.detail === 'string' ? `: ${first.detail}` : '';
      return { code: first.code, message: `${first.message ?? first.code ?? 'error'}${detail}` };
    }
  } catch {
    // not JSON: fall through to the raw text
  }
  const text = body.trim().split('\n')[0]?.slice(0, 200);
  return text ? { message: text } : {};
}

/** Network failures that are an answer: nothing listens there, or the name or the route does not exist (not a slow answer). */
export const UNREACHABLE = /\b(ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|EAI_NONAME)\b/;

/** What to check when a registry could not be reached (UNREACHABLE), before the push or during it. */
export const REACH_FIX = 'check that the registry runs there and that the host and port are right (behind a proxy: HTTPS_PROXY, NO_PROXY)';
