/**
 * Java keystores whose keys are sealed with a password the image need not hold: JCEKS (`0xCECECECE`:
 * `keytool -importpass -storetype JCEKS`, Hadoop's credential providers — a secret-key entry is a
 * serialized SealedObject, PBE with MD5 and triple DES), JKS (`0xFEEDFEED`: a private-key entry is an
 * EncryptedPrivateKeyInfo) and PKCS#12 (keytool's default since Java 9, `openssl pkcs12 -export`: a
 * pkcs8ShroudedKeyBag or a secretBag). What such an entry holds — a database password imported as a
 * secret key, a TLS private key — cannot be read, so a store holding one is named as not fully
 * audited. A truststore (only trusted certificates: the JDK's cacerts, Debian's JKS cacerts) holds
 * nothing secret and is not named. The store's bytes are still scanned as they are (aliases,
 * certificates); held up to 4 MiB (a larger one is named), its entries walked with every length
 * checked — a store cut short or damaged is named.
 */
import { startsWith, type Decoder, type DecodeEnv, type Decoding } from './types.js';

const MAX = 4 * 1024 * 1024;
const JKS = [0xfe, 0xed, 0xfe, 0xed];
const JCEKS = [0xce, 0xce, 0xce, 0xce];
/** DER of the OIDs 1.2.840.113549.1.12.10.1.2 (pkcs8ShroudedKeyBag) and .5 (secretBag), less the last byte. */
const BAG_OID = Buffer.from([0x06, 0x0b, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x0a, 0x01]);

/** JKS or JCEKS: the magic, then version 1 or 2. */
const isJavaStore = (h: Uint8Array) => (startsWith(h, JKS) || startsWith(h, JCEKS)) && startsWith(h, [0, 0, 0], 4) && (h[7] === 1 || h[7] === 2);

/** A DER SEQUENCE at 0 whose content starts INTEGER 3, SEQUENCE: a PKCS#12 PFX (RFC 7292). */
export function isPkcs12(h: Uint8Array): boolean {
  if (h[0] !== 0x30 || h.length < 8) return false;
  const l = h[1]!;
  const at = l < 0x80 ? 2 : l >= 0x81 && l <= 0x84 ? 2 + (l & 0x7f) : -1;
  return at > 0 && startsWith(h, [0x02, 0x01, 0x03, 0x30], at);
}

/** What a JKS/JCEKS store holds: its key entries (private or secret), or 'damaged' when a length or tag does not hold. */
export function javaStoreKeys(b: Buffer): number | 'damaged' {
  if (b.length < 12) return 'damaged';
  const version = b.readUInt32BE(4);
  const count = b.readUInt32BE(8);
  let i = 12;
  let keys = 0;
  const take = (n: number) => {
    if (n < 0 || i + n > b.length) throw new RangeError('past the end');
    i += n;
    return i - n;
  };
  const utf = () => take(b.readUInt16BE(take(2)));
  const blob = () => take(b.readUInt32BE(take(4)));
  const cert = () => (version === 2 ? utf() : 0, blob());
  try {
    for (let e = 0; e < count; e++) {
      const tag = b.readUInt32BE(take(4));
      utf(); // alias
      take(8); // date
      if (tag === 3) return keys + 1; // a serialized SealedObject: its length is not given, and it is what is named
      if (tag === 2) cert();
      else if (tag === 1) {
        keys++;
        blob();
        for (let c = b.readUInt32BE(take(4)); c > 0; c--) cert();
      } else return 'damaged';
    }
  } catch {
    return 'damaged';
  }
  return keys;
}

/** Whether a PKCS#12 store holds a shrouded key bag or a secret bag (their OIDs lie in its plain pkcs7-data part). */
function pkcs12HoldsKeys(b: Buffer): boolean {
  for (let at = b.indexOf(BAG_OID); at >= 0; at = b.indexOf(BAG_OID, at + 1)) if (b[at + BAG_OID.length] === 2 || b[at + BAG_OID.length] === 5) return true;
  return false;
}

export const javaKeystore: Decoder = {
  name: 'Java keystore',
  sniff: (h) => isJavaStore(h) || isPkcs12(h),
  open(env: DecodeEnv): Decoding {
    let held: Buffer[] | undefined = [];
    let size = 0;
    let head = Buffer.alloc(0);
    const kindOf = () => (startsWith(head, JCEKS) ? 'JCEKS' : startsWith(head, JKS) ? 'JKS' : 'PKCS#12');
    return {
      push(bytes) {
        if (head.length < 4) head = Buffer.concat([head, bytes.subarray(0, 4 - head.length)]);
        size += bytes.length;
        if (held && size <= MAX) held.push(Buffer.from(bytes));
        else held = undefined;
      },
      end() {
        const kind = kindOf();
        if (env.stopped) return;
        if (!held) return env.limit(`a ${kind} keystore larger than ${MAX >> 20} MiB: its entries are not looked at, its keys not audited`);
        const b = Buffer.concat(held);
        held = undefined;
        const keys = kind === 'PKCS#12' ? (pkcs12HoldsKeys(b) ? 1 : 0) : javaStoreKeys(b);
        if (keys === 'damaged') return env.limit(`a damaged ${kind} keystore (an entry's length or tag does not hold): its keys are not audited`);
        if (keys > 0) env.limit(`a ${kind} keystore holding private or secret keys sealed with a password: their values are not audited`);
      },
    };
  },
};
