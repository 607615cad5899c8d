// Keyless attestations as `cosign attest` (keyless) stores them: an in-toto statement in a DSSE
// envelope signed with an ephemeral key, its Fulcio certificate, chain and Rekor bundle (an intoto
// entry) in the `.att` layer's annotations — signed through Hoist's own path (keylessAttest +
// attachAttestation) against STAND-INS of Fulcio and Rekor (@sigstore/mock's handlers on loopback,
// test/support/sigstore-standins.ts, a self-made root of trust), into the in-memory registry through
// Hoist's real client; read back by verifyImageAttestations with a keyless trust.
//
// Property: a keyless attestation verifies only for the certificate's identity and issuer, with its
// log entry and the statement as signed, and only for a digest the statement names; every other
// case is a rejection whose reason says which. The DSSE signature is also checked without Hoist's
// code (node:crypto over the PAE with the certificate's key).
// Nearest real-world variant: `cosign verify-attestation --type slsaprovenance1
// --certificate-identity … --certificate-oidc-issuer …` on a keyless-built image.
import { createHash, verify, X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryRegistry } from '../../test/support/memory-registry.js';
import { harness } from '../../test/support/pipeline.js';
import { build } from '../pipeline/build.js';
import { jwt, startStandins, type Standins } from '../../test/support/sigstore-standins.js';
import { identityPolicy } from '../core/identity.js';
import { RegistryClient } from '../registry/client.js';
import { signatureManifest } from './attach.js';
import { attachAttestation, IN_TOTO, pae, verifyImageAttestations } from './attest.js';
import { BUNDLE_ANNOTATION, CERTIFICATE_ANNOTATION, keylessAttest } from './keyless.js';
import { loadTrustedRoot, type KeylessRoot } from './keyless-verify.js';
import { attestationTag } from './payload.js';
import { SLSA_PROVENANCE_V1 } from './provenance.js';
import { verifyImageSignatures, type TrustedKeys } from './verify.js';

const REPO = 'team/app';
const SUB = 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main';
const ISSUER = 'https://token.actions.githubusercontent.com';
const TOKEN = jwt({ iss: ISSUER, sub: SUB, aud: 'sigstore' });
const sha = (b: string) => createHash('sha256').update(b).digest('hex');

let s: Standins;
let reg: MemoryRegistry;
let client: RegistryClient;
let root: KeylessRoot;
beforeAll(async () => {
  s = await startStandins();
  reg = await MemoryRegistry.start();
  client = new RegistryClient({ host: reg.host, insecure: true, retries: 0, userAgent: 't' });
  root = await loadTrustedRoot(JSON.stringify(s.rootJSON()), 'trusted_root.json');
});
afterAll(async () => {
  s.close();
  await client.close();
  await reg.close();
});

const trust = (policy = identityPolicy({ identity: SUB, issuer: ISSUER })): TrustedKeys => ({ keys: [], keyless: { root, policy } });
const statementFor = (digest: string) =>
  Buffer.from(
    JSON.stringify({
      _type: 'https://in-toto.io/Statement/v1',
      subject: [{ name: `${reg.host}/${REPO}`, digest: { sha256: digest.slice(7) } }],
      predicateType: SLSA_PROVENANCE_V1,
      predicate: { buildDefinition: { buildType: 'https://hoist.example/build/v1' }, runDetails: { builder: { id: 'hoist' } } },
    }),
  );

/** A fresh image digest with a keyless provenance attached under its `.att`. */
async function attested(): Promise<{ digest: string; envelope: Buffer; annotations: Record<string, string> }> {
  const digest = `sha256:${sha(`image ${Math.random()}`)}`;
  const signed = await keylessAttest(statementFor(digest), IN_TOTO, { fulcioUrl: s.fulcio.url, rekorUrl: s.rekor.url, token: TOKEN });
  await attachAttestation(client, REPO, digest, signed.envelope, SLSA_PROVENANCE_V1, undefined, signed.annotations);
  return { digest, envelope: signed.envelope, annotations: signed.annotations };
}
const reasons = (r: { rejected: Array<{ reason: string }> }) => r.rejected.map((x) => x.reason).join('; ');

