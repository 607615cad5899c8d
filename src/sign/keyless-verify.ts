/**
 * Keyless signatures verified as `cosign verify --certificate-identity … --certificate-oidc-issuer …
 * --trusted-root trusted_root.json` verifies them, by the Sigstore project's own verifier
 * (@sigstore/verify, loaded only here, and this module only by a run that verifies keyless). What
 * cosign stores in a `.sig` layer — the signature, the Fulcio leaf, the Rekor bundle (SET, body,
 * integratedTime, logIndex, logID) — is turned into the Sigstore bundle it stands for (v0.1: a log
 * entry vouched for by its SET alone, as cosign's annotation holds it) and handed to `Verifier`,
 * which checks: the leaf chains to a certificate authority of the trusted root valid at the entry's
 * integratedTime (so the time falls within the leaf's validity), its SCT, the SET with the root's
 * transparency log whose log id the entry names (cosign's canonical JSON of {body, integratedTime,
 * logID, logIndex}), the hashedrekord body names this signature and the payload's hash, and the
 * signature verifies over the payload with the leaf's key. Hoist adds the identity policy (exact or
 * regexp, cosign's rules: identity.ts) and that the body's key is this certificate. No network: the
 * root of trust is the file given, never fetched by TUF.
 *
 * Contract:
 *   loadTrustedRoot(text, input) → KeylessRoot, or throws Error naming `input` (not JSON, not a root)
 *   verifyKeyless(root, policy, payload, annotations) → { subject, issuer, keyId, logIndex, integratedTime } | { reason }
 *   verifyKeylessEnvelope(root, policy, envelope, annotations) → the same, for a keyless `.att` layer
 *     (a DSSE envelope as `cosign attest` keyless stores it: the same annotations, an intoto or dsse entry)
 */
import { createHash, X509Certificate } from 'node:crypto';
import type * as SigstoreBundle from '@sigstore/bundle';
import type * as SigstoreVerify from '@sigstore/verify';
import { keyFingerprint } from './ecdsa.js';
import { judgeIdentity, type IdentityPolicy } from '../core/identity.js';
import { BUNDLE_ANNOTATION, CERTIFICATE_ANNOTATION, SIGNATURE_ANNOTATION } from './payload.js';

type VerifyModule = typeof SigstoreVerify;

/** A trusted root read and made ready for the verifier; opaque to callers. */
export interface KeylessRoot {
  verifier: InstanceType<VerifyModule['Verifier']>;
  lib: VerifyModule;
  bundle: typeof SigstoreBundle;
  /** How many CAs and logs it names, for messages. */
  summary: string;
}

export interface KeylessSigner {
  subject: string;
  issuer: string;
  /** `sha256:<hex>` of the certificate key's SPKI (the ephemeral key). */
  keyId: string;
  logIndex: number;
  /** The log's time of the entry (seconds since the epoch). */
  integratedTime: number;
}

// CommonJS packages: their exports are the namespace's default, in Node and in the bundle alike.
const load = async <T>(m: Promise<T>): Promise<T> => {
  const ns = (await m) as T & { default?: T };
  return ns.default ?? ns;
};

/** A Sigstore `trusted_root.json` (as `cosign verify --trusted-root` reads it). */
export async function loadTrustedRoot(text: string, input: string): Promise<KeylessRoot> {
  const [lib, bundle, specs] = await Promise.all([
    load(import('@sigstore/verify')),
    load(import('@sigstore/bundle')),
    load(import('@sigstore/protobuf-specs')),
  ]);
  let json: { mediaType?: unknown; certificateAuthorities?: unknown; tlogs?: unknown };
  try {
    json = JSON.parse(text) as typeof json;
  } catch (e) {
    throw new Error(`${input}: not JSON (${(e as Error).message.slice(0, 80)}): give a Sigstore trusted_root.json`);
  }
  if (!json || typeof json !== 'object' || !Array.isArray(json.certificateAuthorities) || !Array.isArray(json.tlogs))
    throw new Error(`${input}: not a Sigstore trusted root (no certificateAuthorities and tlogs): give a trusted_root.json`);
  let verifier;
  try {
    const material = lib.toTrustMaterial(specs.TrustedRoot.fromJSON(json));
    verifier = new lib.Verifier(material, { tlogThreshold: 1, ctlogThreshold: 1 });
  } catch (e) {
    throw new Error(`${input}: a trusted root the Sigstore verifier cannot read: ${(e as Error).message.slice(0, 120)}`);
  }
  const summary = `${json.certificateAuthorities.length} certificate authorit${json.certificateAuthorities.length === 1 ? 'y' : 'ies'}, ${json.tlogs.length} transparency log${json.tlogs.length === 1 ? '' : 's'}`;
  return { verifier, lib, bundle, summary };
}

