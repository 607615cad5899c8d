/**
 * What a registry holds about an image's trust, found the two ways cosign stores it: a manifest
 * tagged `sha256-<hex>.sig` (signatures), `.att` (attestations), `.sbom` in the image's repository,
 * and OCI 1.1 referrers whose subject is the image (Sigstore bundles, attestations). Found per
 * manifest digest (an index's, each platform's); `carry.ts` copies them with the image.
 */
import type { Manifest, Referrer, RegistryClient } from '../registry/client.js';

export const ARTEFACT_KINDS = ['sig', 'att', 'sbom'] as const;
export type ArtefactKind = (typeof ARTEFACT_KINDS)[number];

/** cosign's tag for an artefact of `digest`: `sha256-<hex>.sig`. */
export const artefactTag = (digest: string, kind: ArtefactKind): string => `${digest.replace(':', '-')}.${kind}`;

export interface TaggedArtefact {
  kind: ArtefactKind;
  tag: string;
  manifest: Manifest;
}

export interface Artefacts {
  /** The manifest digest they are about. */
  subject: string;
  tagged: TaggedArtefact[];
  referrers: Referrer[];
}

/** cosign's tagged artefacts of one manifest digest (`sha256-<hex>.sig`, `.att`, `.sbom`) that the repository holds. */
export async function findTagged(client: Pick<RegistryClient, 'getManifest'>, repository: string, subject: string): Promise<TaggedArtefact[]> {
  const tagged: TaggedArtefact[] = [];
  for (const kind of ARTEFACT_KINDS) {
    const tag = artefactTag(subject, kind);
    const manifest = await client.getManifest(repository, tag);
    if (manifest) tagged.push({ kind, tag, manifest });
  }
  return tagged;
}

/** The tagged artefacts and referrers of one manifest digest. */
export async function findArtefacts(client: Pick<RegistryClient, 'getManifest' | 'referrers'>, repository: string, subject: string): Promise<Artefacts> {
  return { subject, tagged: await findTagged(client, repository, subject), referrers: await client.referrers(repository, subject) };
}

/** The layers of a manifest (a `.sig` manifest's layers are its signatures). */
export function layersOf(manifest: Pick<Manifest, 'bytes'>): Array<{ mediaType: string; digest: string; size: number; annotations?: Record<string, string> }> {
  const m = JSON.parse(manifest.bytes.toString('utf8')) as {
    layers?: Array<{ mediaType: string; digest: string; size: number; annotations?: Record<string, string> }>;
  };
  return m.layers ?? [];
}
