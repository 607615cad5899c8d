/**
 * Numbers framed one by one: a list whose numbers each stand inside the same text — a cast, a type's suffix, a call, an
 * escape's lead — so that what stands between two numbers is the same all along the list: Java's `(byte) 0x74, (byte)
 * 0x6F`, C#'s `(sbyte)116`, C's `(uint8_t)0x74`, C++'s `static_cast<char>(116)`, Rust's `0x74u8` and `116_u8`, F#'s
 * `0x74uy;`, Nim's `0x74'u8`, Kotlin's `116.toByte()`, Go's `byte(116)`, Swift's `UInt8(0x74)`, D's `cast(ubyte)0x74`,
 * Java's `0x74L`, Fortran's `achar(116)//`, Ada's `Character'Val(116) &`, PowerShell's `$([char]116)`, bits between
 * dashes, `echo -e`'s `\0164`, PostgreSQL's `U&'\0074'` and `UESCAPE '!'`, TeX's `^^74`, Perl's `\o{164}`, 6502
 * assemblers' `$74,`, Oberon's `74X +`. The byte-list readers (`runs-bytes.ts`, `runs-bytes-words.ts`) read lists whose
 * separators are blanks, commas and quotes; a frame of letters and parentheses ends their stretches.
 *
 * A number is a run of hex digits with no letter or digit before it (or after C's `0x`/`0b`/`0o`, or a lone `x`, `u`,
 * `o` lead: `\x74`, `\u0074`) and none after it but a type's suffix (`u8`, `uy`, `L`, `h`, `X`, …). A frame is what stands
 * between two numbers, compared with its blanks folded (a list wrapped over lines) and its `+` dropped (PostgreSQL's
 * `\+01F600` beside `\0074`). A run of MIN_NUMBERS numbers or more in one frame is read in every radix its numbers'
 * marks and digits allow — bytes where all are below 256, code points (as UTF-8) where not — and each reading that is
 * text routed. Frames the byte-list readers read already (a comma, a blank) are left to them.
 */
import { isUtf8 } from 'node:buffer';
import { isText, MIN_BYTES } from './runs-bytes-text.js';
import type { Sink } from './types.js';

/** A look every SAMPLE bytes (as the word lists' looks): a run of 8 numbers or more holds a digit one lands on. */
const SAMPLE = 8;
/** The fewest numbers of a run: a value's 8 bytes. */
const MIN_NUMBERS = MIN_BYTES;
/** The longest frame: `static_cast<char>(` … `), ` is 21 bytes; `Character'Val(` … `) & ` 18. */
const MAX_FRAME = 40;
/** The longest number: a code point's 6 hex digits, a byte's 8 bits, with a prefix. */
const MAX_DIGITS = 8;
/** How far back a run is looked for from the number a look landed on. */
const BACK = 4096;
/** How far on a run is read from there. */
const AHEAD = 16384;

const ALNUM = new Uint8Array(256);
for (let c = 0; c < 256; c++) ALNUM[c] = /[0-9A-Za-z_]/.test(String.fromCharCode(c)) ? 1 : 0;
/** What a frame's comparison passes over: blanks and `+`. */
const SKIP = new Uint8Array(256);
for (const c of ' \t\r\n\f\v\xa0+') SKIP[c.charCodeAt(0)] = 1;
/** The bytes a type's suffix begins with. */
const SUFFIX_LEAD = new Uint8Array(256);
for (const c of '_uUiylLhHX') SUFFIX_LEAD[c.charCodeAt(0)] = 1;
/** C's number leads after a `0`. */
const LEAD = new Uint8Array(256);
for (const [c, bit] of [
  ['x', 1],
  ['b', 2],
  ['o', 4],
] as const)
  LEAD[c.charCodeAt(0)] = LEAD[c.toUpperCase().charCodeAt(0)] = bit;
const HEX = new Uint8Array(256);
for (const c of '0123456789abcdefABCDEF') HEX[c.charCodeAt(0)] = 1;

