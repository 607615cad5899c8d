/**
 * Wrapped base64 and hex — and plain values of base64's alphabet, cut from column 0 by `fold` —
 * (made generic over the match tag): the windows around line breaks that end a base64 line, read
 * again with the breaks left out.
 */
import type { Automaton } from './matcher.js';

/** The bytes without CR and LF. */
function withoutLineBreaks(bytes: Uint8Array): Uint8Array {
  const out = Buffer.allocUnsafe(bytes.length);
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b !== 10 && b !== 13) out[n++] = b;
  }
  return out.subarray(0, n);
}

/** base64's, base32's and hex's characters (base64url's too): 1 for each. */
export const BASE64_BYTE = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_') BASE64_BYTE[c.charCodeAt(0)] = 1;
/** Whether every byte of `bytes` is of base64's alphabets (standard or URL-safe, `=`): a value wraps as base64 does. */
export const isBase64Alphabet = (bytes: Uint8Array): boolean => bytes.every((b) => BASE64_BYTE[b] === 1);

/** Bytes before a line break that must all be base64 for the break to be inside wrapped base64. */
const WRAP_PROBE = 16;
/** A line shorter than WRAP_PROBE counts when it is base64 from its start and this long at least. */
const NARROW = 8;

/**
 * Base64 broken by line feeds (any width, LF or CRLF). A match that the line breaks hide must have
 * a break inside it, and the line before that break is base64 to its end: only the windows around
 * such breaks (as wide as the longest pattern each way) are read again with the breaks left out —
 * so text with no wrapped base64 costs a look at 16 bytes per line, not another pass.
 */
export class WrappedScan<Tag> {
  /** Bytes kept from the previous chunk: the reach before the breaks not yet looked at, and those breaks. */
  #tail: Buffer = Buffer.alloc(0);
  /** Where in `#tail` the breaks not yet looked at begin. */
  #from = 0;

  constructor(
    readonly automaton: Automaton<Tag>,
    /** The longest wrapped pattern, in bytes. */
    readonly span: number,
    readonly onMatch: (m: { tag: Tag }) => void,
  ) {}

  write(chunk: Uint8Array): void {
    if (this.span === 0) return;
    this.#look(this.#tail, Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length), false);
  }

  /** The entry ended: the breaks near its end are looked at with what there is. */
  end(): void {
    if (this.#tail.length) this.#look(Buffer.alloc(0), this.#tail, true);
    this.#tail = Buffer.alloc(0);
    this.#from = 0;
  }

  /**
   * The breaks of `prev + data` from `#from` on (no copy of the chunk: a window that reaches into
   * `prev` is the only thing put together).
   */
  #look(prev: Buffer, data: Buffer, final: boolean): void {
    const reach = this.span + 2 * WRAP_PROBE;
    const n = prev.length + data.length;
    const at = (i: number) => (i < prev.length ? prev[i]! : data[i - prev.length]!);
    const slice = (from: number, to: number) =>
      from >= prev.length
        ? data.subarray(from - prev.length, to - prev.length)
        : Buffer.concat([prev.subarray(from), data.subarray(0, Math.max(0, to - prev.length))]);
    // A break whose window would run past the data waits for the next chunk (unless this is the end).
    const limit = final ? n : Math.max(this.#from, n - reach - 1);
    let from = -1;
    let to = -1;
    const flush = () => {
      if (from >= 0) this.automaton.scanner(this.onMatch).write(withoutLineBreaks(slice(from, to)));
      from = to = -1;
    };
    const next = (i: number) => {
      if (i < prev.length) {
        const p = prev.indexOf(10, i);
        if (p >= 0) return p;
        i = prev.length;
      }
      const d = data.indexOf(10, i - prev.length);
      return d < 0 ? -1 : d + prev.length;
    };
    const take = (nl: number) => {
      const start = Math.max(0, nl - reach);
      const stop = Math.min(n, nl + 1 + reach);
      if (from >= 0 && start <= to) to = stop;
      else {
        flush();
        from = start;
        to = stop;
      }
    };
    // The breaks whose probe reaches into `prev` (or before the start), byte by byte through `at`.
    const near = prev.length + WRAP_PROBE + 2;
    let nl = next(this.#from);
    for (; nl >= 0 && nl < limit && nl < near; nl = next(nl + 1)) {
      const end = nl > 0 && at(nl - 1) === 13 ? nl - 1 : nl;
      // The line's last WRAP_PROBE bytes are base64, or the whole line is, of NARROW bytes at least (`fold -w 12`).
      let i = end - 1;
      while (i >= 0 && end - i <= WRAP_PROBE && BASE64_BYTE[at(i)] === 1) i--;
      if (end - i > WRAP_PROBE || ((i < 0 || at(i) === 10) && end - i - 1 >= NARROW)) take(nl);
    }
    // The rest, in `data` alone (the same test on its bytes: the probe stays inside it), breaks found by a search of it.
    const dataLimit = limit - prev.length;
    for (let d = nl - prev.length; nl >= 0 && d < dataLimit; d = data.indexOf(10, d + 1)) {
      if (d < 0) break;
      const end = data[d - 1] === 13 ? d - 1 : d;
      if (BASE64_BYTE[data[end - 1]!] !== 1) continue;
      let i = end - 2;
      while (end - i <= WRAP_PROBE && BASE64_BYTE[data[i]!] === 1) i--;
      if (end - i > WRAP_PROBE || (data[i] === 10 && end - i - 1 >= NARROW)) take(d + prev.length);
    }
    flush();
    if (final) return;
    const keep = Math.max(0, limit - reach);
    this.#tail = Buffer.from(slice(keep, n));
    this.#from = limit - keep;
  }
}
