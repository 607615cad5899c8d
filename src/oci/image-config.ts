/**
 * An image as a registry holds it, read through the registry client: its labels, annotations and
 * created time (an index: its first platform's), or what it is when it is no image of its own — a
 * signature, an attestation, an SBOM, a referrer. Read by the push (release tags), the tag listing,
 * stale and the hierarchy's lookups.
 */
import type { RegistryClient } from '../registry/client.js';
import { readLimited, BODY_LIMITS } from '../registry/transport/http.js';
import { isIndex } from './graph.js';

/** Media types of signatures, attestations and SBOMs (cosign, sigstore bundles, DSSE/in-toto, Notary, SPDX, CycloneDX). */
const SIGNING_TYPE = /cosign|sigstore|dsse|in-toto|intoto|notary|notation|spdx|cyclonedx|syft|sbom|attestation|signature|provenance|vex/i;

/** What a manifest is when it is not an image of its own: one with a `subject`, an `artifactType`, or a signing media type. */
export function artefactOf(manifest: Buffer): string | undefined {
  let m: { subject?: { digest?: string }; artifactType?: string; config?: { mediaType?: string }; layers?: Array<{ mediaType?: string }> };
  try {
    m = JSON.parse(manifest.toString('utf8')) as typeof m;
  } catch {
    return undefined;
  }
  if (m.subject) return `a referrer of ${m.subject.digest ?? 'another image'}`;
  const types = [m.artifactType, m.config?.mediaType, ...(m.layers ?? []).map((l) => l.mediaType)].filter((t): t is string => !!t);
  const signing = types.find((t) => SIGNING_TYPE.test(t));
  if (signing) return `a signature or attestation (${signing})`;
  if (m.artifactType) return `an artifact (${m.artifactType})`;
  return undefined;
}

/** An image's labels and created time from its config (an index: its first platform's); undefined when there is no such image. */
export async function imageConfig(
  client: RegistryClient,
  repository: string,
  reference: string,
): Promise<{ digest: string; labels: Record<string, string>; annotations: Record<string, string>; created?: string; artefact?: string } | undefined> {
  const root = await client.getManifest(repository, reference);
  let manifest = root;
  if (manifest && isIndex(manifest.mediaType)) {
    const first = (JSON.parse(manifest.bytes.toString('utf8')) as { manifests?: Array<{ digest: string }> }).manifests?.[0];
    manifest = first ? await client.getManifest(repository, first.digest) : undefined;
  }
  const config = manifest && (JSON.parse(manifest.bytes.toString('utf8')) as { config?: { digest: string; mediaType?: string } }).config;
  // Hoist annotates the root it pushes (an index's, or the image manifest's); a manifest's own annotations come after.
  const annotationsOf = (m: typeof root) => (m ? ((JSON.parse(m.bytes.toString('utf8')) as { annotations?: Record<string, string> }).annotations ?? {}) : {});
  const annotations = { ...annotationsOf(manifest), ...annotationsOf(root) };
  const artefact = root && artefactOf(root.bytes);
  if (artefact) return { digest: root!.digest, labels: {}, annotations, artefact };
  if (!root || !config || !/config|container\.image/.test(config.mediaType ?? '')) return root ? { digest: root.digest, labels: {}, annotations } : undefined;
  const body = await client.fetchBlob(repository, config.digest);
  const parsed = JSON.parse((await readLimited(body, BODY_LIMITS.listing, `the config of ${reference}`)).toString('utf8')) as {
    created?: string;
    config?: { Labels?: Record<string, string> | null };
  };
  return { digest: root.digest, labels: parsed.config?.Labels ?? {}, annotations, ...(parsed.created ? { created: parsed.created } : {}) };
}