interface RekorBundle {
  SignedEntryTimestamp?: unknown;
  Payload?: { body?: unknown; integratedTime?: unknown; logIndex?: unknown; logID?: unknown };
}

const pemBase64 = (pem: string) => pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s/g, '');

/** The reason a VerificationError gives, in the words of a rejection. */
function reasonOf(err: unknown): string {
  const e = err as { code?: string; message?: string };
  const message = (e.message ?? String(err)).slice(0, 200);
  switch (e.code) {
    case 'CERTIFICATE_ERROR':
      return `untrusted certificate: ${message} (the certificate does not chain to a certificate authority of the trusted root)`;
    case 'TLOG_INCLUSION_PROMISE_ERROR':
      return `SET invalid: the Rekor bundle's signed entry timestamp does not verify with a transparency log of the trusted root`;
    case 'TLOG_BODY_ERROR':
      return `the Rekor entry is for another signature or payload: ${message}`;
    case 'SIGNATURE_ERROR':
      return "the signature does not verify over the payload with the certificate's key (a tampered payload or signature)";
    default:
      return `not verified: ${message}`;
  }
}

/** What a keyless layer's annotations hold, read and cross-checked, before the verifier runs. */
interface Logged {
  leaf: X509Certificate;
  set: string;
  entry: { body: string; integratedTime: number; logIndex: number; logID: string };
  kind: string;
  apiVersion: string;
}

/**
 * The certificate and the Rekor bundle of a keyless layer, checked as far as Hoist checks them
 * itself: the entry is of a kind `kinds` allows, its key is this certificate (cosign checks it; the
 * library compares signature and digest only), the log's time falls within the certificate's validity.
 */
function readLogged(annotations: Record<string, unknown>, kinds: readonly string[], loggedKey: (body: LoggedBody) => unknown): Logged | { reason: string } {
  const pem = annotations[CERTIFICATE_ANNOTATION];
  const rekor = annotations[BUNDLE_ANNOTATION];
  if (typeof pem !== 'string') return { reason: 'a keyless layer without its certificate' };
  if (typeof rekor !== 'string')
    return { reason: `no Rekor bundle (${BUNDLE_ANNOTATION}): the signature was not logged, and cosign verify requires the entry` };
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(pem);
  } catch {
    return { reason: `the ${CERTIFICATE_ANNOTATION} annotation is not a PEM certificate` };
  }
  let rb: RekorBundle;
  try {
    rb = JSON.parse(rekor) as RekorBundle;
  } catch {
    return { reason: `the ${BUNDLE_ANNOTATION} annotation is not JSON` };
  }
  const p = rb.Payload ?? {};
  if (
    typeof rb.SignedEntryTimestamp !== 'string' ||
    typeof p.body !== 'string' ||
    typeof p.integratedTime !== 'number' ||
    typeof p.logIndex !== 'number' ||
    typeof p.logID !== 'string' ||
    !/^[0-9a-f]+$/.test(p.logID)
  )
    return { reason: `the Rekor bundle lacks SignedEntryTimestamp, body, integratedTime, logIndex or logID` };
  let body: LoggedBody;
  try {
    body = JSON.parse(Buffer.from(p.body, 'base64').toString('utf8')) as LoggedBody;
  } catch {
    return { reason: 'the Rekor entry body is not JSON' };
  }
  if (typeof body.kind !== 'string' || !kinds.includes(body.kind))
    return { reason: `the Rekor entry is a ${String(body.kind).slice(0, 40)}, not a ${kinds.join(' or ')} of this signature` };
  const logged = loggedKey(body);
  if (typeof logged !== 'string' || pemBase64(Buffer.from(logged, 'base64').toString('utf8')) !== pemBase64(pem))
    return { reason: "the Rekor entry is for another certificate than this layer's" };
  const at = new Date(p.integratedTime * 1000);
  if (at < new Date(leaf.validFrom) || at > new Date(leaf.validTo))
    return {
      reason: `expired: the entry was logged at ${at.toISOString()}, outside the certificate's validity (${new Date(leaf.validFrom).toISOString()} to ${new Date(leaf.validTo).toISOString()})`,
    };
  const entry = { body: p.body, integratedTime: p.integratedTime, logIndex: p.logIndex, logID: p.logID };
  return { leaf, set: rb.SignedEntryTimestamp, entry, kind: body.kind, apiVersion: String(body.apiVersion) };
}

