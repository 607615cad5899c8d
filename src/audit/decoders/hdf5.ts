/**
 * HDF5 (h5py, netCDF-4, Keras' .h5, MATLAB v7.3): a chunked dataset's chunks pass through its filter pipeline, so a
 * value in them is in the file only as the filters left it — shuffled (each element's bytes spread over the chunk,
 * byte 0 of every element first: `shuffle=True`, which h5py and netCDF-4 pair with gzip), LZF'd (h5py's own
 * `compression='lzf'`), deflated after a shuffle. The file is gathered (up to
 * 64 MiB, its signature blanked in the plain read, where an unshuffled zlib chunk is still found by its header), its
 * object headers found (version 1: their prefix and messages checked to fill the header exactly; version 2: `OHDR`),
 * and each chunked dataset with a filter pipeline read: its chunks listed by the version-1 B-tree (layout versions
 * 1–3), the single chunk, the fixed array or the extensible array (their pages and super blocks too) of layout version 4 (h5py's `libver='latest'` or `'v110'`), each chunk unfiltered in reverse order (the chunk's filter mask skipping
 * those not applied: deflate, shuffle, Fletcher-32, LZF; and the registered filters of hdf5-filters.ts — PyTables' LZO, bzip2 and
 * Blosc, as PyTables and pandas' HDFStore write them, LZ4, zstd) and the dataset's chunks written in order at
 * `file.h5!(dataset@N)`. A filter or chunk index not read (szip, n-bit, scale-offset, bitshuffle;
 * version-2 B-trees, for datasets of more than one unlimited dimension) is named as not fully audited, at the dataset.
 */
import { inflateSync } from 'node:zlib';
import { loadBzip2 } from './bzip2.js';
import { attributeValue, MSG_ATTRIBUTE } from './hdf5-attributes.js';
import { headerV1, headerV2, MSG_FILTERS, MSG_LAYOUT, uint, type File } from './hdf5-headers.js';
import { FILTER_NAMES, registered, unshuffle } from './hdf5-filters.js';
import { gathered, within } from './gathered.js';
import { lzfDecompress } from './redis-rdb.js';
import { startsWith, trial, type Decoder, type DecodeEnv } from './types.js';
import { valuesOnward } from './value-streams.js';

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
/** The most one chunk may hold unfiltered. */
const MAX_CHUNK = 64 << 20;
/** The signatures of chunk indexes: a raw-data (type 1) B-tree node, a fixed array's and an extensible array's header. */
const INDEXES = ['TREE\x01', 'FAHD\x00', 'EAHD\x00'].map((s) => Buffer.from(s, 'latin1'));

/** The signature and a superblock version from 0 to 3, at 0 or after a user block (`signatureAt`). */
export const isHdf5 = (h: Uint8Array) => signatureAt(h) >= 0;

/**
 * Where the superblock is: at 0, or after a user block of 512 or 1,024 bytes (MATLAB v7.3's .mat files, h5py's
 * `userblock_size`) whose superblock names its own offset as the base address — an HDF5 file in another container
 * (a tar's first member after its 512-byte header) names 0. -1: none.
 */
export function signatureAt(h: Uint8Array): number {
  for (const at of [0, 512, 1024]) {
    if (!startsWith(h, SIGNATURE, at) || h.length <= at + 32 || h[at + 8]! > 3) continue;
    const [so, field] = h[at + 8]! <= 1 ? [h[at + 13]!, at + 24] : [h[at + 9]!, at + 12];
    let base = 0;
    for (let k = so - 1; k >= 0 && field + k < h.length; k--) base = base * 256 + h[field + k]!;
    if (at === 0 || base === at) return at;
  }
  return -1;
}

interface Filter {
  id: number;
  values: number[];
}

interface Chunk {
  at: number;
  size: number;
  mask: number;
}

