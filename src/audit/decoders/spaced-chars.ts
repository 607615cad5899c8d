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
import { Marks, MIN_MARKED } from './runs-bytes-looks.js';
import type { Sink } from './types.js';
import { ListedChars } from './listed-chars.js';

const SAMPLE = 7;
const MIN_CHARS = 8;
const MAX_HELD = 64 * 1024;
/** Bytes kept from a chunk's end (no run open): a run cut there is met again whole with the next chunk. */
const KEEP = 32;
/** A run too long to hold is read up to a chunk's end, and its last OVERLAP bytes again with the next: a value across the cut is read whole. */
const OVERLAP = 4096;

const SPACE = 0x20;
const LF = 0x0a;
const TAB = 0x09;
const COMMA = 0x2c;
/** A carriage return stands for CRLF, a separator of two bytes. */
const CR = 0x0d;
const SEPARATORS = [SPACE, LF, TAB, COMMA, CR];
/** 1 at a separator's first byte (`sepAt` is 0 at any other). */
const IS_SEPARATOR = new Uint8Array(256);
for (const s of SEPARATORS) IS_SEPARATOR[s] = 1;
/** The separators a byte may begin, in SEPARATORS' order: itself; a line break also a blank's (`\n ` in Lisp's wrapped lists). */
const ONLY: ReadonlyArray<readonly number[] | undefined> = Array.from({ length: 256 }, (_, c) => (IS_SEPARATOR[c] ? [c] : undefined));
const LF_SEPARATORS = [SPACE, LF];
/** Lisp's characters, `#\x` (`#\Space`, `#\Newline`, `#\Tab` by name). */
/** Searched with the `(` that opens the list: `#\\` alone stops at every `#` (a shell script's comments). */
const LISP = Buffer.from('(#\\');
const NAMED: ReadonlyArray<[Buffer, number]> = [
  ['Space', 0x20],
  ['space', 0x20],
  ['Newline', 0x0a],
  ['newline', 0x0a],
  ['Tab', 0x09],
  ['tab', 0x09],
].map(([n, c]) => [Buffer.from(n as string), c as number]);

/** The separator's length at `p` (CRLF: 2; a blank's, a line break and one blank: Lisp's wrapped lists), or 0. */
const sepAt = (b: Uint8Array, p: number, sep: number) =>
  b[p] !== sep ? (sep === SPACE && b[p] === LF && b[p + 1] === SPACE ? 2 : 0) : sep === CR ? (b[p + 1] === LF ? 2 : 0) : 1;
/** The separator's length ending just before `p`, or 0. */
const sepBefore = (b: Uint8Array, p: number, sep: number) =>
  sepAt(b, p - 1, sep) === 1 ? (sep === SPACE && b[p - 2] === LF ? 2 : 1) : sepAt(b, p - 2, sep) === 2 ? 2 : 0;

/** The element at `i`: its length and the character's bytes, or undefined — a UTF-8 character, `\X` or `{X}` (Tcl), `#\X` (Lisp). */
function elementAt(b: Uint8Array, i: number, sep: number): { n: number; bytes: number[] } | undefined {
  const c = b[i];
  if (c === undefined || c < 0x20 || c === 0x7f) return undefined;
  if (c === 0x23 && b[i + 1] === 0x5c) {
    for (const [name, code] of NAMED)
      if (name.every((x, k) => b[i + 2 + k] === x) && sepOrEnd(b, i + 2 + name.length, sep)) return { n: 2 + name.length, bytes: [code] };
    const inner = elementAt(b, i + 2, -1);
    return inner && inner.n === inner.bytes.length && sepOrEnd(b, i + 2 + inner.n, sep) ? { n: 2 + inner.n, bytes: inner.bytes } : undefined;
  }
  if (c === 0x5c && b[i + 1] !== undefined && b[i + 1]! > 0x20 && b[i + 1]! < 0x7f && sepAt(b, i + 2, sep)) return { n: 2, bytes: [b[i + 1]!] };
  if (c === 0x7b && b[i + 2] === 0x7d && b[i + 1] !== undefined && b[i + 1]! >= 0x20 && b[i + 1]! < 0x7f && sepAt(b, i + 3, sep))
    return { n: 3, bytes: [b[i + 1]!] };
  if (c < 0x80) return c === sep && sep !== SPACE ? undefined : { n: 1, bytes: [c] };
  const n = c >= 0xf0 && c < 0xf5 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
  if (!n) return undefined;
  for (let k = 1; k < n; k++) if (b[i + k] === undefined || (b[i + k]! & 0xc0) !== 0x80) return undefined;
  return { n, bytes: Array.from(b.subarray(i, i + n)) };
}

/** A separator, or a list's end (a Lisp list's `)`), at `p`. */
const sepOrEnd = (b: Uint8Array, p: number, sep: number) => sep < 0 || sepAt(b, p, sep) > 0 || b[p] === 0x29 || b[p] === undefined;

