/**
 * A value's characters one by one between single separators: Python's `' '.join(s)` and `'\n'.join(s)` (a character a
 * line), Go's %c of a []rune (`[t o k e n]`), Tcl's `split $s ""` (`t o k \{ { } …`: a brace or quote backslashed, a
 * blank braced), Perl's `join ' ', split //`, a shell loop echoing each character. No reader of words sees a value
 * whose every character is a word of its own.
 *
 * Found by a look every SAMPLE-th byte for four separators (a blank or a line break) two bytes apart with a character
 * between each; from there the run is walked back to its first character and read forwards, a character at a time (a
 * UTF-8 one, `\X`, `{X}`), while a separator follows each. A run of MIN_CHARS characters or more is routed as
 * `spaced chars`, its characters joined. A run that reaches a chunk's end is held (up to MAX_HELD) and read with the
 * next; the last bytes of a chunk are kept so that a run cut by its end is seen whole.
 */
import type { Sink } from './types.js';

const SAMPLE = 7;
const MIN_CHARS = 8;
const MAX_HELD = 64 * 1024;
/** Bytes kept from a chunk's end (no run open): a run cut there is met again whole with the next chunk. */
const KEEP = 32;

const SPACE = 0x20;
const LF = 0x0a;

/** The length of the character (an element of the run) at `i`, or 0: one UTF-8 character, `\X` or `{X}` (Tcl's quoting). */
function elementAt(b: Uint8Array, i: number, sep: number): number {
  const c = b[i];
  if (c === undefined || c < 0x20 || c === 0x7f) return 0;
  if (c === 0x5c && b[i + 1] !== undefined && b[i + 1]! > 0x20 && b[i + 1]! < 0x7f && b[i + 2] === sep) return 2;
  if (c === 0x7b && b[i + 2] === 0x7d && b[i + 1] !== undefined && b[i + 1]! >= 0x20 && b[i + 3] === sep) return 3;
  if (c < 0x80) return 1;
  const n = c >= 0xf0 && c < 0xf5 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
  for (let k = 1; k < n; k++) if (b[i + k] === undefined || (b[i + k]! & 0xc0) !== 0x80) return 0;
  return n;
}

/** Where the element ending just before the separator at `sepAt` starts, or -1. */
function elementBefore(b: Uint8Array, sepAt: number, sep: number): number {
  const last = b[sepAt - 1];
  if (last === undefined) return -1;
  if (last === 0x7d && b[sepAt - 3] === 0x7b && elementAt(b, sepAt - 3, sep) === 3) return sepAt - 3;
  if (last < 0x80) return elementAt(b, sepAt - 1, sep) === 1 ? sepAt - 1 : -1;
  for (let k = 2; k <= 4; k++) if (sepAt - k >= 0 && elementAt(b, sepAt - k, sep) === k) return sepAt - k;
  return -1;
}

/** Whether four separators stand two bytes apart at `i` (from i − 2 to i + 4), a character between each. */
function alternates(b: Uint8Array, i: number, sep: number): boolean {
  for (let k = -2; k <= 4; k += 2) if (b[i + k] !== sep) return false;
  for (let k = -1; k <= 3; k += 2) {
    const c = b[i + k];
    if (c === undefined || c <= 0x20 || c === 0x7f) return false;
  }
  return true;
}

/** The run around the separator at `i`: where it starts and ends in `b`, its characters joined; undefined when short. */
export function runAt(b: Uint8Array, i: number, sep: number): { start: number; end: number; chars: Buffer } | undefined {
  let start = elementBefore(b, i, sep);
  for (let guard = 0; start > 0 && b[start - 1] === sep && guard < MAX_HELD; guard++) {
    const before = elementBefore(b, start - 1, sep);
    if (before < 0) break;
    start = before;
  }
  if (start < 0) return undefined;
  const parts: number[] = [];
  let p = start;
  let count = 0;
  for (;;) {
    const n = elementAt(b, p, sep);
    if (!n) break;
    if (n === 1 || (n > 1 && b[p]! >= 0x80)) for (let k = 0; k < n; k++) parts.push(b[p + k]!);
    else parts.push(b[p + 1]!);
    count++;
    p += n;
    if (b[p] !== sep) break;
    p++;
  }
  return count >= MIN_CHARS ? { start, end: p, chars: Buffer.from(parts) } : undefined;
}

export class SpacedChars {
  /** The kept end of the chunks before, or a run held open. */
  #held: Buffer = Buffer.alloc(0);
  #from = 0;
  /** Runs starting before this (in the content) were read. */
  #done = 0;

  constructor(readonly open: (offset: number, alphabet: string) => Sink | undefined) {}

  async push(chunk: Uint8Array): Promise<void> {
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    const whole = this.#held.length ? Buffer.concat([this.#held, bytes]) : bytes;
    await this.#scan(whole, this.#from, false);
  }

  async end(): Promise<void> {
    await this.#scan(this.#held, this.#from, true);
    this.#held = Buffer.alloc(0);
  }

  async #scan(b: Buffer, base: number, last: boolean): Promise<void> {
    const n = b.length;
    let keepFrom = Math.max(0, n - KEEP);
    for (let q = 0; q < n; q += SAMPLE) {
      for (const i of [q, q + 1])
        for (const sep of [SPACE, LF]) {
          if (b[i] !== sep || !alternates(b, i, sep)) continue;
          const run = runAt(b, i, sep);
          if (!run || base + run.start < this.#done) continue;
          if (run.end >= n - 4 && !last && n - run.start < MAX_HELD) {
            keepFrom = Math.min(keepFrom, run.start);
            q = n;
            break;
          }
          this.#done = base + run.end;
          q = Math.max(q, run.end - SAMPLE);
          const sink = this.open(base + run.start, 'spaced chars');
          if (sink) {
            await sink.write(run.chars);
            await sink.end();
          }
        }
    }
    if (last) return;
    this.#held = Buffer.from(b.subarray(keepFrom));
    this.#from = base + keepFrom;
  }
}
