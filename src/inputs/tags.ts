/** The tag inputs, checked for form; the tags themselves are planned in `plan/images.ts`. */
import { AUTO_TAGS, VERSION_LEVELS, type AutoTag, type FloatingMode, type TagLatest, type VersionLevel } from '../plan/tags.js';
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
  };
}