/** A type's suffix after a number (Rust, F#, Java, C, the assemblers' `h`, Oberon's `X`), then no letter or digit. */
const SUFFIX = /^(?:_?[ui](?:8|16|32)|uy|y|[uU]?[lL]{1,2}|[uU]|[hH]|X)(?![0-9A-Za-z_])/;
/** One number: a mark, its digits, a suffix. */
const NUMBER =
  /(?<![0-9A-Za-z_])(0[xXbBoO]|[xXuUoO](?=[0-9A-Fa-f]{2}))?([0-9A-Fa-f]{1,8}(?:_[0-9A-Fa-f]{1,8}){0,3})((?:_?[ui](?:8|16|32)|uy|y|[uU]?[lL]{1,2}|[uU]|[hH]|X)?)(?![0-9A-Za-z_])/g;

interface Num {
  at: number;
  end: number;
  mark: string;
  digits: string;
  suffix: string;
}

export interface FramedRun {
  /** Offsets of the run's first number and one past its last, in the buffer searched. */
  start: number;
  end: number;
  /** Its readings that are text, each a radix's. */
  readings: Buffer[];
}

/** A frame compared: blanks and `+` dropped, and C's mark before the next number (a list may mix `0x` and `0b`). */
const frameKey = (s: string) => s.replace(/[\s+]+/g, '').replace(/(?<![0-9A-Za-z_])0[xXbBoO]$/, '');
/** Frames the byte-list readers read already (with C's `0x` before the next number, and no suffix after one). */
const PLAIN_FRAME = /^(?: ?, ?| |\t)$/;
/**
 * Whether a frame (C's `0x` after it aside) is one the byte-list readers read already: a comma, a blank; a colon or a
 * dash between hex pairs (OpenSSL, .NET's BitConverter), a dot between decimal bytes (Perl's `%vd`).
 */
function plainFrame(raw: string, digits: number): boolean {
  const frame = raw.replace(/0[xX]$/, '');
  return PLAIN_FRAME.test(frame) || ((frame === ':' || frame === '-') && digits <= 2) || (frame === '.' && digits <= 3);
}

/** An IPv6 address (`2001:0db8:…:7334`): at most 8 colon-separated groups of hex, one of 4 digits or with a letter. */
const ipv6 = (raw: string, run: readonly Num[]) =>
  raw === ':' &&
  run.length <= 8 &&
  run.every((n) => !n.mark && !n.suffix && n.digits.length <= 4) &&
  run.some((n) => n.digits.length === 4 || /[a-f]/i.test(n.digits));

/** JSON's and C's `\u0074\u006f`, `\x74\x6f`: the matcher's escape families read them where they lie (the file's own path). */
const escaped = (raw: string, run: readonly Num[]) => /^\\[uUxX]$/.test(raw) && run.every((n) => /^[uUxX]$/.test(n.mark));

/** Whether `b[i]` is a hex digit, or a `_` between two (a digit group's: `0b0111_0100`). */
const digitAt = (b: Uint8Array, i: number): boolean => HEX[b[i]!] === 1 || (b[i] === 0x5f && HEX[b[i - 1]!] === 1 && HEX[b[i + 1]!] === 1);

/** The number whose digits hold `q`, by bytes alone: a quick look before any text is made. */
function numberAround(b: Uint8Array, q: number): [number, number] | undefined {
  // A look on C's `0x`/`0b`/`0o` lead: the number is the digits after it (a list whose items are as long as the looks'
  // stride, or a multiple of it — Kotlin's `0x74.toByte(), ` — lands every look on the lead's `0`).
  if (b[q] === 0x30 && LEAD[b[q + 1]!] && HEX[b[q + 2]!]) q += 2;
  if (!HEX[b[q]!]) return undefined;
  let s = q;
  while (s > 0 && digitAt(b, s - 1) && q - s < MAX_DIGITS + 5) s--;
  let e = q + 1;
  while (e < b.length && digitAt(b, e) && e - q < MAX_DIGITS + 5) e++;
  return [s, e];
}

