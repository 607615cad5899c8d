/**
 * R's print of a vector: its elements between blanks, each line after the index of its first element in brackets
 * (`[1] 74 6f 6b …` then `[20] 2d 58 …`) — print(charToRaw(s)) (hex pairs), print(as.integer(charToRaw(s))) and
 * print(utf8ToInt(s)) (decimal: bytes, code points), print(strsplit(s, "")[[1]]) (quoted characters), print(as.hexmode(
 * utf8ToInt(s))) (quoted hex code points), print(rawToBits(charToRaw(s))) (bits as 00 and 01, each byte's lowest first); Julia's and
 * Octave's column prints are other readers'. The index at each line's start cuts every list: no byte list's or
 * character list's reader sees the value.
 *
 * Found by a native search for `[1] `: from a line starting so, the lines are read while each starts with the index
 * that follows on; the elements are read as bytes (hex pairs, or numbers below 256), code points, or characters (quoted,
 * one each) and routed as `vector print` where that makes text. A print that reaches a chunk's end is held (up to
 * MAX_HELD) and read with the next; a chunk's last bytes are kept, so that a `[1] ` cut by its end is met whole.
 * The same text is read for constructors of one-character strings and of R's integers — `dput`'s `c("t", …)` and
 * `c(116L, …)`, Go's `[]string{…}`, JSON arrays of characters — by `r-vectors-dput.ts`.
 */
import { ConstructorLists } from './r-vectors-dput.js';
import { isText, MIN_BYTES } from './runs-bytes-text.js';
import type { Sink } from './types.js';

const NEEDLE = Buffer.from('[1] ');
const MAX_HELD = 256 * 1024;
const KEEP = 8;

/** One line of a print: its index, then its elements (quoted strings with R's escapes, or bare tokens). */
const LINE = /[ \t]*\[(\d{1,9})\]((?:[ \t]+(?:"(?:\\.|[^"\\\n])*"|[^\s"]+))+)[ \t]*(?:\r?\n|$)/y;
const ELEMENT = /"((?:\\.|[^"\\\n])*)"|([^\s"]+)/g;

const unquote = (s: string) =>
  s.replace(/\\(u\{?[0-9a-fA-F]{1,6}\}?|.)/g, (_, c: string) =>
    c.length > 1 ? String.fromCodePoint(parseInt(c.replace(/[u{}]/g, ''), 16)) : c === 'n' ? '\n' : c === 't' ? '\t' : c,
  );

/** The print starting at `at` of `text`: where it ends, its elements, and whether its last line reaches the text's end. */
function readPrint(text: string, at: number): { end: number; elements: Array<{ quoted: boolean; value: string }>; open: boolean } {
  const elements: Array<{ quoted: boolean; value: string }> = [];
  let p = at;
  for (;;) {
    LINE.lastIndex = p;
    const m = LINE.exec(text);
    if (!m || Number(m[1]) !== elements.length + 1) break;
    for (const e of m[2]!.matchAll(ELEMENT)) elements.push(e[1] !== undefined ? { quoted: true, value: unquote(e[1]) } : { quoted: false, value: e[2]! });
    p = LINE.lastIndex;
  }
  return { end: p, elements, open: text.length - p < 128 };
}

