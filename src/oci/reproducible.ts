/**
 * Reproducible images: the layers an image's build made get their file times clamped to an epoch
 * (`tar-times.ts`) and are compressed again, deterministically; the config's times follow. Used by
 * the docker path while it converts `docker save`, and on buildah's layout — whose `--timestamp`
 * does not reach layers served from its cache — so a rebuild gives one digest, cached or not.
 */
import { createReadStream } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import type { Transform } from 'node:stream';
import { createGunzip, createGzip, createZstdDecompress } from 'node:zlib';
import { ClampTimes } from './tar-times.js';
import { blobPath, Digester, MediaType, readLayoutRoot, writeBlobBytes, writeBlobStream, writeIndex, type Descriptor, type ImageManifest } from './layout.js';

export type Kind = 'tar' | 'gzip' | 'zstd';

export interface Config {
  created?: string;
  history?: Array<{ created?: string }>;
  rootfs?: { diff_ids?: string[] };
}

/** A layer blob in the layout, with what it is compressed with and its diff id. */
export interface LayerBlob {
  kind: Kind;
  digest: string;
  size: number;
  diffId: string;
}

export const decompressor = (kind: Kind): Transform[] => (kind === 'gzip' ? [createGunzip()] : kind === 'zstd' ? [createZstdDecompress()] : []);

/** A layer's compression from its media type; undefined for types Hoist does not rewrite. */
export function kindOf(mediaType: string): Kind | undefined {
  if (/\.tar\+gzip$|rootfs\.diff\.tar\.gzip$/.test(mediaType)) return 'gzip';
  if (/\.tar\+zstd$/.test(mediaType)) return 'zstd';
  if (/\.layer\.v1\.tar$|rootfs\.diff\.tar$/.test(mediaType)) return 'tar';
  return undefined;
}

/** A layer gzip-compressed again (its times clamped first, with an epoch); the old blob removed. */
export async function compressOwn(layoutDir: string, layer: LayerBlob, epoch: number | undefined) {
  const clamp = epoch === undefined ? undefined : new ClampTimes(epoch);
  const content = new Digester();
  const source = createReadStream(blobPath(layoutDir, layer.digest), { highWaterMark: 256 * 1024 });
  const blob = await writeBlobStream(layoutDir, source, ...decompressor(layer.kind), ...(clamp ? [clamp] : []), content, createGzip({ level: 6 }));
  if (blob.digest !== layer.digest) await rm(blobPath(layoutDir, layer.digest), { force: true });
  return { descriptor: { mediaType: MediaType.ociLayerGzip, digest: blob.digest, size: blob.size }, diffId: content.digest(), clamped: clamp?.clamped ?? 0 };
}

/** The config with its times clamped to the epoch and the layers' new diff ids. */
export function clampConfig(config: Config, epoch: number, diffIds: readonly string[]): Buffer {
  const at = new Date(epoch * 1000).toISOString().replace(/\.000Z$/, 'Z');
  const later = (t: string | undefined) => t === undefined || Number.isNaN(Date.parse(t)) || Date.parse(t) > epoch * 1000;
  const history = config.history?.map((h) => (later(h.created) ? { ...h, created: at } : h));
  return Buffer.from(
    JSON.stringify({ ...config, created: at, ...(history ? { history } : {}), rootfs: { ...config.rootfs, type: 'layers', diff_ids: diffIds } }),
  );
}

/**
 * Clamps the image of a layout: every layer not in `keep` (the base's, by diff id) rewritten, the
 * config and manifest after them. Returns the number of tar headers and PAX records changed.
 */
export async function clampLayoutTimes(layoutDir: string, epoch: number, keep: ReadonlySet<string>): Promise<number> {
  const root = await readLayoutRoot(layoutDir);
  const manifest = JSON.parse(root.bytes.toString('utf8')) as ImageManifest;
  if (!manifest.config || !manifest.layers) throw new Error('reproducible: the builder wrote an index, not one image: Hoist cannot clamp its times');
  const config = JSON.parse(await readFile(blobPath(layoutDir, manifest.config.digest), 'utf8')) as Config;
  const diffIds = config.rootfs?.diff_ids ?? [];
  if (diffIds.length !== manifest.layers.length)
    throw new Error(`reproducible: the config names ${diffIds.length} layers, the manifest ${manifest.layers.length}`);
  let clamped = 0;
  const layers: Descriptor[] = [];
  const newIds: string[] = [];
  for (const [i, layer] of manifest.layers.entries()) {
    const kind = kindOf(layer.mediaType);
    if (keep.has(diffIds[i]!) || !kind) {
      layers.push(layer);
      newIds.push(diffIds[i]!);
      continue;
    }
    const done = await compressOwn(layoutDir, { kind, digest: layer.digest, size: layer.size, diffId: diffIds[i]! }, epoch);
    layers.push(done.descriptor);
    newIds.push(done.diffId);
    clamped += done.clamped;
  }
  const configBlob = await writeBlobBytes(layoutDir, clampConfig(config, epoch, newIds));
  const bytes = Buffer.from(JSON.stringify({ ...manifest, config: { ...manifest.config, digest: configBlob.digest, size: configBlob.size }, layers }));
  const written = await writeBlobBytes(layoutDir, bytes);
  await writeIndex(layoutDir, [{ ...root.descriptor, digest: written.digest, size: written.size }]);
  return clamped;
}
