/**
 * The release a run makes, decided from the inputs and the run's facts before anything runs: the
 * version, every image with the tags planned for it, and the creation time. Pure: the clock and
 * the facts are arguments; problems go into `issues` beside the inputs' own.
 */
import { TagError, type ConfigIssue } from '../core/errors.js';
import { formatRepository, parseRepository } from '../core/reference.js';
import type { ImageTarget, Release } from '../core/release.js';
import type { ImageSpec } from '../inputs/images.js';
import type { TagSettings } from '../inputs/tags.js';
import type { RunFacts } from '../core/facts.js';
import { CreatedError, resolveCreated } from './labels.js';
import { metaContext, planMetaTags } from './meta/plan.js';
import { planTags, resolveVersion, type PlannedTag } from './tags.js';

export type { ImageTarget, Release };

export interface ReleaseFacts {
  facts: RunFacts;
  now: Date;
  sourceDateEpoch: string | undefined;
}

/** The tags of every image; full references in `tags` go to their own image only and must name one of `images`. */
/**
 * The version; a git tag that is not one (`sometag`) is only an error when version tags are asked
 * for — otherwise, as metadata-action does, the run goes on without version tags and says so.
 */
function versionOf(tags: TagSettings, facts: RunFacts, warnings: string[]): ReturnType<typeof resolveVersion> {
  try {
    return resolveVersion({ input: tags.version, pattern: tags.versionPattern, gitTag: facts.git.tag });
  } catch (e) {
    const fromGitTag = !tags.version.trim() && !tags.versionPattern.trim() && facts.git.tag;
    if (!(e instanceof TagError) || !fromGitTag || tags.auto.includes('version')) throw e;
    warnings.push(`the git tag '${facts.git.tag}' is not a semantic version: no version tags (auto-tags does not ask for them)`);
    return undefined;
  }
}

/**
 * metadata-action's rules, when `tags` has any: they make every tag but the `tags` lines given as
 * they are; the version for forward-only decisions is Hoist's (input, git tag) or the semver rule's.
 */
function planRuleTags(tags: TagSettings, facts: RunFacts, now: Date, warnings: string[]) {
  const { planned, meta } = planMetaTags(
    tags.rules,
    tags.flavor ?? { latest: 'auto', prefix: '', prefixLatest: false, suffix: '', suffixLatest: false },
    metaContext(facts, now, tags.shaLength),
  );
  warnings.push(...meta.warnings);
  let resolved: ReturnType<typeof resolveVersion>;
  try {
    resolved = resolveVersion({ input: tags.version, pattern: tags.versionPattern, gitTag: facts.git.tag });
  } catch {
    resolved = undefined; // a git tag that is no version: the rules said what they make of it
  }
  resolved ??= meta.semver ? { version: meta.semver, source: 'the semver tag rule' } : undefined;
  const explicit = planTags({ ...tags, auto: [], tagLatest: 'never', version: undefined, facts: facts.git, now });
  return { resolved, planned: [...planned, ...explicit.filter((e) => !planned.some((p) => p.tag === e.tag && !e.repository))], main: meta.main };
}

/** flavor's latest= for Hoist's own tags (without rules): false is tag-latest never, true always. */
const latestOf = (tags: TagSettings): TagSettings['tagLatest'] =>
  tags.flavor?.latest === 'true' ? 'always' : tags.flavor?.latest === 'false' ? 'never' : tags.tagLatest;

function planImageTags(images: readonly ImageSpec[], tags: TagSettings, facts: RunFacts, now: Date, issues: ConfigIssue[], warnings: string[]) {
  let planned: PlannedTag[] = [];
  let resolved: ReturnType<typeof resolveVersion>;
  let main: string | undefined;
  try {
    if (tags.rules.length) ({ resolved, planned, main } = planRuleTags(tags, facts, now, warnings));
    else {
      resolved = versionOf(tags, facts, warnings);
      planned = planTags({ ...tags, tagLatest: latestOf(tags), version: resolved?.version, facts: facts.git, now });
    }
  } catch (e) {
    if (!(e instanceof TagError)) throw e;
    issues.push({ input: e.input, message: e.message });
    return { resolved: undefined, targets: [], failed: true };
  }
  for (const t of planned) {
    if (t.repository === undefined) continue;
    try {
      const named = formatRepository(parseRepository(t.repository));
      if (!images.some((i) => formatRepository(i.repository) === named)) {
        issues.push({ input: 'tags', message: `'${t.repository}:${t.tag}' names a repository that is not in images: add it there, or give the bare tag` });
      } else t.repository = named;
    } catch (e) {
      issues.push({ input: 'tags', message: `'${t.repository}:${t.tag}': ${(e as Error).message}` });
    }
  }
  const targets = images.map((i) => ({ ...i, tags: planned.filter((t) => t.repository === undefined || t.repository === formatRepository(i.repository)) }));
  return { resolved, targets, failed: issues.some((i) => i.input === 'tags'), main };
}

export function planRelease(images: readonly ImageSpec[], tags: TagSettings, createdInput: string, run: ReleaseFacts, issues: ConfigIssue[]): Release {
  const warnings: string[] = [];
  const head = tags.shaSource === 'head' ? run.facts.git.headSha : undefined;
  const facts = head ? { ...run.facts, git: { ...run.facts.git, sha: head } } : run.facts;
  const { resolved, targets, failed, main } = planImageTags(images, tags, facts, run.now, issues, warnings);
  if (!failed)
    for (const t of targets)
      if (t.tags.length === 0)
        issues.push({
          input: 'tags',
          // The rules' own reasons (a value that is no version) are the cause: said here, where the run stops.
          message: `${formatRepository(t.repository)} gets no tag${warnings.length ? ` (${warnings.join('; ')})` : ''}: set version, tags, or run on a commit`,
        });
  let created = { created: '', from: '' };
  try {
    created = resolveCreated(createdInput, run.sourceDateEpoch, run.facts.commitTime, run.now, run.facts.commitTimeFrom);
  } catch (e) {
    if (!(e instanceof CreatedError)) throw e;
    issues.push({ input: 'created', message: e.message });
  }
  return {
    version: resolved?.version,
    versionSource: resolved?.source,
    images: targets,
    created,
    warnings,
    revision: facts.git.sha,
    ...(tags.rules.length ? { metaVersion: main ?? '' } : {}),
  };
}
