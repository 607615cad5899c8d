/**
 * metadata-action's `tags:` rules as Hoist's planned tags: the run's facts made into the context
 * metadata-action reads, its computation run, and each tag handed on with Hoist's rule (floating
 * or fixed) so the forward-only decision applies to `{{major}}.{{minor}}`, `{{major}}` and
 * `latest` as to Hoist's own. Pure.
 */
import type { RunFacts } from '../../core/facts.js';
import { TAG_PATTERN } from '../../core/reference.js';
import { TagError } from '../../core/errors.js';
import type { Flavor, TagRuleSpec } from '../../inputs/tag-rules.js';
import type { PlannedTag } from '../tags.js';
import { computeMetaVersion, type MetaContext, type MetaVersion } from './version.js';

/** The context metadata-action would read in this run (GitLab's facts mapped onto GitHub's refs). */
export function metaContext(facts: RunFacts, now: Date, shortShaLength: number): MetaContext {
  const g = facts.git;
  const ref =
    g.ref ?? (g.tag ? `refs/tags/${g.tag}` : g.pullRequest !== undefined ? `refs/pull/${g.pullRequest}/merge` : g.branch ? `refs/heads/${g.branch}` : '');
  return {
    ref,
    eventName: g.event ?? (g.scheduled ? 'schedule' : g.pullRequest !== undefined ? 'pull_request' : 'push'),
    sha: g.sha ?? '',
    ...(facts.defaultBranch ? { defaultBranch: facts.defaultBranch, payloadDefaultBranch: facts.defaultBranch } : {}),
    ...(g.baseRef !== undefined ? { baseRef: g.baseRef } : {}),
    ...(g.prBaseRef !== undefined ? { prBaseRef: g.prBaseRef } : {}),
    commitDate: facts.commitTime ? new Date(facts.commitTime) : now,
    now,
    shortShaLength,
  };
}

/** The planned tags of metadata-action's rules; a tag no registry would take is an error naming its rule. */
export function planMetaTags(rules: readonly TagRuleSpec[], flavor: Flavor, context: MetaContext): { planned: PlannedTag[]; meta: MetaVersion } {
  const meta = computeMetaVersion(rules, flavor, context);
  const planned = meta.tags.map(({ tag, rule, floating }): PlannedTag => {
    if (!TAG_PATTERN.test(tag))
      throw new TagError(
        `'${tag}' (made by the tags rules) is not a valid tag: letters, digits, '_', '.', '-', at most 128, not starting with '.' or '-'`,
        'tags',
      );
    return { tag, rule, floating };
  });
  return { planned, meta };
}
