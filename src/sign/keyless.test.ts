// Keyless signing against STAND-INS of Fulcio and Rekor: the Sigstore project's own mock handlers
// (@sigstore/mock's fulcioHandler / rekorHandler, a CA, CT log and transparency log with keys made
// here) served on loopback by test/support/sigstore-standins.ts — no nock, no interception: Hoist's
// real HTTP path (the @sigstore/sign client) talks to a real socket. The root of trust is self-made
// from the stand-ins' keys; @sigstore/verify checks the result as cosign verify would check the real
// thing (certificate chain, SCT, Rekor SET, signature over the payload, identity).
// Nearest real-world variant: a GitHub/GitLab job signing against a private Sigstore deployment
// (fulcio-url, rekor-url) whose trusted_root.json the verifier is given.
import { createHash, verify, X509Certificate } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleFromJSON } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import { jwt, serveHandlers, startStandins, type Standins, type StandIn } from '../../test/support/sigstore-standins.js';
import { ConfigError } from '../core/errors.js';
import { SecretCatalog } from '../secrets/catalog.js';
import { BUNDLE_ANNOTATION, CERTIFICATE_ANNOTATION, CHAIN_ANNOTATION, githubIdToken, keylessSign, KeylessError, tokenClaims } from './keyless.js';
import { SIGNATURE_ANNOTATION, simpleSigningPayload } from './payload.js';
import { loadKeyless } from './stage.js';

const SUB = 'project_path:team/app:ref_type:branch:ref:main';
/** An OIDC token as GitLab's id_tokens gives one. */
const TOKEN = jwt({ iss: 'https://gitlab.example.test', sub: SUB, aud: 'sigstore' });
const DIGEST = `sha256:${'ab'.repeat(32)}`;

let standins: Standins;
let fulcio: StandIn;
let rekor: StandIn;
let root: TrustedRoot;

beforeAll(async () => {
  standins = await startStandins();
  ({ fulcio, rekor, root } = standins);
});
afterAll(() => standins.close());