/** The texts a print's elements make: characters joined, hex pairs, bytes or code points. */
export function printCandidates(elements: ReadonlyArray<{ quoted: boolean; value: string }>): Buffer[] {
  if (elements.length < MIN_BYTES) return [];
  const out: Buffer[] = [];
  if (elements.every((e) => e.quoted && [...e.value].length === 1)) out.push(Buffer.from(elements.map((e) => e.value).join(''), 'utf8'));
  if (elements.every((e) => /^[0-9a-f]{2}$/.test(e.value))) out.push(Buffer.from(elements.map((e) => e.value).join(''), 'hex'));
  // as.hexmode(utf8ToInt(s)): code points in hex, quoted, padded to one width.
  if (elements.every((e) => e.quoted && /^[0-9a-f]{2,6}$/.test(e.value))) {
    const codes = elements.map((e) => parseInt(e.value, 16));
    if (codes.every((c) => c <= 0x10ffff && (c < 0xd800 || c > 0xdfff))) out.push(Buffer.from(String.fromCodePoint(...codes), 'utf8'));
  }
  // rawToBits(charToRaw(s)): each byte's eight bits as raw 00 and 01, the lowest first.
  if (elements.length % 8 === 0 && elements.every((e) => !e.quoted && (e.value === '00' || e.value === '01'))) {
    const bytes = Buffer.alloc(elements.length / 8);
    for (let i = 0; i < elements.length; i++) if (elements[i]!.value === '01') bytes[i >> 3]! |= 1 << (i & 7);
    out.push(bytes);
  }
  if (elements.every((e) => !e.quoted && /^\d{1,7}$/.test(e.value))) {
    const codes = elements.map((e) => Number(e.value));
    if (codes.every((c) => c < 256)) out.push(Buffer.from(codes));
    else if (codes.every((c) => c <= 0x10ffff && (c < 0xd800 || c > 0xdfff))) out.push(Buffer.from(String.fromCodePoint(...codes), 'utf8'));
  }
  return out.filter(isText);
}

export class VectorPrints {
  #held: Buffer = Buffer.alloc(0);
  #from = 0;
  /** Prints starting before this were read. */
  #done = 0;
  /** Whether #held is a print open at the last chunk's end (read again whole with the next), not a kept end. */
  #open = false;

  readonly #lists: ConstructorLists;

  constructor(readonly open: (offset: number, alphabet: string) => Sink | undefined) {
    this.#lists = new ConstructorLists(open);
  }

  async push(chunk: Uint8Array): Promise<void> {
    await this.#lists.push(chunk);
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    const across = this.#held.length ? Buffer.concat([this.#held.subarray(-3), bytes.subarray(0, 3)]) : undefined;
    if (bytes.indexOf(NEEDLE) < 0 && !(across && across.indexOf(NEEDLE) >= 0) && !this.#open) {
      const at = this.#from + this.#held.length;
      const tail = bytes.length >= KEEP ? bytes.subarray(-KEEP) : Buffer.concat([this.#held, bytes]).subarray(-KEEP);
      this.#held = Buffer.from(tail);
      this.#from = at + bytes.length - tail.length;
      return;
    }
    await this.#scan(this.#held.length ? Buffer.concat([this.#held, bytes]) : bytes, this.#from, false);
  }

  async end(): Promise<void> {
    await this.#lists.end();
    await this.#scan(this.#held, this.#from, true);
    this.#held = Buffer.alloc(0);
  }

  async #scan(b: Buffer, base: number, last: boolean): Promise<void> {
    let keepFrom = Math.max(0, b.length - KEEP);
    this.#open = false;
    let text: string | undefined;
    for (let at = b.indexOf(NEEDLE); at >= 0; at = b.indexOf(NEEDLE, at + 4)) {
      let line = at;
      while (line > 0 && (b[line - 1] === 0x20 || b[line - 1] === 0x09)) line--;
      if ((line > 0 && b[line - 1] !== 0x0a) || base + line < this.#done) continue;
      text ??= b.toString('latin1');
      const print = readPrint(text, line);
      if (print.open && !last && b.length - line < MAX_HELD) {
        keepFrom = Math.min(keepFrom, line);
        this.#open = true;
        break;
      }
      this.#done = base + print.end;
      const found = printCandidates(
        print.elements.map((e) => ({ quoted: e.quoted, value: e.quoted ? Buffer.from(e.value, 'latin1').toString('utf8') : e.value })),
      );
      if (!found.length) continue;
      const sink = this.open(base + line, 'vector print');
      if (!sink) continue;
      for (const [i, f] of found.entries()) await sink.write(i ? Buffer.concat([Buffer.from('\n'), f]) : f);
      await sink.end();
    }
    if (last) return;
    this.#held = Buffer.from(b.subarray(keepFrom));
    this.#from = base + keepFrom;
  }
}