function superblock(b: Buffer): File | undefined {
  const base = signatureAt(b.subarray(0, 2048));
  if (base < 0) return undefined;
  const v = b[base + 8]!;
  const [so, sl] = v <= 1 ? [b[base + 13]!, b[base + 14]!] : [b[base + 9]!, b[base + 10]!];
  if (![2, 4, 8].includes(so) || ![2, 4, 8].includes(sl)) return undefined;
  // The end-of-file address: after the base and free-space (v0/1) or extension (v2/3) addresses.
  const at = base + (v === 0 ? 24 : v === 1 ? 28 : 12) + 2 * so;
  const eof = at + so > b.length ? Number.MAX_SAFE_INTEGER : uint(b, at, so);
  return { b, base, so, sl, eof, work: 0, reached: new Set(), attributes: new Map() };
}

/** The filters of a pipeline message (versions 1 and 2), in the order they were applied. */
function filters(m: Buffer): Filter[] | undefined {
  const version = m[0];
  const count = m[1] ?? 0;
  if ((version !== 1 && version !== 2) || count > 32) return undefined;
  const list: Filter[] = [];
  let p = version === 1 ? 8 : 2;
  for (let k = 0; k < count; k++) {
    if (p + 6 > m.length) return undefined;
    const id = m.readUInt16LE(p);
    const named = version === 1 || id >= 256;
    if (p + (named ? 8 : 6) > m.length) return undefined;
    const nameLength = named ? m.readUInt16LE(p + 2) : 0;
    p += named ? 4 : 2;
    const n = m.readUInt16LE(p + 2);
    p += 4 + (version === 1 ? Math.ceil(nameLength / 8) * 8 : nameLength);
    if (p + 4 * n > m.length) return undefined;
    list.push({ id, values: Array.from({ length: n }, (_, j) => m.readUInt32LE(p + 4 * j)) });
    p += 4 * n + (version === 1 && n % 2 ? 4 : 0);
  }
  return list;
}

type Layout =
  | { btree: number; dims: number[] }
  | { single: Chunk; dims: number[] }
  | { fixedArray: number; dims: number[] }
  | { extensibleArray: number; dims: number[] }
  | { unread: string };

/** A chunked layout message: the B-tree of its chunks (versions 1–3) or its single chunk (version 4); undefined when not chunked. */
function layout(f: File, m: Buffer): Layout | undefined {
  const version = m[0];
  if (version === 1 || version === 2) {
    const n = m[1]!;
    if (m[2] !== 2 || m.length < 8 + f.so + 4 * n) return undefined;
    return { btree: uint(m, 8, f.so), dims: Array.from({ length: n }, (_, j) => m.readUInt32LE(8 + f.so + 4 * j)) };
  }
  if (version === 3) {
    const n = m[2]!;
    if (m[1] !== 2 || m.length < 3 + f.so + 4 * n) return undefined;
    return { btree: uint(m, 3, f.so), dims: Array.from({ length: n }, (_, j) => m.readUInt32LE(3 + f.so + 4 * j)) };
  }
  if (version !== 4 || m[1] !== 2 || m.length < 5) return undefined;
  const [flags, n, width] = [m[2]!, m[3]!, m[4]!];
  if (![1, 2, 4, 8].includes(width)) return { unread: 'a chunked layout whose sizes do not read' };
  const dims = Array.from({ length: n }, (_, j) => uint(m, 5 + width * j, width));
  let p = 5 + width * n;
  const index = m[p++];
  if (index === 3) return { fixedArray: uint(m, p + 1, f.so), dims };
  if (index === 4) return { extensibleArray: uint(m, p + 5, f.so), dims };
  if (index !== 1)
    return {
      unread: `chunks indexed by ${['', '', 'implicit index', 'a fixed array', 'an extensible array', 'a version-2 B-tree'][index ?? 0] ?? 'an unknown index'}`,
    };
  const filtered = flags & 0x02;
  const size = filtered ? uint(m, p, f.sl) : dims.reduce((a, d) => a * d, 1);
  const mask = filtered ? m.readUInt32LE(p + f.sl) : 0;
  p += filtered ? f.sl + 4 : 0;
  return { single: { at: uint(m, p, f.so), size, mask }, dims };
}

/**
 * The chunks a fixed array (`FAHD`, the index of a fixed-size dataset's chunks in the newest file format) at `at`
 * lists, in the chunks' row-major order: its data block's (`FADB`) elements, each a chunk's address and, for filtered
 * chunks, its size and filter mask. Past 2^page bits chunks (1,024 by default) the block is in pages: a bitmap of the
 * pages written (most significant bit first) and the block's checksum, then each page's elements and checksum; a page
 * not written holds no chunk.
 */
