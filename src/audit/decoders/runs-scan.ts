/**
 * The scanner every family of encoded runs shares (`runs.ts`: base64, hex, base32, base2;
 * `runs-base85.ts`: base85, Z85, ASCII85): it reads a text's bytes once with the family's table of
 * characters (no regular expression, no string of the whole chunk), finds runs of at least
 * `minRun` characters, decodes them as they stream — a line break (with `=` padding, CR,
 * indentation) followed by MIN_LINE more continues a run — and routes each decoding that the
 * family accepts as content of its own. A run still open at a chunk's end is decoded as far as a
 * whole group and continued with the next chunk. A shorter run (`minShort` on) is decoded whole and
 * routed only when what it decodes to is text (`stacked`).
 */
import { classifierOf, type Classifier, nextRunClassified, release, type Masks } from './runs-classify.js';
import { cryptHashEnd, labelledDigest } from './runs-scan-hashes.js';
import type { Sink } from './types.js';

export { cryptHashEnd, labelledDigest } from './runs-scan-hashes.js';

/** One family of encodings whose runs share a table of characters. */
export interface Family {
  /** 1 for each byte that may be part of a run. */
  readonly table: Uint8Array;
  readonly minRun: number;
  readonly minShort: number;
  /**
   * Whether every alignment of a run's groups is tried even in text: a base85 run often follows a
   * character of its own alphabet (`KEY=…`, `token:…`), so where it starts is not where the run does.
   */
  readonly unaligned?: boolean;
  /** The encodings a run whose first characters are `head` may be (several when it fits more than one), in text or in binary content. */
  alphabets(head: string, delimited: boolean): readonly string[];
  /**
   * `alphabets` of the run `bytes` from `start` to `end` (all of it the family's characters), told from the bytes: a
   * short run is then judged with no string made when the family has `decodeText` too.
   */
  alphabetsIn?(bytes: Uint8Array, start: number, end: number, delimited: boolean): readonly string[];
  /** Characters per group: a run is decoded whole groups at a time. */
  group(alphabet: string): number;
  /** The bytes of `text` (whole groups, but for the run's end). */
  decode(text: string, alphabet: string): Buffer;
  /**
   * The bytes of a short run (`bytes` from `start` to `end`) if they are text: given up at the first
   * byte that is not, faster than decoding it all and asking `stacked` (which it agrees with). Fewer
   * than `textFrom` characters from `start` are none (the scanner does not ask).
   */
  decodeText?(bytes: Uint8Array, start: number, end: number, alphabet: string): Buffer | undefined;
  /** The fewest characters `decodeText` is asked to read (`minShort` when absent). */
  readonly textFrom?: number;
  /** Whether a long run starting `head`, read from `skip`, is routed (all are when absent). */
  accept?(head: string, alphabet: string, skip: number): boolean;
  /**
   * Where a long run none of whose readings was accepted is judged again, its characters before that passed over (0 or
   * none: nowhere): after the first separator of base64 values that text joins (`runs-base85.ts` joinedAt).
   */
  resume?(head: string): number;
}

/**
 * Whether a short run's decoded bytes are text (printable ASCII): a short value encoded twice, or
 * escaped (JSON, XML, percent) and then encoded. A word or a path of that length decodes to bytes
 * that are not (each byte printable by chance about one time in three).
 */
export function stacked(decoded: Uint8Array): boolean {
  if (decoded.length < 8) return false;
  for (const b of decoded) if ((b < 0x20 || b > 0x7e) && b !== 9 && b !== 10 && b !== 13) return false;
  return true;
}

const GAP = new Uint8Array(256);
for (const c of '=\r\n \t') GAP[c.charCodeAt(0)] = 1;
/** A wrapped run's next line is this long at least (base64 is wrapped at 64 or 76; its last line may be short). */
const MIN_LINE = 16;
/** The longest run a family did not accept that is still decoded whole to see whether it is text. */
const MAX_TEXT = 1024;
/** What closes a value in text (`"…",`, `'…')`): left out of a run judged again (Family.resume) when it is read as text. */
const CLOSING = new Uint8Array(256);
for (const c of `'"),;:`) CLOSING[c.charCodeAt(0)] = 1;

/** Where nextRun found a segment: its start and end (both `n` when there is none). */
const found = { start: 0, end: 0 };
/** No bytes held (one, not an allocation per chunk). */
const NONE = Buffer.alloc(0);

