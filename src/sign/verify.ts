/**
 * Key signatures of an image, read and checked as `cosign verify --key` does: the manifest tagged
 * `sha256-<hex>.sig` in the image's repository, each of its layers a simple-signing payload whose
 * descriptor carries the signature.
 *
 * Contract (stable; promote's require-signature, base-signers and `hoist inspect` use it):
 *   verifyImageSignatures(store, repository, manifestDigest, { keys }) → Promise<VerifyResult>
 *     store: anything with getManifest + fetchBlob — a RegistryClient is one.
 *     keys: the public keys trusted (KeyObject, ECDSA P-256; keys.ts reads them).
 *   A layer counts as `verified` only when all hold: it is a simple-signing payload; the blob the
 *   registry serves hashes to the layer's digest and size; its signature verifies over those exact
 *   bytes with one of the keys; its critical.type is cosign's; its docker-manifest-digest is
 *   `manifestDigest`. Every other layer is in `rejected` with the reason. No `.sig` manifest is one
 *   rejection ("no signature"). A registry that cannot be read throws (the caller's "could not
 *   check", exit 3); what was read and does not verify is a result, never a throw.
 *   `verified.length > 0` is the one test of "signed by a trusted key".
 *   With `keyless` (a trusted root and an identity policy), a layer carrying cosign's certificate
 *   annotation is judged as `cosign verify --certificate-identity` judges it (keyless-verify.ts)
 *   instead of by the keys; a layer without one is a key signature, verified by the keys only.
 *   Beside the tag, with a store that lists referrers (a RegistryClient does), the digest's Sigstore
 *   bundle referrers (cosign 3's form, referrer.ts) whose statement is cosign's sign statement are
 *   judged by the same keys and keyless trust (`referrer` set on what they give, rejections prefixed
 *   `referrer sha256:…:`). Referrers a registry cannot list are a rejection when the tag verified,
 *   else the registry's error is thrown (the check could not be made).
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { keyFingerprint, verifyPayload } from './ecdsa.js';
import { COSIGN_SIGN_PREDICATE } from './bundle.js';
import { judgeBundles, type JudgedBundles } from './referrer.js';
import { isBundleStore, type Certificate, type SignatureStore, type TrustedKeys } from './store.js';

export type { SignatureStore, TrustedKeys } from './store.js';
import { CERTIFICATE_ANNOTATION, COSIGN_TYPE, parseSimpleSigning, SIGNATURE_ANNOTATION, signatureTag, SIMPLE_SIGNING } from './payload.js';

export interface VerifiedSignature {
  /** `sha256:<hex>` of the SPKI DER of the key that verified it (keys.ts `keyFingerprint`). */
  keyId: string;
  /** The image manifest digest the payload names (= the one asked about). */
  digest: string;
  /** The payload blob's digest: which layer of the `.sig` manifest. */
  payloadDigest: string;
  /** critical.identity.docker-reference, as the signer wrote it (cosign ignores it; shown for people). */
  dockerReference: string;
  /** The payload's optional claims (annotations given to `cosign sign -a`), or null. */
  optional: Record<string, unknown> | null;
  /** A keyless signature's certificate identity, OIDC issuer and Rekor entry (keyId is then the ephemeral key's). */
  certificate?: Certificate;
  /** A Sigstore bundle referrer's manifest digest (cosign 3's form; payloadDigest is then the bundle's). */
  referrer?: string;
}

export interface RejectedSignature {
  reason: string;
  payloadDigest?: string;
  referrer?: string;
}

export interface VerifyResult {
  /** The tag read: `sha256-<hex>.sig`. */
  tag: string;
  /** The `.sig` manifest's digest, when there is one. */
  manifest?: string;
  verified: VerifiedSignature[];
  rejected: RejectedSignature[];
}

const SIG_MANIFEST_TYPES = ['application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v2+json'];
/** A payload is a few hundred bytes; a registry serving more is not trusted to stop. */
const PAYLOAD_LIMIT = 1 << 20;

interface Layer {
  mediaType?: unknown;
  digest?: unknown;
  size?: unknown;
  annotations?: Record<string, unknown>;
}

