/**
 * Byte lists in text: a value's bytes written one number each — `xxd -i` and C arrays
 * (`0x41, 0x42,`), JSON of a Node Buffer (`{"type":"Buffer","data":[65,66]}`), Python's
 * `json.dumps(list(b))`, Java's `Arrays.toString(bytes)` (signed: `-61, -87`), colon hex
 * (`41:42:43:`, wrapped and indented as OpenSSL does, or `de:ad:be:ef` lines without a colon at their ends), spaced
 * hex (Node's `<Buffer 41 42>`, Python's `bytes.hex(' ')`, Go's `% x`, `od -An -tx1`'s lines), comma hex without 0x
 * (Rust's `{:x?}`: `[6c, 41, 2f]`), spaced decimal in brackets (Go's `fmt.Println` of a []byte: `[65 66 67]`, numpy's
 * `[ 65  66]`). No encoding alphabet covers them: the numbers are short runs
 * between separators, so the runs scanner never sees one long enough. Found by a table of the
 * characters such a list is made of (digits, hex letters, `x`, `,` `:` `-`, whitespace), looked at
 * every MIN_SEGMENT-th byte as the runs scanner does, then read by a pattern per form; a list of at
 * least MIN_BYTES numbers is routed as content of its own (`(byte list at N)`). JSON of a typed array, each byte after
 * its index in quotes (`{"0":112,"1":97}`), is read on its own (`IndexedBytes`: its opening searched natively).
 */
import { KeyedLists } from './keyed-lists.js';
import { WordLists } from './runs-bytes-words.js';
import { SpacedChars } from './spaced-chars.js';
import { PunycodeLabels } from './punycode-labels.js';
import { VectorPrints } from './r-vectors.js';
import { IndexedBytes } from './runs-bytes-indexed.js';
import { charCodes, dashedGroups, dotted, groupedHex, quotedList } from './runs-bytes-decode.js';
import { isText, MIN_BYTES } from './runs-bytes-text.js';
import { GDB_LINE, gdbTab, gdbUnits } from './runs-bytes-gdb.js';
import { Marks, MIN_MARKED } from './runs-bytes-looks.js';
import type { Sink } from './types.js';

export { MIN_BYTES };
/** `1,2,3,4,5,6,7,8` is 15 characters: a stretch of list characters shorter than this holds no list of MIN_BYTES. */
const MIN_SEGMENT = 15;
/** A stretch still open at a chunk's end is held to be read with the next; one longer than this is read as it is. */
const MAX_CARRY = 1 << 20;
/** A list this long is routed whatever it holds (an archive or a compressed stream written as a C array); a shorter one only when it is text. */
const LONG = 64;
/** Whitespace and digits between two numbers of a list: a stretch this long without a separator holds none there. */
const QUIET = 256;

const TABLE = new Uint8Array(256);
for (const c of '0123456789abcdefABCDEFxX,:-.\'" \t\r\n') TABLE[c.charCodeAt(0)] = 1;

/**
 * The forms, each a pattern over a stretch of list characters: decimal (signed or not) between commas, `0x` hex
 * between commas or spaces, two-digit hex between colons. Each number stands alone (no digit before or after it).
 */
