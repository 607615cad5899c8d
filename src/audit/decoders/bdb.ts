/**
 * Berkeley DB files (btree, hash, recno, queue: an old rpmdb's Packages, Postfix and SASL maps, an
 * app's db5.3 store). An item larger than a quarter page goes on in a chain of overflow pages, each
 * behind its own 26-byte header, so a value across two of them is split in the file. The database's
 * bytes are read on as plain content (its metadata page's magic as zeros, so that it is not claimed
 * again), the file held up to MAX_DB, and at its end each chain of overflow pages is written joined
 * (`app.db!(overflow)`), a line each, and an item on one overflow page read as a content of its own at its offset
 * (`cache.db@OFFSET!`: Python's shelve over dbm.ndbm keeps each pickle there, its own start for the readers to
 * recognise). Either byte order (the magic says which).
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

/**
 * Each chain of overflow pages (from a page with no previous one), its data joined as far as it goes; `broken` told of
 * each chain that does not end as the format ends one — a next page past the file's end (a file cut short), one that is
 * not an overflow page, a loop, a page cut by the file's end — and of overflow pages no chain reached (a chain's head
 * or a link damaged): an item across them is not joined, and the database is named.
 */
export function* overflowItems(
  db: Buffer,
  le: boolean,
  pageSize: number,
  broken: (why: string) => void = () => undefined,
): Generator<{ item: Buffer; at?: number }> {
  // A page cut by the file's end counts: its part of a chain is read as far as it goes.
  const count = Math.ceil(db.length / pageSize);
  const u32 = (at: number) => (le ? db.readUInt32LE(at) : db.readUInt32BE(at));
  const u16 = (at: number) => (le ? db.readUInt16LE(at) : db.readUInt16BE(at));
  const page = (n: number) => n * pageSize;
  /** An overflow page whose header is in the file and names its own number. */
  const overflow = (n: number) => page(n) + HEADER <= db.length && db[page(n) + 25] === P_OVERFLOW && u32(page(n) + 8) === n;
  const reached = new Set<number>();
  for (let n = 1; n < count; n++) {
    if (!overflow(n) || u32(page(n) + 12) !== 0) continue;
    const parts: Buffer[] = [];
    for (let p = n; p !== 0;) {
      if (p >= count) {
        broken(`an overflow page past the file’s end (page ${p} of ${count}: cut short?)`);
        break;
      }
      if (reached.has(p)) {
        broken(`overflow page ${p} reached twice (a loop?)`);
        break;
      }
      if (!overflow(p)) {
        broken(`page ${p} in an overflow chain not an overflow page`);
        break;
      }
      reached.add(p);
      const o = page(p);
      const length = Math.min(u16(o + 22), pageSize - HEADER);
      parts.push(db.subarray(o + HEADER, o + HEADER + length));
      if (o + HEADER + length > db.length) {
        broken(`overflow page ${p} cut by the file’s end`);
        break;
      }
      p = u32(o + 16);
    }
    if (parts.length > 1) yield { item: Buffer.concat(parts) };
    else if (parts.length === 1) yield { item: parts[0]!, at: page(n) + HEADER };
  }
  let lost = 0;
  for (let n = 1; n < count; n++) if (overflow(n) && !reached.has(n)) lost++;
  if (lost) broken(`${lost} overflow page${lost > 1 ? 's' : ''} in no chain`);
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
        const broken: string[] = [];
        const base = env.path.endsWith('!') ? env.path.slice(0, -1) : env.path;
        for (const { item, at } of overflowItems(db, meta.le, meta.pageSize, (why) => void broken.push(why))) {
          if (!env.allow(item.length + 1)) break;
          if (at === undefined) {
            await sink.write(Buffer.concat([item, Buffer.from('\n')]));
            continue;
          }
          // An item on one overflow page lies whole in the file: read as a content of its own (a shelve's pickle).
          const one = env.openAt(`${base}@${at}!`);
          await one.write(item);
          await one.end();
        }
        await sink.end();
        if (broken.length && !env.stopped)
          env.limit(
            `a Berkeley DB with ${broken.length} overflow chain${broken.length > 1 ? 's' : ''} broken (the first: ${broken[0]}): items across them not joined`,
          );
      },
    };
  },
};
