/**
 * Keyed lists in text: a value's bytes or characters written one an entry, each after its index — PHP's print_r,
 * var_dump and var_export of `unpack('C*', $s)` (`[1] => 116`, `[1]=>⏎  int(116)`, `1 => 116,`) or of `str_split($s)`
 * (`[0] => t`, `string(1) "t"`, `0 => 't',`), Ruby's Hash#inspect (`{0=>116, 1=>111}`), Python's
 * `dict(enumerate(b))` (`{0: 116, 1: 111}`) or of a string (`{0: 't', 1: 'o'}`). The numbers are short runs between
 * separators, and every other one is an index: no byte list's pattern reads them. Found by a native search for `=>`
 * and for `{0: `, taken only where the entry before it has the index 0 or 1, then read entry by entry while the indices
 * follow on (0, 1, 2, …); a list of MIN_BYTES entries or more is routed as `keyed list` when its values make text —
 * numbers as bytes, strings (quoted, or print_r's bare character up to its line's end) joined —, or are 64 bytes or
 * more of numbers. Quoted indices after a `{` too: Node's console.log of an object made of a string's characters
 * (`{ '0': 't', '1': 'o' }`, `{⏎  '0': 't',`), JSON of one (`{"0":"t","1":"o"}`), and PHP's serialize of a string
 * split (`a:30:{i:0;s:1:"t";i:1;s:1:"o";…}`: the index and the value's length before it, no escapes). (JSON's
 * `{"0":112,…}`, numbers after quoted indices, is `runs-bytes.ts`'s IndexedBytes too.)
 */
import { isText, MIN_BYTES } from './runs-bytes-text.js';
import { wordsOf } from './runs-bytes-words.js';
import type { Sink } from './types.js';

const LONG = 64;
/** A list still open at a chunk's end is held from its first entry up to this, then read as far as it goes. */
const MAX_HELD = 1 << 20;
/** Bytes kept from a chunk's end so that a trigger or the index before it cut by the chunk's end is seen whole. */
const KEEP = 24;

const ARROW = Buffer.from('=>');
/**
 * A list's first entry after its `{`: Python's `{0: `, Node's `{ '0'` and `{⏎  '0`, JSON's `{"0":`, PHP serialize's
 * `{i:0;`. Each a native search that stops only at a `{` (none at the commoner quotes); each under 7 bytes, which
 * Buffer.indexOf searches by its first byte — `{⏎  '0': ` (9 bytes, searched by its last, a blank) took 71 ms per
 * 32 MiB of minified JSON, the others 4-20.
 */
const OPENS = ['{0: ', "{ '0'", "{\n  '0", '{"0":', '{i:0;'].map((s) => Buffer.from(s));
/**
 * Whether `bytes` hold a trigger (`=>` after an index 0 or 1, or an OPENS). `=>` is searched only after a memchr of its `>` finds one: a native search of `=>`
 * stops at every `=` (the bench's JavaScript line has two and no `>`), a memchr with nothing to find does not stop.
 */
function hasTrigger(bytes: Buffer): boolean {
  if (hasOpen(bytes)) return true;
  if (bytes.indexOf(0x3e, 1) < 0) return false;
  // A `=>` is a trigger only after an index 0 or 1 (random bytes hold one a 64 KiB chunk, JavaScript's arrows many):
  // one near the chunk's start may have its index in the kept end.
  for (let at = bytes.indexOf(ARROW); at >= 0; at = bytes.indexOf(ARROW, at + 2)) if (at < KEEP || mayIndex(bytes, at)) return true;
  return false;
}

/** Where each OPENS holds its `0`: one memchr of `0` meets every place one of them is. */
const ZERO_AT = OPENS.map((open) => open.indexOf(0x30));

/**
 * Whether an OPENS is in `bytes`, by the `0` they all hold: a `{` is in nearly every chunk of JavaScript, C or JSON, and
 * each of the five was then searched for over the whole chunk (0.77 s of the 1 GiB bench's CPU, all of its text).
 */
function hasOpen(bytes: Buffer): boolean {
  for (let zero = bytes.indexOf(0x30); zero >= 0; zero = bytes.indexOf(0x30, zero + 1))
    for (let i = 0; i < OPENS.length; i++) {
      const at = zero - ZERO_AT[i]!;
      if (at >= 0 && bytes[at] === 0x7b && bytes.subarray(at, at + OPENS[i]!.length).equals(OPENS[i]!)) return true;
    }
  return false;
}

