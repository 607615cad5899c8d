/**
 * A DSSE envelope of an in-toto statement judged, wherever it is stored (a `.att` layer, a Sigstore
 * bundle's content): with a key, its signature over DSSE's pre-authentication encoding; keyless
 * (cosign's certificate and Rekor-bundle annotations beside it) by keyless-verify.ts — the
 * certificate for the identity, chained to the trusted root, its Rekor entry vouched for by the log.
 * Verified only when the statement names the digest asked about among its subjects.
 */
import type { KeyObject } from 'node:crypto';
import { keyFingerprint, verifyPayload } from './ecdsa.js';
import { CERTIFICATE_ANNOTATION } from './payload.js';
import type { Certificate, TrustedKeys } from './store.js';

export const IN_TOTO = 'application/vnd.in-toto+json';

/** DSSE's pre-authentication encoding: what the signature is over. */
export function pae(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType);
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), payload]);
}

export interface Statement {
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

export interface VerifiedAttestation {
  keyId: string;
  predicateType: string;
  envelopeDigest: string;
  statement: Statement;
  /** A keyless attestation's certificate identity, OIDC issuer and Rekor entry (keyId is then the ephemeral key's). */
  certificate?: Certificate;
  /** A Sigstore bundle referrer's manifest digest (cosign 3's form; envelopeDigest is then the bundle's). */
  referrer?: string;
}

type Opened = { statement: Statement; keyId: string; certificate?: Certificate };

/**
 * One envelope judged (a `.att` layer's, or a bundle's): keyless when keyless trust is given and the
 * annotations carry cosign's certificate, else by the keys; verified only when its statement names `digest`.
 */
export async function judgeEnvelope(
  bytes: Buffer,
  trust: TrustedKeys,
  annotations: Record<string, unknown>,
  digest: string,
): Promise<Omit<VerifiedAttestation, 'envelopeDigest'> | string> {
  const keyless = trust.keyless && typeof annotations[CERTIFICATE_ANNOTATION] === 'string';
  // With no key to try, say why as a `.sig` layer's verdict does (verify.ts), not "another key".
  if (!keyless && !trust.keys.length)
    return trust.keyless
      ? 'a key signature (no certificate): only a keyless signature can match the certificate identity given'
      : 'no key was given to verify with';
  const opened: Opened | string = keyless ? await openKeyless(bytes, trust, annotations) : openEnvelope(bytes, trust.keys);
  if (typeof opened === 'string') return opened;
  const names = (opened.statement.subject ?? []).some((s) => `sha256:${String(s.digest?.sha256)}` === digest);
  if (!names) return `signed, but its subjects do not name ${digest}`;
  return {
    keyId: opened.keyId,
    predicateType: String(opened.statement.predicateType),
    statement: opened.statement,
    ...(opened.certificate ? { certificate: opened.certificate } : {}),
  };
}

/** A keyless envelope (a layer with cosign's certificate annotation) opened by the Sigstore verifier and the identity policy. */
async function openKeyless(
  bytes: Buffer,
  trust: TrustedKeys,
  annotations: Record<string, unknown>,
): Promise<{ statement: Statement; keyId: string; certificate: Certificate } | string> {
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
