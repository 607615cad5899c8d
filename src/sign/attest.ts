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
 */
import { createHash, type KeyObject } from 'node:crypto';
import { appendLayer, type SignatureWriter } from './attach.js';
import { keyFingerprint, signPayload, verifyPayload } from './ecdsa.js';
import type { SigningKey } from './keys.js';
import { attestationTag } from './payload.js';
import type { SignatureStore, TrustedKeys, VerifiedSignature } from './verify.js';
import { CERTIFICATE_ANNOTATION } from './payload.js';

export const DSSE = 'application/vnd.dsse.envelope.v1+json';
export const IN_TOTO = 'application/vnd.in-toto+json';
const ENVELOPE_LIMIT = 4 << 20;
const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** DSSE's pre-authentication encoding: what the signature is over. */
export function pae(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType);
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), payload]);
}

export function dsseEnvelope(statement: Buffer, key: SigningKey): Buffer {
  const sig = signPayload(key.privateKey, pae(IN_TOTO, statement));
  return Buffer.from(JSON.stringify({ payloadType: IN_TOTO, payload: statement.toString('base64'), signatures: [{ keyid: '', sig }] }));
}

interface Statement {
  _type?: unknown;
  subject?: Array<{ name?: unknown; digest?: Record<string, unknown> }>;
  predicateType?: unknown;
  predicate?: unknown;
}

/** The statement an envelope holds, when one of its signatures verifies with one of `keys`; else the reason. */
export function openEnvelope(bytes: Buffer, keys: readonly KeyObject[]): { statement: Statement; keyId: string } | string {
  let env: { payloadType?: unknown; payload?: unknown; signatures?: Array<{ sig?: unknown }> };
  try {
    env = JSON.parse(bytes.toString('utf8')) as typeof env;
  } catch {
    return 'the envelope is not JSON';
  }
  if (env.payloadType !== IN_TOTO || typeof env.payload !== 'string' || !Array.isArray(env.signatures))
    return `not a DSSE envelope of an in-toto statement (payloadType ${String(env.payloadType).slice(0, 60)})`;
  const payload = Buffer.from(env.payload, 'base64');
  const signed = pae(IN_TOTO, payload);
  const key = keys.find((k) => env.signatures!.some((s) => typeof s.sig === 'string' && verifyPayload(k, signed, s.sig)));
  if (!key) return 'no signature of the envelope verifies with the keys given (another key, or a tampered statement)';
  try {
    return { statement: JSON.parse(payload.toString('utf8')) as Statement, keyId: keyFingerprint(key) };
  } catch {
    return 'the signed statement is not JSON';
  }
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

export interface VerifiedAttestation {
  keyId: string;
  predicateType: string;
  envelopeDigest: string;
  statement: Statement;
  /** A keyless attestation's certificate identity, OIDC issuer and Rekor entry (keyId is then the ephemeral key's). */
  certificate?: VerifiedSignature['certificate'];
}

export async function verifyImageAttestations(
  store: SignatureStore,
  repository: string,
  digest: string,
  trust: TrustedKeys,
): Promise<{ tag: string; verified: VerifiedAttestation[]; rejected: Array<{ reason: string; envelopeDigest?: string }> }> {
  const tag = attestationTag(digest);
  const result = { tag, verified: [] as VerifiedAttestation[], rejected: [] as Array<{ reason: string; envelopeDigest?: string }> };
  const manifest = await store.getManifest(repository, tag, ['application/vnd.oci.image.manifest.v1+json']);
  if (!manifest) return { ...result, rejected: [{ reason: `no attestation: ${repository}:${tag} does not exist` }] };
  const layers =
    (
      JSON.parse(manifest.bytes.toString('utf8')) as {
        layers?: Array<{ mediaType?: string; digest?: string; size?: number; annotations?: Record<string, unknown> }>;
      }
    ).layers ?? [];
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
    const keyless = trust.keyless && typeof layer.annotations?.[CERTIFICATE_ANNOTATION] === 'string';
    const opened: Opened | string = keyless ? await openKeyless(bytes, trust, layer.annotations!) : openEnvelope(bytes, trust.keys);
    if (typeof opened === 'string') {
      result.rejected.push({ reason: opened, envelopeDigest });
      continue;
    }
    const names = (opened.statement.subject ?? []).some((s) => `sha256:${String(s.digest?.sha256)}` === digest);
    if (!names) result.rejected.push({ reason: `signed, but its subjects do not name ${digest}`, envelopeDigest });
    else
      result.verified.push({
        keyId: opened.keyId,
        predicateType: String(opened.statement.predicateType),
        envelopeDigest,
        statement: opened.statement,
        ...(opened.certificate ? { certificate: opened.certificate } : {}),
      });
  }
  return result;
}

type Opened = { statement: Statement; keyId: string; certificate?: VerifiedSignature['certificate'] };

/** A keyless envelope (a layer with cosign's certificate annotation) opened by the Sigstore verifier and the identity policy. */
async function openKeyless(
  bytes: Buffer,
  trust: TrustedKeys,
  annotations: Record<string, unknown>,
): Promise<{ statement: Statement; keyId: string; certificate: NonNullable<VerifiedSignature['certificate']> } | string> {
  let env: { payloadType?: unknown; payload?: unknown; signatures?: Array<{ sig?: unknown; keyid?: unknown }> };
  try {
    env = JSON.parse(bytes.toString('utf8')) as typeof env;
  } catch {
    return 'the envelope is not JSON';
  }
  if (
    env.payloadType !== IN_TOTO ||
    typeof env.payload !== 'string' ||
    !Array.isArray(env.signatures) ||
    !env.signatures.every((x) => typeof x.sig === 'string')
  )
    return `not a DSSE envelope of an in-toto statement (payloadType ${String(env.payloadType).slice(0, 60)})`;
  const { verifyKeylessEnvelope } = await import('./keyless-verify.js');
  const signatures = env.signatures.map((x) => ({ sig: x.sig as string, ...(typeof x.keyid === 'string' ? { keyid: x.keyid } : {}) }));
  const signer = verifyKeylessEnvelope(trust.keyless!.root, trust.keyless!.policy, { payloadType: IN_TOTO, payload: env.payload, signatures }, annotations);
  if ('reason' in signer) return signer.reason;
  try {
    const statement = JSON.parse(Buffer.from(env.payload, 'base64').toString('utf8')) as Statement;
    const { subject, issuer, logIndex, integratedTime } = signer;
    return { statement, keyId: signer.keyId, certificate: { subject, issuer, logIndex, integratedTime } };
  } catch {
    return 'the signed statement is not JSON';
  }
}