function fixedArray(f: File, at: number, size: number): Chunk[] | undefined {
  const { b, so, sl } = f;
  if (at < 0 || !startsWith(b, [0x46, 0x41, 0x48, 0x44], at) || b[at + 4] !== 0) return undefined;
  f.reached.add(at);
  const [filtered, entry, pageBits] = [b[at + 5] === 1, b[at + 6]!, b[at + 7]!];
  const count = uint(b, at + 8, sl);
  const block = uint(b, at + 8 + sl, so);
  if (count < 0 || pageBits > 31 || block < 0 || !startsWith(b, [0x46, 0x41, 0x44, 0x42], block)) return undefined;
  const perPage = 2 ** pageBits;
  if (count <= perPage) return entries(f, block + 6 + so, count, entry, filtered, size);
  const pages = Math.ceil(count / perPage);
  const bitmap = block + 6 + so;
  const out: Chunk[] = [];
  for (let k = 0, p = bitmap + Math.ceil(pages / 8) + 4; k < pages; k++) {
    // Pages past the file's end are not written (a count set huge: 2^40 pages of one chunk would take hours).
    if (p > b.length) return undefined;
    const n = Math.min(perPage, count - k * perPage);
    const written = ((b[bitmap + (k >> 3)] ?? 0) >> (7 - (k & 7))) & 1;
    const got = written ? entries(f, p, n, entry, filtered, size) : [];
    if (!got) return undefined;
    out.push(...got);
    p += n * entry + 4;
  }
  return out;
}

/** `count` chunk entries of `entry` bytes from `p` (an address, then for filtered chunks a size and a filter mask); unwritten ones left out. */
function entries(f: File, p: number, count: number, entry: number, filtered: boolean, size: number): Chunk[] | undefined {
  const { b, so } = f;
  const sizeBytes = entry - so - 4;
  if ((filtered ? sizeBytes < 1 || sizeBytes > 8 : entry !== so) || p + count * entry > b.length) return undefined;
  const out: Chunk[] = [];
  for (let k = 0; k < count; k++, p += entry) {
    const addr = uint(b, p, so);
    if (addr === -1) continue; // a chunk never written: its fill value
    out.push(filtered ? { at: addr, size: uint(b, p + so, sizeBytes), mask: b.readUInt32LE(p + so + sizeBytes) } : { at: addr, size, mask: 0 });
  }
  return out;
}

/** What reading an extensible array's blocks needs: the file, its elements' shape, its offsets' width, its pages. */
interface EaShape {
  f: File;
  entry: number;
  filtered: boolean;
  size: number;
  /** The width of a block's offset in the array (its most elements' bits, in bytes). */
  offBytes: number;
  perPage: number;
  minElements: number;
}

/** The elements of each data block of super block `u`, and how many data blocks it has (HDF5's doubling layout). */
const eaElements = (u: number, min: number) => 2 ** Math.floor((u + 1) / 2) * min;
const eaBlocks = (u: number) => 2 ** Math.floor(u / 2);

/** The chunks of a data block (`EADB`) of `count` elements at `at`: past `perPage` in pages, `written(k)` telling page k written. */
function eaDataBlock(s: EaShape, at: number, count: number, written: (k: number) => boolean): Chunk[] | undefined {
  const { f, entry, filtered, size, perPage } = s;
  if (!startsWith(f.b, [0x45, 0x41, 0x44, 0x42], at)) return undefined;
  const first = at + 6 + f.so + s.offBytes;
  if (count <= perPage) return entries(f, first, count, entry, filtered, size);
  const out: Chunk[] = [];
  for (let k = 0, p = first + 4; k * perPage < count; k++, p += perPage * entry + 4) {
    if (p > f.b.length) return undefined;
    const got = written(k) ? entries(f, p, perPage, entry, filtered, size) : [];
    if (!got) return undefined;
    out.push(...got);
  }
  return out;
}

