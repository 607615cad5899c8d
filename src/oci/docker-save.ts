/**
 * `docker save` output → an OCI image layout. Both archive forms are read: Docker's legacy one
 * (manifest.json, <config>.json, uncompressed <id>/layer.tar) and the OCI-layout form of Docker 25+
 * (blobs/sha256/…, layers uncompressed or, with the containerd store, as their original
 * compressed blobs). Entries are told apart by their content, not their names.
 *
 * A layer is compressed only when it has to be: the archive is streamed to disk as it comes (each
 * layer hashed on the way: its diff id); the layers the caller names (the base's: Hoist puts the
 * base's own blob in their place) stay as they are, and each of the image's own layers is
 * gzip-compressed as soon as it is on disk — while the rest of the archive streams in — several at
 * once, its file times clamped first when the build is reproducible. The config, read last, checks
 * every layer's place.
 */
import { availableParallelism } from 'node:os';
import { posix } from 'node:path';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pLimit from 'p-limit';
import tar from 'tar-stream';
import type { LayerAudit } from '../core/builder.js';
import { streamAuditedLayer, streamBlob } from './layer-stream.js';
import { clampConfig, compressOwn, decompressor, type Config, type Kind, type LayerBlob } from './reproducible.js';
import {
  blobPath,
  Digester,
  initLayout,
  MediaType,
  REF_NAME,
  writeBlobBytes,
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

export interface ConvertOptions {
  /** The `org.opencontainers.image.ref.name` of the image in index.json. */
  refName?: string;
  /**
   * The diff ids of layers to leave uncompressed, because a base image's own compressed blob of the
   * same content will stand in the manifest for them: asked for each layer as soon as it is on disk
   * (an own layer is compressed right away), and for all of them once the config is read. The
   * answers must agree.
   */
  keepUncompressed?: (diffIds: readonly string[]) => Promise<ReadonlySet<string>>;
  /** Reproducible: file times in the image's own layers, and the config's times, clamped to this (Unix seconds). */
  epoch?: number;
  /** Reads each uncompressed layer as it streams to the layout, so that nothing reads it back for the audit. */
  audit?: LayerAudit;
}

/** The image as written to the layout (what the push reads). */
export interface ConvertedImage extends LayoutImage {
  /** The config digest: Docker's image id, unless the times were clamped. */
  configDigest: string;
  /** Own layers compressed, and their headers or PAX records whose times were clamped. */
  compressed: number;
  clamped: number;
}

/** A layer as it came out of the archive, in the layout under its own digest. */
type SavedLayer = LayerBlob;

const GZIP = Buffer.from([0x1f, 0x8b]);
const ZSTD = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);
const JSON_LIMIT = 64 * 1024 * 1024;

/** What an archive entry holds, from its first bytes. */
function sniff(head: Buffer): Kind | 'json' | 'other' {
  if (head.subarray(0, 2).equals(GZIP)) return 'gzip';
  if (head.subarray(0, 4).equals(ZSTD)) return 'zstd';
  if (head.length >= 512 && (head.toString('latin1', 257, 262) === 'ustar' || head.subarray(0, 512).every((b) => b === 0))) return 'tar';
  const first = head.toString('utf8').trimStart()[0];
  return first === '{' || first === '[' ? 'json' : 'other';
}

/** The first `n` bytes of a stream (fewer if it is shorter), and the whole stream to read on (the rest straight from the stream's own iterator). */
async function peek(stream: AsyncIterable<Buffer>, n: number): Promise<{ head: Buffer; all: AsyncIterable<Buffer> }> {
  const it = stream[Symbol.asyncIterator]();
  const seen: Buffer[] = [];
  let length = 0;
  let done = false;
  while (length < n) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    seen.push(r.value);
    length += r.value.length;
  }
  const head = Buffer.concat(seen);
  const rest: AsyncIterator<Buffer> = {
    next: () => {
      const value = seen.shift();
      if (value) return Promise.resolve({ value, done: false });
      return done ? Promise.resolve({ value: undefined, done: true }) : it.next();
    },
  };
  return { head, all: { [Symbol.asyncIterator]: () => rest } };
}

/** The diff id of a compressed blob in the layout: its content hashed once more, decompressed. */
async function diffIdOf(layoutDir: string, digest: string, kind: Kind): Promise<string> {
  const d = new Digester();
  d.resume(); // only the hash is wanted
  await pipeline([createReadStream(blobPath(layoutDir, digest)), ...decompressor(kind), d]);
  return d.digest();
}

