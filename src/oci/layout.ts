/**
 * The OCI image layout on disk (image-spec `image-layout.md`): `oci-layout`, `index.json` and
 * content-addressed `blobs/sha256/…`. Blobs are written through a hash as they stream in, never
 * held whole in memory.
 */
import { onDiskFull } from './disk.js';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomBytes } from 'node:crypto';

export const MediaType = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
} as const;

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  platform?: { architecture: string; os: string; variant?: string };
}

export interface ImageManifest {
  schemaVersion: 2;
  mediaType: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}

export interface LayoutImage {
  /** The manifest descriptor from index.json. */
  descriptor: Descriptor;
  /** The manifest's exact bytes (what is pushed, so the digest stays the same). */
  manifestBytes: Buffer;
  manifest: ImageManifest;
}

export const REF_NAME = 'org.opencontainers.image.ref.name';

export function blobPath(layoutDir: string, digest: string): string {
  const [algorithm, hex] = digest.split(':');
  if (algorithm !== 'sha256' || !hex || !/^[a-f0-9]{64}$/.test(hex)) throw new Error(`unsupported digest '${digest}'`);
  return join(layoutDir, 'blobs', 'sha256', hex);
}

/** Creates an empty layout (or keeps an existing one). */
export async function initLayout(layoutDir: string): Promise<void> {
  await onDiskFull(layoutDir, 'a new OCI layout', async () => {
    await mkdir(join(layoutDir, 'blobs', 'sha256'), { recursive: true });
    await writeFile(join(layoutDir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  });
}

/** A pass-through stream that counts and hashes what flows through it. */
export class Digester extends Transform {
  readonly #hash = createHash('sha256');
  size = 0;
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: (e?: Error | null, data?: Buffer) => void): void {
    this.#hash.update(chunk);
    this.size += chunk.length;
    done(null, chunk);
  }
  digest(): string {
    return `sha256:${this.#hash.digest('hex')}`;
  }
}

/** How much a blob's writer holds while the disk catches up: a pipe's 64 KiB chunks are then written several at once. */
const WRITE_AHEAD = 1024 * 1024;

/** Streams `source` (optionally through transforms) into the layout; returns its digest and size. */
export async function writeBlobStream(layoutDir: string, source: Readable, ...transforms: Transform[]): Promise<{ digest: string; size: number }> {
  const tmp = join(layoutDir, 'blobs', `.tmp-${randomBytes(8).toString('hex')}`);
  const digester = new Digester();
  try {
    await onDiskFull(layoutDir, `a blob of the OCI layout (${digester.size} bytes written so far)`, () =>
      // 1 MiB, not 16 KiB: the source reads on while a write is in flight, and what arrived meanwhile goes out in one writev.
      pipeline([source, ...transforms, digester, createWriteStream(tmp, { mode: 0o644, highWaterMark: WRITE_AHEAD })]),
    );
    const digest = digester.digest();
    await rename(tmp, blobPath(layoutDir, digest));
    return { digest, size: digester.size };
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

export async function writeBlobBytes(layoutDir: string, bytes: Buffer): Promise<{ digest: string; size: number }> {
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  await onDiskFull(layoutDir, `blob ${digest} of the OCI layout (${bytes.length} bytes)`, () => writeFile(blobPath(layoutDir, digest), bytes));
  return { digest, size: bytes.length };
}

export async function writeIndex(layoutDir: string, manifests: Descriptor[]): Promise<void> {
  const index = { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests };
  await onDiskFull(layoutDir, "the OCI layout's index.json", () => writeFile(join(layoutDir, 'index.json'), JSON.stringify(index, null, 2)));
}

/** The manifest or index a layout's index.json names first, with its exact bytes. */
export interface LayoutRoot {
  descriptor: Descriptor;
  bytes: Buffer;
}

export async function readLayoutRoot(layoutDir: string): Promise<LayoutRoot> {
  const index = JSON.parse(await readFile(join(layoutDir, 'index.json'), 'utf8')) as { manifests?: Descriptor[] };
  const descriptor = index.manifests?.[0];
  if (!descriptor || index.manifests!.length !== 1)
    throw new Error(`${layoutDir}/index.json names ${index.manifests?.length ?? 0} images; expected exactly one`);
  return { descriptor, bytes: await readFile(blobPath(layoutDir, descriptor.digest)) };
}

/**
 * Adds annotations to the root manifest or index (a new blob: the digest changes) and points
 * index.json at it, named `refName`. With no annotations the root stays as the builder wrote it.
 */
export async function annotateLayoutRoot(layoutDir: string, annotations: ReadonlyArray<readonly [string, string]>, refName?: string): Promise<LayoutRoot> {
  let { descriptor, bytes } = await readLayoutRoot(layoutDir);
  if (annotations.length) {
    const root = JSON.parse(bytes.toString('utf8')) as { annotations?: Record<string, string> };
    root.annotations = { ...root.annotations, ...Object.fromEntries(annotations) };
    bytes = Buffer.from(JSON.stringify(root));
    const written = await writeBlobBytes(layoutDir, bytes);
    descriptor = { mediaType: descriptor.mediaType, digest: written.digest, size: written.size };
  }
  const { annotations: _old, ...plain } = descriptor;
  descriptor = refName ? { ...plain, annotations: { [REF_NAME]: refName } } : plain;
  await writeIndex(layoutDir, [descriptor]);
  return { descriptor, bytes };
}

/** Reads the single image manifest a layout's index.json points at. */
export async function readLayoutImage(layoutDir: string): Promise<LayoutImage> {
  const index = JSON.parse(await readFile(join(layoutDir, 'index.json'), 'utf8')) as { manifests?: Descriptor[] };
  const descriptor = index.manifests?.find((m) => m.mediaType === MediaType.ociManifest || m.mediaType === MediaType.dockerManifest);
  if (!descriptor) throw new Error(`${layoutDir}/index.json names no image manifest`);
  const manifestBytes = await readFile(blobPath(layoutDir, descriptor.digest));
  const manifest = JSON.parse(manifestBytes.toString('utf8')) as ImageManifest;
  return { descriptor, manifestBytes, manifest };
}
