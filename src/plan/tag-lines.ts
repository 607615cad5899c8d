/**
 * The releases a floating tag's line holds, ranked — what `decideTags` (the early decision) and
 * `push/floating.ts` (the re-reads) both compare a release against.
 *
 * A variant's own floating tags (`2.1-alpine`, `rc-alpine`, `latest-alpine` with onlatest) follow
 * its own releases only. A tag the variant shares with the plain image — `latest` without onlatest,
 * as metadata-action makes it — follows every release that writes it: the plain ones, this
 * variant's, and other variants' without onlatest. Those images are ordered by version, then plain
 * before variant: an alpine 2.1.0 may move `latest` from 2.0.0, never from plain 2.1.0; a plain
 * 2.1.0 takes it from 2.1.0-alpine. Two variants of one version rank alike, and the line's leader
 * is then the first of their version tags by name (as `v2.1.0` and `2.1.0` of one release).
 *
 * A plain run knows no variant's affixes: it reads another variant's release (`2.1.0-alpine`) from
 * the listing only when that variant's minor or major tag (`2.1-alpine`, `2-alpine`) is there too —
 * what tells it from a pre-release, which has no such tags — and not when `latest-alpine` is (that
 * variant keeps its own latest).
 *
 * `v2.1.0` is the plain image's release written with a `v` (a tag of git's, pushed by another tool)
 * unless it is the release of a `v` variant (`tag-prefix: v`, metadata-action's `prefix=v`): that
 * variant's minor or major tag (`v2.1`, `v2`) is there too, which the plain image never writes. Read
 * as the plain image's, a `v` variant's 2.5.0 kept the plain `2` and `latest` on 2.0.0 for good, and
 * its own run refused `latest` to itself.
 */
import semver, { type SemVer } from 'semver';
import type { TagRule, Variant } from '../core/release.js';

export interface LineRelease {
  tag: string;
  v: SemVer;
  /** The plain image's release (no prefix or suffix), which ranks above a variant's of the same version. */
  plain: boolean;
}

const isPlain = (variant: Variant) => !variant.prefix && !variant.suffix;

/** Whether the variant's tag of this rule is the plain image's tag too (`latest` without onlatest). */
export function sharedWithPlain(rule: TagRule, variant: Variant): boolean {
  if (rule !== 'latest') return isPlain(variant);
  return !(variant.prefix && variant.prefixOnLatest) && !(variant.suffix && variant.suffixOnLatest);
}

/** Orders two releases of a line: version first, then plain above variant. */
export function compareRelease(a: Pick<LineRelease, 'v' | 'plain'>, b: Pick<LineRelease, 'v' | 'plain'>): number {
  return semver.compare(a.v, b.v) || Number(a.plain) - Number(b.plain);
}

/** `2.1.0-alpine` → prefix '', version 2.1.0, suffix '-alpine'; a prefix ends in `-`/`_` (then an optional `v`), a suffix starts with one. */
const AFFIXED = /^((?:.*[-_])?v?)(\d+\.\d+\.\d+)((?:[-_].*)?)$/;

/** Whether `tag` is a release of a `v` variant (`v2.1.0` with `v2.1` or `v2` in `names`), not the plain image's `v2.1.0`. */
function ofVariantV(tag: string, names: ReadonlySet<string>): boolean {
  const v = tag.startsWith('v') ? semver.parse(tag.slice(1)) : null;
  return !!v && v.version === tag.slice(1) && (names.has(`v${v.major}.${v.minor}`) || names.has(`v${v.major}`));
}

/** Other variants' releases in a listing (see the module's note), each a release version with its affixes. */
function variantReleases(existing: readonly string[], own: Variant, names: ReadonlySet<string>): LineRelease[] {
  const out: LineRelease[] = [];
  for (const tag of existing) {
    const m = AFFIXED.exec(tag);
    if (!m) continue;
    const [, prefix, text, suffix] = m as unknown as [string, string, string, string];
    const bare = prefix.replace(/v$/, '');
    const variantV = !suffix && prefix === 'v' && ofVariantV(tag, names);
    if (!suffix && !bare && !variantV) continue; // a plain version tag
    if (variantV ? own.prefix === 'v' && !own.suffix : (prefix === own.prefix || bare === own.prefix) && suffix === own.suffix) continue; // this run's own variant, read directly
    const v = semver.parse(text);
    if (!v || v.version !== text) continue;
    const line = [`${v.major}.${v.minor}`, `${v.major}`].some((l) => names.has(`${bare}${l}${suffix}`) || names.has(`${prefix}${l}${suffix}`));
    // The variant's own latest, when it keeps one: `latest-alpine`, `app-latest`; a `v` variant's is `vlatest`.
    const ownLatest = variantV ? 'vlatest' : `${bare}latest${suffix}`;
    if (line && !names.has(ownLatest)) out.push({ tag, v, plain: false });
  }
  return out;
}

/**
 * A version tag of the variant (`2.1.0`, `v2.1.0`; of a variant, `2.1.0-alpine`), or undefined. `names`, the listing:
 * for the plain image, a `v` variant's release is none of its own (`ofVariantV`).
 */
export function versionOfTag(tag: string, variant: Variant, names?: ReadonlySet<string>): SemVer | undefined {
  if (names && isPlain(variant) && ofVariantV(tag, names)) return undefined;
  const { prefix, suffix } = variant;
  if (!tag.startsWith(prefix) || !tag.endsWith(suffix) || tag.length <= prefix.length + suffix.length) return undefined;
  const text = tag.slice(prefix.length, tag.length - suffix.length).replace(/^v/, '');
  return semver.valid(text) === text ? (semver.parse(text) ?? undefined) : undefined;
}

/** Every release in the listing that the floating tag of `rule` follows, whether of its line or not (`inLine` filters). */
export function lineReleases(rule: TagRule, existing: readonly string[], variant: Variant): LineRelease[] {
  const names = new Set(existing);
  const own = existing.flatMap((tag) => {
    const v = versionOfTag(tag, variant, names);
    return v ? [{ tag, v, plain: isPlain(variant) }] : [];
  });
  if (rule !== 'latest' || !sharedWithPlain(rule, variant)) return own;
  const plain: LineRelease[] = isPlain(variant)
    ? []
    : existing.flatMap((tag) => {
        const v = versionOfTag(tag, { prefix: '', suffix: '', prefixOnLatest: false, suffixOnLatest: false }, names);
        return v ? [{ tag, v, plain: true }] : [];
      });
  return [...own, ...plain, ...variantReleases(existing, variant, names)];
}

/** The leader of a list of releases: the highest, the first tag by name among equals. */
export function leaderOf(releases: readonly LineRelease[]): LineRelease | undefined {
  let best: LineRelease | undefined;
  for (const r of releases) {
    const c = best ? compareRelease(r, best) : 1;
    if (c > 0 || (c === 0 && r.tag < best!.tag)) best = r;
  }
  return best;
}

/** Why a release ranks above this one, for the log: `2.2.0 is higher than 2.1.0`, or the plain-before-variant rule. */
export function whyHigher(leader: LineRelease, version: string): string {
  if (semver.neq(leader.v, version)) return `higher than ${version}`;
  return `the plain image's release of ${version}, which a variant's release never takes a shared floating tag from`;
}