/** Pass one: every entry of the archive — layers to the layout (each told to `onLayer` once written), JSON documents kept, links noted. */
async function readArchive(archive: Readable, layoutDir: string, onLayer: (layer: SavedLayer) => void, audit?: LayerAudit) {
  const layers = new Map<string, SavedLayer>();
  const json = new Map<string, Buffer>();
  const links = new Map<string, string>(); // docker save links a repeated layer to its first copy
  const extract = tar.extract();
  const entry = async (name: string, header: tar.Header, stream: AsyncIterable<Buffer>) => {
    if (header.type === 'symlink' && header.linkname) links.set(name, posix.normalize(posix.join(posix.dirname(name), header.linkname)));
    if (header.type !== 'file') {
      for await (const _ of stream) void _;
      return;
    }
    const { head, all } = await peek(stream, 512);
    const kind = sniff(head);
    if (kind === 'json' && (header.size ?? 0) <= JSON_LIMIT) {
      const chunks: Buffer[] = [];
      for await (const c of all) chunks.push(c);
      json.set(name, Buffer.concat(chunks));
    } else if (kind === 'tar' || kind === 'gzip' || kind === 'zstd') {
      // Hashed and written as it streams by; an uncompressed layer audited on the way.
      const blob = kind === 'tar' && audit ? await streamAuditedLayer(all, layoutDir, audit, header.size) : await streamBlob(all, layoutDir);
      const layer = { kind, ...blob, diffId: kind === 'tar' ? blob.digest : await diffIdOf(layoutDir, blob.digest, kind) };
      layers.set(name, layer);
      onLayer(layer);
    } else for await (const _ of all) void _; // VERSION files, the v1 `json` of each layer, …
  };
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      entry(header.name.replace(/^\.\//, ''), header, stream as unknown as AsyncIterable<Buffer>).then(
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
  return { layers, json, links };
}

/** Converts a `docker save` archive of one image into the OCI layout at `layoutDir`. */
export async function convertDockerSave(archive: Readable, layoutDir: string, options: ConvertOptions = {}): Promise<ConvertedImage> {
  await initLayout(layoutDir);
  const limit = pLimit(Math.max(1, Math.min(4, availableParallelism())));
  // What to keep is known layer by layer (the base's diff ids are learned while the image builds):
  // an own layer is compressed as soon as it is on disk, while the rest of the archive streams in
  // (zlib works off the main thread, which hashes what comes). A repeated layer is compressed once.
  type Compressed = { descriptor: Descriptor; diffId: string; clamped: number };
  const compressing = new Map<string, Promise<Compressed>>();
  const compress = (layer: SavedLayer): Promise<Compressed> => {
    const once = compressing.get(layer.digest) ?? limit(() => compressOwn(layoutDir, layer, options.epoch));
    compressing.set(layer.digest, once);
    return once;
  };
  const keeps = async (layer: SavedLayer) => (await options.keepUncompressed?.([layer.diffId]))?.has(layer.diffId) ?? false;
  const rewritten = (layer: SavedLayer) => layer.kind === 'tar' || options.epoch !== undefined;
  const early: Array<Promise<unknown>> = [];
  const onLayer = (layer: SavedLayer) => {
    if (!rewritten(layer)) return;
    const started = keeps(layer).then((keep) => (keep ? undefined : compress(layer)));
    started.catch(() => undefined); // awaited below, with the rest; not an unhandled rejection meanwhile
    early.push(started);
  };
  let read;
  try {
    read = await readArchive(archive, layoutDir, onLayer, options.audit);
  } finally {
    await Promise.allSettled(early); // nothing writes into the layout once this returns or throws
  }
  const { layers, json, links } = read;
  const saveManifest = json.get('manifest.json');
  if (!saveManifest) throw new Error('docker save output has no manifest.json');
  const entries = JSON.parse(saveManifest.toString('utf8')) as SaveManifestEntry[];
  const entry = entries[0];
  if (!entry || entries.length !== 1) throw new Error(`docker save output holds ${entries.length} images; expected exactly one`);
  const originalConfig = json.get(entry.Config);
  if (!originalConfig) throw new Error(`docker save output lacks the image config ${entry.Config}`);
  const config = JSON.parse(originalConfig.toString('utf8')) as Config;

  const saved = entry.Layers.map((path, i) => {
    const layer = layers.get(path) ?? layers.get(links.get(path) ?? '');
    if (!layer) throw new Error(`docker save output lacks layer ${path}`);
    const expected = config.rootfs?.diff_ids?.[i];
    if (expected && expected !== layer.diffId) throw new Error(`layer ${path}: content ${layer.diffId} does not match the config's diff id ${expected}`);
    return layer;
  });
  const keep = (await options.keepUncompressed?.(saved.map((l) => l.diffId))) ?? new Set<string>();
  const LAYER_TYPES: Record<Kind, string> = { tar: MediaType.ociLayer, gzip: MediaType.ociLayerGzip, zstd: 'application/vnd.oci.image.layer.v1.tar+zstd' };
  const converted = await Promise.all(
    saved.map((layer) => {
      if (keep.has(layer.diffId) || !rewritten(layer)) {
        return { descriptor: { mediaType: LAYER_TYPES[layer.kind], digest: layer.digest, size: layer.size }, diffId: layer.diffId, clamped: 0 };
      }
      return compress(layer);
    }),
  );
  const diffIds = converted.map((c) => c.diffId);
  const configBytes = options.epoch === undefined ? originalConfig : clampConfig(config, options.epoch, diffIds);
  const configBlob = await writeBlobBytes(layoutDir, configBytes);
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: { mediaType: MediaType.ociConfig, digest: configBlob.digest, size: configBlob.size },
    layers: converted.map((c) => c.descriptor),
  };
  const manifestBytes = Buffer.from(JSON.stringify(manifest));
  const manifestBlob = await writeBlobBytes(layoutDir, manifestBytes);
  const descriptor: Descriptor = {
    mediaType: MediaType.ociManifest,
    digest: manifestBlob.digest,
    size: manifestBlob.size,
    ...(options.refName ? { annotations: { [REF_NAME]: options.refName } } : {}),
  };
  await writeIndex(layoutDir, [descriptor]);
  return {
    descriptor,
    manifestBytes,
    manifest,
    configDigest: configBlob.digest,
    compressed: compressing.size,
    clamped: [...new Set(converted)].reduce((n, c) => n + c.clamped, 0),
  };
}