describe('keyless attestations (stand-in Fulcio and Rekor)', () => {
  it("stores cosign's keyless .att layer; verifies for the signer, naming the certificate; node:crypto checks the DSSE signature", async () => {
    const { digest, envelope, annotations } = await attested();
    const layer = (JSON.parse((await client.getManifest(REPO, attestationTag(digest)))!.bytes.toString()) as { layers: Array<Record<string, unknown>> })
      .layers[0]!;
    expect(layer).toMatchObject({
      mediaType: 'application/vnd.dsse.envelope.v1+json',
      digest: `sha256:${createHash('sha256').update(envelope).digest('hex')}`,
      annotations: { predicateType: SLSA_PROVENANCE_V1, ...annotations },
    });
    expect(Object.keys(annotations).sort()).toEqual(['dev.sigstore.cosign/bundle', 'dev.sigstore.cosign/certificate', 'dev.sigstore.cosign/chain']);
    const body = JSON.parse(Buffer.from((JSON.parse(annotations[BUNDLE_ANNOTATION]!) as { Payload: { body: string } }).Payload.body, 'base64').toString()) as {
      kind: string;
    };
    expect(body.kind).toBe('intoto');
    const env = JSON.parse(envelope.toString()) as { payloadType: string; payload: string; signatures: Array<{ sig: string }> };
    expect(env.payloadType).toBe(IN_TOTO);
    const cert = new X509Certificate(annotations[CERTIFICATE_ANNOTATION]!);
    expect(
      verify(
        'sha256',
        pae(IN_TOTO, Buffer.from(env.payload, 'base64')),
        { key: cert.publicKey, dsaEncoding: 'der' },
        Buffer.from(env.signatures[0]!.sig, 'base64'),
      ),
    ).toBe(true);

    const r = await verifyImageAttestations(client, REPO, digest, trust());
    expect(reasons(r)).toBe('');
    expect(r.verified).toHaveLength(1);
    expect(r.verified[0]).toMatchObject({ predicateType: SLSA_PROVENANCE_V1, certificate: { subject: SUB, issuer: ISSUER } });
    const byRegexp = await verifyImageAttestations(
      client,
      REPO,
      digest,
      trust(identityPolicy({ identityRegexp: '^https://github\\.com/acme/', issuer: ISSUER })),
    );
    expect(byRegexp.verified).toHaveLength(1);
  }, 60_000);

  it('rejects another identity (naming the certificate), another issuer, and trust by keys alone', async () => {
    const { digest } = await attested();
    const id = await verifyImageAttestations(client, REPO, digest, trust(identityPolicy({ identity: 'https://github.com/acme/other', issuer: ISSUER })));
    expect([id.verified, reasons(id)]).toEqual([[], expect.stringMatching(`^wrong identity: the certificate is for '${SUB}'`)]);
    const iss = await verifyImageAttestations(client, REPO, digest, trust(identityPolicy({ identity: SUB, issuer: 'https://gitlab.com' })));
    expect(reasons(iss)).toMatch(`wrong issuer: '${SUB}' was vouched for by '${ISSUER}'`);
    const keysOnly = await verifyImageAttestations(client, REPO, digest, { keys: [] });
    expect(keysOnly.verified).toEqual([]);
  }, 60_000);

  it('rejects a tampered statement under the same signature, and a statement about another digest', async () => {
    const { digest, envelope, annotations } = await attested();
    // An attacker with push access rewrites the statement (another subject) and keeps the signature and annotations.
    const env = JSON.parse(envelope.toString()) as { payload: string };
    const forged = Buffer.from(JSON.stringify({ ...env, payload: statementFor(`sha256:${'e'.repeat(64)}`).toString('base64') }));
    reg.seedBlob(REPO, forged);
    const layer = {
      mediaType: 'application/vnd.dsse.envelope.v1+json',
      size: forged.length,
      digest: `sha256:${createHash('sha256').update(forged).digest('hex')}`,
      annotations: { predicateType: SLSA_PROVENANCE_V1, ...annotations },
    };
    const { bytes, config } = signatureManifest([layer]);
    reg.seedBlob(REPO, config);
    const target = `sha256:${'e'.repeat(64)}`;
    await client.putManifest(REPO, attestationTag(target), bytes, 'application/vnd.oci.image.manifest.v1+json');
    const r = await verifyImageAttestations(client, REPO, target, trust());
    expect([r.verified, reasons(r)]).toEqual([[], expect.stringMatching(/^the Rekor entry is for another signature or payload: DSSE payload hash mismatch/)]);
    // The genuine attestation copied under another digest's .att: signed, but not about it.
    const other = `sha256:${'f'.repeat(64)}`;
    await client.putManifest(
      REPO,
      attestationTag(other),
      (await client.getManifest(REPO, attestationTag(digest)))!.bytes,
      'application/vnd.oci.image.manifest.v1+json',
    );
    expect(reasons(await verifyImageAttestations(client, REPO, other, trust()))).toBe(`signed, but its subjects do not name ${other}`);
  }, 60_000);
});

