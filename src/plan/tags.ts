/**
 * The release version, the tags a build gets, and — per registry — which floating tags may move.
 * Pure: the git context and the clock are arguments, and the tags a repository already has are
 * handed in by the caller (the registry client lists them).
 *
 * `2.1.106` → `2.1.106`, `2.1`, `2`, `latest`. The full version and the other fixed tags (commit,
 * branch, pull request, schedule, explicit) always go up; the floating ones (`2.1`, `2`, `latest`,
 * a pre-release channel such as `rc`) only move forward: `2.1` only if no higher `2.1.x` is there,
 * `2` only if no higher `2.x.y`, `latest` only if no higher release at all. A backport `1.9.5`
 * after `2.0.0` moves `1.9` and `1` and leaves `2` and `latest` where they are.
 */
import semver, { type SemVer } from 'semver';
import type { GitFacts } from '../core/facts.js';
import { TagError } from '../core/errors.js';
import { TAG_PATTERN } from '../core/reference.js';
import { versionHint } from './version-hint.js';
import { compareRelease, leaderOf, lineReleases, versionOfTag as variantVersionOfTag, whyHigher } from './tag-lines.js';
import type { AutoTag, FloatingMode, PlannedTag, TagLatest, TagRule, Variant, VersionLevel } from '../core/release.js';

/** The planned tag and the tag options are the release's contract (core/); planned here. */
export type { AutoTag, FloatingMode, PlannedTag, TagLatest, TagRule, Variant, VersionLevel };
export { AUTO_TAGS, VERSION_LEVELS } from '../core/release.js';

export interface VersionOptions {
  /** The `version` input ('' when unset). */
  input: string;
  /** The `version-pattern` input: a regular expression whose first group (or group `version`) is the version. */
  pattern: string;
  gitTag: string | undefined;
}

export interface ResolvedVersion {
  version: string;
  /** Where it came from, for messages: `version` or `git tag v2.1.106`. */
  source: string;
}

/** The semantic version of this build, or undefined when the run has none (a branch build). */
export function resolveVersion(o: VersionOptions): ResolvedVersion | undefined {
  const raw = o.input.trim();
  if (raw) return { version: parseSemver(raw, 'version', `'${raw}'`), source: 'version' };
  const tag = o.gitTag?.trim();
  if (!tag) return undefined;
  if (!o.pattern.trim()) {
    // A component's tag in a monorepo (app/v1.2.3, release-2.1.106): the pattern that reads it is named.
    const prefixed = /^(.*?[^0-9.])(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)$/.exec(tag);
    if (prefixed && !/^v$/i.test(prefixed[1]!) && semver.valid(prefixed[2]!))
      throw new TagError(
        `the git tag '${tag}' is a version after a prefix: set version-pattern to read it, e.g. ^${prefixed[1]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(.+)$`,
        'version-pattern',
      );
    return { version: parseSemver(tag, 'version', `the git tag '${tag}' (no version input was given)`), source: `git tag ${tag}` };
  }
  let re: RegExp;
  try {
    re = new RegExp(o.pattern.trim());
  } catch (e) {
    throw new TagError(`'${o.pattern.trim()}' is not a regular expression: ${(e as Error).message}`, 'version-pattern');
  }
  const m = re.exec(tag);
  const captured = m?.groups?.version ?? m?.[1];
  if (!m || captured === undefined) {
    throw new TagError(
      `the git tag '${tag}' does not match ${re.source}${m ? ' (the pattern needs a group around the version, e.g. ^app-(.+)$)' : ''}`,
      'version-pattern',
    );
  }
  return { version: parseSemver(captured, 'version-pattern', `'${captured}' (from the git tag '${tag}')`), source: `git tag ${tag}` };
}