/** One past a number's digits and suffix from `f` (its digits' start), or -1 where a letter or digit goes on after them. */
function numberEnd(b: Uint8Array, f: number): number {
  let e = f;
  // C's `0x`/`0b` before the digits: a run of up to MAX_DIGITS + 2.
  while (e < b.length && digitAt(b, e) && e - f <= MAX_DIGITS + 5) e++;
  if (e >= b.length || !ALNUM[b[e]!]) return e;
  if (!SUFFIX_LEAD[b[e]!]) return -1;
  const m = SUFFIX.exec(String.fromCharCode(...b.subarray(e, e + 5)) + ' ');
  return m ? e + m[0].length : -1;
}

/**
 * Whether the bytes after the number at `q` hold three more numbers behind the same short frame: the cheap test a look
 * makes before a run is read (most digits of text stand in no list).
 */
export function mayFrame(b: Uint8Array, q: number): boolean {
  const around = numberAround(b, q);
  if (!around) return false;
  let p = numberEnd(b, around[0]);
  if (p < 0) return false;
  let first = -1;
  let firstEnd = -1;
  // What a plain frame's reading needs: a suffix, or a hex letter between blanks (Ruby's `\u{74 6f}`).
  let suffix = p > around[1];
  let letters = false;
  let digits = 0;
  /** C's marks before the numbers (`x`, `b`, `o`): two kinds make a list no byte-list reader reads. */
  let marks = 0;
  for (let k = 0; k < 3; k++) {
    let f = p;
    let e = -1;
    for (; f < b.length && f - p <= MAX_FRAME + 2; f++) if (HEX[b[f]!] && startsNumber(b, f) && (e = numberEnd(b, f)) >= 0) break;
    if (e < 0 || f - p > MAX_FRAME + 2) return false;
    if (first < 0) {
      first = p;
      firstEnd = f;
    } else if (!sameFrame(b, first, firstEnd, p, f)) return false;
    for (let d = f; d < e && !letters; d++) letters = b[d]! > 0x39;
    if (f >= 2 && b[f - 2] === 0x30 && LEAD[b[f - 1]!]) marks |= LEAD[b[f - 1]!]!;
    let h = f;
    while (h < e && HEX[b[h]!]) h++;
    suffix ||= h < e;
    digits = Math.max(digits, h - f);
    p = e;
  }
  const frame = String.fromCharCode(...b.subarray(first, firstEnd));
  return !plainFrame(frame, digits) || suffix || (frame === ' ' && letters) || (marks & (marks - 1)) !== 0;
}

/** Whether two frames of `b` are one (`frameKey`'s: blanks and `+` passed over, C's mark at the end), compared in place. */
function sameFrame(b: Uint8Array, s1: number, e1: number, s2: number, e2: number): boolean {
  e1 = unmarked(b, s1, e1);
  e2 = unmarked(b, s2, e2);
  for (;;) {
    while (s1 < e1 && SKIP[b[s1]!]) s1++;
    while (s2 < e2 && SKIP[b[s2]!]) s2++;
    if (s1 === e1 || s2 === e2) return s1 === e1 && s2 === e2;
    if (b[s1++] !== b[s2++]) return false;
  }
}

/** A frame's end before C's `0x`/`0b`/`0o` mark ending it. */
function unmarked(b: Uint8Array, s: number, e: number): number {
  return e - s >= 2 && b[e - 2] === 0x30 && LEAD[b[e - 1]!] && !(e - 3 >= s && ALNUM[b[e - 3]!]) ? e - 2 : e;
}

