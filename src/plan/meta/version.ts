/**
 * docker/metadata-action's tag computation (its `Meta.getVersion`), on Hoist's side: the enabled
 * rules in priority order each give at most one value; the first is the main version, the others
 * partial ones; the first rule that gives a value decides `latest` (flavor latest=auto: a stable
 * semver/pep440 release, a match or a git tag). Per-rule prefix/suffix win over the flavor's; a
 * pull request's `pr-N` keeps its own `pr-` prefix. Each tag is also classed for Hoist's
 * forward-only rule: `{{major}}.{{minor}}`, `{{major}}` and `latest` are floating. Pure: the
 * clock and the run are arguments.
 */
import semver from 'semver';
import { TagError } from '../../core/errors.js';
import type { Flavor, TagRuleSpec } from '../../inputs/tag-rules.js';
import type { TagRule } from '../tags.js';
import { parsePep440 } from './pep440.js';
import { dateHelper, isRawStatement, renderTemplate, TemplateError, type TemplateValue } from './template.js';

/** What metadata-action reads of the run (its `Context`, the repository's default branch). */
export interface MetaContext {
  /** The full git ref: refs/heads/main, refs/tags/v1.2.3, refs/pull/15/merge. */
  ref: string;
  eventName: string;
  sha: string;
  /** The repository's default branch (type=edge). */
  defaultBranch?: string;
  /** The event payload's `repository.default_branch` ({{is_default_branch}}). */
  payloadDefaultBranch?: string;
  /** The payload's `base_ref` (a tag push) and `pull_request.base.ref` ({{base_ref}}). */
  baseRef?: string;
  prBaseRef?: string;
  commitDate: Date;
  now: Date;
  /** DOCKER_METADATA_SHORT_SHA_LENGTH, default 7. */
  shortShaLength: number;
}

export interface MetaTag {
  tag: string;
  /** Hoist's rule for messages and forward-only decisions. */
  rule: TagRule;
  floating: boolean;
}

export interface MetaVersion {
  /** metadata-action's `version` output: the first value. */
  main: string | undefined;
  partial: string[];
  latest: boolean;
  /** Every tag, main first, latest last, with how it floats. */
  tags: MetaTag[];
  /** The semantic version a semver rule read, for forward-only decisions. */
  semver: string | undefined;
  /** What metadata-action warns about and goes on (a value that is not a version). */
  warnings: string[];
}

/** The tag characters metadata-action keeps; every other run becomes '-'. */
export const sanitizeMetaTag = (t: string) => t.replace(/[^a-zA-Z0-9._-]+/g, '-');

const shortSha = (sha: string, n: number) => (n >= sha.length ? sha : sha.slice(0, n));

