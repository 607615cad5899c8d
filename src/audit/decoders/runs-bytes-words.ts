/**
 * Number lists in text whose numbers are no bytes: a value's bytes taken two, four or eight at a time (words, big- or
 * little-endian, signed or not) — PHP's and Perl's unpack('n*'), ('N*'), ('v*'), ('V*'), Ruby's unpack('n*'), Python's
 * array('H') and struct.unpack('>…H'), Node's Uint16Array, Java's short[] of a ByteBuffer, Tcl's binary scan S*,
 * hexdump -e '8/2 "%6u "' — or all at once (one big number: Python's int.from_bytes in decimal, bin() and oct(), Java's
 * BigInteger); and Python's octal lists (`['0o164', …]`, `0o` no byte list's form reads). A byte list's numbers are
 * below 256 (`runs-bytes.ts` reads those); a word list's need two or more bytes each, so no byte list reader saw one.
 *
 * Found as the byte lists are: a table of the characters such a list is made of (digits, hex letters, the `0x`, `0o`,
 * `0b` prefixes' letters, quotes, `,` `;` `-` `+`, whitespace), looked at every SAMPLE-th byte; a stretch of them at
 * least MIN_STRETCH long is cut into numbers, and the numbers between separators (`, `, blanks, a line break, quotes)
 * into lists. A list is read in the narrowest width its numbers fit (2, 4 or 8 bytes), both byte orders, and routed
 * (`word list`) where that makes text (`isText`). A number of 19 digits or more alone is read as a big number —
 * decimal, octal where its digits allow, binary of 57 digits or more padded to whole bytes on the left (bin() drops a
 * first byte's leading zeros) — both byte orders, routed as `big number` where text. A stretch open at a chunk's end is
 * carried (up to MAX_CARRY) and read with the next: a list cut by the chunk's end is read whole.
 */
import { isText, MIN_BYTES } from './runs-bytes-text.js';
import { Marks, MIN_MARKED } from './runs-bytes-looks.js';
import type { Sink } from './types.js';
import { bareRadix, fitsRadix, numbersOf, tokenOf, type Token } from './radix-tokens.js';
import { FramedLooks } from './framed-numbers.js';
import { MarkedChars } from './marked-chars.js';

/** A stretch of list characters looked at once every SAMPLE bytes: a list shorter than 2·SAMPLE may be missed, none is shorter than MIN_STRETCH. */
const SAMPLE = 8;
/** `28532,25963,28271,26997` (four 16-bit words: 8 bytes) is 23 characters; a 19-digit big number 19. */
const MIN_STRETCH = 17;
const MAX_CARRY = 1 << 20;
/** The fewest digits of a big number of MIN_BYTES text bytes (0x2020…20 is 2.3e18). */
const BIG_DIGITS = 19;
/** A longer run of digits is no value's number (a digit table, a dump): its cost is kept linear. */
const MAX_BIG = 4096;

const TABLE = new Uint8Array(256);
for (const c of '0123456789abcdefABCDEFxXoOhH#&$\'" \t\r\n,;-+') TABLE[c.charCodeAt(0)] = 1;
/** Radix marks of lists whose period divides SAMPLE (a look may never land on their digits): searched for natively. */
const ALIASED = [Buffer.from('#$'), Buffer.from('16#')];
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const alnums = (b: Buffer) => b.reduce((n, c) => n + (isDigit(c) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a) ? 1 : 0), 0);

/**
 * The first look from `p` (p, p + SAMPLE, …; the last at the chunk's last byte) that may begin a stretch, or one past
 * the last look: a digit at the look (a list's numbers are most of its characters; text's digits are few), or a list
 * character at the chunk's last byte (a stretch it ends is carried). A plain function, the samples compared in a loop
 * of their own: in the async push, the look at every eighth byte of a layer's text cost more than reading its lists.
 */
function nextLook(b: Uint8Array, p: number, n: number, marks: Marks | undefined): number {
  if (!marks) for (; p < n - 1; p += SAMPLE) if (isDigit(b[p]!)) return p;
  // The digits marked a window at a time (`runs-bytes-looks.ts`): the first a look lands on.
  while (marks && p < n - 1) {
    if (!marks.holds(p) && !marks.fill(b, p)) return nextLook(b, p, n, undefined);
    const d = marks.next(p, SAMPLE);
    if (d < 0) p += Math.ceil((marks.to - p) / SAMPLE) * SAMPLE;
    else if (d < n - 1) return d;
    // A digit at the chunk's last byte: looked at as the end's look is (a digit is a list character).
    else p = d;
  }
  return p < n + SAMPLE - 1 && TABLE[b[n - 1]!] ? p : n + SAMPLE - 1;
}

/** The bytes of `n` (≥ 0) in `width` bytes (0: as few as it needs), big-endian. */
function bigBytes(n: bigint, width = 0): Buffer {
  let hex = n.toString(16);
  if (hex.length % 2) hex = '0' + hex;
  const b = Buffer.from(hex, 'hex');
  if (!width || b.length === width) return b;
  const out = Buffer.alloc(width);
  b.copy(out, width - b.length);
  return out;
}

