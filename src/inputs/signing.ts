/**
 * `sign`, `signing-key`, `signing-key-password`: whether the pushed image is signed as cosign signs
 * it. Pure and cheap — the key is only looked at (is it there, is it a PEM private key); it is read
 * and decrypted by src/sign/ (loaded only when a run signs) before anything is built or pushed.
 * `sign: keyless` with `fulcio-url`, `rekor-url`, `oidc-token-variable`: the CI's OIDC token is
 * found here (the variable GitLab's id_tokens: sets, or GitHub's token request variables), so that
 * a job that cannot have one stops at its inputs; the token and the request's bearer are secrets.
 */
import type { SecretCatalog } from '../secrets/catalog.js';
import { looksLikePrivateKey } from '../secrets/private-key.js';
import type { InputScope } from './read.js';

/** Where a keyless run gets its certificate, its log entry and its OIDC identity token. */
export interface KeylessSettings {
  fulcioUrl: string;
  rekorUrl: string;
  /** The OIDC token from the variable named by oidc-token-variable (GitLab's id_tokens:), a secret. */
  token?: string;
  /** Else GitHub's token request (ACTIONS_ID_TOKEN_REQUEST_URL, and its bearer: a secret). */
  request?: { url: string; bearer: string };
}

export const DEFAULT_FULCIO_URL = 'https://fulcio.sigstore.dev';
export const DEFAULT_REKOR_URL = 'https://rekor.sigstore.dev';
export const DEFAULT_TOKEN_VARIABLE = 'SIGSTORE_ID_TOKEN';

export interface SigningSettings {
  mode: 'off' | 'key' | 'keyless';
  keyless?: KeylessSettings;
  /** The signing key's PEM text (a secret: in the catalog). */
  key?: string;
  /** Its password (a secret), when it is encrypted. */
  password?: string;
}

export function parseSigning(scope: InputScope): SigningSettings {
  const { issues } = scope;
  const raw = scope.read('sign').trim().toLowerCase();
  const key = scope.read('signing-key').trim() || undefined;
  // A File-type variable or a file written by echo ends with a line break the password never has.
  const password = scope.read('signing-key-password').replace(/\r?\n$/, '') || undefined;
  const mode = raw === '' || raw === 'false' ? 'off' : raw === 'key' || raw === 'true' ? 'key' : raw;
  if (mode !== 'off' && mode !== 'key' && mode !== 'keyless')
    issues.push({ input: 'sign', message: `'${raw.slice(0, 40)}' is not one of false, key, keyless` });
  const keyless = mode === 'keyless' ? parseKeyless(scope) : undefined;
  if (mode === 'keyless' && key) issues.push({ input: 'signing-key', message: 'is set with sign: keyless: remove it, or set sign: key to sign with it' });
  if (mode === 'key' && !key)
    issues.push({ input: 'signing-key', message: 'is required with sign: key: give the private key file (cosign.key, or a PEM EC P-256 "PRIVATE KEY")' });
  if (key && mode === 'off')
    issues.push({ input: 'sign', message: 'signing-key is set but sign is not: set sign: key to sign the image, or remove signing-key' });
  if (key && !looksLikePrivateKey(key))
    issues.push({ input: 'signing-key', message: 'does not hold a private key: give the whole key file, from -----BEGIN … PRIVATE KEY----- to its END line' });
  if (password && !key) issues.push({ input: 'signing-key-password', message: 'is set but signing-key is not' });
  // Kept whatever the mode, so that the catalog hides them even when the run stops at its inputs.
  return {
    mode: mode === 'key' || mode === 'keyless' ? mode : 'off',
    ...(key ? { key } : {}),
    ...(password ? { password } : {}),
    ...(keyless ? { keyless } : {}),
  };
}

/** The signing secrets, catalogued (masked, audited, never printed) whatever the run's inputs say. */
export function catalogSigning(signing: SigningSettings | undefined, catalog: SecretCatalog): void {
  if (signing?.key) catalog.add('signing-key', signing.key);
  if (signing?.password) catalog.add('signing-key-password', signing.password);
  if (signing?.keyless?.token) catalog.add('the OIDC token (oidc-token-variable)', signing.keyless.token);
  if (signing?.keyless?.request) catalog.add('ACTIONS_ID_TOKEN_REQUEST_TOKEN', signing.keyless.request.bearer);
}

function serviceUrl(scope: InputScope, input: 'fulcio-url' | 'rekor-url', fallback: string): string {
  const raw = scope.read(input).trim() || fallback;
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password || url.search || url.hash)
    scope.issues.push({ input, message: `'${raw.slice(0, 80)}' is not an http(s) URL of the service (no credentials, query or fragment): e.g. ${fallback}` });
  return raw.replace(/\/+$/, '');
}

/** The keyless endpoints and where the OIDC token comes from; no token anywhere is the input error. */
function parseKeyless(scope: InputScope): KeylessSettings {
  const variable = scope.read('oidc-token-variable').trim() || DEFAULT_TOKEN_VARIABLE;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable))
    scope.issues.push({
      input: 'oidc-token-variable',
      message: `'${variable.slice(0, 40)}' is not a variable name (letters, digits, _): e.g. ${DEFAULT_TOKEN_VARIABLE}`,
    });
  const settings: KeylessSettings = {
    fulcioUrl: serviceUrl(scope, 'fulcio-url', DEFAULT_FULCIO_URL),
    rekorUrl: serviceUrl(scope, 'rekor-url', DEFAULT_REKOR_URL),
  };
  const token = scope.env[variable]?.trim();
  const url = scope.env.ACTIONS_ID_TOKEN_REQUEST_URL?.trim();
  const bearer = scope.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN?.trim();
  if (token) settings.token = token;
  else if (url && bearer) settings.request = { url, bearer };
  else
    scope.issues.push({
      input: 'sign',
      message: `keyless needs the CI's OIDC token and there is none: on GitHub give the job permissions: id-token: write; on GitLab declare id_tokens: ${variable}: aud: sigstore (oidc-token-variable names another variable)`,
    });
  return settings;
}
