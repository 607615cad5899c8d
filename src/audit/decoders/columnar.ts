/**
 * Columnar data files whose pages are compressed by codecs with no magic number: Apache Parquet (pandas', pyarrow's,
 * DuckDB's and Spark's default is snappy; lz4 and brotli too — each page one raw block) and Apache ORC (zlib as raw
 * deflate, snappy, lz4: the file cut into chunks of at most a compression block). A token in a column of such a file is
 * a back-reference after its first rows (`ghp_` taken from the row before): no byte run of the file holds it, and no
 * stream search finds a block with no header. Both formats lay their pages out one after the other, so they are walked
 * from the file's first byte as they stream, each page's bounds read from its own header:
 *
 * - Parquet: `PAR1`, then each page's Thrift (compact protocol) PageHeader — its type, its uncompressed and compressed
 *   sizes, and for a v2 data page the lengths of the levels it keeps uncompressed before the values — then its body.
 *   A struct between pages that is no page header (arrow-rs and polars write a column's ColumnMetaData after its
 *   pages) is passed over; the walk ends where none stands, or at the second such struct in a row (the footer's).
 * - ORC: `ORC`, then chunks each behind a 3-byte little-endian header (`length << 1 | original`), the index, data and
 *   footer streams alike, up to the postscript. An original chunk is stored as it is.
 *
 * A compressed body is decoded by the magicless trial (`magiclessValue`: raw snappy or LZ4 block, raw deflate, brotli)
 * and taken only where a stream fills it exactly — and, in Parquet, gives the size its header declares; what it gives
 * is routed as content of its own (`FILE@OFFSET!`). gzip and zstd pages hold their magic and are found by the plain
 * read, which every byte of the file gets too.
 */
import { magiclessValue } from './value-streams.js';
import { startsWith, type DecodeEnv, type Decoder, type Decoding } from './types.js';

/**
 * A compressed page or chunk larger than this is not decoded (pyarrow's and Spark's pages are 1 MiB, ORC's blocks 256
 * KiB): it is held whole to be decoded, so the walk ends there, named. A page stored as it is is passed over unheld.
 */
const MAX_PAGE = 16 << 20;
/** A page header larger than this is not one (its statistics hold a column's min and max values). */
const MAX_HEADER = 1 << 20;

/** A page's bounds (its body's, when compressed); `other`: a struct that is no page header, passed over once. */
type Step = { need: number } | { next: number; body?: { from: number; to: number; size?: number }; other?: true } | 'end';

/** Thrift's compact protocol, as far as a PageHeader needs: field headers, zigzag varints, skipped values. */
class Compact {
  constructor(
    readonly b: Uint8Array,
    public at: number,
  ) {}

  /** An unsigned varint (throws past the bytes held: the header is not all there yet). */
  varint(): number {
    let v = 0;
    for (let shift = 0; shift < 64; shift += 7) {
      if (this.at >= this.b.length) throw SHORT;
      const x = this.b[this.at++]!;
      v += (x & 0x7f) * 2 ** shift;
      if (!(x & 0x80)) return v;
    }
    throw BAD;
  }

  int(): number {
    const z = this.varint();
    return z % 2 ? -(z + 1) / 2 : z / 2;
  }

  /** Skips a value of compact type `type` (bools in a field header hold their value). */
  skip(type: number, depth = 0): void {
    if (depth > 16) throw BAD;
    if (type === 1 || type === 2) return;
    if (type === 3) return void this.bytes(1);
    if (type >= 4 && type <= 6) return void this.varint();
    if (type === 7) return void this.bytes(8);
    if (type === 8) return void this.bytes(this.varint());
    if (type === 9 || type === 10) {
      const head = this.bytes(1)[0]!;
      const size = head >> 4 === 15 ? this.varint() : head >> 4;
      for (let i = 0; i < size; i++) this.skip((head & 15) === 1 ? 3 : head & 15, depth + 1);
      return;
    }
    if (type === 11) {
      const size = this.varint();
      const kinds = size ? this.bytes(1)[0]! : 0;
      for (let i = 0; i < size; i++) [kinds >> 4, kinds & 15].forEach((t) => this.skip(t === 1 ? 3 : t, depth + 1));
      return;
    }
    if (type === 12) return void this.fields(() => false, depth + 1);
    throw BAD;
  }

  bytes(n: number): Uint8Array {
    if (this.at + n > this.b.length) throw SHORT;
    this.at += n;
    return this.b.subarray(this.at - n, this.at);
  }

  /** A struct's fields to its STOP: each given to `read` (which reads it and says so), else skipped. */
  fields(read: (id: number, type: number) => boolean, depth = 0): void {
    let id = 0;
    for (;;) {
      const head = this.bytes(1)[0]!;
      if (head === 0) return;
      id = head >> 4 ? id + (head >> 4) : this.int();
      if (!read(id, head & 15)) this.skip(head & 15, depth);
    }
  }
}
const SHORT = new Error('short');
const BAD = new Error('not a page header');

