/** The checks around the build: the base-image policy before it, the secret audit after it. */
import { mentionsPrivateKey } from '../secrets/private-key.js';
import { parseAllowRule } from './allow-rule.js';
import { parseKeylessSigner, type KeylessSignerInputs } from './keyless-signer.js';
import { parseBool, parseChoice, parseLines, parseList, type InputScope } from './read.js';

export interface AuditSettings {
  /** `audit`: fail (a leak stops the push), warn, or off. */
  mode: 'fail' | 'warn' | 'off';
  /** `audit-values`: more values to look for in the image (secrets too). */
  values: string[];
  /** `allowed-base-images`: repository patterns every base image must match (empty: any). */
  allowedBaseImages: string[];
  /** `require-pinned-base`: every base image named by digest. */
  requirePinnedBase: boolean;
  /** `audit-limits`: report (a part not fully audited is a warning) or strict (it fails the audit). */
  limits: 'report' | 'strict';
  /**
   * `base-signers` as given: public keys (PEM text, or paths one a line) one of which must have signed
   * every base image, checked by digest before the build (`trust/bases.ts`); '' for none.
   */
  baseSigners: string;
  /**
   * Keyless base signers: `base-signers-identity` and `base-signers-oidc-issuer` (exact, or
   * `/regexp/`) under `trusted-root`; a base then verifies by a key of `base-signers` or keyless.
   */
  baseKeyless?: KeylessSignerInputs;
}

/** The build's inputs naming keyless base signers. */
export const BASE_KEYLESS_INPUTS = { identity: 'base-signers-identity', issuer: 'base-signers-oidc-issuer', root: 'trusted-root' };

export function parseAuditInputs(scope: InputScope): AuditSettings {
  const values = parseLines(scope.read('audit-values'));
  values.forEach((v, i) => {
    if (v.length < 8)
      scope.issues.push({ input: 'audit-values', message: `line ${i + 1} is shorter than 8 characters: too short to look for without false alarms` });
  });
  const allowedBaseImages = parseList(scope.read('allowed-base-images'));
  for (const pattern of allowedBaseImages) {
    try {
      parseAllowRule(pattern);
    } catch (e) {
      scope.issues.push({ input: 'allowed-base-images', message: (e as Error).message });
    }
  }
  const baseSigners = scope.read('base-signers').trim();
  if (mentionsPrivateKey(baseSigners)) {
    scope.sensitive.push({ name: 'the base-signers input (a private key given in place of a public one)', value: baseSigners });
    scope.issues.push({ input: 'base-signers', message: "holds a private key: give the signers' public keys (cosign.pub), never a private one" });
  }
  const baseKeyless = parseKeylessSigner(scope, BASE_KEYLESS_INPUTS);
  if (!baseKeyless && scope.read('trusted-root').trim())
    scope.issues.push({
      input: 'base-signers-identity',
      message: 'trusted-root is given but not whose keyless signatures it is for: set base-signers-identity and base-signers-oidc-issuer',
    });
  return {
    baseSigners,
    ...(baseKeyless ? { baseKeyless } : {}),
    mode: parseChoice(scope, 'audit', ['fail', 'warn', 'off'] as const, 'fail'),
    values,
    allowedBaseImages,
    requirePinnedBase: parseBool(scope, 'require-pinned-base', false),
    limits: parseChoice(scope, 'audit-limits', ['report', 'strict'] as const, 'report'),
  };
}
