/**
 * A PostgreSQL data directory in an image (a database preloaded at build time, a `COPY` of pgdata):
 * its relation files are pages (8 KiB by default, `pd_pagesize_version` 0x2004) and its WAL segments
 * pages with their own headers. A value over ~2 KiB is stored compressed (pglz.ts), inline in its
 * row or moved out of line into the TOAST table, cut into ~2 KiB chunks (one row each: `chunk_id`,
 * `chunk_seq`, `chunk_data`) — so neither a compressed value nor an uncompressed one across two
 * chunks is plain in the file. Read here: every inline compressed datum of a page (int-aligned within
 * its tuples' area) decoded; every TOAST chunk row gathered by `chunk_id` and joined in order, then
 * decoded if it is a compressed datum, else read joined as it is; in WAL segments, the records'
 * bytes with the page headers taken out, every offset tried for an inline datum (records keep no
 * alignment; a full-page image holds its page's rows). What is decoded is written to `path!(values)`;
 * the file's own bytes are read on as plain content under its path, as before.
 */
import { compressedValue, inlineValues, unlz4, unpglz } from './pglz.js';
import type { Decoder, DecodeEnv, Sink } from './types.js';

/** What is held of TOAST chunks before the oldest values are joined as they are (a value's chunks are written together). */
const MAX_HELD = 16 << 20;
const NL = Buffer.from('\n');
const u16 = (b: Uint8Array, at: number) => b[at]! | (b[at + 1]! << 8);
const u32 = (b: Uint8Array, at: number) => (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
const powerOfTwo = (n: number, min: number, max: number) => n >= min && n <= max && (n & (n - 1)) === 0;

/** A page size from a relation page's header at 0 (`pd_pagesize_version`: size | layout version 4), its pointers sane. */
export function relationPageSize(h: Uint8Array): number | undefined {
  if (h.length < 24 || h[18] !== 4) return undefined;
  const size = u16(h, 18) & 0xff00 || 0x10000;
  const [lower, upper, special] = [u16(h, 12), u16(h, 14), u16(h, 16)];
  if (!powerOfTwo(size, 1024, 32768) || u16(h, 10) > 7) return undefined;
  return lower >= 24 && (lower - 24) % 4 === 0 && lower <= upper && upper <= special && special <= size ? size : undefined;
}

/** A WAL segment's page size from its first page's long header (magic of PostgreSQL 11–18, segment and page sizes). */
export function walPageSize(h: Uint8Array): number | undefined {
  if (h.length < 40 || h[1] !== 0xd1 || h[0]! < 0x01 || !(u16(h, 2) & 0x0002)) return undefined;
  return powerOfTwo(u32(h, 32), 1 << 20, 1 << 30) && powerOfTwo(u32(h, 36), 1024, 32768) ? u32(h, 36) : undefined;
}

/** The TOAST chunk rows of a relation page: [chunk_id, chunk_seq, chunk_data] for each row of that shape. */
export function* toastChunks(page: Uint8Array): Generator<[number, number, Uint8Array]> {
  const lower = u16(page, 12);
  for (let p = 24; p + 4 <= lower && p + 4 <= page.length; p += 4) {
    const lp = u32(page, p);
    const [off, flags, len] = [lp & 0x7fff, (lp >>> 15) & 3, lp >>> 17];
    if (flags !== 1 || len < 34 || off + len > page.length) continue; // LP_NORMAL only
    if ((u16(page, off + 18) & 0x7ff) !== 3 || page[off + 22] !== 24) continue; // three columns, no nulls
    const seq = u32(page, off + 28);
    if (seq > 1 << 20) continue;
    const v = off + 32;
    const b = page[v]!;
    const [size, head] = b & 1 ? [b >>> 1, 1] : (b & 3) === 0 ? [u32(page, v) >>> 2, 4] : [0, 0];
    if (head && size === len - 32 && size > head) yield [u32(page, off + 24), seq, page.subarray(v + head, v + size)];
  }
}

/** Chunks gathered by value, joined in order once the value is complete or the hold is full. */
class Toast {
  /** Each value's chunks by their sequence number (a map: a damaged number far past the rest costs nothing). */
  readonly #values = new Map<number, Map<number, Uint8Array>>();
  #held = 0;

  add(id: number, seq: number, data: Uint8Array): Buffer[] {
    let chunks = this.#values.get(id);
    if (!chunks) this.#values.set(id, (chunks = new Map()));
    chunks.set(seq, Buffer.from(data));
    this.#held += data.length;
    const out: Buffer[] = [];
    for (const oldest of this.#values.keys()) {
      if (this.#held <= MAX_HELD || oldest === id) break;
      out.push(this.#take(oldest));
    }
    return out;
  }

  /** Every value still held, joined. */
  drain(): Buffer[] {
    return [...this.#values.keys()].map((id) => this.#take(id));
  }

  /** Values that could not be joined whole or decoded (a chunk missing, a compressed one that does not decode): how many, and the first reason. */
  broken = 0;
  why = '';

  #take(id: number): Buffer {
    const chunks = this.#values.get(id)!;
    this.#values.delete(id);
    const seqs = [...chunks.keys()].sort((a, b) => a - b);
    const joined = Buffer.concat(seqs.map((k) => chunks.get(k)!));
    this.#held -= joined.length;
    const value = compressedValue(joined, 0, joined.length);
    // A gap among two or more chunks, fewer missing than held: rows of other tables that have a chunk's shape (three
    // columns, two integers first: a catalog's) give one row per "value" or numbers far apart.
    const missing = seqs.at(-1)! + 1 - seqs.length;
    if (missing && seqs.length >= 2 && missing <= seqs.length) this.#broke(`a value missing ${missing} of its ${seqs.at(-1)! + 1} chunks`);
    else if (!value && looksCompressed(joined)) this.#broke('a value whose compressed chunks do not decode');
    return value ?? joined;
  }

  #broke(why: string): void {
    if (!this.broken++) this.why = why;
  }
}

/**
 * Whether joined chunks begin as a compressed datum does: a method PostgreSQL writes (pglz, LZ4) and an uncompressed
 * size above the compressed one and within the most either expands (pglz under 100 times, LZ4 255). Text read as that
 * header gives a size in the hundreds of millions, which only a value of megabytes could reach.
 */
function looksCompressed(b: Buffer): boolean {
  if (b.length < 6) return false;
  const tcinfo = b.readUInt32LE(0);
  const raw = tcinfo & 0x3fffffff;
  return tcinfo >>> 30 <= 1 && raw > b.length - 4 && raw <= (b.length - 4) * 255;
}

/** XLogRecord's header, and the most of one record gathered to read its block images (a record may be ~1 GiB). */
const RECORD_HEAD = 24;
const MAX_RECORD = 64 << 20;

/**
 * The records of a WAL segment walked one after another (each MAXALIGN'd in the records' bytes, page headers taken out),
 * for the full-page images `wal_compression` stored compressed: a page's image after the first change since a
 * checkpoint, which with `wal_level` replica is the only copy of the rows that change wrote. pglz (PostgreSQL 9.5+,
 * `wal_compression = on | pglz`) and LZ4 (15+) are decoded here, each to its page (its hole left out); zstd (15+) is a
 * zstd frame the file's own read finds. The block image flags moved in 15 (the page magic 0xD110): before, 0x02 was
 * "compressed" (pglz), since, 0x04 pglz, 0x08 LZ4, 0x10 zstd. The walk stops at a record it cannot read (the WAL's end:
 * a zero length, stale bytes of a recycled segment).
 */
export class WalWalk {
  #bytes = Buffer.alloc(0);
  /** Where the next record starts in #bytes; -1 once the walk stopped. */
  #at = 0;
  #first = true;
  #v15 = true;
  #found: Buffer[] = [];

  constructor(readonly pageSize: number) {}

  /** A page of the segment whose header is `head` bytes. */
  page(page: Uint8Array, head: number): void {
    if (this.#first) {
      this.#first = false;
      this.#v15 = u16(page, 0) >= 0xd110;
      // A record continued from the segment before: its rest (xlp_rem_len) comes first.
      if (page.length >= 20 && u16(page, 2) & 0x0001) this.#at = (u32(page, 16) + 7) & ~7;
    }
    if (this.#at < 0 || page.length <= head) return;
    this.#bytes = this.#bytes.length ? Buffer.concat([this.#bytes, page.subarray(head)]) : Buffer.from(page.subarray(head));
    this.#records();
  }

  /** The images decoded since the last call. */
  images(): Buffer[] {
    const found = this.#found;
    this.#found = [];
    return found;
  }

  #records(): void {
    const b = this.#bytes;
    while (this.#at >= 0 && this.#at + 4 <= b.length) {
      const total = u32(b, this.#at);
      if (total < RECORD_HEAD || total > MAX_RECORD) {
        this.#at = -1;
        break;
      }
      if (this.#at + total > b.length) break;
      if (!this.#record(b.subarray(this.#at, this.#at + total))) {
        this.#at = -1;
        break;
      }
      this.#at += (total + 7) & ~7;
    }
    if (this.#at < 0) this.#bytes = Buffer.alloc(0);
    else if (this.#at > 0) {
      this.#bytes = Buffer.from(b.subarray(Math.min(this.#at, b.length)));
      this.#at = Math.max(0, this.#at - b.length);
    }
  }

  /** One record's block headers, then its images: false when the headers do not read (not a record). */
  #record(r: Buffer): boolean {
    const blocks: { image: number; info: number; hole: number; data: number }[] = [];
    let p = RECORD_HEAD;
    let main = 0;
    // As DecodeXLogRecord reads them: headers while the bytes left are more than the data they declared.
    let declared = 0;
    while (r.length - p > declared) {
      const id = r[p++]!;
      if (id === 255) {
        main = r[p++] ?? 0;
        break;
      }
      if (id === 254) {
        if (p + 4 > r.length) return false;
        main = u32(r, p);
        p += 4;
        break;
      }
      if (id === 253 || id === 252) {
        p += id === 253 ? 2 : 4;
        continue;
      }
      if (id > 32 || p + 3 > r.length) return false;
      const flags = r[p]!;
      const block = { image: 0, info: 0, hole: 0, data: u16(r, p + 1) };
      p += 3;
      if (flags & 0x10) {
        if (p + 5 > r.length) return false;
        block.image = u16(r, p);
        const holeAt = u16(r, p + 2);
        block.info = r[p + 4]!;
        p += 5;
        if (block.info & 0x01) {
          if (this.#method(block.info)) {
            block.hole = u16(r, p);
            p += 2;
          } else block.hole = this.pageSize - block.image;
        }
        if (holeAt + block.hole > this.pageSize) return false;
      }
      p += (flags & 0x80 ? 0 : 12) + 4;
      declared += block.image + block.data;
      blocks.push(block);
    }
    let at = p;
    for (const block of blocks) {
      const method = this.#method(block.info);
      if (block.image && method) {
        const raw = this.pageSize - block.hole;
        const image = r.subarray(at, at + block.image);
        const page = method === 'pglz' ? unpglz(image, raw) : method === 'lz4' ? unlz4(image, raw) : undefined;
        if (page) this.#found.push(page);
      }
      at += block.image + block.data;
    }
    return at + main === r.length;
  }

  #method(info: number): 'pglz' | 'lz4' | 'zstd' | undefined {
    if (!this.#v15) return info & 0x02 ? 'pglz' : undefined;
    return info & 0x04 ? 'pglz' : info & 0x08 ? 'lz4' : info & 0x10 ? 'zstd' : undefined;
  }
}

function reader(env: DecodeEnv, pageSize: number, wal: boolean) {
  const plain = env.openAt(env.path);
  const values: Sink = env.openAt(`${env.path.endsWith('!') ? env.path : `${env.path}!`}(values)`);
  const toast = new Toast();
  let pending = Buffer.alloc(0);
  let first = true;
  let records = Buffer.alloc(0); // WAL: the records' bytes not yet settled, page headers taken out
  const emit = async (found: Iterable<Buffer>) => {
    for (const v of found) {
      if (!env.allow(v.length + 1)) return;
      await values.write(Buffer.concat([v, NL]));
    }
  };
  const walk = wal ? new WalWalk(pageSize) : undefined;
  const walRecords = async (page: Buffer, last: boolean) => {
    const head = page[2]! & 0x02 ? 40 : 24;
    walk!.page(page, head);
    records = Buffer.concat([records, page.subarray(Math.min(head, page.length))]);
    const settled = last ? records.length : Math.max(0, records.length - pageSize);
    await emit(inlineValues(records, 0, records.length, 1, settled));
    records = records.subarray(settled);
    for (const image of walk!.images()) {
      if (!env.allow(image.length + 1)) return;
      await values.write(Buffer.concat([image, NL]));
      if (relationPageSize(image) === pageSize) {
        await emit(inlineValues(image, u16(image, 14), u16(image, 16), 4));
        for (const [id, seq, data] of toastChunks(image)) await emit(toast.add(id, seq, data));
      }
    }
  };
  const page = async (p: Buffer, last: boolean) => {
    if (wal) return walRecords(p, last);
    if (p.length < 24 || relationPageSize(p) !== pageSize) return;
    await emit(inlineValues(p, u16(p, 14), u16(p, 16), 4));
    for (const [id, seq, data] of toastChunks(p)) await emit(toast.add(id, seq, data));
  };
  return {
    async push(bytes: Uint8Array) {
      if (env.stopped) return;
      // Less the first page's header, which holds nothing of the rows, so that the plain read is not claimed again.
      const skip = first ? Math.min(bytes.length, wal ? 40 : 24) : 0;
      first = false;
      if (skip < bytes.length && env.allow(bytes.length - skip)) await plain.write(bytes.subarray(skip));
      pending = pending.length ? Buffer.concat([pending, bytes]) : Buffer.from(bytes);
      let at = 0;
      for (; at + pageSize <= pending.length && !env.stopped; at += pageSize) await page(pending.subarray(at, at + pageSize), false);
      pending = Buffer.from(pending.subarray(at));
    },
    async end() {
      await plain.end();
      if (!env.stopped) {
        await page(pending, true);
        await emit(toast.drain());
      }
      await values.end();
      if (toast.broken && !env.stopped)
        env.limit(
          `a PostgreSQL file with ${toast.broken} TOAST value${toast.broken > 1 ? 's' : ''} not read whole (the first: ${toast.why}): not fully audited`,
        );
    },
  };
}

export const postgres: Decoder = {
  name: 'PostgreSQL file',
  sniff: (h) => relationPageSize(h) !== undefined || walPageSize(h) !== undefined,
  open(env: DecodeEnv) {
    let opened: ReturnType<typeof reader> | undefined;
    let head = Buffer.alloc(0); // the first page's header, gathered before the kind of file is told from it
    const start = () => {
      const wal = walPageSize(head);
      opened = reader(env, wal ?? relationPageSize(head) ?? 8192, wal !== undefined);
      return opened.push(head);
    };
    return {
      async push(bytes) {
        if (opened) return opened.push(bytes);
        head = Buffer.concat([head, bytes]);
        if (head.length >= 40) await start();
      },
      async end() {
        if (!opened) await start();
        await opened!.end();
      },
    };
  },
};