/**
 * Where, from `from` on, the next run of `min` characters of `table` is (`found`) — or a segment
 * that reaches the end (it may go on in the next chunk), or the end. Only every `min`-th byte is
 * looked at first (a run that long covers one of them), then the segment around a hit.
 */
export function nextRun(bytes: Uint8Array, from: number, table: Uint8Array, min: number): typeof found {
  const n = bytes.length;
  for (let p = from + min - 1; p < n + min - 1; p += min) {
    const q = Math.min(p, n - 1);
    if (!table[bytes[q]!]) continue;
    let start = q;
    while (start > from && table[bytes[start - 1]!]) start--;
    let end = q + 1;
    while (end < n && table[bytes[end]!]) end++;
    if (end - start >= min || end === n) {
      // Set field by field: Object.assign's literal was an allocation per segment (a line of code holds one or two).
      found.start = start;
      found.end = end;
      return found;
    }
    p = end; // the next probe is min - 1 past the segment's end
  }
  found.start = found.end = n;
  return found;
}

/** Where the `=` padding after a segment ending at `at` ends: a line break there may end a wrapped run's last line. */
function padEnd(bytes: Uint8Array, at: number): number {
  let j = at;
  while (j < bytes.length && bytes[j] === 0x3d) j++;
  return j;
}

interface Lane {
  sink: Sink;
  alphabet: string;
  skip: number;
  rest: string;
  /** Where its reading began: its offset, and how many of the run's first characters it passes over. */
  offset: number;
  from: number;
}

/**
 * Characters that may follow a value's closing quote in a run of an alphabet that holds the quote (ASCII85's `!`..`u`
 * has `'` `"` `,` `;` `)` `]`): `"…",` in JSON, `b'…')`, `'…'];`.
 */
const CLOSER = new Uint8Array(256);
for (const c of ',;)]') CLOSER[c.charCodeAt(0)] = 1;
/** The most closers after a closing quote, and how far into a run its opening quote is looked for (a label and `b'`). */
const CLOSERS = 3;
const OPENING = 28;

/**
 * The value between quotes a run holds when its alphabet has the quote (ASCII85: `KEY = b'…'`, `"api_key":"…",`): the
 * run ends with a quote and at most CLOSERS closers, and the same quote is among its first OPENING characters (the last
 * one there before the closing: an unescaped value has none). [start, end) of the value, or undefined.
 */
function quotedIn(bytes: Uint8Array, start: number, end: number, table: Uint8Array, min: number): [number, number] | undefined {
  let close = end - 1;
  while (close > start && end - close <= CLOSERS && CLOSER[bytes[close]!]) close--;
  const quote = bytes[close]!;
  if ((quote !== 0x22 && quote !== 0x27) || !table[quote]) return undefined;
  for (let j = Math.min(close, start + OPENING) - 1; j >= start; j--) if (bytes[j] === quote) return close - j - 1 >= min ? [j + 1, close] : undefined;
  return undefined;
}

/** The most characters of a run kept to read it again when a short last line may or may not be its own (16 KiB). */
const KEEP = 16384;
/** How a short line after a run is read (`RunScanner#lastLine`): not joined, joined, or both. */
const ALONE = 0;
const JOIN = 1;
const BOTH = 2;

/** The runs of one family in one text, fed chunk by chunk. */
export class RunScanner {
  #open: Lane[] | undefined;
  /** The gap since the last segment: any bytes, only padding and whitespace, a line break among them. */
  #gap = { any: false, clean: true, newline: false };
  #offset = 0;
  /** The end of the chunk before, when it ended inside a segment too short to tell. */
  #tail: Buffer = NONE;
  /**
   * The open run's lines: how many, the first's width, the second's, whether every full line after the first has the
   * second's width (an encoder's wrapping), the current line's width; and its text while it is at most KEEP characters.
   */
  #lines = { count: 0, first: 0, width: 0, even: true, line: 0 };
  #kept: string[] | undefined;
  /** Whether the family's alphabet holds a quote (ASCII85's): only then is a run read as a value between quotes. */
  readonly #quotes: boolean;
  #keptLength = 0;
  /** The classify pass of the family's table (`runs-classify.ts`): runs found by its masks where it can be used. */
  readonly #classifier: Classifier | undefined;
  /** The bytes its masks are of (those `#scan` reads: each push's are a view or a copy of their own), or none. */
  #classified: Uint8Array | undefined;
  /** Their masks, held while they are read (none: a chunk too short, or a table it cannot hold, is read byte by byte). */
  #masks: Masks | undefined;

