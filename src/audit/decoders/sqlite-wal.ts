/**
 * SQLite write-ahead logs (`app.db-wal`: a data directory copied from a running service, the last
 * writes not yet checkpointed into `app.db`). A WAL is a 32-byte header (magic, version, page size,
 * two salts) then frames, each a 24-byte header (the page's number, the database's size after a
 * commit, the header's salts) and a page image: a page's latest version is its last frame. A row
 * larger than its page goes on in overflow pages written as frames of their own, so a value across
 * the row's part on its leaf page and its first overflow page is split in the file by frame headers
 * and other pages. The log's bytes are read on as plain content under its path (every frame, older
 * versions too, as before), its header as zeros; it is held up to MAX_WAL, and at its end each row that
 * overflows is written whole to `app.db-wal!(rows)`: each transaction's leaf pages read against the
 * pages as they were at its commit (a row since updated or deleted is still read), its chain
 * followed through the log's frames. A chain that goes on in a page the log does not hold (it is in
 * `app.db`, a file of its own) ends there. Frames with other salts (left from before a checkpoint) are
 * read as plain bytes only. Above MAX_WAL the rows are not joined: the log is named; so is a log cut inside a frame.
 */
import { createHash } from 'node:crypto';
import { geometry, localCells, overflowingCells, recordFields, recordValues, type Pages } from './sqlite.js';
import { valuesOnward, type HeldValue } from './value-streams.js';
import { heldPlain } from './held-image.js';
import type { Decoder, DecodeEnv, Decoding } from './types.js';

const HEADER = 32;
const FRAME = 24;
const MAX_WAL = 64 << 20;

/** The WAL magic (either checksum byte order), version 3007000, a page size SQLite allows. */
export function walHeader(h: Uint8Array): { size: number; salts: bigint } | undefined {
  if (h.length < HEADER) return undefined;
  const v = new DataView(h.buffer, h.byteOffset, h.byteLength);
  if ((v.getUint32(0) & ~1) !== 0x377f0682 || v.getUint32(4) !== 3007000) return undefined;
  const g = geometry(v.getUint32(8) === 65536 ? 1 : v.getUint32(8), 0);
  return g && { size: g.size, salts: v.getBigUint64(16) };
}

/**
 * Every payload that goes on in overflow pages, in each committed transaction's leaf pages (and the last, uncommitted
 * frames'), joined through the pages as the log held them then; each distinct payload once.
 */
export function* walRows(wal: Buffer): Generator<Buffer> {
  const h = walHeader(wal);
  if (!h) return;
  const frames = Math.floor((wal.length - HEADER) / (FRAME + h.size));
  const latest = new Map<number, number>();
  let count = 0;
  let touched: number[] = [];
  const seen = new Set<string>();
  const at = (f: number) => HEADER + f * (FRAME + h.size);
  for (let f = 0; f <= frames; f++) {
    const o = at(f);
    const valid = f < frames && wal.readBigUInt64BE(o + 8) === h.salts;
    if (valid) {
      const page = wal.readUInt32BE(o);
      latest.set(page, o + FRAME);
      count = Math.max(count, page);
      touched.push(page);
    }
    // A transaction ends on its commit frame (the database's size after it, not zero); the log's end ends the last.
    if (valid && wal.readUInt32BE(o + 4) === 0) continue;
    const page1 = latest.get(1);
    const usable = h.size - (page1 === undefined ? 0 : wal[page1 + 20]!);
    const pages: Pages = { size: h.size, usable, count, page: (n) => pageAt(wal, latest.get(n), h.size) };
    for (const p of new Set(touched)) {
      for (const row of overflowingCells(pages, p)) {
        const key = createHash('sha1').update(row).digest('base64');
        if (seen.has(key)) continue;
        seen.add(key);
        yield row;
      }
    }
    touched = [];
    if (!valid) break;
  }
}

/**
 * Every TEXT and BLOB value of the log's table rows: those each frame's leaf page holds (every frame, older versions
 * too), at their offset in the log, and those of the rows `walRows` joins across overflow pages.
 */
export function* walValues(wal: Buffer): Generator<HeldValue> {
  const h = walHeader(wal);
  if (!h) return;
  const frames = Math.floor((wal.length - HEADER) / (FRAME + h.size));
  for (let f = 0; f < frames; f++) {
    const o = HEADER + f * (FRAME + h.size);
    const n = wal.readUInt32BE(o);
    const image = wal.subarray(o + FRAME, o + FRAME + h.size);
    const pages: Pages = { size: h.size, usable: h.size, count: n, page: (k) => (k === n ? image : undefined) };
    for (const payload of localCells(pages, n)) for (const v of recordFields(payload) ?? []) yield { bytes: v, at: v.byteOffset - wal.byteOffset };
  }
  for (const row of walRows(wal)) for (const v of recordFields(row) ?? []) yield { bytes: v };
}

const pageAt = (wal: Buffer, o: number | undefined, size: number) => (o === undefined ? undefined : wal.subarray(o, o + size));

export const sqliteWal: Decoder = {
  name: 'SQLite write-ahead log',
  sniff: (h) => walHeader(h) !== undefined,
  open(env: DecodeEnv): Decoding {
    // The log's bytes read on as plain content under its own path, its header as zeros (nothing of the rows is in it).
    const plain = heldPlain(env, HEADER, MAX_WAL);
    const rows = env.openAt(`${env.path.endsWith('!') ? env.path : `${env.path}!`}(rows)`);
    return {
      push: (bytes) => plain.push(bytes),
      async end() {
        const wal = await plain.end();
        if (!wal && !env.stopped) env.limit(`an SQLite write-ahead log over ${MAX_WAL >> 20} MiB: rows across its pages are not joined`);
        // A log cut inside a frame (a copy taken while it was written): a row going on in that frame's page is not joined.
        const h = wal && walHeader(wal);
        const torn = h ? (wal.length - HEADER) % (FRAME + h.size) : 0;
        if (torn && !env.stopped)
          env.limit(`an SQLite write-ahead log cut short (${torn} bytes of a frame at its end): rows going on in that frame are not joined`);
        for (const row of wal && !env.stopped ? walRows(wal) : []) {
          const values = recordValues(row);
          if (!env.allow(values.length)) break;
          await rows.write(values);
        }
        await rows.end();
        // A BLOB or TEXT value that is a magicless stream (brotli, raw deflate, raw LZMA2): decoded at its offset.
        if (wal && !env.stopped) await valuesOnward(env, walValues(wal));
      },
    };
  },
};
