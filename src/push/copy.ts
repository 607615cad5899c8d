/**
 * Registry → registry copy by digest: fetch the source's manifest (an index with every platform,
 * or one image), then push that graph with the engine, streaming each blob the destination lacks
 * straight from the source. Destinations on the source's own registry mount instead of copying.
 */
import type { Reference } from '../core/reference.js';
import type { RegistryClient } from '../registry/client.js';
import { pushGraph, type EngineOptions, type PushTarget, type RegistryReport } from './engine.js';
import { fetchGraph, graphSize, registrySource, type ImageGraph } from '../oci/graph.js';

export interface CopyResult {
  digest: string;
  mediaType: string;
  /** Bytes of the image: its blobs and manifests (for an index, every platform). */
  size: number;
  reports: RegistryReport[];
}

export async function copyImage(source: Reference, targets: readonly PushTarget[], options: EngineOptions): Promise<CopyResult> {
  const client = options.clientFor(source.host);
  const graph = await fetchGraph(client, source.path, source.digest ?? source.tag ?? 'latest');
  return copyGraph(client, source, graph, targets, options);
}

/** Copies a graph already fetched from `source` (the caller may have read it first, e.g. for mount hints). */
export async function copyGraph(
  client: RegistryClient,
  source: Reference,
  graph: ImageGraph,
  targets: readonly PushTarget[],
  options: EngineOptions,
): Promise<CopyResult> {
  const reports = await pushGraph(graph, registrySource(client, source.path), targets, {
    ...options,
    mountFrom: (host) => [...(host === source.host ? [source.path] : []), ...(options.mountFrom?.(host) ?? [])],
  });
  return { digest: graph.root.digest, mediaType: graph.root.mediaType, size: graphSize(graph), reports };
}
