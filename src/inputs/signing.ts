/**
 * `sign`, `signing-key`, `signing-key-password`: whether the pushed image is signed as cosign signs
 * it. Pure and cheap — the key is only looked at (is it there, is it a PEM private key); it is read
 * and decrypted by src/sign/ (loaded only when a run signs) before anything is built or pushed.
 */
import { looksLikePrivateKey } from '../secrets/private-key.js';
import type { InputScope } from './read.js';

export interface SigningSettings {
  mode: 'off' | 'key';
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
  if (mode === 'keyless')
    issues.push({
      input: 'sign',
      message: 'keyless signing is not available in this version: use sign: key with signing-key (a cosign.key or a PEM EC P-256 key)',
    });
  else if (mode !== 'off' && mode !== 'key')
    issues.push({ input: 'sign', message: `'${raw.slice(0, 40)}' is not one of false, key (keyless is not available yet)` });
  if (mode === 'key' && !key)
    issues.push({ input: 'signing-key', message: 'is required with sign: key: give the private key file (cosign.key, or a PEM EC P-256 "PRIVATE KEY")' });
  if (key && mode === 'off')
    issues.push({ input: 'sign', message: 'signing-key is set but sign is not: set sign: key to sign the image, or remove signing-key' });
  if (key && !looksLikePrivateKey(key))
    issues.push({ input: 'signing-key', message: 'does not hold a private key: give the whole key file, from -----BEGIN … PRIVATE KEY----- to its END line' });
  if (password && !key) issues.push({ input: 'signing-key-password', message: 'is set but signing-key is not' });
  // Kept whatever the mode, so that the catalog hides them even when the run stops at its inputs.
  return { mode: mode === 'key' ? 'key' : 'off', ...(key ? { key } : {}), ...(password ? { password } : {}) };
}
