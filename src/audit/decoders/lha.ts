/**
 * LHA/LZH archives (`.lzh`, `.lha`: `lha a` of jlha-utils and LHa for UNIX; old vendor tools,
 * firmware and game bundles). Told by a header of level 0 or 1 (its size, an 8-bit checksum that
 * holds, the method `-lh?-`/`-lz?-`, DOS attributes) or of level 2 (its size, the method, and a
 * CRC-16 of the header in its common extended header that holds). Members are read as they stream:
 * each header, then its data gathered (at most 64 MiB packed or decoded; a larger member is skipped
 * and named) and decoded — -lh4- to -lh7- by lha-huffman.ts, -lh0-/-lz4- stored — to
 * `archive.lzh!/dir/name`, its CRC-16 checked (a mismatch named, the output still read); other
 * methods (-lh1- to -lh3-, -lzs-, -lz5-, -pm?-) are named as not decoded, a member that does not
 * decode named, and headers that cannot be walked or an archive cut inside a member named.
 */
import { lhDecode } from './lha-huffman.js';
import { trial, type Decoder, type DecodeEnv, type Decoding } from './types.js';

const u16 = (b: Uint8Array, i: number) => b[i]! | (b[i + 1]! << 8);
const u32 = (b: Uint8Array, i: number) => (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;
const METHOD = /^-(lh[0-7d]|lz[s45])-$/;

/** CRC-16/ARC (LHA's header and data CRC). */
function crc16(b: Uint8Array): number {
  let c = 0;
  for (const x of b) {
    c ^= x;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xa001 : c >>> 1;
  }
  return c;
}

const methodAt = (h: Uint8Array, i: number) => String.fromCharCode(...h.subarray(i + 2, i + 7));

/** A level 2 header at `i` (its `total` bytes here) whose common extended header's CRC-16 holds. */
function level2Holds(h: Uint8Array, i: number, total: number): boolean {
  let at = i + 26;
  for (let size = u16(h, i + 24); size; at += size, size = u16(h, at - 2)) {
    if (size < 3 || at + size > i + total) return false;
    if (h[at] === 0) {
      const copy = Uint8Array.from(h.subarray(i, i + total));
      copy[at - i + 1] = 0;
      copy[at - i + 2] = 0;
      return crc16(copy) === u16(h, at + 1);
    }
  }
  return false;
}

/** An LHA member's header: the bytes before its data (level 1: its extended headers are counted in `packed`), its data's. */
export interface LhaHeader {
  length: number;
  packed: number;
  original: number;
  method: string;
  level: number;
  /** The name of a level 0/1 header (level 2 and level 1's directory: in extended headers). */
  name: string;
  crc: number;
  /** Level 1: the size of its first extended header (0: none). */
  ext: number;
}

/** The header at `i` of `h`; undefined if not an LHA header; 0 if more bytes are needed. */
export function lhaHeader(h: Uint8Array, i = 0): LhaHeader | undefined | 0 {
  if (h.length < i + 22) return 0;
  if (h[i + 2] !== 0x2d || h[i + 6] !== 0x2d || h[i + 3] !== 0x6c) return undefined;
  const method = methodAt(h, i);
  const level = h[i + 20]!;
  if (!METHOD.test(method) || level > 2) return undefined;
  const common = { packed: u32(h, i + 7), original: u32(h, i + 11), method, level };
  if (level === 2) {
    const total = u16(h, i);
    if (total < 26) return undefined;
    if (h.length < i + total) return 0;
    const names = extNames(h, i + 26, u16(h, i + 24), i + total);
    return level2Holds(h, i, total) ? { ...common, length: total, name: names?.name ?? '', crc: u16(h, i + 21), ext: 0 } : undefined;
  }
  const size = h[i]!;
  const attributes = h[i + 19] === 0x20 || (level === 0 && h[i + 19] === 0);
  if (size < 20 || 22 + h[i + 21]! > size + 2 || !attributes) return undefined;
  if (h.length < i + size + 2) return 0;
  let sum = 0;
  for (let k = i + 2; k < i + 2 + size; k++) sum += h[k]!;
  const name = Buffer.from(h.subarray(i + 22, i + 22 + h[i + 21]!)).toString('latin1');
  return (sum & 0xff) === h[i + 1]
    ? { ...common, length: size + 2, name, crc: u16(h, i + 22 + h[i + 21]!), ext: level === 1 ? u16(h, i + size) : 0 }
    : undefined;
}

/** Walks extended headers from `at` (the first `size` bytes long) to `end`: the name they give (directory and file name) and where they end; undefined if they overrun. */
export function extNames(h: Uint8Array, at: number, size: number, end: number): { name: string; end: number } | undefined {
  let file = '';
  let dir = '';
  for (; size; at += size, size = u16(h, at - 2)) {
    if (size < 3 || at + size > end) return undefined;
    const text = Buffer.from(h.subarray(at + 1, at + size - 2)).toString('latin1');
    if (h[at] === 1) file = text;
    if (h[at] === 2) dir = text.replaceAll('\xff', '/');
  }
  return { name: dir && !dir.endsWith('/') ? `${dir}/${file}` : dir + file, end: at };
}

export const isLha = (h: Uint8Array): boolean => !!lhaHeader(h);

/** -lh4- to -lh7-: their dictionary's bits. */
const DICBIT: Readonly<Record<string, number>> = { '-lh4-': 12, '-lh5-': 13, '-lh6-': 15, '-lh7-': 16 };
/** The most a member may hold, packed or not, to be decoded (held whole, and its output). */
const MAX_MEMBER = 64 * 1024 * 1024;

/** An LHA archive's members as the bytes stream: each header, then its data gathered and decoded to `archive!/name`. */
class LhaMembers implements Decoding {
  #chunks: Buffer[] = [];
  #held = 0;
  #header: LhaHeader | undefined;
  #skip = 0;
  #state: 'walking' | 'done' | 'broken' = 'walking';
  #members = 0;

  constructor(readonly env: DecodeEnv) {}

  get finished(): boolean {
    return this.#state === 'done';
  }

  async push(bytes: Uint8Array): Promise<void> {
    if (this.#state !== 'walking' || this.env.stopped) return;
    this.#chunks.push(Buffer.from(bytes));
    this.#held += bytes.length;
    while (this.#state === 'walking' && !this.env.stopped) {
      if (this.#skip) {
        const n = Math.min(this.#skip, this.#held);
        this.#take(n);
        this.#skip -= n;
        if (this.#skip) return;
      } else if (!this.#header) {
        if (!this.#held || !this.#start()) return;
      } else {
        if (this.#held < this.#header.packed) return;
        const h = this.#header;
        this.#header = undefined;
        await this.#member(h, this.#take(h.packed));
      }
    }
  }

  /** The first `n` held bytes, taken. */
  #take(n: number): Buffer {
    const all = this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks);
    this.#chunks = n < all.length ? [all.subarray(n)] : [];
    this.#held -= n;
    return all.subarray(0, n);
  }

  /** Reads the next header (or the end mark): false when more bytes are needed. */
  #start(): boolean {
    if (this.#chunks.length > 1) this.#chunks = [Buffer.concat(this.#chunks)];
    const head = this.#chunks[0]!;
    if (head[0] === 0) return ((this.#state = 'done'), false);
    const h = lhaHeader(head);
    if (h === 0) {
      if (head.length > 65_600) this.#state = 'broken';
      return false;
    }
    if (!h) return ((this.#state = 'broken'), false);
    this.#take(h.length);
    this.#members++;
    if (h.packed > MAX_MEMBER || h.original > MAX_MEMBER) {
      this.env.limit(`an LHA member of ${h.original} bytes (${h.packed} packed), more than the ${MAX_MEMBER} read: not audited`);
      this.#skip = h.packed;
    } else if (h.original > this.env.ratio * h.packed + (1 << 20)) {
      this.env.limit(`an LHA member that expands more than ${this.env.ratio} times (a decompression bomb?): not audited`);
      this.#skip = h.packed;
    } else this.#header = h;
    return true;
  }

  /** Member `h`, its `data`: decoded and written. */
  async #member(h: LhaHeader, packed: Buffer): Promise<void> {
    let data = packed;
    let name = h.name;
    if (h.level === 1 && h.ext) {
      const ext = extNames(data, 0, h.ext, data.length);
      if (!ext) return void (this.#state = 'broken');
      data = data.subarray(ext.end);
      if (ext.name.endsWith('/')) name = ext.name + name;
    }
    const out = this.#decode(h, data, name);
    if (out?.length && this.env.allow(out.length)) {
      const sink = this.env.open(name || `member-${this.#members}`);
      await sink.write(out);
      await sink.end();
    }
  }

  #decode(h: LhaHeader, data: Buffer, name: string): Buffer | undefined {
    if (h.method === '-lhd-') return undefined;
    const dicbit = DICBIT[h.method];
    let out: Buffer | undefined;
    if (h.method === '-lh0-' || h.method === '-lz4-') out = data;
    else if (dicbit) {
      const r = trial(() => lhDecode(data, dicbit, h.original));
      if (!(r instanceof Buffer)) {
        this.env.limit(`a damaged LHA member ${name} (${h.method} does not decode): not audited`);
        return undefined;
      }
      out = r;
    } else {
      this.env.limit(`an LHA archive with members compressed by ${h.method}, which the audit does not decode`);
      return undefined;
    }
    if (crc16(out) !== h.crc) this.env.limit(`a damaged LHA member ${name} (its CRC-16 does not hold): read as decoded`);
    return out;
  }

  end(): void {
    if (this.env.stopped) return;
    if (this.#header || this.#skip) this.env.limit('an LHA archive cut inside a member: the rest is not audited');
    else if (this.#state === 'broken')
      this.env.limit(`an LHA archive whose headers could not be walked after ${this.#members} members: the rest is not decoded`);
  }
}

export const lha: Decoder = {
  name: 'LHA archive',
  sniff: isLha,
  open: (env) => new LhaMembers(env),
};