/** Whether the `=>` at `arrow` has an index 0 or 1 before it, or blanks back to the chunk's start (its index may be kept). */
function mayIndex(bytes: Buffer, arrow: number): boolean {
  let p = arrow;
  while (p > 0 && (bytes[p - 1] === 0x20 || bytes[p - 1] === 0x09)) p--;
  return p < 4 || indexBefore(bytes, arrow) >= 0;
}

/** Whether a trigger stands across the junction of `held` (its last 3 bytes) and `bytes` (its first 3), with no copy made. */
function triggerAcross(held: Buffer, bytes: Buffer): boolean {
  const h = held.length;
  if (h && bytes.length && held[h - 1] === 0x3d && bytes[0] === 0x3e) return true;
  // An OPENS cut after its first bytes.
  for (const open of OPENS)
    for (let k = 1; k < open.length; k++) {
      if (h < k || bytes.length < open.length - k) continue;
      let whole = true;
      for (let j = 0; j < open.length && whole; j++) whole = (j < k ? held[h - k + j] : bytes[j - k]) === open[j];
      if (whole) return true;
    }
  return false;
}

/**
 * One entry from its separator before it (`, `, a line break and indentation) through its value: the index (bracketed
 * or bare), `=>` or `:`, then the value — var_dump's `int(N)` and `string(N) "c"`, a quoted character (PHP and Python
 * single quotes, Ruby and Python double quotes, backslash escapes), a number, or print_r's bare character (after one
 * blank, up to the line's end). A value of 1–4 characters: one character's UTF-8 bytes, read as Latin-1.
 */
const ENTRY =
  /[\s,]*(?:(?:\[(\d{1,9})\]|(\d{1,9})|'(\d{1,9})'|"(\d{1,9})")[ \t]*(?:=>|:)(?:\s*(?:int\((-?\d{1,10})\)|string\(\d\) "([^]{1,4}?)"(?=\r?\n)|'((?:\\[^]|[^'\\]){1,4})'|"((?:\\[^]|[^"\\]){1,4})"|(-?\d{1,10})(?![\w.]))| ([^\n]{1,4})(?=\r?\n))|i:(\d{1,9});s:\d:"([^]{1,4}?)";(?=i:|\}))/y;

/** One byte (str_split cuts a character's UTF-8 into its bytes) or one character's UTF-8 bytes, read as Latin-1. */
const ONE_CHAR = /^(?:[^]|[\xc0-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf7][\x80-\xbf]{3})$/;

/** A quoted character's escapes: `\\`, `\'`, `\"` and the C letters. */
const unquote = (s: string) =>
  s.replace(/\\(x[0-9a-fA-F]{2}|[^])/g, (_, c: string) =>
    c.length === 3 ? String.fromCharCode(parseInt(c.slice(1), 16)) : c === 'n' ? '\n' : c === 't' ? '\t' : c === 'r' ? '\r' : c,
  );

export class KeyedLists {
  /** The text not yet done with: a list's start (open at the chunk's end) or the last KEEP bytes. */
  #held: Buffer = Buffer.alloc(0);
  /** Where #held starts in the content. */
  #from = 0;
  /** Whether #held is an open list (read again whole with the next chunk) rather than a kept end. */
  #open = false;
  /** Triggers ending before this (in the content) were looked at already. */
  #done = 0;
  /** How long the open list's text was when last read. */
  #scanned = 0;

  constructor(readonly open: (offset: number, alphabet: string) => Sink | undefined) {}

  async push(chunk: Uint8Array): Promise<void> {
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    // No list open and no trigger in the chunk nor across its start: only its end is kept — native searches, nothing
    // joined nor made (joining every chunk to the kept end copied the whole text, a plain row's 512 MiB of it).
    if (!this.#open && !hasTrigger(bytes) && !triggerAcross(this.#held, bytes)) {
      this.#keep(bytes, this.#from + this.#held.length);
      return;
    }
    const whole = this.#held.length ? Buffer.concat([this.#held, bytes]) : bytes;
    // An open list is read again once it has doubled (or at the end): each byte read a bounded number of times.
    if (this.#open && whole.length < 2 * this.#scanned && whole.length < MAX_HELD) {
      this.#held = whole;
      return;
    }
    await this.#scan(whole, this.#from, false);
  }

