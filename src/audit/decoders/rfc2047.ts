/**
 * RFC 2047 encoded words in a saved mail's headers: `=?utf-8?b?…?=` (base64) and `=?iso-8859-1?q?…?=`
 * (quoted-printable with `_` for a space). A mailer cuts a header's text into words of at most 75
 * characters, each encoded on its own and folded onto lines of their own (Python's email with
 * policy.SMTP, Thunderbird, most MTAs), so a value is often cut across two words: in neither's
 * base64, and a Q word's `_` is a space no escape reader knows. Adjacent words (only whitespace, line
 * breaks included, between them: RFC 2047 6.2 says it is dropped) are decoded and joined into one
 * content (`(RFC 2047 words at N)`), in the bytes of their charset (UTF-8 and Latin-1 are what the
 * matcher knows). A single B word is left to the base64 runs where they read it: a run of MIN_RUN
 * characters, or a shorter one that decodes to ASCII text (`stacked`).
 */
import { stacked } from './runs-scan.js';
import type { Sink } from './types.js';

/** runs.ts's MIN_RUN (not imported: runs.ts imports this file): a base64 run this long is routed by the runs. */
const MIN_RUN = 40;

const OPENING = Buffer.from('=?');
/** RFC 2047 2: an encoded word is at most 75 characters; a mailer that writes longer ones still ends each within a line. */
const MAX_WORD = 1024;
/** Words gathered into one content at most: a longer header is cut into contents of this many bytes. */
const MAX_JOINED = 64 * 1024;
/** One encoded word at the start of the text given (sticky): charset, encoding, text. */
const WORD = /=\?([^?\s]{1,64})\?([BbQq])\?([^?\s]*)\?=/y;
const SPACE = /[ \t\r\n]*/y;

/** A Q word's bytes: `_` a space, `=XX` a byte, the rest as it is. */
function decodeQ(text: string): Buffer {
  const out = Buffer.allocUnsafe(text.length);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5f) out[n++] = 0x20;
    else if (c === 0x3d && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      out[n++] = parseInt(text.slice(i + 1, i + 3), 16);
      i += 2;
    } else out[n++] = c & 0xff;
  }
  return out.subarray(0, n);
}

const decodeWord = (encoding: string, text: string) => (encoding === 'B' || encoding === 'b' ? Buffer.from(text, 'base64') : decodeQ(text));

/** The encoded words of one text, fed chunk by chunk. */
export class EncodedWords {
  /** The end of the chunk before, from a sequence of words (or an opening) it may have cut. */
  #carry: Buffer = Buffer.alloc(0);
  #offset = 0;

  constructor(readonly open: (offset: number, alphabet: string) => Sink | undefined) {}

  async push(chunk: Uint8Array): Promise<void> {
    const fresh = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    // Most text has no `=?`: looked for natively, and the chunk passed by when it has none (and no carry waits). A chunk
    // with no `?` has none: one memchr, where the search for `=?` stopped at every `=` (two a line of code or config).
    if (!this.#carry.length && (fresh.indexOf(0x3f) < 0 || fresh.indexOf(OPENING) < 0)) {
      this.#offset += chunk.length;
      if (fresh.at(-1) === 0x3d) this.#carry = Buffer.from('=');
      return;
    }
    const bytes = this.#carry.length ? Buffer.concat([this.#carry, fresh]) : fresh;
    const base = this.#offset - this.#carry.length;
    this.#offset += chunk.length;
    this.#carry = Buffer.alloc(0);
    const held = await this.#read(bytes, base, false);
    if (held < bytes.length) this.#carry = Buffer.from(bytes.subarray(held));
  }

  async end(): Promise<void> {
    const carry = this.#carry;
    this.#carry = Buffer.alloc(0);
    if (carry.length) await this.#read(carry, this.#offset - carry.length, true);
  }

  /** Reads the sequences of words in `bytes`; returns where the part to hold for the next chunk begins (`bytes.length`: none). */
  async #read(bytes: Buffer, base: number, last: boolean): Promise<number> {
    const text = bytes.toString('latin1');
    let from = 0;
    for (;;) {
      const at = text.indexOf('=?', from);
      if (at < 0) return !last && text.endsWith('=') ? text.length - 1 : text.length;
      const { words, end, parts } = sequence(text, at);
      // A sequence (or a word) that may go on past the chunk's end is read with the next chunk, unless it is too long.
      if (!last && text.length - end <= MAX_WORD && text.length - at < MAX_JOINED && reachesEnd(text, end)) return at;
      const read = words === 1 && !parts[0]!.q && (parts[0]!.text >= MIN_RUN || stacked(parts[0]!.bytes));
      if (words && !read) await this.#route(base + at, parts);
      from = Math.max(end, at + 2);
    }
  }

  async #route(offset: number, parts: Array<{ bytes: Buffer }>): Promise<void> {
    const decoded = Buffer.concat(parts.map((p) => p.bytes));
    if (decoded.length < 8) return;
    const sink = this.open(offset, 'RFC 2047 words');
    if (!sink) return;
    await sink.write(decoded);
    await sink.end();
  }
}

/** One encoded word: its bytes, whether it is a Q word, the length of its encoded text. */
interface Word {
  bytes: Buffer;
  q: boolean;
  text: number;
}

/** The words from `at` on, adjacent (whitespace between): how many, where the last ends, each one's bytes. */
function sequence(text: string, at: number): { words: number; end: number; parts: Word[] } {
  const parts: Word[] = [];
  let end = at;
  let size = 0;
  for (let i = at; size < MAX_JOINED;) {
    WORD.lastIndex = i;
    const m = WORD.exec(text);
    if (!m || m[0].length > MAX_WORD) break;
    const bytes = decodeWord(m[2]!, m[3]!);
    parts.push({ bytes, q: m[2] === 'Q' || m[2] === 'q', text: m[3]!.length });
    size += bytes.length;
    end = WORD.lastIndex;
    SPACE.lastIndex = end;
    SPACE.exec(text);
    i = SPACE.lastIndex;
  }
  return { words: parts.length, end, parts };
}

/** Whether only whitespace, or the start of a word, follows `end` to the text's end: the sequence may go on in the next chunk. */
function reachesEnd(text: string, end: number): boolean {
  SPACE.lastIndex = end;
  SPACE.exec(text);
  const rest = text.slice(SPACE.lastIndex);
  return rest.length < MAX_WORD && /^(?:=(?:\?(?:[^?\s]*(?:\?(?:[BbQq](?:\?[^?\s]*(?:\?)?)?)?)?)?)?)?$/.test(rest);
}
