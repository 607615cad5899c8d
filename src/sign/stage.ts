/**
 * The signing stage of a build (`sign: key` or `keyless`): the key read before anything is built or pushed
 * (`loadSigner`: a bad key or password is the run's input error, nothing pushed), and once the
 * image and its tags are in every registry, `signPushed` writes cosign's `sha256-<hex>.sig`
 * signature of the root manifest and, for an index, of each platform manifest (as `cosign sign
 * --recursive`), into each image repository the build pushed to, and stores the same signature and
 * the build's provenance as Sigstore bundle referrers too (referrer-stage.ts: cosign 3's form, the
 * referrers API where the registry has it, else its fallback tag). Loaded only by a run that signs.
 */
import { createHash } from 'node:crypto';
import { auditBuilds, leakError, type AuditSummary } from '../audit/stage.js';
import type { Built } from '../builders/stage.js';
import { formatRepository, type Repository } from '../core/reference.js';
import type { Effects } from '../effects/effects.js';
import type { BuildInputs } from '../inputs/index.js';
import type { SigningSettings } from '../inputs/signing.js';
import { MediaType, writeBlobBytes } from '../oci/layout.js';
import type { RegistryClient } from '../registry/client.js';
import type { NamedSecret, SecretCatalog } from '../secrets/catalog.js';
import { ConfigError } from '../core/errors.js';
import { attachSignature, signatureManifest } from './attach.js';
import { attachAttestation, attestationLayer, dsseEnvelope, IN_TOTO } from './attest.js';
import { parseSigningKey, type SigningKey } from './keys.js';
import { attachKeylessSignature, githubIdToken, keylessAttest, KeylessError, tokenClaims, type KeylessEndpoints } from './keyless.js';
import { provenanceStatement, SLSA_PROVENANCE_V1 } from './provenance.js';
import { BUNDLE_V03, type SubjectDescriptor } from './bundle.js';
import { keyBundle, keyBundleSigner, keylessBundleSigner, storeAttestationBundle, storeSignatureBundle, subjectOf } from './referrer-stage.js';

/** One signature written (or found already there): the `signatures` output's line and the summary's. */
export interface SignatureRecord {
  /** `host/path:sha256-<hex>.sig` */
  reference: string;
  repository: string;
  /** The manifest signed. */
  digest: string;
  /** The `.sig` manifest's digest. */
  manifest: string;
  keyId: string;
  added: boolean;
}

/** A build's provenance, signed and audited before the push; attached after it. */
export interface Attestation {
  built: Built;
  envelope: Buffer;
  /** What it stands for apart from its run's times: a re-run of the same build attaches nothing new. */
  identity: string;
  /** sign: keyless — cosign's certificate, chain and Rekor bundle annotations of the envelope's layer. */
  keyless?: Record<string, string>;
  /** The same signed statement as a Sigstore bundle (v0.3), stored as a referrer beside the `.att`. */
  bundle: Buffer;
}

const HOIST_VERSION = '0.1.0';

/** The signing key, read and checked: throws the ConfigError naming signing-key or signing-key-password. */
export function loadSigner(settings: SigningSettings): SigningKey | undefined {
  if (settings.mode !== 'key' || !settings.key) return undefined;
  return parseSigningKey(settings.key, settings.password);
}

/** sign: keyless — the endpoints and the CI's OIDC token, found before anything is built. */
export interface KeylessSigner {
  keyless: KeylessEndpoints;
}

/** The run's signer, before anything is built: the key (sign: key) or the keyless endpoints and token. */
export async function signerFor(settings: SigningSettings, catalog: SecretCatalog): Promise<SigningKey | KeylessSigner | undefined> {
  return settings.mode === 'keyless' ? loadKeyless(settings, catalog) : loadSigner(settings);
}

/**
 * The OIDC token of a keyless run: the variable's (GitLab's id_tokens:), else GitHub's token request;
 * hidden at once. A token that is not a JWT is the input error, before anything is built.
 */
export async function loadKeyless(settings: SigningSettings, catalog: SecretCatalog, fetchFn?: typeof fetch): Promise<KeylessSigner | undefined> {
  const k = settings.keyless;
  if (settings.mode !== 'keyless' || !k) return undefined;
  let token = k.token;
  if (!token && k.request) {
    try {
      token = await githubIdToken(k.request, fetchFn);
    } catch (err) {
      throw err instanceof KeylessError ? new ConfigError([{ input: 'sign', message: `keyless: ${err.message}` }]) : err;
    }
    catalog.add('the OIDC token (GitHub)', token);
  }
  try {
    tokenClaims(token ?? '');
  } catch (err) {
    throw new ConfigError([{ input: k.request ? 'sign' : 'oidc-token-variable', message: (err as Error).message }]);
  }
  return { keyless: { fulcioUrl: k.fulcioUrl, rekorUrl: k.rekorUrl, token: token ?? '' } };
}