/** Where the element ending just before the separator at `at` starts, or -1. */
function elementBefore(b: Uint8Array, at: number, sep: number): number {
  for (let k = 1; k <= 9 && at - k >= 0; k++) {
    const e = elementAt(b, at - k, sep);
    if (e && e.n === k && (k === 1 || b[at - k] === 0x23 || b[at - k] === 0x5c || b[at - k] === 0x7b || b[at - k]! >= 0xc2)) return at - k;
  }
  return -1;
}

/** The separator's length (1, or 2 for CRLF). */
const sepLength = (sep: number) => (sep === CR ? 2 : 1);

/** Whether four separators stand a character apart at `i` (from two places before to four after), a character between each. */
function alternates(b: Uint8Array, i: number, sep: number): boolean {
  const step = 1 + sepLength(sep);
  for (let k = -1; k <= 2; k++) if (!sepAt(b, i + k * step, sep)) return false;
  for (let k = -1; k <= 1; k++) {
    const c = b[i + k * step + sepLength(sep)];
    if (c === undefined || c <= 0x20 || c === 0x7f || c === COMMA) return false;
  }
  return true;
}

/** The run around the separator at `i`: where it starts and ends in `b`, its characters joined; undefined when short. */
export function runAt(b: Uint8Array, i: number, sep: number): { start: number; end: number; chars: Buffer; count: number; tail: number } | undefined {
  let start = elementBefore(b, i, sep);
  for (let guard = 0, len = 0; start > 0 && (len = sepBefore(b, start, sep)) && guard < MAX_HELD; guard++) {
    const before = elementBefore(b, start - len, sep);
    if (before < 0) break;
    start = before;
  }
  if (start < 0) return undefined;
  const parts: number[] = [];
  let p = start;
  let count = 0;
  const starts: number[] = [];
  for (;;) {
    const e = elementAt(b, p, sep);
    if (!e) break;
    starts.push(p);
    parts.push(...e.bytes);
    count++;
    p += e.n;
    const s = sepAt(b, p, sep);
    if (!s) break;
    p += s;
  }
  // The first element of the run's last OVERLAP bytes: where a run read up to a chunk's end is read again from.
  const tail = starts.find((s) => s >= p - OVERLAP) ?? start;
  return { start, end: p, chars: Buffer.from(parts), count, tail };
}

/** 1 at a separator one byte long (a blank, a line break, a tab, a comma): a run's are two bytes apart. */
const STEP_TWO = new Uint8Array(256);
for (const s of [SPACE, LF, TAB, COMMA]) STEP_TWO[s] = 1;

/**
 * Whether a look at `i` may find a run (`alternates`, or a Lisp place): the same separator two bytes before and after
 * it (CRLF's carriage return three). A blank's `\n ` is no separator there (a blank follows it where a character must).
 */
const mayAlternate = (b: Uint8Array, i: number) => {
  const c = b[i]!;
  return STEP_TWO[c] === 1 ? b[i - 2] === c && b[i + 2] === c : c === CR && b[i - 3] === CR && b[i + 3] === CR;
};

/**
 * The first sample from `q` (q, q + SAMPLE, …) whose look at q or q + 1 may find a run or is at one of `places`, or
 * `n`. The samples' loop went through every sample of a chunk in an async function (a plain layer's text: 2.3 s of a
 * 1 GiB bench's CPU); this one skips those where it did nothing: by the places `mayAlternate` holds at, marked a window
 * at a time (`runs-bytes-looks.ts`), or where those cannot be marked (a short buffer, no WebAssembly) by `mayAlternate`.
 */
function nextLook(b: Uint8Array, q: number, n: number, places: readonly number[], marks: Marks | undefined): number {
  let end = n;
  for (const p of places) {
    if (p < q) continue;
    const sample = q + Math.floor((p - q) / SAMPLE) * SAMPLE;
    if (p - sample <= 1) {
      end = Math.min(end, sample);
      break;
    }
  }
  if (!marks || n < MIN_MARKED) {
    for (; q < end; q += SAMPLE) if (mayAlternate(b, q) || mayAlternate(b, q + 1)) return q;
    return end;
  }
  // The first place marked that a sample's look meets.
  for (let at = q; at < end;) {
    if (!marks.holds(at) && !marks.fill(b, at)) return nextLook(b, q, n, places, undefined);
    const c = marks.next(at);
    if (c < 0) {
      at = marks.to;
      continue;
    }
    const sample = q + Math.floor((c - q) / SAMPLE) * SAMPLE;
    if (c - sample <= 1) return Math.min(sample, end);
    at = c + 1;
  }
  return end;
}

/** The buffer a chunk is joined to the kept end in (`SpacedChars.push`), `busy` while a scan reads it. */
const SCRATCH = { busy: false, buffer: Buffer.alloc(0) };

export class SpacedChars {
  /** The kept end of the chunks before, or a run held open. */
  #held: Buffer = Buffer.alloc(0);
  #from = 0;
  /**
   * By separator, the last run read (where it starts and ends in the content): a run met again within it is passed over.
   * A run that only began before the end of one read (`runs starting before this were read`, for every separator) was
   * passed over too: a value spaced by line breaks right after a blank-spaced run (`a b c d e f g h t\no\nk…`), or a
   * run after another of the same separator sharing its last element (a blank, `j  a`), was missed.
   */
  readonly #done = new Map<number, { start: number; end: number }>();
  /** Where looks may find a run, a window of the buffer scanned at a time (`runs-bytes-looks.ts`). */
  #marks: Marks | undefined;

