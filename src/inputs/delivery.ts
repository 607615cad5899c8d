/** Where the audited image goes besides the registries, and what the run reports back. */
import type { AnnotationLevel, LeveledAnnotation } from '../core/builder.js';
import { parseOutputs, type OutputSpec } from '../oci/outputs.js';
import { optional, parseBool, parseLines, parsePairs, type InputScope } from './read.js';

export interface DeliverySettings {
  push: boolean;
  /** `push-by-digest`: the image is pushed by digest only, no tag set or moved (a platform's part of a merge). */
  pushByDigest: boolean;
  /** `digest-dir`: where push-by-digest writes the file a merge's sources-dir reads (absolute). */
  digestDir: string | undefined;
  /** `load`: put the image into the local Docker daemon under its fixed tags. */
  load: boolean;
  /** `outputs`: copies of the image as files (`type=docker|oci,dest=…`). */
  outputs: OutputSpec[];
  /** `github-token`: the pull request comment, and ghcr.io when no other credentials are there. */
  githubToken: string | undefined;
  prComment: boolean;
  /** GitLab: `mr-comment`, one note on the merge request, updated in place. */
  mrComment: boolean;
  /** GitLab: `gitlab-token`, the token for the note (default CI_JOB_TOKEN). */
  gitlabToken: string | undefined;
}

/**
 * `push` when it is not set: true where `images` names the repositories (Hoist's form), false
 * where only `tags` does (build-push-action's form, whose push defaults to false) — a workflow
 * moved over from build-push-action unchanged builds and pushes nothing, as before.
 */
export function parseDelivery(scope: InputScope, pushDefault = true): DeliverySettings {
  const { specs, errors, load: outputLoads } = parseOutputs(parseLines(scope.read('outputs')), scope.abs);
  for (const message of errors) scope.issues.push({ input: 'outputs', message });
  const push = parseBool(scope, 'push', pushDefault);
  const pushByDigest = parseBool(scope, 'push-by-digest', false);
  if (pushByDigest && !push) scope.issues.push({ input: 'push-by-digest', message: 'pushing by digest needs push: true (or leave push-by-digest off)' });
  const digestDir = optional(scope, 'digest-dir');
  return {
    push,
    pushByDigest,
    // Only a push by digest has a digest file to write (the GitLab component always names the directory).
    digestDir: digestDir && pushByDigest ? scope.abs(digestDir) : undefined,
    load: parseBool(scope, 'load', false) || outputLoads,
    outputs: specs,
    githubToken: optional(scope, 'github-token'),
    prComment: parseBool(scope, 'pr-comment', false),
    mrComment: parseBool(scope, 'mr-comment', false),
    gitlabToken: optional(scope, 'gitlab-token'),
  };
}

const LEVELS: readonly AnnotationLevel[] = ['manifest', 'index', 'manifest-descriptor', 'index-descriptor'];

/** The user's labels and annotations, and the `created` input (resolved in `plan/metadata.ts`). */
export interface MetadataSettings {
  labels: Array<[string, string]>;
  /** The manifest-level annotations (no platform selector), for the image manifest itself. */
  annotations: Array<[string, string]>;
  /** Every `annotations` line with its levels: BuildKit builders place them; the others take only `manifest`. */
  leveledAnnotations: LeveledAnnotation[];
  created: string;
}

/** Splits `manifest,index[linux/amd64]:org.x=1` into its levels, platform and key; unknown levels are input errors. */
function leveled(scope: InputScope, pairs: ReadonlyArray<readonly [string, string]>): LeveledAnnotation[] {
  const out: LeveledAnnotation[] = [];
  for (const [raw, value] of pairs) {
    const m = /^([a-z-]+(?:,[a-z-]+)*)(?:\[([^\]]+)\])?:(.+)$/.exec(raw);
    if (!m) {
      if (raw.includes(':'))
        scope.issues.push({ input: 'annotations', message: `'${raw}' is not [LEVELS:]KEY (levels: ${LEVELS.join(', ')}, as metadata-action writes them)` });
      else out.push({ levels: ['manifest'], key: raw, value, prefix: '' });
      continue;
    }
    const levels = m[1]!.split(',');
    const unknown = levels.filter((l) => !LEVELS.includes(l as AnnotationLevel));
    if (unknown.length) {
      scope.issues.push({
        input: 'annotations',
        message: `'${raw}': unknown level ${unknown.map((u) => `'${u}'`).join(', ')}: the levels are ${LEVELS.join(', ')}`,
      });
      continue;
    }
    out.push({
      levels: [...new Set(levels)] as AnnotationLevel[],
      ...(m[2] ? { platform: m[2] } : {}),
      key: m[3]!,
      value,
      prefix: raw.slice(0, raw.length - m[3]!.length - 1),
    });
  }
  return out;
}

export function parseMetadata(scope: InputScope): MetadataSettings {
  const leveledAnnotations = leveled(scope, parsePairs(scope, 'annotations', /^[^\s=]+$/, 'KEY'));
  return {
    labels: parsePairs(scope, 'labels', /^[^\s=]+$/, 'KEY'),
    annotations: leveledAnnotations.filter((a) => a.levels.includes('manifest') && !a.platform).map((a) => [a.key, a.value]),
    leveledAnnotations,
    created: scope.read('created'),
  };
}
