// sign: key through the whole build pipeline (fakes of Hoist's own seams, an in-process registry
// reached by the real client): the image's .sig verifies with the key's public half and no other;
// its SLSA v1 provenance, in a DSSE envelope, verifies over DSSE's PAE and names the image's digest;
// a key that cannot sign, or a provenance that would carry a secret, pushes nothing. Nearest
// real-world variant: `cosign verify --key` and `cosign verify-attestation --key --type slsaprovenance1`
// in a deploy job (test/integration/sign.test.ts checks the same bytes with openssl).
import { generateKeyPairSync, verify } from 'node:crypto';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryRegistry } from '../../test/support/memory-registry.js';
import { harness } from '../../test/support/pipeline.js';
import { ConfigError } from '../core/errors.js';
import { build } from '../pipeline/build.js';
import { RegistryClient } from '../registry/client.js';
import { attachAttestation, dsseEnvelope, openEnvelope, pae, verifyImageAttestations } from './attest.js';
import { parseSigningKey } from './keys.js';
import { verifyImageSignatures } from './verify.js';

const registries: MemoryRegistry[] = [];
afterEach(async () => {
  await Promise.all(registries.splice(0).map((r) => r.close()));
});
const pem = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as Error,
  );

describe('DSSE', () => {
  it("PAE is the spec's example byte for byte; an envelope opens with its key only, and any changed statement byte is refused", () => {
    expect(pae('http://example.com/HelloWorld', Buffer.from('hello world')).toString()).toBe('DSSEv1 29 http://example.com/HelloWorld 11 hello world');
    const key = parseSigningKey(pem());
    const statement = Buffer.from(JSON.stringify({ _type: 'https://in-toto.io/Statement/v1', subject: [{ name: 'x', digest: { sha256: 'ab'.repeat(32) } }] }));
    const envelope = dsseEnvelope(statement, key);
    const env = JSON.parse(envelope.toString()) as { payload: string; signatures: Array<{ sig: string }> };
    // Checked by node:crypto directly over the PAE: the signature is what DSSE says it is over.
    expect(
      verify(
        'sha256',
        pae('application/vnd.in-toto+json', statement),
        { key: key.publicKey, dsaEncoding: 'der' },
        Buffer.from(env.signatures[0]!.sig, 'base64'),
      ),
    ).toBe(true);
    expect(openEnvelope(envelope, [key.publicKey])).toMatchObject({ keyId: key.fingerprint });
    expect(openEnvelope(envelope, [parseSigningKey(pem()).publicKey])).toMatch(/no signature of the envelope verifies/);
    fc.assert(
      fc.property(fc.nat(statement.length - 1), fc.integer({ min: 1, max: 255 }), (at, xor) => {
        const changed = Buffer.from(statement);
        changed[at]! ^= xor;
        const forged = Buffer.from(JSON.stringify({ ...env, payload: changed.toString('base64') }));
        expect(typeof openEnvelope(forged, [key.publicKey])).toBe('string');
      }),
      { numRuns: 100 },
    );
  });

  it('an attestation is appended to the .att tag and verified only for a digest its subjects name', async () => {
    const reg = await MemoryRegistry.start();
    registries.push(reg);
    const client = new RegistryClient({ host: reg.host, insecure: true, retries: 0, userAgent: 't' });
    const key = parseSigningKey(pem());
    const [d, e] = ['a', 'b'].map((c) => `sha256:${c.repeat(64)}`) as [string, string];
    const statement = (digest: string) => Buffer.from(JSON.stringify({ subject: [{ name: 'x', digest: { sha256: digest.slice(7) } }], predicateType: 'p' }));
    await attachAttestation(client, 'team/app', d, dsseEnvelope(statement(d), key), 'p');
    await attachAttestation(client, 'team/app', d, dsseEnvelope(statement(e), key), 'p');
    const r = await verifyImageAttestations(client, 'team/app', d, { keys: [key.publicKey] });
    expect(r.verified.map((v) => [v.keyId, v.predicateType])).toEqual([[key.fingerprint, 'p']]);
    expect(r.rejected).toEqual([{ reason: `signed, but its subjects do not name ${d}`, envelopeDigest: expect.stringMatching(/^sha256:/) }]);
    await client.close();
  });
});