function parseSemver(raw: string, input: string, what: string): string {
  const text = raw.replace(/^v/i, '');
  const parsed = semver.valid(text);
  // semver drops build metadata when it reads a version: said before the check that would hide it.
  if (parsed && text.includes('+')) throw new TagError(`${what} has build metadata (+…), which a tag cannot hold: leave it out of the version`, input);
  if (!parsed || text !== parsed) {
    const hint = versionHint(text, what.includes("the git tag '"));
    throw new TagError(`${what} is not a semantic version${hint ? `: ${hint}` : ': expected major.minor.patch such as 2.1.106 or v2.2.0-rc.1'}`, input);
  }
  return parsed;
}

export interface TagOptions {
  version: string | undefined;
  facts: GitFacts;
  auto: readonly AutoTag[];
  levels: readonly VersionLevel[];
  tagLatest: TagLatest;
  /** Give 0.x releases a `0` tag (off by default: 0.x minors break by semver's rules). */
  majorZero: boolean;
  /** Give pre-releases a channel tag (`rc` for `2.2.0-rc.1`). */
  channel: boolean;
  /** Explicit `tags` lines: bare tags or full references (the output of docker/metadata-action). */
  explicit: readonly string[];
  /** The clock, for schedule tags (UTC date). */
  now: Date;
  /** A variant's prefix and suffix on every tag the run's facts make (`tags` lines stay as given). */
  variant?: Variant;
  /** Characters of the commit in the `sha-` tag (metadata-action's DOCKER_METADATA_SHORT_SHA_LENGTH; default 7). */
  shaLength?: number;
}

export const NO_VARIANT: Variant = { prefix: '', suffix: '', prefixOnLatest: false, suffixOnLatest: false };

/**
 * A tag of the variant: `latest` takes the prefix and suffix only where onlatest says so; `pr-N`
 * keeps its own prefix and takes only the suffix (as metadata-action's type=ref,event=pr).
 */
function inVariant(tag: string, rule: TagRule, v: Variant): string {
  if (rule === 'latest') return `${v.prefixOnLatest ? v.prefix : ''}${tag}${v.suffixOnLatest ? v.suffix : ''}`;
  if (rule === 'pr') return `${tag}${v.suffix}`;
  return `${v.prefix}${tag}${v.suffix}`;
}

/** Lower-cases and replaces what a tag cannot hold; `undefined` when nothing usable is left. */
export function sanitizeTag(raw: string, max = 128): string | undefined {
  const t = raw
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '-')
    .replace(/^[.-]+/, '')
    .slice(0, max)
    .replace(/[.-]+$/, '');
  return t && TAG_PATTERN.test(t) ? t : undefined;
}

/** Splits `host/path:tag` from a bare tag; a bare tag has no `/` and no `:`. */
function splitExplicit(line: string): { repository?: string; tag: string } {
  const slash = line.lastIndexOf('/');
  const colon = line.lastIndexOf(':');
  if (slash < 0 && colon < 0) return { tag: line };
  if (colon <= slash) throw new TagError(`'${line}' names no tag: give a bare tag (1.2) or a full reference (ghcr.io/acme/app:1.2)`, 'tags');
  return { repository: line.slice(0, colon), tag: line.slice(colon + 1) };
}

