/** The tag inputs, checked for form; the tags themselves are planned in `plan/images.ts`. */
import { AUTO_TAGS, VERSION_LEVELS, type AutoTag, type FloatingMode, type TagLatest, type Variant, type VersionLevel } from '../plan/tags.js';
import { parseBool, parseChoice, parseList, parseSubset, type InputScope } from './read.js';

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
  /** `tag-major-zero`: give 0.x releases a `0` tag. */
  majorZero: boolean;
  /** `tag-channel`: a pre-release's channel (`rc`) as a floating tag. */
  channel: boolean;
  /** `tags`: bare tags for every image, or full references for one. */
  explicit: string[];
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
  return {
    version: scope.read('version'),
    versionPattern: scope.read('version-pattern'),
    tagLatest: parseChoice(scope, 'tag-latest', ['auto', 'always', 'never'] as const, 'auto'),
    floating: parseChoice(scope, 'floating-tags', ['forward', 'always'] as const, 'forward'),
    auto: parseSubset(scope, 'auto-tags', AUTO_TAGS, AUTO_TAGS),
    levels: parseSubset(scope, 'version-tags', VERSION_LEVELS, VERSION_LEVELS),
    majorZero: parseBool(scope, 'tag-major-zero', false),
    channel: parseBool(scope, 'tag-channel', false),
    explicit: parseList(scope.read('tags')),
    shaSource: parseChoice(scope, 'sha-source', ['merge', 'head'] as const, 'merge'),
    variant: variantOf(affix(scope, 'tag-prefix'), affix(scope, 'tag-suffix')),
  };
}

const variantOf = (prefix: { value: string; onLatest: boolean }, suffix: { value: string; onLatest: boolean }): Variant => ({
  prefix: prefix.value,
  suffix: suffix.value,
  prefixOnLatest: prefix.onLatest,
  suffixOnLatest: suffix.onLatest,
});
