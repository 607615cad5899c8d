/**
 * What a build run reports, set in one place: the step's outputs (imageid, digest, version, labels,
 * tags, metadata) and the job summary, from the record of how far the run got. Called once, when the
 * run ends, however it ends: a failed audit or push reports what happened, a failed input nothing.
 */
import type { AuditSummary } from '../audit/stage.js';
import type { Built } from '../builders/stage.js';
import { formatRepository } from '../core/reference.js';
import type { Effects } from '../effects/effects.js';
import type { BuildInputs } from '../inputs/index.js';
import type { TagDecision } from '../plan/tags.js';
import type { RegistryReport } from '../push/engine.js';
import type { Pushed } from '../push/stage.js';
import type { SignatureRecord } from '../sign/stage.js';
import { writeSummary } from './publish.js';
import { renderSummary, type RunSummary } from './summary.js';

/** How far a build run got; each stage fills its part. */
export interface RunRecord {
  inputs?: BuildInputs;
  built?: readonly Built[];
  audit?: AuditSummary;
  pushed?: Pushed;
  /** With public and private builds: the private bytes proven absent from the public registries. */
  privateBytesKeptPrivate?: number;
  /** sign: key — each `.sig` written after the push (src/sign/stage.ts). */
  signatures?: SignatureRecord[];
}

export interface Metadata {
  version: string | null;
  versionSource: string | null;
  created: { created: string; from: string };
  base: string | null;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  withheldLabels: string[];
  digest: string;
  audit: AuditSummary;
  images: Array<{ repository: string; visibility: string; digest: string; pushed: boolean; tags: TagDecision[]; transfer?: Transfer; error?: string }>;
  privateBytesKeptPrivate?: number;
  /** build-push-action's keys (buildx's metadata file), for workflows that read them. */
  'containerimage.digest': string;
  'containerimage.descriptor': { mediaType: string; digest: string; size: number };
  'containerimage.config.digest'?: string;
  'image.name': string;
  'buildx.build.ref'?: string;
}

/** What one registry's push moved (the registry's figures: several repositories of one host share them). */
export type Transfer = Pick<
  RegistryReport,
  'blobsUploaded' | 'blobsMounted' | 'blobsSkipped' | 'bytesUploaded' | 'bytesSent' | 'bytesMounted' | 'bytesSkipped' | 'durationMs'
>;

const transferOf = (r: RegistryReport): Transfer => ({
  blobsUploaded: r.blobsUploaded,
  blobsMounted: r.blobsMounted,
  blobsSkipped: r.blobsSkipped,
  bytesUploaded: r.bytesUploaded,
  bytesSent: r.bytesSent,
  bytesMounted: r.bytesMounted,
  bytesSkipped: r.bytesSkipped,
  durationMs: r.durationMs,
});

/** The build the outputs describe: the `target` input's (the final image). */
export function primaryBuild(inputs: BuildInputs, built: readonly Built[]): Built {
  return built.find((b) => b.unit.target === inputs.source.target) ?? built[built.length - 1]!;
}

function metadataOf(inputs: BuildInputs, built: readonly Built[], audit: AuditSummary, record: RunRecord): Metadata {
  const primary = primaryBuild(inputs, built);
  const { release } = inputs;
  const images = release.images.map((i) => {
    const name = formatRepository(i.repository);
    const digest = built.find((b) => b.unit.images.includes(i))!.root.descriptor.digest;
    const report = record.pushed?.reports.find((r) => r.host === i.repository.host && r.repositories.includes(i.repository.path));
    const tags = record.pushed?.decisions.get(name) ?? [];
    return {
      repository: name,
      visibility: i.visibility,
      digest,
      pushed: !!report && !report.error,
      tags,
      ...(report ? { transfer: transferOf(report) } : {}),
      ...(report?.error ? { error: report.error.message } : {}),
    };
  });
  return {
    version: release.version ?? null,
    versionSource: release.versionSource ?? null,
    created: release.created,
    base: primary.meta.base ?? null,
    labels: Object.fromEntries(primary.meta.labels.values),
    annotations: Object.fromEntries(primary.meta.annotations.values),
    withheldLabels: primary.meta.labels.withheld,
    digest: primary.root.descriptor.digest,
    audit,
    images,
    ...(record.privateBytesKeptPrivate !== undefined ? { privateBytesKeptPrivate: record.privateBytesKeptPrivate } : {}),
    'containerimage.digest': primary.root.descriptor.digest,
    'containerimage.descriptor': { mediaType: primary.root.descriptor.mediaType, digest: primary.root.descriptor.digest, size: primary.root.descriptor.size },
    ...(primary.graph.children.length ? {} : { 'containerimage.config.digest': primary.imageId }),
    // As buildx writes it: every name the image was pushed as (or tagged locally as), comma-separated.
    ...(primary.buildRef ? { 'buildx.build.ref': primary.buildRef } : {}),
    'image.name': (record.pushed
      ? record.pushed.reports.filter((r) => r.digest === primary.root.descriptor.digest).flatMap((r) => r.references)
      : primary.localTags
    ).join(','),
  };
}

