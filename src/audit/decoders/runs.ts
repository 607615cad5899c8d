/**
 * Encoded runs inside text: base64 (and base64url), hex and base32 runs of at least MIN_RUN
 * characters — a Helm release record (base64 of gzip of JSON), a data: URI, a Kubernetes Secret's
 * values, a hex-encoded blob — decoded as they stream and routed as content of their own, so what
 * they hold is scanned and opened in turn (base64 → gzip → JSON), each level one deeper. Line
 * breaks inside a run (base64 wrapped at 64 or 76 columns, indented as in a YAML block) do not end it.
 */
import { safeEnd, unescapeRuns } from './run-escapes.js';
import type { Sink } from './types.js';

export const MIN_RUN = 40;
/**
 * A shorter run (a short value encoded twice: base64 of base64 of 12 characters is 24) is decoded
 * too, but routed only when what it decodes to is text (`stacked`): a word or a path of that
 * length decodes to bytes that are not.
 */
export const MIN_SHORT = 16;
type Alphabet = 'base64' | 'hex' | 'base32';

const B64 = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_') B64[c.charCodeAt(0)] = 1;

function alphabetOf(run: string): Alphabet {
  if (/^[0-9a-fA-F\s]*$/.test(run)) return 'hex';
  if (/^[A-Z2-7=\s]*$/.test(run)) return 'base32';
  return 'base64';
}

