/**
 * One OCI layout with an image index from several single-platform layouts: what Hoist makes of a
 * builder that builds one platform at a time (the Docker daemon's BuildKit, buildah). Blobs are
 * hard-linked (copied across file systems), so the parts cost no second copy on disk.
 */
import { copyFile, link, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { blobPath, initLayout, MediaType, readLayoutRoot, writeBlobBytes, writeIndex, type Descriptor } from './layout.js';
import { formatPlatform, samePlatform, type Platform } from './platform.js';

export interface PlatformPart {
  dir: string;
  platform: Platform;
}

async function linkBlob(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    if (code === 'EXDEV' || code === 'EPERM') return copyFile(from, to);
    throw e;
  }
}

/** The platform a one-platform layout's image is for (its config's os, architecture, variant), and its root. */
export async function madePlatform(dir: string, asked: Platform): Promise<{ root: Awaited<ReturnType<typeof readLayoutRoot>>; made: Platform }> {
  const root = await readLayoutRoot(dir);
  if (root.descriptor.mediaType !== MediaType.ociManifest && root.descriptor.mediaType !== MediaType.dockerManifest) {
    throw new Error(`${dir}: the ${formatPlatform(asked)} build made ${root.descriptor.mediaType}, not one image manifest`);
  }
  const manifest = JSON.parse(root.bytes.toString('utf8')) as { config: Descriptor };
  const config = JSON.parse(await readFile(blobPath(dir, manifest.config.digest), 'utf8')) as Partial<Platform>;
  return { root, made: { os: config.os ?? '?', architecture: config.architecture ?? '?', ...(config.variant ? { variant: config.variant } : {}) } };
}

/** Writes the index of `parts` (one image manifest each, in order) into a new layout at `into`; returns its descriptor. */
export async function assembleIndex(into: string, parts: readonly PlatformPart[]): Promise<Descriptor> {
  for (const [i, a] of parts.entries()) {
    const twin = parts.slice(0, i).find((b) => samePlatform(a.platform, b.platform));
    if (twin) throw new Error(`platforms names ${formatPlatform(a.platform)} twice`);
  }
  await initLayout(into);
  const manifests: Descriptor[] = [];
  for (const part of parts) {
    const { root, made } = await madePlatform(part.dir, part.platform);
    if (!samePlatform(made, part.platform)) throw new Error(`the ${formatPlatform(part.platform)} build made an image for ${formatPlatform(made)}`);
    const blobs = join(part.dir, 'blobs', 'sha256');
    for (const hex of await readdir(blobs)) if (!hex.startsWith('.')) await linkBlob(join(blobs, hex), join(into, 'blobs', 'sha256', hex));
    const { os, architecture, variant } = { ...made, ...part.platform };
    manifests.push({
      mediaType: root.descriptor.mediaType,
      digest: root.descriptor.digest,
      size: root.descriptor.size,
      platform: { architecture, os, ...(variant ? { variant } : {}) },
    });
  }
  const written = await writeBlobBytes(into, Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests })));
  const descriptor = { mediaType: MediaType.ociIndex, digest: written.digest, size: written.size };
  await writeIndex(into, [descriptor]);
  return descriptor;
}
