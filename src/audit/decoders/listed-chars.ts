/**
 * A value's characters as a block list, one item a line: PyYAML's `yaml.safe_dump(list(s))` (`- t`, `- '3'`, `- '"'`,
 * `- "\xE9"`, `- "\U0001F600"`), Ruby's `to_yaml` of `s.chars`, a Markdown list a character a line (`* t`, `+ t`). An item
 * is one character, plain, in single quotes (`''` for a quote) or in double quotes with YAML's escapes (`\\`, `\"`, `\t`,
 * `\xXX`, `\uXXXX`, `\UXXXXXXXX`). A run of MIN_ITEMS items at one indentation and leader is routed as `listed chars`,
 * its characters joined. Found by a native search for the leader and its blank (`- `); a run open at a chunk's end is
 * held (up to MAX_HELD) and read with the next.
 */
import type { Sink } from './types.js';

const MIN_ITEMS = 8;
const MAX_HELD = 64 * 1024;
const LEADERS = [Buffer.from('- '), Buffer.from('* '), Buffer.from('+ ')];
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
/** A line's start that may yet be a leader's line: blanks, then a leader's mark and its blank, and an item's few bytes. */
const MAY_LEAD = /^ {0,64}(?:[-*+](?: .{0,12})?)?$/s;

const ESCAPES: Record<string, number> = { '\\': 0x5c, '"': 0x22, '/': 0x2f, t: 9, n: 10, r: 13, _: 0xa0, ' ': 0x20, '0': 0 };

/** The item at `i` up to its line's end: the character's UTF-8 bytes and where the line ends (at its LF), or undefined. */
export function itemAt(b: Uint8Array, i: number): { bytes: Buffer; end: number } | undefined {
  const line = lineEnd(b, i);
  if (line < 0 || line - i > 12) return undefined;
  const text = Buffer.from(b.subarray(i, b[line - 1] === CR ? line - 1 : line)).toString('utf8');
  const char = charOf(text);
  return char === undefined ? undefined : { bytes: Buffer.from(char, 'utf8'), end: line };
}

/** The index of the LF ending the line at `i` (within 16 bytes), or -1. */
function lineEnd(b: Uint8Array, i: number): number {
  for (let k = i; k < b.length && k < i + 16; k++) if (b[k] === LF) return k;
  return -1;
}

/** The one character a YAML scalar written as `text` is, or undefined. */
function charOf(text: string): string | undefined {
  const chars = [...text];
  if (chars.length === 1) return chars[0] === ' ' || chars[0] === '\ufffd' ? undefined : chars[0];
  if (text === "''''") return "'";
  if (chars.length === 3 && chars[0] === "'" && chars[2] === "'" && chars[1] !== "'") return chars[1];
  if (text.length < 3 || text[0] !== '"' || text[text.length - 1] !== '"') return undefined;
  const inner = text.slice(1, -1);
  if ([...inner].length === 1 && inner !== '\\' && inner !== '"') return inner;
  if (inner[0] !== '\\') return undefined;
  const one = ESCAPES[inner.slice(1)];
  if (one !== undefined && inner.length === 2) return String.fromCharCode(one);
  const hex = /^\\(?:x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8}))$/.exec(inner);
  const code = hex ? parseInt(hex[1] ?? hex[2] ?? hex[3]!, 16) : -1;
  return code >= 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : undefined;
}

/** The run of items whose first leader is at `at` (its indentation `indent` bytes before): its characters and end. */
function runFrom(b: Uint8Array, at: number, indent: number, leader: Buffer): { chars: Buffer[]; end: number; open: boolean } {
  const chars: Buffer[] = [];
  let p = at;
  for (;;) {
    const item = itemAt(b, p + leader.length);
    if (!item) return { chars, end: p, open: b.length - p < 16 + indent + leader.length };
    chars.push(item.bytes);
    p = item.end + 1;
    for (let k = 0; k < indent; k++) if (b[p + k] !== SPACE) return { chars, end: p, open: p + k >= b.length };
    p += indent;
    for (let k = 0; k < leader.length; k++) if (b[p + k] !== leader[k]) return { chars, end: p, open: p + k >= b.length };
  }
}

/** The listed characters of one text, fed chunk by chunk. */
export class ListedChars {
  #held: Buffer = Buffer.alloc(0);
  /** Where the held bytes start in the content. */
  #from = 0;
  #offset = 0;

  constructor(readonly open: (offset: number, alphabet: string) => Sink | undefined) {}

  /** The content's byte before the held bytes (or before the chunk, none held): whether its first line starts there. */
  #prev = LF;

  async push(chunk: Uint8Array): Promise<void> {
    // Joined only where the held bytes may begin a run (most chunks are scanned as they are: a copy of each was a layer's
    // every byte made and dropped).
    const b = this.#held.length ? Buffer.concat([this.#held, chunk]) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    const base = this.#held.length ? this.#from : this.#offset;
    this.#offset += chunk.length;
    const hold = await this.#read(b, base, false);
    this.#prev = hold > 0 ? b[hold - 1]! : this.#prev;
    this.#from = base + hold;
    this.#held = hold < b.length ? Buffer.from(b.subarray(hold)) : Buffer.alloc(0);
  }

  async end(): Promise<void> {
    if (this.#held.length) await this.#read(this.#held, this.#from, true);
    this.#held = Buffer.alloc(0);
  }

  /** Reads `b`'s runs; returns where to hold from: a run open at the end, or a last line that may yet begin one. */
  async #read(b: Buffer, base: number, last: boolean): Promise<number> {
    const lineStart = b.lastIndexOf(LF) + 1;
    let hold = lineStart > 0 || this.#prev === LF ? (MAY_LEAD.test(b.subarray(lineStart, lineStart + 80).toString('latin1')) ? lineStart : b.length) : b.length;
    for (const leader of LEADERS)
      for (let at = b.indexOf(leader); at >= 0; at = b.indexOf(leader, at + 1)) {
        let line = at;
        while (line > 0 && b[line - 1] === SPACE) line--;
        if (line > 0 ? b[line - 1] !== LF : this.#prev !== LF) continue;
        const run = runFrom(b, at, at - line, leader);
        if (run.open && !last && b.length - line < MAX_HELD) {
          hold = Math.min(hold, line);
          break;
        }
        if (run.chars.length >= MIN_ITEMS) await this.#route(base + line, Buffer.concat(run.chars));
        at = Math.max(at, run.end - 1);
      }
    return last ? b.length : hold;
  }

  async #route(at: number, chars: Buffer): Promise<void> {
    const sink = this.open(at, 'listed chars');
    if (!sink) return;
    await sink.write(chars);
    await sink.end();
  }
}