/** Which Hoist rule a semver or pep440 pattern makes: a floating line, or one fixed version. */
function patternRule(pattern: string): { rule: TagRule; floating: boolean } {
  const names = new Set([...pattern.matchAll(/\{\{\s*(\w+)/g)].map((m) => m[1]));
  if (['version', 'patch', 'raw', 'prerelease', 'build'].some((n) => names.has(n)) || names.size === 0) return { rule: 'version', floating: false };
  if (names.has('minor')) return { rule: 'minor', floating: true };
  return { rule: 'major', floating: true };
}

/** The names every expression may use ({{branch}}, {{tag}}, {{sha}}, {{base_ref}}, {{is_default_branch}}, dates). */
function globalsOf(c: MetaContext): Record<string, TemplateValue> {
  const gitTag = refName(c.ref, 'tags');
  const b = c.ref.replace(/^refs\/heads\//, '');
  const isDefault = !!b && (c.payloadDefaultBranch === b || /create|discussion|issues|schedule/.test(c.eventName));
  return {
    branch: refName(c.ref, 'heads'),
    tag: gitTag,
    sha: shortSha(c.sha, c.shortShaLength),
    base_ref: gitTag && c.baseRef !== undefined ? c.baseRef.replace(/^refs\/heads\//, '') : /^refs\/pull\//.test(c.ref) ? (c.prBaseRef ?? '') : '',
    commit_date: dateHelper(c.commitDate),
    date: dateHelper(c.now),
    is_default_branch: String(isDefault),
    is_not_default_branch: String(!isDefault),
  };
}

/** `main` of refs/heads/main, `v1.2.3` of refs/tags/v1.2.3, '' for another kind of ref. */
const refName = (ref: string, kind: 'heads' | 'tags') => (ref.startsWith(`refs/${kind}/`) ? ref.slice(`refs/${kind}/`.length) : '');

/** One rule's value before prefix and suffix, whether it makes `latest` under latest=auto, and how it floats. */
interface Made {
  value: string;
  latest: boolean;
  rule: TagRule;
  floating: boolean;
}

/** The evaluation of one run's rules: expressions rendered, values made, warnings kept. */
class Evaluation {
  readonly globals: Record<string, TemplateValue>;
  readonly warnings: string[] = [];
  semver: string | undefined;

  constructor(
    readonly c: MetaContext,
    readonly flavor: Flavor,
  ) {
    this.globals = globalsOf(c);
  }

  render(template: string, where: string, values: Record<string, TemplateValue> = this.globals): string {
    try {
      return renderTemplate(template, values);
    } catch (e) {
      if (e instanceof TemplateError) throw new TagError(`${where}: ${e.message}`, 'tags');
      throw e;
    }
  }

  /** A rule's own prefix/suffix, else the flavor's (each an expression). */
  affixed(value: string, r: TagRuleSpec): string {
    const prefix = Object.hasOwn(r.attrs, 'prefix') ? this.render(r.attrs.prefix!, r.line) : this.render(this.flavor.prefix, 'flavor');
    const suffix = Object.hasOwn(r.attrs, 'suffix') ? this.render(r.attrs.suffix!, r.line) : this.render(this.flavor.suffix, 'flavor');
    return `${prefix}${value}${suffix}`;
  }

  /** What a semver/pep440/match rule reads: its value=, else the git tag; undefined on other refs. */
  source(r: TagRuleSpec): string | undefined {
    return r.attrs.value ? this.render(r.attrs.value, r.line) : refName(this.c.ref, 'tags') || undefined;
  }

  /** The value through the rule's match= (its first group), as metadata-action's semver and pep440. */
  matched(r: TagRuleSpec, v: string): string {
    if (!r.attrs.match) return v.replace(/\//g, '-');
    const m = v.match(r.attrs.match);
    if (!m) this.warnings.push(`${r.attrs.match} does not match ${v}`);
    return (m ? (m[1] ?? '') : v).replace(/\//g, '-');
  }

  semverRule(r: TagRuleSpec): Made | undefined {
    const raw = this.source(r);
    if (raw === undefined) return undefined;
    const v = this.matched(r, raw);
    if (!semver.valid(v)) return void this.warnings.push(`${v} is not a valid semver (${r.line})`);
    const s = semver.parse(v, { loose: true })!;
    const pre = s.prerelease.length > 0;
    if (!pre) this.semver ??= s.version;
    const pattern = pre && !isRawStatement(r.attrs.pattern!) ? '{{version}}' : r.attrs.pattern!;
    const values = {
      ...this.globals,
      raw: s.raw,
      version: s.version,
      major: s.major,
      minor: s.minor,
      patch: s.patch,
      prerelease: s.prerelease,
      build: s.build,
    };
    return { value: this.render(pattern, r.line, values), latest: !pre, ...patternRule(pattern) };
  }

  pep440Rule(r: TagRuleSpec): Made | undefined {
    const raw = this.source(r);
    if (raw === undefined) return undefined;
    const v = this.matched(r, raw);
    const p = parsePep440(v);
    if (!p) return void this.warnings.push(`${v} does not conform to PEP 440 (${r.line})`);
    if (p.isPrerelease || p.isPostrelease || p.isDevrelease)
      return { value: isRawStatement(r.attrs.pattern!) ? v : p.clean, latest: false, rule: 'version', floating: false };
    const values = { ...this.globals, raw: v, version: p.clean, major: p.major, minor: p.minor, patch: p.patch };
    return { value: this.render(r.attrs.pattern!, r.line, values), latest: true, ...patternRule(r.attrs.pattern!) };
  }

  matchRule(r: TagRuleSpec): Made | undefined {
    const v = this.source(r);
    if (v === undefined) return undefined;
    const re = /^\/(.+)\/(.*)$/.exec(r.attrs.pattern!);
    let m: RegExpMatchArray | null;
    try {
      m = re ? v.match(new RegExp(re[1]!, re[2])) : v.match(r.attrs.pattern!);
    } catch (e) {
      throw new TagError(`'${r.line}': pattern is not a regular expression: ${(e as Error).message}`, 'tags');
    }
    const g = m?.[Number(r.attrs.group)];
    if (!m) return void this.warnings.push(`${r.attrs.pattern} does not match ${v}`);
    if (g === undefined) return void this.warnings.push(`group ${r.attrs.group} does not exist for ${r.attrs.pattern}`);
    return { value: g, latest: true, rule: 'tags', floating: false };
  }

  refRule(r: TagRuleSpec): Made | undefined {
    const { ref } = this.c;
    if (r.attrs.event === 'branch' && refName(ref, 'heads')) return { value: refName(ref, 'heads'), latest: false, rule: 'branch', floating: false };
    if (r.attrs.event === 'tag' && refName(ref, 'tags')) return { value: refName(ref, 'tags'), latest: true, rule: 'tags', floating: false };
    if (r.attrs.event === 'pr' && ref.startsWith('refs/pull/'))
      return { value: ref.replace(/^refs\/pull\//, '').replace(/\/merge$/, ''), latest: false, rule: 'pr', floating: false };
    return undefined;
  }

  made(r: TagRuleSpec): Made | undefined {
    const { c } = this;
    switch (r.type) {
      case 'schedule':
        return /schedule/.test(c.eventName) ? { value: this.render(r.attrs.pattern!, r.line), latest: false, rule: 'schedule', floating: false } : undefined;
      case 'semver':
        return this.semverRule(r);
      case 'pep440':
        return this.pep440Rule(r);
      case 'match':
        return this.matchRule(r);
      case 'ref':
        return this.refRule(r);
      case 'edge': {
        const branch = refName(c.ref, 'heads');
        return branch && (r.attrs.branch || c.defaultBranch || '') === branch ? { value: 'edge', latest: false, rule: 'branch', floating: false } : undefined;
      }
      case 'raw': {
        const v = this.render(r.attrs.value!, r.line);
        return { value: v, latest: false, rule: v === 'latest' ? 'latest' : 'tags', floating: v === 'latest' };
      }
      case 'sha':
        return c.sha
          ? { value: r.attrs.format === 'short' ? shortSha(c.sha, c.shortShaLength) : c.sha, latest: false, rule: 'sha', floating: false }
          : undefined;
    }
  }
}

export function computeMetaVersion(rules: readonly TagRuleSpec[], flavor: Flavor, c: MetaContext): MetaVersion {
  const ev = new Evaluation(c, flavor);
  const out: MetaVersion = { main: undefined, partial: [], latest: false, tags: [], semver: undefined, warnings: ev.warnings };
  let latest: boolean | undefined;
  for (const r of rules) {
    const enabled = ev.render(r.attrs.enable!, r.line);
    if (enabled !== 'true' && enabled !== 'false') throw new TagError(`'${r.line}': enable= gives '${enabled}', not true or false`, 'tags');
    const m = enabled === 'true' ? ev.made(r) : undefined;
    const value = m && ev.affixed(m.value, r);
    if (!m || !value) continue;
    const tag = sanitizeMetaTag(value);
    if (out.main === undefined) out.main = tag;
    else if (tag !== out.main && !out.partial.includes(tag)) out.partial.push(tag);
    if (!out.tags.some((t) => t.tag === tag)) out.tags.push({ tag, rule: m.rule, floating: m.floating });
    latest ??= flavor.latest === 'auto' ? m.latest : flavor.latest === 'true';
  }
  out.latest = latest ?? false;
  out.semver = ev.semver;
  if (out.main !== undefined && out.latest) {
    const tag = sanitizeMetaTag(`${flavor.prefixLatest ? flavor.prefix : ''}latest${flavor.suffixLatest ? flavor.suffix : ''}`);
    if (!out.tags.some((t) => t.tag === tag)) out.tags.push({ tag, rule: 'latest', floating: true });
  }
  return out;
}