/** metadata-action's outputs beside Hoist's: annotations at its default level (manifest), the tag names, its json. */
function metadataActionOutputs(inputs: BuildInputs, primary: Built) {
  const annotations = primary.meta.annotations.values.map(([k, v]) => `manifest:${k}=${v}`);
  const tagNames = [...new Set(inputs.release.images.flatMap((i) => i.tags.map((t) => t.tag)))];
  return {
    annotations,
    tagNames,
    json: (tags: readonly string[]) => ({ tags, 'tag-names': tagNames, labels: Object.fromEntries(primary.meta.labels.values), annotations }),
  };
}

/** The summary of the run as the job summary and the pull request comment render it. */
export function runSummary(record: RunRecord): RunSummary | undefined {
  const { inputs, built, audit } = record;
  if (!inputs || !built?.length || !audit) return undefined;
  const primary = primaryBuild(inputs, built);
  return {
    digest: primary.root.descriptor.digest,
    version: inputs.release.version ?? null,
    registries: record.pushed?.reports ?? [],
    decisions: record.pushed?.decisions ?? new Map(),
    audit,
    cachedSecretSteps: built.flatMap((b) => b.cachedSecretSteps),
  };
}

export async function publishOutputs(fx: Pick<Effects, 'platform' | 'redactor'>, record: RunRecord): Promise<void> {
  const { platform } = fx;
  const { inputs, built, audit, pushed } = record;
  if (!inputs || !built?.length) return;
  const primary = primaryBuild(inputs, built);
  platform.setOutput('imageid', primary.imageId);
  platform.setOutput('digest', primary.root.descriptor.digest);
  platform.setOutput('platforms', primary.platforms.join(','));
  const meta = metadataActionOutputs(inputs, primary);
  const set = (name: string, value: string) => {
    platform.setOutput(name, value);
    // As docker/metadata-action does, for a later step that reads env.DOCKER_METADATA_OUTPUT_VERSION.
    platform.exportVariable?.(`DOCKER_METADATA_OUTPUT_${name.replace(/\W/g, '_').toUpperCase()}`, value);
  };
  set('version', inputs.release.metaVersion ?? inputs.release.version ?? '');
  set('labels', primary.meta.labels.values.map(([k, v]) => `${k}=${v}`).join('\n'));
  set('annotations', meta.annotations.join('\n'));
  set('tag-names', meta.tagNames.join('\n'));
  if (!audit) return;
  const tags = pushed
    ? pushed.reports.flatMap((r) => r.references)
    : !inputs.delivery.push && !(audit.leaks > 0 && audit.mode === 'fail')
      ? built.flatMap((b) => b.localTags)
      : undefined;
  if (tags) set('tags', tags.join('\n'));
  if (record.signatures) platform.setOutput('signatures', record.signatures.map((s) => s.reference).join('\n'));
  set('json', JSON.stringify(meta.json(tags ?? [])));
  platform.setOutput('metadata', JSON.stringify(metadataOf(inputs, built, audit, record)));
  await writeSummary(fx, renderSummary(runSummary(record)!));
}
