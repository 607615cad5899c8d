// Keyless signatures verified as `cosign verify --certificate-identity … --certificate-oidc-issuer …
// --trusted-root` does: signed through Hoist's own keyless path (attachKeylessSignature) against
// STAND-INS of Fulcio and Rekor (@sigstore/mock's handlers on loopback, test/support/sigstore-standins.ts)
// into the in-memory registry through Hoist's real client, then read back by verifyImageSignatures.
// Property: a keyless layer verifies only for the identity and issuer its certificate names, under a
// root of trust holding its CA and its log, with an intact SET, over a payload naming this digest;
// every other case is a rejection whose reason says which (never a throw).
// Nearest real-world variant: a GitLab job's signature (SAN project_path:…, issuer https://gitlab.com)
// checked by `cosign verify` against the public-good trusted_root.json.
import { createHash, generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryRegistry } from '../../test/support/memory-registry.js';
import { jwt, startStandins, type Standins } from '../../test/support/sigstore-standins.js';
import { RegistryClient } from '../registry/client.js';
import { attachSignature, signatureManifest } from './attach.js';
import { identityPolicy, judgeIdentity } from '../core/identity.js';
import { BUNDLE_ANNOTATION, attachKeylessSignature } from './keyless.js';
import { loadTrustedRoot, type KeylessRoot } from './keyless-verify.js';
import { parseSigningKey } from './keys.js';
import { signatureTag } from './payload.js';
import { verifyImageSignatures, type TrustedKeys } from './verify.js';

