/**
 * The 7z archive's header, read as 7-Zip's `7zIn.cpp` reads it: pack info (where each packed
 * stream lies), folders (each a graph of coders — an ID, properties, in and out streams, the
 * pairs binding them — and its unpacked sizes), substreams (how a folder's output divides into
 * files) and the files' names and which of them have content. Only what decoding needs is kept;
 * times, attributes and CRCs are read past. A header that does not parse throws SevenZipError.
 */
export class SevenZipError extends Error {}

export interface Coder {
  /** The method ID as hex (`030101` LZMA, `21` LZMA2, `03030103` BCJ x86). */
  id: string;
  props: Uint8Array;
  ins: number;
  outs: number;
}

export interface Folder {
  coders: Coder[];
  /** [in stream index, out stream index] pairs, both over the folder's coders in order. */
  binds: Array<[number, number]>;
  /** The folder's in streams fed from pack streams, in pack stream order. */
  packed: number[];
  /** The size of each out stream, over the coders in order. */
  sizes: number[];
}

export interface StreamsInfo {
  /** Where the pack streams start, after the 32-byte signature header. */
  packPos: number;
  packSizes: number[];
  folders: Folder[];
  /** Per folder, its files' sizes (one per substream). */
  substreams: number[][];
}

export interface Entry {
  name: string;
  hasStream: boolean;
}

const K = { end: 0, header: 1, archiveProps: 2, additional: 3, main: 4, files: 5, pack: 6, unpack: 7, substreams: 8 } as const;
const K_SIZE = 9;
const K_CRC = 10;
const K_FOLDER = 11;
const K_UNPACK_SIZE = 12;
const K_NUM_UNPACK = 13;
const K_EMPTY_STREAM = 14;
const K_NAME = 17;
export const K_ENCODED_HEADER = 0x17;

/** A cursor over header bytes. */
export class Reader {
  at = 0;
  constructor(readonly b: Uint8Array) {}

  byte(): number {
    if (this.at >= this.b.length) throw new SevenZipError('a header that ends early');
    return this.b[this.at++]!;
  }

  /** 7z's variable-length NUMBER: the first byte's leading ones count the bytes that follow. */
  number(): number {
    const first = this.byte();
    let mask = 0x80;
    let value = 0;
    for (let i = 0; i < 8; i++) {
      if (!(first & mask)) {
        const v = value + (first & (mask - 1)) * 2 ** (8 * i);
        if (v > Number.MAX_SAFE_INTEGER) throw new SevenZipError('a number out of range');
        return v;
      }
      value += this.byte() * 2 ** (8 * i);
      mask >>>= 1;
    }
    if (value > Number.MAX_SAFE_INTEGER) throw new SevenZipError('a number out of range');
    return value;
  }

  /** A count that must fit the bytes left (each item takes at least a byte or a bit), so a lying count cannot allocate. */
  count(perBit = false): number {
    const n = this.number();
    if (n > (this.b.length - this.at) * (perBit ? 8 : 1) + 1) throw new SevenZipError('a count larger than the header');
    return n;
  }

  bytes(n: number): Uint8Array {
    if (n > this.b.length - this.at) throw new SevenZipError('a header that ends early');
    const out = this.b.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }

  bits(n: number): boolean[] {
    const out: boolean[] = [];
    let byte = 0;
    for (let i = 0; i < n; i++) {
      if (i % 8 === 0) byte = this.byte();
      out.push(((byte << (i % 8)) & 0x80) !== 0);
    }
    return out;
  }

  /** A bit vector preceded by its "all defined" byte. */
  defined(n: number): boolean[] {
    return this.byte() ? Array.from({ length: n }, () => true) : this.bits(n);
  }

  expect(id: number): void {
    const got = this.number();
    if (got !== id) throw new SevenZipError(`a header property ${got} where ${id} belongs`);
  }
}

function digests(r: Reader, n: number): void {
  const defined = r.defined(n);
  r.bytes(4 * defined.filter(Boolean).length);
}

function folder(r: Reader): Folder {
  const coders: Coder[] = [];
  const n = r.count();
  if (n < 1 || n > 64) throw new SevenZipError(`a folder of ${n} coders`);
  for (let i = 0; i < n; i++) {
    const flags = r.byte();
    if (flags & 0x80) throw new SevenZipError('a coder with alternative methods');
    const id = Buffer.from(r.bytes(flags & 0x0f)).toString('hex');
    const complex = (flags & 0x10) !== 0;
    const ins = complex ? r.count() : 1;
    const outs = complex ? r.count() : 1;
    const props = flags & 0x20 ? r.bytes(r.count()) : new Uint8Array(0);
    coders.push({ id, props, ins, outs });
  }
  const totalOut = coders.reduce((s, c) => s + c.outs, 0);
  const totalIn = coders.reduce((s, c) => s + c.ins, 0);
  if (totalOut < 1 || totalOut > 64 || totalIn > 64) throw new SevenZipError('a folder of too many streams');
  const binds: Array<[number, number]> = [];
  for (let i = 0; i < totalOut - 1; i++) binds.push([r.number(), r.number()]);
  const packedCount = totalIn - binds.length;
  if (packedCount < 1) throw new SevenZipError('a folder without packed input');
  const packed: number[] = [];
  if (packedCount === 1) {
    for (let i = 0; i < totalIn; i++) if (!binds.some(([inIndex]) => inIndex === i)) packed.push(i);
  } else for (let i = 0; i < packedCount; i++) packed.push(r.number());
  return { coders, binds, packed, sizes: [] };
}

