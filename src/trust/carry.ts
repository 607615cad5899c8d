/**
 * cosign's tagged artefacts carried along with an image copied by digest (promote). A destination
 * whose `.sig` or `.att` already holds layers the source's lacks — a countersignature made there,
 * an earlier promotion of another signer's — keeps them: the manifest written there is the
 * destination's layers followed by the source's it lacks, as `cosign sign` appends (sign/attach.ts).
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { formatRepository, type Reference } from '../core/reference.js';
import { fetchGraph, registrySource, type BlobSource, type ImageGraph } from '../oci/graph.js';
import { pushGraph, type EngineOptions, type PushTarget, type RegistryReport } from '../push/engine.js';
import type { RegistryClient } from '../registry/client.js';
import { signatureManifest } from '../sign/attach.js';
import { layersOf, type TaggedArtefact } from './artefacts.js';

type Layer = ReturnType<typeof layersOf>[number];

const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const sameLayer = (a: Layer, b: Layer) => a.digest === b.digest && JSON.stringify(a.annotations ?? {}) === JSON.stringify(b.annotations ?? {});

/** The layers of `ours` the destination's `theirs` lacks, after theirs; undefined when theirs holds them all. Pure. */
export function mergedLayers(theirs: readonly Layer[], ours: readonly Layer[]): Layer[] | undefined {
  const missing = ours.filter((l) => !theirs.some((t) => sameLayer(t, l)));
  return missing.length ? [...theirs, ...missing] : undefined;
}

/**
 * Copies the tagged artefacts (`.sig`, `.att`, `.sbom`) from the source repository to every target,
 * each under its own tag — the image is copied by digest, so the names stay true. Referrers are not
 * here: they travel with the image graph (`withReferrers`).
 */
export async function copyTaggedArtefacts(
  client: RegistryClient,
  source: Reference,
  found: readonly TaggedArtefact[],
  targets: readonly PushTarget[],
  options: EngineOptions,
): Promise<{ copied: string[]; reports: RegistryReport[] }> {
  const reports: RegistryReport[] = [];
  const fromSource = registrySource(client, source.path);
  const mountFrom = (host: string) => [...(host === source.host ? [source.path] : []), ...(options.mountFrom?.(host) ?? [])];
  for (const t of found) {
    const graph: ImageGraph = await fetchGraph(client, source.path, t.manifest.digest);
    for (const target of targets) {
      const plan = await withDestinationLayers(options.clientFor(target.repository.host), target, t, graph);
      if (!plan) continue; // the destination's holds every layer already
      const blobs = plan.blobs ? plan.blobs(fromSource) : fromSource;
      reports.push(...(await pushGraph(plan.graph, blobs, [{ repository: target.repository, tags: [t.tag] }], { ...options, mountFrom })));
    }
  }
  return { copied: found.map((t) => t.tag), reports };
}

/** The graph to write at one destination: the source's, or — a `.sig`/`.att` there holding other layers — the union; undefined when it holds them all. */
async function withDestinationLayers(
  dest: RegistryClient,
  target: PushTarget,
  t: TaggedArtefact,
  graph: ImageGraph,
): Promise<{ graph: ImageGraph; blobs?: (source: BlobSource) => BlobSource } | undefined> {
  if (t.kind === 'sbom') return { graph };
  const there = await dest.getManifest(target.repository.path, t.tag);
  if (!there || there.digest === graph.root.digest) return { graph };
  let theirs: Layer[];
  try {
    theirs = layersOf(there);
  } catch {
    throw new Error(`${formatRepository(target.repository)}:${t.tag} exists and is not a manifest with layers: not overwritten`);
  }
  const layers = mergedLayers(theirs, layersOf(t.manifest));
  if (!layers) return undefined;
  const { bytes, config } = signatureManifest(layers);
  const configDigest = sha256(config);
  const root = { digest: sha256(bytes), mediaType: 'application/vnd.oci.image.manifest.v1+json', bytes };
  const merged: ImageGraph = {
    root,
    children: [],
    blobs: [{ mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length }, ...layers],
  };
  // The new config from memory; the layers the destination lacks stream from the source (those it holds are skipped).
  return {
    graph: merged,
    blobs: (source) => ({
      name: source.name,
      open: async (digest, start, end) => (digest === configDigest ? Readable.from([config.subarray(start, end)]) : source.open(digest, start, end)),
    }),
  };
}
