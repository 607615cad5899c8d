/**
 * Keyless signing (`sign: keyless`) as cosign does it, over the Sigstore project's own client
 * (@sigstore/sign, loaded only here, and this module only by a run that signs keyless): an
 * ephemeral P-256 key, a Fulcio certificate for the CI's OIDC identity, a Rekor (hashedrekord)
 * entry for the signature, stored in the `.sig` layer with cosign's keyless annotations:
 *   dev.cosignproject.cosign/signature  base64 DER ECDSA over the simple-signing payload
 *   dev.sigstore.cosign/certificate     the Fulcio leaf, PEM
 *   dev.sigstore.cosign/chain           the rest of Fulcio's chain, PEM
 *   dev.sigstore.cosign/bundle          the Rekor bundle: SET, body, integratedTime, logIndex, logID
 *
 * Contract: keylessSign(payload, { fulcioUrl, rekorUrl, token }) → KeylessSignature
 *   The token is a secret: no error from here carries it (the Sigstore client's own messages can).
 */
import { createHash, generateKeyPairSync, sign, X509Certificate } from 'node:crypto';
import type { Bundle } from '@sigstore/sign';
import { appendLayer, type AttachedSignature, type Descriptor, type SignatureWriter } from './attach.js';
import {
  BUNDLE_ANNOTATION,
  CERTIFICATE_ANNOTATION,
  CHAIN_ANNOTATION,
  SIGNATURE_ANNOTATION,
  signatureTag,
  simpleSigningPayload,
  SIMPLE_SIGNING,
} from './payload.js';

export { BUNDLE_ANNOTATION, CERTIFICATE_ANNOTATION, CHAIN_ANNOTATION };

export interface KeylessEndpoints {
  fulcioUrl: string;
  rekorUrl: string;
  /** The OIDC identity token (a JWT; a secret). */
  token: string;
}

export interface KeylessSignature {
  /** The layer's annotations, as cosign writes them for a keyless signature. */
  annotations: Record<string, string>;
  /** The Sigstore bundle (v0.3 JSON) of the same signature, for a referrer or a verifier. */
  bundle: unknown;
  /** The certificate's subject (an email or a workflow URI) and OIDC issuer, for the summary. */
  identity: string;
  issuer: string;
}

/** Why keyless signing failed, in words that name the service and never the token. */
export class KeylessError extends Error {
  override name = 'KeylessError';
}

const ISSUER_V2 = '1.3.6.1.4.1.57264.1.8';

const b64url = (s: string) => Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64');

/** The JWT's claims (unverified: Fulcio verifies it), or a KeylessError that does not quote it. */
export function tokenClaims(token: string): { sub: string; iss: string; email?: string } {
  const parts = token.split('.');
  let claims: { sub?: unknown; iss?: unknown; email?: unknown; email_verified?: unknown } = {};
  try {
    if (parts.length === 3) claims = JSON.parse(b64url(parts[1] ?? '').toString('utf8')) as typeof claims;
  } catch {
    claims = {};
  }
  if (typeof claims.sub !== 'string' || typeof claims.iss !== 'string')
    throw new KeylessError('the OIDC token is not a JWT with sub and iss claims (give the id token itself, not its file name or a header)');
  return { sub: claims.sub, iss: claims.iss, ...(typeof claims.email === 'string' && claims.email_verified === true ? { email: claims.email } : {}) };
}

const toPem = (der: Buffer | string) => {
  const b64 = Buffer.isBuffer(der) ? der.toString('base64') : der.replace(/\s+/g, '');
  return `-----BEGIN CERTIFICATE-----\n${b64.match(/.{1,64}/g)?.join('\n') ?? ''}\n-----END CERTIFICATE-----\n`;
};
const asPem = (c: string) => (c.includes('-----BEGIN') ? `${c.trim()}\n` : toPem(c));

/** The message of a failure of the Sigstore client, without the token it may quote. */
function clean(err: unknown, token: string): string {
  const message = err instanceof Error ? err.message : String(err);
  const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `${message}${cause}`.split(token).join('***').slice(0, 300);
}

/** What the Sigstore client gave for one signature: its bundle (a message signature or a DSSE envelope), the Fulcio chain. */
interface Signed {
  bundle: Bundle;
  chain: string[];
}

/**
 * Signs with an ephemeral key and a Fulcio certificate for the token's identity, logged in Rekor:
 * `dsse` absent, a message signature over `payload` (a hashedrekord entry); with `dsse`, a DSSE
 * envelope of `payload` as that payload type (an intoto v0.0.2 entry: what @sigstore/verify and
 * cosign verify-attestation both check, and what Rekor logs as sent).
 */
