/**
 * UTF-7 text (RFC 2152: `iconv -t UTF-7`, old mail bodies, settings a gateway transcoded) and IMAP's
 * modified UTF-7 (RFC 3501 5.1.3: folder names, `&…-` with `,` for `/`). A character outside the
 * direct set is written as `+<base64 of UTF-16BE>-` (the `-` left out before a character that is not
 * base64's), and glibc writes `_ = ! " & < > %` and the like so too: `API+AF8-TOKEN+AD0-…`. A value's
 * bytes then depend on where each segment starts, so no form of the value is found: the text is read.
 * Where a segment is met that an encoder would write (a length in whole UTF-16 units, its spare bits
 * zero, characters of the scripts text is written in, none of them a letter or digit an encoder
 * writes as itself, surrogates in pairs) and that ends in `-` or follows a byte no base64 digit
 * (a wrapped base64 blob's line ends as a segment does), the text around it is decoded in place — segments into
 * UTF-8, direct characters as they are — and routed as content of its own (`(UTF-7 text at N)`),
 * from CONTEXT bytes before the first such segment to CONTEXT after the last; segments closer than
 * SPAN are one content; UTF-7 is 7-bit, so a segment beside a byte that is not text is none. Candidates are found
 * natively (Buffer.indexOf of `+` and `&`); a base64 blob
 * (a `+` every 64 characters, followed by the rest of its line) is turned away by the length, bits
 * and characters of that line read as UTF-16 — cheap, and what slips through only costs a rescan.
 */
import type { Sink } from './types.js';

/** The label of the copies it routes: a copy of text (direct characters as they are), as a text notation's is. */
export const UTF7_LABEL = 'UTF-7 text';

/** Bytes before the first segment and after the last that are decoded with them: a value this long is read whole. */
const CONTEXT = 1024;
/** Segments this close are one content. */
const SPAN = 1024;
/** A segment longer than this (base64 characters) is not read: it is not text a person or a mailer wrote. */
const MAX_SEGMENT = 4096;

const PLUS = 0x2b;
const AMP = 0x26;
const DASH = 0x2d;

/** Modified base64's digits: `+/` after `+`, `+,` after IMAP's `&`. */
const DIGITS = new Int8Array(256).fill(-1);
const DIGITS_IMAP = new Int8Array(256).fill(-1);
{
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+';
  for (let i = 0; i < letters.length; i++) DIGITS[letters.charCodeAt(i)] = DIGITS_IMAP[letters.charCodeAt(i)] = i;
  DIGITS[0x2f] = 63;
  DIGITS_IMAP[0x2c] = 63;
}

/** Latin and symbols: beside any script in one segment (`é€`, `«Привет»`), and alone in a segment of one unit. */
const LATIN = 1;
/** A surrogate pair: an emoji or a rare ideograph. */
const PAIR = 9;

/**
 * The script of a UTF-16 unit (not a surrogate) that text is written in and an encoder puts in a segment: LATIN (ASCII
 * punctuation, Latin-1, Latin extended, combining marks, punctuation, currency, letterlike, arrows, math), or one of
 * Greek and Cyrillic, Hebrew and Arabic, Indic, Thai and Lao, Georgian, CJK (kana, ideographs, fullwidth), Hangul; 0
 * for any other (controls, a letter or digit of ASCII that an encoder writes as itself, private use, the rest).
 */
function script(u: number): number {
  if (u < 0x80) return (u >= 0x20 || u === 9 || u === 10 || u === 13) && u !== 0x7f && !isAlnum(u) ? LATIN : 0;
  if (u < 0xa0) return 0;
  if (u < 0x370 || (u >= 0x1e00 && u < 0x1f00) || (u >= 0x2000 && u < 0x2300)) return LATIN;
  if (u < 0x530 || (u >= 0x1f00 && u < 0x2000)) return 2;
  if (u >= 0x590 && u < 0x700) return 3;
  if (u >= 0x900 && u < 0xe00) return 4;
  if (u >= 0xe00 && u < 0xe80) return 5;
  if (u >= 0x10a0 && u < 0x1100) return 6;
  if ((u >= 0x3000 && u < 0x3100) || (u >= 0x3400 && u < 0xa000) || (u >= 0xff00 && u < 0xfff0)) return 7;
  if ((u >= 0xac00 && u < 0xd7a4) || (u >= 0x3130 && u < 0x3190)) return 8;
  return 0;
}
const isAlnum = (u: number) => (u >= 0x30 && u <= 0x39) || (u >= 0x41 && u <= 0x5a) || (u >= 0x61 && u <= 0x7a);

/**
 * A segment at its `+` or `&`: where it ends (after its `-`), its text, and whether it is evidence of UTF-7. No text
 * when `b[at]` begins none: `end` is then where its run of base64 digits ends — a `+` inside it begins no segment
 * either (an encoder writes a `+` of the text as `+-`), so a long base64 blob is read once, not once per `+`.
 */
interface Segment {
  end: number;
  text?: string;
  evidence: boolean;
}

