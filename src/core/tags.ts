/**
 * The release version and the tags it fans out to. Pure: the git ref and commit are arguments.
 *
 * `2.1.106` → `2.1.106`, `2.1`, `2`, `latest`. A pre-release (`2.2.0-rc.1`) gets only its own tag.
 * A 0.x release gets no `0` tag (0.x minors are breaking by semver's rules).
 */
import semver from 'semver';
import { TAG_PATTERN } from './reference.js';

export type TagLatest = 'auto' | 'always' | 'never';

export interface VersionSource {
  /** The `version` input ('' when unset). */
  input: string;
  /** The git ref of the run (`refs/tags/v2.1.106`). */
  ref: string | undefined;
}

export interface ResolvedVersion {
  version: string;
  /** Where it came from, for messages: `version` or `git tag v2.1.106`. */
  source: string;
}

export class VersionError extends Error {
  override readonly name = 'VersionError';
  constructor(message: string, readonly input: string) {
    super(message);
  }
}

/** The semantic version of this build, or undefined when the run has none (a branch build). */
export function resolveVersion(src: VersionSource): ResolvedVersion | undefined {
  const raw = src.input.trim();
  if (raw) return { version: parseSemver(raw, 'version', `'${raw}'`), source: 'version' };
  const tag = src.ref?.startsWith('refs/tags/') ? src.ref.slice('refs/tags/'.length) : undefined;
  if (!tag) return undefined;
  return { version: parseSemver(tag, 'version', `the git tag '${tag}' (no version input was given)`), source: `git tag ${tag}` };
}

function parseSemver(raw: string, input: string, what: string): string {
  const text = raw.replace(/^v/i, '');
  const parsed = semver.valid(text);
  if (!parsed || text !== parsed) {
    throw new VersionError(`${what} is not a semantic version: expected major.minor.patch such as 2.1.106 or v2.2.0-rc.1`, input);
  }
  return parsed;
}

export interface TagOptions {
  version: string | undefined;
  sha: string | undefined;
  tagLatest: TagLatest;
  /** Extra tags given explicitly. */
  extra: readonly string[];
}

/** The tags for one build, in order, without duplicates. */
export function computeTags(o: TagOptions): string[] {
  const tags: string[] = [];
  if (o.version) {
    const v = semver.parse(o.version);
    if (!v) throw new VersionError(`'${o.version}' is not a semantic version`, 'version');
    tags.push(v.version);
    if (v.prerelease.length === 0) {
      tags.push(`${v.major}.${v.minor}`);
      if (v.major > 0) tags.push(`${v.major}`);
      if (o.tagLatest !== 'never') tags.push('latest');
    } else if (o.tagLatest === 'always') {
      tags.push('latest');
    }
  } else if (o.sha) {
    tags.push(`sha-${o.sha.slice(0, 7).toLowerCase()}`);
    if (o.tagLatest === 'always') tags.push('latest');
  }
  tags.push(...o.extra);
  for (const t of tags) {
    if (!TAG_PATTERN.test(t)) throw new VersionError(`'${t}' is not a valid tag (letters, digits, '_', '.', '-'; at most 128 characters)`, 'tags');
  }
  return [...new Set(tags)];
}
