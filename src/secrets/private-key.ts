/** What private key material looks like: the one definition the inputs, the agent and the audit share. */

/** The BEGIN lines of every private key format the audit knows (OpenSSH, PKCS#1, SEC1, DSA, PKCS#8). */
export const PRIVATE_KEY_BEGIN = ['OPENSSH PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY', 'DSA PRIVATE KEY', 'PRIVATE KEY', 'ENCRYPTED PRIVATE KEY'].map(
  (label) => `-----BEGIN ${label}-----`,
);

/** Looks like private key material (PEM or OpenSSH); says nothing about the key itself. */
export function looksLikePrivateKey(text: string): boolean {
  return /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]+-----END [A-Z0-9 ]*PRIVATE KEY-----/.test(text);
}

/** The base64 body of a key block, on one line (how a key leaks once its lines are joined). */
export function keyBody(key: string): string {
  return key
    .split(/\r?\n/)
    .filter((l) => l && !l.startsWith('-----'))
    .join('');
}
