/** The tag inputs, checked for form; the tags themselves are planned in `plan/images.ts`. */
import { AUTO_TAGS, VERSION_LEVELS, type AutoTag, type FloatingMode, type TagLatest, type Variant, type VersionLevel } from '../core/release.js';
import { TagError } from '../core/errors.js';
import { parseFlavor, parseTagRules, type Flavor, type TagRuleSpec } from './tag-rules.js';
import { inputList, parseBool, parseChoice, parseSubset, type InputScope } from './read.js';

export interface TagSettings {
  /** `version`: the release version, as given ('' when the run's git tag should say). */
  version: string;
  /** `version-pattern`: a regular expression whose first group is the version in the git tag. */
  versionPattern: string;
  /** `auto-tags`: which tags the run's facts make (version fan-out, sha, branch, pr, schedule). */
  auto: AutoTag[];
  /** `version-tags`: which levels of the version are tags (full, minor, major). */
  levels: VersionLevel[];
  tagLatest: TagLatest;
  /** `forward`: floating tags move only to a higher version; `always`: on every release. */
  floating: FloatingMode;
  /** `release-tags`: `protect` keeps a full-version tag on its commit's image; `overwrite` lets it move. */
  releaseTags: 'protect' | 'overwrite';
  /** `tag-major-zero`: give 0.x releases a `0` tag. */
  majorZero: boolean;
  /** `tag-channel`: a pre-release's channel (`rc`) as a floating tag. */
  channel: boolean;
  /** `tags`: bare tags for every image, or full references for one. */
  explicit: string[];
  /**
   * `tags` lines written as metadata-action's rules (`type=semver,pattern={{major}}`): when there
   * are any, they make the run's tags in place of auto-tags and the version fan-out.
   */
  rules: TagRuleSpec[];
  /** `flavor`: metadata-action's latest/prefix/suffix for those rules. */
  flavor: Flavor | undefined;
  /** DOCKER_METADATA_SHORT_SHA_LENGTH (default 7): characters of the commit in sha tags. */
  shaLength: number;
  /** `sha-source`: on a pull request, the `sha-` tag and revision label from the merge commit (default) or the PR's head. */
  shaSource: 'merge' | 'head';
  /** `tag-prefix` / `tag-suffix`: a variant's tags (`2.1-alpine`), as metadata-action's flavor. */
  variant: Variant;
}

/** `-alpine`, or `-alpine,onlatest=true` (metadata-action's flavor: `latest` gets it too). */
function affix(scope: InputScope, input: string): { value: string; onLatest: boolean } {
  const [value = '', ...options] = scope
    .read(input)
    .split(',')
    .map((x) => x.trim());
  let onLatest = false;
  for (const o of options) {
    if (/^onlatest=(true|false)$/.test(o)) onLatest = o.endsWith('true');
    else scope.issues.push({ input, message: `'${o}' is not an option: only onlatest=true|false follows the ${input.slice(4)}` });
  }
  if (value && !/^[\w.-]+$/.test(value)) {
    scope.issues.push({ input, message: `'${value}' cannot be part of a tag: letters, digits, '_', '.', '-'` });
    return { value: '', onLatest }; // said once, here: not again by every tag it would have made
  }
  return { value, onLatest };
}

export function parseTagInputs(scope: InputScope): TagSettings {
  const lines = tagLines(scope);
  const f = lines.flavor;
  return {
    version: scope.read('version'),
    versionPattern: scope.read('version-pattern'),
    tagLatest: parseChoice(scope, 'tag-latest', ['auto', 'always', 'never'] as const, 'auto'),
    floating: parseChoice(scope, 'floating-tags', ['forward', 'always'] as const, 'forward'),
    releaseTags: parseChoice(scope, 'release-tags', ['protect', 'overwrite'] as const, 'protect'),
    auto: parseSubset(scope, 'auto-tags', AUTO_TAGS, AUTO_TAGS),
    levels: parseSubset(scope, 'version-tags', VERSION_LEVELS, VERSION_LEVELS),
    majorZero: parseBool(scope, 'tag-major-zero', false),
    channel: parseBool(scope, 'tag-channel', false),
    ...lines,
    shaLength: shaLength(scope),
    shaSource: parseChoice(scope, 'sha-source', ['merge', 'head'] as const, 'merge'),
    // With flavor, its prefix and suffix are the variant whose releases floating tags compare against.
    variant: f
      ? { prefix: f.prefix, suffix: f.suffix, prefixOnLatest: f.prefixLatest, suffixOnLatest: f.suffixLatest }
      : variantOf(affix(scope, 'tag-prefix'), affix(scope, 'tag-suffix')),
  };
}

/**
 * A `tags` line is one of metadata-action's rules when it holds `=` (a tag or reference never does),
 * or an expression (`{{branch}}`, `v{{sha}}`): metadata-action reads a line without `type=` as
 * `type=raw`, and a tag cannot hold braces. Such a line was taken as a tag and refused.
 */
const isRule = (line: string) => line.includes('=') || line.includes('{{');

/**
 * `tags`: metadata-action's rules one per line (commas inside stay), and Hoist's own bare tags or
 * full references, one per line or comma-separated (build-push-action's form); `flavor` with them.
 */
function tagLines(scope: InputScope): Pick<TagSettings, 'explicit' | 'rules' | 'flavor'> {
  const lines = inputList(scope, 'tags', { ignoreComma: true, comment: true });
  const explicit = lines
    .filter((l) => !isRule(l))
    .flatMap((l) =>
      l
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean),
    );
  let rules: TagRuleSpec[] = [];
  let flavor: Flavor | undefined;
  try {
    rules = parseTagRules(lines.filter(isRule));
  } catch (e) {
    if (!(e instanceof TagError)) throw e;
    scope.issues.push({ input: e.input, message: e.message });
  }
  const flavorLines = inputList(scope, 'flavor', { ignoreComma: true, comment: true });
  try {
    if (flavorLines.length) flavor = parseFlavor(flavorLines);
  } catch (e) {
    if (!(e instanceof TagError)) throw e;
    scope.issues.push({ input: e.input, message: e.message });
  }
  if (flavor && (scope.read('tag-prefix').trim() || scope.read('tag-suffix').trim()))
    scope.issues.push({ input: 'flavor', message: "give the variant's prefix and suffix in flavor or in tag-prefix/tag-suffix, not both" });
  return { explicit, rules, flavor };
}

function shaLength(scope: InputScope): number {
  const raw = scope.env.DOCKER_METADATA_SHORT_SHA_LENGTH?.trim();
  if (!raw) return 7;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    scope.issues.push({ input: 'DOCKER_METADATA_SHORT_SHA_LENGTH', message: `'${raw}' is not a whole number of characters (default 7)` });
    return 7;
  }
  return n;
}

const variantOf = (prefix: { value: string; onLatest: boolean }, suffix: { value: string; onLatest: boolean }): Variant => ({
  prefix: prefix.value,
  suffix: suffix.value,
  prefixOnLatest: prefix.onLatest,
  suffixOnLatest: suffix.onLatest,
});
