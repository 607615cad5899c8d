/**
 * Byte lists in text: a value's bytes written one number each — `xxd -i` and C arrays
 * (`0x41, 0x42,`), JSON of a Node Buffer (`{"type":"Buffer","data":[65,66]}`), Python's
 * `json.dumps(list(b))`, Java's `Arrays.toString(bytes)` (signed: `-61, -87`), OpenSSL's colon hex
 * (`41:42:43:`, wrapped and indented). No encoding alphabet covers them: the numbers are short runs
 * between separators, so the runs scanner never sees one long enough. Found by a table of the
 * characters such a list is made of (digits, hex letters, `x`, `,` `:` `-`, whitespace), looked at
 * every MIN_SEGMENT-th byte as the runs scanner does, then read by a pattern per form; a list of at
 * least MIN_BYTES numbers is routed as content of its own (`(byte list at N)`).
 */
import type { Sink } from './types.js';

/** The shortest value the audit looks for is 8 bytes: a list of fewer numbers cannot hold one. */
export const MIN_BYTES = 8;
/** `1,2,3,4,5,6,7,8` is 15 characters: a stretch of list characters shorter than this holds no list of MIN_BYTES. */
const MIN_SEGMENT = 15;
/** A stretch still open at a chunk's end is held to be read with the next; one longer than this is read as it is. */
const MAX_CARRY = 1 << 20;

const TABLE = new Uint8Array(256);
for (const c of '0123456789abcdefABCDEFxX,:- \t\r\n') TABLE[c.charCodeAt(0)] = 1;

/**
 * The forms, each a pattern over a stretch of list characters: decimal (signed or not) between commas, `0x` hex
 * between commas or spaces, two-digit hex between colons. Each number stands alone (no digit before or after it).
 */
const FORMS: ReadonlyArray<{ name: string; pattern: RegExp; value: (token: string) => number }> = [
  {
    name: 'byte list',
    pattern: /(?<![0-9A-Za-z.-])-?\d{1,3}(?:[ \t]*,\s*-?\d{1,3}(?![0-9.]))+/g,
    value: (t) => Number(t),
  },
  {
    name: 'byte list',
    pattern: /(?<![0-9A-Za-z])0[xX][0-9a-fA-F]{1,2}(?:\s*,?\s*0[xX][0-9a-fA-F]{1,2}(?![0-9a-fA-F]))+/g,
    value: (t) => parseInt(t.slice(2), 16),
  },
  {
    name: 'colon hex',
    pattern: /(?<![0-9a-fA-F:])[0-9a-fA-F]{2}(?::[ \t]*(?:\r?\n[ \t]*)?[0-9a-fA-F]{2}(?![0-9a-fA-F]))+/g,
    value: (t) => parseInt(t, 16),
  },
];
const TOKEN = /-?(?:0[xX])?[0-9a-fA-F]+/g;

/** The bytes of one list's text, or undefined when a number is no byte (above 255, below -128). */
function bytesOf(list: string, value: (token: string) => number): Buffer | undefined {
  const tokens = list.match(TOKEN) ?? [];
  const out = Buffer.allocUnsafe(tokens.length);
  for (let i = 0; i < tokens.length; i++) {
    const v = value(tokens[i]!);
    if (!(v >= -128 && v <= 255)) return undefined;
    out[i] = v & 0xff;
  }
  return out;
}

/** The byte lists of one text, fed chunk by chunk. */
export class ByteLists {
  /** A stretch of list characters the chunk before ended inside: read with this one. */
  #carry: Buffer = Buffer.alloc(0);
  #offset = 0;

  constructor(readonly open: (offset: number, alphabet: string) => Sink | undefined) {}

  async push(chunk: Uint8Array): Promise<void> {
    let bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    let base = this.#offset;
    this.#offset += chunk.length;
    if (this.#carry.length) {
      // Only the carried stretch's continuation is joined to it (up to the first byte that is no list character).
      let j = 0;
      while (j < bytes.length && TABLE[bytes[j]!]) j++;
      const joined = Buffer.concat([this.#carry, bytes.subarray(0, j)]);
      base -= this.#carry.length;
      this.#carry = Buffer.alloc(0);
      if (j === bytes.length && joined.length < MAX_CARRY) return void (this.#carry = joined);
      await this.#read(joined, base);
      base += joined.length;
      bytes = bytes.subarray(j);
    }
    const n = bytes.length;
    for (let p = MIN_SEGMENT - 1; p < n + MIN_SEGMENT - 1; p += MIN_SEGMENT) {
      const q = Math.min(p, n - 1);
      if (!TABLE[bytes[q]!]) continue;
      let start = q;
      while (start > 0 && TABLE[bytes[start - 1]!]) start--;
      let end = q + 1;
      while (end < n && TABLE[bytes[end]!]) end++;
      if (end === n) {
        this.#carry = Buffer.from(bytes.subarray(start));
        return;
      }
      if (end - start >= MIN_SEGMENT) await this.#read(bytes.subarray(start, end), base + start);
      p = end;
    }
  }

  async end(): Promise<void> {
    const carry = this.#carry;
    this.#carry = Buffer.alloc(0);
    if (carry.length >= MIN_SEGMENT) await this.#read(carry, this.#offset - carry.length);
  }

  /** The lists in one stretch of list characters that starts at `offset` in the content. */
  async #read(stretch: Buffer, offset: number): Promise<void> {
    if (stretch.length < MIN_SEGMENT || !hasSeparators(stretch)) return;
    const text = stretch.toString('latin1');
    // Every list is read before any is routed: what a list decodes to is read by a ByteLists of its own, with the same
    // (global, stateful) patterns, while this one waits on the sink.
    const lists: Array<{ at: number; name: string; decoded: Buffer }> = [];
    for (const form of FORMS)
      for (const m of text.matchAll(form.pattern)) {
        const decoded = bytesOf(m[0], form.value);
        if (decoded && decoded.length >= MIN_BYTES) lists.push({ at: offset + m.index, name: form.name, decoded });
      }
    for (const { at, name, decoded } of lists) {
      const sink = this.open(at, name);
      if (!sink) continue;
      await sink.write(decoded);
      await sink.end();
    }
  }
}

/** Whether a stretch has the MIN_BYTES - 1 separators a list of MIN_BYTES needs (prose's spaces and hex words do not). */
function hasSeparators(stretch: Uint8Array): boolean {
  let n = 0;
  for (const b of stretch) if ((b === 0x2c || b === 0x3a || b === 0x78 || b === 0x58) && ++n >= MIN_BYTES - 1) return true;
  return false;
}