async function readPayload(stream: Readable, size: number): Promise<Buffer | string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > Math.min(size, PAYLOAD_LIMIT)) {
      stream.destroy();
      return `the registry served more than the descriptor's ${size} bytes (tampered payload)`;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

const short = (keyId: string) => keyId.slice(0, 19);

async function checkLayer(
  store: SignatureStore,
  repository: string,
  digest: string,
  layer: Layer,
  trust: TrustedKeys,
): Promise<VerifiedSignature | RejectedSignature> {
  const { keys } = trust;
  const payloadDigest = typeof layer.digest === 'string' ? layer.digest : undefined;
  const at = payloadDigest ? { payloadDigest } : {};
  if (layer.mediaType !== SIMPLE_SIGNING)
    return { reason: `a layer of media type ${String(layer.mediaType).slice(0, 80)} is not a simple-signing payload`, ...at };
  if (!payloadDigest || !/^sha256:[a-f0-9]{64}$/.test(payloadDigest) || typeof layer.size !== 'number' || layer.size < 0)
    return { reason: 'a payload descriptor without a sha256 digest and size', ...at };
  const signature = layer.annotations?.[SIGNATURE_ANNOTATION];
  if (typeof signature !== 'string' || !signature) return { reason: `a payload without the ${SIGNATURE_ANNOTATION} annotation (unsigned)`, ...at };
  const bytes = await readPayload(await store.fetchBlob(repository, payloadDigest), layer.size);
  if (typeof bytes === 'string') return { reason: bytes, ...at };
  const actual = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  if (actual !== payloadDigest || bytes.length !== layer.size)
    return { reason: `the payload served hashes to ${actual} (${bytes.length} bytes), not its descriptor's digest and size (tampered payload)`, ...at };
  let keyId: string;
  let certificate: VerifiedSignature['certificate'];
  if (trust.keyless && typeof layer.annotations?.[CERTIFICATE_ANNOTATION] === 'string') {
    const { verifyKeyless } = await import('./keyless-verify.js');
    const signer = verifyKeyless(trust.keyless.root, trust.keyless.policy, bytes, layer.annotations);
    if ('reason' in signer) return { reason: signer.reason, ...at };
    ({ keyId } = signer);
    certificate = { subject: signer.subject, issuer: signer.issuer, logIndex: signer.logIndex, integratedTime: signer.integratedTime };
  } else {
    const key = keys.find((k) => verifyPayload(k, bytes, signature));
    if (!key) return { reason: keyRejection(keys.length, !!trust.keyless), ...at };
    keyId = keyFingerprint(key);
  }
  const claims = parseSimpleSigning(bytes);
  const by = certificate ? certificate.subject : short(keyId);
  if (typeof claims === 'string') return { reason: `signed by ${by}, but ${claims}`, ...at };
  if (claims.type !== COSIGN_TYPE) return { reason: `signed by ${by}, but critical.type is '${claims.type.slice(0, 80)}', not '${COSIGN_TYPE}'`, ...at };
  if (claims.digest !== digest) return { reason: `signed by ${by}, but for another image: ${claims.digest}`, ...at };
  return { keyId, digest, payloadDigest, dockerReference: claims.dockerReference, optional: claims.optional, ...(certificate ? { certificate } : {}) };
}

function keyRejection(keys: number, keyless: boolean): string {
  if (keys)
    return `the signature does not verify with ${keys === 1 ? 'the key given' : `any of the ${keys} keys given`} (another key, or a tampered payload or signature)`;
  return keyless ? 'a key signature (no certificate): only a keyless signature can match the certificate identity given' : 'no key was given to verify with';
}

export async function verifyImageSignatures(store: SignatureStore, repository: string, manifestDigest: string, trust: TrustedKeys): Promise<VerifyResult> {
  const result = await verifyTagged(store, repository, manifestDigest, trust);
  if (!isBundleStore(store)) return result;
  // cosign 3's form beside the tag: Sigstore bundles as OCI referrers, judged as attestations are.
  let judged: JudgedBundles;
  try {
    judged = await judgeBundles(store, repository, manifestDigest, trust);
  } catch (err) {
    // A registry whose referrers cannot be read: what the tag proved stands; with nothing proved, the check could not be made.
    if (!result.verified.length) throw err;
    result.rejected.push({ reason: `the referrers could not be read: ${(err as Error).message}` });
    return result;
  }
  for (const v of judged.verified) {
    if (v.predicateType !== COSIGN_SIGN_PREDICATE) continue;
    result.verified.push({
      keyId: v.keyId,
      digest: manifestDigest,
      payloadDigest: v.bundleDigest,
      dockerReference: '',
      optional: null,
      referrer: v.referrer,
      ...(v.certificate ? { certificate: v.certificate } : {}),
    });
  }
  for (const r of judged.rejected)
    if (r.predicateType === undefined || r.predicateType === COSIGN_SIGN_PREDICATE)
      result.rejected.push({ reason: `referrer ${r.referrer}: ${r.reason}`, referrer: r.referrer });
  return result;
}

/** cosign's `.sig` tag of `manifestDigest`, each layer judged. */
async function verifyTagged(store: SignatureStore, repository: string, manifestDigest: string, trust: TrustedKeys): Promise<VerifyResult> {
  const tag = signatureTag(manifestDigest);
  const manifest = await store.getManifest(repository, tag, SIG_MANIFEST_TYPES);
  const result: VerifyResult = { tag, verified: [], rejected: [] };
  if (!manifest) return { ...result, rejected: [{ reason: `no signature: ${repository}:${tag} does not exist` }] };
  result.manifest = manifest.digest;
  let layers: Layer[];
  try {
    const doc = JSON.parse(manifest.bytes.toString('utf8')) as { layers?: unknown };
    layers = Array.isArray(doc.layers) ? (doc.layers as Layer[]) : [];
  } catch {
    return { ...result, rejected: [{ reason: `${tag} is not a JSON manifest` }] };
  }
  if (!layers.length) return { ...result, rejected: [{ reason: `no signature: ${tag} has no layers` }] };
  for (const layer of layers) {
    const checked = await checkLayer(store, repository, manifestDigest, typeof layer === 'object' && layer ? layer : {}, trust);
    if ('keyId' in checked) result.verified.push(checked);
    else result.rejected.push(checked);
  }
  return result;
}

/** One line for a person: who signed, or why nothing verifies. */
export function describeVerification(r: VerifyResult): string {
  if (r.verified.length) return `verified: ${[...new Set(r.verified.map((v) => v.keyId))].join(', ')} signed ${r.verified[0]!.digest}`;
  return `not verified: ${r.rejected.map((x) => x.reason).join('; ')}`;
}
