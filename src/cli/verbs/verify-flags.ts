/**
 * The keyless flags `hoist verify` and `hoist inspect` share (and verify's `--type`), with cosign's names
 * (`--certificate-identity[-regexp]`, `--certificate-oidc-issuer[-regexp]`, `--trusted-root`), and
 * their check: identity and issuer both given, a regular expression that compiles, a root of trust.
 * A problem is a UsageError naming the verb and the flag (exit 2), before any request. Pure: the
 * Sigstore verifier is loaded where the signatures are judged, not here.
 */
import { identityGiven, identityPolicy, type IdentityGiven } from '../../core/identity.js';
import { UsageError } from '../usage.js';

export interface KeylessFlags extends IdentityGiven {
  /** `--trusted-root`: a Sigstore trusted_root.json, relative to the working directory. */
  trustedRoot: string;
}

export const KEYLESS_FLAGS = {
  'certificate-identity': { type: 'string' },
  'certificate-identity-regexp': { type: 'string' },
  'certificate-oidc-issuer': { type: 'string' },
  'certificate-oidc-issuer-regexp': { type: 'string' },
  'trusted-root': { type: 'string' },
} as const;

/** The keyless flags checked, or undefined when none is given; `verb` prefixes the usage error. */
export function keylessFlags(values: Record<string, unknown>, verb: string): KeylessFlags | undefined {
  const str = (name: string) => values[name] as string | undefined;
  const given = {
    identity: str('certificate-identity'),
    identityRegexp: str('certificate-identity-regexp'),
    issuer: str('certificate-oidc-issuer'),
    issuerRegexp: str('certificate-oidc-issuer-regexp'),
  };
  const trustedRoot = str('trusted-root');
  if (!identityGiven(given) && trustedRoot === undefined) return undefined;
  try {
    identityPolicy(given); // checked here, rebuilt where it is used
  } catch (e) {
    throw new UsageError(`${verb}: ${(e as Error).message}`);
  }
  if (!trustedRoot)
    throw new UsageError(
      `${verb}: --trusted-root is missing: give the Sigstore deployment's trusted_root.json (as cosign verify --trusted-root; Hoist fetches no root by TUF)`,
    );
  return { ...given, trustedRoot };
}

/** The signer the flags trust, in words: `'a@b' from 'https://issuer'` or `/re/ from /re/`. */
export const keylessWords = (k: KeylessFlags): string =>
  `${k.identity !== undefined ? `'${k.identity}'` : `/${k.identityRegexp ?? ''}/`} from ${k.issuer !== undefined ? `'${k.issuer}'` : `/${k.issuerRegexp ?? ''}/`}`;

/** cosign's `--type` names (cmd/cosign/cli/options/predicate.go), to the predicate type they stand for. */
export const PREDICATE_TYPES: Readonly<Record<string, string>> = {
  custom: 'https://cosign.sigstore.dev/attestation/v1',
  slsaprovenance: 'https://slsa.dev/provenance/v0.2',
  slsaprovenance02: 'https://slsa.dev/provenance/v0.2',
  slsaprovenance1: 'https://slsa.dev/provenance/v1',
  spdx: 'https://spdx.dev/Document',
  spdxjson: 'https://spdx.dev/Document',
  cyclonedx: 'https://cyclonedx.org/bom',
  link: 'https://in-toto.io/Link/v1',
  vuln: 'https://cosign.sigstore.dev/attestation/vuln/v1',
  openvex: 'https://openvex.dev/ns',
};

/** The predicate type `--type` names, or why it names none (a usage error's words). */
export function predicateTypeOf(type: string): string | { error: string } {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(type)) return type;
  return (
    PREDICATE_TYPES[type] ?? {
      error: `--type '${type}' is not a predicate type: give one of ${Object.keys(PREDICATE_TYPES).join(', ')} (cosign's names; Hoist's provenance is slsaprovenance1) or a predicate URI`,
    }
  );
}