/** The chunks of super block `u` (`EASB`) at `at`: its data blocks', their pages' bitmaps (most significant bit first) before their addresses. */
function eaSuperBlock(s: EaShape, at: number, u: number): Chunk[] | undefined {
  const { b, so } = s.f;
  if (!startsWith(b, [0x45, 0x41, 0x53, 0x42], at)) return undefined;
  const count = eaElements(u, s.minElements);
  const init = count > s.perPage ? Math.ceil(count / s.perPage / 8) : 0;
  const bitmap = at + 6 + so + s.offBytes;
  const out: Chunk[] = [];
  for (let d = 0, p = bitmap + eaBlocks(u) * init; d < eaBlocks(u); d++, p += so) {
    if (p + so > b.length) return undefined;
    const block = uint(b, p, so);
    if (block === -1) continue;
    const got = eaDataBlock(s, block, count, (k) => (((b[bitmap + d * init + (k >> 3)] ?? 0) >> (7 - (k & 7))) & 1) === 1);
    if (!got) return undefined;
    out.push(...got);
  }
  return out;
}

/**
 * The chunks an extensible array (`EAHD`: the index of a dataset with an unlimited dimension in the newest file format)
 * at `at` lists, in order: the index block's (`EAIB`) own elements, then its data blocks' (`EADB`), then its super
 * blocks' (`EASB`) data blocks', their sizes doubling as HDF5 lays them out, in pages past 2^page bits elements.
 */
function extensibleArray(f: File, at: number, size: number): Chunk[] | undefined {
  const { b, so, sl } = f;
  if (at < 0 || !startsWith(b, [0x45, 0x41, 0x48, 0x44], at) || b[at + 4] !== 0) return undefined;
  f.reached.add(at);
  const [entry, maxBits, inIndex, minElements, minPointers, pageBits] = [...b.subarray(at + 6, at + 12)] as number[];
  const index = uint(b, at + 12 + 6 * sl, so);
  if (index < 0 || !startsWith(b, [0x45, 0x41, 0x49, 0x42], index) || minPointers! < 2 || minElements! < 1 || pageBits! > 31) return undefined;
  const s: EaShape = {
    f,
    entry: entry!,
    filtered: b[at + 5] === 1,
    size,
    offBytes: Math.ceil(maxBits! / 8),
    perPage: 2 ** pageBits!,
    minElements: minElements!,
  };
  const out = entries(f, index + 6 + so, inIndex!, entry!, s.filtered, size);
  const blocks = 2 * (minPointers! - 1);
  const inBlocks = 2 * Math.round(Math.log2(minPointers!));
  const superBlocks = Math.max(0, 1 + maxBits! - Math.round(Math.log2(minElements!)) - inBlocks);
  let p = index + 6 + so + inIndex! * entry!;
  if (!out || p + (blocks + superBlocks) * so > b.length) return undefined;
  for (let u = 0, k = 0; k < blocks; u++)
    for (let d = 0; d < eaBlocks(u) && k < blocks; d++, k++, p += so) {
      const block = uint(b, p, so);
      const count = eaElements(u, minElements!);
      const got = block === -1 ? [] : count > s.perPage ? undefined : eaDataBlock(s, block, count, () => true);
      if (!got) return undefined;
      out.push(...got);
    }
  for (let k = 0; k < superBlocks; k++, p += so) {
    const block = uint(b, p, so);
    const got = block === -1 ? [] : eaSuperBlock(s, block, inBlocks + k);
    if (!got) return undefined;
    out.push(...got);
  }
  return out;
}

/** The chunks a version-1 B-tree of raw data (node type 1) at `at` lists, in key order; undefined when it does not read. */
function chunksOf(f: File, at: number, dims: number, seen: Set<number>, depth = 0): Chunk[] | undefined {
  const { b, so } = f;
  const node = f.base + at;
  if (depth > 32 || seen.has(node) || !startsWith(b, [0x54, 0x52, 0x45, 0x45], node) || b[node + 4] !== 1) return undefined;
  seen.add(node);
  f.reached.add(node);
  const level = b[node + 5]!;
  const entries = b.readUInt16LE(node + 6);
  const key = 8 + 8 * dims;
  const out: Chunk[] = [];
  for (let k = 0, p = node + 8 + 2 * so; k < entries; k++, p += key + so) {
    if (p + key + so > b.length) return undefined;
    const child = uint(b, p + key, so);
    if (child < 0) return undefined;
    if (level === 0) out.push({ at: child, size: b.readUInt32LE(p), mask: b.readUInt32LE(p + 4) });
    else {
      const below = chunksOf(f, child, dims, seen, depth + 1);
      if (!below) return undefined;
      out.push(...below);
    }
  }
  return out;
}

