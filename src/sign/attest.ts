/**
 * Attestations as cosign stores them (specs/ATTESTATION_SPEC.md): an in-toto statement in a DSSE
 * envelope signed with the key, one layer (`application/vnd.dsse.envelope.v1+json`, annotated with
 * its `predicateType`) of the manifest tagged `sha256-<hex>.att` in the image's repository — what
 * `cosign verify-attestation --key` reads.
 *
 * Contract: dsseEnvelope(statement, key) → envelope bytes; openEnvelope(bytes, keys) → the verified
 *   statement or why not; attachAttestation(client, repository, digest, envelope, predicateType);
 *   verifyImageAttestations(store, repository, digest, { keys }) → { verified, rejected } — verified
 *   only when the envelope's signature verifies over the PAE of its payload with a key given and
 *   the statement names `digest` among its subjects. With `keyless` trust, a layer carrying cosign's
 *   certificate annotation (`cosign attest` keyless) is judged by keyless-verify.ts instead: the
 *   certificate for the identity, chained to the trusted root, its Rekor entry vouched for by the log.
 *   The digest's Sigstore bundle referrers of any other predicate than cosign's sign statement are
 *   judged the same way (envelope.ts) and listed with `referrer` set.
 */
import { createHash } from 'node:crypto';
import { appendLayer, type SignatureWriter } from './attach.js';
import { COSIGN_SIGN_PREDICATE } from './bundle.js';
import { signPayload } from './ecdsa.js';
import { IN_TOTO, judgeEnvelope, pae, type VerifiedAttestation } from './envelope.js';
import type { SigningKey } from './keys.js';
import { attestationTag } from './payload.js';
import { judgeBundles } from './referrer.js';
import { isBundleStore, type SignatureStore, type TrustedKeys } from './store.js';

export { IN_TOTO, openEnvelope, pae, type VerifiedAttestation } from './envelope.js';
export const DSSE = 'application/vnd.dsse.envelope.v1+json';
const ENVELOPE_LIMIT = 4 << 20;
const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

export function dsseEnvelope(statement: Buffer, key: SigningKey): Buffer {
  const sig = signPayload(key.privateKey, pae(IN_TOTO, statement));
  return Buffer.from(JSON.stringify({ payloadType: IN_TOTO, payload: statement.toString('base64'), signatures: [{ keyid: '', sig }] }));
}

/**
 * An annotation naming what an attestation stands for apart from its run (the key, the subjects,
 * the build definition): a re-run of the same build attests nothing new. Only ever used to skip.
 */
export const ATTESTATION_IDENTITY = 'dev.hoist.attestation.identity';

/**
 * The `.att` layer of an envelope: cosign's media type and `predicateType` annotation (and Hoist's
 * identity, when given); `keyless`: cosign's certificate, chain and Rekor bundle annotations.
 */
export function attestationLayer(envelope: Buffer, predicateType: string, identity?: string, keyless: Record<string, string> = {}) {
  return {
    mediaType: DSSE,
    size: envelope.length,
    digest: sha256(envelope),
    annotations: { predicateType, ...keyless, ...(identity ? { [ATTESTATION_IDENTITY]: identity } : {}) },
  };
}

export async function attachAttestation(
  client: SignatureWriter,
  repository: string,
  digest: string,
  envelope: Buffer,
  predicateType: string,
  identity?: string,
  keyless?: Record<string, string>,
): Promise<{ tag: string; manifest: string; added: boolean }> {
  const tag = attestationTag(digest);
  const layer = attestationLayer(envelope, predicateType, identity, keyless);
  const same = (l: { digest: string; annotations?: Record<string, string> }) =>
    l.digest === layer.digest || (identity !== undefined && l.annotations?.[ATTESTATION_IDENTITY] === identity);
  const { manifest, added } = await appendLayer(client, repository, tag, envelope, layer, same);
  return { tag, manifest, added };
}

export async function verifyImageAttestations(
  store: SignatureStore,
  repository: string,
  digest: string,
  trust: TrustedKeys,
): Promise<{ tag: string; verified: VerifiedAttestation[]; rejected: Array<{ reason: string; envelopeDigest?: string; referrer?: string }> }> {
  const tag = attestationTag(digest);
  const result = { tag, verified: [] as VerifiedAttestation[], rejected: [] as Array<{ reason: string; envelopeDigest?: string; referrer?: string }> };
  const manifest = await store.getManifest(repository, tag, ['application/vnd.oci.image.manifest.v1+json']);
  if (!manifest) result.rejected.push({ reason: `no attestation: ${repository}:${tag} does not exist` });
  const layers = manifest
    ? ((
        JSON.parse(manifest.bytes.toString('utf8')) as {
          layers?: Array<{ mediaType?: string; digest?: string; size?: number; annotations?: Record<string, unknown> }>;
        }
      ).layers ?? [])
    : [];
  for (const layer of layers) {
    const envelopeDigest = String(layer.digest);
    if (layer.mediaType !== DSSE || !/^sha256:[a-f0-9]{64}$/.test(envelopeDigest)) {
      result.rejected.push({ reason: `a layer of media type ${String(layer.mediaType).slice(0, 60)} is not a DSSE envelope`, envelopeDigest });
      continue;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of await store.fetchBlob(repository, envelopeDigest)) {
      size += (c as Buffer).length;
      if (size > ENVELOPE_LIMIT) break;
      chunks.push(c as Buffer);
    }
    const bytes = Buffer.concat(chunks);
    if (sha256(bytes) !== envelopeDigest) {
      result.rejected.push({ reason: 'the envelope served does not hash to its descriptor (tampered)', envelopeDigest });
      continue;
    }
    const judged = await judgeEnvelope(bytes, trust, layer.annotations ?? {}, digest);
    if (typeof judged === 'string') result.rejected.push({ reason: judged, envelopeDigest });
    else result.verified.push({ ...judged, envelopeDigest });
  }
  // cosign 3's form: Sigstore bundles as OCI referrers (bundle.ts), judged by the same checks.
  const bundles = await bundleAttestations(store, repository, digest, trust);
  result.verified.push(...bundles.verified);
  result.rejected.push(...bundles.rejected);
  return result;
}

/** The attestations (any predicate but cosign's sign statement) among `digest`'s Sigstore bundle referrers. */
async function bundleAttestations(store: SignatureStore, repository: string, digest: string, trust: TrustedKeys) {
  if (!isBundleStore(store)) return { verified: [], rejected: [] };
  const judged = await judgeBundles(store, repository, digest, trust);
  const isSign = (t: string | undefined) => t === COSIGN_SIGN_PREDICATE;
  return {
    verified: judged.verified.filter((v) => !isSign(v.predicateType)).map((v) => ({ ...v, envelopeDigest: v.bundleDigest })),
    rejected: judged.rejected
      .filter((r) => r.predicateType !== undefined && !isSign(r.predicateType))
      .map((r) => ({ reason: `referrer ${r.referrer}: ${r.reason}`, referrer: r.referrer })),
  };
}
