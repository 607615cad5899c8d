/**
 * OCI labels (image config) and annotations (manifest): `org.opencontainers.image.*` from the
 * run's facts, plus the user's own. Pure.
 *
 * For an image going to a public registry, the labels that would reveal a private repository
 * (`source`, `url`, `description`) are left out, unless the user sets them explicitly.
 */
import type { RepositoryFacts } from '../core/facts.js';

const OCI = 'org.opencontainers.image';
/** Labels that point at, or describe, the source repository. */
export const REVEALING = [`${OCI}.source`, `${OCI}.url`, `${OCI}.description`] as const;

export interface LabelOptions {
  repository: RepositoryFacts;
  revision: string | undefined;
  /** The release version, else the tag that names this build best (branch, `sha-…`). */
  version: string | undefined;
  /** RFC 3339 time (see `resolveCreated`). */
  created: string;
  baseName?: string;
  baseDigest?: string;
  /** `labels` (or `annotations`) input, in order; these win over generated ones. */
  user: ReadonlyArray<readonly [string, string]>;
  /** Some target registry is public. */
  public: boolean;
}

export interface Labels {
  values: Array<[string, string]>;
  /** Generated labels left out because a target is public and the repository is not. */
  withheld: string[];
}

export function imageLabels(o: LabelOptions): Labels {
  const generated: Array<[string, string | undefined]> = [
    [`${OCI}.title`, o.repository.name],
    [`${OCI}.description`, o.repository.description],
    [`${OCI}.url`, o.repository.url],
    [`${OCI}.source`, o.repository.url],
    [`${OCI}.version`, o.version],
    [`${OCI}.revision`, o.revision],
    [`${OCI}.created`, o.created],
    [`${OCI}.licenses`, o.repository.licenses],
    [`${OCI}.base.name`, o.baseName],
    [`${OCI}.base.digest`, o.baseDigest],
  ];
  const userKeys = new Set(o.user.map(([k]) => k));
  const hide = o.public && o.repository.visibility !== 'public';
  const values = new Map<string, string>();
  const withheld: string[] = [];
  for (const [k, v] of generated) {
    if (v === undefined || userKeys.has(k)) continue;
    if (hide && (REVEALING as readonly string[]).includes(k)) withheld.push(k);
    else values.set(k, v);
  }
  for (const [k, v] of o.user) values.set(k, v);
  return { values: [...values], withheld };
}

export class CreatedError extends Error {
  override readonly name = 'CreatedError';
}

/**
 * The image's creation time: the `created` input (RFC 3339 or Unix seconds), else
 * `SOURCE_DATE_EPOCH`, else the commit time — so rebuilding a commit gives the same labels —
 * and only when none is known, the clock.
 */
export function resolveCreated(
  input: string,
  sourceDateEpoch: string | undefined,
  commitTime: string | undefined,
  now: Date,
  commitTimeFrom = 'the commit time',
): { created: string; from: string } {
  const parse = (raw: string, what: string): string => {
    const t = raw.trim();
    const ms = /^\d+$/.test(t) ? Number(t) * 1000 : /^\d{4}-\d{2}-\d{2}T/.test(t) ? Date.parse(t) : NaN;
    if (Number.isNaN(ms)) throw new CreatedError(`${what} '${t}' is not a time: use RFC 3339 (2026-11-23T10:00:00Z) or Unix seconds`);
    return new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
  };
  if (input.trim()) return { created: parse(input, 'created'), from: 'the created input' };
  if (sourceDateEpoch?.trim()) return { created: parse(sourceDateEpoch, 'SOURCE_DATE_EPOCH'), from: 'SOURCE_DATE_EPOCH' };
  if (commitTime?.trim()) return { created: parse(commitTime, 'the commit time'), from: commitTimeFrom };
  return { created: now.toISOString().replace(/\.\d{3}Z$/, 'Z'), from: 'the clock (no commit time known: not a git checkout)' };
}
