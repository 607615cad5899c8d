/**
 * What a repository holds: every tag (pagination followed) with the digest it points at and, for
 * Hoist-built images, their version and created labels — read through the registry client.
 */
import pLimit from 'p-limit';
import { imageConfig } from '../oci/image-config.js';
import type { RegistryClient } from '../registry/client.js';

export { artefactOf, imageConfig } from '../oci/image-config.js';

export interface TagInfo {
  tag: string;
  digest: string;
  mediaType: string;
  /** `org.opencontainers.image.version` of the image (or its first platform's). */
  version?: string;
  /** When the image was made: its `created` label, else its config's `created`. */
  created?: string;
  /** What the tag holds when it is not an image: a signature, an attestation, an SBOM, a referrer (prune never deletes it). */
  artefact?: string;
}

/** Every tag of a repository with its digest, sorted by tag; `labels` also reads each image's config. */
export async function describeTags(client: RegistryClient, repository: string, o: { labels: boolean; concurrency: number }): Promise<TagInfo[]> {
  const tags = [...new Set(await client.listTags(repository))].sort();
  const limit = pLimit(o.concurrency);
  const infos = await Promise.all(
    tags.map((tag) =>
      limit(async () => {
        const ref = await client.headManifest(repository, tag);
        if (!ref) return undefined; // deleted while we listed
        const info: TagInfo = { tag, digest: ref.digest, mediaType: ref.mediaType };
        return o.labels ? { ...info, ...(await imageDates(client, repository, ref.digest)) } : info;
      }),
    ),
  );
  return infos.filter((i): i is TagInfo => i !== undefined);
}

/**
 * Before this, a created time is no time but a reproducible build's placeholder: ko, Bazel's
 * rules_oci, `buildah --timestamp 0`, SOURCE_DATE_EPOCH=0 write 1970-01-01T00:00:00Z, nix's
 * dockerTools 00:00:01. Read as a time, every such image was 56 years old and all equally new:
 * `--keep N` kept N chosen by tag name (sha-… tags: at random) and pruned the newest.
 */
const PLACEHOLDER_BEFORE = Date.parse('1980-01-01T00:00:00Z');

/** A created time that says when the image was made, or undefined (absent, unreadable, a placeholder). */
const realTime = (t: string | undefined) => (t !== undefined && Date.parse(t) >= PLACEHOLDER_BEFORE ? t : undefined);

/**
 * The version and created time an image records (an index: its first platform's): the created
 * label, else the manifest's created annotation, else the config's `created` — the first that is a
 * time, not a reproducible build's placeholder.
 */
async function imageDates(client: RegistryClient, repository: string, digest: string): Promise<{ version?: string; created?: string; artefact?: string }> {
  const image = await imageConfig(client, repository, digest);
  if (!image) return {};
  const created = [image.labels['org.opencontainers.image.created'], image.annotations['org.opencontainers.image.created'], image.created]
    .map(realTime)
    .find((t) => t !== undefined);
  const version = image.labels['org.opencontainers.image.version'];
  return { ...(version ? { version } : {}), ...(created ? { created } : {}), ...(image.artefact ? { artefact: image.artefact } : {}) };
}

/** Tags grouped by the digest they share, each group's tags sorted. */
export function byDigest(tags: readonly TagInfo[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const t of tags) groups.set(t.digest, [...(groups.get(t.digest) ?? []), t.tag].sort());
  return groups;
}
