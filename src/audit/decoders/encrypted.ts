/**
 * Files encrypted under a key or password the image does not hold, named rather than passed in silence: an OpenPGP
 * message encrypted to a passphrase or a public key (`gpg -c`, `gpg -e`: its first packet a symmetric-key or public-key
 * encrypted session key), `openssl enc` output (`Salted__` and the salt), an age file (`age-encryption.org/v1` and its
 * recipient stanzas), a LUKS volume (`LUKS\xba\xbe`, versions 1 and 2), a KeePass database and an Ansible Vault file.
 * What they hold cannot be audited: the content is reported as not fully audited, as an encrypted zip or 7z is. Their
 * armoured forms (`-----BEGIN PGP MESSAGE-----`, age's armour) are decoded as base64 by the text readers and named here
 * by what that gives. Each is told by a header its writer always writes, checked beyond its magic where the format has
 * fields to check (OpenPGP's packet versions and algorithms).
 */
import { startsWith, type Decoder, type DecodeEnv, type Decoding } from './types.js';

/** An OpenPGP packet's tag, where its body starts and its length, from its header at `at` (old or new format; no partial lengths). */
function packet(h: Uint8Array, at: number): { tag: number; body: number; length: number } | undefined {
  const b = h[at];
  if (b === undefined || !(b & 0x80)) return undefined;
  if (b & 0x40) {
    const l = h[at + 1];
    if (l === undefined || (l >= 224 && l < 255)) return undefined;
    if (l < 192) return { tag: b & 0x3f, body: at + 2, length: l };
    if (l < 224) return h.length < at + 3 ? undefined : { tag: b & 0x3f, body: at + 3, length: ((l - 192) << 8) + h[at + 2]! + 192 };
    return h.length < at + 6 ? undefined : { tag: b & 0x3f, body: at + 6, length: Buffer.from(h.subarray(at + 2, at + 6)).readUInt32BE() };
  }
  const type = b & 3;
  if (type === 3) return undefined;
  const n = [1, 2, 4][type]!;
  if (h.length < at + 1 + n) return undefined;
  let length = 0;
  for (let k = 0; k < n; k++) length = length * 256 + h[at + 1 + k]!;
  return { tag: (b >> 2) & 0x0f, body: at + 1 + n, length };
}

/** The S2K specifier's length (RFC 4880 §3.7: simple, salted, iterated and salted) with a known hash, or undefined. */
const s2kLength = (type: number, hash: number) => ([1, 2, 3, 8, 9, 10, 11].includes(hash) ? { 0: 2, 1: 10, 3: 11 }[type] : undefined);

/**
 * An encrypted session key packet (RFC 4880 §5.1, §5.3) whose fields fit its length — symmetric v4: cipher 1–13, an
 * S2K, at most a wrapped key after it; public-key v3: key id, then RSA, Elgamal or ECDH with one or two MPIs filling the
 * packet — followed by another such packet or the encrypted data (tags 9, 18, 20), as `gpg -c` and `gpg -e` write.
 */
function openpgpEncrypted(h: Uint8Array): boolean {
  let at = 0;
  for (let packets = 0; packets < 8; packets++) {
    const b = h[at] ?? 0;
    const tag = b & 0x40 ? b & 0x3f : (b >> 2) & 0x0f;
    if (packets > 0 && b & 0x80 && [9, 18, 20].includes(tag)) return true; // its length may be partial: not read
    const p = packet(h, at);
    if (!p) return false;
    if (p.body + p.length > h.length) return false;
    const v = h.subarray(p.body, p.body + p.length);
    if (p.tag === 3) {
      const s2k = s2kLength(v[2]!, v[3]!);
      if (v[0] !== 4 || !(v[1]! >= 1 && v[1]! <= 13) || s2k === undefined || p.length < 2 + s2k || p.length > 2 + s2k + 33) return false;
    } else if (p.tag === 1) {
      if (v[0] !== 3 || ![1, 2, 16, 18].includes(v[9]!)) return false;
      // The MPIs (and for ECDH the wrapped key's length and bytes) fill the packet exactly.
      let q = 10;
      const mpis = v[9] === 16 ? 2 : 1;
      for (let m = 0; m < mpis; m++) {
        if (q + 2 > v.length) return false;
        const bits = (v[q]! << 8) | v[q + 1]!;
        if (!bits) return false;
        q += 2 + ((bits + 7) >> 3);
      }
      if (v[9] === 18) q += 1 + (v[q] ?? 255);
      if (q !== v.length) return false;
    } else return false;
    at = p.body + p.length;
  }
  return false;
}

/** The headers' bytes, made once: made in each call, they were most of the sniff's cost on every content opened (42 µs of ~200 sniffs). */
const AGE = [...Buffer.from('age-encryption.org/v1\n-> ')];
const ANSIBLE_VAULT = [...Buffer.from('$ANSIBLE_VAULT;1.')];

/** The encrypted file `h` starts as, named; undefined for none. */
export function encryptedKind(h: Uint8Array): string | undefined {
  if (startsWith(h, [0x53, 0x61, 0x6c, 0x74, 0x65, 0x64, 0x5f, 0x5f]) && h.length >= 16) return 'an openssl enc file (salted, password-encrypted)';
  if (startsWith(h, AGE)) return 'an age-encrypted file';
  if (startsWith(h, [0x4c, 0x55, 0x4b, 0x53, 0xba, 0xbe, 0x00]) && (h[7] === 1 || h[7] === 2)) return `a LUKS${h[7]} encrypted volume`;
  if (startsWith(h, [0x03, 0xd9, 0xa2, 0x9a]) && (h[4] === 0x67 || h[4] === 0x65) && startsWith(h, [0xfb, 0x4b, 0xb5], 5)) return 'a KeePass database';
  if (startsWith(h, ANSIBLE_VAULT) && /^\$ANSIBLE_VAULT;1\.[12];AES256(;[^\n]*)?\r?\n[0-9a-f]+/.test(Buffer.from(h.subarray(0, 200)).toString('latin1')))
    return 'an Ansible Vault file';
  if (openpgpEncrypted(h)) return 'an OpenPGP message encrypted to a passphrase or key';
  return undefined;
}

export const encrypted: Decoder = {
  name: 'encrypted file',
  sniff: (h) => encryptedKind(h) !== undefined,
  open(env: DecodeEnv): Decoding {
    let head: Buffer | undefined = Buffer.alloc(0);
    return {
      push(bytes) {
        // As much as the sniff was given: a public-key session key packet is ~270 bytes, and what follows it is checked.
        if (head && head.length < 512) head = Buffer.concat([head, bytes.subarray(0, 512 - head.length)]);
      },
      end() {
        const kind = head && encryptedKind(head);
        head = undefined;
        // A stream found by a trial is no evidence of a file: a chance header in random bytes is not named.
        if (kind && !env.stopped && !env.trial) env.limit(`${kind}, which the audit cannot read without its key`);
      },
    };
  },
};
