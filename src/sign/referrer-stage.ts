/**
 * The signing stage's second form (stage.ts calls it after each `.sig` and `.att`): the same
 * signature and provenance stored as Sigstore bundle referrers (bundle.ts, referrer.ts), as cosign 3
 * stores them. A signature is cosign's sign statement in a DSSE envelope — signed once per digest
 * with the key, or keyless (one more Fulcio certificate and Rekor entry per digest, as `cosign sign`
 * makes) — and stored in each repository; a provenance is the envelope already made before the
 * push, as a bundle. A referrer already standing for the same signer and subject (Hoist's identity
 * annotation, read from the listing) is not written again: a re-run moves nothing.
 */
import { createHash } from 'node:crypto';
import type * as SigstoreBundle from '@sigstore/bundle';
import type { Effects } from '../effects/effects.js';
import { dsseEnvelope, IN_TOTO } from './attest.js';
import { COSIGN_SIGN_PREDICATE, cosignSignStatement, keyHint, type SubjectDescriptor } from './bundle.js';
import type { SigningKey } from './keys.js';
import { keylessAttest, tokenClaims, type KeylessEndpoints } from './keyless.js';
import { attachBundle, bundleWithIdentity, type BundleWriter } from './referrer.js';

// CommonJS package: its exports are the namespace's default, in Node and in the bundle alike.
const sigstoreBundle = async (): Promise<typeof SigstoreBundle> => {
  const ns = (await import('@sigstore/bundle')) as typeof SigstoreBundle & { default?: typeof SigstoreBundle };
  return ns.default ?? ns;
};

/** A key-signed DSSE envelope (attest.ts's JSON) as a v0.3 Sigstore bundle with the key's hint, as JSON bytes. */
export async function keyBundle(envelope: Buffer, fingerprint: string): Promise<Buffer> {
  const { toDSSEBundle, bundleToJSON } = await sigstoreBundle();
  const env = JSON.parse(envelope.toString('utf8')) as { payload: string; payloadType: string; signatures: Array<{ sig: string }> };
  const bundle = toDSSEBundle({
    artifact: Buffer.from(env.payload, 'base64'),
    artifactType: env.payloadType,
    signature: Buffer.from(env.signatures[0]!.sig, 'base64'),
    keyHint: keyHint(fingerprint),
  });
  return Buffer.from(JSON.stringify(bundleToJSON(bundle)));
}

/** Who signs a run's bundles: `identity` names the signer (for skipping), `sign` makes a bundle of a statement. */
export interface BundleSigner {
  identity: string;
  sign(statement: Buffer): Promise<Buffer>;
}

export function keyBundleSigner(key: SigningKey): BundleSigner {
  return { identity: `key ${key.fingerprint}`, sign: (statement) => keyBundle(dsseEnvelope(statement, key), key.fingerprint) };
}

export function keylessBundleSigner(endpoints: KeylessEndpoints): BundleSigner {
  const { sub, iss } = tokenClaims(endpoints.token);
  return { identity: `keyless ${sub} ${iss}`, sign: async (statement) => (await keylessAttest(statement, IN_TOTO, endpoints)).bundle };
}

const identityOf = (...parts: string[]) => createHash('sha256').update(parts.join('\n')).digest('hex');

/** A manifest of a pushed graph as a referrer's subject. */
export const subjectOf = (node: { digest: string; mediaType: string; bytes: Buffer }): SubjectDescriptor => ({
  mediaType: node.mediaType,
  digest: node.digest,
  size: node.bytes.length,
});

/**
 * `subject` signed as a bundle referrer in `repository`; `signed` keeps each digest's bundle across
 * repositories (the statement names no repository), so keyless asks Fulcio and Rekor once per digest.
 */
export async function storeSignatureBundle(
  fx: Pick<Effects, 'platform'>,
  client: BundleWriter,
  repository: string,
  name: string,
  subject: SubjectDescriptor,
  signer: BundleSigner,
  signed: Map<string, Promise<Buffer>>,
): Promise<void> {
  const identity = identityOf('sign', signer.identity, subject.digest);
  const there = await bundleWithIdentity(client, repository, subject.digest, identity);
  if (there) return fx.platform.info(`${name}@${subject.digest}: its Sigstore bundle referrer is there already (${there})`);
  let bundle = signed.get(subject.digest);
  if (!bundle) signed.set(subject.digest, (bundle = signer.sign(cosignSignStatement(subject.digest))));
  const a = await attachBundle(client, repository, subject, await bundle, COSIGN_SIGN_PREDICATE, fx.platform.context.now(), identity);
  fx.platform.info(`${name}@${subject.digest}: signature also stored as a Sigstore bundle referrer ${a.referrer} (${via(a.via, subject.digest)})`);
}

/** An attestation's bundle (made before the push) stored as a referrer of `subject`, unless one of the same identity is there. */
export async function storeAttestationBundle(
  fx: Pick<Effects, 'platform'>,
  client: BundleWriter,
  repository: string,
  name: string,
  subject: SubjectDescriptor,
  bundle: Buffer,
  predicateType: string,
  attestation: string,
): Promise<void> {
  const identity = identityOf('attest', attestation, subject.digest);
  const there = await bundleWithIdentity(client, repository, subject.digest, identity);
  if (there) return;
  const a = await attachBundle(client, repository, subject, bundle, predicateType, fx.platform.context.now(), identity);
  fx.platform.info(`${name}@${subject.digest}: ${predicateType} also stored as a Sigstore bundle referrer ${a.referrer} (${via(a.via, subject.digest)})`);
}

const via = (how: 'api' | 'tag', digest: string) => (how === 'api' ? 'referrers API' : `no referrers API: listed in the tag ${digest.replace(':', '-')}`);
