/**
 * Hashes in text whose bytes are a hash's output, no value's encoding: the encoded-runs scanner (`runs-scan.ts`) passes
 * over them rather than decoding each as content of its own.
 */

/**
 * A digest its writer labels by its algorithm: Subresource Integrity's `sha512-` + base64 (package-lock.json, yarn.lock,
 * pnpm-lock.yaml, an HTML `integrity=`), the label inside the run (`-` is base64url's); an OCI digest or pip's `--hash`,
 * `sha256:` + hex, the label before it; the package managers' own files, the label before it too: Debian's package lists
 * and control files (`SHA256: ` + hex, `MD5sum: `, `SHA1: `, `SHA512: `, `Description-md5: ` — /var/lib/apt/lists of
 * every image that ran `apt-get update`, 2 a package), Go's go.sum (`h1:` + base64 of SHA-256), a wheel's RECORD
 * (`sha256=` + base64url without padding, or hex as Debian's python3 packages write it). Their bytes are a hash's output,
 * no value's encoding: a 32 MiB package-lock.json holds 130,000 of them, a 50 MB Packages list 68,000, each decoded and
 * routed as content of its own (~0.3–0.7 ms each), past the per-file time bound. Only a run of exactly the digest's
 * length is one (the base64 without its `=` padding), in the label's alphabet.
 */
type Body = 'hex' | 'base64';
const DIGESTS: ReadonlyArray<{ label: Buffer; inside: boolean; length: number; body: Body }> = [
  ...[
    ['sha256-', 43],
    ['sha384-', 64],
    ['sha512-', 86],
  ].map(([l, n]) => ({ label: Buffer.from(l as string), inside: true, length: n as number, body: 'base64' as const })),
  ...[
    ['sha1:', 40],
    ['sha256:', 64],
    ['sha384:', 96],
    ['sha512:', 128],
    ['SHA256: ', 64],
    ['SHA1: ', 40],
    ['SHA512: ', 128],
    ['MD5sum: ', 32],
    ['Description-md5: ', 32],
    ['sha256=', 64],
  ].map(([l, n]) => ({ label: Buffer.from(l as string), inside: false, length: n as number, body: 'hex' as const })),
  ...[
    ['h1:', 43],
    ['sha256=', 43],
  ].map(([l, n]) => ({ label: Buffer.from(l as string), inside: false, length: n as number, body: 'base64' as const })),
];
const HEX_DIGIT = new Uint8Array(256);
for (const c of '0123456789abcdefABCDEF') HEX_DIGIT[c.charCodeAt(0)] = 1;
/** base64's and base64url's characters (a digest's, without padding). */
const BASE64_DIGIT = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_') BASE64_DIGIT[c.charCodeAt(0)] = 1;

/** Whether the run `bytes[start, end)` is a digest labelled by its algorithm (DIGESTS): passed over where it ends inside a chunk. */
export function labelledDigest(bytes: Uint8Array, start: number, end: number): boolean {
  // `s` of `sha…-`; the last byte of a label before the run: `sha…:`, `h1:`, `SHA256: `, `sha256=`.
  const before = bytes[start - 1];
  if (bytes[start] !== 0x73 && before !== 0x3a && before !== 0x20 && before !== 0x3d) return false;
  for (const { label, inside, length, body } of DIGESTS) {
    const at = inside ? start : start - label.length;
    if (at < 0 || end - at !== label.length + length) continue;
    let same = true;
    for (let k = 0; k < label.length && same; k++) same = bytes[at + k] === label[k];
    if (!same) continue;
    if (inside) return true;
    const digit = body === 'hex' ? HEX_DIGIT : BASE64_DIGIT;
    let ok = true;
    for (let k = start; k < end && ok; k++) ok = digit[bytes[k]!] === 1;
    if (ok) return true;
  }
  return false;
}

/** Characters of a password hash's fields in modular crypt format: crypt(3)'s and bcrypt's base64, `rounds=5000`, `m=65536,t=3,p=4`. */
const CRYPT = new Uint8Array(256);
for (const c of './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+=,-') CRYPT[c.charCodeAt(0)] = 1;
/** The fewest characters of such a hash's last field (its output: MD5-crypt's 22 on). */
const CRYPT_HASH = 22;

/**
 * Where a password hash in modular crypt format beginning at `start` ends (-1: none there): `$id$` (a scheme: `2b`, `6`,
 * `y`, `argon2id`, `pbkdf2-sha256`), one to four fields each ended by `$` (a cost, rounds, parameters, a salt), and the
 * hash, CRYPT_HASH characters and more, ending inside `bytes` where its characters do. A database dump's bcrypt column,
 * /etc/shadow's sha512-crypt: a hash's output, no value's encoding — a mysqldump's bcrypt column was read as Z85 and as
 * RFC 1924's base85, each in five alignments (1,400 contents a MiB).
 */
export function cryptHashEnd(bytes: Uint8Array, start: number): number {
  if (bytes[start] !== 0x24) return -1;
  let i = start + 1;
  while (i < bytes.length && i - start <= 21 && ((bytes[i]! >= 0x61 && bytes[i]! <= 0x7a) || (bytes[i]! >= 0x30 && bytes[i]! <= 0x39) || bytes[i] === 0x2d))
    i++;
  if (i === start + 1 || bytes[i] !== 0x24) return -1;
  for (let fields = 0; fields <= 4; fields++) {
    const from = ++i;
    while (i < bytes.length && CRYPT[bytes[i]!]) i++;
    if (i === bytes.length) return -1;
    if (bytes[i] !== 0x24) return fields > 0 && i - from >= CRYPT_HASH ? i : -1;
  }
  return -1;
}
