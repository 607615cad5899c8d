/**
 * InnoDB tablespaces of compressed tables (MySQL and MariaDB `ROW_FORMAT=COMPRESSED`: a database directory's
 * `*.ibd` baked into an image). Such a file's pages are 1–16 KiB (its FSP header's ZIP_SSIZE), and each index page
 * holds its rows as one zlib stream after the page's 94 bytes of FIL and index headers — with the window the logical
 * page size gives (16 KiB: a zlib header 0x68, not the 0x78 a search for zlib streams looks for). A column too long
 * for its row goes off page into a chain of compressed BLOB pages (ZBLOB, then ZBLOB2, each 38 bytes of FIL header
 * then the next piece of one zlib stream, linked by FIL_PAGE_NEXT). Read here: each index page's stream inflated
 * (at most MAX_PAGE_OUT bytes), each BLOB chain's pieces gathered by page number (at most MAX_HELD bytes held) and
 * its stream inflated once the file has ended, all written to `path!(pages)`; the file's own bytes are read on as
 * plain content under its path (less page 0's headers, so that they are not claimed again): a page's modification
 * log holds rows uncompressed until the page is compressed again.
 */
import { constants, inflateSync } from 'node:zlib';
import { trial, TOO_LARGE, TRIAL_CHUNK, type Decoder, type DecodeEnv, type Sink } from './types.js';

/** BLOB chain pieces held before the file ends (the largest an InnoDB column is kept to, with room). */
const MAX_HELD = 64 << 20;
/** What one index page inflates to at most (a 16 KiB logical page's records, with room). */
const MAX_PAGE_OUT = 64 << 10;
/** What one BLOB chain inflates to at most (the most held, at deflate's best). */
const MAX_BLOB_OUT = 64 << 20;
const FIL_NULL = 0xffffffff;
const INDEX = 17855;
const RTREE = 17854;
const ZBLOB = 11;
const ZBLOB2 = 12;
/** FIL header (38) and the index page header (56): where a compressed index page's stream starts. */
const PAGE_DATA = 94;
const FIL_PAGE_DATA = 38;
const NL = Buffer.from('\n');

const u32 = (b: Uint8Array, at: number) => ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
const u16 = (b: Uint8Array, at: number) => (b[at]! << 8) | b[at + 1]!;

/**
 * The physical page size of a compressed tablespace from its first page: page number 0, type FSP_HDR (8), the space id
 * in the FIL header and the FSP header alike, a size and free limit, and flags of the pre-full_crc32 layout (MySQL 5.7+,
 * MariaDB: post-Antelope, atomic BLOBs) with ZIP_SSIZE 1–5 no larger than the logical page; undefined otherwise.
 */
export function innodbZipSize(h: Uint8Array): number | undefined {
  if (h.length < 64 || u32(h, 4) !== 0 || u16(h, 24) !== 8 || u32(h, 34) !== u32(h, 38) || u32(h, 42) !== 0) return undefined;
  const flags = u32(h, 54);
  const zssize = (flags >>> 1) & 15;
  const pssize = (flags >>> 6) & 15;
  // post-Antelope and atomic BLOBs (bits 0 and 5), MariaDB's full_crc32 marker (bit 4) clear, no bits past MariaDB's 18
  if ((flags & 0x21) !== 0x21 || flags & 0x10 || flags >>> 19 || zssize < 1 || zssize > 5) return undefined;
  const logical = pssize === 0 ? 16384 : 512 << pssize;
  const size = 512 << zssize;
  if (pssize !== 0 && (pssize < 3 || pssize > 7)) return undefined;
  const pages = u32(h, 46); // FSP_SIZE, then FSP_FREE_LIMIT
  return size <= logical && pages > 0 && u32(h, 50) > 0 ? size : undefined;
}

/** A zlib stream at `at` inflated (any window), at most `max` bytes; undefined when it does not inflate. */
function inflated(b: Uint8Array, at: number, max: number): Buffer | undefined {
  if (at + 2 > b.length || (b[at]! & 0x0f) !== 8 || b[at]! >>> 4 > 7 || ((b[at]! << 8) | b[at + 1]!) % 31) return undefined;
  const out = trial(() => inflateSync(b.subarray(at), { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: max, chunkSize: TRIAL_CHUNK }));
  return out === undefined || out === TOO_LARGE ? undefined : out;
}

class Reader {
  readonly #plain: Sink;
  readonly #pages: Sink;
  #pending = Buffer.alloc(0);
  #first = true;
  /** BLOB pieces by page number: the piece, the next page, whether it starts a chain. */
  readonly #blobs = new Map<number, { piece: Buffer; next: number; first: boolean }>();
  #held = 0;

