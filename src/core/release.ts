/**
 * The release a run makes, as the stages after the plan read it: the version, every image with its
 * planned tags, the created time. `plan/release.ts` plans it from the inputs and the run's facts;
 * builders, the push, the report and the signing read it.
 */
import type { Repository } from './reference.js';

/** Who may read a repository: `visibility=public` on an `images` line; private unless said. */
export type Visibility = 'public' | 'private';

/** How a tag came about, for messages and the metadata output. */
export type TagRule = 'version' | 'minor' | 'major' | 'latest' | 'channel' | 'sha' | 'branch' | 'pr' | 'schedule' | 'tags';

export interface PlannedTag {
  tag: string;
  rule: TagRule;
  /** Floating tags move only forward (unless `floating-tags: always`). */
  floating: boolean;
  /** For `tags` lines given as full references: the repository they are for (`ghcr.io/acme/app`). */
  repository?: string;
}

/** One image with every tag planned for it; floating ones are decided against the registry's tags. */
export interface ImageTarget {
  repository: Repository;
  visibility: Visibility;
  tags: PlannedTag[];
  /** The build stage this image gets (`target=` on its line). */
  target?: string;
}

export interface Release {
  /** The release version, when the run has one, and where it came from. */
  version: string | undefined;
  versionSource: string | undefined;
  images: ImageTarget[];
  /** The image's creation time and where it came from. */
  created: { created: string; from: string };
  /** What the plan went on without, to be said in the log (a git tag that is no version, when none is needed). */
  warnings: string[];
  /** The commit the `sha-` tag and the revision label name (a pull request's head with `sha-source: head`). */
  revision: string | undefined;
  /** With metadata-action's tag rules: its `version` output (the first tag), else undefined. */
  metaVersion?: string;
}

/** How tags are asked for (the `tags` inputs, read by `inputs/tags.ts`, planned by `plan/tags.ts`). */
export type TagLatest = 'auto' | 'always' | 'never';
export type FloatingMode = 'forward' | 'always';
export type AutoTag = 'version' | 'sha' | 'branch' | 'pr' | 'schedule';
export const AUTO_TAGS: readonly AutoTag[] = ['version', 'sha', 'branch', 'pr', 'schedule'];
export type VersionLevel = 'full' | 'minor' | 'major';
export const VERSION_LEVELS: readonly VersionLevel[] = ['full', 'minor', 'major'];

/** An image variant's tags, as metadata-action's flavor: `2.1-alpine`; `latest` only with onlatest. */
export interface Variant {
  prefix: string;
  suffix: string;
  prefixOnLatest: boolean;
  suffixOnLatest: boolean;
}