/** The Parquet page at `at` of `b`: its body's bounds and its declared output, `need` when it is not all held yet, or 'end'. */
function parquetPage(b: Uint8Array, at: number): Step {
  const c = new Compact(b, at);
  const h = { type: -1, raw: -1, size: -1, levels: 0, compressed: true };
  try {
    c.fields((id, type) => {
      if (id === 1 && type === 5) h.type = c.int();
      else if (id === 2 && type === 5) h.raw = c.int();
      else if (id === 3 && type === 5) h.size = c.int();
      else if (id === 8 && type === 12)
        c.fields((v2, t) => {
          if ((v2 === 5 || v2 === 6) && t === 5) h.levels += c.int();
          else if (v2 === 7 && (t === 1 || t === 2)) h.compressed = t === 1;
          else return false;
          return true;
        });
      else return false;
      return true;
    });
  } catch (e) {
    // Asked again once twice as many bytes are held: a header's bytes read a bounded number of times.
    if (e === SHORT) return c.at - at > MAX_HEADER ? 'end' : { need: Math.max(c.at - at + 1, 2 * (b.length - at)) };
    return 'end';
  }
  // A struct that is no page header: arrow-rs and polars write each column's ColumnMetaData after its pages.
  if (h.raw < 0 || h.size < 0) return { next: c.at, other: true };
  if (h.type < 0 || h.type > 3 || h.levels > h.size) return 'end';
  const next = c.at + h.size;
  // Stored as it is (codec UNCOMPRESSED, a v2 page not compressed): read by the plain read, passed over as it comes.
  if (h.raw === h.size || !h.compressed) return { next };
  if (next > b.length) return { need: next - at };
  return { next, body: { from: c.at + h.levels, to: next, size: h.raw - h.levels } };
}

/** The ORC chunk at `at` of `b` (after `ORC`): its body's bounds, `need`, or 'end'. */
function orcChunk(b: Uint8Array, at: number): Step {
  if (at + 3 > b.length) return { need: 3 };
  const header = b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16);
  const size = header >>> 1;
  if (size === 0) return 'end';
  const next = at + 3 + size;
  if (header & 1) return { next };
  if (next > b.length) return { need: 3 + size };
  return { next, body: { from: at + 3, to: next } };
}

/**
 * A Decoding that writes the file through as plain and walks its pages from `first` as they arrive (`step`), each
 * compressed body decoded by the magicless trial. Holds at most one page (MAX_PAGE) and what came after it. A page cut
 * by the file's end is read as plain only: the walk cannot tell it from the footer's bytes read as a header.
 */
function walked(env: DecodeEnv, format: string, first: number, step: (b: Uint8Array, at: number) => Step): Decoding {
  const plain = env.openAt(env.path);
  const base = env.path.endsWith('!') ? env.path.slice(0, -1) : env.path;
  /** The bytes from the page being walked on; `offset`, the file offset of their first; `at`, where in them the next page begins. */
  let held = Buffer.alloc(0);
  let offset = 0;
  let at = first;
  /** How many bytes `held` must hold before the next step can tell. */
  let need = 0;
  let done = false;
  let seen = 0;
  let other = false;
  const decoded = async (body: Uint8Array, where: number, size?: number) => {
    const out = await magiclessValue(body, () => true);
    if (!out || (size !== undefined && out.length !== size) || !env.allow(out.length)) return;
    const sink = env.openAt(`${base}@${where}!`);
    await sink.write(out);
    await sink.end();
  };
  /** Walks the pages held; `last`: the file has ended, and a page not whole is cut (read as plain only). */
  const walk = async (last = false) => {
    while (!done && !env.stopped) {
      const s = step(held, at);
      if (s === 'end' || (last && 'need' in s)) done = true;
      else if ('need' in s) {
        need = at + s.need;
        if (s.need <= MAX_PAGE + MAX_HEADER) return;
        done = true;
        env.limit(`a compressed ${format} page of ${s.need} bytes, over ${MAX_PAGE >> 20} MiB: it and the pages after it read as plain only`);
      } else if (s.other && other) done = true;
      else {
        // Two structs that are no page header in a row: the footer (FileMetaData, then its length and `PAR1`).
        other = s.other === true;
        if (s.body) await decoded(held.subarray(s.body.from, s.body.to), offset + s.body.from, s.body.size);
        at = s.next;
      }
    }
  };
  return {
    async push(bytes) {
      if (env.stopped) return;
      // The magic as blanks: the plain read under the file's own path is not claimed by this decoder again.
      const blank = Math.max(0, Math.min(first - seen, bytes.length));
      seen += bytes.length;
      if (env.allow(bytes.length)) await plain.write(blank ? Buffer.concat([Buffer.alloc(blank, 0x20), bytes.subarray(blank)]) : bytes);
      if (done) return;
      // The pages walked are dropped (`at` past the bytes held: a stored page still coming, passed over as it comes);
      // only a compressed page not yet whole is held, with what follows it.
      const kept = Math.min(at, held.length);
      held = Buffer.concat([held.subarray(kept), bytes]);
      offset += kept;
      at -= kept;
      need -= kept;
      if (held.length >= need) await walk();
    },
    async end() {
      await walk(true);
      await plain.end();
    },
  };
}

export const parquet: Decoder = {
  name: 'Parquet file',
  // `PAR1` then a page header's first field (type, i32: 0x15); an encrypted file (`PARE`) is not read.
  sniff: (h) => startsWith(h, [0x50, 0x41, 0x52, 0x31, 0x15]),
  open: (env) => walked(env, 'Parquet', 4, parquetPage),
};

export const orc: Decoder = {
  name: 'ORC file',
  // `ORC` then a chunk's header, whose third byte is under 8 (a chunk under 1 MiB): no text begins so ("ORCHESTRA=…").
  sniff: (h) => startsWith(h, [0x4f, 0x52, 0x43]) && h.length > 6 && h[5]! < 8,
  open: (env) => walked(env, 'ORC', 3, orcChunk),
};
