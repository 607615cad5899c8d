/**
 * Cython's compressed string tables. From Cython 3.1 a module's string and bytes constants are one
 * concatenated table, and from 3.3 that table is written LZSS-compressed (`CYTHON_COMPRESS_STRINGS`,
 * lzss by default; zlib, bzip2 and zstd are other choices the streams' magic numbers find) into the
 * extension module's read-only data: a password in `settings.py` cythonized into a `.so` is cut by
 * a flag byte every 8 items and by back-references wherever the text repeats.
 *
 * The format (Cython's `__pyx_lzss_decompress`): no header, no end mark — the output's length is an
 * immediate in the code. A flag byte says, least significant bit first, whether each of the next 8
 * items is a literal byte (1) or a back-reference. A reference is 2 bytes, `lo` `hi`: with `lo`
 * below 0x80 an offset of `lo` and a length of `hi`; else with `hi` below 0x80 an offset of 0x80 and
 * 9 bits (`lo`'s 7, `hi`'s bits 5–6) and a length of `hi`'s 5 low bits; else 3 bytes, an offset of
 * 0x80 and 14 bits and a length of the third byte. The length is 3 more; the offset counts back from
 * the match's end to the output's end.
 *
 * Found where a table can begin: no reference can come before 3 literals, and the table's first
 * strings are text, so a flag byte of 0xff (8 literals) followed by 8 bytes of text (the first two
 * ASCII). Decoded from there while every literal is text (printable, tab or line ends, or a UTF-8
 * byte) and every reference points inside the output — a reference copies output, text already.
 * Decoded text of at least MIN_TABLE bytes and MIN_LITERALS literals is routed as content of its own
 * (`(Cython compressed strings at N)`). A table whose first 8 items are not all literals is read from
 * a flag byte further in, and its head from the start before it that reads to it in step (`#head`).
 * Nothing else in a binary decodes to that much text: no table in the first 600 `.so` files of this
 * machine's /usr/lib/x86_64-linux-gnu (942 MiB; cython-lzss.test reads 400 of them).
 */
import { tripleCandidates } from './runs-classify.js';
import type { Sink } from './types.js';

/** Decoded text shorter than this is not routed: a chance candidate in code or data decodes a few bytes. */
export const MIN_TABLE = 64;
/**
 * Nor a table of fewer literals than this: a string then zero padding (data's alignment) decodes as references of 3
 * bytes to the string's end, over and over — text, of one string's bytes. A table's constants are literals first.
 */
const MIN_LITERALS = 32;
/** A candidate broken by a reference to before it after this many literals is looked for a head before (`#head`). */
const EARLY_LITERALS = 16;
/** How far before: a table's head holds 8 literals in a row within this many bytes. */
const BACK = 1024;
/** A table that read at most this many bytes when a chunk ended is read again from its start with the next (its head may be before a flag byte found in it). */
const CARRY = 16 * 1024;
/** A candidate not a table (`MIN_TABLE`, `MIN_LITERALS`) within this many bytes read is none: what a chunk's end carries stays short. */
const PROOF = 4096;
/** The farthest a reference reaches back (0x80 + 14 bits) and its longest copy (255 + 3): what is kept of the output. */
const WINDOW = 0x80 + (1 << 14) + 258;
/** Output gathered before it is written; then all but the last WINDOW bytes are let go. */
const FLUSH = 64 * 1024;
/** A table's decoded text is at most this: Cython's tables are a module's constants (kilobytes). */
const MAX_OUTPUT = 64 * 1024 * 1024;
/** The bytes of text a candidate's flag byte must be followed by (`leads`). */
const LEAD = 8;

/**
 * Bytes a literal of the table may be: printable ASCII, tab, line ends, and the bytes of UTF-8's multibyte forms (not
 * 0xc0, 0xc1 or 0xf5–0xff, which UTF-8 never holds: libglut's 0xff fill after `jdefghik` decoded as a table).
 */
const TEXT = new Uint8Array(256);
for (let b = 0x20; b < 0x7f; b++) TEXT[b] = 1;
for (let b = 0x80; b < 0xf5; b++) TEXT[b] = b === 0xc0 || b === 0xc1 ? 0 : 1;
TEXT[9] = TEXT[10] = TEXT[13] = 1;

/**
 * Whether the `n` bytes at `at` are text a table begins with: printable ASCII and whole UTF-8 sequences (the last
 * may be cut by the lead's end). Code bytes above 0x7f are rarely UTF-8's lead-then-continuations.
 */
