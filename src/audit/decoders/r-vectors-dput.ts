/**
 * A value's characters as a language's constructor of a list of one-character strings, or of integers with R's `L`:
 * R's `dput(strsplit(s, ""))` (`list(c("t", "o", …))`, wrapped at 70 columns onto lines of no indentation) and
 * `dput(utf8ToInt(s))` (`c(116L, 111L, 8364L)`: code points), Go's `%#v` of a `[]string` (`[]string{"t", "\"", …}`),
 * a JSON array of characters pretty-printed (`[⏎  "t",⏎  "o"`: `json.dumps(list(s), indent=2)`, `JSON.stringify(…,
 * null, 2)`) or compact (`["t","o"]`). The separators change where a printer wraps, so no reader of evenly spaced
 * characters sees the whole value.
 *
 * Found by native searches for the openings (`c(`, `]string{"`, `["`, `[` and a line break); from one, elements are read
 * while each is a one-character string (its backslash escapes read: `\"`, `\\`, `\n`, `\t`, `\uXXXX` with surrogate
 * pairs, `\U…`, `\x..`) or, after `c(`, an integer with `L`, each after a comma and any blanks or line breaks (Go's `%q`:
 * blanks alone); a list of MIN_BYTES or more making text is routed as `vector print`. A list open at a chunk's end is
 * held (up to MAX_HELD) and read again with the next.
 */
import { isText, MIN_BYTES } from './runs-bytes-text.js';
import type { Sink } from './types.js';

const OPENINGS = ['c(', ']string{"', '["', '[\n', '[\r\n'].map((s) => Buffer.from(s));
const MAX_HELD = 64 * 1024;
const KEEP = 16;

/** An element: a double-quoted string (escapes kept for `unescape`), or an R integer. */
const ELEMENT = /"((?:\\(?:u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|x[0-9a-fA-F]{2}|u\{[0-9a-fA-F]{1,6}\}|.)|[^"\\\n]){1,4})"|(\d{1,7})L/y;
/** Between elements: a comma and any blanks and line breaks, or blanks alone (Go's `%q` of a slice). */
const BETWEEN = /[ \t]*,[ \t\r\n]*|[ ]+/y;

const unescape = (s: string): string =>
  s.replace(/\\(u\{([0-9a-fA-F]{1,6})\}|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|x([0-9a-fA-F]{2})|.)/g, (all, _c, b, u, U, x) => {
    const hex = (b ?? u ?? U ?? x) as string | undefined;
    if (hex !== undefined) {
      const n = parseInt(hex, 16);
      return n <= 0x10ffff ? String.fromCharCode(...(n > 0xffff ? [0xd800 + ((n - 0x10000) >> 10), 0xdc00 + ((n - 0x10000) & 0x3ff)] : [n])) : all;
    }
    const c = all[1]!;
    return c === 'n' ? '\n' : c === 't' ? '\t' : c === 'r' ? '\r' : c;
  });

/** The list whose first element may be at `at` (after its opening): its end, the text its elements make, and whether it reaches the text's end. */
export function readList(text: string, at: number, integers: boolean): { end: number; made?: Buffer; open: boolean } {
  let p = at;
  const units: string[] = [];
  const codes: number[] = [];
  for (;;) {
    ELEMENT.lastIndex = p;
    const m = ELEMENT.exec(text);
    if (!m || (m[2] !== undefined && (!integers || units.length))) break;
    if (m[1] !== undefined) {
      if (codes.length) break;
      const c = unescape(Buffer.from(m[1], 'latin1').toString('utf8'));
      if ([...c].length !== 1) break;
      units.push(c);
    } else codes.push(Number(m[2]));
    p = ELEMENT.lastIndex;
    BETWEEN.lastIndex = p;
    if (!BETWEEN.exec(text)) break;
    p = BETWEEN.lastIndex;
  }
  const open = text.length - p < 32;
  const n = units.length + codes.length;
  if (n < MIN_BYTES) return { end: p, open };
  if (units.length) return { end: p, made: Buffer.from(units.join(''), 'utf8'), open };
  if (codes.some((c) => c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))) return { end: p, open };
  return { end: p, made: codes.every((c) => c < 256) ? Buffer.from(codes) : Buffer.from(String.fromCodePoint(...codes), 'utf8'), open };
}

export class ConstructorLists {
  #held: Buffer = Buffer.alloc(0);
  #from = 0;
  /** Lists starting before this were read. */
  #done = 0;

  constructor(readonly open: (offset: number, alphabet: string) => Sink | undefined) {}

  async push(chunk: Uint8Array): Promise<void> {
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    await this.#scan(this.#held.length ? Buffer.concat([this.#held, bytes]) : bytes, this.#from, false);
  }

  async end(): Promise<void> {
    await this.#scan(this.#held, this.#from, true);
    this.#held = Buffer.alloc(0);
  }

  async #scan(b: Buffer, base: number, last: boolean): Promise<void> {
    let keepFrom = Math.max(0, b.length - KEEP);
    const hits: Array<[number, Buffer]> = [];
    for (const needle of OPENINGS) for (let at = b.indexOf(needle); at >= 0; at = b.indexOf(needle, at + 1)) hits.push([at, needle]);
    hits.sort((x, y) => x[0] - y[0]);
    for (const [at, needle] of hits) {
      if (base + at < this.#done) continue;
      let first = needle[0] === 0x5d ? at + needle.length - 1 : at + needle.length;
      while (first < b.length && first - at < 64 && (b[first] === 0x20 || b[first] === 0x0a || b[first] === 0x0d || b[first] === 0x09)) first++;
      const integers = needle[0] === 0x63;
      if (!mayList(b, first, integers)) continue;
      const text = b.toString('latin1', first, Math.min(b.length, first + MAX_HELD));
      const list = readList(text, 0, integers);
      if (list.open && !last && b.length - at < MAX_HELD) {
        keepFrom = Math.min(keepFrom, at);
        break;
      }
      if (!list.made || !isText(list.made)) continue;
      this.#done = base + first + list.end;
      const sink = this.open(base + at, 'vector print');
      if (!sink) continue;
      await sink.write(list.made);
      await sink.end();
    }
    if (last) return;
    this.#held = Buffer.from(b.subarray(keepFrom));
    this.#from = base + keepFrom;
  }
}

/** Whether a list's first element may stand at `at`: a one-character string (`"x"`, or an escape after the quote), or R's integer (`116L`). */
function mayList(b: Buffer, at: number, integers: boolean): boolean {
  if (b[at] === 0x22) return b[at + 1] === 0x5c || b[at + 2] === 0x22 || ((b[at + 1] ?? 0) >= 0xc0 && b[at + 2]! >= 0x80);
  if (!integers) return false;
  let p = at;
  while (p - at < 7 && b[p]! >= 0x30 && b[p]! <= 0x39) p++;
  return p > at && b[p] === 0x4c;
}
