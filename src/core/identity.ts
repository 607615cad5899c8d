/**
 * Who may have signed keyless: a certificate identity (the Fulcio certificate's SAN: an email, a
 * workflow or project URI) and the OIDC issuer that vouched for it (Fulcio's extension
 * 1.3.6.1.4.1.57264.1.8, or the older .1.1), each given exactly or as a regular expression, as
 * cosign's --certificate-identity[-regexp] and --certificate-oidc-issuer[-regexp] give them. A
 * regular expression matches anywhere in the value, as cosign's (Go's MatchString) does: anchor it
 * with ^…$ to match the whole. Pure: no Sigstore library is loaded here.
 *
 * Contract: identityPolicy(given, names) → IdentityPolicy (or throws Error naming the flag);
 *   judgeIdentity(policy, { subject, issuer }) → undefined when it matches, else why not (one clause).
 */

export interface Matcher {
  exact?: string;
  regexp?: RegExp;
}

export interface IdentityPolicy {
  identity: Matcher;
  issuer: Matcher;
}

/** The four values as given (flags or inputs), undefined when absent. */
export interface IdentityGiven {
  identity?: string;
  identityRegexp?: string;
  issuer?: string;
  issuerRegexp?: string;
}

/** How the caller names each value: the CLI's flags (`--certificate-identity`…) or an action's inputs. */
export interface IdentityNames {
  identity: string;
  identityRegexp: string;
  issuer: string;
  issuerRegexp: string;
}

export const CLI_NAMES: IdentityNames = {
  identity: '--certificate-identity',
  identityRegexp: '--certificate-identity-regexp',
  issuer: '--certificate-oidc-issuer',
  issuerRegexp: '--certificate-oidc-issuer-regexp',
};

function matcher(exact: string | undefined, regexp: string | undefined, names: [string, string], what: string): Matcher {
  if (exact !== undefined && regexp !== undefined) throw new Error(`${names[0]} and ${names[1]} are both given: give one`);
  if (exact !== undefined) {
    if (!exact.trim()) throw new Error(`${names[0]} is empty: give the ${what}`);
    return { exact };
  }
  if (regexp === undefined || !regexp.trim())
    throw new Error(
      `${names[0]}${names[1] === names[0] ? '' : ` (or ${names[1]})`} is missing: keyless verification needs both the certificate identity and its OIDC issuer, as cosign does`,
    );
  try {
    return { regexp: new RegExp(regexp, 'u') };
  } catch (e) {
    throw new Error(`${names[1]} '${regexp}' is not a regular expression: ${(e as Error).message}`);
  }
}

/**
 * One input standing for both forms (an action's `verify-identity`): `/…/` is a regular expression,
 * anything else the exact value. `identity` and `issuer` name which pair of fields it fills.
 */
export function slashed(value: string, field: 'identity' | 'issuer'): IdentityGiven {
  const v = value.trim();
  if (!v) return {};
  const re = /^\/(.+)\/$/s.exec(v);
  return re ? { [`${field}Regexp`]: re[1] } : { [field]: v };
}

/** Whether any keyless value is given at all (then all that is required must be). */
export const identityGiven = (g: IdentityGiven): boolean => Object.values(g).some((v) => v !== undefined);

/** The policy of the values given; an Error naming the flag when one of identity/issuer is missing, doubled or malformed. */
export function identityPolicy(g: IdentityGiven, names: IdentityNames = CLI_NAMES): IdentityPolicy {
  return {
    identity: matcher(g.identity, g.identityRegexp, [names.identity, names.identityRegexp], 'certificate identity (an email or a workflow URI)'),
    issuer: matcher(g.issuer, g.issuerRegexp, [names.issuer, names.issuerRegexp], 'OIDC issuer URL'),
  };
}

const matches = (m: Matcher, value: string) => (m.exact !== undefined ? m.exact === value : (m.regexp?.test(value) ?? false));
const shown = (m: Matcher) => (m.exact !== undefined ? `'${m.exact}'` : `/${m.regexp?.source ?? ''}/`);
const cut = (s: string) => (s.length > 200 ? `${s.slice(0, 200)}…` : s);

/** undefined when the certificate's subject and issuer match the policy; else which one did not, and what it had. */
export function judgeIdentity(policy: IdentityPolicy, signer: { subject: string; issuer: string }): string | undefined {
  if (!matches(policy.identity, signer.subject))
    return `wrong identity: the certificate is for '${cut(signer.subject)}', not ${shown(policy.identity)} (issuer '${cut(signer.issuer)}')`;
  if (!matches(policy.issuer, signer.issuer))
    return `wrong issuer: '${cut(signer.subject)}' was vouched for by '${cut(signer.issuer) || 'no issuer extension'}', not ${shown(policy.issuer)}`;
  return undefined;
}

/** The policy in words, for messages: `'a@b' from 'https://issuer'`. */
export const describePolicy = (p: IdentityPolicy): string => `${shown(p.identity)} from ${shown(p.issuer)}`;