/** The tags of one build, in order, without duplicates. Invalid tags are errors naming their rule. */
export function planTags(o: TagOptions): PlannedTag[] {
  const planned: PlannedTag[] = [];
  const variant = o.variant ?? NO_VARIANT;
  const add = (bare: string, rule: TagRule, floating: boolean, repository?: string) => {
    const tag = rule === 'tags' ? bare : inVariant(bare, rule, variant);
    // `tags: v1 v2` (a shell variable's list): two tags on one line, named as such.
    const words = rule === 'tags' ? tag.trim().split(/\s+/) : [];
    if (words.length > 1 && words.every((w) => TAG_PATTERN.test(w)))
      throw new TagError(`'${tag}' holds ${words.length} tags on one line: give one per line, or separate them with commas`, 'tags');
    if (!TAG_PATTERN.test(tag)) {
      // A tag the variant's prefix or suffix made too long is theirs to fix, not the version's.
      const byVariant = rule !== 'tags' && TAG_PATTERN.test(bare);
      throw new TagError(
        `'${tag}' (made by ${rule === 'tags' ? 'a tags line' : `the ${rule} rule`}${byVariant ? ` from '${bare}' with the variant's prefix and suffix` : ''}) is not a valid tag: letters, digits, '_', '.', '-', at most 128, not starting with '.' or '-'`,
        rule === 'tags' ? 'tags' : byVariant ? (variant.suffix ? 'tag-suffix' : 'tag-prefix') : 'version',
      );
    }
    if (!planned.some((p) => p.tag === tag && p.repository === repository)) planned.push({ tag, rule, floating, repository });
  };
  const auto = new Set(o.auto);
  if (o.version && auto.has('version')) {
    const v = semver.parse(o.version);
    if (!v) throw new TagError(`'${o.version}' is not a semantic version`, 'version');
    // A pre-release has no minor or major line: any version level gives its full version (as metadata-action's patterns do).
    if (o.levels.includes('full') || (v.prerelease.length > 0 && o.levels.length > 0)) add(v.version, 'version', false);
    if (v.prerelease.length === 0) {
      if (o.levels.includes('minor')) add(`${v.major}.${v.minor}`, 'minor', true);
      if (o.levels.includes('major') && (v.major > 0 || o.majorZero)) add(`${v.major}`, 'major', true);
      if (o.tagLatest !== 'never') add('latest', 'latest', o.tagLatest === 'auto');
    } else {
      const channel = channelOf(v);
      if (o.channel && channel && RESERVED_CHANNEL.test(channel))
        throw new TagError(
          `'${o.version}': its channel '${channel}' is a tag Hoist gives otherwise (latest, nightly, sha-…, pr-…), which tag-channel would move to a pre-release: name the channel another word (${v.major}.${v.minor}.${v.patch}-rc.1, -beta.1), or leave tag-channel off`,
          'version',
        );
      if (o.channel && channel) add(channel, 'channel', true);
      if (o.tagLatest === 'always') add('latest', 'latest', false);
    }
  } else if (o.tagLatest === 'always') {
    add('latest', 'latest', false);
  }
  if (auto.has('sha') && o.facts.sha) add(`sha-${o.facts.sha.slice(0, o.shaLength ?? 7).toLowerCase()}`, 'sha', false);
  // A pull request gets pr-N, never its head branch's tag (that branch's own builds keep it; under
  // pull_request_target its author would choose the name): as metadata-action.
  if (auto.has('branch') && o.facts.branch && !o.facts.tag && o.facts.pullRequest === undefined) {
    // Cut to leave room for the variant's prefix and suffix: a branch of 120+ characters (Renovate's,
    // Dependabot's in a monorepo) with tag-suffix -alpine made a tag over 128 and failed the build.
    const t = sanitizeTag(o.facts.branch, 128 - variant.prefix.length - variant.suffix.length);
    if (t) add(t, 'branch', false);
  }
  if (auto.has('pr') && o.facts.pullRequest !== undefined) add(`pr-${o.facts.pullRequest}`, 'pr', false);
  if (auto.has('schedule') && o.facts.scheduled) {
    add('nightly', 'schedule', false);
    add(`nightly-${o.now.toISOString().slice(0, 10).replaceAll('-', '')}`, 'schedule', false);
  }
  for (const line of o.explicit) {
    const { repository, tag } = splitExplicit(line);
    add(tag, 'tags', false, repository);
  }
  return planned;
}

/**
 * Channels that are another rule's tag: `latest` (pre-releases never get it), the schedule's `nightly`, a commit's `sha-…`,
 * a pull request's `pr-…`. A pre-release `2.3.0-latest` with tag-channel moved `latest` from 1.5.0 onto it.
 */
const RESERVED_CHANNEL = /^(?:latest|nightly(?:-\d+)?|sha-[0-9a-f]+|pr-\d+)$/i;