/** 'more' when the segment may go on past `b`'s end. */
export function segmentAt(b: Uint8Array, at: number, last: boolean): Segment | 'more' {
  const imap = b[at] === AMP;
  const table = imap ? DIGITS_IMAP : DIGITS;
  let j = at + 1;
  while (j < b.length && table[b[j]!]! >= 0 && j - at <= MAX_SEGMENT) j++;
  if (j === b.length && !last) return 'more';
  const n = j - at - 1;
  const dash = b[j] === DASH;
  const none = { end: Math.max(j, at + 1), evidence: false };
  if (n === 0) return dash ? { end: j + 1, text: imap ? '&' : '+', evidence: false } : none;
  // IMAP's form always ends in `-`; whole units only, the spare bits (fewer than 6) zero.
  if ((imap && !dash) || n > MAX_SEGMENT || (n * 6) % 16 >= 6) return none;
  const spare = (n * 6) % 16;
  if (table[b[j - 1]!]! & ((1 << spare) - 1)) return none;
  const read = units(b, at + 1, n, table);
  if (read === undefined) return none;
  const text = read.text;
  // A segment ended without `-` is evidence only after a byte that is no base64 digit and before a blank or a line's end:
  // in a wrapped base64 blob a `+` takes the rest of its line (a newline ends it as one ends a segment), and in ascii85
  // nearly any byte may stand either side.
  const before = at ? b[at - 1] : undefined;
  const after = b[j];
  const ends = after === undefined || after === 0x20 || after === 9 || after === 10 || after === 13;
  const evidence = read.coherent && textByte(before) && (dash || (ends && (before === undefined || DIGITS[before]! < 0)));
  return { end: dash ? j + 1 : j, text, evidence };
}

/**
 * Characters of a script other than Latin a segment must hold to be evidence: three random units are all CJK one time
 * in 13 (an ascii85 blob gave a `+…-` of three ideographs every 330 KB), four one in 30.
 */
const SCRIPTED = 4;

/**
 * The characters of `n` base64 digits from `from`, or undefined when they are not text an encoder wrote; `coherent`
 * when they are Latin and symbols (and emoji) alone, or SCRIPTED or more of one other script beside them: what chance
 * digits rarely give.
 */
function units(b: Uint8Array, from: number, n: number, table: Int8Array): { text: string; coherent: boolean } | undefined {
  const codes: number[] = [];
  let acc = 0;
  let bits = 0;
  let other = 0;
  let scripted = 0;
  let coherent = true;
  for (let k = 0; k < n; k++) {
    acc = ((acc << 6) | table[b[from + k]!]!) & 0xffffff;
    bits += 6;
    if (bits < 16) continue;
    bits -= 16;
    const u = (acc >>> bits) & 0xffff;
    const high = codes.length ? codes[codes.length - 1]! : 0;
    const pendingHigh = high >= 0xd800 && high < 0xdc00;
    let kind = PAIR;
    if (u >= 0xdc00 && u < 0xe000) {
      if (!pendingHigh) return undefined;
    } else if (pendingHigh) return undefined;
    else if (!(u >= 0xd800 && u < 0xdc00) && !(kind = script(u))) return undefined;
    if (kind !== LATIN && kind !== PAIR) {
      coherent &&= !other || other === kind;
      other = kind;
      scripted++;
    }
    codes.push(u);
  }
  const lastCode = codes[codes.length - 1]!;
  if (lastCode >= 0xd800 && lastCode < 0xdc00) return undefined;
  return { text: String.fromCharCode(...codes), coherent: coherent && (scripted === 0 || scripted >= SCRIPTED) };
}

/** `b[from, to)` with its segments decoded into UTF-8 and the rest as it is. */
export function decodeRange(b: Uint8Array, from: number, to: number): Buffer {
  const parts: Buffer[] = [];
  let copied = from;
  for (let i = from; i < to; i++) {
    if (b[i] !== PLUS && b[i] !== AMP) continue;
    const seg = segmentAt(b.subarray(0, to), i, true) as Segment;
    if (seg.text === undefined) {
      i = seg.end - 1;
      continue;
    }
    parts.push(Buffer.from(b.buffer, b.byteOffset + copied, i - copied), Buffer.from(seg.text, 'utf8'));
    copied = seg.end;
    i = seg.end - 1;
  }
  parts.push(Buffer.from(b.buffer, b.byteOffset + copied, to - copied));
  return Buffer.concat(parts);
}

/**
 * The `+` and `&` of one buffer in order, each found natively: the next of each kept, so that a chunk with a `+` every
 * 64 bytes and no `&` (base64) is not searched to its end for an `&` once per `+`.
 */
class Candidates {
  #plus = -2;
  #amp = -2;
  constructor(readonly b: Buffer) {}

