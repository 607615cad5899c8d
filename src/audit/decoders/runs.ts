/**
 * Encoded runs inside text: base64 (and base64url), hex, base32 (RFC 4648's and base32hex, either
 * case) and base2 bit strings of at least MIN_RUN characters — a Helm release record (base64 of
 * gzip of JSON), a data: URI, a Kubernetes Secret's values, a hex-encoded blob, `basenc` output —
 * decoded as they stream and routed as content of their own, so what they hold is scanned and
 * opened in turn (base64 → gzip → JSON), each level one deeper. Line breaks inside a run (base64
 * wrapped at 64 or 76 columns, indented as in a YAML block) do not end it. Beside them, with the
 * same scanner: the base85 family (`runs-base85.ts`) and the formats that announce themselves
 * (`runs-anchored.ts`: git binary patches, `<~ … ~>`, uuencode, xxencode).
 */
import { LONGEST, safeEnd, unescapeRuns } from './run-escapes.js';
import { AnchoredRuns } from './runs-anchored.js';
import { BASE85_FAMILIES } from './runs-base85.js';
import { ByteLists } from './runs-bytes.js';
import { JavaArrays } from './java-bytecode.js';
import { CythonTables } from './cython-lzss.js';
import { CodeImmediates } from './x86-immediates.js';
import { codeMagic } from './code-header.js';
import { RunScanner, type Family } from './runs-scan.js';
import { EncodedWords } from './rfc2047.js';
import { Utf7Text } from './utf7.js';
import { ANSI_COLOURS } from './ansi-colours.js';
import { DECIMAL_ESCAPES } from './decimal-escapes.js';
import { CHAR_CODES } from './char-codes.js';
import { JAVA_CHAR_LISTS } from './char-lists.js';
import { LATEX_ESCAPES } from './latex-escapes.js';
import { LITERAL_JOINS } from './literal-joins.js';
import { META_NOTATION } from './meta-notation.js';
import { MOJIBAKE } from './mojibake.js';
import { OVERSTRIKE } from './overstrike.js';
import { PHP_NUL_PIECES } from './php-nul-pieces.js';
import { PACKET_DUMP } from './packet-dump.js';
import { ROFF_GLYPHS } from './roff-glyphs.js';
import { RTF_ESCAPES } from './rtf-escapes.js';
import { SYSTEMD_ESCAPE } from './systemd-escape.js';
import { TABLE_CELLS } from './table-cells.js';
import { ESCAPED_COLOURS } from './escaped-colours.js';
import { HTML_SPANS } from './html-spans.js';
import { TEXINFO_ESCAPES } from './texinfo-escapes.js';
import { RFC2231 } from './rfc2231.js';
import { WORD_DIFF_PORCELAIN } from './word-diff-porcelain.js';
import { wrappedWords } from './wrapped-words.js';
import { RewrittenText } from './text-rewrite.js';
import { giveBack, lease } from './join-pool.js';
import { WORD_DIFF } from './word-diff.js';
import { isMangledSymbol, isWords } from './symbols.js';
import type { Sink } from './types.js';

export { stacked } from './runs-scan.js';

export const MIN_RUN = 40;
/**
 * A shorter run (a short value encoded twice: base64 of base64 of 12 characters is 24) is decoded
 * too, but routed only when what it decodes to is text (`stacked`): a word or a path of that
 * length decodes to bytes that are not.
 */
export const MIN_SHORT = 16;

/** Base64, base64url, hex, both base32 alphabets in either case, base2: one table. */
const B64 = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_') B64[c.charCodeAt(0)] = 1;

/** The value of each character of an alphabet of `bits` bits per character (either case when `fold`). */
function digits(alphabet: string, fold: boolean): Int8Array {
  const t = new Int8Array(256).fill(-1);
  for (let i = 0; i < alphabet.length; i++) {
    t[alphabet.charCodeAt(i)] = i;
    if (fold) t[alphabet.toLowerCase().charCodeAt(i)] = i;
  }
  return t;
}
const BITS: Record<string, { bits: number; table: Int8Array }> = {
  base32: { bits: 5, table: digits('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', true) },
  base32hex: { bits: 5, table: digits('0123456789ABCDEFGHIJKLMNOPQRSTUV', true) },
  base2: { bits: 1, table: digits('01', false) },
  base2lsbf: { bits: 1, table: digits('01', false) },
};

