/**
 * Hashes in text whose bytes are a hash's output, no value's encoding: the encoded-runs scanner (`runs-scan.ts`) passes
 * over them rather than decoding each as content of its own.
 */

/**
 * A digest its writer labels by its algorithm: Subresource Integrity's `sha512-` + base64 (package-lock.json, yarn.lock,
 * pnpm-lock.yaml, an HTML `integrity=`), the label inside the run (`-` is base64url's); an OCI digest or pip's `--hash`,
 * `sha256:` + hex, the label before it. Its bytes are a hash's output, no value's encoding: a 32 MiB package-lock.json
 * holds 130,000 of them, each decoded and routed as content of its own (~0.3 ms each), past the per-file time bound.
 * Only a run of exactly the digest's length is one (the base64 without its `=` padding).
 */
const DIGESTS: ReadonlyArray<{ label: Buffer; inside: boolean; length: number }> = [
  ...[
    ['sha256-', 43],
    ['sha384-', 64],
    ['sha512-', 86],
  ].map(([l, n]) => ({ label: Buffer.from(l as string), inside: true, length: n as number })),
  ...[
    ['sha1:', 40],
    ['sha256:', 64],
    ['sha384:', 96],
    ['sha512:', 128],
  ].map(([l, n]) => ({ label: Buffer.from(l as string), inside: false, length: n as number })),
];
const HEX_DIGIT = new Uint8Array(256);
for (const c of '0123456789abcdefABCDEF') HEX_DIGIT[c.charCodeAt(0)] = 1;

/** Whether the run `bytes[start, end)` is a digest labelled by its algorithm (DIGESTS): passed over where it ends inside a chunk. */
export function labelledDigest(bytes: Uint8Array, start: number, end: number): boolean {
  if (bytes[start] !== 0x73 && bytes[start - 1] !== 0x3a) return false; // `s` of `sha…-`, `:` of `sha…:`
  for (const { label, inside, length } of DIGESTS) {
    const at = inside ? start : start - label.length;
    if (at < 0 || end - at !== label.length + length) continue;
    let same = true;
    for (let k = 0; k < label.length && same; k++) same = bytes[at + k] === label[k];
    if (!same) continue;
    if (inside) return true;
    let hex = true;
    for (let k = start; k < end && hex; k++) hex = HEX_DIGIT[bytes[k]!] === 1;
    return hex;
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