  /** The next `+` or `&` from `from`, or -1. */
  next(from: number): number {
    if (this.#plus !== -1 && this.#plus < from) this.#plus = this.b.indexOf(PLUS, from);
    if (this.#amp !== -1 && this.#amp < from) this.#amp = this.b.indexOf(AMP, from);
    const p = this.#plus;
    const a = this.#amp;
    return p < 0 ? a : a < 0 ? p : Math.min(p, a);
  }
}

/** Whether a byte is one UTF-7 text is made of (7-bit, printable or a line break or tab): what stands beside a segment. */
const textByte = (c: number | undefined) => c === undefined || (c >= 0x20 && c < 0x7f) || c === 9 || c === 10 || c === 13;

/** The UTF-7 text of one content, fed chunk by chunk. */
export class Utf7Text {
  /** Bytes held from the chunks before: the context before a segment, a cluster not yet written, a segment cut. */
  #held: Buffer = Buffer.alloc(0);
  /** The offset of `#held[0]` in the content. */
  #base = 0;
  /** The offset scanning goes on from. */
  #scanned = 0;
  #cluster: { sink: Sink; written: number; lastEnd: number } | undefined;
  #queue: Promise<void> = Promise.resolve();

  constructor(readonly open: (offset: number, alphabet: string) => Sink | undefined) {}

  async push(chunk: Uint8Array): Promise<void> {
    const fresh = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    // Most content, and every chunk of content that is not UTF-7, has no segment: only a window of context is kept.
    if (!this.#cluster && this.#scanned === this.#base + this.#held.length && fresh.indexOf(PLUS) < 0 && fresh.indexOf(AMP) < 0) {
      this.#keep(fresh);
      this.#scanned = this.#base + this.#held.length;
      return;
    }
    const bytes = this.#held.length ? Buffer.concat([this.#held, fresh]) : fresh;
    this.#read(bytes, false);
    await this.#queue;
  }

  async end(): Promise<void> {
    this.#read(this.#held, true);
    this.#close(this.#held);
    await this.#queue;
  }

  /** Keeps the last CONTEXT bytes of the held bytes and `fresh` (no cluster open, nothing cut). */
  #keep(fresh: Buffer): void {
    const total = this.#held.length + fresh.length;
    if (fresh.length >= CONTEXT) this.#held = Buffer.from(fresh.subarray(fresh.length - CONTEXT));
    else this.#held = Buffer.concat([this.#held, fresh]).subarray(Math.max(0, total - CONTEXT));
    this.#base += total - this.#held.length;
  }

  /** Scans `bytes` (starting at `#base`) from `#scanned`; holds what the next chunk needs. */
  #read(bytes: Buffer, last: boolean): void {
    const base = this.#base;
    let i = this.#scanned - base;
    const candidates = new Candidates(bytes);
    for (;;) {
      const at = candidates.next(i);
      if (at < 0) {
        i = bytes.length;
        break;
      }
      // Only evidence is looked for here (decodeRange reads the rest): one after a byte that is not text is none.
      if (at > 0 && !textByte(bytes[at - 1])) {
        i = at + 1;
        continue;
      }
      const seg = segmentAt(bytes, at, last);
      if (seg === 'more') {
        i = at;
        break;
      }
      if (seg.evidence) this.#evidence(bytes, at, seg.end);
      i = seg.end;
    }
    this.#scanned = base + i;
    const cluster = this.#cluster;
    if (cluster && this.#scanned - cluster.lastEnd > SPAN + CONTEXT) this.#close(bytes);
    else if (cluster) this.#write(bytes, cluster.lastEnd);
    if (last) return;
    const keepFrom = this.#cluster ? this.#cluster.written : Math.min(this.#scanned, base + bytes.length - CONTEXT);
    const from = Math.max(0, keepFrom - base);
    this.#held = Buffer.from(bytes.subarray(from));
    this.#base = base + from;
  }

  /** A segment that is evidence at `at`, ending at `end` (offsets in `bytes`, which starts at `#base`). */
  #evidence(bytes: Buffer, at: number, end: number): void {
    const base = this.#base;
    if (this.#cluster && base + at - this.#cluster.lastEnd > SPAN) this.#close(bytes);
    if (!this.#cluster) {
      const from = Math.max(base, base + at - CONTEXT);
      const sink = this.open(from, UTF7_LABEL);
      if (!sink) return;
      this.#cluster = { sink, written: from, lastEnd: base + end };
    }
    // Written when the chunk is read (`#read`): one write a chunk, not one a segment.
    this.#cluster.lastEnd = base + end;
  }

  /** Writes the cluster's text up to `to` (an offset in the content), decoded. */
  #write(bytes: Buffer, to: number): void {
    const cluster = this.#cluster!;
    const base = this.#base;
    const end = Math.min(to, base + bytes.length);
    if (end > cluster.written) {
      const out = decodeRange(bytes, cluster.written - base, end - base);
      const sink = cluster.sink;
      if (out.length) this.#queue = this.#queue.then(() => sink.write(out));
      cluster.written = end;
    }
    cluster.lastEnd = Math.max(cluster.lastEnd, to);
  }

  /** Ends the open cluster with CONTEXT bytes after its last segment. */
  #close(bytes: Buffer): void {
    const cluster = this.#cluster;
    if (!cluster) return;
    this.#write(bytes, cluster.lastEnd + CONTEXT);
    this.#cluster = undefined;
    const sink = cluster.sink;
    this.#queue = this.#queue.then(() => sink.end());
  }
}
