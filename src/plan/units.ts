/**
 * The builds a run makes and what each carries: one build per target stage its images name
 * (`target=`), with its labels, manifest annotations and base image. Pure.
 */
import { parseReference } from '../core/reference.js';
import type { MetadataSettings } from '../inputs/delivery.js';
import type { RunFacts } from '../core/facts.js';
import { baseImage, stages } from './dockerfile.js';
import { imageLabels, type Labels } from './labels.js';
import type { ImageTarget, Release } from './release.js';

/** One build: a target stage and the images that get it. */
export interface Unit {
  target: string | undefined;
  images: ImageTarget[];
}

/** A build's labels and manifest annotations (generated OCI ones plus the user's), and its base. */
export interface ImageMeta {
  labels: Labels;
  annotations: Labels;
  base?: string;
}

/** The builds, in input order: images naming no `target=` get the `target` input's stage. */
export function unitsOf(images: readonly ImageTarget[], defaultTarget: string | undefined): Unit[] {
  const units: Unit[] = [];
  for (const image of images) {
    const target = image.target ?? defaultTarget;
    const unit = units.find((u) => u.target === target);
    if (unit) unit.images.push(image);
    else units.push({ target, images: [image] });
  }
  return units;
}

const digestOf = (reference: string | undefined): string | undefined => {
  try {
    return reference ? parseReference(reference).digest : undefined;
  } catch {
    return undefined; // not a reference (the policy says so when it is on)
  }
};

/** The image's labels and manifest annotations: generated OCI ones plus the user's. */
export function imageMetadata(
  release: Release,
  metadata: MetadataSettings,
  facts: RunFacts,
  dockerfile: string,
  buildArgs: ReadonlyArray<readonly [string, string]>,
  unit: Unit,
  /** The first platform built: the one whose base the labels name when the base differs per platform. */
  platform?: string,
): ImageMeta {
  const base = baseImage(stages(dockerfile, buildArgs, { platform, target: unit.target }), unit.target);
  // Without a release version, the tag that names this build best: its branch or pull request, else any fixed tag.
  const tags = unit.images[0]?.tags ?? [];
  const fixed = (tags.find((t) => t.rule === 'branch' || t.rule === 'pr') ?? tags.find((t) => !t.floating))?.tag;
  const common = {
    repository: facts.repository,
    revision: release.revision ?? facts.git.sha,
    version: release.version ?? fixed,
    created: release.created.created,
    baseName: base?.from,
    baseDigest: digestOf(base?.from),
    public: unit.images.some((i) => i.visibility === 'public'),
  };
  return { labels: imageLabels({ ...common, user: metadata.labels }), annotations: imageLabels({ ...common, user: metadata.annotations }), base: base?.from };
}
