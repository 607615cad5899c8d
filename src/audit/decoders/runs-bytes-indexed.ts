/**
 * JSON of a typed array of bytes (`{"0":112,"1":97,…}`; PHP's json_encode of unpack('C*') from `{"1":`), read beside the byte lists (`runs-bytes.ts`), whose stretches
 * its quotes end.
 */
import { isText, MIN_BYTES } from './runs-bytes-text.js';
import type { Sink } from './types.js';

/** A list this long is routed whatever it holds; a shorter one only when it is text (as `runs-bytes.ts`'s). */
const LONG = 64;

/** What JSON.stringify writes of a Uint8Array (or any typed array of bytes): its opening, searched natively. */
const INDEXED_OPEN = Buffer.from('{"0":');
/** PHP's json_encode of unpack('C*', $s): its indices start at 1. */
const INDEXED_OPEN_1 = Buffer.from('{"1":');
const BRACE_QUOTE = Buffer.from('{"');
/**
 * The next opening of either kind at or after `from` in `bytes`, or -1: each kind's next place kept while ahead (searched
 * again only once passed), so a chunk of many `{"0":` and no `{"1":` is searched through once, not once a hit.
 */
function openings(bytes: Buffer, start: number): (from: number) => number {
  // Both openings begin `{"`: a chunk without one (most text: the bench's JavaScript line) is searched once, not twice.
  if (bytes.indexOf(BRACE_QUOTE, start) < 0) return () => -1;
  let a = -2;
  let b = -2;
  return (from) => {
    if (a !== -1 && a < from) a = bytes.indexOf(INDEXED_OPEN, from);
    if (b !== -1 && b < from) b = bytes.indexOf(INDEXED_OPEN_1, from);
    return a < 0 ? b : b < 0 ? a : Math.min(a, b);
  };
}
/** An indexed list longer than this (in text) is read as far as it goes. */
const MAX_INDEXED = 1 << 20;
const INDEXED = /\{"[01]":\d{1,3}(?:,"\d+":\d{1,3})*/g;

/**
 * JSON of a typed array of bytes: each byte after its index in quotes (`{"0":112,"1":97,…}`), as JSON.stringify writes a
 * Uint8Array (Node's TextEncoder output, a Buffer's bytes passed through structured clone) — a request body logged so.
 * Its opening is found by a native search; the list is read to its `}` (across chunks) and routed as `indexed bytes`
 * when its indices are 0, 1, 2, … in order and it is text or long.
 */
export class IndexedBytes {
  /** The text from an opening on, while its `}` has not come. */
  #held: Buffer[] = [];
  #size = 0;
  #from = 0;
  #offset = 0;

  constructor(readonly open: (offset: number, alphabet: string) => Sink | undefined) {}

  async push(chunk: Uint8Array): Promise<void> {
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    const base = this.#offset;
    this.#offset += bytes.length;
    let i = 0;
    if (this.#size) {
      const close = bytes.indexOf(0x7d);
      if (close < 0 && this.#size + bytes.length < MAX_INDEXED) {
        this.#held.push(Buffer.from(bytes));
        this.#size += bytes.length;
        return;
      }
      this.#held.push(bytes.subarray(0, close < 0 ? bytes.length : close + 1));
      await this.#read(Buffer.concat(this.#held), this.#from);
      this.#held = [];
      this.#size = 0;
      i = close < 0 ? bytes.length : close + 1;
    }
    const openingAt = openings(bytes, i);
    for (let at = openingAt(i); at >= 0; at = openingAt(at + 1)) {
      const close = bytes.indexOf(0x7d, at);
      if (close < 0) {
        this.#held = [Buffer.from(bytes.subarray(at))];
        this.#size = bytes.length - at;
        this.#from = base + at;
        return;
      }
      await this.#read(bytes.subarray(at, close + 1), base + at);
      at = close;
    }
    // An opening cut by the chunk's end: its start is held with the next chunk.
    const tail = Math.max(i, bytes.length - INDEXED_OPEN.length + 1);
    for (let k = tail; k < bytes.length; k++)
      if (
        bytes[k] === 0x7b &&
        (INDEXED_OPEN.subarray(0, bytes.length - k).equals(bytes.subarray(k)) || INDEXED_OPEN_1.subarray(0, bytes.length - k).equals(bytes.subarray(k)))
      ) {
        this.#held = [Buffer.from(bytes.subarray(k))];
        this.#size = bytes.length - k;
        this.#from = base + k;
        return;
      }
  }

  async end(): Promise<void> {
    if (this.#size) await this.#read(Buffer.concat(this.#held), this.#from);
    this.#held = [];
    this.#size = 0;
  }

  /** The indexed lists in `text` (held from a possible opening to a `}`), at `offset` in the content. */
  async #read(text: Buffer, offset: number): Promise<void> {
    for (const m of text.toString('latin1').matchAll(INDEXED)) {
      const pairs = [...m[0].matchAll(/"(\d+)":(\d{1,3})/g)];
      const out = Buffer.allocUnsafe(pairs.length);
      let ordered = true;
      for (let k = 0; k < pairs.length && ordered; k++) {
        const v = Number(pairs[k]![2]);
        ordered = Number(pairs[k]![1]) === k + Number(pairs[0]![1]) && v <= 255;
        out[k] = v;
      }
      if (!ordered || out.length < MIN_BYTES || !(out.length >= LONG || isText(out))) continue;
      const sink = this.open(offset + m.index, 'indexed bytes');
      if (!sink) continue;
      await sink.write(out);
      await sink.end();
    }
  }
}