async function sigstoreSign(payload: Buffer, endpoints: KeylessEndpoints, dsse?: string): Promise<Signed> {
  const { token } = endpoints;
  const claims = tokenClaims(token);
  // CommonJS packages: their exports are the namespace's default, in Node and in the bundle alike.
  const [sigstore, fulcioClient] = await Promise.all([import('@sigstore/sign'), import('@sigstore/sign/dist/external/fulcio.js')]);
  const { DSSEBundleBuilder, MessageSignatureBundleBuilder, RekorWitness } = sigstore.default;
  const { Fulcio } = fulcioClient.default;
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const fetchOptions = { retry: { retries: 2, factor: 2, minTimeout: 500, maxTimeout: 4000 }, timeout: 30_000 };
  let chain: string[] = [];
  const signer = {
    async sign(data: Buffer) {
      // Proof of possession: the token's subject signed with the ephemeral key (Fulcio's challenge).
      const proof = sign('sha256', Buffer.from(claims.email ?? claims.sub), { key: privateKey, dsaEncoding: 'der' });
      let response;
      try {
        response = await new Fulcio({ baseURL: endpoints.fulcioUrl, ...fetchOptions }).createSigningCertificate({
          credentials: { oidcIdentityToken: token },
          publicKeyRequest: {
            publicKey: { algorithm: 'ECDSA', content: publicKey.export({ type: 'spki', format: 'pem' }).toString() },
            proofOfPossession: proof.toString('base64'),
          },
        });
      } catch (err) {
        throw new KeylessError(`fulcio-url ${endpoints.fulcioUrl}: no signing certificate: ${clean(err, token)}`);
      }
      chain = (response.signedCertificateEmbeddedSct ?? response.signedCertificateDetachedSct)?.chain.certificates ?? [];
      if (!chain[0]) throw new KeylessError(`fulcio-url ${endpoints.fulcioUrl}: the answer holds no certificate`);
      return { signature: sign('sha256', data, { key: privateKey, dsaEncoding: 'der' }), key: { $case: 'x509Certificate' as const, certificate: chain[0] } };
    },
  };
  const rekor = { rekorBaseURL: endpoints.rekorUrl, ...fetchOptions };
  let bundle;
  try {
    bundle =
      dsse === undefined
        ? await new MessageSignatureBundleBuilder({ signer, witnesses: [new RekorWitness(rekor)] }).create({ data: payload })
        : await new DSSEBundleBuilder({ signer, witnesses: [new RekorWitness({ ...rekor, entryType: 'intoto' })] }).create({ data: payload, type: dsse });
  } catch (err) {
    if (err instanceof KeylessError) throw err;
    throw new KeylessError(`rekor-url ${endpoints.rekorUrl}: the signature was not logged: ${clean(err, token)}`);
  }
  return { bundle, chain };
}

/** cosign's keyless annotations but the signature (certificate, chain, Rekor bundle), and who the certificate names. */
function keylessAnnotations({ bundle, chain }: Signed, endpoints: KeylessEndpoints): Omit<KeylessSignature, 'bundle'> {
  const entry = bundle.verificationMaterial.tlogEntries[0];
  const set = entry?.inclusionPromise?.signedEntryTimestamp;
  if (!entry || !set) throw new KeylessError(`rekor-url ${endpoints.rekorUrl}: the log's answer has no signed entry timestamp`);
  const leaf = new X509Certificate(asPem(chain[0] ?? ''));
  const rekorBundle = {
    SignedEntryTimestamp: Buffer.from(set).toString('base64'),
    Payload: {
      body: Buffer.from(entry.canonicalizedBody).toString('base64'),
      integratedTime: Number(entry.integratedTime),
      logIndex: Number(entry.logIndex),
      logID: Buffer.from(entry.logId.keyId).toString('hex'),
    },
  };
  return {
    annotations: {
      [CERTIFICATE_ANNOTATION]: leaf.toString(),
      [CHAIN_ANNOTATION]: chain.slice(1).map(asPem).join(''),
      [BUNDLE_ANNOTATION]: JSON.stringify(rekorBundle),
    },
    identity: (leaf.subjectAltName ?? '').replace(/^(email|URI):/, '') || tokenClaims(endpoints.token).sub,
    // The issuer as the token states it (Fulcio copies it into the certificate's extension).
    issuer: tokenClaims(endpoints.token).iss,
  };
}

