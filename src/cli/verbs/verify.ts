/**
 * `hoist verify REF --key cosign.pub [--key …] [--type TYPE] [--json]`: whether the image REF names carries a
 * cosign key signature that one of the keys verifies (src/sign/verify.ts), as `cosign verify --key`;
 * and keyless, as `cosign verify --certificate-identity[-regexp] --certificate-oidc-issuer[-regexp]
 * --trusted-root`: a Fulcio certificate of that identity and issuer, chained to the trusted root, its
 * Rekor entry vouched for by the root's log (src/sign/keyless-verify.ts). Both may be given: a
 * layer with a certificate is judged keyless, one without by the keys.
 * With `--type` (cosign verify-attestation's names), the attestations of that predicate type are
 * judged instead (verify-attestation.ts), by the same keys and identity.
 * Exit codes by the CLI's table (exit.ts): 0 verified; 1 found — no signature verifies (unsigned,
 * another key or identity, another digest, a tampered payload or SET, an untrusted or expired
 * certificate); 2 a key or trusted root that cannot be read, an image that does not exist; 3 the
 * registry could not be read. Keys and the trusted root are read before any request.
 */
import { formatFull, formatRepository, parseReference, type Reference } from '../../core/reference.js';
import { referenceError, webPage } from '../../inputs/images.js';
import { ConfigError } from '../../core/errors.js';
import type { Files } from '../../effects/files.js';
import type { RegistryClient } from '../../registry/client.js';
import { KEYLESS_FLAGS, keylessFlags, keylessWords, predicateTypeOf, type KeylessFlags } from './verify-flags.js';
import { UsageError } from '../usage.js';
import { registryVerb } from './registry.js';
import type { Values } from './verb.js';
import type { TrustedKeys, VerifiedSignature } from '../../sign/verify.js';
import { jsonText } from '../../platform/log-safe.js';

export interface VerifyCommand {
  verb: 'verify';
  ref: Reference;
  /** `--key`: public key files (cosign.pub), relative to the working directory. */
  keys: string[];
  /** The keyless flags, checked by the parser (identity and issuer both given, a trusted root). */
  keyless?: KeylessFlags;
  /** `--type`: verify the attestations of this predicate type (as `cosign verify-attestation --type`) instead of the signatures. */
  predicateType?: string;
}

/** verify's flags: cosign's names (`cosign verify --key`, and the keyless ones of verify-flags.ts). */
export const VERIFY_FLAGS = { key: { type: 'string', multiple: true }, ...KEYLESS_FLAGS, type: { type: 'string' } } as const;

export interface VerifyOut {
  print: (text: string) => void;
  /** A line on stderr: why nothing verifies. */
  error: (text: string) => void;
}

export async function runVerify(client: RegistryClient, c: VerifyCommand, json: boolean, out: VerifyOut, files: Pick<Files, 'readText'>): Promise<number> {
  const [{ loadVerificationKeys }, { verifyImageSignatures }] = await Promise.all([import('../../sign/keys.js'), import('../../sign/verify.js')]);
  const keys = c.keys.length ? await loadVerificationKeys(c.keys.join('\n'), '--key', (path) => files.readText(path)) : [];
  const keyless = c.keyless ? await keylessTrust(c.keyless, files) : undefined;
  // The digest is the hash of the manifest's bytes as served, never a header's word for it: a verdict
  // on a digest the tag does not serve would bless other bytes. (By digest, the client checks the bytes.)
  const digest = (await client.getManifest(c.ref.path, c.ref.digest ?? c.ref.tag ?? 'latest'))?.digest;
  if (!digest) throw new ConfigError([{ input: 'verify REF', message: `${formatFull(c.ref)}: no such image in its registry` }]);
  const trust = { keys: keys.map((k) => k.key), ...(keyless ? { keyless } : {}) };
  const name = formatRepository(c.ref);
  const sourceOf = (keyId: string) => keys.find((k) => k.fingerprint === keyId)?.source ?? keyId;
  const trusted = [...keys.map((k) => k.source), ...(c.keyless ? [`a certificate of ${keylessWords(c.keyless)}`] : [])].join(', ');
  const signer = (v: Pick<VerifiedSignature, 'keyId' | 'certificate'>) =>
    v.certificate
      ? `${v.certificate.subject} (issuer ${v.certificate.issuer}, Rekor entry ${v.certificate.logIndex} at ${new Date(v.certificate.integratedTime * 1000).toISOString()})`
      : `${sourceOf(v.keyId)} (${v.keyId})`;
  if (c.predicateType) {
    const { verifyAttestationsOf, reportAttestations } = await import('./verify-attestation.js');
    const verdict = await verifyAttestationsOf(client, c.ref.path, digest, c.predicateType, trust);
    return reportAttestations(verdict, { reference: formatFull(c.ref), name, digest, predicateType: c.predicateType, trusted }, signer, json, out);
  }
  const result = await verifyImageSignatures(client, c.ref.path, digest, trust);
  if (json) {
    const verified = result.verified.map((v) => ({ ...v, key: sourceOf(v.keyId) }));
    out.print(jsonText({ reference: formatFull(c.ref), digest, signatures: `${name}:${result.tag}`, verified, rejected: result.rejected }));
  } else {
    for (const v of result.verified) out.print(`${name}@${digest}: signed by ${signer(v)}${v.referrer ? ` (Sigstore bundle referrer ${v.referrer})` : ''}`);
  }
  if (result.verified.length) return 0;
  out.error(`${name}@${digest}: no signature verifies with ${trusted}: ${result.rejected.map((r) => r.reason).join('; ')}`);
  return 1;
}

