/**
 * BuildKit's attestations (provenance, SBOM) as OCI referrers. BuildKit lists each attestation
 * manifest in the image index as a platform `unknown/unknown`, tied to its image by the
 * `vnd.docker.reference.digest` annotation, so registry pages and `docker manifest inspect` show
 * a platform that is not one. Here each becomes a manifest whose `subject` is its image, and the
 * index lists only real platforms; the push engine sends the referrers after their subjects.
 */
import { readFile } from 'node:fs/promises';
import type { ManifestNode } from './graph.js';
import { blobPath, MediaType, readLayoutRoot, writeBlobBytes, writeIndex, type Descriptor, type LayoutRoot } from './layout.js';

const REFERENCE_TYPE = 'vnd.docker.reference.type';
const REFERENCE_DIGEST = 'vnd.docker.reference.digest';
/** The artifact type a referrers listing shows for a BuildKit attestation manifest. */
export const ATTESTATION_ARTIFACT = 'application/vnd.docker.attestation.manifest.v1+json';

/** An index entry that is BuildKit's attestation manifest, not a platform. */
export const isAttestation = (d: Descriptor) => d.annotations?.[REFERENCE_TYPE] === 'attestation-manifest';

/** The image an attestation entry describes (its `vnd.docker.reference.digest`). */
export const attestedDigest = (d: Descriptor) => d.annotations?.[REFERENCE_DIGEST];

/** An attestation manifest rewritten as a referrer of `image`: its subject, its artifact type. */
export function asReferrer(attestation: Buffer, image: Pick<Descriptor, 'mediaType' | 'digest' | 'size'>): Buffer {
  const manifest = JSON.parse(attestation.toString('utf8')) as Record<string, unknown>;
  return Buffer.from(
    JSON.stringify({
      ...manifest,
      artifactType: ATTESTATION_ARTIFACT,
      subject: { mediaType: image.mediaType, digest: image.digest, size: image.size },
      annotations: { ...(manifest.annotations as Record<string, string> | undefined), [REFERENCE_TYPE]: 'attestation-manifest' },
    }),
  );
}

/**
 * Rewrites a layout whose root index lists attestation manifests: the index without them, each
 * attestation with its image as `subject`. Returns the new root and the referrers (unchanged
 * layouts return no referrers).
 */
export async function attestationsToReferrers(layoutDir: string): Promise<{ root: LayoutRoot; referrers: ManifestNode[] }> {
  const root = await readLayoutRoot(layoutDir);
  if (root.descriptor.mediaType !== MediaType.ociIndex) return { root, referrers: [] };
  const index = JSON.parse(root.bytes.toString('utf8')) as { manifests?: Descriptor[]; [k: string]: unknown };
  const entries = index.manifests ?? [];
  if (!entries.some(isAttestation)) return { root, referrers: [] };
  const referrers: ManifestNode[] = [];
  for (const a of entries.filter(isAttestation)) {
    const image = entries.find((e) => e.digest === attestedDigest(a) && !isAttestation(e));
    if (!image)
      throw new Error(`${layoutDir}: attestation ${a.digest} names ${a.annotations?.[REFERENCE_DIGEST] ?? 'no image'}, which the index does not list`);
    const bytes = asReferrer(await readFile(blobPath(layoutDir, a.digest)), image);
    const written = await writeBlobBytes(layoutDir, bytes);
    referrers.push({ digest: written.digest, mediaType: a.mediaType, bytes });
  }
  const bytes = Buffer.from(JSON.stringify({ ...index, manifests: entries.filter((e) => !isAttestation(e)) }));
  const written = await writeBlobBytes(layoutDir, bytes);
  const descriptor = { ...root.descriptor, digest: written.digest, size: written.size };
  await writeIndex(layoutDir, [descriptor]);
  return { root: { descriptor, bytes }, referrers };
}