/** Streams info (the main one, or an encoded header's). */
export function streamsInfo(r: Reader): StreamsInfo {
  const info: StreamsInfo = { packPos: 0, packSizes: [], folders: [], substreams: [] };
  let id = r.number();
  if (id === K.pack) {
    info.packPos = r.number();
    const n = r.count();
    for (id = r.number(); id !== K.end; id = r.number()) {
      if (id === K_SIZE) for (let i = 0; i < n; i++) info.packSizes.push(r.number());
      else if (id === K_CRC) digests(r, n);
      else throw new SevenZipError(`a pack info property ${id}`);
    }
    id = r.number();
  }
  if (id === K.unpack) {
    r.expect(K_FOLDER);
    const n = r.count();
    if (r.byte()) throw new SevenZipError('folders kept outside the header');
    for (let i = 0; i < n; i++) info.folders.push(folder(r));
    r.expect(K_UNPACK_SIZE);
    for (const f of info.folders) for (const c of f.coders) for (let o = 0; o < c.outs; o++) f.sizes.push(r.number());
    for (id = r.number(); id !== K.end; id = r.number()) {
      if (id === K_CRC) digests(r, n);
      else throw new SevenZipError(`an unpack info property ${id}`);
    }
    id = r.number();
  }
  const counts = info.folders.map(() => 1);
  let sizes: number[][] | undefined;
  if (id === K.substreams) {
    for (id = r.number(); id !== K.end; id = r.number()) {
      if (id === K_NUM_UNPACK) for (let i = 0; i < counts.length; i++) counts[i] = r.count();
      else if (id === K_SIZE) {
        sizes = info.folders.map((f, i) => {
          const s: number[] = [];
          for (let k = 1; k < counts[i]!; k++) s.push(r.number());
          const rest = unpackSize(f) - s.reduce((a, b) => a + b, 0);
          if (rest < 0) throw new SevenZipError('substreams larger than their folder');
          return counts[i]! ? [...s, rest] : [];
        });
      } else if (id === K_CRC)
        digests(
          r,
          counts.reduce((a, b) => a + b, 0),
        );
      else throw new SevenZipError(`a substreams property ${id}`);
    }
    id = r.number();
  }
  info.substreams = sizes ?? info.folders.map((f, i) => (counts[i] === 1 ? [unpackSize(f)] : Array.from({ length: counts[i]! }, () => 0)));
  if (id !== K.end) throw new SevenZipError(`a streams info property ${id}`);
  return info;
}

/** The size of the folder's output: its one out stream no bind pair consumes. */
export function unpackSize(f: Folder): number {
  const main = mainOut(f);
  return f.sizes[main] ?? 0;
}

export function mainOut(f: Folder): number {
  const total = f.coders.reduce((s, c) => s + c.outs, 0);
  for (let i = 0; i < total; i++) if (!f.binds.some(([, out]) => out === i)) return i;
  throw new SevenZipError('a folder without an output');
}

/** Files info: each entry's name and whether it has content (empty files and directories do not). */
function filesInfo(r: Reader): Entry[] {
  const n = r.count(true);
  let empty: boolean[] = Array.from({ length: n }, () => false);
  let names: string[] = [];
  for (let id = r.number(); id !== K.end; id = r.number()) {
    const size = r.number();
    const data = new Reader(r.bytes(size));
    if (id === K_EMPTY_STREAM) empty = data.bits(n);
    else if (id === K_NAME) {
      if (data.byte()) throw new SevenZipError('names kept outside the header');
      names = Buffer.from(data.b.subarray(1)).toString('utf16le').split('\0').slice(0, n);
    }
  }
  return empty.map((e, i) => ({ name: names[i] || `#${i}`, hasStream: !e }));
}

/** A plain header (after its kHeader byte): the main streams and the files. */
export function header(r: Reader): { main: StreamsInfo | undefined; files: Entry[] } {
  let main: StreamsInfo | undefined;
  let files: Entry[] = [];
  let id = r.number();
  if (id === K.archiveProps) {
    for (let p = r.number(); p !== K.end; p = r.number()) r.bytes(r.number());
    id = r.number();
  }
  if (id === K.additional) {
    streamsInfo(r);
    id = r.number();
  }
  if (id === K.main) {
    main = streamsInfo(r);
    id = r.number();
  }
  if (id === K.files) {
    files = filesInfo(r);
    id = r.number();
  }
  if (id !== K.end) throw new SevenZipError(`a header property ${id}`);
  return { main, files };
}

export const K_HEADER = K.header;