function leads(bytes: Uint8Array, at: number, n = LEAD): boolean {
  const end = at + n;
  for (let p = at; p < end;) {
    const b = bytes[p]!;
    if (b >= 0x20 && b < 0x7f) {
      p++;
      continue;
    }
    const more = b >= 0xc2 && b < 0xe0 ? 1 : b >= 0xe0 && b < 0xf0 ? 2 : b >= 0xf0 && b < 0xf5 ? 3 : -1;
    if (more < 0) return false;
    for (let q = 1; q <= more && p + q < end; q++) if ((bytes[p + q]! & 0xc0) !== 0x80) return false;
    p += more + 1;
  }
  return true;
}

/**
 * `tripleCandidates`' tables for one class: 0xff, printable ASCII, then printable ASCII or a UTF-8 lead (the nibble
 * masks let 0xc0, 0xc1 and 0xf0–0xff through: checked after). A binary's code and data hold 0xff every few dozen bytes
 * (`call *`, -1); searched for one by one (Buffer.indexOf), the candidates cost 1.8 ms a MiB of this machine's .so
 * files, where one SIMD pass leaves one place in a few hundred. A table whose first bytes are not ASCII (CJK text) is
 * found from a flag byte of 8 literals further in, its head before it (`#head`): a UTF-8 lead byte then a continuation
 * is in x86 code at every `call *%rax` (ff d0) before a `mov` (89, 8b), and would double the places.
 */
const TRIPLE = (() => {
  const t = new Uint8Array(96);
  const ascii = [2, 3, 4, 5, 6, 7];
  t[15] = t[16 + 15] = 1;
  for (let x = 0; x < 16; x++) t[32 + x] = t[64 + x] = 1;
  for (const h of ascii) t[32 + 16 + h] = 1;
  for (const h of [...ascii, 0xc, 0xd, 0xe, 0xf]) t[64 + 16 + h] = 1;
  return t;
})();

const enum Step {
  Flags,
  Item,
  High,
  Length,
}

/** One table's decoding, fed byte by byte across chunks. */
class Table {
  /** Grown as the output does (most candidates break in their first bytes), to FLUSH + WINDOW. */
  out = Buffer.allocUnsafe(1024);
  length = 0;
  /** Output bytes already written to the sink. */
  written = 0;
  total = 0;
  literals = 0;
  /** Bytes read. */
  fed = 0;
  /** It broke at a reference to before its first byte. */
  early = false;
  /** Where in the content its flag bytes were, in the bytes searched last (`CythonTables` clears it for each). */
  flagsAt: number[] = [];
  /** The byte last fed broke the table (a literal not text, a reference before the output's start) or MAX_OUTPUT was reached. */
  broken = false;
  step = Step.Flags;
  flags = 0;
  lo = 0;
  hi = 0;

  constructor(readonly offset: number) {}

  /** The next byte is a flag byte. */
  get atFlags(): boolean {
    return this.step === Step.Flags;
  }

  /** Long enough, and of enough literals, to be a table (`MIN_TABLE`, `MIN_LITERALS`). */
  get table(): boolean {
    return this.total >= MIN_TABLE && this.literals >= MIN_LITERALS;
  }

