/**
 * A value's characters as character literals a mark leads, one by one in a list: Erlang's and Elixir's `$t` (`[$t, $o,
 * $k]`, io_lib:write_char), Emacs Lisp's and Ruby's `?t` (`'(?t ?o ?k)`, `[?t, ?o]`), each item the mark and one
 * character — or the mark, a backslash and one (`$\s`, `?\(`, `$\\`) — with a separator between items (commas, blanks,
 * a line break and its indentation). No digit is in such a list, so the number readers' looks never meet one. A run of
 * MIN_ITEMS items right after a list's opener (`[`, `(`, `{`, `<`) — or, `?` items, after a Lisp call's head (`(string ?t
 * ?o …)`, Emacs Lisp's way to make a string of characters) — is routed as `marked chars`, its characters joined (`$\s` a space, `$\n` a line break, as Erlang and
 * Emacs read them). Found by a native search for each mark; a `$` or `?` that leads no item followed by a separator
 * (`$x1`, `$HOME`, `?:`) costs a few byte reads. A run that reaches a chunk's end is held (up to MAX_HELD) and read
 * with the next.
 */
import type { Sink } from './types.js';

const MIN_ITEMS = 8;
const MAX_HELD = 64 * 1024;
/** The longest separator: `,` and a line break with its indentation. */
const MAX_SEP = 24;
const MARKS = [0x24, 0x3f];
const BACKSLASH = 0x5c;
/** What Erlang's and Emacs's escapes after the backslash stand for (any other character stands for itself). */
const ESCAPED: Record<number, number> = { 0x73: 0x20, 0x6e: 0x0a, 0x74: 0x09, 0x72: 0x0d, 0x65: 0x1b, 0x64: 0x7f, 0x62: 0x08, 0x66: 0x0c, 0x76: 0x0b };
/** The bytes a separator is made of. */
const SEP = new Uint8Array(256);
for (const c of ', \t\r\n') SEP[c.charCodeAt(0)] = 1;
/** What may follow an item's character: a separator, or a list's or statement's end. */
const AFTER = new Uint8Array(256);
for (const c of ', \t\r\n])};>') AFTER[c.charCodeAt(0)] = 1;
/** What opens a list: its first item follows one (a shell's `$a $b`, a Makefile's `$@ $^` follow a word or a quote). */
const OPENS = new Uint8Array(256);
for (const c of '[({<') OPENS[c.charCodeAt(0)] = 1;
/** A Lisp symbol's bytes: the function a call's items follow (Emacs Lisp's `(string ?t ?o …)`, `(list …)`, `(vector …)`). */
const SYMBOL = new Uint8Array(256);
for (const c of 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-*+/:<>=!_') SYMBOL[c.charCodeAt(0)] = 1;
/** The longest call head: `(` and a symbol before the first item (`(apply #'string` is not one). */
const MAX_HEAD = 40;
const QUESTION = 0x3f;

/**
 * Whether the item at `at` opens a list: right after an opener, or — `?` items, Emacs Lisp's — after a call's head, `(`
 * and a function's symbol and blanks (`(string ?t ?o …)`; a shell's `$a $b` and a Makefile's `$@ $^` follow no `(`).
 */
function opensAt(b: Uint8Array, at: number, mark: number): boolean {
  if (OPENS[b[at - 1]!]) return true;
  if (mark !== QUESTION) return false;
  let p = at - 1;
  while (p > 0 && at - p < MAX_HEAD && SEP[b[p]!] && b[p] !== 0x2c) p--;
  if (p === at - 1) return false;
  const end = p;
  while (p > 0 && at - p < MAX_HEAD && SYMBOL[b[p]!]) p--;
  return p < end && b[p] === 0x28;
}

/** Where a call's head that may open a list ends the buffer (`(string ` and the first item in the next chunk), or -1. */
function headAtEnd(b: Uint8Array): number {
  let p = b.length - 1;
  while (p >= 0 && b.length - p < MAX_HEAD && (SYMBOL[b[p]!] || (SEP[b[p]!] && b[p] !== 0x2c))) p--;
  return p >= 0 && b[p] === 0x28 && p < b.length - 1 ? p : -1;
}

/** The UTF-8 length of the character led by byte `c` (1 for ASCII), or 0 for none a character starts with. */
function charLength(c: number): number {
  if (c > 0x20 && c < 0x7f) return 1;
  return c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
}

/** The item at `i` (its mark there): its character's bytes and where it ends; undefined for none; `open` at the end. */
function itemAt(b: Uint8Array, i: number, mark: number): { bytes: Uint8Array; end: number } | 'open' | undefined {
  if (b[i] !== mark) return undefined;
  if (i + 2 >= b.length) return 'open';
  const c = b[i + 1]!;
  if (c === BACKSLASH) {
    const e = b[i + 2]!;
    if (e <= 0x20 || e >= 0x7f) return undefined;
    if (i + 3 >= b.length) return 'open';
    return AFTER[b[i + 3]!] ? { bytes: Uint8Array.of(ESCAPED[e] ?? e), end: i + 3 } : undefined;
  }
  const n = charLength(c);
  if (!n) return undefined;
  if (i + 1 + n >= b.length) return 'open';
  for (let k = 1; k < n; k++) if ((b[i + 1 + k]! & 0xc0) !== 0x80) return undefined;
  return AFTER[b[i + 1 + n]!] ? { bytes: b.subarray(i + 1, i + 1 + n), end: i + 1 + n } : undefined;
}

/** The run of items from the mark at `at`: their characters, where it ends, and whether the buffer's end cut it. */
export function runFrom(b: Uint8Array, at: number, mark: number): { chars: Uint8Array[]; end: number; open: boolean } {
  const chars: Uint8Array[] = [];
  let p = at;
  for (;;) {
    const item = itemAt(b, p, mark);
    if (item === 'open') return { chars, end: p, open: true };
    if (!item) return { chars, end: p, open: false };
    chars.push(item.bytes);
    let q = item.end;
    while (q < b.length && q - item.end < MAX_SEP && SEP[b[q]!]) q++;
    if (q >= b.length) return { chars, end: item.end, open: true };
    if (q === item.end || b[q] !== mark) return { chars, end: item.end, open: false };
    p = q;
  }
}

/** The marked characters of one text, fed chunk by chunk. */
export class MarkedChars {
  #held: Buffer = Buffer.alloc(0);
  #offset = 0;

  constructor(readonly open: (offset: number, alphabet: string) => Sink | undefined) {}

  async push(chunk: Uint8Array): Promise<void> {
    const b = this.#held.length ? Buffer.concat([this.#held, chunk]) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    const base = this.#offset - this.#held.length;
    this.#offset += chunk.length;
    const hold = await this.#read(b, base, false);
    this.#held = hold < b.length ? Buffer.from(b.subarray(hold)) : Buffer.alloc(0);
  }

  async end(): Promise<void> {
    if (this.#held.length) await this.#read(this.#held, this.#offset - this.#held.length, true);
    this.#held = Buffer.alloc(0);
  }

  /** Reads `b`'s runs; returns where to hold from: the first run the buffer's end cut (from its opener). */
  async #read(b: Buffer, base: number, last: boolean): Promise<number> {
    // An opener as the last byte: the next chunk may begin its list.
    const head = last ? -1 : headAtEnd(b);
    let hold = !last && OPENS[b[b.length - 1]!] ? b.length - 1 : head >= 0 ? head : b.length;
    for (const mark of MARKS)
      for (let at = b.indexOf(mark, 1); at >= 0 && at < hold; at = b.indexOf(mark, at + 1)) {
        if (!opensAt(b, at, mark)) continue;
        const run = runFrom(b, at, mark);
        if (run.open && !last && b.length - at < MAX_HELD) {
          // The opener (or the call's head) kept with it, for the next read's check.
          hold = OPENS[b[at - 1]!] ? at - 1 : Math.max(0, at - MAX_HEAD);
          break;
        }
        if (run.chars.length >= MIN_ITEMS) {
          await this.#route(base + at, Buffer.concat(run.chars));
          at = run.end - 1;
        }
      }
    return hold;
  }

  async #route(at: number, chars: Buffer): Promise<void> {
    const sink = this.open(at, 'marked chars');
    if (!sink) return;
    await sink.write(chars);
    await sink.end();
  }
}