  async end(): Promise<void> {
    if (this.#open) await this.#scan(this.#held, this.#from, true);
    this.#held = Buffer.alloc(0);
    this.#open = false;
  }

  /** Keeps the last KEEP bytes of the kept end and `bytes` (which start at `at`), no list open. */
  #keep(bytes: Buffer, at: number): void {
    const tail = bytes.length >= KEEP ? bytes.subarray(-KEEP) : Buffer.concat([this.#held, bytes]).subarray(-KEEP);
    this.#held = Buffer.from(tail);
    this.#from = at + bytes.length - tail.length;
    this.#open = false;
  }

  /** Reads the lists in `buf` (at `base` in the content); at the end of the content (`last`) a list open is read as it is. */
  async #scan(buf: Buffer, base: number, last: boolean): Promise<void> {
    // Made only once a trigger has its index before it: most chunks have `=>` or `:` and no list.
    let text: string | undefined;
    const lists: Array<{ at: number; bytes: Buffer }> = [];
    let from = 0;
    // Each trigger's next place, searched again only once passed (searching both at every hit was quadratic in a
    // chunk of PHP with no `{0: `).
    let arrow = -2;
    const opens = OPENS.map(() => -2);
    for (;;) {
      if (arrow !== -1 && arrow < from) arrow = buf.indexOf(ARROW, from);
      let py = -1;
      let length = 0;
      for (let i = 0; i < OPENS.length; i++) {
        if (opens[i] !== -1 && opens[i]! < from) opens[i] = buf.indexOf(OPENS[i]!, from);
        if (opens[i]! >= 0 && (py < 0 || opens[i]! < py)) [py, length] = [opens[i]!, OPENS[i]!.length];
      }
      const hit = arrow < 0 ? py : py < 0 ? arrow : Math.min(arrow, py);
      if (hit < 0) break;
      const trigger = hit === py ? length : ARROW.length;
      from = hit + 1;
      if (base + hit + trigger <= this.#done) continue;
      const start = hit === py ? hit + 1 : indexBefore(buf, hit);
      if (start < 0) continue;
      text ??= buf.toString('latin1');
      // No entry yet, the trigger near the end: its value may be in the next chunk.
      const list = readList(text, start) ?? (buf.length - hit < 64 ? { end: hit + 1, open: true } : undefined);
      if (!list) continue;
      if (list.open && !last && buf.length - hit < MAX_HELD) {
        // From the trigger or the entry, whichever is first: read again, it is found again.
        const from = Math.min(start, hit);
        this.#held = Buffer.from(buf.subarray(from));
        this.#from = base + from;
        this.#open = true;
        this.#scanned = this.#held.length;
        this.#done = base + hit;
        await this.#route(lists);
        return;
      }
      from = Math.max(from, list.end);
      if (list.bytes) lists.push({ at: base + start, bytes: list.bytes });
    }
    if (!last) {
      const kept = Math.min(KEEP, buf.length);
      this.#held = Buffer.from(buf.subarray(buf.length - kept));
      this.#from = base + buf.length - kept;
      this.#open = false;
      // Every trigger whole in `buf` was looked at: those in the kept end are not again.
      this.#done = base + buf.length;
    }
    await this.#route(lists);
  }

  async #route(lists: Array<{ at: number; bytes: Buffer }>): Promise<void> {
    for (const { at, bytes } of lists) {
      const sink = this.open(at, 'keyed list');
      if (!sink) continue;
      await sink.write(bytes);
      await sink.end();
    }
  }
}

/**
 * Where the entry of a `=>` at `arrow` starts — its `[` or its index's first digit — if its index is 0 or 1 and stands
 * alone (after a blank, a line break, `(`, `{`, `,` or the text's start); else -1.
 */
function indexBefore(bytes: Buffer, arrow: number): number {
  let p = arrow;
  while (p > 0 && (bytes[p - 1] === 0x20 || bytes[p - 1] === 0x09)) p--;
  const bracket = bytes[p - 1] === 0x5d;
  if (bracket) p--;
  const digit = bytes[p - 1];
  if (digit !== 0x30 && digit !== 0x31) return -1;
  p--;
  if (bracket) {
    if (bytes[p - 1] !== 0x5b) return -1;
    p--;
  }
  // A blank, a line break, `(`, `{` or `,` before it, or the text's start.
  const before = bytes[p - 1];
  return p === 0 || before === 0x20 || before === 0x09 || before === 0x0a || before === 0x0d || before === 0x28 || before === 0x7b || before === 0x2c ? p : -1;
}

/**
 * The entries from `start` while their indices follow on: the text's bytes their values make (numbers as bytes, or
 * strings joined), if MIN_BYTES or more and text (or LONG numbers); `open` when the last entry read reaches the text's
 * end (the next may be in the next chunk).
 */
function readList(text: string, start: number): { end: number; bytes?: Buffer; open: boolean } | undefined {
  const numbers: number[] = [];
  /** The numbers as written (unpack('n*') and ('N*'): words, read by `wordsOf`). */
  const raw: bigint[] = [];
  let chars = '';
  let numeric = true;
  let stringy = true;
  /** Every value two hex digits (print_r of str_split(bin2hex($s), 2)). */
  let hexy = true;
  let hex = '';
  let expect = -1;
  let count = 0;
  /** The first index double-quoted: JSON, whose numbers are IndexedBytes' (runs-bytes.ts) — one list, one finding. */
  let json = false;
  let p = start;
  for (;;) {
    ENTRY.lastIndex = p;
    const m = ENTRY.exec(text);
    if (!m) break;
    const index = Number(m[1] ?? m[2] ?? m[3] ?? m[4] ?? m[11]);
    if (expect < 0 ? index > 1 : index !== expect) break;
    expect = index + 1;
    if (!count) json = m[4] !== undefined;
    count++;
    p = ENTRY.lastIndex;
    const number = m[5] ?? m[9];
    const string = m[6] ?? m[12] ?? ((m[7] ?? m[8] !== undefined) ? unquote(m[7] ?? m[8]!) : m[10]);
    if (number !== undefined) {
      hex += number.padStart(2, '0');
      hexy &&= number.length === 2 && number[0] !== '-';
      const n = Number(number);
      numeric &&= n >= -128 && n <= 255;
      numbers.push(n & 0xff);
      raw.push(BigInt(number));
      // print_r's bare value that is a digit is a character too (str_split of a value with digits).
      stringy &&= m[9] !== undefined && number.length === 1 && /^ \d$/.test(text.slice(p - 2, p));
      chars += number;
    } else {
      numeric = false;
      // One character a value (its UTF-8 bytes read as Latin-1): `1 => '1x7'` is a table of words, no string split up.
      stringy &&= ONE_CHAR.test(string ?? '');
      hexy &&= /^[0-9a-fA-F]{2}$/.test(string ?? '');
      hex += string ?? '';
      chars += string ?? '';
    }
  }
  if (expect < 0) return undefined;
  // Open: the last entry read ends within an entry's length of the text's end (the next may be cut there).
  const open = text.length - p < 64;
  if (json && raw.length === count) return { end: p, open };
  // Two words of four bytes make a value's 8 (unpack('N*')): fewer entries are read where their numbers are words.
  if (count < MIN_BYTES && (numeric || raw.length !== count || count < 2)) return { end: p, open };
  const candidates: Buffer[] = [];
  if (numeric) candidates.push(Buffer.from(numbers));
  else if (raw.length === count) {
    // Words in both byte orders (and code points): each that is text, one after the other.
    // Their padding NULs dropped (isText allows them only at the end).
    const words = wordsOf(raw, false)
      .filter(isText)
      .map((w) => w.subarray(0, w.length - (w.length - w.findLastIndex((c) => c !== 0) - 1)));
    if (words.length) candidates.push(Buffer.concat(words.flatMap((w, i) => (i ? [Buffer.from('\n'), w] : [w]))));
  }
  if (stringy) candidates.push(Buffer.from(chars, 'latin1'));
  if (hexy) candidates.push(Buffer.from(hex, 'hex'));
  for (const bytes of candidates)
    if (bytes.length >= MIN_BYTES && (isText(bytes) || (numeric && bytes === candidates[0] && bytes.length >= LONG))) return { end: p, bytes, open };
  return { end: p, open };
}
