// Keyless signing against STAND-INS of Fulcio and Rekor: the Sigstore project's own mock handlers
// (@sigstore/mock's fulcioHandler / rekorHandler, a CA, CT log and transparency log with keys made
// here) served on loopback by a small http server in this file — no nock, no interception: Hoist's
// real HTTP path (the @sigstore/sign client) talks to a real socket. The root of trust is self-made
// from the stand-ins' keys; @sigstore/verify checks the result as cosign verify would check the real
// thing (certificate chain, SCT, Rekor SET, signature over the payload, identity).
// Nearest real-world variant: a GitHub/GitLab job signing against a private Sigstore deployment
// (fulcio-url, rekor-url) whose trusted_root.json the verifier is given.
import { createHash, generateKeyPairSync, verify, X509Certificate, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fulcioHandler, initializeCA, initializeCTLog } from '@sigstore/mock/dist/fulcio/index.js';
import { initializeTLog, rekorHandler } from '@sigstore/mock/dist/rekor/index.js';
import { bundleFromJSON } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import { ConfigError } from '../core/errors.js';
import { SecretCatalog } from '../secrets/catalog.js';
import { BUNDLE_ANNOTATION, CERTIFICATE_ANNOTATION, CHAIN_ANNOTATION, githubIdToken, keylessSign, KeylessError, tokenClaims } from './keyless.js';
import { loadKeyless } from './stage.js';
import { SIGNATURE_ANNOTATION, simpleSigningPayload } from './payload.js';

type Handler = { path: string; fn: (body: string) => Promise<{ statusCode: number; response: string | ArrayBufferView; contentType?: string }> };

/** Serves the mock handlers on 127.0.0.1: one stand-in service per server. */
async function serve(handlers: Handler[]): Promise<{ server: Server; url: string; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push(`${req.method} ${req.url}`);
      const h = handlers.find((x) => x.path === req.url && req.method === 'POST');
      if (!h) return void res.writeHead(404).end('no such stand-in route');
      void h.fn(body).then((r) => {
        res.writeHead(r.statusCode, { 'content-type': r.contentType ?? 'text/plain' });
        res.end(typeof r.response === 'string' ? r.response : Buffer.from(r.response.buffer, r.response.byteOffset, r.response.byteLength));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

const b64u = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
/** An OIDC token as GitLab's id_tokens gives one (unsigned here: the stand-in Fulcio only reads its claims). */
const jwt = (claims: object) => `${b64u({ alg: 'RS256', typ: 'JWT' })}.${b64u(claims)}.${Buffer.from('stand-in-signature').toString('base64url')}`;
const TOKEN = jwt({ iss: 'https://gitlab.example.test', sub: 'project_path:team/app:ref_type:branch:ref:main', aud: 'sigstore' });
const SUB = 'project_path:team/app:ref_type:branch:ref:main';
const DIGEST = `sha256:${'ab'.repeat(32)}`;

let fulcio: Awaited<ReturnType<typeof serve>>;
let rekor: Awaited<ReturnType<typeof serve>>;
let root: TrustedRoot;

beforeAll(async () => {
  const keys = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const caKeys = keys();
  const ctlog = await initializeCTLog(caKeys);
  const ca = await initializeCA(caKeys, ctlog);
  fulcio = await serve([fulcioHandler(ca)]);
  const tlogKeys = keys();
  const rekorRoutes: Handler[] = [];
  rekor = await serve(rekorRoutes);
  // The log's entries name its URL, known once its server listens.
  rekorRoutes.push(rekorHandler(await initializeTLog(rekor.url, tlogKeys)));
  const start = '2000-01-01T00:00:00Z';
  const spki = (k: { publicKey: KeyObject }) => k.publicKey.export({ type: 'spki', format: 'der' });
  const keyId = (der: Buffer) => createHash('sha256').update(der).digest('base64');
  const pub = (der: Buffer) => ({ rawBytes: der.toString('base64'), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start } });
  root = TrustedRoot.fromJSON({
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [{ baseUrl: rekor.url, hashAlgorithm: 'SHA2_256', publicKey: pub(spki(tlogKeys)), logId: { keyId: keyId(spki(tlogKeys)) } }],
    certificateAuthorities: [
      {
        subject: { organization: 'stand-in', commonName: 'stand-in fulcio' },
        uri: fulcio.url,
        certChain: { certificates: [{ rawBytes: Buffer.from(ca.rootCertificate.buffer).toString('base64') }] },
        validFor: { start },
      },
    ],
    ctlogs: [{ baseUrl: 'stand-in-ct', hashAlgorithm: 'SHA2_256', publicKey: pub(spki(caKeys)), logId: { keyId: keyId(spki(caKeys)) } }],
    timestampAuthorities: [],
  });
});
afterAll(() => {
  fulcio.server.close();
  rekor.server.close();
});

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
    const dead = await serve([]);
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