/** One filter undone on `data` (`size`: the chunk's bytes unfiltered); undefined when it does not decode, a string when not read. */
function unfilter(filter: Filter, data: Uint8Array, size: number): Uint8Array | string | undefined {
  const got = (r: unknown) => (r instanceof Uint8Array ? r : undefined);
  switch (filter.id) {
    case 1:
      return got(trial(() => inflateSync(data, { maxOutputLength: size + 4096 })));
    case 2:
      // An element size of 0 (a damaged value) is no shuffle undone: the chunk would be passed on still shuffled.
      return filter.values[0] === 0 ? undefined : unshuffle(data, filter.values[0] ?? 1);
    case 3:
      return data.subarray(0, Math.max(0, data.length - 4));
    case 32000:
      // Never more than the chunk: a size value set huge (crafted, 4 GiB) would have the output made that large.
      return lzfDecompress(data, Math.min(filter.values[2] || size, size));
    default:
      // PyTables' LZO, Blosc, LZ4, zstd (hdf5-filters.ts); any other named as not read.
      return registered(filter.id, data, size, `filter ${FILTER_NAMES[filter.id] ?? filter.id}`);
  }
}

/** A chunk unfiltered (the filters in reverse, those its mask says were skipped left out), or what stopped it. */
function unfiltered(f: File, chunk: Chunk, pipeline: Filter[], size: number): Uint8Array | string {
  const from = f.base + chunk.at;
  if (chunk.at < 0 || from + chunk.size > f.b.length) return 'a chunk past the end of the file';
  let data: Uint8Array = f.b.subarray(from, from + chunk.size);
  for (let k = pipeline.length - 1; k >= 0; k--) {
    if (chunk.mask & (1 << k)) continue;
    const r = unfilter(pipeline[k]!, data, size);
    if (typeof r === 'string') return `a chunk filtered by ${r}, which the audit does not read`;
    if (!r) return `a chunk whose ${FILTER_NAMES[pipeline[k]!.id] ?? `filter ${pipeline[k]!.id}`} does not decode`;
    data = r;
  }
  return data;
}

/** The chunks of a dataset's layout, from the index it names; none where its address is undefined (no chunk written yet). */
function chunkList(f: File, lay: Exclude<Layout, { unread: string }>, size: number): Chunk[] | undefined {
  const at = 'single' in lay ? lay.single.at : 'fixedArray' in lay ? lay.fixedArray : 'extensibleArray' in lay ? lay.extensibleArray : lay.btree;
  if (at === -1) return [];
  if ('single' in lay) return [lay.single];
  if ('fixedArray' in lay) return fixedArray(f, lay.fixedArray, size);
  if ('extensibleArray' in lay) return extensibleArray(f, lay.extensibleArray, size);
  return chunksOf(f, lay.btree, lay.dims.length, new Set());
}

/** One dataset's chunks unfiltered and written in order at `file!(dataset@N)`. */
async function dataset(env: DecodeEnv, f: File, at: number, lay: Layout, pipeline: Filter[]): Promise<void> {
  const path = within(env.path, `(dataset@${at})`);
  if ('unread' in lay) return env.limit(`an HDF5 dataset with ${lay.unread}, which the audit does not read`, path);
  const size = lay.dims.reduce((a, d) => a * d, 1);
  if (size <= 0 || size > MAX_CHUNK) return env.limit(`an HDF5 dataset whose chunks of ${size} bytes the audit does not read`, path);
  const chunks = chunkList(f, lay, size);
  if (!chunks)
    return env.limit(`an HDF5 dataset whose chunks' ${'btree' in lay ? 'B-tree' : 'index'} does not read (in pages or super blocks, or damaged)`, path);
  const sink = env.openAt(path);
  for (const chunk of chunks) {
    const data = unfiltered(f, chunk, pipeline, size);
    if (typeof data === 'string') {
      env.limit(`an HDF5 dataset with ${data}`, path);
      continue;
    }
    if (env.stopped || !env.allow(data.length)) break;
    await sink.write(data);
  }
  await sink.end();
}

