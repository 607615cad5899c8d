/**
 * Signatures and attestations as OCI 1.1 referrers holding a Sigstore bundle, as cosign 3 stores
 * them (`cosign sign` / `cosign attest` with the new bundle format, the default since v3;
 * pkg/oci/remote/write.go `WriteAttestationNewBundleFormat`): an image manifest whose `subject` is
 * the signed manifest, `artifactType` and config `artifactType` the bundle's media type, config the
 * OCI empty descriptor (`{}`), one layer the bundle JSON (v0.3), and the annotations
 * `dev.sigstore.bundle.content: dsse-envelope` and `dev.sigstore.bundle.predicateType`.
 *
 * What the bundle holds is always a DSSE envelope of an in-toto statement: for an attestation its
 * statement; for a signature, cosign's sign statement (`predicateType
 * https://sigstore.dev/cosign/sign/v1`, the image digest as its one subject, an empty predicate) —
 * cosign 3 no longer signs a simple-signing payload in this format, and a message signature over a
 * payload the bundle does not carry could not be checked by anyone. Key bundles carry the key's
 * hint (`publicKey.hint`: base64 of the SHA-256 of its SPKI DER, as sigstore-go writes it) and no
 * log entry; keyless ones the Fulcio certificate and the Rekor entry (`keyless.ts`).
 *
 * Contract: pure, no I/O and no Sigstore library loaded here (the callers import @sigstore/bundle).
 *   cosignSignStatement(digest) → the statement bytes cosign signs for an image signature
 *   referrerManifest(subject, bundle, predicateType, created, identity?) → { bytes, digest, config }
 *   readReferrer(bytes, subject) → the bundle layer's descriptor, or why the manifest is not one for `subject`
 *   bundleMaterial(bundle) → the DSSE envelope's JSON bytes and, keyless, cosign's certificate and
 *     Rekor-bundle annotations — what the `.att` verifier (attest.ts) judges — or a reason
 */
import { createHash, X509Certificate } from 'node:crypto';
import { DIGEST_PATTERN } from '../core/reference.js';
import { BUNDLE_ANNOTATION, CERTIFICATE_ANNOTATION } from './payload.js';

export const BUNDLE_V03 = 'application/vnd.dev.sigstore.bundle.v0.3+json';
export const OCI_EMPTY = 'application/vnd.oci.empty.v1+json';
export const EMPTY_JSON = Buffer.from('{}');
export const COSIGN_SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1';
export const BUNDLE_PREDICATE_ANNOTATION = 'dev.sigstore.bundle.predicateType';
export const BUNDLE_CONTENT_ANNOTATION = 'dev.sigstore.bundle.content';
/**
 * Hoist's annotation on a referrer naming what it stands for apart from its run (signer and
 * subject; an attestation's identity): a re-run finds it in the listing and writes nothing new.
 * Only ever used to skip, never to trust.
 */
export const BUNDLE_IDENTITY_ANNOTATION = 'dev.hoist.bundle.identity';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

export interface SubjectDescriptor {
  mediaType: string;
  digest: string;
  size: number;
}

/** cosign's sign statement for `digest` (in-toto v1): what a signature referrer's envelope carries. */
export function cosignSignStatement(digest: string): Buffer {
  if (!DIGEST_PATTERN.test(digest)) throw new Error(`cannot sign '${digest.slice(0, 80)}': not a sha256 digest`);
  return Buffer.from(
    JSON.stringify({
      _type: 'https://in-toto.io/Statement/v1',
      subject: [{ digest: { sha256: digest.slice('sha256:'.length) } }],
      predicateType: COSIGN_SIGN_PREDICATE,
      predicate: {},
    }),
  );
}

/** The key hint of a bundle (sigstore-go's): base64 of the SHA-256 of the key's SPKI DER, from our `sha256:<hex>` fingerprint. */
export const keyHint = (fingerprint: string) => Buffer.from(fingerprint.replace(/^sha256:/, ''), 'hex').toString('base64');

/** The referrer manifest of one bundle, in cosign's shape (the layer's bytes are `bundle`). */
export function referrerManifest(
  subject: SubjectDescriptor,
  bundle: Buffer,
  predicateType: string,
  created: Date,
  identity?: string,
): { bytes: Buffer; digest: string; config: Buffer } {
  const manifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: OCI_EMPTY, size: EMPTY_JSON.length, digest: sha256(EMPTY_JSON), artifactType: BUNDLE_V03 },
    layers: [{ mediaType: BUNDLE_V03, size: bundle.length, digest: sha256(bundle) }],
    annotations: {
      [BUNDLE_CONTENT_ANNOTATION]: 'dsse-envelope',
      [BUNDLE_PREDICATE_ANNOTATION]: predicateType,
      'org.opencontainers.image.created': created.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      ...(identity ? { [BUNDLE_IDENTITY_ANNOTATION]: identity } : {}),
    },
    subject: { mediaType: subject.mediaType, size: subject.size, digest: subject.digest },
    artifactType: BUNDLE_V03,
  };
  const bytes = Buffer.from(JSON.stringify(manifest));
  return { bytes, digest: sha256(bytes), config: EMPTY_JSON };
}