/**
 * Before the push: each build's SLSA v1 provenance, in a DSSE envelope signed with the key (or
 * keyless: a Fulcio certificate and a Rekor entry, as `cosign attest` keyless), written
 * into the build's layout as cosign's `.att` manifest would hold it and audited there like the
 * image (a leak under audit: fail stops the run before anything is pushed).
 */
export async function attestBuilds(
  fx: Pick<Effects, 'platform' | 'redactor'>,
  key: SigningKey | KeylessSigner,
  inputs: BuildInputs,
  built: readonly Built[],
  secrets: readonly NamedSecret[],
  startedOn: Date,
): Promise<{ attestations: Attestation[]; audit?: AuditSummary }> {
  const { context } = fx.platform;
  const attestations: Attestation[] = [];
  const views: Built[] = [];
  for (const b of built) {
    const run = { env: context.env, workspace: context.workspace, startedOn, finishedOn: context.now(), hoistVersion: HOIST_VERSION };
    const statement = provenanceStatement(b, inputs, signedDigests(b), run);
    const { envelope, signer, keyless, bundle } = await signStatement(statement, key);
    const { subject, predicate } = JSON.parse(statement.toString('utf8')) as { subject: unknown; predicate: { buildDefinition: unknown } };
    const identity = createHash('sha256')
      .update(JSON.stringify([signer, subject, predicate.buildDefinition]))
      .digest('hex');
    const layer = attestationLayer(envelope, SLSA_PROVENANCE_V1, identity, keyless);
    await writeBlobBytes(b.layoutDir, envelope);
    // Its bundle is pushed too (a referrer's layer): audited with the rest.
    const bundleBlob = { mediaType: BUNDLE_V03, ...(await writeBlobBytes(b.layoutDir, bundle)) };
    const { bytes, config } = signatureManifest([layer, bundleBlob]);
    const configDescriptor = { mediaType: MediaType.ociConfig, ...(await writeBlobBytes(b.layoutDir, config)) };
    const manifest = await writeBlobBytes(b.layoutDir, bytes);
    // The audit reads what a registry would get: the envelope and its bundle (as layers of one manifest here), the config.
    views.push({
      ...b,
      platforms: [],
      graph: { root: { digest: manifest.digest, mediaType: MediaType.ociManifest, bytes }, children: [], blobs: [configDescriptor, layer, bundleBlob] },
    });
    attestations.push({ built: b, envelope, identity, bundle, ...(keyless ? { keyless } : {}) });
  }
  const audit = await auditBuilds(fx, inputs.audit.mode, views, secrets, inputs.audit.limits === 'strict');
  if (audit.leaks > 0 && audit.mode === 'fail') throw leakError(audit);
  return { attestations, audit };
}

/**
 * A statement in a DSSE envelope: signed with the key, or keyless (a Fulcio certificate, an intoto
 * entry in Rekor: `cosign attest` keyless) — `signer` is who, for the attestation's identity.
 */
async function signStatement(
  statement: Buffer,
  key: SigningKey | KeylessSigner,
): Promise<{ envelope: Buffer; signer: string; bundle: Buffer; keyless?: Record<string, string> }> {
  if (!('keyless' in key)) {
    const envelope = dsseEnvelope(statement, key);
    return { envelope, signer: key.fingerprint, bundle: await keyBundle(envelope, key.fingerprint) };
  }
  try {
    const signed = await keylessAttest(statement, IN_TOTO, key.keyless);
    return { envelope: signed.envelope, signer: `${signed.identity} ${signed.issuer}`, bundle: signed.bundle, keyless: signed.annotations };
  } catch (err) {
    throw err instanceof KeylessError ? new Error(`the SLSA provenance was not attested (nothing was pushed): ${err.message}`) : err;
  }
}

/**
 * What signPushed reads of an image: its graph (the root, and an index's platform images) and the
 * repositories it was pushed to — a build's Built, or the index a merge made with its targets.
 */
export interface SignedImage {
  graph: Built['graph'];
  unit: { images: readonly { repository: Repository }[] };
}

/** The manifests a build's signature covers: the root, and an index's platform images. */
export function signedDigests(b: Pick<Built, 'graph'>): string[] {
  return [b.graph.root.digest, ...b.graph.children.map((c) => c.digest)];
}

