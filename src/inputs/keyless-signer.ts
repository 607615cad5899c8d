/**
 * A keyless signer given as an action's inputs — a certificate identity and its OIDC issuer (each
 * exact, or a regular expression between slashes) and the trusted root they must chain to — read
 * and checked as cosign checks its flags: both identity and issuer, a root of trust, a valid regexp.
 * Used by promote (`verify-identity`, `verify-oidc-issuer`, `trusted-root`) and the build's
 * `base-signers-identity`, `base-signers-oidc-issuer`, `trusted-root`. The root is a path, read when
 * the run verifies (trust/gate.ts#readKeylessSigners).
 */
import { identityGiven, identityPolicy, slashed, type IdentityGiven, type IdentityNames } from '../core/identity.js';
import type { InputScope } from './read.js';

export interface KeylessSignerInputs {
  given: IdentityGiven;
  /** The trusted_root.json path as given (relative to the workspace). */
  trustedRoot: string;
}

/** The inputs' names: identity, issuer, root. */
export interface KeylessInputNames {
  identity: string;
  issuer: string;
  root: string;
}

/** The identity names a policy error speaks of: each input stands for its exact and /regexp/ forms. */
export const identityNames = (n: KeylessInputNames): IdentityNames => ({
  identity: n.identity,
  identityRegexp: n.identity,
  issuer: n.issuer,
  issuerRegexp: n.issuer,
});

/**
 * The keyless signer the inputs give, or undefined when none of identity/issuer is set (a root
 * alone is left to the caller: promote's and the build's share one `trusted-root`). Problems are
 * issues naming the input.
 */
export function parseKeylessSigner(scope: InputScope, names: KeylessInputNames): KeylessSignerInputs | undefined {
  const given = { ...slashed(scope.read(names.identity), 'identity'), ...slashed(scope.read(names.issuer), 'issuer') };
  const trustedRoot = scope.read(names.root).trim();
  if (!identityGiven(given)) return undefined;
  try {
    identityPolicy(given, identityNames(names));
  } catch (e) {
    const message = (e as Error).message;
    const input = message.startsWith(names.issuer) ? names.issuer : names.identity;
    scope.issues.push({ input, message: message.slice(input.length + 1) });
  }
  if (!trustedRoot)
    scope.issues.push({
      input: names.root,
      message: "is missing: give the path of the Sigstore deployment's trusted_root.json (as cosign verify --trusted-root; Hoist fetches no root by TUF)",
    });
  return { given, trustedRoot };
}