/** The channel of a pre-release: its first identifier when that is a word (`rc`, `beta`). */
function channelOf(v: SemVer): string | undefined {
  const first = v.prerelease[0];
  return typeof first === 'string' && /^[a-z][a-z0-9-]*$/i.test(first) ? sanitizeTag(first) : undefined;
}

/**
 * A version tag already in a repository (`2.1.0`, `v2.1.0`; of a variant, `2.1.0-alpine`), or
 * undefined for any other tag — of the variant: another variant's releases are another line.
 */
export const versionOfTag = (tag: string, variant: Variant = NO_VARIANT): SemVer | undefined => variantVersionOfTag(tag, variant);

export interface TagDecision {
  tag: string;
  rule: TagRule;
  push: boolean;
  /** Why a floating tag moved or stayed (`2.1.7 is already there`). */
  reason?: string;
}

/**
 * Which of the planned tags go to one repository, given the tags it already has. Floating tags
 * move only if this version is at least the highest matching version there (equal: a re-run).
 */
export function decideTags(
  planned: readonly PlannedTag[],
  version: string | undefined,
  existing: readonly string[],
  mode: FloatingMode,
  variant: Variant = NO_VARIANT,
): TagDecision[] {
  const v = version ? semver.parse(version) : null;
  const own = { v: v!, plain: !variant.prefix && !variant.suffix };
  return planned.map((p): TagDecision => {
    if (!p.floating) return { tag: p.tag, rule: p.rule, push: true };
    if (mode === 'always') return { tag: p.tag, rule: p.rule, push: true, reason: 'floating-tags: always' };
    if (!v) return { tag: p.tag, rule: p.rule, push: true };
    const highest = leaderOf(lineReleases(p.rule, existing, variant).filter((x) => sameLine(p.rule, x.v, v)));
    const scope = describeLine(p.rule, v);
    if (!highest) return { tag: p.tag, rule: p.rule, push: true, reason: `first ${scope}` };
    if (compareRelease(own, highest) >= 0)
      return { tag: p.tag, rule: p.rule, push: true, reason: `${v.version} ≥ ${highest.v.version}, the highest ${scope} there` };
    return { tag: p.tag, rule: p.rule, push: false, reason: `${highest.tag} is there, ${whyHigher(highest, v.version)}: ${p.tag} stays on it` };
  });
}

/**
 * The highest release of the line a floating tag follows (`2.1` → the highest `2.1.x`), read from
 * the tag names a repository has, with the version tag that names it; undefined when none is there.
 * `order`: 1 when it ranks above this release (by version, then plain before variant: tag-lines.ts),
 * 0 when level with it, -1 below; `why` says why, for the log.
 */
export function lineLeader(
  rule: TagRule,
  version: string,
  existing: readonly string[],
  variant: Variant = NO_VARIANT,
): { tag: string; version: string; order: number; why: string } | undefined {
  const v = semver.parse(version);
  if (!v) return undefined;
  const best = leaderOf(lineReleases(rule, existing, variant).filter((x) => sameLine(rule, x.v, v)));
  if (!best) return undefined;
  const order = Math.sign(compareRelease(best, { v, plain: !variant.prefix && !variant.suffix }));
  return { tag: best.tag, version: best.v.version, order, why: order > 0 ? whyHigher(best, v.version) : 'the same version as another image' };
}

function sameLine(rule: TagRule, x: SemVer, v: SemVer): boolean {
  switch (rule) {
    case 'minor':
      return x.prerelease.length === 0 && x.major === v.major && x.minor === v.minor;
    case 'major':
      return x.prerelease.length === 0 && x.major === v.major;
    case 'latest':
      return x.prerelease.length === 0;
    case 'channel':
      return x.prerelease.length > 0 && channelOf(x) === channelOf(v);
    default:
      return false;
  }
}

function describeLine(rule: TagRule, v: SemVer): string {
  switch (rule) {
    case 'minor':
      return `${v.major}.${v.minor}.x release`;
    case 'major':
      return `${v.major}.x release`;
    case 'channel':
      return `${channelOf(v) ?? ''} pre-release`;
    default:
      return 'release';
  }
}