export interface BundleLayer {
  digest: string;
  size: number;
  /** The manifest's `dev.sigstore.bundle.predicateType` (absent in older cosign's referrers). */
  predicateType?: string;
}

/** A referrer manifest read back: its bundle layer, if it is a Sigstore bundle referrer of `subject`; else why not. */
export function readReferrer(bytes: Buffer, subject: string): BundleLayer | string {
  let m: { artifactType?: unknown; config?: { mediaType?: unknown }; subject?: { digest?: unknown }; layers?: unknown; annotations?: Record<string, unknown> };
  try {
    m = JSON.parse(bytes.toString('utf8')) as typeof m;
  } catch {
    return 'the referrer is not a JSON manifest';
  }
  if (!m || typeof m !== 'object') return 'the referrer is not a JSON manifest';
  if (m.subject?.digest !== subject) return `a referrer listed for ${subject} names another subject: ${String(m.subject?.digest).slice(0, 80)} (not counted)`;
  const layers = Array.isArray(m.layers) ? (m.layers as Array<{ mediaType?: unknown; digest?: unknown; size?: unknown }>) : [];
  const layer = layers.find((l) => typeof l?.mediaType === 'string' && l.mediaType.startsWith('application/vnd.dev.sigstore.bundle'));
  if (!layer) return 'the referrer holds no Sigstore bundle layer';
  if (typeof layer.digest !== 'string' || !/^sha256:[a-f0-9]{64}$/.test(layer.digest) || typeof layer.size !== 'number' || layer.size < 0)
    return 'the bundle layer has no sha256 digest and size';
  const predicateType = m.annotations?.[BUNDLE_PREDICATE_ANNOTATION];
  return { digest: layer.digest, size: layer.size, ...(typeof predicateType === 'string' ? { predicateType } : {}) };
}

interface SerializedEntry {
  logIndex?: unknown;
  logId?: { keyId?: unknown };
  kindVersion?: { kind?: unknown; version?: unknown };
  integratedTime?: unknown;
  inclusionPromise?: { signedEntryTimestamp?: unknown };
  canonicalizedBody?: unknown;
}

interface SerializedBundle {
  mediaType?: unknown;
  dsseEnvelope?: { payload?: unknown; payloadType?: unknown; signatures?: unknown };
  messageSignature?: unknown;
  verificationMaterial?: {
    certificate?: { rawBytes?: unknown };
    x509CertificateChain?: { certificates?: Array<{ rawBytes?: unknown }> };
    publicKey?: { hint?: unknown };
    tlogEntries?: SerializedEntry[];
  };
}

export interface BundleMaterial {
  /** The DSSE envelope, as JSON bytes (what a `.att` layer holds). */
  envelope: Buffer;
  /** Keyless: cosign's certificate and Rekor-bundle annotations standing for the bundle's material. */
  annotations?: Record<string, string>;
}

/**
 * What a bundle holds, as the `.att` verifier reads it. A keyless bundle's log entry becomes cosign's
 * Rekor bundle (SET, body, integratedTime, logIndex, logID), so it is judged by the same checks as a
 * keyless `.att` layer; an entry with only an inclusion proof (no SET) is refused with that reason.
 */
export function bundleMaterial(bytes: Buffer): BundleMaterial | string {
  let b: SerializedBundle;
  try {
    b = JSON.parse(bytes.toString('utf8')) as SerializedBundle;
  } catch {
    return 'the bundle is not JSON';
  }
  if (!b || typeof b !== 'object' || typeof b.mediaType !== 'string' || !b.mediaType.startsWith('application/vnd.dev.sigstore.bundle'))
    return 'not a Sigstore bundle (no bundle mediaType)';
  if (!b.dsseEnvelope)
    return b.messageSignature ? 'a message-signature bundle (cosign signs images with a DSSE envelope): not judged' : 'a bundle without content';
  const envelope = Buffer.from(JSON.stringify(b.dsseEnvelope));
  const vm = b.verificationMaterial ?? {};
  const raw = vm.certificate?.rawBytes ?? vm.x509CertificateChain?.certificates?.[0]?.rawBytes;
  if (typeof raw !== 'string') return { envelope };
  let pem: string;
  try {
    pem = new X509Certificate(Buffer.from(raw, 'base64')).toString();
  } catch {
    return "the bundle's certificate is not a DER certificate";
  }
  const entry = vm.tlogEntries?.[0];
  if (!entry) return { envelope, annotations: { [CERTIFICATE_ANNOTATION]: pem } };
  const set = entry.inclusionPromise?.signedEntryTimestamp;
  if (typeof set !== 'string') return "the bundle's log entry has no signed entry timestamp (an inclusion proof alone is not checked by this version)";
  const rekor = {
    SignedEntryTimestamp: set,
    Payload: {
      body: entry.canonicalizedBody,
      integratedTime: Number(entry.integratedTime),
      logIndex: Number(entry.logIndex),
      logID: typeof entry.logId?.keyId === 'string' ? Buffer.from(entry.logId.keyId, 'base64').toString('hex') : undefined,
    },
  };
  return { envelope, annotations: { [CERTIFICATE_ANNOTATION]: pem, [BUNDLE_ANNOTATION]: JSON.stringify(rekor) } };
}