const REPO = 'team/app';
const SUB = 'project_path:team/app:ref_type:branch:ref:main';
const ISSUER = 'https://gitlab.example.test';
const TOKEN = jwt({ iss: ISSUER, sub: SUB, aud: 'sigstore' });
const sha = (b: string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
let n = 0;
const image = () => sha(`image ${n++} ${Math.random()}`);

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

const endpoints = () => ({ fulcioUrl: s.fulcio.url, rekorUrl: s.rekor.url, token: TOKEN });
const trust = (policy = identityPolicy({ identity: SUB, issuer: ISSUER }), r = root): TrustedKeys => ({ keys: [], keyless: { root: r, policy } });
async function signed(): Promise<string> {
  const digest = image();
  await attachKeylessSignature(client, REPO, `${reg.host}/${REPO}`, digest, endpoints());
  return digest;
}
const reasons = (r: { rejected: Array<{ reason: string }> }) => r.rejected.map((x) => x.reason).join('; ');

/** The `.sig` manifest's one layer rewritten by `edit` (an attacker with push access). */
async function rewrite(digest: string, edit: (annotations: Record<string, string>) => void, tag = signatureTag(digest)): Promise<void> {
  const m = (await client.getManifest(REPO, signatureTag(digest)))!;
  const doc = JSON.parse(m.bytes.toString()) as { layers: Array<{ mediaType: string; digest: string; size: number; annotations: Record<string, string> }> };
  for (const l of doc.layers) edit(l.annotations);
  const { bytes, config } = signatureManifest(doc.layers);
  reg.seedBlob(REPO, config);
  await client.putManifest(REPO, tag, bytes, 'application/vnd.oci.image.manifest.v1+json');
}

describe('verifyImageSignatures with a keyless trust (stand-in Fulcio and Rekor)', () => {
  it('verifies for the certificate identity and issuer, exact or by regexp, and names them', async () => {
    const digest = await signed();
    const r = await verifyImageSignatures(client, REPO, digest, trust());
    expect(reasons(r)).toBe('');
    expect(r.verified).toHaveLength(1);
    expect(r.verified[0]!.certificate).toMatchObject({ subject: SUB, issuer: ISSUER });
    expect(r.verified[0]!.digest).toBe(digest);
    const byRegexp = await verifyImageSignatures(
      client,
      REPO,
      digest,
      trust(identityPolicy({ identityRegexp: '^project_path:team/', issuerRegexp: 'gitlab' })),
    );
    expect(byRegexp.verified).toHaveLength(1);
  }, 60_000);

  it('rejects another identity, naming the SAN it had; another issuer, naming it', async () => {
    const digest = await signed();
    const wrongId = await verifyImageSignatures(client, REPO, digest, trust(identityPolicy({ identity: 'project_path:team/other', issuer: ISSUER })));
    expect(wrongId.verified).toEqual([]);
    expect(reasons(wrongId)).toMatch(`wrong identity: the certificate is for '${SUB}', not 'project_path:team/other'`);
    const wrongIss = await verifyImageSignatures(
      client,
      REPO,
      digest,
      trust(identityPolicy({ identity: SUB, issuer: 'https://token.actions.githubusercontent.com' })),
    );
    expect(reasons(wrongIss)).toMatch(`wrong issuer: '${SUB}' was vouched for by '${ISSUER}'`);
    // A regexp matches anywhere, as cosign's does: anchored, a prefix is not enough.
    const anchored = await verifyImageSignatures(client, REPO, digest, trust(identityPolicy({ identityRegexp: '^project_path:team/app$', issuer: ISSUER })));
    expect(reasons(anchored)).toMatch(/^wrong identity/);
  }, 60_000);

  it('rejects a root of trust without the CA that issued the certificate (untrusted chain)', async () => {
    const digest = await signed();
    const other = await startStandins();
    try {
      const json = { ...s.rootJSON(), certificateAuthorities: other.rootJSON().certificateAuthorities };
      const r = await verifyImageSignatures(client, REPO, digest, trust(undefined, await loadTrustedRoot(JSON.stringify(json), 'other.json')));
      expect(r.verified).toEqual([]);
      expect(reasons(r)).toMatch(/^untrusted certificate: .*does not chain to a certificate authority of the trusted root/);
    } finally {
      other.close();
    }
  }, 60_000);

  it('rejects a tampered SET, a log entry for another certificate, a time outside the certificate', async () => {
    const set = await signed();
    await rewrite(set, (a) => {
      const b = JSON.parse(a[BUNDLE_ANNOTATION]!) as { SignedEntryTimestamp: string };
      const raw = Buffer.from(b.SignedEntryTimestamp, 'base64');
      raw[raw.length - 3]! ^= 1;
      a[BUNDLE_ANNOTATION] = JSON.stringify({ ...b, SignedEntryTimestamp: raw.toString('base64') });
    });
    expect(reasons(await verifyImageSignatures(client, REPO, set, trust()))).toMatch(/^SET invalid/);
    const logIndex = await signed();
    await rewrite(logIndex, (a) => {
      const b = JSON.parse(a[BUNDLE_ANNOTATION]!) as { Payload: { logIndex: number } };
      b.Payload.logIndex += 1;
      a[BUNDLE_ANNOTATION] = JSON.stringify(b);
    });
    expect(reasons(await verifyImageSignatures(client, REPO, logIndex, trust()))).toMatch(/^SET invalid/);
    // Another signature's Rekor bundle grafted on: its entry names another certificate.
    const donor = await signed();
    const donorBundle = JSON.parse((await client.getManifest(REPO, signatureTag(donor)))!.bytes.toString()).layers[0].annotations[BUNDLE_ANNOTATION] as string;
    const grafted = await signed();
    await rewrite(grafted, (a) => (a[BUNDLE_ANNOTATION] = donorBundle));
    expect(reasons(await verifyImageSignatures(client, REPO, grafted, trust()))).toMatch(/Rekor entry is for another certificate/);
    const late = await signed();
    await rewrite(late, (a) => {
      const b = JSON.parse(a[BUNDLE_ANNOTATION]!) as { Payload: { integratedTime: number } };
      b.Payload.integratedTime += 24 * 3600;
      a[BUNDLE_ANNOTATION] = JSON.stringify(b);
    });
    expect(reasons(await verifyImageSignatures(client, REPO, late, trust()))).toMatch(
      /^expired: the entry was logged at .* outside the certificate's validity/,
    );
  }, 120_000);

  it("rejects a keyless signature moved under another digest's tag (the payload names the first)", async () => {
    const first = await signed();
    const second = image();
    await rewrite(first, () => undefined, signatureTag(second));
    const r = await verifyImageSignatures(client, REPO, second, trust());
    expect(reasons(r)).toBe(`signed by ${SUB}, but for another image: ${first}`);
  }, 60_000);

  it('a key signature is not a keyless one: rejected under an identity, verified by its key beside a keyless layer', async () => {
    const digest = image();
    const key = parseSigningKey(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    await attachSignature(client, REPO, `${reg.host}/${REPO}`, digest, key);
    const only = await verifyImageSignatures(client, REPO, digest, trust());
    expect(reasons(only)).toBe('a key signature (no certificate): only a keyless signature can match the certificate identity given');
    await attachKeylessSignature(client, REPO, `${reg.host}/${REPO}`, digest, endpoints());
    const both = await verifyImageSignatures(client, REPO, digest, { ...trust(), keys: [key.publicKey] });
    expect(both.verified.map((v) => v.certificate?.subject ?? 'key')).toEqual(['key', SUB]);
  }, 60_000);

  it('an unlogged keyless layer (no Rekor bundle) is rejected, as cosign requires the entry', async () => {
    const digest = await signed();
    await rewrite(digest, (a) => delete a[BUNDLE_ANNOTATION]);
    expect(reasons(await verifyImageSignatures(client, REPO, digest, trust()))).toMatch(/^no Rekor bundle/);
  }, 60_000);
});

describe('identityPolicy and loadTrustedRoot: bad input names the flag', () => {
  it('needs both the identity and the issuer, one form each, a valid regexp', () => {
    expect(() => identityPolicy({ identity: SUB })).toThrow(/--certificate-oidc-issuer \(or --certificate-oidc-issuer-regexp\) is missing/);
    expect(() => identityPolicy({ issuer: ISSUER })).toThrow(/--certificate-identity \(or --certificate-identity-regexp\) is missing/);
    expect(() => identityPolicy({ identity: SUB, identityRegexp: '.*', issuer: ISSUER })).toThrow(/both given: give one/);
    expect(() => identityPolicy({ identityRegexp: '(', issuer: ISSUER })).toThrow(/--certificate-identity-regexp '\(' is not a regular expression/);
    expect(judgeIdentity(identityPolicy({ identity: 'a', issuer: 'b' }), { subject: 'a', issuer: 'b' })).toBeUndefined();
  });

  it('refuses a file that is not JSON, or not a trusted root', async () => {
    await expect(loadTrustedRoot('nope', 'root.json')).rejects.toThrow(/^root.json: not JSON/);
    await expect(loadTrustedRoot('{"mediaType":"x"}', 'root.json')).rejects.toThrow(/^root.json: not a Sigstore trusted root/);
  });
});