/** Each byte's bits in the other order: basenc --base2lsbf (Perl's unpack 'b*') writes a byte's least significant bit first. */
const REVERSED = Uint8Array.from({ length: 256 }, (_, b) => {
  let r = 0;
  for (let i = 0; i < 8; i++) r |= ((b >> i) & 1) << (7 - i);
  return r;
});

/** An alphabet of a few bits per character, most significant first (RFC 4648's base32 and base32hex, basenc's base2msbf). */
function decodeBits(text: string, { bits: width, table }: { bits: number; table: Int8Array }): Buffer {
  const out = Buffer.allocUnsafe(Math.ceil((text.length * width) / 8));
  let n = 0;
  let bits = 0;
  let value = 0;
  for (let i = 0; i < text.length; i++) {
    const d = table[text.charCodeAt(i)]!;
    if (d < 0) continue;
    value = ((value << width) | d) & 0xffff;
    bits += width;
    if (bits >= 8) {
      out[n++] = (value >>> (bits - 8)) & 0xff;
      bits -= 8;
    }
  }
  return out.subarray(0, n);
}

/** basenc --base2lsbf's bits: each byte's read least significant first. */
function decodeLsbf(text: string): Buffer {
  const out = decodeBits(text, BITS.base2!);
  for (let i = 0; i < out.length; i++) out[i] = REVERSED[out[i]!]!;
  return out;
}

const GROUP: Record<string, number> = { hex: 2, base64: 4, base32: 8, base32hex: 8, base2: 8, base2lsbf: 8 };

/** Which of the alphabets' sets each byte is in (`BASE64.alphabetsIn`): the sets `alphabets`' expressions test. */
const [IS_BIN, IS_HEX, IS_B32U, IS_B32L, IS_H32U, IS_H32L] = [1, 2, 4, 8, 16, 32];
const SETS = new Uint8Array(256);
const setOf = (chars: string, bit: number) => {
  for (const c of chars) SETS[c.charCodeAt(0)]! |= bit;
};
setOf('01', IS_BIN);
setOf('0123456789abcdefABCDEF', IS_HEX);
setOf('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', IS_B32U);
setOf('abcdefghijklmnopqrstuvwxyz234567', IS_B32L);
setOf('0123456789ABCDEFGHIJKLMNOPQRSTUV', IS_H32U);
setOf('0123456789abcdefghijklmnopqrstuv', IS_H32L);
/** The lists `alphabets` gives, made once. */
const [BASE2, HEX, BASE32, BASE32_BOTH, BASE32HEX, BASE64_ONLY] = [
  ['base2', 'base2lsbf'],
  ['hex'],
  ['base32'],
  ['base32', 'base32hex'],
  ['base32hex'],
  ['base64'],
];

/** Base64's and base64url's characters' values (a run mixing them is decoded as Buffer.from decodes it, each as its own). */
const SEXTETS = digits('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', false);
SEXTETS[0x2d] = 62;
SEXTETS[0x5f] = 63;
const HEX_DIGITS = digits('0123456789ABCDEF', true);

/** What `decodeText` decodes into before a run's bytes are known to be text (a run read this way is MAX_TEXT at most). */
let scratch = new Uint8Array(1024);

/** Whether a decoded byte is text as `stacked` tells it: printable ASCII, tab, LF or CR. */
const textByte = (b: number) => (b >= 0x20 && b <= 0x7e) || b === 9 || b === 10 || b === 13;

/**
 * The bytes `BASE64.decode` gives for the run `bytes` from `start` to `end` (its characters only, no blank nor `=`) in
 * `alphabet`, if they are text as `stacked` tells it (8 bytes or more, each printable) — else undefined, given up at the
 * first byte that is not. A log line's path (`/api/v1/items/42`) and a class file's names (`Ljava/lang/String`) are such
 * runs: a string of each, four expressions and a decoding at each alignment were what the audit of them allocated most.
 */
