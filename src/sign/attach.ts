/**
 * Writing a key signature where cosign keeps it: the payload as a blob, the manifest tagged
 * `sha256-<hex>.sig` in the image's repository with one layer per signature. Other signers' layers
 * are kept (appended to, never replaced); a signature by the same key over the same payload is
 * not written twice, so a re-run moves nothing.
 *
 * Contract: attachSignature(client, repository, dockerReference, digest, key) → AttachedSignature
 *   repository: the path in the registry (`team/app`); dockerReference: `host/team/app` (the
 *   payload's critical.identity); digest: the manifest signed. Registry failures throw.
 */
import { createHash } from 'node:crypto';
import type { BlobRef, OpenBlob } from '../registry/upload.js';
import { signPayload, verifyPayload } from './ecdsa.js';
import type { SigningKey } from './keys.js';
import { SIGNATURE_ANNOTATION, signatureTag, simpleSigningPayload, SIMPLE_SIGNING } from './payload.js';
import type { SignatureStore } from './store.js';

/** What writing needs besides reading: a RegistryClient is one. */
export interface SignatureWriter extends SignatureStore {
  hasBlob(repository: string, digest: string): Promise<boolean>;
  uploadBlob(repository: string, blob: BlobRef, open: OpenBlob): Promise<unknown>;
  putManifest(repository: string, reference: string, bytes: Buffer, mediaType: string): Promise<string | undefined>;
}

export interface AttachedSignature {
  /** The image manifest signed. */
  digest: string;
  /** `sha256-<hex>.sig` */
  tag: string;
  /** The digest of the `.sig` manifest now in the registry. */
  manifest: string;
  /** The payload blob's digest (this signature's layer). */
  payloadDigest: string;
  /** False when the same key's signature over the same payload was already there. */
  added: boolean;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/**
 * The config cosign's manifest carries (go-containerregistry's ConfigFile of an empty image with
 * the payloads as layers): one diff id and history entry per layer. Nothing reads it; registries
 * and tools expect an image config.
 */
export function signatureConfig(layers: readonly Descriptor[]): Buffer {
  return Buffer.from(
    JSON.stringify({
      architecture: '',
      created: '0001-01-01T00:00:00Z',
      history: layers.map(() => ({ created: '0001-01-01T00:00:00Z' })),
      os: '',
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) },
      config: {},
    }),
  );
}

/** The `.sig` manifest for these layers, in the order given. */
export function signatureManifest(layers: readonly Descriptor[]): { bytes: Buffer; config: Buffer } {
  const config = signatureConfig(layers);
  const manifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: OCI_CONFIG, size: config.length, digest: sha256(config) },
    layers,
  };
  return { bytes: Buffer.from(JSON.stringify(manifest)), config };
}

/** A blob uploaded unless the repository has it already; returns its digest. */
export async function putBlob(client: SignatureWriter, repository: string, bytes: Buffer): Promise<string> {
  const digest = sha256(bytes);
  if (!(await client.hasBlob(repository, digest)))
    await client.uploadBlob(repository, { digest, size: bytes.length }, (start, end) =>
      (async function* () {
        yield bytes.subarray(start, end);
      })(),
    );
  return digest;
}

/** The layers of the `.sig` manifest already there (other signers', earlier runs'), or none. */
async function existing(client: SignatureWriter, repository: string, tag: string): Promise<{ layers: Descriptor[]; digest?: string }> {
  const current = await client.getManifest(repository, tag, [OCI_MANIFEST, 'application/vnd.docker.distribution.manifest.v2+json']);
  if (!current) return { layers: [] };
  let doc: { layers?: unknown };
  try {
    doc = JSON.parse(current.bytes.toString('utf8')) as typeof doc;
  } catch {
    doc = {};
  }
  if (!Array.isArray(doc.layers)) throw new Error(`${repository}:${tag} exists but is not a signature manifest (no layers): not overwritten`);
  return { layers: doc.layers as Descriptor[], digest: current.digest };
}

/**
 * Appends one layer (its blob uploaded) to the cosign manifest under `tag`, keeping every layer
 * there; `same` tells a layer already there that stands for this one (then nothing is written).
 */
export async function appendLayer(
  client: SignatureWriter,
  repository: string,
  tag: string,
  blob: Buffer,
  layer: Descriptor,
  same: (l: Descriptor) => boolean,
): Promise<{ manifest: string; added: boolean }> {
  const { layers, digest: current } = await existing(client, repository, tag);
  if (current && layers.some(same)) return { manifest: current, added: false };
  await putBlob(client, repository, blob);
  const { bytes, config } = signatureManifest([...layers, layer]);
  await putBlob(client, repository, config);
  return { manifest: (await client.putManifest(repository, tag, bytes, OCI_MANIFEST)) ?? sha256(bytes), added: true };
}

export async function attachSignature(
  client: SignatureWriter,
  repository: string,
  dockerReference: string,
  digest: string,
  key: SigningKey,
): Promise<AttachedSignature> {
  const tag = signatureTag(digest);
  const payload = simpleSigningPayload(dockerReference, digest);
  const payloadDigest = sha256(payload);
  const layer: Descriptor = {
    mediaType: SIMPLE_SIGNING,
    size: payload.length,
    digest: payloadDigest,
    annotations: { [SIGNATURE_ANNOTATION]: signPayload(key.privateKey, payload) },
  };
  // This key's signature over the same payload is already there: a re-run writes nothing.
  const same = (l: Descriptor) => l.digest === payloadDigest && verifyPayload(key.publicKey, payload, l.annotations?.[SIGNATURE_ANNOTATION] ?? '');
  const { manifest, added } = await appendLayer(client, repository, tag, payload, layer, same);
  return { digest, tag, manifest, payloadDigest, added };
}