/** Whether a number's digits begin at `f`: no letter or digit before it, or a lone `x`/`u`/`o` lead or C's `0x` there. */
function startsNumber(b: Uint8Array, f: number): boolean {
  const before = f > 0 ? b[f - 1]! : 0x20;
  if (!ALNUM[before]) return b[f]! <= 0x39 || (f + 1 < b.length && HEX[b[f + 1]!] === 1);
  const lead = before | 0x20;
  const two = f > 1 ? b[f - 2]! : 0x20;
  if ((lead === 0x78 || lead === 0x75 || lead === 0x6f) && !ALNUM[two]) return f + 1 < b.length && HEX[b[f + 1]!] === 1;
  return (lead === 0x78 || lead === 0x62 || lead === 0x6f) && two === 0x30 && !(f > 2 && ALNUM[b[f - 3]!]);
}

const fitsRadix = (radix: number, d: string) => (radix === 2 ? /^[01]+$/ : radix === 8 ? /^[0-7]+$/ : radix === 10 ? /^\d+$/ : /^[0-9a-f]+$/i).test(d);

const MARK_RADIX: Record<string, number> = { b: 2, o: 8, x: 16 };
/** A run's numbers each read in the radix its own mark names. */
const OWN = 0;
const markRadix = (n: Num) => MARK_RADIX[n.mark.toLowerCase().replace(/^0/, '')] ?? 16;

/** The radixes a run may be read in: its marks' where they name one, else every one its digits fit. */
function radixesOf(run: Num[]): number[] {
  const mark = (n: Num) => n.mark.toLowerCase().replace(/^0/, '');
  const marks = new Set(run.map(mark));
  const suffixes = new Set(run.map((n) => n.suffix.toLowerCase()));
  if (marks.size === 1 && !marks.has('')) return [MARK_RADIX[[...marks][0]!] ?? 16];
  // Every number marked, the marks differing (Java's `(byte) 0b01110100, (byte) 0x6f`): each read in its own mark's radix.
  if (marks.size > 1 && !marks.has('') && [...marks].every((m) => MARK_RADIX[m])) return [OWN];
  if (suffixes.has('h') || suffixes.has('x')) return [16];
  if (marks.size > 1) return [];
  const all = (radix: number) => run.every((n) => fitsRadix(radix, n.digits));
  const out: number[] = [];
  if (run.every((n) => /^[01]{8}$/.test(n.digits))) out.push(2);
  if (all(8)) out.push(8);
  if (all(10)) out.push(10);
  out.push(16);
  return out;
}

/**
 * The bytes codes may stand for: themselves where all are bytes — and, where those are no UTF-8, the codes as code points
 * (PostgreSQL's `U&'\00E9'`, a Latin-1 character's code) —, else code points as UTF-8; none where one is no code point.
 */
function bytesOf(codes: number[]): Buffer[] {
  if (codes.some((c) => c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))) return [];
  const points = Buffer.from(String.fromCodePoint(...codes), 'utf8');
  if (!codes.every((c) => c < 256)) return [points];
  const bytes = Buffer.from(codes);
  if (isUtf8(bytes)) return [bytes];
  // Latin-1 of a value is mostly ASCII: hex labels (`'A1', 'A2', …`, `'C1', … 'C9'`) make bytes all beyond it, no value.
  return codes.filter((c) => c < 0x80).length * 2 >= codes.length ? [bytes, points] : [];
}

/** A run's readings that are text; of a run in a plain frame (`plain`), only hex code points between blanks (`blank`); no hex after `#` (`hashLed`). */
function readingsOf(run: Num[], plain: boolean, blank: boolean, hashLed: boolean): Buffer[] {
  const out: Buffer[] = [];
  for (const radix of radixesOf(run)) {
    // `#` before each number: Delphi's decimal `#116#111`, CSS colours in hex (`#123 #0ab`) — no notation's characters.
    if (hashLed && radix === 16) continue;
    const radixOf = (n: Num) => (radix === OWN ? markRadix(n) : radix);
    if (!run.every((n) => fitsRadix(radixOf(n), n.digits))) continue;
    const codes = run.map((n) => parseInt(n.digits, radixOf(n)));
    // A plain frame's code points: hex ones with a hex letter (Ruby's `\u{74 6f}`), not a table of modes (`0644 0755`).
    if (plain && radix !== OWN && (!blank || radixOf(run[0]!) !== 16 || codes.every((c) => c < 256) || !run.some((n) => /[a-f]/i.test(n.digits)))) continue;
    for (const bytes of bytesOf(codes)) if (bytes.length >= MIN_BYTES && isText(bytes)) out.push(bytes);
  }
  return out;
}

