/**
 * The xz container walked in JavaScript, so that xz-embedded is given exactly one stream, rewritten
 * to carry no integrity check: the stream's end is known (bytes after it — a tar's padding, other
 * data around an embedded stream — are not fed to a decoder that fails on them and loses its last
 * output), and check types xz-embedded refuses (SHA-256: rpm's xz payloads) do not stop it. Blocks
 * pass through as they are (their LZMA2 chunks walked to find where they end), each block's check
 * is dropped, and the index and footer are written anew for the check-less stream. Memory: the
 * current chunk header and the index (a few bytes per block).
 */
import { crc32 } from 'node:zlib';

const CHECK_SIZE = [0, 4, 4, 4, 8, 8, 8, 16, 16, 16, 32, 32, 32, 64, 64, 64];

type State =
  | { at: 'header' }
  | { at: 'block-header' }
  | { at: 'block-header-rest'; size: number }
  | { at: 'chunk' }
  | { at: 'chunk-data'; left: number }
  | { at: 'pad-check'; left: number }
  | { at: 'index' }
  | { at: 'between'; zeros: number; told: boolean }
  | { at: 'done' };

const varints = (values: number[]) => {
  const out: number[] = [];
  for (let v of values) {
    while (v >= 0x80) {
      out.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    out.push(v);
  }
  return out;
};

/** A filter before LZMA2 in a block: its ID (4: x86 BCJ, 3: delta, 5–11: other BCJs) and properties. */
export interface XzFilter {
  id: number;
  props: Uint8Array;
}

/**
 * The largest LZMA2 dictionary a block is decoded with: what `xz -6` (the default) uses, as zstd's 8 MiB window
 * (`native.ts`). xz-embedded allocates the dictionary its block header asks for and fills it as it decodes, so a stream
 * of `xz -9` (64 MiB) took as much as its output up to 64 MiB, and one of a larger dictionary (`--lzma2=dict=1536MiB`)
 * was refused, even a small one. A block asking for more is given this much instead: a stream that never reaches
 * farther back (any stream of at most this much output) decodes whole, one that does stops at that match with the
 * decoder's error, named (`xz.ts`).
 */
export const XZ_DICT_MAX = 8 * 1024 * 1024;
/** LZMA2's dictionary property: (2 | b & 1) << (b / 2 + 11) bytes, 40 for 4 GiB − 1. */
const lzma2DictSize = (b: number) => (b >= 40 ? 2 ** 32 - 1 : (2 | (b & 1)) * 2 ** ((b >> 1) + 11));
const DICT_MAX_PROP = 22; // 8 MiB
/** Told when a block's dictionary is held to XZ_DICT_MAX: the size it asked for. */
export type DictCapped = (asked: number) => void;

/**
 * A block header with only its last filter, LZMA2 — a BCJ or delta filter before it, which
 * xz-embedded here does not have, left out and given to `filters`: the x86 BCJ filter is then
 * reversed on the output (`bcj.ts`); others leave the data as they made it, which for text is the
 * text (a BCJ filter changes only branch operands) — and its dictionary held to XZ_DICT_MAX (`capped` told).
 * Sizes kept, padding and CRC32 written anew; undefined when it cannot be read.
 */
function lzma2Only(h: Uint8Array, filters: XzFilter[], capped: DictCapped): Buffer | undefined {
  const flags = h[1]!;
  let i = 2;
  const varint = () => {
    const start = i;
    while (i < h.length && h[i]! & 0x80) i++;
    i++;
    return h.subarray(start, i);
  };
  const sizes: Uint8Array[] = [];
  if (flags & 0x40) sizes.push(varint());
  if (flags & 0x80) sizes.push(varint());
  let last: Uint8Array | undefined;
  for (let f = 0; f <= (flags & 0x03); f++) {
    const start = i;
    const id = varint(); // the filter ID
    const propsSize = h[i]!;
    varint();
    i += propsSize;
    if (i > h.length - 4) return undefined;
    last = h.subarray(start, i);
    if (f < (flags & 0x03)) filters.push({ id: id.length === 1 ? id[0]! : -1, props: h.subarray(i - propsSize, i) });
  }
  const lzma2 = [...last!];
  const dictAt = lzma2.length - 1; // LZMA2's one property byte (ID 0x21, size 1): the dictionary
  const held = lzma2[0] === 0x21 && lzma2[1] === 1 && lzma2[dictAt]! > DICT_MAX_PROP && lzma2[dictAt]! <= 40;
  if (held) {
    capped(lzma2DictSize(lzma2[dictAt]!));
    lzma2[dictAt] = DICT_MAX_PROP;
  }
  if ((flags & 0x03) === 0 && !held) return Buffer.from(h);
  const body = [0, flags & 0xfc, ...sizes.flatMap((v) => [...v]), ...lzma2];
  while ((body.length + 4) % 4) body.push(0);
  body[0] = (body.length + 4) / 4 - 1;
  const out = Buffer.alloc(body.length + 4);
  out.set(body);
  out.writeUInt32LE(crc32(out.subarray(0, body.length)), body.length);
  return out;
}

/** A stream header's magic and flags (the first flag byte zero, the reserved bits of the second clear). */
const startsStream = (d: Uint8Array, i: number) =>
  d[i] === 0xfd &&
  d[i + 1] === 0x37 &&
  d[i + 2] === 0x7a &&
  d[i + 3] === 0x58 &&
  d[i + 4] === 0x5a &&
  d[i + 5] === 0 &&
  d[i + 6] === 0 &&
  (d[i + 7]! & 0xf0) === 0;

export class XzWalk {
  #state: State = { at: 'header' };
  #pending: Buffer = Buffer.alloc(0);
  #check = 0;
  /** This block's size so far (header + compressed data), for its padding and the index. */
  #blockSize = 0;
  #blockOut = 0;
  readonly #records: Array<[number, number]> = [];

  /** Input bytes walked before this push (carried ones included): where in the content a byte is. */
  #seen = 0;

  /** `out` gets the rewritten stream. */
  constructor(
    readonly out: (bytes: Uint8Array) => void,
    readonly fail: (why: string) => void,
    /** Told of each block: the filters before its LZMA2 (first to last), and once it ends, its decoded size. */
    readonly blocks?: { start(filters: XzFilter[]): void; end(size: number): void },
    /**
     * Given, streams that follow the first (`cat a.xz b.xz`, stream padding between them) are walked on as more blocks
     * of the one rewritten stream, as `xz -dc` gives their output as one (its index written once what follows is no
     * stream), each told here by its offset in the content as soon as its first 8 bytes are in.
     */
    readonly joined?: (offset: number) => void,
    /** Told of a block whose dictionary is held to XZ_DICT_MAX (`lzma2Only`). */
    readonly capped: DictCapped = () => undefined,
  ) {}

  get done(): boolean {
    return this.#state.at === 'done';
  }

  /** The input ended: a walk waiting after a stream for another ends the rewritten stream there. */
  finish(): void {
    if (this.#state.at !== 'between') return;
    this.out(this.#index());
    this.#state = { at: 'done' };
  }

  /**
   * The index's CRC-32 and the footer's magic: a block header's size byte damaged to 0 reads as an index (the stream's
   * blocks then never read), which only this tells from an empty stream's.
   */
  #indexChecks(data: Buffer, i: number, end: number): boolean {
    if (data.readUInt32LE(end - 16) === crc32(data.subarray(i, end - 16)) && data.toString('latin1', end - 2, end) === 'YZ') return true;
    this.#state = { at: 'done' };
    this.fail('an index or footer that does not check (a damaged block header, or a damaged index)');
    return false;
  }

  /** Walks `input`; returns how many of its bytes belonged to the stream. */
  push(input: Uint8Array): number {
    const data: Buffer = this.#pending.length ? Buffer.concat([this.#pending, input]) : Buffer.from(input.buffer, input.byteOffset, input.length);
    const carried = this.#pending.length;
    this.#pending = Buffer.alloc(0);
    let i = 0;
    const base = this.#seen - carried;
    this.#seen += input.length;
    const need = (n: number) => {
      if (data.length - i >= n) return true;
      this.#pending = Buffer.from(data.subarray(i));
      i = data.length;
      return false;
    };
    while (i < data.length && this.#state.at !== 'done') {
      const s = this.#state;
      if (s.at === 'header') {
        if (!need(12)) break;
        i = this.#header(data, i);
      } else if (s.at === 'between') {
        const r = this.#between(s, data, i, base);
        i = r.i;
        if (r.more && !need(data.length - i + 1)) break;
      } else if (s.at === 'block-header') {
        if (data[i] === 0) {
          this.#state = { at: 'index' };
          continue;
        }
        this.#state = { at: 'block-header-rest', size: (data[i]! + 1) * 4 };
      } else if (s.at === 'block-header-rest') {
        if (!need(s.size)) break;
        const filters: XzFilter[] = [];
        const header = lzma2Only(data.subarray(i, i + s.size), filters, this.capped);
        if (!header) {
          this.#state = { at: 'done' };
          this.fail('a block header that cannot be read');
          break;
        }
        this.out(header);
        this.blocks?.start(filters);
        i += s.size;
        this.#blockSize = header.length;
        this.#blockOut = 0;
        this.#state = { at: 'chunk' };
      } else if (s.at === 'chunk') {
        const used = this.#chunkHeader(data, i);
        if (used === undefined) {
          if (!need(data.length - i + 1)) break;
          continue;
        }
        i += used;
      } else if (s.at === 'chunk-data') {
        const take = Math.min(s.left, data.length - i);
        this.out(data.subarray(i, i + take));
        i += take;
        s.left -= take;
        if (!s.left) this.#state = { at: 'chunk' };
      } else if (s.at === 'pad-check') {
        const take = Math.min(s.left, data.length - i);
        i += take; // padding was written already; the check is dropped
        s.left -= take;
        if (!s.left) this.#state = { at: 'block-header' };
      } else if (s.at === 'index') {
        // The stream's own index and footer are read past (their length: records, padding, CRC, 12-byte footer).
        const end = this.#indexEnd(data, i);
        if (end === undefined) {
          if (!need(data.length - i + 1)) break;
          continue;
        }
        if (!this.#indexChecks(data, i, end)) break;
        i = end;
        if (this.joined) this.#state = { at: 'between', zeros: 0, told: false };
        else {
          this.out(this.#index());
          this.#state = { at: 'done' };
        }
      }
    }
    return Math.max(0, i - carried);
  }

  /** The first stream's header at `i`: written with no check; where it ends. */
  #header(data: Buffer, i: number): number {
    this.#check = data[i + 7]! & 0x0f;
    const flags = Buffer.from([0, 0]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32LE(crc32(flags));
    this.out(Buffer.concat([data.subarray(i, i + 6), flags, crc]));
    this.#state = { at: 'block-header' };
    return i + 12;
  }

  /**
   * After a stream's footer: its stream padding (zeros, a multiple of four), then another stream's header — its blocks
   * go on as this stream's, the header not written — or what is none, where the walk ends (the router reads on in it).
   * Where it stopped in `data`, and whether it needs bytes not there yet (a header's first 8, then its 12).
   */
  #between(s: { zeros: number; told: boolean }, data: Buffer, i: number, base: number): { i: number; more: boolean } {
    while (!s.told && i < data.length && data[i] === 0) [i, s.zeros] = [i + 1, s.zeros + 1];
    if (i === data.length) return { i, more: false };
    if (data.length - i < 8) return { i, more: true };
    if (s.zeros % 4 !== 0 || !startsStream(data, i)) {
      this.finish();
      return { i, more: false };
    }
    if (!s.told) this.joined?.(base + i);
    s.told = true;
    if (data.length - i < 12) return { i, more: true };
    this.#check = data[i + 7]! & 0x0f;
    this.#state = { at: 'block-header' };
    return { i: i + 12, more: false };
  }

  /** An LZMA2 chunk's header (or the block's end mark) at `i`: written, the state set; how many bytes it took, or undefined while more are needed. */
  #chunkHeader(data: Buffer, i: number): number | undefined {
    const c = data[i]!;
    if (c === 0) {
      this.out(data.subarray(i, i + 1));
      this.#blockSize++;
      const pad = (4 - (this.#blockSize % 4)) % 4;
      this.#records.push([this.#blockSize, this.#blockOut]);
      this.blocks?.end(this.#blockOut);
      this.#state = { at: 'pad-check', left: pad + CHECK_SIZE[this.#check]! };
      if (pad) this.out(Buffer.alloc(pad));
      return 1;
    }
    if (c === 1 || c === 2) {
      if (data.length - i < 3) return undefined;
      const size = data.readUInt16BE(i + 1) + 1;
      this.#blockOut += size;
      this.#chunk(data.subarray(i, i + 3), size);
      return 3;
    }
    if (c >= 0x80) {
      const header = c >= 0xc0 ? 6 : 5;
      if (data.length - i < header) return undefined;
      this.#blockOut += (c & 0x1f) * 0x10000 + data.readUInt16BE(i + 1) + 1;
      this.#chunk(data.subarray(i, i + header), data.readUInt16BE(i + 3) + 1);
      return header;
    }
    this.#state = { at: 'done' };
    this.fail(`an LZMA2 chunk of unknown kind ${c}`);
    return 1;
  }

  #chunk(header: Uint8Array, size: number): void {
    this.out(header);
    this.#blockSize += header.length + size;
    this.#state = { at: 'chunk-data', left: size };
  }

  /** Where the stream's index and footer end, or undefined while they are not all here. */
  #indexEnd(data: Buffer, at: number): number | undefined {
    let i = at + 1;
    const read = () => {
      let v = 0;
      for (let shift = 1; i < data.length; shift *= 0x80) {
        const b = data[i++]!;
        v += (b & 0x7f) * shift;
        if (!(b & 0x80)) return v;
      }
      return undefined;
    };
    const count = read();
    if (count === undefined) return undefined;
    for (let r = 0; r < 2 * count; r++) if (read() === undefined) return undefined;
    const end = i + ((4 - ((i - at) % 4)) % 4) + 4 + 12;
    return end <= data.length ? end : undefined;
  }

  /** The index and footer of the rewritten stream: each block's size without its check. */
  #index(): Buffer {
    const body = [0, ...varints([this.#records.length]), ...varints(this.#records.flat())];
    while (body.length % 4) body.push(0);
    const index = Buffer.from(body);
    const crc = Buffer.alloc(4);
    crc.writeUInt32LE(crc32(index));
    const footer = Buffer.alloc(12);
    footer.writeUInt32LE((index.length + 4) / 4 - 1, 4);
    footer.writeUInt32LE(crc32(footer.subarray(4, 10)), 0);
    footer.write('YZ', 10, 'latin1');
    return Buffer.concat([index, crc, footer]);
  }
}
