/**
 * The pieces of a git packfile, as git reads them: an object's header (type, size, and a delta's
 * base — a negative offset or an object id), a delta applied to its base (copy and insert
 * instructions, every size checked), and an object's id (the hash of `<type> <size>\0<content>`).
 */
import { createHash } from 'node:crypto';

export const TYPES = ['', 'commit', 'tree', 'blob', 'tag', '', 'ofs-delta', 'ref-delta'] as const;
export const OFS_DELTA = 6;
export const REF_DELTA = 7;

export interface ObjectHeader {
  type: number;
  /** The inflated size of what follows (a delta's size is the delta's, not its result's). */
  size: number;
  /** Bytes of the header, the base's offset or id included: the zlib stream starts there. */
  length: number;
  /** OFS_DELTA: the base's offset in the pack. */
  baseOffset?: number;
  /** REF_DELTA: the base's id, hex. */
  baseId?: string;
}

/**
 * The header of the object at `at` (its offset in the pack is `offset`), or `more` while the bytes
 * end inside it, or a reason it is damaged. `idLength` is the repository's hash length (20, 32 for sha256).
 */
export function readHeader(b: Uint8Array, at: number, offset: number, idLength: number): ObjectHeader | 'more' | string {
  let i = at;
  if (i >= b.length) return 'more';
  let c = b[i++]!;
  const type = (c >> 4) & 7;
  let size = c & 0x0f;
  let shift = 4;
  while (c & 0x80) {
    if (i >= b.length) return 'more';
    if (shift > 49) return 'an object size longer than 53 bits';
    c = b[i++]!;
    size += (c & 0x7f) * 2 ** shift;
    shift += 7;
  }
  if (!TYPES[type]) return `an object of unknown type ${type}`;
  if (type === OFS_DELTA) {
    if (i >= b.length) return 'more';
    c = b[i++]!;
    let back = c & 0x7f;
    while (c & 0x80) {
      if (i >= b.length) return 'more';
      if (back > 2 ** 45) return 'a delta base offset longer than 53 bits';
      c = b[i++]!;
      back = (back + 1) * 128 + (c & 0x7f);
    }
    if (back > offset || back === 0) return `a delta whose base offset (${back} back) is outside the pack`;
    return { type, size, length: i - at, baseOffset: offset - back };
  }
  if (type === REF_DELTA) {
    if (b.length < i + idLength) return 'more';
    return { type, size, length: i + idLength - at, baseId: Buffer.from(b.buffer, b.byteOffset + i, idLength).toString('hex') };
  }
  return { type, size, length: i - at };
}

/** A delta's header: the base's size, the result's, and where its instructions start. */
export interface DeltaSizes {
  source: number;
  target: number;
  at: number;
}

/** A delta's header: the base's size and the result's, each a little-endian base-128 number. */
export function deltaSizes(d: Uint8Array): DeltaSizes | undefined {
  let at = 0;
  const read = () => {
    let v = 0;
    let shift = 0;
    for (;;) {
      if (at >= d.length || shift > 49) return undefined;
      const c = d[at++]!;
      v += (c & 0x7f) * 2 ** shift;
      shift += 7;
      if (!(c & 0x80)) return v;
    }
  };
  const source = read();
  const target = read();
  return source === undefined || target === undefined ? undefined : { source, target, at };
}

/** The result of applying delta `d` (whose header `deltaSizes` read) to `base`, or a reason the delta is damaged. */
export function applyDelta(base: Uint8Array, d: Uint8Array, sizes: DeltaSizes): Buffer | string {
  const out = Buffer.allocUnsafe(sizes.target);
  let o = 0;
  const pieces = deltaPieces(base, d, sizes);
  for (let p = pieces.next(); ; p = pieces.next()) {
    if (p.done) return p.value ?? out;
    out.set(p.value, o);
    o += p.value.length;
  }
}

/**
 * The result of applying delta `d` to `base` as the pieces it is made of, in order — views of the base (a copy
 * instruction) and of the delta (an insert), nothing copied — then undefined, or a reason the delta is damaged (its
 * pieces so far are no object). What a result too large to keep is read from, never built whole.
 */
export function* deltaPieces(base: Uint8Array, d: Uint8Array, sizes: DeltaSizes): Generator<Uint8Array, string | undefined> {
  if (sizes.source !== base.length) return `a delta for a base of ${sizes.source} bytes applied to one of ${base.length}`;
  let o = 0;
  let i = sizes.at;
  while (i < d.length) {
    const cmd = d[i++]!;
    if (cmd & 0x80) {
      let off = 0;
      let size = 0;
      for (let bit = 0; bit < 4; bit++) if (cmd & (1 << bit)) off += (d[i++] ?? 0) * 2 ** (8 * bit);
      for (let bit = 0; bit < 3; bit++) if (cmd & (16 << bit)) size += (d[i++] ?? 0) << (8 * bit);
      if (i > d.length) return 'a delta copy instruction cut short';
      if (size === 0) size = 0x10000;
      if (off + size > base.length) return 'a delta copying past the end of its base';
      if (o + size > sizes.target) return 'a delta whose result is longer than it says';
      yield base.subarray(off, off + size);
      o += size;
    } else if (cmd) {
      if (i + cmd > d.length) return 'a delta insert instruction cut short';
      if (o + cmd > sizes.target) return 'a delta whose result is longer than it says';
      yield d.subarray(i, i + cmd);
      o += cmd;
      i += cmd;
    } else return 'a delta with the reserved instruction 0';
  }
  return o === sizes.target ? undefined : 'a delta whose result is shorter than it says';
}

/** An object's id: the hash of `<type> <size>\0` and its content (sha1, or sha256 in a repository of that format). */
export function objectId(type: number, content: Uint8Array, idLength: number): string {
  return objectHash(type, content.length, idLength).update(content).digest('hex');
}

/** The hash of an object's id, its header hashed: its content is to be hashed as it comes (an object that streams). */
export const objectHash = (type: number, size: number, idLength: number) => createHash(idLength === 32 ? 'sha256' : 'sha1').update(`${TYPES[type]} ${size}\0`);
