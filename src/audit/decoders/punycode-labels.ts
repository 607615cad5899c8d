/**
 * IDNA's ACE labels: a name's label beyond ASCII written as `xn--` and its punycode (RFC 3492: the ASCII characters in
 * order, a `-`, then the others as deltas in base 36) — Python's `idna` and `punycode` codecs, Node's
 * punycode.toASCII, libidn2's idn2, a host name in a URL, a certificate's SAN, a DNS zone. The value's ASCII characters
 * stand in the label but not together with the others: no reader of words sees the value.
 *
 * Found by native searches for `xn--` (and `XN--`); the label after it (letters, digits, `-`) is decoded, case kept
 * (a basic character keeps the case it was written in), and routed as `punycode` when it decodes to a character
 * beyond ASCII. The last bytes of a chunk are kept, so that a label cut by the chunk's end is read whole with the next.
 */
import type { Sink } from './types.js';

const NEEDLES = [Buffer.from('xn--'), Buffer.from('XN--')];
/** A label longer than this is no name's (63) nor a codec's of a value: read up to it. */
const MAX_LABEL = 1024;
const KEEP = MAX_LABEL + 4;

/** A word's byte: printable ASCII (a codec's basic characters may be any). */
const isWord = (c: number) =>
  c > 0x20 && c < 0x7f && c !== 0x22 && c !== 0x27 && c !== 0x3c && c !== 0x3e && c !== 0x2c && c !== 0x3b && c !== 0x29 && c !== 0x5d;

function digitOf(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 22;
  if (c >= 0x41 && c <= 0x5a) return c - 0x41;
  if (c >= 0x61 && c <= 0x7a) return c - 0x61;
  return -1;
}

function adapt(delta: number, points: number, first: boolean): number {
  let d = first ? Math.floor(delta / 700) : delta >> 1;
  d += Math.floor(d / points);
  let k = 0;
  for (; d > 455; k += 36) d = Math.floor(d / 35);
  return k + Math.floor((36 * d) / (d + 38));
}

/** RFC 3492's decoding of `input` (no `xn--`), or undefined where it is none. */
export function punycodeDecode(input: string): string | undefined {
  const dash = input.lastIndexOf('-');
  const out = dash > 0 ? Array.from(input.slice(0, dash), (c) => c.codePointAt(0)!) : [];
  let n = 128;
  let i = 0;
  let bias = 72;
  for (let p = dash > 0 ? dash + 1 : 0; p < input.length;) {
    const old = i;
    let w = 1;
    for (let k = 36; ; k += 36) {
      if (p >= input.length) return undefined;
      const digit = digitOf(input.charCodeAt(p++));
      if (digit < 0) return undefined;
      i += digit * w;
      const t = k <= bias ? 1 : k >= bias + 26 ? 26 : k - bias;
      if (digit < t) break;
      w *= 36 - t;
      if (i > 0x7fffffff || w > 0x7fffffff) return undefined;
    }
    bias = adapt(i - old, out.length + 1, old === 0);
    n += Math.floor(i / (out.length + 1));
    i %= out.length + 1;
    if (n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff)) return undefined;
    out.splice(i++, 0, n);
  }
  return String.fromCodePoint(...out);
}

export class PunycodeLabels {
  #held: Buffer = Buffer.alloc(0);
  #from = 0;
  /** Labels starting before this were read. */
  #done = 0;

  constructor(readonly open: (offset: number, alphabet: string) => Sink | undefined) {}

  async push(chunk: Uint8Array): Promise<void> {
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    // No needle in the chunk nor across its start: only its end is kept (native searches, nothing joined).
    const across = this.#held.length ? Buffer.concat([this.#held.subarray(-3), bytes.subarray(0, 3)]) : undefined;
    if (!NEEDLES.some((x) => bytes.indexOf(x) >= 0 || (across !== undefined && across.indexOf(x) >= 0))) {
      this.#keep(bytes);
      return;
    }
    await this.#scan(this.#held.length ? Buffer.concat([this.#held, bytes]) : bytes, this.#from, false);
  }

  async end(): Promise<void> {
    await this.#scan(this.#held, this.#from, true);
    this.#held = Buffer.alloc(0);
  }

  #keep(bytes: Buffer): void {
    const at = this.#from + this.#held.length;
    const tail = bytes.length >= KEEP ? bytes.subarray(-KEEP) : Buffer.concat([this.#held, bytes]).subarray(-KEEP);
    this.#held = Buffer.from(tail);
    this.#from = at + bytes.length - tail.length;
  }

  async #scan(b: Buffer, base: number, last: boolean): Promise<void> {
    for (const needle of NEEDLES)
      for (let at = b.indexOf(needle); at >= 0; at = b.indexOf(needle, at + 4)) {
        // The word after `xn--` (a codec's basic characters may be any ASCII), then its deltas after its last `-`.
        let end = at + 4;
        while (end < b.length && end - at < MAX_LABEL && isWord(b[end]!)) end++;
        if (base + at < this.#done || (end === b.length && !last)) continue;
        this.#done = Math.max(this.#done, base + end);
        const word = b.toString('latin1', at + 4, end);
        const dash = word.lastIndexOf('-');
        const deltas = /^[A-Za-z0-9]*/.exec(word.slice(dash + 1))![0];
        // The label as IDNA writes it (up to a `.`), and the word up to its deltas' end (Python's punycode codec).
        // A codec's basic characters may hold quotes: the word to its first quote or bracket is read too.
        const cut = /^[^"'<>()[\],;]*/.exec(word)![0];
        const reads = new Set([word.split('.')[0]!, word.slice(0, dash + 1 + deltas.length), cut.split('.')[0]!]);
        for (const input of reads) {
          const decoded = punycodeDecode(input);
          if (decoded === undefined || !/[^\0-\x7f]/.test(decoded)) continue;
          const sink = this.open(base + at, 'punycode');
          if (!sink) continue;
          await sink.write(Buffer.from(decoded, 'utf8'));
          await sink.end();
        }
      }
    if (!last) {
      const kept = Math.min(KEEP, b.length);
      this.#held = Buffer.from(b.subarray(b.length - kept));
      this.#from = base + b.length - kept;
    }
  }
}