const FORMS: ReadonlyArray<{
  name: string;
  pattern: RegExp;
  value: (token: string) => number;
  /** A list of this form holds one of these (comma hex: a hex letter, or it is a decimal list, read as one). */
  holds?: RegExp;
  /** The byte before the stretch a list of this form starts (spaced decimal: `[`; without it, numbers in prose and tables). */
  opens?: number;
  /** What the list's text makes, where its numbers are no bytes (character codes). */
  decode?: (list: string) => Buffer | undefined;
  /** A list of this form is routed only when it is text, however long (bare numbers: a table's row of them is none). */
  textOnly?: boolean;
  /** The byte before the stretch a list of this form does not start right after (another form reads that list). */
  shuns?: number;
}> = [
  {
    name: 'byte list',
    pattern: /(?<![0-9A-Za-z.-])-?\d{1,3}(?:[ \t]*,\s*-?\d{1,3}(?![0-9.]))+/g,
    value: (t) => Number(t),
  },
  {
    name: 'byte list',
    pattern: /(?<![0-9A-Za-z])0[xX][0-9a-fA-F]{1,2}(?:\s*,?\s*0[xX][0-9a-fA-F]{1,2}(?![0-9a-fA-F]))+/g,
    value: (t) => parseInt(t.slice(2), 16),
  },
  {
    name: 'colon hex',
    // A colon between two bytes, a line break after it (OpenSSL's layout) or not; or a line break alone after a byte a
    // colon came before (`de:ad:be:ef` lines written by hand, no colon at their ends): the lines are one list.
    pattern: /(?<![0-9a-fA-F:])[0-9a-fA-F]{2}(?:(?::[ \t]*(?:\r?\n[ \t]*)?|(?<=:[0-9a-fA-F]{2})[ \t]*\r?\n[ \t]*)[0-9a-fA-F]{2}(?![0-9a-fA-F]))+/g,
    value: (t) => parseInt(t, 16),
  },
  {
    name: 'spaced hex',
    // Two-digit hex between one or two blanks, or a line break (`od -An -tx1`'s lines): each pair whole, no letter or
    // digit before or after it, so words (`a bad face`) and longer numbers are none.
    pattern: /(?<![0-9A-Za-z])[0-9a-fA-F]{2}(?:(?:[ \t]{1,2}|[ \t]*\r?\n[ \t]*)[0-9a-fA-F]{2}(?![0-9A-Za-z]))+/g,
    value: (t) => parseInt(t, 16),
  },
  {
    name: 'comma hex',
    // Rust's {:x?}: one or two hex digits (below 0x10 one) between a comma and a blank, no 0x.
    pattern: /(?<![0-9A-Za-z.-])[0-9a-fA-F]{1,2}(?:[ \t]*,\s*[0-9a-fA-F]{1,2}(?![0-9A-Za-z.]))+/g,
    value: (t) => parseInt(t, 16),
    holds: /[a-fA-F]/,
  },
  {
    name: 'byte list',
    // Go's fmt of a []byte, numpy's array: decimal between blanks, at the start of a stretch after `[`; numpy wraps its
    // lines at 75 columns, the next indented by a blank.
    pattern: /^[ \t]*\d{1,3}(?:(?:[ \t]{1,3}|[ \t]*\r?\n[ \t]*)\d{1,3}(?![0-9A-Za-z.]))+/g,
    value: (t) => Number(t),
    opens: 0x5b,
  },
  {
    name: 'byte list',
    // Bare decimal between single blanks or tabs, no brackets: Python's print(*b), Lua's print(string.byte(s, 1, -1)),
    // Perl's join("\t", unpack("C*", $s)), awk's printf "%d ". Only a list that is text is routed (columns of numbers are
    // none), and one with a number of three digits (a letter from `d` on, a byte beyond ASCII): a line of spaced hex whose
    // pairs are all digits (od -An -tx1 of `0123456789`) is no decimal list.
    // Signed too: Tcl's `binary scan $s c* l; puts $l` (`120 92 -61 -87`).
    pattern: /(?<![0-9A-Za-z.,:/-])-?\d{1,3}(?:[ \t]-?\d{1,3}(?![0-9A-Za-z.,:/]))+/g,
    value: (t) => Number(t),
    holds: /\d{3}|-\d/,
    textOnly: true,
    shuns: 0x5b,
  },
  {
    name: 'dashed hex',
    // .NET's BitConverter.ToString (`61-62-C3-A9`), PowerShell's output of it: upper-case pairs between dashes.
    pattern: /(?<![0-9A-Za-z-])[0-9A-F]{2}(?:-[0-9A-F]{2}(?![0-9A-Za-z]))+/g,
    // Its dash is no sign (the numbers are read with one before them).
    value: (t) => parseInt(t.replace('-', ''), 16),
  },
  {
    name: 'grouped hex',
    // Python's bytes.hex(' ', n) (n of 2 to 8: groups of 2n digits counted from the right, so the first may be shorter;
    // -n counts from the left, the last shorter): even groups of 4 to 16 digits between single blanks, on one line. An
    // xxd line's groups are the dump reader's (hexdump.ts): matched with its `offset: ` (so no match starts inside it) and
    // refused; od -x's words after a 7-digit offset are none (odd).
    pattern: /(?:(?:^|\n)[0-9a-f]{4,16}: |(?<![0-9A-Za-z]))[0-9a-fA-F]{2,16}(?: [0-9a-fA-F]{2,16}(?![0-9A-Za-z]))+/g,
    value: (t) => parseInt(t, 16),
    decode: groupedHex,
  },
  {
    name: 'char codes',
    // Go's fmt of a []rune (`[72 120 8364 128512]`): code points between blanks after `[`, some beyond a byte.
    pattern: /^[ \t]*\d{1,7}(?:[ \t]{1,3}\d{1,7}(?![0-9A-Za-z.]))+/g,
    value: (t) => Number(t),
    opens: 0x5b,
    decode: charCodes,
  },
  {
    name: 'byte list',
    // Go's %b and %o of a []byte after `[` (`[1101111 111101 …]`, `[157 75 …]`): binary without padding, octal; read
    // in each radix its digits allow, routed only where that is text (Go's %v of the same bytes is the decimal form's).
    pattern: /^[01]{1,8}(?: [01]{1,8}(?![0-9A-Za-z.]))+/g,
    value: (t) => parseInt(t, 2),
    opens: 0x5b,
    textOnly: true,
  },
  {
    name: 'byte list',
    pattern: /^[0-7]{1,3}(?: [0-7]{1,3}(?![0-9A-Za-z.]))+/g,
    value: (t) => parseInt(t, 8),
    opens: 0x5b,
    textOnly: true,
  },
  {
    name: 'byte list',
    // Bytes as 8 binary digits between blanks or a byte a line: Python's ' '.join(format(b, '08b')), Perl's
    // join(' ', unpack('(B8)*')), JavaScript's toString(2).padStart(8, '0').
    pattern: /(?<![0-9A-Za-z])[01]{8}(?:(?:[ \t]{1,2}|[ \t]*\r?\n[ \t]*)[01]{8}(?![0-9A-Za-z]))+/g,
    value: (t) => parseInt(t, 2),
  },
  {
    name: 'char codes',
    // Go's %x of a []rune (`[78 5c 20ac 1f600]`): hex code points between blanks after `[`, no padding; with a hex letter.
    pattern: /^[0-9a-f]{1,6}(?: [0-9a-f]{1,6}(?![0-9A-Za-z.]))+/g,
    value: (t) => parseInt(t, 16),
    opens: 0x5b,
    holds: /[a-f]/,
    decode: (list) => {
      const codes = list.split(' ').map((t) => parseInt(t, 16));
      return codes.some((c) => c > 0xff) ? charCodes(codes.join(',')) : Buffer.from(codes);
    },
    textOnly: true,
  },
  {
    name: 'byte list',
    // Three-digit octal between blanks, no brackets: hexdump -e '1/1 "%03o "', Perl's join(' ', map { sprintf '%03o' }).
    pattern: /(?<![0-9A-Za-z.,:/-])[0-7]{3}(?:[ \t][0-7]{3}(?![0-9A-Za-z.,:/]))+/g,
    value: (t) => parseInt(t, 8),
    textOnly: true,
    shuns: 0x5b,
  },
  {
    name: 'byte list',
    // Bytes as binary without padding between blanks, no brackets: Java's Integer.toBinaryString(b & 0xff) joined by
    // blanks, Go's %b of bytes one by one. Text only, and with a 7-digit token (an ASCII letter's).
    pattern: /(?<![0-9A-Za-z.,:/-])[01]{1,8}(?:[ \t][01]{1,8}(?![0-9A-Za-z.,:/]))+/g,
    value: (t) => parseInt(t, 2),
    holds: /[01]{7}/,
    textOnly: true,
    shuns: 0x5b,
  },
  {
    name: 'quoted list',
    // Each byte a quoted string: Python's [hex(b) …] and [bin(b) …] (`['0x6b', '0b1101011']`), JSON of hex strings
    // (`["0x6b","6b"]`: JavaScript, Python, Java's List of String.format("%02X")), Node's inspect of b.toString(16)
    // (`[ '6b', 'a' ]`), Ruby's p of "%02x" strings or unpack('H2' * n). Read in the radix its prefix names — without
    // one, hex for pairs, decimal, binary —, routed only as text.
    pattern: /(?<![0-9A-Za-z])(['"])(?:0[xXbB])?[0-9a-fA-F]{1,8}\1(?:[ \t]*,\s*(['"])(?:0[xXbB])?[0-9a-fA-F]{1,8}\2)+/g,
    value: (t) => Number(t),
    decode: quotedList,
    textOnly: true,
  },
  {
    name: 'dotted bytes',
    // Perl's version-string formats: sprintf('%vd', $s) (`116.111.107`: a byte string's bytes, a character string's
    // code points), '%vx' (`74.6f.6b`, no padding), '%vo', '%vb'. Read in each radix its digits allow (decimal always;
    // hex with a letter or digits of at most two; octal and binary where every digit is one), routed only where text:
    // OIDs (`1.3.6.1.4.1.311`), versions and addresses are short or make control bytes.
    pattern: /(?<![0-9A-Za-z.-])[0-9a-fA-F]{1,8}(?:\.[0-9a-fA-F]{1,8}){7,}(?![0-9A-Za-z.])/g,
    value: (t) => Number(t),
    decode: dotted,
    textOnly: true,
  },
  {
    name: 'grouped hex',
    // Python's bytes.hex('-', n) and hex(':', n) (n of 2 to 8: groups of 2n digits, the first or the last shorter), Java's
    // HexFormat.ofDelimiter('-'), .NET's BitConverter.ToString in lower case: even groups between one kind of separator.
    pattern: /(?<![0-9A-Za-z:-])[0-9a-fA-F]{2,16}(?:([-:])[0-9a-fA-F]{2,16}(?![0-9A-Za-z]))(?:\1[0-9a-fA-F]{2,16}(?![0-9A-Za-z]))+/g,
    value: (t) => parseInt(t, 16),
    decode: dashedGroups,
  },
  {
    name: 'char codes',
    // A value's characters as decimal numbers, some beyond a byte, most printable ASCII: JavaScript's String.fromCharCode(…) of UTF-16 units
    // (a surrogate pair as two), Python's list(map(ord, s)) of code points, Java's (int) chars. Read as UTF-8.
    pattern: /(?<![0-9A-Za-z.-])\d{1,7}(?:[ \t]*,\s*\d{1,7}(?![0-9.]))+/g,
    value: (t) => Number(t),
    decode: charCodes,
  },
];

const TOKEN = /-?(?:0[xX])?[0-9a-fA-F]+/g;

/** The bytes of one list's text, or undefined when a number is no byte (above 255, below -128). */
function bytesOf(list: string, value: (token: string) => number): Buffer | undefined {
  const tokens = list.match(TOKEN) ?? [];
  const out = Buffer.allocUnsafe(tokens.length);
  for (let i = 0; i < tokens.length; i++) {
    const v = value(tokens[i]!);
    if (!(v >= -128 && v <= 255)) return undefined;
    out[i] = v & 0xff;
  }
  return out;
}

/** The byte lists of one text, fed chunk by chunk. */
export class ByteLists {
  /** A stretch of list characters the chunks before ended inside, in parts (joined once, when it ends): read with this one. */
  #carry: Buffer[] = [];
  #carried = 0;
  /** Where the carried stretch starts in the content. */
  #from = 0;
  #offset = 0;
  /** The content's byte before this chunk: whether a stretch starting the chunk is glued to a word. */
  #prev = 0x0a;
  /** The byte before the carried stretch: a letter or digit makes its first characters a word's end, no number. */
  #before = 0x0a;

  /** OpenSSL dump lines read so far, while the next line's offset may follow on: where the first was, the offset due next. */
  #dump: { at: number; next: number; parts: Buffer[]; size: number } | undefined;

  /**
   * gdb `x/Nxb` lines read so far (`0x5555…060 <buf>:⇥0x4b⇥0x46…`, eight bytes a line): where the first was, the address
   * due next; and the address the last stretch read ended with (the next line's, whose `<buf+8>` ends that stretch).
   */
  #gdb: { at: number; next: bigint; parts: Buffer[]; size: number } | undefined;
  #gdbAddress: bigint | undefined;

  /** JSON of a typed array (`{"0":112,"1":97,…}`), whose quotes end every stretch of list characters. */
  readonly #indexed: IndexedBytes;
  /** Each byte or character after its index: PHP's print_r and var_dump, Python's and Ruby's dicts (`keyed-lists.ts`). */
  readonly #keyed: KeyedLists;
  /** Numbers of two bytes or more: words (unpack('n*'), array('H')) and big numbers (`runs-bytes-words.ts`). */
  readonly #words: WordLists;
  /** A value's characters between blanks or a character a line (`spaced-chars.ts`), IDNA's `xn--` labels (`punycode-labels.ts`). */
  readonly #spaced: SpacedChars;
  readonly #punycode: PunycodeLabels;
  /** R's print of a vector, each line after its first element's index (`r-vectors.ts`). */
  readonly #vectors: VectorPrints;
  /** Where stretches of list characters start, a window of the chunk at a time (`runs-bytes-looks.ts`). */
  #marks: Marks | undefined;

  constructor(readonly open: (offset: number, alphabet: string) => Sink | undefined) {
    this.#indexed = new IndexedBytes(open);
    this.#keyed = new KeyedLists(open);
    this.#words = new WordLists(open);
    this.#spaced = new SpacedChars(open);
    this.#punycode = new PunycodeLabels(open);
    this.#vectors = new VectorPrints(open);
  }

  async push(chunk: Uint8Array): Promise<void> {
    await this.#indexed.push(chunk);
    await this.#keyed.push(chunk);
    await this.#words.push(chunk);
    await this.#spaced.push(chunk);
    await this.#punycode.push(chunk);
    await this.#vectors.push(chunk);
    let bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    const prev = this.#prev;
    if (chunk.length) this.#prev = chunk[chunk.length - 1]!;
    let base = this.#offset;
    this.#offset += chunk.length;
    if (this.#carried) {
      // Only the carried stretch's continuation is joined to it (up to the first byte that is no list character).
      let j = 0;
      while (j < bytes.length && TABLE[bytes[j]!]) j++;
      if (j === bytes.length && this.#carried + j < MAX_CARRY) return this.#hold(bytes, this.#from);
      this.#carry.push(bytes.subarray(0, j));
      await this.#flush(j < bytes.length && isWord(bytes[j]!));
      base += j;
      bytes = bytes.subarray(j);
    }
    const n = bytes.length;
    const marks = n >= MIN_MARKED ? (this.#marks ??= new Marks('members', TABLE, MIN_SEGMENT)) : undefined;
    marks?.reset();
    if (marks?.fill(bytes, 0)) return this.#stretches(bytes, base, prev, marks);
    for (let p = MIN_SEGMENT - 1; p < n + MIN_SEGMENT - 1; p += MIN_SEGMENT) {
      const q = Math.min(p, n - 1);
      if (!TABLE[bytes[q]!]) continue;
      let start = q;
      while (start > 0 && TABLE[bytes[start - 1]!]) start--;
      let end = q + 1;
      while (end < n && TABLE[bytes[end]!]) end++;
      const before = start > 0 ? bytes[start - 1]! : prev;
      if (end === n) return this.#hold(bytes.subarray(start), base + start, before);
      if (end - start >= MIN_SEGMENT) await this.#read(bytes.subarray(start, end), base + start, before, isWord(bytes[end]!));
      p = end;
    }
  }

  /**
   * The stretches of list characters of a chunk, from mark to mark (`runs-bytes-looks.ts`: where MIN_SEGMENT of them in
   * a row start): what the looks every MIN_SEGMENT-th byte read — every stretch that long, the one at the chunk's end
   * however short (carried) — without a look at the others (half the bytes of text are list characters: each look walked
   * a word both ways).
   */
  async #stretches(bytes: Buffer, base: number, prev: number, marks: Marks): Promise<void> {
    const n = bytes.length;
    for (let p = 0; p < n;) {
      if (!marks.holds(p)) marks.fill(bytes, p);
      const start = marks.next(p);
      if (start < 0) {
        p = marks.to;
        continue;
      }
      let end = start + MIN_SEGMENT;
      while (end < n && TABLE[bytes[end]!]) end++;
      const before = start > 0 ? bytes[start - 1]! : prev;
      if (end === n) return this.#hold(bytes.subarray(start), base + start, before);
      await this.#read(bytes.subarray(start, end), base + start, before, isWord(bytes[end]!));
      p = end;
    }
    if (!n || !TABLE[bytes[n - 1]!]) return;
    let start = n - 1;
    while (start > 0 && TABLE[bytes[start - 1]!]) start--;
    this.#hold(bytes.subarray(start), base + start, start > 0 ? bytes[start - 1]! : prev);
  }

  /**
   * Holds `part` of a stretch still open at the chunk's end. Without a separator in its last QUIET bytes, a stretch
   * holds no list there: only those bytes are kept (a dump's `AAAA…` decoded, long indentation), not the stretch.
   */
  #hold(part: Buffer, from: number, before = 0x0a): void {
    if (!this.#carried) [this.#from, this.#before] = [from, before];
    this.#carry.push(Buffer.from(part));
    this.#carried += part.length;
    if (this.#carried > QUIET && !hasSeparators(this.#last(QUIET), 1)) {
      const kept = Buffer.concat(this.#carry).subarray(-QUIET);
      this.#from += this.#carried - QUIET;
      this.#before = 0x0a;
      this.#carry = [kept];
      this.#carried = QUIET;
    }
  }

  /**
   * The carried stretch's last `n` bytes, from as many parts as hold them: the last part alone (a small chunk's) held no
   * separator, and a long list in small chunks was cut to its last QUIET bytes.
   */
  #last(n: number): Uint8Array {
    const parts: Buffer[] = [];
    let size = 0;
    for (let k = this.#carry.length - 1; k >= 0 && size < n; k--) {
      parts.push(this.#carry[k]!);
      size += this.#carry[k]!.length;
    }
    const joined = parts.length === 1 ? parts[0]! : Buffer.concat(parts.reverse());
    return joined.subarray(-n);
  }

  /** Reads the carried stretch. */
  async #flush(gluedAfter: boolean): Promise<void> {
    const stretch = Buffer.concat(this.#carry);
    this.#carry = [];
    this.#carried = 0;
    await this.#read(stretch, this.#from, this.#before, gluedAfter);
  }

  async end(): Promise<void> {
    await this.#indexed.end();
    await this.#keyed.end();
    await this.#words.end();
    await this.#spaced.end();
    await this.#punycode.end();
    await this.#vectors.end();
    if (this.#carried) await this.#flush(false);
    await this.#dumpEnd();
    await this.#gdbEnd();
  }

  /**
   * gdb's `x/Nxb` lines in one stretch: `ADDRESS:⇥0x..⇥0x..` (no symbol: the address in the stretch), or `:⇥0x..…` at
   * the stretch's start (`ADDRESS <sym+N>:` — the symbol is no list character: the address ended a stretch before), the
   * next line's address after the bytes. A line whose address follows on from the held lines' is joined to them; one
   * that does not ends them (routed) and starts anew. A symbol's line takes its address from the stretch before (the
   * one its bytes followed); the first, whose address is in no stretch read, takes the next line's less its bytes.
   */
  async #gdbLines(text: string, offset: number): Promise<void> {
    const lines: Array<{ index: number; at: bigint | undefined; bytes: Buffer }> = [];
    let trailing: bigint | undefined;
    for (const m of text.matchAll(GDB_LINE)) {
      const bytes = m[2] === undefined ? undefined : gdbUnits(m[2]);
      if (m[3] !== undefined) trailing = BigInt(m[3]);
      else if (bytes) lines.push({ index: m.index, at: m[1] !== undefined ? BigInt(m[1]) : m.index === 0 ? this.#gdbAddress : undefined, bytes });
    }
    this.#gdbAddress = trailing;
    const last = lines[lines.length - 1];
    if (last && last.at === undefined && trailing !== undefined) last.at = trailing - BigInt(last.bytes.length);
    for (const { index, at, bytes } of lines) {
      if (this.#gdb && this.#gdb.next !== at) await this.#gdbEnd();
      if (at === undefined) continue;
      this.#gdb ??= { at: offset + index, next: at, parts: [], size: 0 };
      this.#gdb.parts.push(bytes);
      this.#gdb.size += bytes.length;
      this.#gdb.next = at + BigInt(bytes.length);
      if (this.#gdb.size >= MAX_CARRY) await this.#gdbEnd();
    }
  }

  /** Routes the held gdb lines' bytes (as a list is: MIN_BYTES or more, and text or long). */
  async #gdbEnd(): Promise<void> {
    const dump = this.#gdb;
    this.#gdb = undefined;
    if (!dump || dump.size < MIN_BYTES) return;
    const bytes = Buffer.concat(dump.parts);
    if (bytes.length < LONG && !isText(bytes)) return;
    const sink = this.open(dump.at, 'gdb dump');
    if (!sink) return;
    await sink.write(bytes);
    await sink.end();
  }

  /**
   * The lines of OpenSSL's BIO_dump in one stretch (each stretch ends at a line's text column, so a dump's lines come in
   * stretches of their own): a line whose offset follows on from the held ones' is joined to them, one that does not
   * ends them (routed) and starts anew; a line of fewer than 16 bytes is a dump's last.
   */
  async #dumpLines(text: string, offset: number): Promise<void> {
    for (const m of text.matchAll(DUMP_LINE)) {
      const line = Buffer.from(m[2]!.replace(/[ -]/g, ''), 'hex');
      const from = parseInt(m[1]!, 16);
      if (this.#dump && this.#dump.next !== from) await this.#dumpEnd();
      this.#dump ??= { at: offset + m.index, next: from, parts: [], size: 0 };
      this.#dump.parts.push(line);
      this.#dump.size += line.length;
      this.#dump.next = from + line.length;
      if (line.length < 16 || this.#dump.size >= MAX_CARRY) await this.#dumpEnd();
    }
  }

  /** Routes the held dump lines' bytes (as a list is: MIN_BYTES or more, and text or long). */
  async #dumpEnd(): Promise<void> {
    const dump = this.#dump;
    this.#dump = undefined;
    if (!dump || dump.size < MIN_BYTES) return;
    const bytes = Buffer.concat(dump.parts);
    if (bytes.length < LONG && !isText(bytes)) return;
    const sink = this.open(dump.at, 'openssl dump');
    if (!sink) return;
    await sink.write(bytes);
    await sink.end();
  }

  /**
   * The lists in one stretch of list characters that starts at `offset` in the content. A stretch glued to a word before
   * or after it (`leaf 41 42 … 66 after`: list characters end where `t` is none) begins or ends with that word's part,
   * which no number is: left out, as the patterns' own look-arounds would if they saw past the stretch.
   */
  async #read(stretch: Buffer, offset: number, before = 0x0a, gluedAfter = false): Promise<void> {
    if (stretch.length < MIN_SEGMENT) return;
    if (this.#dump || stretch.includes(DUMP_DASH)) await this.#dumpLines(stretch.toString('latin1'), offset);
    if (this.#gdb || this.#gdbAddress !== undefined || gdbTab(stretch)) await this.#gdbLines(stretch.toString('latin1'), offset);
    if (!hasSeparators(stretch)) return;
    let text = stretch.toString('latin1');
    if (isWord(before)) {
      const word = /^[0-9A-Za-z]+/.exec(text)?.[0].length ?? 0;
      text = text.slice(word);
      offset += word;
    }
    if (gluedAfter) text = text.replace(/[0-9A-Za-z]+$/, '');
    // Every list is read before any is routed: what a list decodes to is read by a ByteLists of its own, with the same
    // (global, stateful) patterns, while this one waits on the sink.
    const lists: Array<{ at: number; name: string; decoded: Buffer }> = [];
    for (const form of FORMS)
      for (const m of form.opens === undefined || form.opens === before ? text.matchAll(form.pattern) : []) {
        if ((form.holds && !form.holds.test(m[0])) || (m.index === 0 && form.shuns === before)) continue;
        const decoded = form.decode ? form.decode(m[0]) : bytesOf(m[0], form.value);
        if (decoded && decoded.length >= MIN_BYTES && ((decoded.length >= LONG && !form.textOnly) || isText(decoded)))
          lists.push({ at: offset + m.index, name: form.name, decoded });
      }
    for (const { at, name, decoded } of lists) {
      const sink = this.open(at, name);
      if (!sink) continue;
      await sink.write(decoded);
      await sink.end();
    }
  }
}

/** What every line of OpenSSL's BIO_dump holds after its offset. */
const DUMP_DASH = Buffer.from(' - ');
/**
 * A line of OpenSSL's BIO_dump (`openssl asn1parse -dump`, `cms -print`, `s_client -msg`, `pkeyutl -hexdump`): at a
 * line's start, indented, a 4-digit (or longer) hex offset, ` - `, up to 16 lower-case hex bytes between blanks, a dash
 * after the 8th (`0010 - 65 22 66 5c 67 26 68 3c-69 3e …`), then three blanks and the text column.
 */
const DUMP_LINE = /(?:^|\n)[ \t]*([0-9a-f]{4,8}) - ([0-9a-f]{2}(?: [0-9a-f]{2}){0,7}(?:-[0-9a-f]{2}(?: [0-9a-f]{2}){0,7})?)(?![0-9A-Za-z])/g;

/**
 * Whether a stretch has `min` separators (a list of MIN_BYTES needs MIN_BYTES - 1): a comma, a colon, the x of `0x`, or a
 * blank, a tab or a dash between two hex digits (spaced and dashed hex, bare decimal; prose's spaces and hex words have few).
 */
function hasSeparators(stretch: Uint8Array, min = MIN_BYTES - 1): boolean {
  let n = 0;
  for (let i = 0; i < stretch.length; i++) {
    const b = stretch[i]!;
    const between =
      (b === 0x20 || b === 0x09 || b === 0x2d || b === 0x2e) && i > 0 && isHexDigit(stretch[i - 1]!) && i + 1 < stretch.length && isHexDigit(stretch[i + 1]!);
    if ((between || b === 0x2c || b === 0x3a || b === 0x78 || b === 0x58 || lineBetween(stretch, i)) && ++n >= min) return true;
  }
  return false;
}

/**
 * Whether the byte at `i` is a line break after a pair of hex digits that stands alone on its line and before another,
 * blanks around it (`xxd -p -c1`, `od -A n -t x1 -w1`: a byte a line).
 */
function lineBetween(s: Uint8Array, i: number): boolean {
  if (s[i] !== 0x0a) return false;
  let p = i - 1;
  if (s[p] === 0x0d) p--;
  if (!(isHexDigit(s[p] ?? 0) && isHexDigit(s[p - 1] ?? 0)) || (p >= 2 && s[p - 2] !== 0x0a && s[p - 2] !== 0x20)) return false;
  let q = i + 1;
  while (s[q] === 0x20) q++;
  return isHexDigit(s[q] ?? 0) && isHexDigit(s[q + 1] ?? 0) && (s[q + 2] === 0x0a || s[q + 2] === 0x0d);
}

/** A letter or digit: a byte that makes a list character next to it part of a word. */
const isWord = (b: number) => (b >= 0x30 && b <= 0x39) || ((b | 0x20) >= 0x61 && (b | 0x20) <= 0x7a);
const isHexDigit = (b: number) => (b >= 0x30 && b <= 0x39) || ((b | 0x20) >= 0x61 && (b | 0x20) <= 0x66);
