/**
 * Base layers by their own blobs. A builder that hands back layers without their original
 * compressed form (the Docker daemon's `docker save`; buildah, when its storage lost the blob)
 * gives the base image's layers a new compression, so a new digest: registries that hold the base
 * would get it again, and no mount could match. Here each layer whose content (diff id) is a layer
 * of the base is named in the manifest by the base's own descriptor instead; the layout keeps what
 * the builder wrote as its stand-in (the audit reads it; the push sends the base's blob, from the
 * base's registry, only where the target lacks it).
 */
import { readFile, stat } from 'node:fs/promises';
import type { Repository } from '../core/reference.js';
import type { RegistryClient } from '../registry/client.js';
import { registrySource, type BlobSource } from './graph.js';
import { blobPath, MediaType, readLayoutRoot, writeBlobBytes, writeIndex, type Descriptor, type ImageManifest, type LayoutRoot } from './layout.js';

/** One layer of a base image: its descriptor in the base's registry, and where it is. */
export interface BaseLayer {
  descriptor: Descriptor;
  origin: Pick<Repository, 'host' | 'path'>;
}

/** A base image's layers by diff id. */
export type BaseLayers = ReadonlyMap<string, BaseLayer>;

/**
 * A layer the manifest names by the base's blob: the layout's own copy of its content, and where the blob is. An
 * `absent` one has no copy in the layout (its stand-in is the base's descriptor itself): the docker path left it in
 * the base's registry, the cache of audited layers having read that blob clean before (builders/docker-push.ts) — the
 * push mounts it or reads it there, and an output that hands out the layout fetches it first (push/local.ts).
 */
export interface AdoptedLayer {
  standIn: Descriptor;
  origin: Pick<Repository, 'host' | 'path'>;
  absent?: true;
}

/** Adopted layers by the digest the manifest names. */
export type Adopted = ReadonlyMap<string, AdoptedLayer>;

/** Layer media types as an OCI manifest names them (Docker's gzip type is the same bytes). */
export function ociLayerType(mediaType: string): string | undefined {
  if (mediaType === MediaType.ociLayerGzip || mediaType === 'application/vnd.docker.image.rootfs.diff.tar.gzip') return MediaType.ociLayerGzip;
  if (mediaType === 'application/vnd.oci.image.layer.v1.tar+zstd' || mediaType === MediaType.ociLayer) return mediaType;
  return undefined; // foreign (non-distributable) layers and unknown types are not adopted
}

/**
 * Rewrites the layout's image manifest so that base layers are named by the base's blobs.
 * Returns the adopted layers (none when the builder already kept the base's blobs, or the image is
 * not built on `bases`), how many of the base's layers the image has, and the root, new or as it was.
 */
export async function adoptBaseLayers(layoutDir: string, bases: BaseLayers): Promise<{ root: LayoutRoot; adopted: Adopted; matched: number }> {
  const root = await readLayoutRoot(layoutDir);
  const adopted = new Map<string, AdoptedLayer>();
  if (!bases.size || (root.descriptor.mediaType !== MediaType.ociManifest && root.descriptor.mediaType !== MediaType.dockerManifest)) {
    return { root, adopted, matched: 0 };
  }
  const manifest = JSON.parse(root.bytes.toString('utf8')) as ImageManifest;
  const config = JSON.parse(await readFile(blobPath(layoutDir, manifest.config.digest), 'utf8')) as { rootfs?: { diff_ids?: string[] } };
  const diffIds = config.rootfs?.diff_ids ?? [];
  if (diffIds.length !== manifest.layers.length) return { root, adopted, matched: 0 };
  const matched = new Set(diffIds.filter((d) => bases.has(d))).size;
  const layers = manifest.layers.map((layer, i) => {
    const base = bases.get(diffIds[i]!);
    const mediaType = base && ociLayerType(base.descriptor.mediaType);
    if (!base || !mediaType || base.descriptor.digest === layer.digest) return layer;
    adopted.set(base.descriptor.digest, { standIn: layer, origin: base.origin });
    return { ...(layer.annotations ? { annotations: layer.annotations } : {}), mediaType, digest: base.descriptor.digest, size: base.descriptor.size };
  });
  if (!adopted.size) return { root, adopted, matched };
  const bytes = Buffer.from(JSON.stringify({ ...manifest, layers }));
  const written = await writeBlobBytes(layoutDir, bytes);
  const descriptor: Descriptor = { ...root.descriptor, digest: written.digest, size: written.size };
  await writeIndex(layoutDir, [descriptor]);
  return { root: { descriptor, bytes }, adopted, matched };
}

/**
 * The base's layers the image names by their registry digest whose blob the layout does not hold (left in the base's
 * registry: builders/docker-push.ts), adopted as absent — not those `standingIn` adopts with a stand-in the layout
 * holds; none where the root is no image manifest.
 */
export async function absentBaseLayers(layoutDir: string, bases: BaseLayers, standingIn: Adopted = new Map()): Promise<Adopted> {
  const absent = new Map<string, AdoptedLayer>();
  const root = await readLayoutRoot(layoutDir);
  if (!bases.size || (root.descriptor.mediaType !== MediaType.ociManifest && root.descriptor.mediaType !== MediaType.dockerManifest)) return absent;
  const byDigest = new Map([...bases.values()].map((b) => [b.descriptor.digest, b]));
  for (const layer of (JSON.parse(root.bytes.toString('utf8')) as ImageManifest).layers) {
    const base = byDigest.get(layer.digest);
    // A layer adopted with a stand-in (adoptBaseLayers: the builder's recompression) is named by the base's digest too.
    if (!base || absent.has(layer.digest) || standingIn.has(layer.digest)) continue;
    const held = await stat(blobPath(layoutDir, layer.digest)).then(
      () => true,
      () => false,
    );
    if (!held) absent.set(layer.digest, { standIn: layer, origin: base.origin, absent: true });
  }
  return absent;
}

/** The layout's own blob for a descriptor the manifest names: the stand-in of an adopted layer, else itself. */
export function localBlob(adopted: Adopted | undefined, d: Descriptor): Descriptor {
  return adopted?.get(d.digest)?.standIn ?? d;
}

/**
 * The layout's blobs, and adopted layers from their base's registry: read only when a target lacks
 * one and no repository of its registry can mount it.
 */
export function adoptingSource(layout: BlobSource, adopted: Adopted, clientFor: (host: string) => RegistryClient | undefined): BlobSource {
  if (!adopted.size) return layout;
  return {
    name: layout.name,
    origin: (digest) => {
      const layer = adopted.get(digest);
      return layer ? `${layer.origin.host}/${layer.origin.path}` : layout.name;
    },
    open: async (digest, start, end) => {
      const layer = adopted.get(digest);
      if (!layer) return layout.open(digest, start, end);
      const client = clientFor(layer.origin.host);
      if (!client) throw new Error(`${digest} is the base's blob in ${layer.origin.host}/${layer.origin.path}, which Hoist has no client for`);
      return registrySource(client, layer.origin.path).open(digest, start, end);
    },
  };
}

/** The repositories a registry may mount the image's blobs from: its base's repository (on any host: a mirror keeps the path). */
export function mountHints(base: Pick<Repository, 'path'> | undefined, adopted: Adopted): (host: string) => string[] {
  return (host) => [...new Set([...[...adopted.values()].filter((a) => a.origin.host === host).map((a) => a.origin.path), ...(base ? [base.path] : [])])];
}