  constructor(
    readonly env: DecodeEnv,
    readonly size: number,
  ) {
    this.#plain = env.openAt(env.path);
    this.#pages = env.openAt(`${env.path.endsWith('!') ? env.path : `${env.path}!`}(pages)`);
  }

  async #emit(b: Buffer): Promise<void> {
    if (!b.length || !this.env.allow(b.length + 1)) return;
    await this.#pages.write(Buffer.concat([b, NL]));
  }

  /** What could not be read (a page, a chain): how many, and the first reason. */
  #unread = 0;
  #why = '';

  #miss(why: string): void {
    if (!this.#unread++) this.#why = why;
  }

  async #page(p: Buffer): Promise<void> {
    const type = u16(p, 24);
    if (type === INDEX || type === RTREE) {
      const out = inflated(p, PAGE_DATA, MAX_PAGE_OUT);
      if (out) await this.#emit(out);
      else this.#miss(`index page ${u32(p, 4)} does not inflate`);
    } else if ((type === ZBLOB || type === ZBLOB2) && this.#held + p.length <= MAX_HELD) {
      this.#blobs.set(u32(p, 4), { piece: Buffer.from(p.subarray(FIL_PAGE_DATA)), next: u32(p, 12), first: type === ZBLOB });
      this.#held += p.length - FIL_PAGE_DATA;
    }
  }

  async push(bytes: Uint8Array): Promise<void> {
    if (this.env.stopped) return;
    const skip = this.#first ? Math.min(bytes.length, 64) : 0;
    this.#first = false;
    if (skip < bytes.length && this.env.allow(bytes.length - skip)) await this.#plain.write(bytes.subarray(skip));
    this.#pending = this.#pending.length ? Buffer.concat([this.#pending, bytes]) : Buffer.from(bytes);
    let at = 0;
    for (; at + this.size <= this.#pending.length && !this.env.stopped; at += this.size) await this.#page(this.#pending.subarray(at, at + this.size));
    this.#pending = Buffer.from(this.#pending.subarray(at));
  }

  async end(): Promise<void> {
    await this.#plain.end();
    // A file cut inside a page (a tablespace is whole pages): what the page holds is still tried.
    if (this.#pending.length && !this.env.stopped) {
      this.#miss(`a last page of ${this.#pending.length} of ${this.size} bytes (cut short)`);
      if (this.#pending.length >= PAGE_DATA && [INDEX, RTREE].includes(u16(this.#pending, 24))) {
        const out = inflated(this.#pending, PAGE_DATA, MAX_PAGE_OUT);
        if (out) await this.#emit(out);
      }
    }
    // Each piece read in one chain at most: a chain into a piece already read (a loop, two chains through one page) ends.
    const walked = new Set<number>();
    for (const [page, start] of this.#blobs) {
      if (!start.first || this.env.stopped) continue;
      const pieces: Buffer[] = [];
      walked.add(page);
      let broken = '';
      for (let p: typeof start | undefined = start; p;) {
        pieces.push(p.piece);
        if (p.next === FIL_NULL) break;
        if (walked.has(p.next)) {
          broken = `BLOB page ${p.next} met twice`;
          break;
        }
        walked.add(p.next);
        p = this.#blobs.get(p.next);
        if (!p) broken = 'a BLOB chain whose next page is not in the file';
      }
      const out = inflated(Buffer.concat(pieces), 0, MAX_BLOB_OUT);
      if (out) await this.#emit(out);
      // A chain read whole inflates whole: one cut or damaged is named (what it gave, written).
      if (broken || !out) this.#miss(broken || `the BLOB chain from page ${page} does not inflate`);
    }
    const stray = [...this.#blobs.keys()].filter((p) => !walked.has(p)).length;
    if (stray && !this.env.stopped) this.#miss(`${stray} BLOB page${stray > 1 ? 's' : ''} in no chain`);
    this.#blobs.clear();
    await this.#pages.end();
    if (this.#unread && !this.env.stopped)
      this.env.limit(
        `an InnoDB compressed tablespace with ${this.#unread} page${this.#unread > 1 ? 's or chains' : ' or chain'} not read (the first: ${this.#why}): not fully audited`,
      );
  }
}

export const innodb: Decoder = {
  name: 'InnoDB compressed tablespace',
  sniff: (h) => innodbZipSize(h) !== undefined,
  open(env: DecodeEnv) {
    let reader: Reader | undefined;
    let head = Buffer.alloc(0);
    const start = () => (reader = new Reader(env, innodbZipSize(head) ?? 16384));
    return {
      async push(bytes) {
        if (reader) return reader.push(bytes);
        head = Buffer.concat([head, bytes]);
        if (head.length >= 64) await start().push(head);
      },
      async end() {
        if (!reader) await start().push(head);
        await reader!.end();
      },
    };
  },
};
