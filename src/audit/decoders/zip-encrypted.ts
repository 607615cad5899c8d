/**
 * Zip members encrypted with PKWARE's traditional encryption (`zip -e`/`-P`, ZipCrypto: bit 0 of
 * the general-purpose flags, the method still 0 or 8). fflate's streaming reader does not say a
 * member is encrypted: a stored one passes as its ciphertext — random bytes, never a finding — and
 * the archive would pass silently. The central directory at the archive's end repeats each
 * member's flags, so its entries are read as the bytes stream past (a few bytes carried across
 * chunks), and a member both listed there as encrypted and met as a member is named as not read.
 * Matching the name to a member met keeps a `PK\1\2` that occurs by chance in member data from
 * naming anything.
 */
const SIGNATURE = Buffer.from([0x50, 0x4b, 0x01, 0x02]);
/** A central directory entry's fixed part; its name follows. */
const FIXED = 46;
/** Names longer than this are not a zip tool's. */
const MAX_NAME = 1024;

export class EncryptedMembers {
  /** Names listed in the central directory with the encrypted flag, in both readings of their bytes. */
  readonly #listed = new Set<string>();
  #carry: Buffer = Buffer.alloc(0);

  /** Reads the central directory entries in the next bytes of the archive. */
  scan(chunk: Uint8Array): void {
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    // The carried bytes are at most an entry's fixed part and name: joining them costs a chunk's copy, in a zip only.
    const buf = this.#carry.length ? Buffer.concat([this.#carry, bytes]) : bytes;
    const pending = this.#read(buf);
    // An entry cut by the chunk's end, or a signature that may be, is read with the next chunk.
    this.#carry = Buffer.from(buf.subarray(pending >= 0 ? pending : Math.max(0, buf.length - (SIGNATURE.length - 1))));
  }

  /** The members met (`names`) listed as encrypted. */
  encrypted(names: Iterable<string>): string[] {
    return [...names].filter((n) => this.#listed.has(n));
  }

  /** Reads the entries in `buf`: the offset of the first one cut by its end, else -1. */
  #read(buf: Buffer): number {
    for (let i = buf.indexOf(SIGNATURE); i >= 0; i = buf.indexOf(SIGNATURE, i + 1)) {
      if (i + FIXED > buf.length) return i;
      const nameLength = buf.readUInt16LE(i + 28);
      if (nameLength === 0 || nameLength > MAX_NAME) continue;
      if (i + FIXED + nameLength > buf.length) return i;
      if ((buf.readUInt16LE(i + 8) & 1) === 0) continue;
      const name = buf.subarray(i + FIXED, i + FIXED + nameLength);
      this.#listed.add(name.toString('utf8')).add(name.toString('latin1'));
    }
    return -1;
  }
}