/** The numbers of a text, in order. */
function numbersIn(text: string): Num[] {
  const out: Num[] = [];
  for (const m of text.matchAll(NUMBER)) {
    if (m[3] && !SUFFIX.test(m[3] + text.charAt(m.index + m[0].length))) continue;
    // A hex letter alone is a word's (`b'…'`, `a`), not a number.
    if (!m[1] && m[2]!.length === 1 && !/\d/.test(m[2]!)) continue;
    // Digit groups (`0b0111_0100`, Java's, C#'s, Rust's, Python's, Kotlin's and Swift's `_`) are one number.
    const digits = m[2]!.replaceAll('_', '');
    if (digits.length > MAX_DIGITS) continue;
    out.push({ at: m.index + (m[1]?.length ?? 0), end: m.index + m[0].length, mark: m[1] ?? '', digits, suffix: m[3] ?? '' });
  }
  return out;
}

/**
 * The framed runs around the number a look landed on (`q` in `b`): the text from BACK before it to AHEAD after, its
 * numbers, and their runs of one frame, with the window's end (the looks before it need not try again). Undefined where
 * `mayFrame` finds no frame repeated there.
 */
export function framedRuns(b: Buffer, q: number): { runs: FramedRun[]; window: number; readTo: number } | undefined {
  if (!mayFrame(b, q)) return undefined;
  const from = Math.max(0, q - BACK);
  const to = Math.min(b.length, q + AHEAD);
  const text = b.toString('latin1', from, to);
  const nums = numbersIn(text);
  const runs: FramedRun[] = [];
  let i = 0;
  let group = 0;
  while (i < nums.length - 1) {
    group = i;
    const frame = frameKey(text.slice(nums[i]!.end, nums[i + 1]!.at));
    let j = i + 1;
    while (j < nums.length - 1 && frameKey(text.slice(nums[j]!.end, nums[j + 1]!.at)) === frame) j++;
    const run = nums.slice(i, j + 1);
    const raw = text.slice(nums[i]!.end, nums[i + 1]!.at);
    const plain = plainFrame(raw, Math.max(...run.map((n) => n.digits.length))) && !run.some((n) => n.suffix);
    if (run.length >= MIN_NUMBERS && raw.length <= MAX_FRAME && !ipv6(raw, run) && !escaped(raw, run)) {
      const readings = readingsOf(run, plain, raw === ' ' && run.every((n) => !n.mark), /#$/.test(raw));
      if (readings.length) runs.push({ start: from + run[0]!.at, end: from + run.at(-1)!.end, readings });
    }
    i = j;
  }
  return { runs, window: to, readTo: readOn(nums, from, to, group, b.length) };
}

/**
 * Where the looks after this window begin again: at its end where no number ends near it (a run goes on only across
 * MAX_FRAME bytes), else at the last group's first number (a look landing in it reads it whole, its BACK covers that
 * start) — but never before half the window ahead, so a run longer than the window is read in steps, not at every look.
 */
function readOn(nums: readonly { at: number; end: number }[], from: number, to: number, last: number, textEnd: number): number {
  const end = nums.at(-1)?.end;
  // A window that reached the text's end read its last group whole: the looks' text is held GUARD past them until the
  // content ends, so only the content's end stops a window short of AHEAD. (Half the window back from there was a fixed
  // point: every later look in a text shorter than a window read all of it again — Perl's Unicode tables, 40× slower.)
  if (end === undefined || to === textEnd || to - (from + end) > MAX_FRAME + MAX_DIGITS) return to;
  return Math.max(from + nums[last]!.at, to - GUARD / 2);
}

/**
 * Where in its slot of SAMPLE bytes each look lands, by the slot's number (mod 13). A look at one place of every slot
 * phase-locked onto a list whose items are 4, 8, 12, 16… bytes long (F#'s `0x74uy; `, C#'s `(byte)0X74, `), landing on
 * its leads and separators, never a digit; a turn of 8 places locked onto items of 64 bytes and missed items of 13, one
 * of 7 items of 28 (C++'s `static_cast<uint8_t>(0x74), `). These 13 places were chosen, by trying random turns, for the
 * fewest start offsets of an 8-item list with two digit places (items 4–64 bytes long) that no look reaches. The slots'
 * numbers are the content's offsets, so the looks are the same whatever its chunks.
 */
const JITTER = [1, 7, 5, 1, 4, 6, 7, 3, 7, 4, 4, 1, 2];

/** Text gathered before its looks are made: a run is read whole whatever the chunks it came in. */
const WINDOW = 1 << 16;
/** The bytes kept after the looks made: those a later look reads back (BACK) and ahead (AHEAD). */
const GUARD = AHEAD + MAX_FRAME;

/**
 * The framed runs of a text, read from looks one in every SAMPLE bytes of the whole text (by offset, so the same whatever
 * its chunks; at a place in each slot that JITTER turns) that land on a digit; the text gathered into windows of WINDOW bytes, with BACK bytes kept before and GUARD
 * after each window's looks so a run crossing a window's end is read whole from the window where its looks began. Each
 * run routed once (`framed numbers`).
 */
export class FramedLooks {
  #held: Buffer[] = [];
  #heldBytes = 0;
  /** The offset of the held text's first byte, the next look's, where the last window read ended, the last run routed's end. */
  #base = 0;
  /** The first byte of the next look's slot (SAMPLE bytes; the look is at its JITTER). */
  #look = 0;
  #readTo = 0;
  #routedTo = 0;
  /** The bytes of the windows read so far: the looks' work, which a text's length bounds (a few times over). */
  windowBytes = 0;

  constructor(readonly open: (offset: number, label: string) => Sink | undefined) {}

  async push(chunk: Uint8Array): Promise<void> {
    if (!chunk.length) return;
    this.#held.push(Buffer.from(chunk));
    this.#heldBytes += chunk.length;
    if (this.#heldBytes >= BACK + WINDOW + GUARD) await this.#looks(false);
  }

  async end(): Promise<void> {
    if (this.#heldBytes) await this.#looks(true);
  }

  async #looks(last: boolean): Promise<void> {
    const text = this.#held.length === 1 ? this.#held[0]! : Buffer.concat(this.#held);
    const until = this.#base + (last ? text.length : text.length - GUARD);
    for (; this.#look + SAMPLE - 1 < until; this.#look += SAMPLE) {
      const look = this.#look + JITTER[(this.#look / SAMPLE) % JITTER.length]!;
      const q = look - this.#base;
      if (look >= until) break;
      if (look < this.#readTo || !(text[q]! >= 0x30 && text[q]! <= 0x39)) continue;
      const found = framedRuns(text, q);
      if (!found) continue;
      this.windowBytes += found.window - Math.max(0, q - BACK);
      this.#readTo = this.#base + found.readTo;
      for (const run of found.runs) if (this.#base + run.start >= this.#routedTo) await this.#route(run);
    }
    const keep = last ? 0 : Math.min(text.length, BACK + GUARD);
    this.#held = keep ? [Buffer.from(text.subarray(text.length - keep))] : [];
    this.#base += text.length - keep;
    this.#heldBytes = keep;
  }

  async #route(run: FramedRun): Promise<void> {
    this.#routedTo = this.#base + run.end;
    for (const reading of run.readings) {
      const sink = this.open(this.#base + run.start, 'framed numbers');
      if (!sink) continue;
      await sink.write(reading);
      await sink.end();
    }
  }
}
