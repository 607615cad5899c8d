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
import type { Sink } from './types.js';

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
  /** Characters per group: a run is decoded whole groups at a time. */
  group(alphabet: string): number;
  /** The bytes of `text` (whole groups, but for the run's end). */
  decode(text: string, alphabet: string): Buffer;
  /**
   * The bytes of a short run (`bytes` from `start` to `end`) if they are text: given up at the first
   * byte that is not, faster than decoding it all and asking `stacked` (which it agrees with). Fewer
   * than `minShort` characters from `start` are none (the scanner does not ask).
   */
  decodeText?(bytes: Uint8Array, start: number, end: number, alphabet: string): Buffer | undefined;
  /** Whether a long run starting `head`, read from `skip`, is routed (all are when absent). */
  accept?(head: string, alphabet: string, skip: number): boolean;
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

/** Where nextRun found a segment: its start and end (both `n` when there is none). */
const found = { start: 0, end: 0 };
/** No bytes held (one, not an allocation per chunk). */
const NONE = Buffer.alloc(0);

/**
 * Where, from `from` on, the next run of `min` characters of `table` is (`found`) — or a segment
 * that reaches the end (it may go on in the next chunk), or the end. Only every `min`-th byte is
 * looked at first (a run that long covers one of them), then the segment around a hit.
 */
function nextRun(bytes: Uint8Array, from: number, table: Uint8Array, min: number): typeof found {
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
}

/** The runs of one family in one text, fed chunk by chunk. */
export class RunScanner {
  #open: Lane[] | undefined;
  /** The gap since the last segment: any bytes, only padding and whitespace, a line break among them. */
  #gap = { any: false, clean: true, newline: false };
  #offset = 0;
  /** The end of the chunk before, when it ended inside a segment too short to tell. */
  #tail: Buffer = NONE;

  constructor(
    readonly family: Family,
    readonly open: (offset: number, alphabet: string) => Sink | undefined,
    /**
     * Whether a run's first character is where its encoding starts (text: runs are delimited). In
     * binary content the bytes next to a run are often the family's characters by chance, so the
     * run is also decoded from each of its next few characters (every alignment of its groups).
     */
    readonly delimited = true,
  ) {}

  #newGap(): void {
    this.#gap.any = false;
    this.#gap.clean = true;
    this.#gap.newline = false;
  }

  #skips(alphabet: string): number {
    return this.delimited && !this.family.unaligned ? 1 : this.family.group(alphabet);
  }

  async push(chunk: Uint8Array): Promise<void> {
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
        ({ start: i, end: known } = nextRun(bytes, i, table, minShort));
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
      const joined = gap.any;
      const newline = gap.newline;
      this.#newGap();
      if (this.#open) {
        // Straight on from the chunk before, or the next line of a wrapped run.
        if (!joined || (newline && (i - start >= MIN_LINE || atEnd))) {
          await this.#continue(bytes.toString('latin1', start, i));
          continue;
        }
        if (newline && (bytes[padded] === 0x0a || bytes[padded] === 0x0d)) {
          // A wrapped run's last line, shorter than the rest (`base64`, `basenc` wrap at 76): the run ends with it.
          await this.#continue(bytes.toString('latin1', start, i));
          await this.#close();
          continue;
        }
        await this.#close();
      }
      if (i - start >= minRun) {
        const head = bytes.toString('latin1', start, Math.min(i, start + 64));
        const lanes: Lane[] = [];
        for (const alphabet of this.family.alphabets(head, this.delimited)) {
          const skips = this.#skips(alphabet);
          for (let skip = 0; skip < skips; skip++) {
            if (this.family.accept && !this.family.accept(head, alphabet, skip)) continue;
            const sink = this.open(base + start + skip, alphabet);
            if (sink) lanes.push({ sink, alphabet, skip, rest: '' });
          }
        }
        // Not accepted as encoded bytes: still routed if it decodes to text (base85 of a password looks less random).
        if (!lanes.length && i - start <= MAX_TEXT) {
          const routing = this.#short(bytes, start, i, base + start);
          if (routing) await routing;
        }
        if (!lanes.length) continue;
        this.#open = lanes;
        await this.#continue(bytes.toString('latin1', start, i));
      } else if (atEnd)
        this.#tail = Buffer.from(bytes.subarray(start)); // it may start a run: looked at again with the next chunk
      else if (i - start >= minShort) {
        const routing = this.#short(bytes, start, i, base + start);
        if (routing) await routing;
      }
    }
  }

  /**
   * A run shorter than minRun: routed, from each alignment that decodes to text (another encoding's
   * run, a value). Most are words and paths that decode to no text: judged without a promise (an
   * async call per word of a text was most of what the scan allocated), routed only when one does.
   */
  #short(bytes: Uint8Array, start: number, end: number, offset: number): Promise<void> | undefined {
    const { decodeText } = this.family;
    const text = decodeText ? '' : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1', start, end);
    const alphabets = this.family.alphabets(text, this.delimited);
    let texts: Array<{ offset: number; alphabet: string; decoded: Buffer }> | undefined;
    for (let a = 0; a < alphabets.length; a++) {
      const alphabet = alphabets[a]!;
      // Alignments whose decoding leaves fewer than minShort characters are not tried: decodeText gives them up (a
      // run of 18 was asked five times, each a call through the family; most text's short runs are a few over minShort).
      const skips = decodeText ? Math.min(this.#skips(alphabet), end - start - this.family.minShort + 1) : this.#skips(alphabet);
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

  async #continue(piece: string): Promise<void> {
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

  /** The run open ends (and a short one that ended the text is looked at). */
  async end(): Promise<void> {
    const lanes = this.#open;
    this.#open = undefined;
    const tail = this.#tail;
    this.#tail = NONE;
    // A short run that ended the content (a longer one is open).
    if (!lanes && tail.length >= this.family.minShort && tail.every((b) => this.family.table[b] === 1))
      await this.#short(tail, 0, tail.length, this.#offset - tail.length);
    // A wrapped run's last line, short, that ended the content.
    if (lanes && tail.length && this.#gap.newline) {
      this.#open = lanes;
      await this.#continue(tail.toString('latin1'));
      this.#open = undefined;
    }
    for (const lane of lanes ?? []) {
      if (lane.rest) await lane.sink.write(this.family.decode(lane.rest, lane.alphabet));
      await lane.sink.end();
    }
  }

  #close(): Promise<void> {
    return this.end();
  }
}