function base64Text(bytes: Uint8Array, start: number, end: number, alphabet: string): Buffer | undefined {
  if (scratch.length < end - start) scratch = new Uint8Array(end - start);
  const out = scratch;
  let n = 0;
  if (alphabet === 'hex') {
    for (let i = start; i + 1 < end; i += 2) {
      const b = (HEX_DIGITS[bytes[i]!]! << 4) | HEX_DIGITS[bytes[i + 1]!]!;
      if (!textByte(b)) return undefined;
      out[n++] = b;
    }
  } else {
    const { bits: width, table } = alphabet === 'base64' ? { bits: 6, table: SEXTETS } : BITS[alphabet]!;
    let bits = 0;
    let value = 0;
    for (let i = start; i < end; i++) {
      const d = table[bytes[i]!]!;
      if (d < 0) continue;
      value = ((value << width) | d) & 0xffff;
      bits += width;
      if (bits >= 8) {
        const b = alphabet === 'base2lsbf' ? REVERSED[(value >>> (bits - 8)) & 0xff]! : (value >>> (bits - 8)) & 0xff;
        if (!textByte(b)) return undefined;
        out[n++] = b;
        bits -= 8;
      }
    }
  }
  return n >= 8 ? Buffer.from(out.subarray(0, n)) : undefined;
}

/** Base64's family (hex, base32, base2 among it): exported for the classify pass's tests. */
export const BASE64: Family = {
  table: B64,
  minRun: MIN_RUN,
  minShort: MIN_SHORT,
  alphabets(head, delimited) {
    // Bits in either order (basenc --base2msbf, --base2lsbf): a run is read both ways.
    if (/^[01\s]*$/.test(head)) return BASE2;
    if (/^[0-9a-fA-F\s]*$/.test(head)) return ['hex'];
    // In binary content (a run read at every alignment), only RFC 4648's upper-case base32: lower-case words and
    // symbol names of a compiled file would each be read eight times more, as base32 and base32hex.
    if (!delimited) return /^[A-Z2-7=\s]*$/.test(head) ? ['base32'] : ['base64'];
    // base32 and base32hex share most of their characters: a run that fits both is read as both.
    const b32 = /^[A-Z2-7=\s]*$/.test(head) || /^[a-z2-7=\s]*$/.test(head);
    const hex32 = /^[0-9A-V=\s]*$/.test(head) || /^[0-9a-v=\s]*$/.test(head);
    return b32 || hex32 ? [...(b32 ? ['base32'] : []), ...(hex32 ? ['base32hex'] : [])] : ['base64'];
  },
  alphabetsIn(bytes, start, end, delimited) {
    let sets = 63;
    for (let i = start; i < end && sets !== 0; i++) sets &= SETS[bytes[i]!]!;
    if (sets & IS_BIN) return BASE2;
    if (sets & IS_HEX) return HEX;
    if (!delimited) return sets & IS_B32U ? BASE32 : BASE64_ONLY;
    const b32 = (sets & (IS_B32U | IS_B32L)) !== 0;
    const hex32 = (sets & (IS_H32U | IS_H32L)) !== 0;
    return b32 ? (hex32 ? BASE32_BOTH : BASE32) : hex32 ? BASE32HEX : BASE64_ONLY;
  },
  // Fewer characters than 11 decode to fewer than 8 bytes in every alphabet of the family: never text (`stacked`).
  textFrom: 11,
  decodeText: base64Text,
  group: (alphabet) => GROUP[alphabet]!,
  // A C++ binary's symbol tables and a class file's names are runs of base64 characters: a mangled name or words are no encoding.
  accept: (head, alphabet) => alphabet !== 'base64' || !(isMangledSymbol(head) || isWords(head)),
  decode(text, alphabet) {
    if (alphabet === 'hex') {
      const t = text.replace(/\s/g, '');
      return Buffer.from(t.slice(0, t.length & ~1), 'hex');
    }
    if (alphabet === 'base64') return Buffer.from(text.replace(/[\s=]/g, '').replaceAll('-', '+').replaceAll('_', '/'), 'base64');
    return alphabet === 'base2lsbf' ? decodeLsbf(text) : decodeBits(text, BITS[alphabet]!);
  },
};

/**
 * Finds and decodes the encoded runs of one content: base64's family (through escapes of its
 * characters, `run-escapes.ts`), the base85 family (in text only: in binary content printable
 * stretches that long are chance), and the formats that announce themselves.
 */
/**
 * The text notations a copy is rewritten for (`text-rewrite.ts`), in the order they are read: new for each text, as
 * wrapped-words' keeps what it last looked through (one reading's, never another text's read at once).
 */
