/**
 * LMDB environments (`data.mdb`: py-lmdb, node-lmdb, OpenLDAP's back-mdb, Postfix's lmdb tables, Monero, Hyperledger):
 * the file is a run of pages of one size (its meta page says which), its keys and values in leaf pages — a value too
 * large for a leaf page in a run of overflow pages of its own, whole. The file's bytes are read on as plain content (a
 * value with a magic number, or text, is found there as before); held up to MAX_FILE, each leaf page's keys and values
 * are then handed on to the magicless-stream trial (value-streams.ts `valuesOnward`): an app's value it compressed with
 * raw deflate, brotli or raw LZMA2 is decoded at its offset (`data.mdb@OFFSET!`). Pages are read in file order, not by
 * walking the tree (a freed page still holding old values is read too); a node pointing outside its page or an overflow
 * run past the file's end is skipped and the file named.
 */
import { gathered } from './gathered.js';
import { valuesOnward, type HeldValue } from './value-streams.js';
import type { Decoder } from './types.js';

/** What is held to read values: an app's environment; past it the file is read as plain only, and named. */
export const MAX_FILE = 64 << 20;
const MAGIC = 0xbeefc0de;
const PAGE_HEADER = 16;
const P_LEAF = 0x02;
const P_OVERFLOW = 0x04;
const P_META = 0x08;
const P_LEAF2 = 0x20;
const F_BIGDATA = 0x01;
const F_SUBDATA = 0x02;
const F_DUPDATA = 0x04;

/** An LMDB meta page at the file's start: its flags, magic and version 1. */
export const sniffLmdb = (h: Uint8Array): boolean =>
  h.length >= 48 &&
  (h[10]! | (h[11]! << 8)) === P_META &&
  Buffer.from(h.buffer, h.byteOffset, h.length).readUInt32LE(16) === MAGIC &&
  Buffer.from(h.buffer, h.byteOffset, h.length).readUInt32LE(20) === 1;

/** The page size the meta page holds (a power of two from 512 to 64 KiB), or undefined. */
function pageSize(file: Buffer): number | undefined {
  const size = file.readUInt32LE(40);
  return size >= 512 && size <= 65536 && !(size & (size - 1)) ? size : undefined;
}

/**
 * Every key and value of the leaf pages of `file` (pages of `size` bytes), each with its offset; `broken` told of a
 * node that does not fit its page or an overflow value past the file's end.
 */
export function* leafValues(file: Buffer, size: number, broken: (why: string) => void): Generator<HeldValue> {
  const pages = Math.floor(file.length / size);
  for (let p = 2; p < pages; p++) {
    const off = p * size;
    const flags = file.readUInt16LE(off + 10);
    if (!(flags & P_LEAF) || flags & (P_OVERFLOW | P_LEAF2 | P_META)) continue;
    const lower = file.readUInt16LE(off + 12);
    if (lower < PAGE_HEADER || lower > size) {
      broken(`page ${p}: its node count does not fit the page`);
      continue;
    }
    for (let i = 0; i < (lower - PAGE_HEADER) >> 1; i++) {
      const node = off + file.readUInt16LE(off + PAGE_HEADER + 2 * i);
      if (node + 8 > off + size) {
        broken(`page ${p}: a node past the page's end`);
        continue;
      }
      const dsize = file.readUInt16LE(node) + file.readUInt16LE(node + 2) * 65536;
      const nflags = file.readUInt16LE(node + 4);
      const key = node + 8;
      const data = key + file.readUInt16LE(node + 6);
      if (data > off + size) {
        broken(`page ${p}: a key past the page's end`);
        continue;
      }
      yield { bytes: file.subarray(key, data), at: key };
      if (nflags & (F_SUBDATA | F_DUPDATA)) continue;
      if (!(nflags & F_BIGDATA)) {
        if (data + dsize > off + size) broken(`page ${p}: a value past the page's end`);
        else yield { bytes: file.subarray(data, data + dsize), at: data };
        continue;
      }
      if (data + 8 > off + size) continue;
      const at = Number(file.readBigUInt64LE(data)) * size + PAGE_HEADER;
      if (at + dsize > file.length || at < 2 * size) broken(`page ${p}: an overflow value past the file's end (cut short?)`);
      else yield { bytes: file.subarray(at, at + dsize), at };
    }
  }
}

export const lmdb: Decoder = {
  name: 'LMDB environment',
  sniff: sniffLmdb,
  open(env) {
    return gathered(env, {
      skip: 24,
      max: MAX_FILE,
      over: (e, max) => e.limit(`an LMDB environment larger than ${max >> 20} MiB: its values read as plain only, not tried as compressed streams`),
      read: async (file) => {
        const size = file.length >= 48 ? pageSize(file) : undefined;
        if (!size) {
          env.limit('an LMDB environment whose meta page holds no page size: its values read as plain only');
          return;
        }
        const broken: string[] = [];
        await valuesOnward(
          env,
          leafValues(file, size, (why) => void broken.push(why)),
        );
        if (broken.length && !env.stopped)
          env.limit(`an LMDB environment with ${broken.length} damaged node${broken.length > 1 ? 's' : ''} (the first: ${broken[0]}): not read`);
      },
    });
  },
};
