/**
 * Retention for commit and nightly tags: of the tags a glob matches, keep the newest N (by the
 * image's created time), and — with `olderThan` — prune only those older than that. Never pruned,
 * whatever the glob: a signature, attestation or SBOM (cosign's `sha256-<hex>.sig/.att/.sbom`
 * tags, the referrers fallback tag `sha256-<hex>`, any manifest with a `subject` or a signing or
 * attestation media type — admission controllers refuse a deployed image without them). Kept
 * unless a separate explicit option names them (`unprotect`): `latest`, and releases (version
 * tags, and any tag whose image a tag outside the match shares). Kept unless asked
 * (`pruneUnknownAge`): a tag whose image's age is not known. Pure: the caller lists the tags.
 */
import type { SemVer } from 'semver';
import type { Variant } from '../core/release.js';
import { compareRelease, versionOfTag } from '../plan/tag-lines.js';
import { tagGlob } from './tag-glob.js';
import type { TagInfo } from './tags.js';

export interface PruneOptions {
  keep: number;
  /** A glob over tags (`*`, `?`, `[…]`); absent: every tag but the protected ones. */
  match?: string;
  /** Only tags whose image is older than this many milliseconds are pruned. */
  olderThanMs?: number;
  now: Date;
  /** Protected kinds this run may prune when they match: `latest`, `releases`. */
  unprotect?: ReadonlyArray<Unprotectable>;
  /** Prune a tag whose image records no created time (kept otherwise: its age is not known). */
  pruneUnknownAge?: boolean;
}

export const UNPROTECTABLE = ['latest', 'releases'] as const;
export type Unprotectable = (typeof UNPROTECTABLE)[number];

export interface PruneDecision {
  tag: string;
  digest: string;
  prune: boolean;
  why: string;
}

/** A glob as a regular expression (tag-glob.ts: `*`, `?`, `[…]`); a glob no tag could match throws, naming it. */
export const globToRegExp = (glob: string): RegExp => tagGlob(glob);

const VERSION_TAG = /^v?\d+(\.\d+){0,2}([-+][\w.-]+)?$/;

/** `30d`, `12h`, `90m`, `2w` → milliseconds; undefined when it is not a duration. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+)([mhdw])$/.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[m[2] as 'm' | 'h' | 'd' | 'w'];
}

/**
 * cosign's tags (`sha256-<hex>.sig`, `.att`, `.sbom`, any other suffix) and the referrers tag
 * schema's fallback tag (`sha256-<hex>`), for any digest algorithm.
 */
export const SIGNATURE_TAG = /^sha(256|384|512)-[a-f0-9]{64,128}([.-].*)?$/;

const PLAIN: Variant = { prefix: '', suffix: '', prefixOnLatest: false, suffixOnLatest: false };

/** Digit runs as numbers (`pr-9` before `pr-10`), the rest by code point; `01` before `1`, so only equal texts tie. */
function naturalOrder(a: string, b: string): number {
  const as = a.match(/\d+|\D+/g) ?? [];
  const bs = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(as.length, bs.length); i++) {
    const [x, y] = [as[i]!, bs[i]!];
    if (x === y) continue;
    if (/^\d/.test(x) && /^\d/.test(y)) {
      const [nx, ny] = [x.replace(/^0+(?=\d)/, ''), y.replace(/^0+(?=\d)/, '')];
      if (nx !== ny) return nx.length - ny.length || (nx < ny ? -1 : 1);
    }
    return x < y ? -1 : 1;
  }
  return as.length - bs.length;
}

/**
 * The tag's order among images of one created time (or none), later = newer: two versions by
 * semver precedence, as the release planning ranks them (`2.2.0-rc.10` after `rc.3`), any other
 * two naturally (`build-11` after `build-9`). A version ranks after any other tag: mixing the two
 * rules pairwise would not be a total order, and the sort would then depend on the listing's order.
 */
export function tagOrder(a: string, b: string, version: (tag: string) => SemVer | undefined = (t) => versionOfTag(t, PLAIN)): number {
  const [va, vb] = [version(a), version(b)];
  if (va && vb) return compareRelease({ v: va, plain: true }, { v: vb, plain: true }) || naturalOrder(a, b);
  return Number(Boolean(va)) - Number(Boolean(vb)) || naturalOrder(a, b);
}

const KEEP_ALWAYS = 'a signature, attestation, SBOM or referrer: never pruned';

export function planPrune(tags: readonly TagInfo[], o: PruneOptions): PruneDecision[] {
  const matcher = o.match ? globToRegExp(o.match) : undefined;
  const unprotect = new Set(o.unprotect ?? []);
  const artefact = (t: TagInfo) => SIGNATURE_TAG.test(t.tag) || t.artefact !== undefined;
  const protectedBy = (t: TagInfo): string | undefined =>
    t.tag === 'latest' && !unprotect.has('latest')
      ? 'latest is kept unless unprotect names latest'
      : VERSION_TAG.test(t.tag) && !unprotect.has('releases')
        ? 'a release (version tag) is kept unless unprotect names releases'
        : undefined;
  const decisions: PruneDecision[] = [];
  const candidates: TagInfo[] = [];
  for (const t of tags) {
    const why = artefact(t) ? (t.artefact ? `${t.artefact}: never pruned` : KEEP_ALWAYS) : matcher && !matcher.test(t.tag) ? 'not matched' : protectedBy(t);
    if (why) decisions.push({ tag: t.tag, digest: t.digest, prune: false, why });
    else candidates.push(t);
  }
  // An image also tagged outside the candidates (a release, latest, an unmatched tag) stays.
  const outside = new Set(tags.filter((t) => !candidates.includes(t) && !artefact(t)).map((t) => t.digest));
  const time = (t: TagInfo) => (t.created && !Number.isNaN(Date.parse(t.created)) ? Date.parse(t.created) : undefined);
  // Newest first: by created time, tags without one after those with, then by tag order (tagOrder: later is newer).
  // Each tag's version read once, not at every comparison: 10,000 tags of one time took 0.5 s of parsing.
  const versions = new Map(candidates.map((t) => [t.tag, versionOfTag(t.tag, PLAIN)]));
  const ordered = candidates.sort((a, b) => (time(b) ?? -Infinity) - (time(a) ?? -Infinity) || tagOrder(b.tag, a.tag, (t) => versions.get(t)));
  ordered.forEach((t, i) => {
    const created = time(t);
    let why = '';
    if (i < o.keep) why = `one of the newest ${o.keep}`;
    else if (outside.has(t.digest)) why = 'its image is also tagged outside the match (a release): kept';
    else if (created === undefined && !o.pruneUnknownAge)
      why = "its age is not known (no created time, or a reproducible build's 1970 placeholder): kept unless prune-unknown-age";
    else if (o.olderThanMs !== undefined && created !== undefined && created > o.now.getTime() - o.olderThanMs) why = 'not older than older-than';
    decisions.push({
      tag: t.tag,
      digest: t.digest,
      prune: !why,
      why: why || (created ? `older than the newest ${o.keep} (created ${t.created})` : `older than the newest ${o.keep}, of unknown age (prune-unknown-age)`),
    });
  });
  return decisions.sort((a, b) => a.tag.localeCompare(b.tag));
}