describe('keylessSign against stand-in Fulcio and Rekor', () => {
  it('writes cosign keyless annotations whose signature, certificate and Rekor bundle verify (property: what cosign verify --certificate-identity checks holds)', async () => {
    const payload = simpleSigningPayload('registry.test/team/app', DIGEST);
    const s = await keylessSign(payload, { fulcioUrl: fulcio.url, rekorUrl: rekor.url, token: TOKEN });
    expect(fulcio.requests).toContain('POST /api/v2/signingCert');
    expect(rekor.requests).toContain('POST /api/v1/log/entries');
    const a = s.annotations;
    // The signature verifies over the exact payload bytes with the leaf's key (openssl's view).
    const leaf = new X509Certificate(a[CERTIFICATE_ANNOTATION] ?? '');
    expect(verify('sha256', payload, { key: leaf.publicKey, dsaEncoding: 'der' }, Buffer.from(a[SIGNATURE_ANNOTATION] ?? '', 'base64'))).toBe(true);
    expect(leaf.subjectAltName).toContain(SUB);
    // The chain annotation ends at the stand-in's root, which issued the leaf.
    const chain = (a[CHAIN_ANNOTATION] ?? '').match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [];
    expect(chain.length).toBeGreaterThan(0);
    expect(leaf.checkIssued(new X509Certificate(chain[0] ?? ''))).toBe(true);
    // The Rekor bundle as cosign's RekorBundle: a hashedrekord of this payload's digest and this signature.
    const rb = JSON.parse(a[BUNDLE_ANNOTATION] ?? '{}') as { SignedEntryTimestamp: string; Payload: { body: string; logIndex: number; logID: string } };
    const body = JSON.parse(Buffer.from(rb.Payload.body, 'base64').toString('utf8')) as {
      kind: string;
      spec: { data: { hash: { value: string } }; signature: { content: string } };
    };
    expect(body.kind).toBe('hashedrekord');
    expect(body.spec.data.hash.value).toBe(createHash('sha256').update(payload).digest('hex'));
    expect(body.spec.signature.content).toBe(a[SIGNATURE_ANNOTATION]);
    expect(rb.Payload.logID).toMatch(/^[0-9a-f]{64}$/);
    expect(rb.SignedEntryTimestamp.length).toBeGreaterThan(0);
    // @sigstore/verify with the self-made root of trust: chain, SCT, SET, signature and identity.
    const verifier = new Verifier(toTrustMaterial(root), { tlogThreshold: 1, ctlogThreshold: 1 });
    const entity = toSignedEntity(bundleFromJSON(s.bundle), payload);
    const signer = verifier.verify(entity, { subjectAlternativeName: SUB });
    expect(signer.identity?.subjectAlternativeName).toBe(SUB);
    // Tampered payload (another digest) and another identity are refused.
    const other = simpleSigningPayload('registry.test/team/app', `sha256:${'cd'.repeat(32)}`);
    expect(() => verifier.verify(toSignedEntity(bundleFromJSON(s.bundle), other), { subjectAlternativeName: SUB })).toThrow(/signature verification failed/);
    expect(() => verifier.verify(entity, { subjectAlternativeName: 'someone-else' })).toThrow(/certificate identity error/);
    // A root of trust that does not hold the stand-in CA refuses it.
    const stranger = TrustedRoot.fromJSON({ ...(TrustedRoot.toJSON(root) as object), certificateAuthorities: [] });
    expect(() => new Verifier(toTrustMaterial(stranger)).verify(entity)).toThrow(/certificate chain/);
  });

  it('a token that is not a JWT is refused before any request, without quoting it (property: the secret never reaches a message)', async () => {
    const secret = 'not-a-jwt-but-a-secret-value';
    const before = fulcio.requests.length;
    const err = await keylessSign(Buffer.from('x'), { fulcioUrl: fulcio.url, rekorUrl: rekor.url, token: secret }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KeylessError);
    expect(String((err as Error).message)).not.toContain(secret);
    expect(fulcio.requests.length).toBe(before);
    expect(() => tokenClaims(jwt({ iss: 'x' }))).toThrow(/sub and iss/);
  });

  it('an unreachable Fulcio is an error naming fulcio-url and not the token (real variant: a private deployment down)', async () => {
    const dead = await serveHandlers([]);
    dead.server.close();
    const err = await keylessSign(Buffer.from('x'), { fulcioUrl: dead.url, rekorUrl: rekor.url, token: TOKEN }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KeylessError);
    expect((err as Error).message).toMatch(/^fulcio-url http:\/\/127\.0\.0\.1:\d+: no signing certificate/);
    expect((err as Error).message).not.toContain(TOKEN);
  }, 30_000);

  // GitHub's token request, served by a loopback stand-in of the runner's endpoint (as actions/core's
  // getIDToken calls it: the URL's own query kept, audience=sigstore added, the bearer in a header).
  it('GitHub: the token is requested for audience sigstore and hidden; a refusal names permissions: id-token: write (property: no secret in any message)', async () => {
    const seen: string[] = [];
    const runner = createServer((req, res) => {
      seen.push(`${req.url} ${req.headers.authorization ?? ''}`);
      if (req.headers.authorization !== 'bearer runner-bearer-0123') return void res.writeHead(403).end('{"message":"no id-token permission"}');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ value: TOKEN }));
    });
    await new Promise<void>((resolve) => runner.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(runner.address() as AddressInfo).port}/token?api-version=2.0`;
    try {
      expect(await githubIdToken({ url, bearer: 'runner-bearer-0123' })).toBe(TOKEN);
      expect(seen[0]).toBe('/token?api-version=2.0&audience=sigstore bearer runner-bearer-0123');
      const hidden: string[] = [];
      const catalog = new SecretCatalog((v) => hidden.push(v));
      const signer = await loadKeyless(
        { mode: 'keyless', keyless: { fulcioUrl: fulcio.url, rekorUrl: rekor.url, request: { url, bearer: 'runner-bearer-0123' } } },
        catalog,
      );
      expect(signer?.keyless.token).toBe(TOKEN);
      expect(hidden).toContain(TOKEN);
      const refused = await loadKeyless(
        { mode: 'keyless', keyless: { fulcioUrl: fulcio.url, rekorUrl: rekor.url, request: { url, bearer: 'wrong-bearer-4567' } } },
        catalog,
      ).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(ConfigError);
      expect(String(refused)).toMatch(/answered 403: is permissions: id-token: write given to the job\?/);
      expect(String(refused)).not.toContain('wrong-bearer-4567');
    } finally {
      runner.close();
    }
    // GitLab: a variable that holds no JWT is the input error naming oidc-token-variable.
    const bad = await loadKeyless(
      { mode: 'keyless', keyless: { fulcioUrl: fulcio.url, rekorUrl: rekor.url, token: 'gitlab-ci-token-not-a-jwt' } },
      new SecretCatalog(() => {}),
    ).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ConfigError);
    expect((bad as ConfigError).issues[0]?.input).toBe('oidc-token-variable');
    expect(String((bad as Error).message)).not.toContain('gitlab-ci-token-not-a-jwt');
  });
});