/** The trusted root read and the identity policy made, before any request; a root that cannot be read is the --trusted-root input error. */
async function keylessTrust(k: KeylessFlags, files: Pick<Files, 'readText'>): Promise<NonNullable<TrustedKeys['keyless']>> {
  const [{ identityPolicy }, { loadTrustedRoot }] = await Promise.all([import('../../core/identity.js'), import('../../sign/keyless-verify.js')]);
  let text: string;
  try {
    text = await files.readText(k.trustedRoot);
  } catch (e) {
    throw new ConfigError([{ input: '--trusted-root', message: `cannot read ${k.trustedRoot} (${(e as NodeJS.ErrnoException).code ?? 'error'})` }]);
  }
  try {
    return { root: await loadTrustedRoot(text, k.trustedRoot), policy: identityPolicy(k) };
  } catch (e) {
    throw new ConfigError([{ input: '--trusted-root', message: (e as Error).message }]);
  }
}

function parse(values: Values, positionals: string[]): VerifyCommand {
  if (positionals.length !== 1) throw new UsageError('verify takes one image reference, e.g. registry.acme/team/app:1.4.2');
  const keys = (values.key as string[] | undefined) ?? [];
  const keyless = keylessFlags(values, 'verify');
  if (!keys.length && !keyless)
    throw new UsageError(
      'verify: give the public key to verify with: --key cosign.pub (repeat for several), or a keyless signer: --certificate-identity, --certificate-oidc-issuer and --trusted-root',
    );
  const page = webPage(positionals[0]!);
  if (page) throw new UsageError(`verify: ${page}`);
  let ref: Reference;
  try {
    ref = parseReference(positionals[0]!);
  } catch (e) {
    throw new UsageError(`verify: ${referenceError(positionals[0]!, e)}`);
  }
  const type = values.type as string | undefined;
  const predicateType = type === undefined ? undefined : predicateTypeOf(type);
  if (typeof predicateType === 'object') throw new UsageError(`verify: ${predicateType.error}`);
  return { verb: 'verify', ref, keys, ...(keyless ? { keyless } : {}), ...(predicateType ? { predicateType } : {}) };
}

export const verify = registryVerb<VerifyCommand>({
  name: 'verify',
  summary: 'whether an image carries a cosign signature by one of the given public keys, or keyless by a certificate identity (exit 0, else 1)',
  usage: `  hoist verify REF --key PATH [--key PATH]... [--type TYPE] [--json]
  hoist verify REF --certificate-identity ID|--certificate-identity-regexp RE
                   --certificate-oidc-issuer URL|--certificate-oidc-issuer-regexp RE --trusted-root trusted_root.json
                   [--type TYPE] [--json]
                                                      exit 0 when a cosign signature of REF's digest verifies: by one of
                                                      the keys (cosign.pub), or keyless, by a Fulcio certificate of that
                                                      identity and issuer, chained to the trusted root and logged in its
                                                      Rekor; 1 when none does: unsigned, another key or identity, another
                                                      digest, a tampered payload or SET; 3 registry not readable;
                                                      --type slsaprovenance1 (cosign verify-attestation's names, or a URI):
                                                      the attestations of that predicate type instead, by the same signers`,
  examples: [
    'hoist verify registry.acme/team/app:1.4.2 --key cosign.pub && deploy   # exit 1: unsigned, or not by this key',
    'hoist verify registry.acme/team/app@sha256:… --key cosign.pub --json | jq .verified',
    "hoist verify registry.acme/team/app:1.4.2 --certificate-identity-regexp '^https://github.com/acme/' --certificate-oidc-issuer https://token.actions.githubusercontent.com --trusted-root trusted_root.json",
    'hoist verify registry.acme/team/app:1.4.2 --type slsaprovenance1 --key cosign.pub --json | jq .verified[0].subject   # its SLSA provenance',
  ],
  options: () => VERIFY_FLAGS,
  parse,
  run: ({ fx, task, json, out, connect }) =>
    connect([task.ref], (client) => runVerify(client(task.ref), task, json, { print: out.print, error: (text) => fx.platform.error(text) }, fx.files)),
});
