/**
 * cosign's storage of a key signature (specs/SIGNATURE_SPEC.md): the simple-signing payload, the
 * tag it lives under and the descriptor that carries the signature.
 *
 * Contract (stable):
 *   simpleSigningPayload(dockerReference, digest) → Buffer   the exact bytes cosign signs:
 *     {"critical":{"identity":{"docker-reference":R},"image":{"docker-manifest-digest":D},
 *      "type":"cosign container image signature"},"optional":null}
 *   parseSimpleSigning(bytes) → { dockerReference, digest, type, optional } or a reason (string)
 *   signatureTag('sha256:<hex>') → 'sha256-<hex>.sig';  attestationTag → 'sha256-<hex>.att'
 *   SIMPLE_SIGNING, SIGNATURE_ANNOTATION, COSIGN_TYPE: the media type, annotation key and claim type
 */
import { DIGEST_PATTERN } from '../core/reference.js';

export const SIMPLE_SIGNING = 'application/vnd.dev.cosign.simplesigning.v1+json';
export const SIGNATURE_ANNOTATION = 'dev.cosignproject.cosign/signature';
/** A keyless signature's annotations (cosign's): the Fulcio leaf PEM, the rest of its chain, the Rekor bundle. */
export const CERTIFICATE_ANNOTATION = 'dev.sigstore.cosign/certificate';
export const CHAIN_ANNOTATION = 'dev.sigstore.cosign/chain';
export const BUNDLE_ANNOTATION = 'dev.sigstore.cosign/bundle';
export const COSIGN_TYPE = 'cosign container image signature';

export interface SimpleSigning {
  dockerReference: string;
  /** `critical.image.docker-manifest-digest`: the manifest the signature is for. */
  digest: string;
  type: string;
  optional: Record<string, unknown> | null;
}

export function simpleSigningPayload(dockerReference: string, digest: string, optional: Record<string, string> | null = null): Buffer {
  if (!DIGEST_PATTERN.test(digest)) throw new Error(`cannot sign '${digest.slice(0, 80)}': not a sha256 digest`);
  // Key order and spelling as cosign writes them (encoding/json of its struct): the bytes are what is signed.
  return Buffer.from(
    JSON.stringify({
      critical: { identity: { 'docker-reference': dockerReference }, image: { 'docker-manifest-digest': digest }, type: COSIGN_TYPE },
      optional,
    }),
  );
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A field as Go's encoding/json finds it (cosign's reader): the exact name, else a name equal
 * under case folding (`Docker-manifest-digest`, as the spec's own example spells it).
 */
function field(o: Record<string, unknown>, name: string): unknown {
  if (name in o) return o[name];
  const key = Object.keys(o).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : o[key];
}

/** The payload's claims, or why they cannot be read (a reason for the `rejected` list). */
export function parseSimpleSigning(bytes: Buffer): SimpleSigning | string {
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return 'the payload is not JSON';
  }
  if (!isObject(doc)) return 'the payload is not a JSON object';
  const critical = field(doc, 'critical');
  if (!isObject(critical)) return 'the payload has no critical section';
  const image = field(critical, 'image');
  const identity = field(critical, 'identity');
  const digest = isObject(image) ? field(image, 'docker-manifest-digest') : undefined;
  const type = field(critical, 'type');
  if (typeof digest !== 'string' || !DIGEST_PATTERN.test(digest)) return 'the payload names no sha256 docker-manifest-digest';
  if (typeof type !== 'string') return 'the payload has no critical.type';
  const ref = isObject(identity) ? field(identity, 'docker-reference') : undefined;
  const optional = field(doc, 'optional');
  return { dockerReference: typeof ref === 'string' ? ref : '', digest, type, optional: isObject(optional) ? optional : null };
}

const tagOf = (digest: string, suffix: string) => {
  if (!DIGEST_PATTERN.test(digest)) throw new Error(`'${digest.slice(0, 80)}' is not a sha256 digest`);
  return `${digest.replace(':', '-')}.${suffix}`;
};

/** Where cosign keeps an image's signatures: `sha256-<hex>.sig` in the image's repository. */
export const signatureTag = (digest: string) => tagOf(digest, 'sig');
/** Where cosign keeps an image's attestations: `sha256-<hex>.att`. */
export const attestationTag = (digest: string) => tagOf(digest, 'att');