export const notations = () => [
  LITERAL_JOINS,
  DECIMAL_ESCAPES,
  META_NOTATION,
  RTF_ESCAPES,
  PACKET_DUMP,
  OVERSTRIKE,
  WORD_DIFF,
  MOJIBAKE,
  SYSTEMD_ESCAPE,
  ANSI_COLOURS,
  LATEX_ESCAPES,
  ROFF_GLYPHS,
  TEXINFO_ESCAPES,
  wrappedWords(),
  WORD_DIFF_PORCELAIN,
  RFC2231,
  CHAR_CODES,
  JAVA_CHAR_LISTS,
  PHP_NUL_PIECES,
  TABLE_CELLS,
  ESCAPED_COLOURS,
  HTML_SPANS,
];
/** The labels of their copies (`!(wrapped text at N)`): a copy of text, not a decoding of it. */
export const NOTATION_LABELS: ReadonlySet<string> = new Set(notations().map((n) => n.label));

/** The shortest text, in characters, in which any reader of EncodedRuns finds a value (`nothingToRead`). */
const SHORTEST_TEXT = 8;

/**
 * Whether EncodedRuns can route nothing from a content whose every byte is `whole`: it holds no text of SHORTEST_TEXT
 * characters (here any ASCII byte but NUL — the text notations' control bytes, overstrike's backspace and ANSI colours'
 * escape, among them — or a well-formed UTF-8 sequence), no Java initializer's opening (`dup`, `iconst_0`) and no
 * executable's magic. Every reader needs one of them: base64's and base85's runs and the anchored encodings are text (the
 * audit's values are at least 8 characters, 10 in base85, 16 in the shortest run decoded); the text notations rewrite
 * text, each character of a copy made of one or more of the text's (a copy of such a content holds no such text either,
 * runs-nothing.test); Cython's tables begin with 8 literals after a flag byte; the immediates are read in code an
 * executable's header announces. So a short content is passed over for what it cannot hold: a digest decoded from a
 * checksum list's hex (20 random bytes) built some forty readers, a quarter of a millisecond each (issue 28's
 * per-content cost: `sha1sum` lines audited at 0.1 MB/s). Its bytes are still matched, claimed and searched for streams.
 */
export function nothingToRead(whole: Uint8Array): boolean {
  if (whole.length >= 4 && codeMagic(whole)) return false;
  let chars = 0;
  for (let i = 0; i < whole.length;) {
    const b = whole[i]!;
    if (b === 0x59 && whole[i + 1] === 0x03) return false;
    const size = b < 0x80 ? Math.sign(b) : utf8Size(whole, i);
    if (size === 0) {
      chars = 0;
      i++;
    } else if (++chars >= SHORTEST_TEXT) return false;
    else i += size;
  }
  return true;
}

