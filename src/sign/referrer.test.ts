// Signatures and attestations as Sigstore bundle referrers (cosign 3's form), through the real
// client against our in-process registry in both of its modes: with the referrers API (OCI-Subject
// answered, /referrers/ served) and without it, as distribution 2.8 (the referrers tag schema).
// Each bundle is checked by @sigstore/bundle's own validation, its signature by node:crypto over
// DSSE's PAE; what verifies and what does not goes through the same verifier as cosign's .sig tags.
import { createHash, generateKeyPairSync, verify } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryRegistry, type MemoryRegistryOptions } from '../../test/support/memory-registry.js';
import { RegistryClient } from '../registry/client.js';
import { RegistryError } from '../registry/errors.js';
import { dsseEnvelope, pae, verifyImageAttestations } from './attest.js';
import { BUNDLE_V03, bundleMaterial, COSIGN_SIGN_PREDICATE, cosignSignStatement, keyHint, OCI_EMPTY } from './bundle.js';
import { parseSigningKey, type SigningKey } from './keys.js';
import { keyBundle, keyBundleSigner } from './referrer-stage.js';
import { attachBundle, findBundles } from './referrer.js';
import { verifyImageSignatures } from './verify.js';

const registries: MemoryRegistry[] = [];
const clients: RegistryClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(registries.splice(0).map((r) => r.close()));
});
const newKey = () => parseSigningKey(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const NOW = new Date('2026-12-03T10:00:00Z');

async function setup(options: MemoryRegistryOptions = {}) {
  const reg = await MemoryRegistry.start(options);
  registries.push(reg);
  const client = new RegistryClient({ host: reg.host, insecure: true, retries: 0, userAgent: 't' });
  clients.push(client);
  // The subject: a small image manifest pushed first, as the signed image is.
  const config = Buffer.from('{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}');
  reg.seedBlob('team/app', config);
  const bytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(config), size: config.length },
      layers: [],
    }),
  );
  await client.putManifest('team/app', '1.0', bytes, 'application/vnd.oci.image.manifest.v1+json');
  const subject = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha(bytes), size: bytes.length };
  return { reg, client, subject };
}

const signBundle = (key: SigningKey, digest: string) => keyBundleSigner(key).sign(cosignSignStatement(digest));