/** The object headers of the file with a chunked layout and a filter pipeline: each one's offset, layout and filters. */
function* filteredDatasets(f: File): Generator<[number, Layout, Filter[]]> {
  const { b } = f;
  for (let i = f.base; i + 16 <= b.length; i++) {
    const c = b[i];
    if (c !== 1 && c !== 0x4f) continue;
    const messages = c === 1 ? headerV1(f, i) : startsWith(b, [0x4f, 0x48, 0x44, 0x52], i) ? headerV2(f, i) : undefined;
    if (!messages) continue;
    for (const [t, body] of messages) if (t === MSG_ATTRIBUTE) f.attributes.set(body.byteOffset - b.byteOffset, body);
    const pipe = messages.find(([t]) => t === MSG_FILTERS);
    const lay = messages.find(([t]) => t === MSG_LAYOUT);
    const chunked = lay && layout(f, lay[1]);
    // An unfiltered chunked dataset's index is reached too (its chunks are in the plain read): an index no header led to is told.
    if (chunked && !pipe) {
      if ('btree' in chunked) {
        // Chunks not of the chunk's size are filtered: the pipeline message is damaged (zeroed, its type lost).
        const size = chunked.dims.reduce((a, d) => a * d, 1);
        if (chunksOf(f, chunked.btree, chunked.dims.length, new Set())?.some((c) => c.size !== size))
          yield [i, { unread: 'chunks filtered by a pipeline its header no longer holds (damaged)' }, []];
      } else if ('fixedArray' in chunked) f.reached.add(chunked.fixedArray);
      else if ('extensibleArray' in chunked) f.reached.add(chunked.extensibleArray);
    }
    if (!pipe || !lay) continue;
    const list = filters(pipe[1]);
    if (chunked && !list) yield [i, { unread: 'a filter pipeline that does not read' }, []];
    else if (chunked && list?.length) yield [i, chunked, list];
  }
}

async function read(env: DecodeEnv, b: Buffer): Promise<void> {
  const f = superblock(b);
  if (!f) return env.limit('an HDF5 file whose superblock does not read');
  await loadBzip2();
  // Cut short (a full disk, an interrupted copy): chunks past the cut are gone, and a header cut away leaves no dataset to name.
  if (f.eof > b.length) env.limit(`an HDF5 file cut short (${b.length} of ${f.eof < Number.MAX_SAFE_INTEGER ? f.eof : 'more'} bytes)`);
  for (const [at, lay, pipeline] of filteredDatasets(f)) {
    if (env.stopped) return;
    await dataset(env, f, at, lay, pipeline);
  }
  // Each attribute's value handed on to the whole-value trial (`model.h5@OFFSET!`).
  await valuesOnward(
    env,
    [...f.attributes].flatMap(([at, body]) => attributeValue(body, at) ?? []),
  );
  if (f.work > b.length + (1 << 20)) return env.limit('an HDF5 file whose overlapping object headers the audit stopped parsing');
  // A chunk index no object header that read led to: its dataset's header is damaged, its (filtered) chunks unread.
  for (const sig of INDEXES)
    for (let i = b.indexOf(sig); i >= 0; i = b.indexOf(sig, i + 1))
      if (!f.reached.has(i)) return env.limit('an HDF5 file with a chunk index no object header that reads leads to (a damaged header)');
}

export const hdf5: Decoder = {
  name: 'HDF5 file',
  sniff: isHdf5,
  // A superblock after a 1,024-byte user block, and its base address.
  head: 1024 + 64,
  open: (env) =>
    gathered(env, {
      skip: 8,
      at: (first) => Math.max(0, signatureAt(first)),
      over: (e, max) => e.limit(`an HDF5 file over ${max} bytes, whose filtered chunks the audit does not gather`),
      read: (file) => read(env, file),
    }),
};
