/** What private key material looks like: the one definition the inputs, the agent and the audit share. */

/** The BEGIN lines of every private key format the audit knows (OpenSSH, PKCS#1, SEC1, DSA, PKCS#8). */
export const PRIVATE_KEY_BEGIN = ['OPENSSH PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY', 'DSA PRIVATE KEY', 'PRIVATE KEY', 'ENCRYPTED PRIVATE KEY'].map(
  (label) => `-----BEGIN ${label}-----`,
);

/**
 * A whole private key block, as a leak holds it: the BEGIN line, base64 lines (PEM headers such
 * as `Proc-Type:` allowed), the matching END line. Group 1 is the label's prefix (`OPENSSH `, `EC `,
 * empty for PKCS#8). A bare marker (the ssh binary holds one as a string) is not a block.
 */
export const PRIVATE_KEY_BLOCK =
  /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----\r?\n(?:[A-Za-z0-9+/=]+\r?\n|[A-Za-z-]+: [^\n]*\r?\n|\r?\n)+-----END \1PRIVATE KEY-----/;

/** A block's BEGIN and END lines, whatever lies between: its label prefix (group 1) and body (group 2). */
export const PRIVATE_KEY_ENVELOPE = /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----([\s\S]*?)-----END \1PRIVATE KEY-----/;

/** Whether text holds an END line of a private key block (a capture that began at a BEGIN line is complete). */
export const endsPrivateKey = (text: string): boolean => /-----END [A-Z0-9 ]*PRIVATE KEY-----/.test(text);

/**
 * Whether text holds any part of a private key's armour, even a half-pasted one: what an input
 * meant for a public key, a name or a path must never carry.
 */
export const mentionsPrivateKey = (text: string): boolean => /PRIVATE KEY-----/.test(text);

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
