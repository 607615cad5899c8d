/**
 * Retention for commit and nightly tags: of the tags a glob matches, keep the newest N (by the
 * image's created time, else by the tag's order), and — with `olderThan` — prune only those older
 * than that. Never pruned: a tag whose digest a tag outside the match shares (a release), and
 * `latest` or a version tag unless the glob names them explicitly. Pure: the caller lists the tags.
 */
import type { TagInfo } from './tags.js';

export interface PruneOptions {
  keep: number;
  /** A glob over tags (`*`, `?`); absent: every tag but the protected ones. */
  match?: string;
  /** Only tags whose image is older than this many milliseconds are pruned. */
  olderThanMs?: number;
  now: Date;
}

export interface PruneDecision {
  tag: string;
  digest: string;
  prune: boolean;
  why: string;
}

/** A glob as a regular expression: `*` any run, `?` one character, the rest literal. */
export function globToRegExp(glob: string): RegExp {
  return new RegExp(
    `^${glob
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
}

const VERSION_TAG = /^v?\d+(\.\d+){0,2}([-+][\w.-]+)?$/;

/** `30d`, `12h`, `90m`, `2w` → milliseconds; undefined when it is not a duration. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+)([mhdw])$/.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[m[2] as 'm' | 'h' | 'd' | 'w'];
}

/** The referrers tag schema's fallback tags: `sha256-<hex>` of the subject. */
const REFERRERS_TAG = /^sha256-[a-f0-9]{64}$/;

export function planPrune(tags: readonly TagInfo[], o: PruneOptions): PruneDecision[] {
  const matcher = o.match ? globToRegExp(o.match) : undefined;
  // Protected unless the glob names them: latest and version tags, which a glob like `sha-*` never
  // does, and the referrers tags (`sha256-<hex>`) that list an image's attestations and signatures.
  const candidate = (t: TagInfo) => (matcher ? matcher.test(t.tag) : t.tag !== 'latest' && !VERSION_TAG.test(t.tag) && !REFERRERS_TAG.test(t.tag));
  const outside = new Set(tags.filter((t) => !candidate(t)).map((t) => t.digest));
  const time = (t: TagInfo) => (t.created && !Number.isNaN(Date.parse(t.created)) ? Date.parse(t.created) : undefined);
  // Newest first: by created time, tags without one after those with, then by tag order (later is newer).
  const ordered = tags.filter(candidate).sort((a, b) => (time(b) ?? -Infinity) - (time(a) ?? -Infinity) || b.tag.localeCompare(a.tag));
  const decisions: PruneDecision[] = tags
    .filter((t) => !candidate(t))
    .map((t) => ({
      tag: t.tag,
      digest: t.digest,
      prune: false,
      why: matcher ? 'not matched' : 'latest, version tags and referrers tags are kept unless --match names them',
    }));
  ordered.forEach((t, i) => {
    const created = time(t);
    let why = '';
    if (i < o.keep) why = `one of the newest ${o.keep}`;
    else if (outside.has(t.digest)) why = 'its image is also tagged outside the match (a release): kept';
    else if (o.olderThanMs !== undefined && created === undefined) why = 'its age is not known (no created time): kept';
    else if (o.olderThanMs !== undefined && created! > o.now.getTime() - o.olderThanMs) why = 'not older than --older-than';
    decisions.push({
      tag: t.tag,
      digest: t.digest,
      prune: !why,
      why: why || (created ? `older than the newest ${o.keep} (created ${t.created})` : `older than the newest ${o.keep} (by tag order)`),
    });
  });
  return decisions.sort((a, b) => a.tag.localeCompare(b.tag));
}
