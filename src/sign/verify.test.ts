// A signature attached as cosign stores it verifies with its key and nothing else verifies: every
// class of tampering — the payload bytes the registry serves, the payload re-uploaded under a
// corrected descriptor, each byte of the signature, a signature over another digest, another
// key, no signature — is a rejection with a reason, never a throw. Against the in-memory registry
// through Hoist's real client; the nearest real-world variant (cosign's layout read back by
// skopeo and checked by openssl) is test/integration/sign.test.ts.
import { createHash, generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryRegistry } from '../../test/support/memory-registry.js';
import { RegistryClient } from '../registry/client.js';
import { attachSignature, signatureManifest } from './attach.js';
import { parseSigningKey, signPayload, type SigningKey } from './keys.js';
import { parseSimpleSigning, SIGNATURE_ANNOTATION, signatureTag, simpleSigningPayload, SIMPLE_SIGNING } from './payload.js';
import { verifyImageSignatures } from './verify.js';

const REPO = 'team/app';
const sha = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const newKey = (): SigningKey =>
  parseSigningKey(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());

let reg: MemoryRegistry;
let client: RegistryClient;
beforeAll(async () => {
  reg = await MemoryRegistry.start();
  client = new RegistryClient({ host: reg.host, insecure: true, retries: 0, userAgent: 't' });
});
afterAll(async () => {
  await client.close();
  await reg.close();
});

/** A fresh image digest (the manifest itself need not exist: signatures name digests). */
let n = 0;
const image = () => sha(`image ${n++} ${Math.random()}`);

/** Writes a `.sig` manifest with these layers, as an attacker with push access could. */
async function putSig(digest: string, layers: Array<{ payload: Buffer; signature?: string; mediaType?: string; size?: number }>) {
  const descriptors = layers.map((l) => ({
    mediaType: l.mediaType ?? SIMPLE_SIGNING,
    size: l.size ?? l.payload.length,
    digest: reg.seedBlob(REPO, l.payload),
    ...(l.signature === undefined ? {} : { annotations: { [SIGNATURE_ANNOTATION]: l.signature } }),
  }));
  const { bytes, config } = signatureManifest(descriptors);
  reg.seedBlob(REPO, config);
  await client.putManifest(REPO, signatureTag(digest), bytes, 'application/vnd.oci.image.manifest.v1+json');
}

describe('payload', () => {
  it("is cosign's bytes exactly, and reads back; a payload spelling keys as the spec's example does reads the same", () => {
    const d = image();
    const bytes = simpleSigningPayload('127.0.0.1:5100/team/app', d);
    expect(bytes.toString()).toBe(
      `{"critical":{"identity":{"docker-reference":"127.0.0.1:5100/team/app"},"image":{"docker-manifest-digest":"${d}"},"type":"cosign container image signature"},"optional":null}`,
    );
    expect(parseSimpleSigning(bytes)).toEqual({
      dockerReference: '127.0.0.1:5100/team/app',
      digest: d,
      type: 'cosign container image signature',
      optional: null,
    });
    const spec = Buffer.from(
      `{"critical":{"identity":{"docker-reference":"testing/manifest"},"image":{"Docker-manifest-digest":"${d}"},"type":"cosign container image signature"},"optional":{"creator":"atomic"}}`,
    );
    expect(parseSimpleSigning(spec)).toMatchObject({ digest: d, optional: { creator: 'atomic' } });
    for (const bad of ['', '[]', '{"critical":{}}', '{"critical":{"image":{"docker-manifest-digest":"sha256:1"},"type":"x"}}', '\xff'])
      expect(typeof parseSimpleSigning(Buffer.from(bad, 'latin1'))).toBe('string');
  });
});

