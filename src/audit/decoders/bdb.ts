/**
 * Berkeley DB files (btree, hash, recno, queue: an old rpmdb's Packages, Postfix and SASL maps, an
 * app's db5.3 store). An item larger than a quarter page goes on in a chain of overflow pages, each
 * behind its own 26-byte header, so a value across two of them is split in the file. The database's
 * bytes are read on as plain content (its metadata page's magic as zeros, so that it is not claimed
 * again), the file held up to MAX_DB, and at its end each chain of overflow pages is written joined
 * (`app.db!(overflow)`), a line each. Either byte order (the magic says which).
 */
import { heldPlain } from './held-image.js';
import type { Decoder, DecodeEnv, Decoding } from './types.js';

const MAX_DB = 64 << 20;
/** The metadata page's magic numbers at byte 12: btree (and recno), hash, queue. */
const MAGICS = new Set([0x053162, 0x061561, 0x042253]);
const P_OVERFLOW = 7;
const HEADER = 26;

const magicAt = (h: Uint8Array, le: boolean) =>
  h.length >= 24 ? (le ? h[12]! | (h[13]! << 8) | (h[14]! << 16) | (h[15]! << 24) : (h[12]! << 24) | (h[13]! << 16) | (h[14]! << 8) | h[15]!) >>> 0 : 0;

/** A metadata page: a known magic, and a page size that is a power of two from 512 to 64 KiB. */
export function sniffBdb(h: Uint8Array): { le: boolean; pageSize: number } | undefined {
  for (const le of [true, false]) {
    if (!MAGICS.has(magicAt(h, le))) continue;
    const size = le ? h[20]! | (h[21]! << 8) | (h[22]! << 16) | (h[23]! << 24) : (h[20]! << 24) | (h[21]! << 16) | (h[22]! << 8) | h[23]!;
    if (size >= 512 && size <= 65536 && !(size & (size - 1))) return { le, pageSize: size };
  }
  return undefined;
}

/** Each chain of overflow pages (from a page with no previous one), its data joined. */
export function* overflowItems(db: Buffer, le: boolean, pageSize: number): Generator<Buffer> {
  const count = Math.floor(db.length / pageSize);
  const u32 = (at: number) => (le ? db.readUInt32LE(at) : db.readUInt32BE(at));
  const u16 = (at: number) => (le ? db.readUInt16LE(at) : db.readUInt16BE(at));
  const page = (n: number) => n * pageSize;
  for (let n = 1; n < count; n++) {
    const at = page(n);
    if (db[at + 25] !== P_OVERFLOW || u32(at + 8) !== n || u32(at + 12) !== 0) continue;
    const parts: Buffer[] = [];
    const seen = new Set<number>();
    for (let p = n; p > 0 && p < count && !seen.has(p);) {
      seen.add(p);
      const o = page(p);
      if (db[o + 25] !== P_OVERFLOW) break;
      const length = Math.min(u16(o + 22), pageSize - HEADER);
      parts.push(db.subarray(o + HEADER, o + HEADER + length));
      p = u32(o + 16);
    }
    if (parts.length > 1) yield Buffer.concat(parts);
  }
}

export const berkeleyDb: Decoder = {
  name: 'Berkeley DB',
  sniff: (h) => sniffBdb(h) !== undefined,
  open(env: DecodeEnv): Decoding {
    const plain = heldPlain(env, 0, MAX_DB);
    /** The metadata page's first 24 bytes as they were (the plain read has its magic as zeros: it is not claimed again). */
    const head = Buffer.alloc(24);
    let size = 0;
    return {
      push(bytes) {
        const at = size;
        size += bytes.length;
        if (at >= 24) return plain.push(bytes);
        const copy = Buffer.from(bytes);
        copy.subarray(0, 24 - at).copy(head, at);
        copy.fill(0, Math.max(0, 12 - at), Math.max(0, 16 - at));
        return plain.push(copy);
      },
      async end() {
        const db = await plain.end();
        const meta = sniffBdb(head);
        if (env.stopped || !meta) return;
        if (!db) return env.limit(`a Berkeley DB over ${MAX_DB >> 20} MiB: items across its overflow pages are not joined`);
        const sink = env.openAt(`${env.path.endsWith('!') ? env.path : `${env.path}!`}(overflow)`);
        for (const item of overflowItems(db, meta.le, meta.pageSize)) {
          if (!env.allow(item.length + 1)) break;
          await sink.write(Buffer.concat([item, Buffer.from('\n')]));
        }
        await sink.end();
      },
    };
  },
};