describe('sign: key in the build pipeline', () => {
  it('pushes the image, its .sig and its SLSA v1 provenance (.att), each verifying with the key and naming the digest', async () => {
    const reg = await MemoryRegistry.start();
    registries.push(reg);
    const key = pem();
    const h = await harness({ images: `${reg.host}/acme/app`, version: '1.2.0', 'insecure-registries': reg.host, sign: 'key', 'signing-key': key });
    await build(h.fx);
    const digest = h.platform.outputs.get('digest')!;
    expect(h.platform.outputs.get('signatures')).toBe(`${reg.host}/acme/app:${digest.replace(':', '-')}.sig`);
    const client = new RegistryClient({ host: reg.host, insecure: true, retries: 0, userAgent: 't' });
    const signer = parseSigningKey(key);
    // Stored both ways: cosign's .sig/.att tags and a Sigstore bundle referrer of each (cosign 3's form).
    const sigs = (await verifyImageSignatures(client, 'acme/app', digest, { keys: [signer.publicKey] })).verified;
    expect(sigs.map((v) => !!v.referrer)).toEqual([false, true]);
    const att = await verifyImageAttestations(client, 'acme/app', digest, { keys: [signer.publicKey] });
    expect(att.verified.map((v) => !!v.referrer)).toEqual([false, true]);
    expect(att.verified[1]!.statement).toEqual(att.verified[0]!.statement);
    const { statement } = att.verified[0]!;
    expect(statement).toMatchObject({
      _type: 'https://in-toto.io/Statement/v1',
      predicateType: 'https://slsa.dev/provenance/v1',
      subject: [{ name: `${reg.host}/acme/app`, digest: { sha256: digest.slice(7) } }],
      predicate: { buildDefinition: { buildType: 'urn:hoist:container-build:v1', externalParameters: { dockerfile: 'Dockerfile', version: '1.2.0' } } },
    });
    expect(h.platform.log()).toMatch(/SLSA v1 provenance attested/);
    // The same build again: the same image, nothing new in its .sig or .att (a re-run of a CI job).
    await build(h.fx);
    expect(h.platform.outputs.get('digest')).toBe(digest);
    expect(h.platform.log()).toMatch(/already signed by this key[\s\S]*the same provenance already attested by this key/);
    expect(h.platform.log()).toMatch(/its Sigstore bundle referrer is there already/);
    expect((await verifyImageAttestations(client, 'acme/app', digest, { keys: [signer.publicKey] })).verified).toHaveLength(2);
    expect((await verifyImageSignatures(client, 'acme/app', digest, { keys: [signer.publicKey] })).verified).toHaveLength(2);
    expect(h.platform.log()).not.toContain(key.split('\n')[1]);
    await client.close();
  }, 30_000);

  it('a provenance that would carry a secret (a build argument named after it) is a leak: nothing is pushed', async () => {
    const reg = await MemoryRegistry.start();
    registries.push(reg);
    const secret = 'SEKRIT_0123456789_ABCDEF';
    const h = await harness({
      images: `${reg.host}/acme/app`,
      version: '1.2.0',
      'insecure-registries': reg.host,
      sign: 'key',
      'signing-key': pem(),
      'audit-values': secret,
      'build-args': `ARG_${secret}=1`,
    });
    const e = await failure(build(h.fx));
    expect(e?.name).toBe('FindingError');
    // Found in the attestation's envelope: the statement is base64 there, the audit reads through it.
    expect(e?.message).toMatch(/audit-values line 1, base64 .* in layer sha256:[a-f0-9]{64}, content \(application\/vnd\.dsse\.envelope\.v1\+json\)/);
    // Twice: in the .att's envelope and in the Sigstore bundle its referrer would carry.
    expect(h.platform.log()).toMatch(/audit: 2 layers .*: 2 found/);
    expect(reg.requests.filter((q) => q.method === 'PUT')).toEqual([]);
  });

  it('a key that cannot sign stops the run at its inputs: no build, no request to the registry', async () => {
    const reg = await MemoryRegistry.start();
    registries.push(reg);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const h = await harness({ images: `${reg.host}/acme/app`, version: '1.2.0', 'insecure-registries': reg.host, sign: 'key', 'signing-key': rsa });
    const e = await failure(build(h.fx));
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).issues).toEqual([{ input: 'signing-key', message: expect.stringMatching(/an RSA key/) }]);
    expect(h.builder.plans).toEqual([]);
    expect(reg.requests).toEqual([]);
  });
});
