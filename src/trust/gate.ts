/**
 * The signature gate shared by promote (`require-signature` + `verify-key`) and the build
 * (`base-signers`): the keys read, an image's manifest digest checked against them with
 * `sign/verify.ts` (`cosign verify --key`'s rules), and, when nothing verifies, one line saying why —
 * the most telling rejection first: a signature over another digest, a tampered payload, another
 * key, a keyless signature not trusted or by another identity, none at all. Keyless signers
 * (`readKeylessSigners`) are judged beside the keys: a layer with a certificate by the identity. The signing modules load only here, when a run verifies.
 */
import { isAbsolute, resolve } from 'node:path';
import type { Files } from '../effects/files.js';
import type { VerificationKey } from '../sign/keys.js';
import { ConfigError } from '../core/errors.js';
import type { IdentityGiven, IdentityNames } from '../core/identity.js';
import type { SignatureStore, TrustedKeys, VerifyResult } from '../sign/verify.js';

export interface TrustedSigners {
  /** The input they came from (`verify-key`, `base-signers`, `--key`). */
  input: string;
  keys: VerificationKey[];
  /** Keyless signers: the trusted root read and the identity policy (`verify-identity`, `verify-oidc-issuer`, `trusted-root`). */
  keyless?: NonNullable<TrustedKeys['keyless']>;
}

/**
 * Keyless signers: the identity and issuer given (checked with the inputs already) and the trusted
 * root read from `trustedRoot` (relative to `dir`); a root that cannot be read is a ConfigError
 * naming `rootInput`. Loads the Sigstore verifier.
 */
export async function readKeylessSigners(
  files: Pick<Files, 'readText'>,
  k: { given: IdentityGiven; trustedRoot: string },
  names: IdentityNames,
  rootInput: string,
  dir: string,
): Promise<NonNullable<TrustedSigners['keyless']>> {
  const [{ identityPolicy }, { loadTrustedRoot }] = await Promise.all([import('../core/identity.js'), import('../sign/keyless-verify.js')]);
  const path = isAbsolute(k.trustedRoot) ? k.trustedRoot : resolve(dir, k.trustedRoot);
  const text = await files.readText(path).catch((e: NodeJS.ErrnoException) => {
    throw new ConfigError([{ input: rootInput, message: `cannot read ${k.trustedRoot} (${e.code ?? 'error'}): give the path of trusted_root.json` }]);
  });
  try {
    return { root: await loadTrustedRoot(text, k.trustedRoot), policy: identityPolicy(k.given, names) };
  } catch (e) {
    throw new ConfigError([{ input: rootInput, message: (e as Error).message }]);
  }
}

/** The keys of a key input (PEM text or paths, relative to `dir`); a problem is a ConfigError naming the input. */
export async function readSigners(files: Pick<Files, 'readText'>, value: string, input: string, dir: string): Promise<TrustedSigners> {
  const { loadVerificationKeys } = await import('../sign/keys.js');
  const keys = await loadVerificationKeys(value, input, (path) => files.readText(isAbsolute(path) ? path : resolve(dir, path)));
  return { input, keys };
}

/** `digest`'s key signatures in `repository`, judged against the signers. */
export async function verifyDigest(store: SignatureStore, repository: string, digest: string, signers: TrustedSigners): Promise<VerifyResult> {
  const { verifyImageSignatures } = await import('../sign/verify.js');
  return verifyImageSignatures(store, repository, digest, { keys: signers.keys.map((k) => k.key), ...(signers.keyless ? { keyless: signers.keyless } : {}) });
}

/** Rejections by how much they tell, most first: an attack names itself before an absence does. */
const RANKS: Array<[RegExp, string]> = [
  // A `.sig` layer's reasons and a Sigstore bundle referrer's (`referrer sha256:…: …`, sign/verify.ts) alike.
  [/for another image|its subjects do not name/, 'signature over another digest'],
  [/\(tampered (payload|bundle)\)$/, 'tampered payload'],
  [/does not verify|no signature of the envelope verifies/, 'signed by another key or tampered'],
  // Keyless: the reasons name themselves (keyless-verify.ts, identity.ts).
  [/^(SET invalid|untrusted certificate|expired|the Rekor entry|no Rekor bundle)/, ''],
  [/^wrong (identity|issuer)/, ''],
  [/^a key signature \(no certificate\)/, ''],
  [/^no signature/, 'unsigned'],
];

/** Why nothing verified, in one clause: `signed by another key: the signature does not verify…`. */
export function whyNotVerified(result: VerifyResult): string {
  const rejected = result.rejected;
  if (!rejected.length) return 'unsigned: no signature was found';
  const rank = (reason: string) => {
    // A bundle referrer's reason ranks as the same reason of a `.sig` layer; any other still tells more than a missing tag.
    const bare = reason.replace(/^referrer sha256:[a-f0-9]{64}: /, '');
    const i = RANKS.findIndex(([re]) => re.test(bare));
    if (i >= 0) return i;
    return bare === reason ? RANKS.length : RANKS.length - 1.5;
  };
  const best = [...rejected].sort((a, b) => rank(a.reason) - rank(b.reason))[0]!;
  const label = RANKS[rank(best.reason)]?.[1];
  const more = rejected.length > 1 ? ` (${rejected.length} signatures, none verifies)` : '';
  return `${label && !best.reason.startsWith(label) ? `${label}: ` : ''}${best.reason}${more}`;
}

/** Who signed, for a summary: each verifying key's fingerprint and where its input named it. */
export function describeSigners(result: VerifyResult, signers: TrustedSigners): string {
  const keyless = [...new Set(result.verified.filter((v) => v.certificate).map((v) => `keyless ${v.certificate!.subject} (issuer ${v.certificate!.issuer})`))];
  const ids = [...new Set(result.verified.filter((v) => !v.certificate).map((v) => v.keyId))];
  const keyed = ids.map((id) => {
    const key = signers.keys.find((k) => k.fingerprint === id);
    const as = [...new Set(result.verified.filter((v) => v.keyId === id).map((v) => v.dockerReference))].join(', ');
    return `key ${id}${key ? ` (${key.source})` : ''}${as ? `, signed as ${as}` : ''}`;
  });
  return [...keyed, ...keyless].join('; ');
}