  /**
   * Decodes `bytes` from `from`: the index of the byte that broke the table (`broken`), the chunk's length if it goes
   * on, or where the output is full (`take` it, then feed on from there).
   */
  feed(bytes: Uint8Array, from: number): number {
    let j = from;
    for (; j < bytes.length; j++) {
      if (this.length + 258 > this.out.length && !this.#grow()) break;
      if (++this.fed > PROOF && !this.table) return this.#broke(j);
      const b = bytes[j]!;
      switch (this.step) {
        case Step.Flags:
          this.flagsAt.push(this.offset + this.fed - 1);
          this.flags = b | 0xff00;
          this.step = Step.Item;
          continue;
        case Step.Item:
          if (!(this.flags & 1)) {
            this.lo = b;
            this.step = Step.High;
            continue;
          }
          if (!TEXT[b]) return this.#broke(j);
          this.out[this.length++] = b;
          this.total++;
          this.literals++;
          break;
        case Step.High:
          this.hi = b;
          if (!(this.lo & 0x80)) {
            if (!this.#copy(this.lo, b)) return this.#broke(j);
          } else if (!(b & 0x80)) {
            if (!this.#copy(0x80 + (((b << 2) & 0x180) | (this.lo & 0x7f)), b & 0x1f)) return this.#broke(j);
          } else {
            this.step = Step.Length;
            continue;
          }
          break;
        case Step.Length:
          if (!this.#copy(0x80 + (((this.hi & 0x7f) << 7) | (this.lo & 0x7f)), b)) return this.#broke(j);
          break;
      }
      // An item ended: the next flag bit, or the next flag byte.
      this.flags >>= 1;
      this.step = this.flags & 0x100 ? Step.Item : Step.Flags;
      if (this.total >= MAX_OUTPUT) return this.#broke(j + 1);
    }
    return j;
  }

  /** A larger buffer for the output, while it is below FLUSH + WINDOW: false when full. */
  #grow(): boolean {
    if (this.out.length >= FLUSH + WINDOW) return false;
    const grown = Buffer.allocUnsafe(Math.min(this.out.length * 4, FLUSH + WINDOW));
    this.out.copy(grown, 0, 0, this.length);
    this.out = grown;
    return true;
  }

  #broke(j: number): number {
    this.broken = true;
    return j;
  }

  /**
   * A back-reference ending `offset` bytes before the output's end, `length` + 3 bytes long: false where it reaches
   * before the output's start. (After `take` the buffer keeps WINDOW bytes, as far as a reference reaches.)
   */
  #copy(offset: number, length: number): boolean {
    const n = length + 3;
    const start = this.length - offset - n;
    if (start < 0) {
      this.early = true;
      return false;
    }
    // Byte by byte: a copy may overlap what it writes (a run of one character).
    for (let k = 0; k < n; k++) this.out[this.length + k] = this.out[start + k]!;
    this.length += n;
    this.total += n;
    return true;
  }

  /** The output not yet written — all of it, or (`all` false) all but the last WINDOW bytes, which are moved to the front. */
  take(all: boolean): Buffer | undefined {
    const end = this.length;
    const start = end - (this.total - this.written);
    const upTo = all ? end : Math.max(start, end - WINDOW);
    const out = upTo > start ? Buffer.from(this.out.subarray(start, upTo)) : undefined;
    this.written += upTo - start;
    if (!all && end > WINDOW) {
      this.out.copy(this.out, 0, end - WINDOW, end);
      this.length = WINDOW;
    }
    return out;
  }
}

/** The compressed string tables of one content, fed chunk by chunk. */
export class CythonTables {
  /** A table being read past CARRY bytes: it goes on in the next chunk, its head settled. */
  #table: Table | undefined;
  #sink: Sink | undefined;
  /**
   * The chunk's last bytes from a candidate or table it cut that read at most CARRY bytes (or from a flag byte whose
   * lead it cut): searched again with the next chunk — a chance candidate that fails there leaves the bytes after its
   * flag byte to be searched, and a table's head is looked for before a flag byte inside it (`#head`).
   */
  #tail: Buffer = Buffer.alloc(0);
  /** The BACK bytes of the content before the bytes searched. */
  #history: Buffer = Buffer.alloc(0);
  /**
   * The last table read: where it began (a head is not looked for before), where it ended and its flag bytes in the
   * bytes searched. A table's decoding goes on past its end while the bytes after it read as text (a string, then
   * zero padding: references to it) — into the next table where the bytes between are few. A flag byte after its
   * beginning and before its end, not one of its own, is tried; what it reads is a table only past that end (one in
   * step with the last table ends where it did).
   */
  #last = { start: -1, end: -1, flags: new Set<number>() };
  #offset = 0;

  constructor(readonly open: (offset: number, alphabet: string) => Sink | undefined) {}

  async push(chunk: Uint8Array): Promise<void> {
    const tail = this.#tail;
    const bytes = tail.length ? Buffer.concat([tail, chunk]) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    const base = this.#offset - tail.length;
    this.#offset += chunk.length;
    this.#tail = Buffer.alloc(0);
    await this.#search(bytes, base, false);
    // The BACK bytes before the next search's first (`#head` looks there for a table's head a chunk's end cut off).
    const upTo = bytes.length - this.#tail.length;
    this.#history = upTo >= BACK ? Buffer.from(bytes.subarray(upTo - BACK, upTo)) : Buffer.concat([this.#history, bytes.subarray(0, upTo)]).subarray(-BACK);
  }

  async end(): Promise<void> {
    const tail = this.#tail;
    this.#tail = Buffer.alloc(0);
    if (tail.length) await this.#search(tail, this.#offset - tail.length, true);
    await this.#close(this.#offset);
  }

