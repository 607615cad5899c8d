/**
 * Release tags (a full version such as `1.4.2`, and the version tags promote is given) are not
 * re-pointed at an image of another commit: a tag that already holds another digest is moved only
 * when that image records the same `org.opencontainers.image.revision` as this one (a re-run of
 * the same commit), unless `release-tags: overwrite`. Checked for every target of a registry
 * before any of its tags moves.
 */
import { isIndex, type BlobSource, type ImageGraph } from '../oci/graph.js';
import { imageConfig } from '../oci/image-config.js';
import type { RegistryClient } from '../registry/client.js';
import { RegistryError } from '../registry/errors.js';

export type ReleaseTagMode = 'protect' | 'overwrite';
export const RELEASE_TAG_MODES: readonly ReleaseTagMode[] = ['protect', 'overwrite'];

const REVISION = 'org.opencontainers.image.revision';
const CONFIG_LIMIT = 8 * 1024 * 1024;

/** The revision the image being pushed records: its config's label (an index: its first image's), else the root's annotation. */
export async function revisionOfGraph(graph: ImageGraph, source: BlobSource): Promise<string | undefined> {
  const rootJson = JSON.parse(graph.root.bytes.toString('utf8')) as { annotations?: Record<string, string> };
  const image = isIndex(graph.root.mediaType) ? graph.children.find((c) => !isIndex(c.mediaType)) : graph.root;
  const config = image && (JSON.parse(image.bytes.toString('utf8')) as { config?: { digest: string; size: number } }).config;
  let label: string | undefined;
  if (config && config.size <= CONFIG_LIMIT) {
    const chunks: Buffer[] = [];
    for await (const c of await source.open(config.digest, 0, config.size)) chunks.push(Buffer.from(c));
    try {
      label = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { config?: { Labels?: Record<string, string> | null } }).config?.Labels?.[REVISION];
    } catch {
      label = undefined; // not an image config (an artifact): the annotation decides
    }
  }
  return label ?? rootJson.annotations?.[REVISION];
}

/** A release tag that would be moved onto another commit's image. */
export class ProtectedTagError extends RegistryError {}

export interface ReleaseTagCheck {
  client: Pick<RegistryClient, 'headManifest' | 'getManifest' | 'fetchBlob'>;
  host: string;
  repository: string;
  /** `registry/repository`, for messages. */
  name: string;
  digest: string;
  revision: string | undefined;
  limit: <T>(task: () => Promise<T>) => Promise<T>;
}

/**
 * Throws, naming the tag, the digest it holds and that image's revision, when a release tag would
 * move to another commit's image. Returns where each tag was read (undefined: no such tag), so the
 * tag phase need not read it again.
 */
export async function checkReleaseTags(c: ReleaseTagCheck, tags: readonly string[]): Promise<Map<string, string | undefined>> {
  const read = new Map<string, string | undefined>();
  for (const tag of tags) {
    const at = await c.limit(() => c.client.headManifest(c.repository, tag));
    read.set(tag, at?.digest);
    if (!at || at.digest === c.digest) continue;
    const theirs = await c.limit(() => imageConfig(c.client as RegistryClient, c.repository, at.digest));
    const revision = theirs?.labels[REVISION] ?? theirs?.annotations[REVISION];
    if (revision !== undefined && revision === c.revision) continue; // a re-run of the same commit
    throw new ProtectedTagError(
      `${c.name}:${tag} is a release tag and holds ${at.digest}, built from ${revision ? `revision ${revision}` : 'an unknown revision (no org.opencontainers.image.revision)'}, not ${c.revision ? `this image's revision ${c.revision}` : 'this image (which records no revision)'}: not moved. Release under a new version, or set release-tags: overwrite to move it`,
      { registry: c.host, repository: c.repository, code: 'RELEASE_TAG_PROTECTED', retryable: false },
    );
  }
  return read;
}