describe('bundle referrers', () => {
  it("a key signature's bundle is cosign's shape, valid for @sigstore/bundle, and its signature verifies over the PAE of cosign's sign statement", async () => {
    const { client, subject } = await setup();
    const key = newKey();
    const bundle = await signBundle(key, subject.digest);
    const { bundleFromJSON, assertBundle, isBundleWithPublicKey } = (await import('@sigstore/bundle')).default;
    const json = JSON.parse(bundle.toString()) as {
      mediaType: string;
      verificationMaterial: { publicKey: { hint: string } };
      dsseEnvelope: { payload: string; payloadType: string; signatures: Array<{ sig: string }> };
    };
    const parsed = bundleFromJSON(json);
    expect(() => assertBundle(parsed)).not.toThrow();
    expect(isBundleWithPublicKey(parsed)).toBe(true);
    expect(json.mediaType).toBe(BUNDLE_V03);
    expect(json.verificationMaterial.publicKey.hint).toBe(keyHint(key.fingerprint));
    expect(Buffer.from(json.verificationMaterial.publicKey.hint, 'base64').toString('hex')).toBe(key.fingerprint.slice(7));
    const payload = Buffer.from(json.dsseEnvelope.payload, 'base64');
    expect(JSON.parse(payload.toString())).toEqual({
      _type: 'https://in-toto.io/Statement/v1',
      subject: [{ digest: { sha256: subject.digest.slice(7) } }],
      predicateType: COSIGN_SIGN_PREDICATE,
      predicate: {},
    });
    const sig = Buffer.from(json.dsseEnvelope.signatures[0]!.sig, 'base64');
    expect(verify('sha256', pae(json.dsseEnvelope.payloadType, payload), key.publicKey, sig)).toBe(true);
    expect(verify('sha256', pae(json.dsseEnvelope.payloadType, Buffer.from(payload.toString().replace('sha256', 'sha512'))), key.publicKey, sig)).toBe(false);
    // Stored with the referrers API: the registry names the subject; no fallback tag is written.
    const a = await attachBundle(client, 'team/app', subject, bundle, COSIGN_SIGN_PREDICATE, NOW);
    expect(a.via).toBe('api');
    expect(await client.getManifest('team/app', subject.digest.replace(':', '-'))).toBeUndefined();
    const manifest = JSON.parse((await client.getManifest('team/app', a.referrer))!.bytes.toString()) as Record<string, unknown>;
    expect(manifest).toEqual({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: OCI_EMPTY, size: 2, digest: sha(Buffer.from('{}')), artifactType: BUNDLE_V03 },
      layers: [{ mediaType: BUNDLE_V03, size: bundle.length, digest: sha(bundle) }],
      annotations: {
        'dev.sigstore.bundle.content': 'dsse-envelope',
        'dev.sigstore.bundle.predicateType': COSIGN_SIGN_PREDICATE,
        'org.opencontainers.image.created': '2026-12-03T10:00:00Z',
      },
      subject,
      artifactType: BUNDLE_V03,
    });
    const r = await verifyImageSignatures(client, 'team/app', subject.digest, { keys: [key.publicKey] });
    expect(r.verified.map((v) => [v.keyId, v.referrer, v.payloadDigest])).toEqual([[key.fingerprint, a.referrer, sha(bundle)]]);
    // Another key: not verified, with the reason; no .sig tag: named too.
    const other = await verifyImageSignatures(client, 'team/app', subject.digest, { keys: [newKey().publicKey] });
    expect(other.verified).toEqual([]);
    expect(other.rejected.map((x) => x.reason)).toEqual([
      expect.stringMatching(/^no signature: team\/app:sha256-[a-f0-9]{64}\.sig does not exist$/),
      `referrer ${a.referrer}: no signature of the envelope verifies with the keys given (another key, or a tampered statement)`,
    ]);
  });

  it('without the referrers API: the fallback tag lists each referrer with artifactType and annotations, keeping what another writer put there', async () => {
    const { reg, client, subject } = await setup({ noReferrers: true });
    const key = newKey();
    const tag = subject.digest.replace(':', '-');
    // Another tool's referrer already listed (an SBOM), with a field of its own on the index.
    const config = (JSON.parse((await client.getManifest('team/app', subject.digest))!.bytes.toString()) as { config: unknown }).config;
    const sbom = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        artifactType: 'application/spdx+json',
        config,
        layers: [],
        subject,
      }),
    );
    await client.putManifest('team/app', sha(sbom), sbom, 'application/vnd.oci.image.manifest.v1+json');
    const foreign = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha(sbom), size: sbom.length, artifactType: 'application/spdx+json' };
    await client.putManifest(
      'team/app',
      tag,
      Buffer.from(
        JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [foreign], annotations: { by: 'other' } }),
      ),
      'application/vnd.oci.image.index.v1+json',
    );
    const sig = await attachBundle(client, 'team/app', subject, await signBundle(key, subject.digest), COSIGN_SIGN_PREDICATE, NOW, 'id-1');
    const statement = Buffer.from(
      JSON.stringify({
        _type: 'https://in-toto.io/Statement/v1',
        subject: [{ digest: { sha256: subject.digest.slice(7) } }],
        predicateType: 'https://slsa.dev/provenance/v1',
        predicate: {},
      }),
    );
    const att = await attachBundle(
      client,
      'team/app',
      subject,
      await keyBundle(dsseEnvelope(statement, key), key.fingerprint),
      'https://slsa.dev/provenance/v1',
      NOW,
    );
    expect([sig.via, att.via]).toEqual(['tag', 'tag']);
    const index = JSON.parse((await client.getManifest('team/app', tag))!.bytes.toString()) as {
      manifests: Array<{ digest: string; artifactType?: string; annotations?: Record<string, string> }>;
      annotations: unknown;
    };
    expect(index.annotations).toEqual({ by: 'other' });
    expect(index.manifests.map((m) => [m.digest, m.artifactType, m.annotations?.['dev.sigstore.bundle.predicateType']])).toEqual([
      [foreign.digest, 'application/spdx+json', undefined],
      [sig.referrer, BUNDLE_V03, COSIGN_SIGN_PREDICATE],
      [att.referrer, BUNDLE_V03, 'https://slsa.dev/provenance/v1'],
    ]);
    expect(index.manifests[1]!.annotations!['dev.hoist.bundle.identity']).toBe('id-1');
    expect(reg.requests.filter((q) => q.path.includes('/referrers/'))).toEqual([]);
    // Read back through the tag: the signature counts as a signature, the provenance as an attestation.
    const sigs = await verifyImageSignatures(client, 'team/app', subject.digest, { keys: [key.publicKey] });
    expect(sigs.verified.map((v) => v.referrer)).toEqual([sig.referrer]);
    const atts = await verifyImageAttestations(client, 'team/app', subject.digest, { keys: [key.publicKey] });
    expect(atts.verified.map((v) => [v.referrer, v.predicateType])).toEqual([[att.referrer, 'https://slsa.dev/provenance/v1']]);
    // The same referrer written again (a retried job): listed once.
    const bundleBlob = (JSON.parse((await client.getManifest('team/app', sig.referrer))!.bytes.toString()) as { layers: Array<{ digest: string }> }).layers[0]!
      .digest;
    const again = await attachBundle(client, 'team/app', subject, reg.blobs.get(bundleBlob)!, COSIGN_SIGN_PREDICATE, NOW, 'id-1');
    expect(again.referrer).toBe(sig.referrer);
    const after = JSON.parse((await client.getManifest('team/app', tag))!.bytes.toString()) as { manifests: unknown[] };
    expect(after.manifests).toHaveLength(3);
  });

  it('a referrer listed for the digest whose subject is another manifest is not counted; a bundle the registry serves altered is tampered', async () => {
    const { reg, client, subject } = await setup({ noReferrers: true });
    const key = newKey();
    // A signature made for another image, its referrer listed (by a careless or hostile writer) under this digest's tag.
    const otherSubject = { ...subject, digest: `sha256:${'d'.repeat(64)}` };
    const elsewhere = await attachBundle(client, 'team/app', { ...subject }, await signBundle(key, subject.digest), COSIGN_SIGN_PREDICATE, NOW);
    const foreign = await attachBundle(client, 'team/app', otherSubject, await signBundle(key, otherSubject.digest), COSIGN_SIGN_PREDICATE, NOW);
    const listed = JSON.parse((await client.getManifest('team/app', otherSubject.digest.replace(':', '-')))!.bytes.toString()) as { manifests: unknown[] };
    await client.addToReferrersTag('team/app', subject.digest, listed.manifests as never);
    const found = await findBundles(client, 'team/app', subject.digest);
    expect(found.bundles.map((b) => b.referrer)).toEqual([elsewhere.referrer]);
    expect(found.rejected).toEqual([
      { reason: `a referrer listed for ${subject.digest} names another subject: ${otherSubject.digest} (not counted)`, referrer: foreign.referrer },
    ]);
    // The registry serves other bytes for the bundle blob.
    const layer = (JSON.parse((await client.getManifest('team/app', elsewhere.referrer))!.bytes.toString()) as { layers: Array<{ digest: string }> })
      .layers[0]!;
    const served = reg.blobs.get(layer.digest)!;
    reg.blobs.set(layer.digest, Buffer.from(served.toString().replace(/"sig":"[A-Za-z0-9+/]{8}/, '"sig":"AAAAAAAA')));
    const r = await verifyImageSignatures(client, 'team/app', subject.digest, { keys: [key.publicKey] });
    expect(r.verified).toEqual([]);
    expect(r.rejected.map((x) => x.reason)).toContain(
      `referrer ${elsewhere.referrer}: the bundle served does not hash to its descriptor's digest and size (tampered bundle)`,
    );
  });

  it('a bundle tampered before it was stored (its statement names another digest, its signature kept) does not verify', async () => {
    const { client, subject } = await setup();
    const key = newKey();
    const good = JSON.parse((await signBundle(key, subject.digest)).toString()) as { dsseEnvelope: { payload: string } };
    const forged = cosignSignStatement(`sha256:${'e'.repeat(64)}`);
    const signedForOther = JSON.parse((await signBundle(key, `sha256:${'e'.repeat(64)}`)).toString()) as Record<string, unknown>;
    // 1: the payload swapped under the signature; 2: a real signature over another digest's statement, attached to this one.
    const swapped = Buffer.from(
      JSON.stringify({ ...signedForOther, dsseEnvelope: { ...(signedForOther.dsseEnvelope as object), payload: good.dsseEnvelope.payload } }),
    );
    const a = await attachBundle(client, 'team/app', subject, swapped, COSIGN_SIGN_PREDICATE, NOW);
    const b = await attachBundle(client, 'team/app', subject, Buffer.from(JSON.stringify(signedForOther)), COSIGN_SIGN_PREDICATE, NOW);
    expect(forged.length).toBeGreaterThan(0);
    const r = await verifyImageSignatures(client, 'team/app', subject.digest, { keys: [key.publicKey] });
    expect(r.verified).toEqual([]);
    expect(
      r.rejected
        .slice(1)
        .map((x) => x.reason)
        .sort(),
    ).toEqual(
      [
        `referrer ${a.referrer}: no signature of the envelope verifies with the keys given (another key, or a tampered statement)`,
        `referrer ${b.referrer}: signed, but its subjects do not name ${subject.digest}`,
      ].sort(),
    );
    // Its twin, untampered, verifies.
    await attachBundle(client, 'team/app', subject, await signBundle(key, subject.digest), COSIGN_SIGN_PREDICATE, NOW);
    expect((await verifyImageSignatures(client, 'team/app', subject.digest, { keys: [key.publicKey] })).verified).toHaveLength(1);
  });

  it('a registry answering /referrers/ with garbage: an error naming the registry; a .sig signature still verifies', async () => {
    const garbage = (r: { method: string; path: string }) =>
      r.method === 'GET' && r.path.includes('/referrers/')
        ? { status: 200, headers: { 'content-type': 'application/vnd.oci.image.index.v1+json' }, body: '<html>oops' }
        : undefined;
    const { reg, client, subject } = await setup({ fault: garbage });
    const key = newKey();
    const e = await client.referrers('team/app', subject.digest).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(RegistryError);
    expect((e as Error).message).toBe(`${reg.host}/team/app: the referrers API's answer for ${subject.digest} is not an image index (10 bytes: "<html>oops"…)`);
    // With nothing else verified the check could not be made: the error, not "unsigned".
    await expect(verifyImageSignatures(client, 'team/app', subject.digest, { keys: [key.publicKey] })).rejects.toThrow(reg.host);
    const { attachSignature } = await import('./attach.js');
    await attachSignature(client, 'team/app', `${reg.host}/team/app`, subject.digest, key);
    const r = await verifyImageSignatures(client, 'team/app', subject.digest, { keys: [key.publicKey] });
    expect(r.verified.map((v) => v.referrer)).toEqual([undefined]);
    expect(r.rejected).toEqual([{ reason: expect.stringContaining(`the referrers could not be read: ${reg.host}/team/app: the referrers API's answer`) }]);
  });
});

describe('bundleMaterial', () => {
  it('reads a key bundle as its envelope; refuses what is not a DSSE bundle, with the reason', async () => {
    const key = newKey();
    const bundle = await signBundle(key, `sha256:${'a'.repeat(64)}`);
    const m = bundleMaterial(bundle);
    expect(typeof m).toBe('object');
    expect(JSON.parse((m as { envelope: Buffer }).envelope.toString())).toEqual((JSON.parse(bundle.toString()) as { dsseEnvelope: unknown }).dsseEnvelope);
    expect(bundleMaterial(Buffer.from('nope'))).toBe('the bundle is not JSON');
    expect(bundleMaterial(Buffer.from('{"mediaType":"x"}'))).toBe('not a Sigstore bundle (no bundle mediaType)');
    expect(bundleMaterial(Buffer.from(`{"mediaType":"${BUNDLE_V03}","messageSignature":{}}`))).toMatch(/^a message-signature bundle/);
  });
});
