/** cosign's tagged artefacts carried along with an image copied by digest (promote). */
import type { Reference } from '../core/reference.js';
import { fetchGraph, registrySource, type ImageGraph } from '../oci/graph.js';
import { pushGraph, type EngineOptions, type PushTarget, type RegistryReport } from '../push/engine.js';
import type { RegistryClient } from '../registry/client.js';
import type { TaggedArtefact } from './artefacts.js';

/**
 * Copies the tagged artefacts (`.sig`, `.att`, `.sbom`) of `subjects` from the source repository to
 * every target, each under its own tag — the image is copied by digest, so the names stay true.
 * Referrers are not here: they travel with the image graph (`withReferrers`).
 */
export async function copyTaggedArtefacts(
  client: RegistryClient,
  source: Reference,
  found: readonly TaggedArtefact[],
  targets: readonly PushTarget[],
  options: EngineOptions,
): Promise<{ copied: string[]; reports: RegistryReport[] }> {
  const copied: string[] = [];
  const reports: RegistryReport[] = [];
  for (const t of found) {
    const graph: ImageGraph = await fetchGraph(client, source.path, t.manifest.digest);
    const sent = await pushGraph(
      graph,
      registrySource(client, source.path),
      targets.map((target) => ({ repository: target.repository, tags: [t.tag] })),
      { ...options, mountFrom: (host) => [...(host === source.host ? [source.path] : []), ...(options.mountFrom?.(host) ?? [])] },
    );
    reports.push(...sent);
    copied.push(t.tag);
  }
  return { copied, reports };
}
