/**
 * HDF5 object headers (hdf5.ts reads their datasets and attributes): version 1 (a prefix and 8-byte aligned messages,
 * checked to fill the header exactly) and version 2 (`OHDR`), each with the continuation blocks (`OCHK` in version 2)
 * their continuation messages lead to — where h5py puts the attributes added after a dataset. The layout, filter
 * pipeline and attribute messages are kept.
 */
import { MSG_ATTRIBUTE } from './hdf5-attributes.js';
import { startsWith } from './types.js';

export const MSG_LAYOUT = 0x08;
export const MSG_FILTERS = 0x0b;
const MSG_CONTINUATION = 0x10;

export interface File {
  b: Buffer;
  /** The base address (the superblock's offset) and the sizes of addresses and lengths. */
  base: number;
  so: number;
  sl: number;
  /** The end-of-file address the superblock gives (-1 when undefined): a file shorter than it was cut. */
  eof: number;
  /** Messages parsed so far over all candidate object headers: past `b.length + 1M` (overlapping headers, crafted) the scan stops. */
  work: number;
  /** The chunk indexes (B-tree nodes, fixed and extensible array headers) a parsed object header led to. */
  reached: Set<number>;
  /** The attribute messages of the object headers parsed, by offset. */
  attributes: Map<number, Buffer>;
}

/** An unsigned little-endian integer of `n` bytes (1, 2, 4 or 8) at `i`; -1 for the undefined address (all ones), -2 past 2^53 or the bytes' end. */
export function uint(b: Buffer, i: number, n: number): number {
  if (i + n > b.length) return -2;
  if (n < 8) return b.readUIntLE(i, n);
  const v = b.readBigUInt64LE(i);
  return v === 0xffffffffffffffffn ? -1 : v > BigInt(Number.MAX_SAFE_INTEGER) ? -2 : Number(v);
}

/** The layout and filter pipeline messages of a version-1 object header at `i` ([type, body]), or undefined when the bytes there are not one. */
export function headerV1(f: File, i: number): [number, Buffer][] | undefined {
  const { b } = f;
  if (b[i] !== 1 || b[i + 1] !== 0 || i + 16 > b.length) return undefined;
  const count = b.readUInt16LE(i + 2);
  const refs = b.readUInt32LE(i + 4);
  const size = b.readUInt32LE(i + 8);
  if (count === 0 || count > 4096 || refs === 0 || refs > 0xffff || size < 8 || size % 8 || i + 16 + size > b.length) return undefined;
  const messages: [number, Buffer][] = [];
  return v1Messages(f, i + 16, i + 16 + size, count, messages) ? messages : undefined;
}

/** A continuation message's block (its address from the base, its length), when inside the file. */
function continued(f: File, body: Buffer): [number, number] | undefined {
  if (body.length < f.so + f.sl) return undefined;
  const at = f.base + uint(body, 0, f.so);
  const length = uint(body, f.so, f.sl);
  return at >= 0 && length > 0 && at + length <= f.b.length ? [at, at + length] : undefined;
}

/** The messages of a version-1 header from `p` to `end`, and of the continuation blocks they lead to; false when they do not read. */
function v1Messages(f: File, p: number, end: number, count: number, messages: [number, Buffer][], depth = 0): boolean {
  const { b } = f;
  let n = 0;
  while (p < end) {
    const type = b.readUInt16LE(p);
    const length = b.readUInt16LE(p + 2);
    if (type > 0x18 || length % 8 || p + 8 + length > end || (b[p + 5]! | b[p + 6]! | b[p + 7]!) !== 0) return false;
    if (++n > count || f.work++ > b.length + (1 << 20)) return false;
    const body = b.subarray(p + 8, p + 8 + length);
    // Only the messages read are kept: a header of 2^20 empty messages made as many buffers (collected at length).
    if (type === MSG_LAYOUT || type === MSG_FILTERS || type === MSG_ATTRIBUTE) messages.push([type, body]);
    const next = type === MSG_CONTINUATION && depth < 16 ? continued(f, body) : undefined;
    if (next) v1Messages(f, next[0], next[1], count - n, messages, depth + 1);
    p += 8 + length;
  }
  return true;
}

/** The layout and filter pipeline messages of a version-2 object header (`OHDR`) at `i`, its first chunk only. */
export function headerV2(f: File, i: number): [number, Buffer][] | undefined {
  const { b } = f;
  if (b[i + 4] !== 2 || i + 8 > b.length) return undefined;
  const flags = b[i + 5]!;
  let p = i + 6 + (flags & 0x20 ? 16 : 0) + (flags & 0x10 ? 4 : 0);
  const width = 1 << (flags & 3);
  const size = uint(b, p, width);
  p += width;
  const end = p + size;
  if (size < 0 || end + 4 > b.length) return undefined;
  const messages: [number, Buffer][] = [];
  return v2Messages(f, p, end, flags & 0x04 ? 6 : 4, messages) ? messages : undefined;
}

/** The messages of a version-2 header chunk, and of the `OCHK` chunks its continuation messages lead to. */
function v2Messages(f: File, p: number, end: number, head: number, messages: [number, Buffer][], depth = 0): boolean {
  const { b } = f;
  while (p + head <= end) {
    const length = b.readUInt16LE(p + 1);
    if (p + head + length > end || f.work++ > b.length + (1 << 20)) return false;
    const body = b.subarray(p + head, p + head + length);
    if (b[p] === MSG_LAYOUT || b[p] === MSG_FILTERS || b[p] === MSG_ATTRIBUTE) messages.push([b[p]!, body]);
    const next = b[p] === MSG_CONTINUATION && depth < 16 ? continued(f, body) : undefined;
    if (next && startsWith(b, [0x4f, 0x43, 0x48, 0x4b], next[0])) v2Messages(f, next[0] + 4, next[1] - 4, head, messages, depth + 1);
    p += head + length;
  }
  return true;
}
