/**
 * `docker save` output (the legacy Docker archive: manifest.json, <config>.json and uncompressed
 * <id>/layer.tar entries) → an OCI image layout with gzip-compressed layers. Streams the archive
 * straight from `docker save`: each layer is compressed and hashed on its way to disk.
 */
import { createGzip } from 'node:zlib';
import { posix } from 'node:path';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import {
  Digester,
  initLayout,
  MediaType,
  REF_NAME,
  writeBlobBytes,
  writeBlobStream,
  writeIndex,
  type Descriptor,
  type ImageManifest,
  type LayoutImage,
} from './layout.js';

interface SaveManifestEntry {
  Config: string;
  RepoTags: string[] | null;
  Layers: string[];
}

/** The image as written to the layout (what the push reads), plus Docker's image id. */
export interface ConvertedImage extends LayoutImage {
  /** The config digest, which is Docker's image id. */
  configDigest: string;
}

interface LayerBlob {
  digest: string;
  size: number;
  diffId: string;
}

async function readAll(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Converts a `docker save` archive of one image into the OCI layout at `layoutDir`. */
export async function convertDockerSave(archive: Readable, layoutDir: string, refName?: string): Promise<ConvertedImage> {
  await initLayout(layoutDir);
  const layers = new Map<string, LayerBlob>();
  const jsonFiles = new Map<string, Buffer>();
  const links = new Map<string, string>(); // docker save links a repeated layer to its first copy
  const extract = tar.extract();
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      const name = header.name.replace(/^\.\//, '');
      const entry = stream as unknown as AsyncIterable<Buffer>; // tar-stream entries are streamx streams that yield Buffers
      const work = (async () => {
        if (header.type === 'file' && name.endsWith('.tar')) {
          const uncompressed = new Digester();
          const blob = await writeBlobStream(layoutDir, Readable.from(entry), uncompressed, createGzip({ level: 6 }));
          layers.set(name, { ...blob, diffId: uncompressed.digest() });
        } else if (header.type === 'symlink' && header.linkname) {
          links.set(name, posix.normalize(posix.join(posix.dirname(name), header.linkname)));
          for await (const _ of entry) void _;
        } else if (header.type === 'file' && name.endsWith('.json')) {
          jsonFiles.set(name, await readAll(entry));
        } else {
          for await (const _ of entry) void _; // directories, VERSION files, …
        }
      })();
      work.then(
        () => next(),
        (e: unknown) => {
          extract.destroy(e as Error);
          reject(e);
        },
      );
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  archive.on('error', (e) => extract.destroy(e));
  archive.pipe(extract);
  await done;

  const saveManifest = jsonFiles.get('manifest.json');
  if (!saveManifest) throw new Error('docker save output has no manifest.json');
  const entries = JSON.parse(saveManifest.toString('utf8')) as SaveManifestEntry[];
  const entry = entries[0];
  if (!entry || entries.length !== 1) throw new Error(`docker save output holds ${entries.length} images; expected exactly one`);
  const configBytes = jsonFiles.get(entry.Config);
  if (!configBytes) throw new Error(`docker save output lacks the image config ${entry.Config}`);
  const config = JSON.parse(configBytes.toString('utf8')) as { rootfs?: { diff_ids?: string[] } };

  const layerDescriptors: Descriptor[] = entry.Layers.map((path, i) => {
    const layer = layers.get(path) ?? layers.get(links.get(path) ?? '');
    if (!layer) throw new Error(`docker save output lacks layer ${path}`);
    const expected = config.rootfs?.diff_ids?.[i];
    if (expected && expected !== layer.diffId) throw new Error(`layer ${path}: content ${layer.diffId} does not match the config's diff id ${expected}`);
    return { mediaType: MediaType.ociLayerGzip, digest: layer.digest, size: layer.size };
  });
  const configBlob = await writeBlobBytes(layoutDir, configBytes);
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: { mediaType: MediaType.ociConfig, digest: configBlob.digest, size: configBlob.size },
    layers: layerDescriptors,
  };
  const manifestBytes = Buffer.from(JSON.stringify(manifest));
  const manifestBlob = await writeBlobBytes(layoutDir, manifestBytes);
  const descriptor: Descriptor = {
    mediaType: MediaType.ociManifest,
    digest: manifestBlob.digest,
    size: manifestBlob.size,
    ...(refName ? { annotations: { [REF_NAME]: refName } } : {}),
  };
  await writeIndex(layoutDir, [descriptor]);
  return { descriptor, manifestBytes, manifest, configDigest: configBlob.digest };
}
