/**
 * Sigstore bundle referrers in a registry (bundle.ts says what they are): written beside cosign's
 * `.sig`/`.att` tags, found again for the verifiers.
 *
 * Writing (`attachBundle`): the bundle and the empty config as blobs, the referrer manifest PUT by
 * its digest. A registry with the referrers API answers the PUT with `OCI-Subject` and lists it
 * from then on; one without (distribution 2.8) gets the spec's referrers tag schema: the index
 * tagged `sha256-<hex>` of the subject, read, extended with this descriptor (artifactType and
 * annotations) and written back, every entry already there kept (`RegistryClient.addToReferrersTag`).
 *
 * Reading (`findBundles`): the subject's referrers (the API, else the fallback tag: the client
 * decides), those of a Sigstore bundle artifactType fetched — each manifest by digest (the client
 * checks the bytes hash to it), its `subject` required to be the digest asked about (an entry
 * another writer listed for this digest that names another is rejected, not counted), its bundle
 * layer fetched within 4 MiB and hashed to its descriptor. A referrers answer that is not an index
 * throws the client's RegistryError naming the registry.
 */
import type { Readable } from 'node:stream';
import type { Referrer } from '../registry/client.js';
import { putBlob, type SignatureWriter } from './attach.js';
import { BUNDLE_IDENTITY_ANNOTATION, BUNDLE_V03, readReferrer, referrerManifest, type SubjectDescriptor } from './bundle.js';
import { bundleMaterial } from './bundle.js';
import { judgeEnvelope, type VerifiedAttestation } from './envelope.js';
import type { BundleStore, TrustedKeys } from './store.js';
import { createHash } from 'node:crypto';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const BUNDLE_LIMIT = 4 << 20;

/** What writing them needs: a RegistryClient is one. */
export interface BundleWriter extends SignatureWriter, BundleStore {
  putManifestWithSubject(repository: string, reference: string, bytes: Buffer, mediaType: string): Promise<{ digest?: string; subject?: string }>;
  addToReferrersTag(repository: string, subject: string, add: readonly Referrer[]): Promise<void>;
}

const isBundleType = (t: string | undefined) => !!t && t.startsWith('application/vnd.dev.sigstore.bundle');

export interface AttachedBundle {
  /** The referrer manifest's digest. */
  referrer: string;
  /** `api`: the registry named the subject (referrers API); `tag`: listed in the fallback tag `sha256-<hex>`. */
  via: 'api' | 'tag';
}

/** Stores `bundle` as a referrer of `subject` in `repository` (cosign 3's form); `created` is the manifest's creation annotation. */
export async function attachBundle(
  client: BundleWriter,
  repository: string,
  subject: SubjectDescriptor,
  bundle: Buffer,
  predicateType: string,
  created: Date,
  identity?: string,
): Promise<AttachedBundle> {
  const manifest = referrerManifest(subject, bundle, predicateType, created, identity);
  await putBlob(client, repository, bundle);
  await putBlob(client, repository, manifest.config);
  const put = await client.putManifestWithSubject(repository, manifest.digest, manifest.bytes, OCI_MANIFEST);
  if (put.digest && put.digest !== manifest.digest)
    throw new Error(`${repository}: the registry stored the bundle referrer ${manifest.digest} as ${put.digest}`);
  // A registry that names the subject lists the referrer itself; one that does not needs the fallback tag.
  if (put.subject) return { referrer: manifest.digest, via: 'api' };
  const doc = JSON.parse(manifest.bytes.toString('utf8')) as { annotations: Record<string, string> };
  await client.addToReferrersTag(repository, subject.digest, [
    { mediaType: OCI_MANIFEST, digest: manifest.digest, size: manifest.bytes.length, artifactType: BUNDLE_V03, annotations: doc.annotations },
  ]);
  return { referrer: manifest.digest, via: 'tag' };
}

/** A referrer of `subject` already standing for `identity` (Hoist's annotation, as the listing gives it), if any. */
export async function bundleWithIdentity(store: BundleStore, repository: string, subject: string, identity: string): Promise<string | undefined> {
  const listed = await store.referrers(repository, subject);
  return listed.find((r) => isBundleType(r.artifactType) && r.annotations?.[BUNDLE_IDENTITY_ANNOTATION] === identity)?.digest;
}

export interface FoundBundle {
  /** The referrer manifest's digest. */
  referrer: string;
  /** The bundle layer's digest. */
  digest: string;
  predicateType?: string;
  bytes: Buffer;
}

async function readBounded(stream: Readable, size: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > Math.min(size, BUNDLE_LIMIT)) {
      stream.destroy();
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** `digest`'s Sigstore bundle referrers, each checked to be about `digest` and hashed; the others with the reason. */
export async function findBundles(
  store: BundleStore,
  repository: string,
  digest: string,
): Promise<{ bundles: FoundBundle[]; rejected: Array<{ reason: string; referrer: string; predicateType?: string }> }> {
  const listed = (await store.referrers(repository, digest)).filter((r) => isBundleType(r.artifactType));
  const bundles: FoundBundle[] = [];
  const rejected: Array<{ reason: string; referrer: string; predicateType?: string }> = [];
  const seen = new Set<string>();
  for (const r of listed) {
    if (seen.has(r.digest)) continue;
    seen.add(r.digest);
    const manifest = await store.getManifest(repository, r.digest, [OCI_MANIFEST]);
    if (!manifest) {
      rejected.push({ reason: 'listed, but the registry has no such manifest', referrer: r.digest });
      continue;
    }
    const layer = readReferrer(manifest.bytes, digest);
    if (typeof layer === 'string') {
      rejected.push({ reason: layer, referrer: r.digest });
      continue;
    }
    const at = { referrer: r.digest, ...(layer.predicateType ? { predicateType: layer.predicateType } : {}) };
    const bytes = await readBounded(await store.fetchBlob(repository, layer.digest), layer.size);
    const actual = bytes && `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    if (!bytes || actual !== layer.digest || bytes.length !== layer.size) {
      rejected.push({ reason: `the bundle served does not hash to its descriptor's digest and size (tampered bundle)`, ...at });
      continue;
    }
    bundles.push({ ...at, digest: layer.digest, bytes });
  }
  return { bundles, rejected };
}

export interface JudgedBundles {
  verified: Array<Omit<VerifiedAttestation, 'envelopeDigest'> & { referrer: string; bundleDigest: string }>;
  /** `predicateType`: the referrer's annotation, when it has one (which list the rejection belongs to). */
  rejected: Array<{ reason: string; referrer: string; predicateType?: string }>;
}

/**
 * `digest`'s Sigstore bundle referrers (referrer.ts finds them: the referrers API or the fallback
 * tag, each manifest's subject checked, each bundle's bytes hashed), each envelope judged as a
 * `.att` layer's is — its keyless material turned into cosign's annotations by bundle.ts.
 */
export async function judgeBundles(store: BundleStore, repository: string, digest: string, trust: TrustedKeys): Promise<JudgedBundles> {
  const found = await findBundles(store, repository, digest);
  const out: JudgedBundles = { verified: [], rejected: [...found.rejected] };
  for (const b of found.bundles) {
    const at = { referrer: b.referrer, ...(b.predicateType ? { predicateType: b.predicateType } : {}) };
    const material = bundleMaterial(b.bytes);
    const judged = typeof material === 'string' ? material : await judgeEnvelope(material.envelope, trust, material.annotations ?? {}, digest);
    if (typeof judged === 'string') out.rejected.push({ reason: judged, ...at });
    else out.verified.push({ ...judged, referrer: b.referrer, bundleDigest: b.digest });
  }
  return out;
}