  /** Tables in `bytes` (at `base` in the content); `last`: no chunk follows. */
  async #search(bytes: Buffer, base: number, last: boolean): Promise<void> {
    let i = 0;
    if (this.#table) {
      this.#table.flagsAt = [];
      i = await this.#read(this.#table, bytes, 0);
      if (i === bytes.length && !last) return;
      await this.#close(base + i);
    }
    const places = this.#places(bytes);
    for (let p = 0; p < places.length; p++) {
      const flag = places[p]!;
      if (bytes[flag] !== 0xff || (base + flag < this.#last.end && this.#last.flags.has(base + flag))) continue;
      if (flag + 1 + LEAD > bytes.length) {
        if (!last) this.#tail = Buffer.from(bytes.subarray(flag));
        return;
      }
      if (!leads(bytes, flag + 1)) continue;
      let table = new Table(base + flag);
      let end = await this.#read(table, bytes, flag);
      // A table, or broken by a reference to before it after text: its head may be before its flag byte — one not
      // of 8 literals (a repeat within its first bytes, as UTF-8 of CJK text has: `コン` is e3 82 b3 e3 83 b3, then
      // `b3 e3 83` again), the table read from a flag byte inside it.
      if (table.table || (table.early && table.literals >= EARLY_LITERALS)) {
        const head = this.#head(bytes, base, flag, end);
        if (head) {
          table = head.table;
          end = await this.#read(table, bytes, head.at);
        }
      }
      if (end === bytes.length && !last) {
        // Going on in the next chunk: a table past CARRY bytes read; else searched again from its flag byte with it.
        if (table.table && table.fed > CARRY) this.#table = table;
        else this.#tail = Buffer.from(bytes.subarray(Math.max(0, Math.min(flag, table.offset - base))));
        return;
      }
      if (!table.table || base + end <= this.#last.end) continue;
      this.#table = table;
      await this.#close(base + end);
      i = end;
    }
    // A flag byte in the last two bytes (the pass reads zeros past the end): kept for the next chunk.
    if (!last) {
      const n = bytes.length;
      const cut = n >= 2 && bytes[n - 2] === 0xff ? n - 2 : bytes[n - 1] === 0xff ? n - 1 : -1;
      if (cut >= i && !this.#tail.length) this.#tail = Buffer.from(bytes.subarray(cut));
    }
  }

  /** `table` fed `bytes` from `from`, its output written each time it fills: where it broke, or the chunk's length. */
  async #read(table: Table, bytes: Buffer, from: number): Promise<number> {
    let j = table.feed(bytes, from);
    while (!table.broken && j < bytes.length) {
      await this.#write(table, false);
      j = table.feed(bytes, j);
    }
    return j;
  }

  async #write(table: Table, all: boolean): Promise<void> {
    const out = table.take(all);
    if (!out) return;
    this.#sink ??= this.open(table.offset, 'Cython compressed strings');
    await this.#sink?.write(out);
  }

  /** The table read (of MIN_TABLE bytes or more), which ended at `end` in the content, written whole and its sink ended. */
  async #close(end: number): Promise<void> {
    const table = this.#table;
    this.#table = undefined;
    if (!table) return;
    this.#last = { start: table.offset, end, flags: new Set(table.flagsAt) };
    await this.#write(table, true);
    await this.#sink?.end();
    this.#sink = undefined;
  }

  /**
   * The table that begins farthest before `flag` — up to BACK bytes, after the last table's beginning — and reads to
   * it whole, `flag` its next flag byte: its own flag byte's first 3 items literals of text (no reference can come
   * before 3 bytes are out). Its output is the head of the table read from `flag`; `#read` goes on from `flag`. Else
   * (`flag` not a flag byte of the table: a reference's 0xff, the items after it read out of step until they fell in
   * step) the one that begins farthest before and reads unbroken to `end`, where the one from `flag` stopped; `#read`
   * goes on from `end`.
   */
  #head(bytes: Buffer, base: number, flag: number, end: number): { table: Table; at: number } | undefined {
    // Before the bytes' first: the content's last bytes before them (a table's head in the chunk before).
    const h = flag < BACK ? this.#history.length : 0;
    const all = h ? Buffer.concat([this.#history, bytes.subarray(0, end)]) : bytes.subarray(0, end);
    const starts: number[] = [];
    for (let s = Math.max(0, h + flag - BACK, this.#last.start + 1 - (base - h)); s < h + flag; s++) {
      if ((all[s]! & 7) !== 7 || !leads(all, s + 1, 3)) continue;
      starts.push(s);
      const table = new Table(base - h + s);
      if (table.feed(all.subarray(0, h + flag), s) === h + flag && !table.broken && table.atFlags) return { table, at: flag };
    }
    for (const s of starts) {
      const table = new Table(base - h + s);
      const e = table.feed(all, s);
      if (e === all.length && !table.broken) return { table, at: end };
    }
    return undefined;
  }

  /** The places where 0xff is followed by an ASCII byte and a text byte (a superset: each is checked after). */
  #places(bytes: Buffer): number[] {
    const places: number[] = [];
    // Text holds no 0xff (UTF-8 has none): one native search, not the pass (0.3 ms a MiB).
    if (bytes.indexOf(0xff) < 0 || tripleCandidates(TRIPLE, bytes, places)) return places;
    // Where WebAssembly is not: each 0xff.
    for (let at = bytes.indexOf(0xff); at >= 0; at = bytes.indexOf(0xff, at + 1)) places.push(at);
    return places;
  }
}