/** The length of the well-formed UTF-8 sequence of two to four bytes at `i` (RFC 3629's table), 0 when there is none. */
function utf8Size(b: Uint8Array, i: number): number {
  const lead = b[i]!;
  const cont = (k: number, lo = 0x80, hi = 0xbf) => b[i + k] !== undefined && b[i + k]! >= lo && b[i + k]! <= hi;
  if (lead >= 0xc2 && lead <= 0xdf) return cont(1) ? 2 : 0;
  if (lead >= 0xe0 && lead <= 0xef) {
    const second = cont(1, lead === 0xe0 ? 0xa0 : 0x80, lead === 0xed ? 0x9f : 0xbf);
    return second && cont(2) ? 3 : 0;
  }
  if (lead >= 0xf0 && lead <= 0xf4) {
    const second = cont(1, lead === 0xf0 ? 0x90 : 0x80, lead === 0xf4 ? 0x8f : 0xbf);
    return second && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

export class EncodedRuns {
  readonly #base64: RunScanner;
  readonly #anchored: AnchoredRuns;
  readonly #base85: RunScanner[];
  /**
   * Text only: byte lists (`0x41, 0x42`, `[65,66]`, `41:42`), a mail's RFC 2047 words, UTF-7 text (`utf7.ts`), and text
   * rewritten where a writer cut a value into literals or continued lines, wrote bytes as decimal `\DDD` or in `cat -v`'s
   * M- notation, in RTF's `\'e9` and `\u8364?`, or as tcpdump's packet dumps (`text-rewrite.ts`).
   */
  readonly #text: Array<ByteLists | EncodedWords | Utf7Text | RewrittenText>;
  /** Binary or text: Java array initializers in bytecode (`java-bytecode.ts`: a class file, a jar's member). */
  readonly #java: JavaArrays;
  /** Binary: Cython's LZSS-compressed string tables (`cython-lzss.ts`: an extension module's constants). */
  readonly #cython: CythonTables;
  /** x86-64 code: short strings a compiler cut into instructions' immediates (`x86-immediates.ts`). */
  readonly #immediates: CodeImmediates;
  #offset = 0;
  /** The end of the chunk before, from a byte that may begin an escape it cut. */
  #cut: Buffer = Buffer.alloc(0);

  constructor(
    readonly open: (offset: number, alphabet: string) => Sink | undefined,
    /**
     * Whether a run's first character is where its encoding starts (text: runs are delimited). In
     * binary content the bytes next to a run are often base64 characters by chance, so the run is
     * also decoded from each of its next few characters (every alignment of its groups).
     */
    readonly delimited = true,
    /**
     * The labels of the text notations that made this text, first to last (`!(roff glyphs at N)!(joined literals at M)`;
     * none for a file or a decoder's content): its notations' reader applies only those that follow (`text-rewrite.ts`).
     */
    chain: readonly string[] = [],
  ) {
    this.#base64 = new RunScanner(BASE64, open, delimited);
    this.#anchored = new AnchoredRuns(open);
    this.#base85 = delimited ? BASE85_FAMILIES.map((f) => new RunScanner(f, open)) : [];
    const rewritten = () => new RewrittenText(notations(), open, chain);
    this.#text = delimited ? [new ByteLists(open), new EncodedWords(open), new Utf7Text(open), rewritten()] : [];
    this.#java = new JavaArrays(open);
    this.#cython = new CythonTables(open);
    this.#immediates = new CodeImmediates(open);
  }

  /** A chunk of the content: base64's runs after their escapes are read, the others as the bytes are. */
  async push(data: Uint8Array): Promise<void> {
    await this.#escaped(data);
    await this.#anchored.push(data);
    const masked = this.#mask(data);
    for (const scanner of this.#base85) await scanner.push(masked);
    for (const reader of this.#text) await reader.push(data);
    await this.#java.push(data);
    await this.#cython.push(data);
    await this.#immediates.push(data);
  }

  /**
   * Base64's runs of the cut then `data`, joined in a buffer leased for the push (`join-pool.ts`): a chunk after one
   * that ended near an escape's first byte (one in seven of random bytes) was a new buffer of the chunk's size, made
   * and dropped (Buffer.concat: 227 ms and more GC in a profile of 128 MiB of random bytes), then one of each content's
   * own. Nothing keeps it past the push: the base64 scanner copies what it keeps.
   */
  async #escaped(data: Uint8Array): Promise<void> {
    const cut = this.#cut;
    // A cut is at most LONGEST: one size for a content's chunks.
    const joined = cut.length ? lease(cut.length + data.length + LONGEST) : undefined;
    try {
      let whole = data;
      if (joined) {
        cut.copy(joined, 0);
        joined.set(data, cut.length);
        whole = joined.subarray(0, cut.length + data.length);
      }
      const end = safeEnd(whole);
      this.#cut = Buffer.from(whole.subarray(end));
      if (end > 0) await this.#base64.push(unescapeRuns(whole.subarray(0, end), MIN_SHORT));
    } finally {
      if (joined) giveBack(joined);
    }
  }

  /**
   * `data` with what the anchored formats read blanked: a git binary patch's lines are base85 after
   * their length character, and would be found again (unaligned) as base85 runs of their own.
   */
  #mask(data: Uint8Array): Uint8Array {
    const from = this.#offset;
    this.#offset += data.length;
    const claims = this.#anchored.claims;
    this.#anchored.claims = [];
    // Binary content has no base85 scanner to mask for; there a `<~` met by chance claimed bytes every few chunks, and
    // each claim copied the chunk (byte by byte: Buffer.from of a Uint8Array) for nothing.
    if (!this.#base85.length || !claims.length) return data;
    let out: Uint8Array | undefined;
    for (let k = 0; k < claims.length; k += 2) {
      const start = Math.max(claims[k]! - from, 0);
      const end = Math.min(claims[k + 1]! - from, data.length);
      if (end <= start) continue;
      if (!out) {
        out = Buffer.allocUnsafe(data.length);
        out.set(data);
      }
      out.fill(0x20, start, end);
    }
    return out ?? data;
  }

  async end(): Promise<void> {
    const cut = this.#cut;
    this.#cut = Buffer.alloc(0);
    if (cut.length) await this.#base64.push(unescapeRuns(cut, MIN_SHORT));
    await this.#base64.end();
    await this.#anchored.end();
    for (const scanner of this.#base85) await scanner.end();
    for (const reader of this.#text) await reader.end();
    await this.#java.end();
    await this.#cython.end();
    await this.#immediates.end();
  }
}