interface LoggedBody {
  kind?: unknown;
  apiVersion?: unknown;
  spec?: {
    signature?: { publicKey?: { content?: unknown } };
    content?: { envelope?: { signatures?: Array<{ publicKey?: unknown }> } };
  };
}

/** The verifier run over a bundle rebuilt from the layer (`content`: its message signature or envelope), then the identity policy. */
function judge(
  root: KeylessRoot,
  policy: IdentityPolicy,
  logged: Logged,
  content: Record<string, unknown>,
  artifact: Buffer | undefined,
): KeylessSigner | { reason: string } {
  const { verifier, lib, bundle } = root;
  const { leaf, entry } = logged;
  let signer;
  try {
    const b = bundle.bundleFromJSON({
      mediaType: 'application/vnd.dev.sigstore.bundle+json;version=0.1',
      verificationMaterial: {
        x509CertificateChain: { certificates: [{ rawBytes: leaf.raw.toString('base64') }] },
        tlogEntries: [
          {
            logIndex: String(entry.logIndex),
            logId: { keyId: Buffer.from(entry.logID, 'hex').toString('base64') },
            kindVersion: { kind: logged.kind, version: logged.apiVersion },
            integratedTime: String(entry.integratedTime),
            inclusionPromise: { signedEntryTimestamp: logged.set },
            canonicalizedBody: entry.body,
          },
        ],
      },
      ...content,
    });
    signer = verifier.verify(lib.toSignedEntity(b, artifact));
  } catch (err) {
    return { reason: reasonOf(err) };
  }
  const subject = (signer.identity?.subjectAlternativeName ?? '').replace(/^(email|URI):/, '');
  const issuer = signer.identity?.extensions?.issuer ?? '';
  const wrong = judgeIdentity(policy, { subject, issuer });
  if (wrong) return { reason: wrong };
  return { subject, issuer, keyId: keyFingerprint(leaf.publicKey), logIndex: entry.logIndex, integratedTime: entry.integratedTime };
}

/** One keyless layer judged: its signer, or why it does not verify. `payload` is the blob as served (its digest checked by the caller). */
export function verifyKeyless(
  root: KeylessRoot,
  policy: IdentityPolicy,
  payload: Buffer,
  annotations: Record<string, unknown>,
): KeylessSigner | { reason: string } {
  const signature = annotations[SIGNATURE_ANNOTATION];
  if (typeof signature !== 'string') return { reason: 'a keyless layer without its certificate or signature' };
  const logged = readLogged(annotations, ['hashedrekord'], (b) => b.spec?.signature?.publicKey?.content);
  if ('reason' in logged) return logged;
  const messageDigest = { algorithm: 'SHA2_256', digest: createHash('sha256').update(payload).digest('base64') };
  return judge(root, policy, logged, { messageSignature: { messageDigest, signature } }, payload);
}

/**
 * A keyless `.att` layer judged (cosign attest's keyless form): the DSSE envelope as served (its
 * digest checked by the caller), signed by the certificate's key over its PAE, logged as an intoto
 * entry (or a dsse one, as newer cosign logs) naming this signature and the payload's hash.
 */
export function verifyKeylessEnvelope(
  root: KeylessRoot,
  policy: IdentityPolicy,
  envelope: { payloadType: string; payload: string; signatures: Array<{ sig: string; keyid?: string }> },
  annotations: Record<string, unknown>,
): KeylessSigner | { reason: string } {
  if (envelope.signatures.length !== 1) return { reason: `a keyless envelope with ${envelope.signatures.length} signatures (cosign makes one)` };
  const logged = readLogged(annotations, ['intoto', 'dsse'], (b) => b.spec?.content?.envelope?.signatures?.[0]?.publicKey ?? dssePublicKey(b));
  if ('reason' in logged) return logged;
  const [only] = envelope.signatures;
  const dsseEnvelope = { payload: envelope.payload, payloadType: envelope.payloadType, signatures: [{ sig: only!.sig, keyid: only!.keyid ?? '' }] };
  return judge(root, policy, logged, { dsseEnvelope }, undefined);
}

/** A dsse v0.0.1 entry's verifier (Rekor's canonical form: spec.signatures[0].verifier, base64 PEM). */
const dssePublicKey = (b: LoggedBody) => (b.spec as { signatures?: Array<{ verifier?: unknown }> } | undefined)?.signatures?.[0]?.verifier;
