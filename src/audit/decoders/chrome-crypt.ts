/**
 * Chrome's and Chromium's encrypted values on Linux (`v10`: the Cookies table's encrypted_value, Login
 * Data's password_value) where no keyring holds a key — headless Chrome in a container, Puppeteer and
 * Playwright profiles, `--password-store=basic`: AES-128-CBC under a key derived from the fixed word
 * `peanuts` (os_crypt_linux.cc), so the value is as readable as base64. `v11` under the empty word is
 * what Chromium falls back to when a keyring answers with none. The plaintext may start with the
 * SHA-256 of the cookie's host (Chrome 130 on): the value follows it.
 *
 * A candidate is judged by its last block first (one AES block under a decipher made once: CBC's last
 * plaintext block is that block deciphered, XOR the block before it), its PKCS#7 padding; random bytes
 * pass about one time in 200, and only those are deciphered whole.
 */
import { createDecipheriv, pbkdf2Sync, type Decipheriv } from 'node:crypto';

const IV = Buffer.alloc(16, 0x20);
const KEYS: Record<string, Buffer> = {
  v10: pbkdf2Sync('peanuts', 'saltysalt', 1, 16, 'sha1'),
  v11: pbkdf2Sync('', 'saltysalt', 1, 16, 'sha1'),
};
/** One ECB decipher per key, made on first use: a block in, its AES decryption out. */
const blocks = new Map<string, Decipheriv>();

function lastBlockPads(tag: string, body: Buffer): boolean {
  let d = blocks.get(tag);
  if (!d) {
    d = createDecipheriv('aes-128-ecb', KEYS[tag]!, null).setAutoPadding(false);
    blocks.set(tag, d);
  }
  const last = d.update(body.subarray(body.length - 16));
  const before = body.length > 16 ? body.subarray(body.length - 32, body.length - 16) : IV;
  const pad = last[15]! ^ before[15]!;
  if (pad < 1 || pad > 16) return false;
  for (let i = 16 - pad; i < 16; i++) if ((last[i]! ^ before[i]!) !== pad) return false;
  return true;
}

/** Whether `db` holds a `v10`/`v11` mark at all: a database without one is not walked for them. */
export const mayHoldChromeValues = (db: Buffer) => db.includes('v10') || db.includes('v11');

/** The plaintext of a `v10`/`v11` value under the key a keyring-less Chrome uses, or undefined when it is not one. */
export function chromeDecrypt(v: Buffer): Buffer | undefined {
  if (v.length < 19 || (v.length - 3) % 16 || v[0] !== 0x76 || v[1] !== 0x31) return undefined;
  const tag = v.toString('latin1', 0, 3);
  if (!KEYS[tag] || !lastBlockPads(tag, v.subarray(3))) return undefined;
  try {
    const d = createDecipheriv('aes-128-cbc', KEYS[tag], IV);
    return Buffer.concat([d.update(v.subarray(3)), d.final()]);
  } catch {
    return undefined; // not the padding AES under this key gives: another key, or not such a value
  }
}