/** What stands between two numbers of one list: quotes, blanks, one comma or semicolon, line breaks. */
const SEPARATOR = /^['"]?[ \t]*[,;]?\s*['"]?$/;

const valueOf = (t: Token) => {
  const v = t.radix === 10 ? BigInt(t.digits) : BigInt(`0${t.radix === 16 ? 'x' : t.radix === 8 ? 'o' : 'b'}${t.digits}`);
  return t.negative ? -v : v;
};

/** The candidates a list of numbers makes: its words in the narrowest width they fit, both byte orders (none for bytes, unless `0o`). */
export function wordCandidates(tokens: readonly Token[], bytesToo = false): Buffer[] {
  let values: bigint[];
  try {
    values = tokens.map(valueOf);
  } catch {
    return [];
  }
  return wordsOf(values, bytesToo || tokens.some((t) => t.marked));
}

/**
 * The candidates of `values`: their words in the narrowest width of 2, 4 or 8 bytes they fit (1 where `bytesToo`),
 * both byte orders; where `bytesToo` (a Lisp list) also the code points they are (SBCL's char-code lists).
 */
export function wordsOf(values: readonly bigint[], bytesToo: boolean): Buffer[] {
  const signed = values.some((v) => v < 0n);
  for (const width of [1, 2, 4, 8]) {
    const bits = BigInt(width * 8);
    const top = signed ? 1n << (bits - 1n) : 1n << bits;
    if (!values.every((v) => (signed ? v >= -top && v < top : v < top))) continue;
    if (width === 1 && !bytesToo) return [];
    if (values.length * width < MIN_BYTES && values.length < MIN_BYTES) return [];
    const be = Buffer.concat(values.map((v) => bigBytes(v < 0n ? v + (1n << bits) : v, width)));
    if (width === 1) return [be];
    const le = Buffer.alloc(be.length);
    for (let i = 0; i < be.length; i += width) for (let k = 0; k < width; k++) le[i + k] = be[i + width - 1 - k]!;
    const out = values.length * width >= MIN_BYTES ? [be, le] : [];
    if (bytesToo && !signed && values.length >= MIN_BYTES && values.every((v) => v <= 0x10ffffn && (v < 0xd800n || v > 0xdfffn)))
      out.push(Buffer.from(String.fromCodePoint(...values.map(Number)), 'utf8'));
    return out;
  }
  return [];
}

/** The candidates one long number makes: decimal (and octal, binary where its digits allow) read big- and little-endian. */
export function bigCandidates(t: Token): Buffer[] {
  if (t.negative || t.digits.length < BIG_DIGITS || t.digits.length > MAX_BIG) return [];
  const reads: bigint[] = [];
  if (t.radix !== 10) reads.push(BigInt(`0${t.radix === 16 ? 'x' : t.radix === 8 ? 'o' : 'b'}${t.digits}`));
  else {
    reads.push(BigInt(t.digits));
    if (/^[0-7]+$/.test(t.digits)) reads.push(BigInt(`0o${t.digits}`));
    if (t.digits.length >= 57 && /^[01]+$/.test(t.digits)) reads.push(BigInt(`0b${t.digits}`));
  }
  const out: Buffer[] = [];
  for (const n of reads) {
    const be = bigBytes(n);
    out.push(be, Buffer.from(be).reverse());
  }
  return out;
}

/** The lists of a stretch of list characters: runs of numbers between separators, each read as words and as big numbers. */
export function readStretch(text: string, bytesToo = false): Array<{ index: number; label: string; bytes: Buffer }> {
  const found: Array<{ index: number; label: string; bytes: Buffer }> = [];
  let list: Token[] = [];
  let listAt = 0;
  let lastEnd = -1;
  /** Whether a separator of the list holds a comma (a Lisp list's are blanks: only those are read as bytes and code points). */
  let commas = false;
  const close = () => {
    if (list.length >= 2)
      for (const bytes of wordCandidates(bareRadix(list) ?? list, bytesToo && !commas))
        if (isText(bytes)) found.push({ index: listAt, label: 'word list', bytes });
    list = [];
  };
  for (const m of numbersOf(text)) {
    const token = tokenOf(m);
    // Hex after `0b` or `0o` (a digest, `sha256:0b4982…`) is no number of that radix: passed over, the list closed by it.
    if (!token || !fitsRadix(token)) continue;
    // A limit's all-ones (2⁶⁴ − 1: `ÿÿÿÿÿÿÿÿ` in Latin-1) is text too: a value's bytes hold some letters or digits.
    for (const bytes of bigCandidates(token)) if (isText(bytes) && alnums(bytes) >= 4) found.push({ index: m.index, label: 'big number', bytes });
    const between = lastEnd < 0 ? '' : text.slice(lastEnd, m.index);
    if (lastEnd < 0 || !SEPARATOR.test(between)) {
      close();
      listAt = m.index;
      commas = false;
    } else commas ||= between.includes(',');
    list.push(token);
    lastEnd = m.index + m[0].length;
  }
  close();
  return found;
}

export class WordLists {
  #carry: Buffer[] = [];
  #carried = 0;
  #from = 0;
  #offset = 0;
  /** The byte before the carried stretch, and the last byte of the chunk before. */
  #before = 0x0a;
  #prev = 0x0a;
  /** The chunk's digits, a window at a time (`runs-bytes-looks.ts`). */
  #marks: Marks | undefined;

  /** Numbers in one frame (`framed-numbers.ts`): read from looks of their own, over the text gathered a window at a time. */
  readonly #framed: FramedLooks;
  /** Character literals a mark leads (`marked-chars.ts`: Erlang's `$t`, Emacs Lisp's `?t`): no digit for the looks. */
  readonly #chars: MarkedChars;

  constructor(readonly open: (offset: number, alphabet: string) => Sink | undefined) {
    this.#framed = new FramedLooks(open);
    this.#chars = new MarkedChars(open);
  }

  async push(chunk: Uint8Array): Promise<void> {
    await this.#framed.push(chunk);
    await this.#chars.push(chunk);
    let bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    let base = this.#offset;
    this.#offset += bytes.length;
    const prev = this.#prev;
    if (bytes.length) this.#prev = bytes[bytes.length - 1]!;
    if (this.#carried) {
      let j = 0;
      while (j < bytes.length && TABLE[bytes[j]!]) j++;
      this.#carry.push(Buffer.from(bytes.subarray(0, j)));
      this.#carried += j;
      if (j === bytes.length && this.#carried < MAX_CARRY) return;
      await this.#flush();
      base += j;
      bytes = bytes.subarray(j);
    }
    const n = bytes.length;
    const marks = n >= MIN_MARKED ? (this.#marks ??= new Marks('digits')) : undefined;
    marks?.reset();
    /** Where the stretches looked at start: a radix mark's search (`#marked`) passes them over. */
    const looked = ALIASED.some((mark) => bytes.includes(mark)) ? new Set<number>() : undefined;
    for (let p = nextLook(bytes, SAMPLE - 1, n, marks); p < n + SAMPLE - 1; p = nextLook(bytes, p + SAMPLE, n, marks)) {
      const q = Math.min(p, n - 1);
      let start = q;
      while (start > 0 && TABLE[bytes[start - 1]!]) start--;
      let end = q + 1;
      while (end < n && TABLE[bytes[end]!]) end++;
      if (end === n) {
        if (looked) await this.#marked(bytes.subarray(0, start), base, prev, looked);
        this.#before = start > 0 ? bytes[start - 1]! : prev;
        this.#carry = [Buffer.from(bytes.subarray(start))];
        this.#carried = n - start;
        this.#from = base + start;
        return;
      }
      if (end - start >= MIN_STRETCH) await this.#read(bytes.subarray(start, end), base + start, start > 0 ? bytes[start - 1]! : prev);
      looked?.add(start);
      p = end;
    }
    if (looked) await this.#marked(bytes, base, prev, looked);
  }

  /**
   * The stretches of a chunk holding a radix mark whose lists repeat every 4 or 8 bytes (Pascal's `#$74#$6F`, Ada's
   * `16#74#, `): a look every SAMPLE bytes may land on their marks and separators only, never a digit. Found by a native
   * search for the mark (rare in text); a stretch the looks met (`looked`), or one open at the chunk's end, is not read.
   */
  async #marked(bytes: Buffer, base: number, prev: number, looked: Set<number>): Promise<void> {
    for (const mark of ALIASED)
      for (let at = bytes.indexOf(mark); at >= 0; at = bytes.indexOf(mark, at + 1)) {
        let start = at;
        while (start > 0 && TABLE[bytes[start - 1]!]) start--;
        let end = at + 1;
        while (end < bytes.length && TABLE[bytes[end]!]) end++;
        if (end === bytes.length) return;
        if (!looked.has(start) && end - start >= MIN_STRETCH) await this.#read(bytes.subarray(start, end), base + start, start > 0 ? bytes[start - 1]! : prev);
        looked.add(start);
        at = end;
      }
  }

  async end(): Promise<void> {
    await this.#framed.end();
    await this.#chars.end();
    if (this.#carried) await this.#flush();
  }

  async #flush(): Promise<void> {
    const stretch = this.#carry.length === 1 ? this.#carry[0]! : Buffer.concat(this.#carry);
    this.#carry = [];
    this.#carried = 0;
    if (stretch.length >= MIN_STRETCH) await this.#read(stretch, this.#from, this.#before);
  }

  /** Reads a stretch; one after `(` is a Lisp list (`#(116 111 …)`, `(116 111 …)`): its bytes are read too. */
  async #read(stretch: Buffer, at: number, before: number): Promise<void> {
    // Two digits at least, else no number of a word list nor a big one.
    let digits = 0;
    for (let i = 0; i < stretch.length && digits < 4; i++) if (isDigit(stretch[i]!)) digits++;
    if (digits < 4) return;
    for (const { index, label, bytes } of readStretch(stretch.toString('latin1'), before === 0x28)) {
      const sink = this.open(at + index, label);
      if (!sink) continue;
      await sink.write(bytes);
      await sink.end();
    }
  }
}