  constructor(
    readonly family: Family,
    readonly open: (offset: number, alphabet: string) => Sink | undefined,
    /**
     * Whether a run's first character is where its encoding starts (text: runs are delimited). In
     * binary content the bytes next to a run are often the family's characters by chance, so the
     * run is also decoded from each of its next few characters (every alignment of its groups).
     */
    readonly delimited = true,
    /** Whether runs are found by the classify pass where it can be used (off: byte by byte, as the tests compare). */
    classify = true,
  ) {
    this.#quotes = family.table[0x22] === 1 || family.table[0x27] === 1;
    const classifier = classify ? classifierOf(family.table, family.minShort) : undefined;
    this.#classifier = classifier?.usable ? classifier : undefined;
  }

  #newGap(): void {
    this.#gap.any = false;
    this.#gap.clean = true;
    this.#gap.newline = false;
  }

  #skips(alphabet: string): number {
    return this.delimited && !this.family.unaligned ? 1 : this.family.group(alphabet);
  }

  async push(chunk: Uint8Array): Promise<void> {
    try {
      await this.#push(chunk);
    } finally {
      this.#release();
    }
  }

  /** The chunk's masks given back: read, it is not looked at again. */
  #release(): void {
    if (this.#masks) release(this.#masks);
    this.#masks = undefined;
    this.#classified = undefined;
  }

  async #push(chunk: Uint8Array): Promise<void> {
    const tail = this.#tail;
    const fresh = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    if (tail.length && !this.#open) {
      // The segment cut by the chunk before goes on to the first byte that is no run character here: only it and that
      // byte are joined to the tail (no run is open, so the next push begins afresh). Joining the whole chunk copied
      // it once per scanner — four copies of most text chunks.
      const table = this.family.table;
      let j = 0;
      while (j < chunk.length && table[chunk[j]!]) j++;
      if (j < chunk.length) {
        await this.#scan(Buffer.concat([tail, fresh.subarray(0, j + 1)]), j + 1);
        return this.#scan(fresh.subarray(j + 1), chunk.length - j - 1);
      }
    }
    return this.#scan(tail.length ? Buffer.concat([tail, fresh]) : fresh, chunk.length);
  }

  /** `bytes`: the tail held back, then `fresh` bytes not seen before. */
  async #scan(bytes: Buffer, fresh: number): Promise<void> {
    const { table, minRun, minShort } = this.family;
    const base = this.#offset - (bytes.length - fresh);
    this.#offset += fresh;
    this.#tail = NONE;
    const n = bytes.length;
    let i = 0;
    /** Where the segment nextRun found ends (it is not read twice). */
    let known = -1;
    while (i < n) {
      known = -1;
      if (!this.#open) {
        ({ start: i, end: known } = this.#next(bytes, i));
        this.#newGap();
        if (i === n) break;
      }
      // The gap before the next segment (it may have begun in the chunk before).
      const gap = this.#gap;
      const gapStart = i;
      while (i < n && !table[bytes[i]!]) {
        if (!GAP[bytes[i]!]) gap.clean = false;
        else if (bytes[i] === 10) gap.newline = true;
        i++;
      }
      if (i > gapStart) gap.any = true;
      if (this.#open && !gap.clean) await this.#close();
      if (i === n) break;
      const start = i;
      if (known > i) i = known;
      else while (i < n && table[bytes[i]!]) i++;
      const atEnd = i === n;
      const padded = padEnd(bytes, i);
      if (this.#open && gap.any && padded === n && i - start < MIN_LINE) {
        // A short line (and its padding) at the chunk's end: whether it continues the run is told with the next chunk.
        this.#tail = Buffer.from(bytes.subarray(start));
        break;
      }
      const { any: joined, newline } = gap;
      this.#newGap();
      if (this.#open) {
        // Straight on from the chunk before, or the next line of a wrapped run.
        if (!joined || (newline && (i - start >= MIN_LINE || atEnd))) {
          if (joined) this.#newLine(i - start);
          else this.#lines.line += i - start;
          await this.#continue(bytes.toString('latin1', start, i));
          continue;
        }
        const last = newline && (bytes[padded] === 0x0a || bytes[padded] === 0x0d) ? this.#lastLine(i - start) : ALONE;
        if (last !== ALONE) {
          // A wrapped run's last line, shorter than the rest (`base64`, `basenc` wrap at 76): the run ends with it.
          await this.#joinLast(bytes.toString('latin1', start, i), last === BOTH);
          await this.#close();
          continue;
        }
        await this.#close();
      }
      const past = this.#hashEnd(bytes, start, i, atEnd);
      if (past > 0) {
        i = past; // passed over, and what follows a password hash read on its own
        continue;
      }
      if (i - start >= minRun) {
        const head = bytes.toString('latin1', start, Math.min(i, start + 64));
        const lanes = this.#lanes(head, base + start);
        // Values of another encoding joined by text's separators: judged again from the next value, which may be this one's.
        const again = lanes.length ? 0 : (this.family.resume?.(head) ?? 0);
        if (again > 0 && again < i - start) {
          await this.#textFirst(bytes, start, i, again, base); // a microtask only where a run is judged again
          i = start + again;
          continue;
        }
        // Not accepted as encoded bytes: still routed if it decodes to text (base85 of a password looks less random).
        if (!lanes.length && i - start <= MAX_TEXT) {
          const routing = this.#short(bytes, start, i, base + start);
          if (routing) await routing;
        }
        // Awaited only when it routes: an await per segment was a microtask per word of code.
        const quoting = atEnd ? undefined : this.#quoted(bytes, start, i, base, lanes.length > 0);
        if (quoting) await quoting;
        if (lanes.length) await this.#begin(lanes, bytes.toString('latin1', start, i));
      } else if (atEnd)
        this.#tail = Buffer.from(bytes.subarray(start)); // it may start a run: looked at again with the next chunk
      else if (i - start >= minShort) {
        const routing = this.#shortRun(bytes, start, i, base);
        if (routing) await routing;
      }
    }
  }

  /** A run shorter than minRun: its text readings (`#short`), then its value between quotes (`#quoted`); a promise only when one routes. */
  #shortRun(bytes: Buffer, start: number, end: number, base: number): Promise<void> | undefined {
    const routing = this.#short(bytes, start, end, base + start);
    if (routing) return routing.then(() => this.#quoted(bytes, start, end, base, false));
    return this.#quoted(bytes, start, end, base, false);
  }

  /** Where the hash the run `bytes[start, end)` begins with ends, when it is a labelled digest or a password hash (0: none). */
  #hashEnd(bytes: Buffer, start: number, end: number, atEnd: boolean): number {
    if (!this.delimited) return 0;
    if (end - start >= this.family.minRun && !atEnd && labelledDigest(bytes, start, end)) return end;
    return Math.max(0, cryptHashEnd(bytes, start));
  }

  /**
   * A run judged again from `again` (Family.resume) is first read whole as text, without the quote or comma that closes
   * it (`"…",`): a password's ASCII85 holding only text's separators among the characters base64 lacks was missed.
   */
  #textFirst(bytes: Buffer, start: number, end: number, again: number, base: number): Promise<void> | undefined {
    let to = end;
    while (to - start > again && CLOSING[bytes[to - 1]!] === 1) to--;
    return to - start <= MAX_TEXT ? this.#short(bytes, start, to, base + start) : undefined;
  }

  /** The readings of a long run starting `head` at `offset` the family accepts, each opened: one per alphabet and alignment. */
  #lanes(head: string, offset: number): Lane[] {
    const lanes: Lane[] = [];
    for (const alphabet of this.family.alphabets(head, this.delimited)) {
      const skips = this.#skips(alphabet);
      for (let skip = 0; skip < skips; skip++) {
        if (this.family.accept && !this.family.accept(head, alphabet, skip)) continue;
        const sink = this.open(offset + skip, alphabet);
        if (sink) lanes.push({ sink, alphabet, skip, rest: '', offset: offset + skip, from: skip });
      }
    }
    return lanes;
  }

  /** nextRun from `from` in `bytes`: by the classify pass's masks when they can be had, else byte by byte. */
  #next(bytes: Uint8Array, from: number): typeof found {
    const classifier = this.#classifier;
    if (classifier && this.#classified !== bytes) {
      this.#release();
      this.#classified = bytes;
      this.#masks = classifier.classify(bytes);
    }
    const masks = this.#masks;
    return masks ? nextRunClassified(classifier!, masks, bytes, from, found) : nextRun(bytes, from, this.family.table, this.family.minShort);
  }

  /**
   * A run shorter than minRun: routed, from each alignment that decodes to text (another encoding's
   * run, a value). Most are words and paths that decode to no text: judged without a promise (an
   * async call per word of a text was most of what the scan allocated), routed only when one does.
   */
  #short(bytes: Uint8Array, start: number, end: number, offset: number): Promise<void> | undefined {
    const { decodeText, alphabetsIn } = this.family;
    // No string of the run where the family judges it from its bytes (base64's: a string, its regular expressions and a
    // decoding at each alignment were most of what the audit of a log or a class file allocated).
    const text = decodeText ? '' : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1', start, end);
    const alphabets = decodeText && alphabetsIn ? alphabetsIn(bytes, start, end, this.delimited) : this.family.alphabets(text, this.delimited);
    let texts: Array<{ offset: number; alphabet: string; decoded: Buffer }> | undefined;
    for (let a = 0; a < alphabets.length; a++) {
      const alphabet = alphabets[a]!;
      // Alignments whose decoding leaves fewer than textFrom characters are not tried: decodeText gives them up (a
      // run of 18 was asked five times, each a call through the family; most text's short runs are a few over minShort).
      const skips = decodeText ? Math.min(this.#skips(alphabet), end - start - (this.family.textFrom ?? this.family.minShort) + 1) : this.#skips(alphabet);
      for (let skip = 0; skip < skips; skip++) {
        const decoded = decodeText ? decodeText(bytes, start + skip, end, alphabet) : this.family.decode(text.slice(skip), alphabet);
        if (decoded && stacked(decoded)) (texts ??= []).push({ offset: offset + skip, alphabet, decoded });
      }
    }
    return texts && this.#route(texts);
  }

  async #route(texts: ReadonlyArray<{ offset: number; alphabet: string; decoded: Buffer }>): Promise<void> {
    for (const { offset, alphabet, decoded } of texts) {
      const sink = this.open(offset, alphabet);
      if (!sink) continue;
      await sink.write(decoded);
      await sink.end();
    }
  }

  /**
   * A value between quotes in a run whose alphabet holds the quote (ASCII85's has `'` and `"`): the run read whole takes
   * the closing quote (and a `,` after it) into the value's last group, and its last bytes come out wrong whenever its
   * length is not whole groups. It is also read as ending before that quote, from the character after the opening one —
   * both readings, as a run that starts and ends with a quote by chance (two in 7,225 of ASCII85's) is read whole.
   * `read`: whether the run was read whole as encoded bytes (lanes opened), not only asked whether it is text.
   */
  #quoted(bytes: Buffer, start: number, end: number, base: number, read: boolean): Promise<void> | undefined {
    const { table, minShort, minRun } = this.family;
    if (!this.#quotes) return undefined;
    const span = quotedIn(bytes, start, end, table, minShort);
    if (!span) return undefined;
    const [from, to] = span;
    const long = to - from >= minRun;
    // A string only for a long value or a family without decodeText: most quoted runs of code are short, given up by it.
    const text = long || !this.family.decodeText ? bytes.toString('latin1', from, to) : '';
    const head = text.slice(0, 64);
    let texts: Array<{ offset: number; alphabet: string; decoded: Buffer }> | undefined;
    for (const alphabet of this.family.alphabets(head, this.delimited)) {
      // Whole groups, and the run was read whole (`read`): that reading has the value's groups at this alignment, the quote
      // in a group of its own. A short run is routed only when all it decodes to is text: the quote's group is not.
      if (read && (to - from) % this.family.group(alphabet) === 0) continue;
      const accepted = long && (!this.family.accept || this.family.accept(head, alphabet, 0));
      const decoded = accepted
        ? this.family.decode(text, alphabet)
        : to - from <= MAX_TEXT
          ? this.family.decodeText
            ? this.family.decodeText(bytes, from, to, alphabet)
            : this.family.decode(text, alphabet)
          : undefined;
      if (decoded && (accepted || stacked(decoded))) (texts ??= []).push({ offset: base + from, alphabet, decoded });
    }
    return texts && this.#route(texts);
  }

  /** A run opens with its first line (or the part of it in this chunk), read by `lanes`. */
  #begin(lanes: Lane[], piece: string): Promise<void> {
    this.#open = lanes;
    this.#lines = { count: 1, first: 0, width: 0, even: true, line: piece.length };
    this.#kept = [];
    this.#keptLength = 0;
    return this.#continue(piece);
  }

  /** The open run's current line ends and a full one of `width` begins. */
  #newLine(width: number): void {
    const lines = this.#lines;
    if (lines.count === 1) lines.first = lines.line;
    else if (lines.count === 2) lines.width = lines.line;
    else if (lines.line !== lines.width) lines.even = false;
    lines.count++;
    lines.line = width;
  }

  /**
   * How a short line of `width` after the open run is read: as its last line (JOIN), or not (ALONE), or both (BOTH).
   * Lines of an encoder's (the first no wider than the rest, the rest of one width, their last now ending, wider than
   * this one) go on to it: JOIN. A run of lines of several widths is not an encoder's: ALONE (`port`, `EOF`, `done`
   * after it are not its). A run of one line ends there or goes on: BOTH — but for a line as wide as encoders wrap
   * (76: base64, basenc, MIME; 64: PEM), JOIN: its value read alone would be cut short, and a compressed one named as
   * a damaged stream (basenc --base32 of a gzip, 76 + a short line, was).
   */
  #lastLine(width: number): number {
    const lines = this.#lines;
    if (lines.count === 1) return lines.line === 76 || lines.line === 64 ? JOIN : BOTH;
    const full = lines.count === 2 ? lines.line : lines.width;
    return lines.even && (lines.count === 2 || lines.line === full) && lines.first <= full && width < full ? JOIN : ALONE;
  }

  /**
   * The run's short last line `piece` is joined — and, `both`, the run is also read without it, for each reading whose
   * last group it changes (a partial group, not whole ones): a base85 value on a line of its own before a one-word line
   * (`port`, a heredoc's `EOF`) lost its last bytes to it. That second reading is the run's text kept (KEEP characters
   * at most).
   */
  async #joinLast(piece: string, both: boolean): Promise<void> {
    const kept = both && this.#kept ? this.#kept.join('') : undefined;
    for (const lane of this.#open!) {
      if (!lane.rest || kept === undefined) continue;
      const sink = this.open(lane.offset, lane.alphabet);
      if (!sink) continue;
      await sink.write(this.family.decode(kept.slice(lane.from), lane.alphabet));
      await sink.end();
    }
    await this.#continue(piece);
  }

  async #continue(piece: string): Promise<void> {
    if (this.#kept) {
      this.#keptLength += piece.length;
      if (this.#keptLength > KEEP) this.#kept = undefined;
      else this.#kept.push(piece);
    }
    for (const lane of this.#open!) {
      const dropped = Math.min(lane.skip, piece.length);
      lane.skip -= dropped;
      const text = lane.rest + piece.slice(dropped);
      // Whole groups only: the run may go on in the next chunk or on the next line (base32 wrapped at 76 has half a group left).
      const n = text.length - (text.length % this.family.group(lane.alphabet));
      lane.rest = text.slice(n);
      if (n) await lane.sink.write(this.family.decode(text.slice(0, n), lane.alphabet));
    }
  }

  /** The text ends: the run open ends, and its last chunk is not kept. */
  end(): Promise<void> {
    this.#release();
    return this.#close();
  }

  /** The run open ends (and a short one that ended the text is looked at). */
  async #close(): Promise<void> {
    const lanes = this.#open;
    this.#open = undefined;
    const tail = this.#tail;
    this.#tail = NONE;
    // A wrapped run's last line, short, that ended the content.
    const last = lanes && tail.length > 0 && this.#gap.newline ? this.#lastLine(tail.length) : ALONE;
    // A short run that ended the content (a longer one is open, or was, and this line is not its).
    if (last === ALONE && tail.length >= this.family.minShort && tail.every((b) => this.family.table[b] === 1))
      await this.#short(tail, 0, tail.length, this.#offset - tail.length);
    if (last !== ALONE) {
      this.#open = lanes;
      await this.#joinLast(tail.toString('latin1'), last === BOTH);
      this.#open = undefined;
    }
    this.#kept = undefined;
    for (const lane of lanes ?? []) {
      if (lane.rest) await lane.sink.write(this.family.decode(lane.rest, lane.alphabet));
      await lane.sink.end();
    }
  }
}