describe('attachSignature + verifyImageSignatures', () => {
  it('verifies what was attached, with the key that signed; a re-run adds nothing; another signer is appended, not replaced', async () => {
    const [a, b] = [newKey(), newKey()];
    const d = image();
    const first = await attachSignature(client, REPO, `${reg.host}/${REPO}`, d, a);
    expect(first).toMatchObject({ digest: d, tag: signatureTag(d), added: true });
    const again = await attachSignature(client, REPO, `${reg.host}/${REPO}`, d, a);
    expect(again).toMatchObject({ added: false, manifest: first.manifest });
    const other = await attachSignature(client, REPO, `${reg.host}/${REPO}`, d, b);
    expect(other.added).toBe(true);
    const layers = (JSON.parse((await client.getManifest(REPO, signatureTag(d)))!.bytes.toString()) as { layers: unknown[] }).layers;
    expect(layers).toHaveLength(2);
    const byA = await verifyImageSignatures(client, REPO, d, { keys: [a.publicKey] });
    expect(byA.verified).toEqual([
      { keyId: a.fingerprint, digest: d, payloadDigest: first.payloadDigest, dockerReference: `${reg.host}/${REPO}`, optional: null },
    ]);
    expect(byA.rejected).toEqual([{ payloadDigest: other.payloadDigest, reason: expect.stringMatching(/does not verify with the key given/) }]);
    const both = await verifyImageSignatures(client, REPO, d, { keys: [b.publicKey, a.publicKey] });
    expect(both.verified.map((v) => v.keyId).sort()).toEqual([a.fingerprint, b.fingerprint].sort());
  });

  it('rejects an image with no signature, and one signed by another key only', async () => {
    const d = image();
    const none = await verifyImageSignatures(client, REPO, d, { keys: [newKey().publicKey] });
    expect(none).toEqual({
      tag: signatureTag(d),
      verified: [],
      rejected: [{ reason: expect.stringMatching(/^no signature: team\/app:sha256-.*\.sig does not exist/) }],
    });
    await attachSignature(client, REPO, REPO, d, newKey());
    const other = await verifyImageSignatures(client, REPO, d, { keys: [newKey().publicKey] });
    expect(other.verified).toEqual([]);
    expect(other.rejected[0]!.reason).toMatch(/does not verify/);
  });

  it('rejects a valid signature over another digest copied under this image, and a payload of another type', async () => {
    const key = newKey();
    const [d, e] = [image(), image()];
    const payload = simpleSigningPayload(REPO, e);
    await putSig(d, [{ payload, signature: signPayload(key.privateKey, payload) }]);
    const r = await verifyImageSignatures(client, REPO, d, { keys: [key.publicKey] });
    expect(r.rejected).toEqual([{ payloadDigest: sha(payload), reason: expect.stringMatching(new RegExp(`but for another image: ${e}`)) }]);
    const typed = Buffer.from(payload.toString().replace('cosign container image signature', 'atomic container signature').replace(e, d));
    await putSig(d, [{ payload: typed, signature: signPayload(key.privateKey, typed) }]);
    expect((await verifyImageSignatures(client, REPO, d, { keys: [key.publicKey] })).rejected[0]!.reason).toMatch(
      /critical.type is 'atomic container signature'/,
    );
  });

  it('property: any changed byte of the payload (re-uploaded, descriptor corrected) or of the signature is rejected', async () => {
    const key = newKey();
    const d = image();
    const payload = simpleSigningPayload(`${reg.host}/${REPO}`, d);
    const signature = signPayload(key.privateKey, payload);
    await fc.assert(
      fc.asyncProperty(fc.nat(payload.length - 1), fc.integer({ min: 1, max: 255 }), fc.boolean(), async (at, xor, inSignature) => {
        const changed = Buffer.from(inSignature ? Buffer.from(signature, 'base64') : payload);
        changed[at % changed.length]! ^= xor;
        await putSig(d, [inSignature ? { payload, signature: changed.toString('base64') } : { payload: changed, signature }]);
        const r = await verifyImageSignatures(client, REPO, d, { keys: [key.publicKey] });
        expect(r.verified).toEqual([]);
        expect(r.rejected).toHaveLength(1);
      }),
      { numRuns: 60 },
    );
  });

  it('rejects the descriptor classes: payload bytes swapped in the registry, a wrong size, no annotation, a bad annotation, another media type', async () => {
    const key = newKey();
    const d = image();
    const payload = simpleSigningPayload(REPO, d);
    const signature = signPayload(key.privateKey, payload);
    const reasons = async (layers: Parameters<typeof putSig>[1]) => {
      await putSig(d, layers);
      const r = await verifyImageSignatures(client, REPO, d, { keys: [key.publicKey] });
      expect(r.verified).toEqual([]);
      return r.rejected.map((x) => x.reason).join(' | ');
    };
    expect(await reasons([{ payload, size: payload.length + 1, signature }])).toMatch(/not its descriptor's digest and size/);
    expect(await reasons([{ payload, size: payload.length - 1, signature }])).toMatch(/more than the descriptor's/);
    expect(await reasons([{ payload }])).toMatch(/without the dev.cosignproject.cosign\/signature annotation/);
    expect(await reasons([{ payload, signature: '' }])).toMatch(/without the/);
    expect(await reasons([{ payload, signature: 'not base64!' }])).toMatch(/does not verify/);
    expect(await reasons([{ payload, signature, mediaType: 'application/vnd.oci.image.layer.v1.tar' }])).toMatch(/not a simple-signing payload/);
    // The registry serves other bytes under the payload's digest (storage tampered with).
    await putSig(d, [{ payload, signature }]);
    expect((await verifyImageSignatures(client, REPO, d, { keys: [key.publicKey] })).verified).toHaveLength(1);
    const forged = Buffer.from(payload.toString().replace(d, image()));
    reg.blobs.set(sha(payload), forged);
    const r = await verifyImageSignatures(client, REPO, d, { keys: [key.publicKey] });
    expect(r.rejected[0]!.reason).toMatch(/tampered payload/);
    reg.blobs.set(sha(payload), payload);
  });

  it('throws (could not check) when the registry cannot be read', async () => {
    const dead = new RegistryClient({ host: '127.0.0.1:1', insecure: true, retries: 0, userAgent: 't' });
    await expect(verifyImageSignatures(dead, REPO, image(), { keys: [newKey().publicKey] })).rejects.toThrow(/127\.0\.0\.1:1/);
    await dead.close();
  });
});