  /** A character an item of a block list (`listed-chars.ts`: PyYAML's `- t`). */
  readonly #listed: ListedChars;

  constructor(readonly open: (offset: number, alphabet: string) => Sink | undefined) {
    this.#listed = new ListedChars(open);
  }

  async push(chunk: Uint8Array): Promise<void> {
    await this.#listed.push(chunk);
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    if (!this.#held.length) return this.#scan(bytes, this.#from, false);
    // The kept end and the chunk joined in the one scratch buffer of every reader (a Buffer.concat copied each chunk into
    // a buffer of its own: a plain layer's every byte, garbage the collector then paid for); its own copy where a
    // reading under way (a run's sink, read by a reader of its own) holds it.
    const n = this.#held.length + bytes.length;
    const scratch = SCRATCH.busy ? Buffer.allocUnsafe(n) : SCRATCH.buffer.length >= n ? SCRATCH.buffer : (SCRATCH.buffer = Buffer.allocUnsafe(n));
    const shared = scratch === SCRATCH.buffer;
    this.#held.copy(scratch, 0);
    bytes.copy(scratch, this.#held.length);
    if (shared) SCRATCH.busy = true;
    try {
      await this.#scan(scratch.subarray(0, n), this.#from, false);
    } finally {
      if (shared) SCRATCH.busy = false;
    }
  }

  async end(): Promise<void> {
    await this.#listed.end();
    await this.#scan(this.#held, this.#from, true);
    this.#held = Buffer.alloc(0);
  }

  /** The separators after Lisp characters that open a list (`(#\\x `): their runs are read whatever the samples meet. */
  #lisp(b: Buffer): number[] {
    const places: number[] = [];
    for (let open = b.indexOf(LISP); open >= 0; open = b.indexOf(LISP, open + 3)) {
      const at = open + 1;
      const e = elementAt(b, at, SPACE);
      if (e) places.push(at + e.n);
    }
    return places;
  }

  async #scan(b: Buffer, base: number, last: boolean): Promise<void> {
    const n = b.length;
    let keepFrom = Math.max(0, n - KEEP);
    const places = this.#lisp(b);
    // Only the samples where a look may find something are visited (`nextLook`): at the others, the loop did nothing.
    const marks = n >= MIN_MARKED ? (this.#marks ??= new Marks('spaced')) : undefined;
    marks?.reset();
    for (let q = places.length ? 0 : nextLook(b, 0, n, places, marks); q < n; q = nextLook(b, q + SAMPLE, n, places, marks)) {
      // The places looked at from q (q itself and the next; Lisp's places too at the chunk's start), no array made but
      // there; at each, only the separators its byte may begin (`sepAt` is 0 for the others): most bytes begin none.
      const list = places.length && q === 0 ? [...places, q, q + 1] : undefined;
      const from = q;
      for (let k = 0, m = list ? list.length : 2; k < m; k++) {
        const i = list ? list[k]! : from + k;
        const c = b[i]!;
        if (IS_SEPARATOR[c] !== 1) continue;
        // Indexed, not for…of: in this async loop each for…of made an iterator and a result per step (300 MiB a layer).
        const seps = c === LF ? LF_SEPARATORS : ONLY[c]!;
        for (let s = 0; s < seps.length; s++) {
          const sep = seps[s]!;
          if (!sepAt(b, i, sep) || (!alternates(b, i, sep) && !places.includes(i))) continue;
          const run = runAt(b, i, sep);
          if (!run) continue;
          // A run read before (up to a chunk's end) is met again at every sample it spans: passed over whole, else each
          // look walked it to its end again (a line of 128 KiB of `0 1 0 1 …`, a P1 bitmap's, took minutes).
          const read = this.#done.get(sep);
          if (read && base + run.start >= read.start && base + run.end <= read.end) {
            q = Math.max(q, run.end - SAMPLE);
            continue;
          }
          // A run reaching the end is held whole (from before its `(`), however short yet: the next chunk may go on with it.
          if (run.end >= n - 4 && !last && n - run.start < MAX_HELD) {
            keepFrom = Math.min(keepFrom, Math.max(0, run.start - 4));
            q = n;
            break;
          }
          if (run.count < MIN_CHARS) continue;
          this.#done.set(sep, { start: base + run.start, end: base + run.end });
          q = Math.max(q, run.end - SAMPLE);
          // Too long to hold, it is read up to here; its last bytes are kept and read again with what follows.
          if (run.end >= n - 4 && !last) keepFrom = Math.min(keepFrom, run.tail);
          const sink = this.open(base + run.start, 'spaced chars');
          if (sink) {
            await sink.write(run.chars);
            await sink.end();
          }
        }
      }
    }
    if (last) return;
    this.#held = Buffer.from(b.subarray(keepFrom));
    this.#from = base + keepFrom;
  }
}