export async function keylessSign(payload: Buffer, endpoints: KeylessEndpoints): Promise<KeylessSignature> {
  const signed = await sigstoreSign(payload, endpoints);
  const content = signed.bundle.content;
  if (content.$case !== 'messageSignature') throw new KeylessError('the Sigstore client returned no message signature');
  const { annotations, identity, issuer } = keylessAnnotations(signed, endpoints);
  const { bundleToJSON } = (await import('@sigstore/bundle')).default;
  return {
    annotations: { [SIGNATURE_ANNOTATION]: Buffer.from(content.messageSignature.signature).toString('base64'), ...annotations },
    bundle: bundleToJSON(signed.bundle),
    identity,
    issuer,
  };
}

/**
 * An in-toto statement signed keyless as `cosign attest` (keyless) signs it: the DSSE envelope (the
 * `.att` layer's bytes) and cosign's certificate, chain and Rekor bundle annotations for its descriptor,
 * and the whole Sigstore bundle (a referrer's layer).
 */
export async function keylessAttest(
  statement: Buffer,
  payloadType: string,
  endpoints: KeylessEndpoints,
): Promise<{ envelope: Buffer; bundle: Buffer; annotations: Record<string, string>; identity: string; issuer: string }> {
  const signed = await sigstoreSign(statement, endpoints, payloadType);
  const content = signed.bundle.content;
  if (content.$case !== 'dsseEnvelope') throw new KeylessError('the Sigstore client returned no DSSE envelope');
  const { envelopeToJSON, bundleToJSON } = (await import('@sigstore/bundle')).default;
  const { annotations, identity, issuer } = keylessAnnotations(signed, endpoints);
  const envelope = Buffer.from(JSON.stringify(envelopeToJSON(content.dsseEnvelope)));
  // The same signature as a Sigstore bundle (v0.3: certificate, log entry, envelope), for its referrer.
  return { envelope, bundle: Buffer.from(JSON.stringify(bundleToJSON(signed.bundle))), annotations, identity, issuer };
}

/** The OID of Fulcio's issuer extension (v2), for readers of the certificate. */
export const FULCIO_ISSUER_OID = ISSUER_V2;

/**
 * GitHub's OIDC token for audience `sigstore` (the runner's token request, as actions/core's
 * getIDToken makes it). Failures name the request's variable and status, never the bearer or token.
 */
export async function githubIdToken(request: { url: string; bearer: string }, fetchFn: typeof fetch = fetch): Promise<string> {
  const url = new URL(request.url);
  url.searchParams.set('audience', 'sigstore');
  let response: Response;
  try {
    response = await fetchFn(url, { headers: { authorization: `bearer ${request.bearer}`, accept: 'application/json' } });
  } catch (err) {
    throw new KeylessError(`the OIDC token request (ACTIONS_ID_TOKEN_REQUEST_URL) failed: ${clean(err, request.bearer)}`);
  }
  if (!response.ok)
    throw new KeylessError(
      `the OIDC token request (ACTIONS_ID_TOKEN_REQUEST_URL) was answered ${response.status}: is permissions: id-token: write given to the job?`,
    );
  const body = (await response.json().catch(() => ({}))) as { value?: unknown };
  if (typeof body.value !== 'string' || !body.value) throw new KeylessError('the OIDC token request (ACTIONS_ID_TOKEN_REQUEST_URL) answered without a token');
  return body.value;
}

/**
 * Signs `digest` keyless and appends the signature to `sha256-<hex>.sig` (other layers kept). A
 * keyless signature is new each run (a new key and certificate): the layer is appended unless one
 * by the same identity over the same payload is already there.
 */
export async function attachKeylessSignature(
  client: SignatureWriter,
  repository: string,
  dockerReference: string,
  digest: string,
  endpoints: KeylessEndpoints,
): Promise<AttachedSignature & { identity: string; issuer: string }> {
  const tag = signatureTag(digest);
  const payload = simpleSigningPayload(dockerReference, digest);
  const payloadDigest = `sha256:${createHash('sha256').update(payload).digest('hex')}`;
  const signed = await keylessSign(payload, endpoints);
  const layer: Descriptor = { mediaType: SIMPLE_SIGNING, size: payload.length, digest: payloadDigest, annotations: signed.annotations };
  const sameIdentity = (l: Descriptor) => {
    const pem = l.annotations?.[CERTIFICATE_ANNOTATION];
    if (l.digest !== payloadDigest || !pem) return false;
    try {
      return new X509Certificate(pem).subjectAltName === new X509Certificate(signed.annotations[CERTIFICATE_ANNOTATION] ?? '').subjectAltName;
    } catch {
      return false;
    }
  };
  const { manifest, added } = await appendLayer(client, repository, tag, payload, layer, sameIdentity);
  return { digest, tag, manifest, payloadDigest, added, identity: signed.identity, issuer: signed.issuer };
}
