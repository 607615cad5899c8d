/**
 * Xapian glass tables (`docdata.glass`, `termlist.glass`, … of a search index: notmuch, apt-xapian-index, a docs
 * site's search built in an image). A table is B-tree blocks of 2–64 KiB: a header (revision, level — 0 a leaf —,
 * free space, the directory's end; big-endian), a directory of 2-byte item offsets, the items from the block's end
 * down. An item: 2 bytes (bit 15: the tag compressed, bit 13: its first piece, bit 14: its last, 13 bits: the size
 * after these 3 bytes), the key's length and the key, then a piece of the tag. A tag longer than a block's share is
 * cut into pieces over the following items; a compressed tag (as docdata's documents are, once deflate shrinks them)
 * is one raw deflate stream over its pieces joined, so no document's text is in the file whole. Read here: the file
 * gathered up to MAX_IN bytes (a larger one is named), the leaf blocks' items in file order, each tag's pieces joined
 * from its first to its last and inflated when compressed (at most MAX_TAG bytes), written to `path!(tags)`; the
 * file's own bytes are read on as plain content under its path. A tag whose pieces sit in blocks out of key order
 * (after many updates) does not inflate and is left to the plain read.
 */
import { inflateRawSync } from 'node:zlib';
import { gathered } from './gathered.js';
import { trial, TOO_LARGE, type Decoder, type DecodeEnv } from './types.js';

const MAX_IN = 64 << 20;
const MAX_TAG = 16 << 20;
const NL = Buffer.from('\n');
const TABLES = /(^|\/)(docdata|termlist|postlist|position|spelling|synonym)\.glass$/;
const u16 = (b: Uint8Array, at: number) => (b[at]! << 8) | b[at + 1]!;

/** The block size a table's first block shows (the power of two above its highest item), if its header holds. */
export function glassBlockSize(h: Uint8Array): number | undefined {
  if (h.length < 16) return undefined;
  const level = h[4]!;
  const dirEnd = u16(h, 9);
  if ((level > 16 && level !== 254) || dirEnd < 11 || (dirEnd - 11) % 2 || u16(h, 5) > u16(h, 7) || dirEnd > h.length) return undefined;
  let top = 0;
  for (let c = 11; c < dirEnd; c += 2) {
    const o = u16(h, c);
    if (o < dirEnd) return undefined;
    top = Math.max(top, o);
  }
  let size = 2048;
  while (size <= top) size *= 2;
  return size <= 65536 && u16(h, 7) <= size ? size : undefined;
}

/** Each tag of a table's leaf blocks, inflated where compressed; `onDamaged` told of a compressed tag that does not inflate. */
export function* glassTags(file: Uint8Array, size: number, onDamaged: (why: string) => void = () => undefined): Generator<Uint8Array> {
  let key = '';
  let pieces: Uint8Array[] = [];
  let compressed = false;
  // A B-tree's levels run 0 (leaves) to the root's with none missing: a level with none below it is a damaged
  // block's (a leaf's level byte, say), whose items would be passed over as a branch's.
  const levels = new Set<number>();
  for (let b = 0; b + size <= file.length; b += size) levels.add(file[b + 4]!);
  for (const l of levels) if (l > 0 && l !== 254 && !levels.has(l - 1)) onDamaged(`a block of level ${l} with none of level ${l - 1}`);
  for (let b = 0; b + size <= file.length; b += size) {
    const blk = file.subarray(b, b + size);
    const dirEnd = u16(blk, 9);
    if (blk[4] !== 0) continue;
    if (dirEnd < 11 || dirEnd > size) {
      // A leaf whose directory's end does not hold (a block never written is all zeros: its level 0, its end 0 too).
      if (blk.some((x) => x !== 0)) onDamaged('a leaf block whose directory does not hold');
      continue;
    }
    for (let c = 11; c + 2 <= dirEnd; c += 2) {
      const o = u16(blk, c);
      const head = o + 3 <= size ? u16(blk, o) : 0;
      const k = blk[o + 2] ?? 0;
      const end = o + 3 + (head & 0x1fff);
      if (o + 3 > size || end > size || k > (head & 0x1fff)) {
        onDamaged('an item that does not parse');
        continue;
      }
      const itemKey = Buffer.from(blk.subarray(o + 3, o + 3 + k)).toString('latin1');
      if (head & 0x2000) {
        if (pieces.length) onDamaged('a tag whose last piece never came');
        key = itemKey;
        pieces = [];
        compressed = (head & 0x8000) !== 0;
      } else if (itemKey !== key || !pieces.length) {
        onDamaged('a piece of a tag whose first piece was not met');
        continue;
      }
      pieces.push(blk.subarray(o + 3 + k, end));
      if (!(head & 0x4000)) continue;
      const tag = Buffer.concat(pieces);
      pieces = [];
      if (!compressed) yield tag;
      else {
        const out = trial(() => inflateRawSync(tag, { maxOutputLength: MAX_TAG }));
        if (out !== undefined && out !== TOO_LARGE) yield out;
        else onDamaged(out === TOO_LARGE ? `a compressed tag of more than ${MAX_TAG} bytes` : 'a compressed tag that does not inflate');
      }
    }
  }
  if (pieces.length) onDamaged('a tag whose last piece never came');
}

export const xapianGlass: Decoder = {
  name: 'Xapian glass table',
  sniff: (h, path) => TABLES.test(path) && glassBlockSize(h) !== undefined,
  open(env: DecodeEnv) {
    return gathered(env, {
      skip: 11,
      max: MAX_IN,
      over: (e, max) => e.limit(`a Xapian table over ${max} bytes, whose compressed tags the audit does not gather`),
      async read(file) {
        const size = glassBlockSize(file);
        // A table is whole blocks: a size its length is not a multiple of was told from a damaged first block (its
        // highest item's offset), or the table is cut.
        if (!size || file.length % size)
          env.limit('a Xapian table whose blocks cannot be told apart (its first block damaged, or the table cut): not fully audited');
        const out = env.openAt(`${env.path.endsWith('!') ? env.path : `${env.path}!`}(tags)`);
        let damaged = 0;
        let why = '';
        if (size)
          for (const tag of glassTags(file, size, (w) => void (damaged++ || (why = w)))) {
            if (env.stopped || !env.allow(tag.length + 1)) break;
            await out.write(Buffer.concat([tag, NL]));
          }
        await out.end();
        // Damage, or a tag whose pieces sit out of key order after many updates: either way not read.
        if (damaged && !env.stopped) env.limit(`a Xapian table with ${damaged} tag${damaged > 1 ? 's' : ''} not read (the first: ${why}): not fully audited`);
      },
    });
  },
};