describe("sign: keyless in the build pipeline (fakes of Hoist's own seams, stand-in Fulcio and Rekor)", () => {
  it('pushes the image, its keyless .sig and its keyless SLSA v1 provenance; a re-run adds neither; the token is never printed', async () => {
    const pipelineReg = await MemoryRegistry.start();
    try {
      const inputs = {
        images: `${pipelineReg.host}/acme/app`,
        version: '1.2.0',
        'insecure-registries': pipelineReg.host,
        sign: 'keyless',
        'fulcio-url': s.fulcio.url,
        'rekor-url': s.rekor.url,
      };
      const h = await harness(inputs, { env: { SIGSTORE_ID_TOKEN: TOKEN } });
      await build(h.fx);
      const digest = h.platform.outputs.get('digest')!;
      const c = new RegistryClient({ host: pipelineReg.host, insecure: true, retries: 0, userAgent: 't' });
      // Stored both ways: cosign's .sig/.att tags and a keyless Sigstore bundle referrer of each (cosign 3's form).
      const sigs = await verifyImageSignatures(c, 'acme/app', digest, trust());
      expect(sigs.verified.map((v) => [!!v.referrer, v.certificate?.subject])).toEqual([
        [false, SUB],
        [true, SUB],
      ]);
      const att = await verifyImageAttestations(c, 'acme/app', digest, trust());
      expect(reasons(att)).toBe('');
      expect(att.verified.map((v) => !!v.referrer)).toEqual([false, true]);
      expect(att.verified[0]).toMatchObject({
        predicateType: SLSA_PROVENANCE_V1,
        certificate: { subject: SUB, issuer: ISSUER },
        statement: { subject: [{ name: `${pipelineReg.host}/acme/app`, digest: { sha256: digest.slice(7) } }] },
      });
      expect(h.platform.log()).toMatch(/SLSA v1 provenance attested/);
      await build(h.fx);
      expect(h.platform.outputs.get('digest')).toBe(digest);
      expect(h.platform.log()).toMatch(/the same provenance already attested by this signer/);
      expect((await verifyImageAttestations(c, 'acme/app', digest, trust())).verified).toHaveLength(2);
      expect((await verifyImageSignatures(c, 'acme/app', digest, trust())).verified).toHaveLength(2);
      expect(h.platform.log().includes(TOKEN)).toBe(false);
      await c.close();
    } finally {
      await pipelineReg.close();
    }
  }, 120_000);
});
