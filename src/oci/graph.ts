/**
 * What is pushed or copied: an image graph (a root manifest or index, its child manifests, and
 * every blob they name) and a source that opens any of those blobs from a byte offset. Sources are
 * an OCI layout on disk or a repository in a registry; the push engine does not care which.
 */
import { open as openFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { readFile } from 'node:fs/promises';
import { keepHeapSmall } from '../core/heap.js';
import { blobPath, MediaType, type Descriptor, type LayoutImage, type LayoutRoot } from './layout.js';
import type { Referrer, RegistryClient } from '../registry/client.js';
import { ConfigError } from '../core/errors.js';
import { RegistryError } from '../registry/errors.js';
import { formatPlatform, isRealPlatform } from './platform.js';

export interface ManifestNode {
  digest: string;
  mediaType: string;
  bytes: Buffer;
}

export interface ImageGraph {
  /** The manifest or index that tags point at. */
  root: ManifestNode;
  /** Child manifests of an index, in the order they must be pushed (before the root). */
  children: ManifestNode[];
  /** Every config and layer blob of every manifest, deduplicated (the referrers' too). */
  blobs: Descriptor[];
  /**
   * Manifests whose `subject` is the root or a child (attestations, signatures): pushed after
   * what they refer to, listed by the registry's referrers API or, without it, the fallback tag.
   */
  referrers?: ManifestNode[];
}

export interface BlobSource {
  /** A description for logs (`layout /tmp/x`, `registry.acme/app`). */
  name: string;
  /**
   * Bytes [start, end) of a blob. Sources may reuse their buffers, so a consumer must be done with
   * a chunk — written out, or copied — before it asks for the next one. A source may lend its
   * buffers (`LentChunks`): they are reused only after the consumer calls `release()`.
   */
  open(digest: string, start: number, end: number): Promise<AsyncIterable<Buffer>>;
  /** Where one blob comes from, for messages, when the source joins several (`registry/repo`). */
  origin?(digest: string): string;
}

const INDEX_TYPES = new Set<string>([MediaType.ociIndex, MediaType.dockerManifestList]);

interface ParsedManifest {
  mediaType?: string;
  config?: Descriptor;
  layers?: Descriptor[];
  manifests?: Descriptor[];
  subject?: Descriptor;
}

export function isIndex(mediaType: string): boolean {
  return INDEX_TYPES.has(mediaType);
}

/** The config and layers a manifest names. */
export function blobsOf(node: ManifestNode): Descriptor[] {
  const m = JSON.parse(node.bytes.toString('utf8')) as ParsedManifest;
  return [...(m.config ? [m.config] : []), ...(m.layers ?? [])];
}

function dedupe(blobs: Descriptor[]): Descriptor[] {
  return [...new Map(blobs.map((b) => [b.digest, b])).values()];
}

/** The graph of one image manifest (what the builders produce). */
export function imageGraph(image: LayoutImage): ImageGraph {
  const root = { digest: image.descriptor.digest, mediaType: image.descriptor.mediaType, bytes: image.manifestBytes };
  return { root, children: [], blobs: dedupe(blobsOf(root)) };
}

/** Size of the reads from a layout: large enough for few socket writes, small enough to stay cache-friendly. */
const READ_SIZE = 256 * 1024;

/** The graph of a layout's root: one manifest, or an index with every platform's manifest. */
export async function layoutGraph(layoutDir: string, root: LayoutRoot): Promise<ImageGraph> {
  const rootNode = { digest: root.descriptor.digest, mediaType: root.descriptor.mediaType, bytes: root.bytes };
  if (!isIndex(root.descriptor.mediaType)) return { root: rootNode, children: [], blobs: dedupe(blobsOf(rootNode)) };
  const index = JSON.parse(root.bytes.toString('utf8')) as ParsedManifest;
  const children: ManifestNode[] = [];
  for (const d of index.manifests ?? []) {
    if (isIndex(d.mediaType)) throw new Error(`${layoutDir}: nested indexes are not supported (${d.digest})`);
    children.push({ digest: d.digest, mediaType: d.mediaType, bytes: await readFile(blobPath(layoutDir, d.digest)) });
  }
  return { root: rootNode, children, blobs: dedupe(children.flatMap(blobsOf)) };
}

export function layoutSource(layoutDir: string, buffers: BufferPool = readBuffers): BlobSource {
  keepHeapSmall(); // blobs about to stream: V8's young generation stays at the size it has (core/heap.ts)
  return {
    name: `layout ${layoutDir}`,
    open: async (digest, start, end) => readRange(blobPath(layoutDir, digest), start, end, buffers),
  };
}

/**
 * Chunks whose buffers a source lends: `release()` says the consumer holds none of them any more
 * (every one written out — flushed from the socket, not just queued on it — or copied). Only then,
 * and once the source has stopped reading, do they go back to the source's pool; a consumer that
 * never calls it leaves them to the garbage collector, which is always safe.
 */
export interface LentChunks extends AsyncIterable<Buffer> {
  release(): void;
}

/** Gives the buffers of `chunks` back to their source, when it lent them (see `LentChunks`). */
export function releaseChunks(chunks: AsyncIterable<Buffer>): void {
  (chunks as Partial<LentChunks>).release?.();
}

/**
 * A bounded free list of equal-sized read buffers. Opening a blob used to allocate two fresh
 * 256 KiB buffers, which lingered until V8 collected them: with many layers pushed to several
 * registries that garbage, not the data in flight, set the peak RSS. A buffer comes back only
 * through `LentChunks.release`; beyond `keep` free buffers, returned ones are dropped.
 */
export class BufferPool {
  readonly #free: Buffer[] = [];
  constructor(
    readonly size: number,
    readonly keep: number,
  ) {}
  take(): Buffer {
    return this.#free.pop() ?? Buffer.allocUnsafeSlow(this.size);
  }
  give(buffer: Buffer): void {
    if (buffer.length === this.size && this.#free.length < this.keep && !this.#free.includes(buffer)) this.#free.push(buffer);
  }
  get free(): number {
    return this.#free.length;
  }
}

/** At most 8 MiB idle: enough for 16 blob uploads in flight to start without allocating. */
const readBuffers = new BufferPool(READ_SIZE, 32);

/**
 * Reads [start, end) of a file into two buffers used in turn, reading the next chunk while the
 * consumer writes the current one. Memory stays at two buffers per open blob whatever its size.
 * Safe under the `BlobSource` contract: the buffer being refilled held the chunk before the
 * current one, which the consumer finished before asking for this one. The last chunk may still
 * sit on a socket when the consumer asks for the end (a write below the socket's high-water mark
 * returns at once), so the buffers go back to `buffers` only on `release()` (see `LentChunks`).
 */
async function readRange(path: string, start: number, end: number, buffers: BufferPool): Promise<LentChunks> {
  const file = await openFile(path, 'r');
  const pooled = end - start >= buffers.size;
  const lent: Buffer[] = [];
  let stopped = false;
  let released = false;
  const giveBack = () => {
    if (stopped && released) for (const b of lent.splice(0)) buffers.give(b);
  };
  const buffer = (turn: number): Buffer => {
    while (lent.length <= turn) lent.push(pooled ? buffers.take() : Buffer.allocUnsafeSlow(Math.max(1, end - start)));
    return lent[turn]!;
  };
  let next: Promise<{ bytesRead: number }> | undefined;
  async function* chunks(): AsyncGenerator<Buffer> {
    try {
      let position = start;
      let turn = 0;
      const read = (into: Buffer, at: number) => file.read(into, 0, Math.min(into.length, end - at), at);
      next = position < end ? read(buffer(0), position) : undefined;
      while (next) {
        const { bytesRead } = await next;
        if (bytesRead === 0) throw new Error(`${path} ended ${end - position} bytes early`);
        const chunk = lent[turn]!.subarray(0, bytesRead);
        position += bytesRead;
        turn = 1 - turn;
        next = position < end ? read(buffer(turn), position) : undefined;
        yield chunk;
      }
    } finally {
      await next?.catch(() => undefined); // a read ahead still in flight when the consumer stopped
      await file.close();
      stopped = true;
      giveBack();
    }
  }
  return Object.assign(chunks(), {
    release: () => {
      released = true;
      giveBack();
    },
  });
}

/** Bytes of a blob fetched from a registry, cut to [start, end). */
export function registrySource(client: RegistryClient, repository: string): BlobSource {
  return {
    name: `${client.host}/${repository}`,
    open: async (digest, start, end) => {
      const body = await client.fetchBlob(repository, digest, start);
      return limit(body, end - start); // fresh chunks from the network: nothing is reused
    },
  };
}

/** Passes exactly `length` bytes of `source` on, then ends (and stops reading the source). */
function limit(source: Readable, length: number): AsyncIterable<Buffer> {
  async function* take(): AsyncGenerator<Buffer> {
    let left = length;
    try {
      for await (const chunk of source as AsyncIterable<Buffer>) {
        const piece = chunk.length > left ? chunk.subarray(0, left) : chunk;
        left -= piece.length;
        yield piece;
        if (left <= 0) return;
      }
      if (left > 0) throw new Error(`the source ended ${left} bytes early`);
    } finally {
      source.destroy();
    }
  }
  return take();
}

/**
 * Fetches the graph a reference names in a registry: the manifest or index and, for an index,
 * every platform's manifest (all platforms are copied). Digests are verified on the way.
 * `input` names the input the reference came from, when the user gave it.
 */
export async function fetchGraph(client: RegistryClient, repository: string, reference: string, input?: string): Promise<ImageGraph> {
  const root = await client.getManifest(repository, reference);
  // A reference the user gave (`input`) that names nothing is the input's error (exit 2), as inspect's.
  if (!root && input) throw new ConfigError([{ input, message: `${client.host}/${repository}: no manifest ${reference}: no such image in its registry` }]);
  if (!root) {
    throw new RegistryError(`${client.host}/${repository}: no manifest ${reference}`, {
      registry: client.host,
      repository,
      status: 404,
      code: 'MANIFEST_UNKNOWN',
      retryable: false,
    });
  }
  const rootNode = { digest: root.digest, mediaType: root.mediaType, bytes: root.bytes };
  if (!isIndex(root.mediaType)) return { root: rootNode, children: [], blobs: dedupe(blobsOf(rootNode)) };
  const index = JSON.parse(root.bytes.toString('utf8')) as ParsedManifest;
  const children: ManifestNode[] = [];
  for (const d of index.manifests ?? []) {
    if (isIndex(d.mediaType))
      throw new RegistryError(`${client.host}/${repository}: nested indexes are not supported (${d.digest})`, {
        registry: client.host,
        repository,
        retryable: false,
      });
    const m = await client.getManifest(repository, d.digest);
    if (!m)
      throw new RegistryError(`${client.host}/${repository}: the index names ${d.digest}, which the registry does not have`, {
        registry: client.host,
        repository,
        status: 404,
        code: 'MANIFEST_UNKNOWN',
        retryable: false,
      });
    children.push({ digest: m.digest, mediaType: m.mediaType || d.mediaType, bytes: m.bytes });
  }
  return { root: rootNode, children, blobs: dedupe(children.flatMap(blobsOf)) };
}

/** A referrer's entry in a referrers index, and the digest of its subject. */
export function referrerEntry(node: ManifestNode): { subject: string; entry: Referrer } {
  const m = JSON.parse(node.bytes.toString('utf8')) as ParsedManifest & { artifactType?: string; annotations?: Record<string, string> };
  if (!m.subject) throw new Error(`manifest ${node.digest} has no subject`);
  const artifactType = m.artifactType ?? m.config?.mediaType;
  return {
    subject: m.subject.digest,
    entry: {
      mediaType: node.mediaType,
      digest: node.digest,
      size: node.bytes.length,
      ...(artifactType ? { artifactType } : {}),
      ...(m.annotations ? { annotations: m.annotations } : {}),
    },
  };
}

/** The graph with the referrers of its root and children in the registry (attestations, signatures), so a copy keeps them. */
export async function withReferrers(client: RegistryClient, repository: string, graph: ImageGraph): Promise<ImageGraph> {
  const referrers: ManifestNode[] = [];
  for (const node of [graph.root, ...graph.children]) {
    for (const r of await client.referrers(repository, node.digest)) {
      if (isIndex(r.mediaType) || referrers.some((x) => x.digest === r.digest)) continue;
      const m = await client.getManifest(repository, r.digest);
      if (m) referrers.push({ digest: m.digest, mediaType: m.mediaType || r.mediaType, bytes: m.bytes });
    }
  }
  return addReferrers(graph, referrers);
}

/** The graph with `referrers` (and their blobs) added. */
export function addReferrers(graph: ImageGraph, referrers: readonly ManifestNode[]): ImageGraph {
  if (!referrers.length) return graph;
  return { ...graph, referrers: [...(graph.referrers ?? []), ...referrers], blobs: dedupe([...graph.blobs, ...referrers.flatMap(blobsOf)]) };
}

/** Total bytes of the graph's blobs and manifests. */
export function graphSize(graph: ImageGraph): number {
  return graph.blobs.reduce((n, b) => n + b.size, 0) + [graph.root, ...graph.children, ...(graph.referrers ?? [])].reduce((n, c) => n + c.bytes.length, 0);
}

/** The real platforms an index lists (`os/arch[/variant]`), attestation entries left out; empty for one image manifest. */
export function indexPlatforms(graph: Pick<ImageGraph, 'root'>): string[] {
  if (!isIndex(graph.root.mediaType)) return [];
  const index = JSON.parse(graph.root.bytes.toString('utf8')) as { manifests?: Descriptor[] };
  return (index.manifests ?? []).flatMap((m) => (isRealPlatform(m.platform) ? [formatPlatform(m.platform)] : []));
}

/** The platforms of a layout's image: an index's, or the one its config names. */
export async function layoutPlatforms(layoutDir: string, graph: ImageGraph): Promise<string[]> {
  if (isIndex(graph.root.mediaType)) return indexPlatforms(graph);
  const manifest = JSON.parse(graph.root.bytes.toString('utf8')) as ParsedManifest;
  if (!manifest.config) return [];
  const config = JSON.parse(await readFile(blobPath(layoutDir, manifest.config.digest), 'utf8')) as { os?: string; architecture?: string; variant?: string };
  return config.os && config.architecture
    ? [formatPlatform({ os: config.os, architecture: config.architecture, ...(config.variant ? { variant: config.variant } : {}) })]
    : [];
}
