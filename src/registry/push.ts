/**
 * Pushes an image from an OCI layout to one repository: every blob the registry lacks (HEAD
 * first, upload only what is missing), then the manifest by digest, then each tag.
 */
import pLimit from 'p-limit';
import { formatReference, type Repository } from '../core/reference.js';
import { openBlob, type LayoutImage } from '../oci/layout.js';
import type { RegistryClient } from './client.js';

export interface PushResult {
  repository: Repository;
  digest: string;
  /** Full references pushed, one per tag. */
  references: string[];
  blobsUploaded: number;
  blobsSkipped: number;
  bytesUploaded: number;
  bytesSkipped: number;
}

export async function pushImage(
  client: RegistryClient,
  layoutDir: string,
  image: LayoutImage,
  repository: Repository,
  tags: readonly string[],
  concurrency = 4,
): Promise<PushResult> {
  const result: PushResult = {
    repository, digest: image.descriptor.digest, references: [], blobsUploaded: 0, blobsSkipped: 0, bytesUploaded: 0, bytesSkipped: 0,
  };
  const blobs = [image.manifest.config, ...image.manifest.layers];
  const unique = [...new Map(blobs.map((b) => [b.digest, b])).values()];
  const limit = pLimit(concurrency);
  await Promise.all(unique.map((blob) => limit(async () => {
    if (await client.hasBlob(repository.path, blob.digest)) {
      result.blobsSkipped++;
      result.bytesSkipped += blob.size;
      return;
    }
    await client.uploadBlob(repository.path, blob.digest, blob.size, () => openBlob(layoutDir, blob.digest));
    result.blobsUploaded++;
    result.bytesUploaded += blob.size;
  })));

  const mediaType = image.descriptor.mediaType;
  const stored = await client.putManifest(repository.path, image.descriptor.digest, image.manifestBytes, mediaType);
  if (stored && stored !== image.descriptor.digest) {
    throw new Error(`${formatReference(repository)}: the registry stored the manifest as ${stored}, not ${image.descriptor.digest}`);
  }
  for (const tag of tags) {
    await client.putManifest(repository.path, tag, image.manifestBytes, mediaType);
    result.references.push(formatReference(repository, tag));
  }
  return result;
}