function decode(text: string, alphabet: Alphabet): Buffer {
  const t = text.replace(/[\s=]/g, '');
  if (alphabet === 'hex') return Buffer.from(t.slice(0, t.length & ~1), 'hex');
  if (alphabet === 'base64') return Buffer.from(t.replaceAll('-', '+').replaceAll('_', '/'), 'base64');
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const c of t) {
    value = (value << 5) | 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'.indexOf(c);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/**
 * Where, from `from` on, the next run of MIN_RUN base64 characters starts — or the start of a
 * segment that reaches the end (it may go on in the next chunk), or the end. Only every MIN_RUN-th
 * byte is looked at first (a run that long covers one of them), then the segment around a hit.
 */
function nextRun(bytes: Uint8Array, from: number): number {
  const n = bytes.length;
  for (let p = from + MIN_SHORT - 1; p < n + MIN_SHORT - 1; p += MIN_SHORT) {
    const q = Math.min(p, n - 1);
    if (!B64[bytes[q]!]) continue;
    let start = q;
    while (start > from && B64[bytes[start - 1]!]) start--;
    let end = q + 1;
    while (end < n && B64[bytes[end]!]) end++;
    if (end - start >= MIN_SHORT || end === n) return start;
    p = end; // the next probe is MIN_SHORT - 1 past the segment's end
  }
  return n;
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

/** Characters per group of an encoding: a run is decoded whole groups at a time. */
const group = (alphabet: Alphabet) => (alphabet === 'hex' ? 2 : alphabet === 'base32' ? 8 : 4);

/** How many characters of an unfinished run can be decoded now without cutting a group. */
const whole = (length: number, alphabet: Alphabet) => length - (length % group(alphabet));

const GAP = new Uint8Array(256);
for (const c of '=\r\n \t') GAP[c.charCodeAt(0)] = 1;
/** A wrapped run's next line is this long at least (base64 is wrapped at 64 or 76; its last line may be short). */
const MIN_LINE = 16;

/**
 * Finds and decodes the runs of one text, reading its bytes once with a table (no regular
 * expression, no string of the whole chunk): a run of at least MIN_RUN base64 characters opens,
 * a line break (with `=` padding, CR, indentation) followed by MIN_LINE more continues it. A run
 * still open at a chunk's end is decoded as far as a whole group and continued with the next chunk.
 */
export class EncodedRuns {
  #open: { alphabet: Alphabet; lanes: Array<{ sink: Sink; skip: number; rest: string }> } | undefined;
  /** The gap since the last segment: any bytes, only padding and whitespace, a line break among them. */
  #gap = { any: false, clean: true, newline: false };
  #offset = 0;
  /** The end of the chunk before, when it ended inside a segment too short to tell. */
  #tail: Buffer = Buffer.alloc(0);

  constructor(
    readonly open: (offset: number, alphabet: Alphabet) => Sink | undefined,
    /**
     * Whether a run's first character is where its encoding starts (text: runs are delimited). In
     * binary content the bytes next to a run are often base64 characters by chance, so the run is
     * also decoded from each of its next few characters (every alignment of its groups).
     */
    readonly delimited = true,
  ) {}

  /** The end of the chunk before, from a byte that may begin an escape it cut. */
  #cut: Buffer = Buffer.alloc(0);

  /** A chunk of the text: its escapes of a run's characters read (`run-escapes.ts`), then its runs. */
  async push(data: Uint8Array): Promise<void> {
    const whole = this.#cut.length ? Buffer.concat([this.#cut, data]) : data;
    const end = safeEnd(whole);
    this.#cut = Buffer.from(whole.subarray(end));
    if (end > 0) await this.#scan(unescapeRuns(whole.subarray(0, end), MIN_SHORT));
  }

  async #scan(chunk: Uint8Array): Promise<void> {
    const bytes = this.#tail.length ? Buffer.concat([this.#tail, chunk]) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    const base = this.#offset - this.#tail.length;
    this.#offset += chunk.length;
    this.#tail = Buffer.alloc(0);
    const n = bytes.length;
    let i = 0;
    while (i < n) {
      if (!this.#open) {
        i = nextRun(bytes, i);
        this.#gap = { any: false, clean: true, newline: false };
        if (i === n) break;
      }
      // The gap before the next segment (it may have begun in the chunk before).
      const gap = this.#gap;
      const gapStart = i;
      while (i < n && !B64[bytes[i]!]) {
        if (!GAP[bytes[i]!]) gap.clean = false;
        else if (bytes[i] === 10) gap.newline = true;
        i++;
      }
      if (i > gapStart) gap.any = true;
      if (this.#open && !gap.clean) await this.#close();
      if (i === n) break;
      const start = i;
      while (i < n && B64[bytes[i]!]) i++;
      const atEnd = i === n;
      if (this.#open && gap.any && atEnd && i - start < MIN_LINE) {
        // A short start of a line at the chunk's end: whether it continues the run is told with the next chunk.
        this.#tail = Buffer.from(bytes.subarray(start));
        break;
      }
      this.#gap = { any: false, clean: true, newline: false };
      if (this.#open) {
        // Straight on from the chunk before, or the next line of a wrapped run.
        if (!gap.any || (gap.newline && (i - start >= MIN_LINE || atEnd))) {
          await this.#continue(bytes.toString('latin1', start, i), atEnd);
          continue;
        }
        await this.#close();
      }
      if (i - start >= MIN_RUN) {
        const text = bytes.toString('latin1', start, i);
        const alphabet = alphabetOf(text.slice(0, 64));
        const lanes = [];
        for (let skip = 0; skip < (this.delimited ? 1 : group(alphabet)); skip++) {
          const sink = this.open(base + start + skip, alphabet);
          if (sink) lanes.push({ sink, skip, rest: '' });
        }
        if (!lanes.length) continue;
        this.#open = { alphabet, lanes };
        await this.#continue(text, atEnd);
      } else if (atEnd)
        this.#tail = Buffer.from(bytes.subarray(start)); // it may start a run: looked at again with the next chunk
      else if (i - start >= MIN_SHORT) await this.#short(bytes.toString('latin1', start, i), base + start);
    }
  }

  /** A run shorter than MIN_RUN: routed, from each alignment that decodes to another encoding's run. */
  async #short(text: string, offset: number): Promise<void> {
    const alphabet = alphabetOf(text);
    for (let skip = 0; skip < (this.delimited ? 1 : group(alphabet)); skip++) {
      const decoded = decode(text.slice(skip), alphabet);
      if (!stacked(decoded)) continue;
      const sink = this.open(offset + skip, alphabet);
      if (!sink) continue;
      await sink.write(decoded);
      await sink.end();
    }
  }

  async #continue(piece: string, more: boolean): Promise<void> {
    const { alphabet, lanes } = this.#open!;
    for (const lane of lanes) {
      const dropped = Math.min(lane.skip, piece.length);
      lane.skip -= dropped;
      const text = lane.rest + piece.slice(dropped);
      const n = more ? whole(text.length, alphabet) : text.length;
      lane.rest = text.slice(n);
      if (n) await lane.sink.write(decode(text.slice(0, n), alphabet));
    }
  }

  async end(): Promise<void> {
    const cut = this.#cut;
    this.#cut = Buffer.alloc(0);
    if (cut.length) await this.#scan(unescapeRuns(cut, MIN_SHORT));
    await this.#close();
  }

  /** The run open ends (and a short one that ended the text is looked at). */
  async #close(): Promise<void> {
    const run = this.#open;
    this.#open = undefined;
    const tail = this.#tail;
    this.#tail = Buffer.alloc(0);
    // A short run that ended the content (a longer one is open).
    if (!run && tail.length >= MIN_SHORT && tail.every((b) => B64[b] === 1)) await this.#short(tail.toString('latin1'), this.#offset - tail.length);
    if (!run) return;
    for (const lane of run.lanes) {
      if (lane.rest) await lane.sink.write(decode(lane.rest, run.alphabet));
      await lane.sink.end();
    }
  }
}