export async function signPushed(
  fx: Pick<Effects, 'platform'>,
  key: SigningKey | KeylessSigner,
  built: readonly SignedImage[],
  clients: ReadonlyMap<string, RegistryClient>,
  attestations: readonly Attestation[] = [],
): Promise<SignatureRecord[]> {
  const records: SignatureRecord[] = [];
  await fx.platform.group('keyless' in key ? 'Sign (keyless)' : 'Sign', async () => {
    let sign: (place: SignPlace) => Promise<void>;
    const signed = new Map<string, Promise<Buffer>>();
    if ('keyless' in key) {
      const { keyless } = key;
      fx.platform.info(`signing keyless: certificates from ${keyless.fulcioUrl}, entries in ${keyless.rekorUrl}`);
      const bundles = keylessBundleSigner(keyless);
      sign = async ({ client, path, name, digest, subject }) => {
        const a = await naming(`${name}@${digest}: not signed`, () => attachKeylessSignature(client, path, name, digest, keyless));
        records.push({ reference: `${name}:${a.tag}`, repository: name, digest, manifest: a.manifest, keyId: `${a.identity} (${a.issuer})`, added: a.added });
        fx.platform.info(`${name}@${digest}: ${a.added ? 'signed' : 'already signed'} by ${a.identity} (issuer ${a.issuer}) (${name}:${a.tag})`);
        await naming(`${name}@${digest}: its Sigstore bundle not signed`, () => storeSignatureBundle(fx, client, path, name, subject, bundles, signed));
      };
    } else {
      const k = key;
      fx.platform.info(`signing with the key ${k.fingerprint} (verify with its public key: cosign verify --key cosign.pub, or hoist verify --key)`);
      const bundles = keyBundleSigner(k);
      sign = async ({ client, path, name, digest, subject }) => {
        const a = await attachSignature(client, path, name, digest, k);
        records.push({ reference: `${name}:${a.tag}`, repository: name, digest, manifest: a.manifest, keyId: k.fingerprint, added: a.added });
        fx.platform.info(`${name}@${digest}: ${a.added ? 'signed' : 'already signed by this key'} (${name}:${a.tag})`);
        await storeSignatureBundle(fx, client, path, name, subject, bundles, signed);
      };
    }
    for (const b of built)
      for (const image of b.unit.images) {
        const client = clients.get(image.repository.host);
        if (!client) throw new Error(`${formatRepository(image.repository)}: no registry client to write its signature with`);
        const name = formatRepository(image.repository);
        const path = image.repository.path;
        for (const digest of signedDigests(b)) {
          const subject = subjectIn(b, digest);
          await sign({ client, path, name, digest, subject });
          await attachProvenance(
            fx,
            client,
            path,
            name,
            subject,
            attestations.find((x) => x.built === b),
          );
        }
      }
  });
  return records;
}

/** One manifest to sign in one repository: what both kinds of signing are handed. */
interface SignPlace {
  client: RegistryClient;
  path: string;
  name: string;
  digest: string;
  subject: SubjectDescriptor;
}

/** A keyless failure (Fulcio, Rekor, the token) said with what was not signed; any other error as it is. */
async function naming<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw err instanceof KeylessError ? new Error(`${what}: ${err.message}`) : err;
  }
}

/** A build's signed provenance attached under `digest`'s `.att` (none for a merge's index: it built nothing). */
async function attachProvenance(
  fx: Pick<Effects, 'platform'>,
  client: RegistryClient,
  repository: string,
  name: string,
  subject: SubjectDescriptor,
  att: Attestation | undefined,
): Promise<void> {
  if (!att) return;
  const { digest } = subject;
  const t = await attachAttestation(client, repository, digest, att.envelope, SLSA_PROVENANCE_V1, att.identity, att.keyless);
  const by = att.keyless ? 'signer' : 'key';
  fx.platform.info(`${name}@${digest}: ${t.added ? 'SLSA v1 provenance attested' : `the same provenance already attested by this ${by}`} (${name}:${t.tag})`);
  await storeAttestationBundle(fx, client, repository, name, subject, att.bundle, SLSA_PROVENANCE_V1, att.identity);
}

/** The pushed manifest `digest` of an image (its root or a platform's), as a referrer's subject. */
function subjectIn(b: SignedImage, digest: string): SubjectDescriptor {
  const node = [b.graph.root, ...b.graph.children].find((n) => n.digest === digest);
  if (!node) throw new Error(`${digest} is not a manifest of the image signed`);
  return subjectOf(node);
}
