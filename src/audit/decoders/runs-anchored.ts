/**
 * Encodings that announce themselves in text, found by their opening words (searched natively,
 * Buffer.indexOf) and read line by line as they stream:
 * - git's binary patches (`git diff --binary`, `git format-patch --binary`, `git stash show -p
 *   --binary`): `GIT binary patch`, then `literal N` or `delta N`, then lines whose first character
 *   gives the line's length (A–Z 1–26, a–z 27–52) followed by base85 (RFC 1924's alphabet) of a
 *   zlib stream, ended by a blank line; a second hunk (the reverse) may follow. Each hunk's bytes
 *   are routed as content (the zlib stream is opened there: a delta's inserted bytes are in it).
 * - ASCII85 between `<~` and `~>` (Adobe's, PDF's ASCII85Decode, Python's `a85encode(adobe=True)`); a `<~` after a
 *   character of RFC 1924's base85, which holds `<~`, only when an encoder's body follows (`opensAfterRun`).
 * - uuencode and xxencode: `begin 644 name`, lines whose first character gives their length, `end`; uuencode's lines
 *   without `begin` too (Perl's pack('u'), PHP's convert_uuencode), from the first full line (`M` and 60 characters).
 */
import { A85, B85, decode85 } from './runs-base85.js';
import type { Sink } from './types.js';
import { decodeLine, fullUuLine, shortUuLine, UU, XX } from './uuencode-lines.js';

/**
 * `\nM`: a full uuencoded line with no `begin` before it (Perl's pack('u'), PHP's convert_uuencode, Python's
 * binascii.b2a_uu write the lines alone): `M` (45 bytes) and 60 characters of uuencode's alphabet, the line's whole.
 * `` \n`\n ``: the line of one backquote convert_uuencode ends with, after a value shorter than 45 bytes has made one short
 * line (`shortUuLine`).
 */
const OPENINGS = ['GIT binary patch', '<~', 'begin ', '\nM', '\n`\n'].map((s) => Buffer.from(s));
/**
 * What of each opening is searched for: at most its first 7 bytes, the rest compared where they are
 * found. Buffer.indexOf looks for a needle of 8 bytes or more by Boyer-Moore-Horspool, not by memchr
 * of its first byte: `GIT binary patch` took 17 times as long as `GIT bin` on random bytes (0.6
 * against 0.035 ms a MiB alone; the whole of AnchoredRuns went from 0.13–0.17 to 0.09–0.11).
 */
const SEARCHED = OPENINGS.map((o) => o.subarray(0, 7));
const LONGEST_OPENING = 16;
/** A line longer than this is not one of these formats' (their data lines are at most 67 characters). */
const MAX_LINE = 1024;
/** Decoded bytes gathered before they are written to the sink: fewer, larger writes. */
const FLUSH = 16 * 1024;
/**
 * ASCII85 after `<~` that gives fewer bytes than this and is not ended by `~>` is chance: binary bytes hold a `<~` every
 * 64 KiB, followed by two or more of ascii85's 85 characters one time in eight — a content of a byte or two opened and
 * scanned. An encoder ends what it writes with `~>`; a value shorter than this is none the audit looks for.
 */
const MIN_UNENDED = 8;

type Reader = {
  /** A whole line (without its line break): false once the format has ended. */
  line?(line: Buffer, offset: number): Promise<boolean>;
  /** Bytes (ASCII85 is not line-based): how many were read; fewer than given once the format has ended. */
  bytes?(bytes: Buffer): Promise<number>;
  end(): Promise<void>;
};

/** Writes decoded bytes to a sink opened when the first arrive, in pieces of FLUSH. */
class Out {
  #sink: Sink | undefined;
  #parts: Buffer[] = [];
  #size = 0;

  constructor(readonly open: () => Sink | undefined) {}

  async write(bytes: Buffer): Promise<void> {
    this.#parts.push(bytes);
    this.#size += bytes.length;
    if (this.#size >= FLUSH) await this.#flush();
  }

  async #flush(): Promise<void> {
    if (!this.#size) return;
    this.#sink ??= this.open();
    const bytes = Buffer.concat(this.#parts);
    this.#parts = [];
    this.#size = 0;
    await this.#sink?.write(bytes);
  }

  async end(): Promise<void> {
    await this.#flush();
    await this.#sink?.end();
    this.#sink = undefined;
  }

  /** Leaves out what was gathered and not written yet (no sink is opened for it). */
  drop(): void {
    this.#parts = [];
    this.#size = 0;
  }
}

const text = (line: Buffer) => line.toString('latin1', 0, line.at(-1) === 0x0d ? line.length - 1 : line.length);

/** A git binary patch, after its `GIT binary patch` line: hunks, each a zlib stream in base85 lines. */
function gitPatch(open: (offset: number, alphabet: string) => Sink | undefined): Reader {
  let hunk: Out | undefined;
  let hunks = 0;
  return {
    async line(raw, offset) {
      const line = text(raw);
      if (!hunk) {
        if (hunks === 2 || !/^(literal|delta) \d+$/.test(line)) return false;
        hunks++;
        hunk = new Out(() => open(offset, 'git binary patch'));
        return true;
      }
      const c = line.charCodeAt(0);
      const length = c >= 0x41 && c <= 0x5a ? c - 0x40 : c >= 0x61 && c <= 0x7a ? c - 0x60 + 26 : 0;
      if (!length || line.length !== 1 + Math.ceil(length / 4) * 5) {
        await hunk.end();
        hunk = undefined;
        return line === '';
      }
      await hunk.write(decode85(line.slice(1), B85).subarray(0, length));
      return true;
    },
    end: async () => void (await hunk?.end()),
  };
}

/** uuencode or xxencode, after its `begin` line (or from a full uuencoded line): the first data line tells which. */
function uuencoded(open: (offset: number, alphabet: string) => Sink | undefined, offset: number): Reader {
  let table: Int8Array | undefined;
  let name = 'uuencode';
  let out: Out | undefined;
  return {
    async line(raw) {
      const line = text(raw);
      if (!table) {
        // A full uuencoded line starts `M`, an xxencoded one `h`; a short file's one line, the character of its length.
        const uu = decodeLine(line, UU);
        table = uu || !decodeLine(line, XX) ? UU : XX;
        name = table === UU ? 'uuencode' : 'xxencode';
        out = new Out(() => open(offset, name));
      }
      const bytes = decodeLine(line, table);
      if (!bytes) return false;
      await out!.write(bytes);
      return bytes.length > 0;
    },
    end: async () => void (await out?.end()),
  };
}

/** ASCII85 after `<~`: groups of five (`z` four zeros, `y` four spaces), whitespace passed over, to `~>`. */
function adobe(open: (offset: number, alphabet: string) => Sink | undefined, offset: number): Reader {
  const out = new Out(() => open(offset, 'ascii85'));
  let pending = '';
  let decoded = 0;
  let ended = false;
  return {
    async bytes(bytes) {
      let i = 0;
      while (i < bytes.length) {
        const c = bytes[i]!;
        if (!inBody(c)) break;
        i++;
      }
      ended ||= bytes[i] === 0x7e;
      const all = pending + bytes.toString('latin1', 0, i);
      // Whole groups now; a group cut by the chunk's end waits for the next (z and y stand alone).
      let cut = all.length;
      if (i === bytes.length) {
        let k = 0;
        for (let j = 0; j < all.length; j++) if (A85[all.charCodeAt(j)]! >= 0) k = (k + 1) % 5;
        for (let left = k; left > 0; cut--) if (A85[all.charCodeAt(cut - 1)]! >= 0) left--;
      }
      pending = all.slice(cut);
      const read = decode85(all.slice(0, cut), A85, true);
      decoded += read.length;
      if (read.length) await out.write(read);
      return i;
    },
    async end() {
      const last = decode85(pending, A85, true);
      decoded += last.length;
      if (last.length) await out.write(last);
      if (!ended && decoded < MIN_UNENDED) out.drop();
      pending = '';
      await out.end();
    },
  };
}

/** The index in OPENINGS of `\nM` (a bare full uuencoded line). */
const BARE_UU = 3;
/**
 * A line break before `M` is searched for by its `M` while `M`s are rarer than one in this many bytes of what was read:
 * `\nM` is found by a native search stopping at every line break (memchr of its first byte, ~25 ns a stop), the `M`
 * by one stopping at every `M` (a call back here each, about as dear), and text has many more line breaks than `M`s.
 * Random bytes have an `M` every 256 bytes: after a few there, the search of `\nM` goes on from where it is, and goes
 * on so for the rest of the chunk. The anchored reader over 8 MiB in 64 KiB chunks (best of 25, old and new alternated
 * in one process, load ~7.5): the bench's JavaScript -17 to -19%, node_modules' JavaScript -21%, Python -32%, C
 * headers -11 to -15%, random bytes +2 to +5%.
 */
const M_SPARSE = 512;
/** The `M`s not after a line break allowed before M_SPARSE is applied. */
const M_FREE = 8;

/**
 * Where opening `k` first stands whole in `bytes` from `from` on, or -1 (as `bytes.indexOf(OPENINGS[k], from)`).
 * `\nM`: by its `M` (a line break before it checked) while `dense.m` is not set; once `M`s turn out dense (binary bytes)
 * by `\nM` itself, and `dense.m` is set for the searches of the same bytes after.
 */
export function findOpening(bytes: Buffer, k: number, from: number, dense: { m: boolean } = { m: false }): number {
  if (k === BARE_UU && !dense.m) {
    let missed = 0;
    for (let m = bytes.indexOf(0x4d, from + 1); m >= 0; m = bytes.indexOf(0x4d, m + 1)) {
      if (bytes[m - 1] === 0x0a) return m - 1;
      // Every `\nM` before `m` has been ruled out (its `M` would have been met): the search of `\nM` goes on from here.
      if (++missed > M_FREE + (m - from) / M_SPARSE) {
        dense.m = true;
        return bytes.indexOf(OPENINGS[k]!, m);
      }
    }
    return -1;
  }
  const whole = OPENINGS[k]!;
  const part = SEARCHED[k]!;
  next: for (let at = bytes.indexOf(part, from); at >= 0; at = bytes.indexOf(part, at + 1)) {
    if (at + whole.length > bytes.length) return -1;
    for (let j = part.length; j < whole.length; j++) if (bytes[at + j] !== whole[j]) continue next;
    return at;
  }
  return -1;
}

/** Whether `c` may stand in an ASCII85 block's body: its 85 characters, `z` and `y`, whitespace. */
const inBody = (c: number): boolean => A85[c]! >= 0 || c === 0x7a || c === 0x79 || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
/**
 * How far a `<~` after a character of RFC 1924's base85 is looked past. That alphabet holds `<~` (one in 7,225 characters)
 * and 7 characters an ASCII85 body cannot (`v w x { | } ~` without `>`): a random stretch of it stays in ASCII85's alphabet
 * for 128 characters one time in 60,000, and holds a `~>` before it leaves it one time in 600 — then followed by RFC 1924 text.
 */
const LOOK = 128;

/**
 * Whether a `<~` at `at`, after `prior` (a character of RFC 1924's alphabet), opens ASCII85: what follows is an encoder's
 * body — ASCII85's characters and line breaks, no space or tab (the text after a run's end has them) — up to a `~>` not
 * followed by RFC 1924 text (bar the `)` of a `(` before), or for LOOK characters. Undefined when `bytes` end before that
 * is known; `final`: the content ends there, and a body neither ended nor LOOK long is none.
 */
function opensAfterRun(bytes: Buffer, at: number, prior: number, final: boolean): boolean | undefined {
  const stop = Math.min(bytes.length, at + 2 + LOOK);
  for (let j = at + 2; j < stop; j++) {
    const c = bytes[j]!;
    if (c === 0x7e) {
      const next = bytes[j + 1];
      if (next !== undefined && next !== 0x3e) return false;
      if (j + 2 >= bytes.length) return final ? next !== undefined : undefined;
      const after = bytes[j + 2]!;
      return B85[after]! < 0 || (prior === 0x28 && after === 0x29);
    }
    if (c === 0x20 || c === 0x09 || !inBody(c)) return false;
  }
  return stop === at + 2 + LOOK ? true : final ? false : undefined;
}

/** The formats that announce themselves in one content, fed chunk by chunk. */
export class AnchoredRuns {
  #reader: Reader | undefined;
  /** What the chunk before left unread: a line cut by its end, or the end that may hold the start of an opening. */
  #carry: Buffer = Buffer.alloc(0);
  #offset = 0;
  /** The stretches its formats read (offsets in the content, start and end by turns): not base85 runs of their own. */
  claims: number[] = [];
  /** The last byte of the chunk before (what stands before an opening at a chunk's start). */
  #before: number | undefined;
  /** The byte before the carry's first (what stands before an opening at the joined bytes' start). */
  #carryPrior: number | undefined;

  constructor(readonly open: (offset: number, alphabet: string) => Sink | undefined) {}

  async push(chunk: Uint8Array): Promise<void> {
    const before = this.#before;
    if (chunk.length) this.#before = chunk[chunk.length - 1];
    await this.#push(chunk, before);
  }

  async #push(chunk: Uint8Array, before: number | undefined, final = false): Promise<void> {
    // The end of the chunk before is joined to this one only when it matters: a line cut there, or an opening across the cut.
    // (An opening that starts in the carry ends in the next LONGEST_OPENING bytes, if the chunk has them.)
    const joined =
      this.#carry.length > 0 &&
      (this.#reader !== undefined || chunk.length < LONGEST_OPENING || this.#opening(Buffer.concat([this.#carry, chunk.subarray(0, LONGEST_OPENING)]), 0) >= 0);
    const bytes = joined ? Buffer.concat([this.#carry, chunk]) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    const base = this.#offset - (joined ? this.#carry.length : 0);
    const first = joined ? this.#carryPrior : before;
    this.#offset += chunk.length;
    this.#carry = Buffer.alloc(0);
    // What is left for the next chunk, from `start` on (with the byte before it).
    const keep = (start: number) => {
      this.#carry = Buffer.from(bytes.subarray(start));
      this.#carryPrior = start > 0 ? bytes[start - 1] : first;
    };
    let i = 0;
    const seen = OPENINGS.map(() => -2);
    const dense = { m: false };
    while (i < bytes.length) {
      const reader = this.#reader;
      if (reader?.bytes) {
        const read = await reader.bytes(bytes.subarray(i));
        this.claims.push(base + i, base + i + read);
        i += read;
        if (i < bytes.length) await this.#close();
      } else if (reader?.line) {
        const eol = bytes.indexOf(0x0a, i);
        if (eol < 0) {
          if (bytes.length - i > MAX_LINE) await this.#close();
          else return keep(i);
        } else {
          const more = await reader.line(bytes.subarray(i, eol), base + eol + 1);
          if (more) this.claims.push(base + i, base + eol + 1);
          i = eol + 1;
          if (!more) await this.#close();
        }
      } else {
        const at = this.#opening(bytes, i, seen, dense);
        if (at < 0) return keep(Math.max(i, bytes.length - LONGEST_OPENING + 1));
        if (bytes[at] === 0x3c) {
          // A `<~` after a character of RFC 1924's base85 may stand inside a run of it (`…rpI<~u@I5…`, `…!<~…`): taken as
          // an opening, it claimed the run's rest and the run was cut short of its value. It opens only as ASCII85 reads on.
          const prior = at > 0 ? bytes[at - 1] : first;
          const opens = prior === undefined || B85[prior]! < 0 || opensAfterRun(bytes, at, prior, final);
          if (opens === undefined) return keep(at);
          if (!opens) {
            i = at + 1;
            continue;
          }
          this.#reader = adobe(this.open, base + at + 2);
          i = at + 2;
          continue;
        }
        if (bytes[at] === 0x0a && bytes[at + 1] === 0x60) {
          await this.#shortLine(bytes, at, base);
          i = at + 2;
          continue;
        }
        if (bytes[at] === 0x0a) {
          // A line that may be uuencode's without its `begin`: read from that line on when it is one whole.
          const full = fullUuLine(bytes, at + 1);
          if (full === undefined) return keep(at);
          if (full) this.#reader = uuencoded(this.open, base + at + 1);
          i = at + 1;
          continue;
        }
        const eol = bytes.indexOf(0x0a, at);
        if (eol < 0) return bytes.length - at > MAX_LINE ? undefined : keep(at);
        const line = text(bytes.subarray(at, eol));
        if (line === 'GIT binary patch') this.#reader = gitPatch(this.open);
        else if (/^begin [0-7]{3,4} \S/.test(line) && (at === 0 || bytes[at - 1] === 0x0a)) this.#reader = uuencoded(this.open, base + eol + 1);
        i = this.#reader ? eol + 1 : at + 1;
      }
    }
  }

  /**
   * The line before a line of one backquote (PHP's convert_uuencode of a value under 45 bytes: one short line, then ``
   * ` ``), read as uuencode where it is one exactly: its length character, then the characters that many bytes take.
   */
  async #shortLine(bytes: Buffer, at: number, base: number): Promise<void> {
    const start = bytes.lastIndexOf(0x0a, at - 1) + 1;
    if (start === 0 && base > 0) return;
    const line = text(bytes.subarray(start, bytes[at - 1] === 0x0d ? at - 1 : at));
    if (!shortUuLine(line)) return;
    const reader = uuencoded(this.open, base + start);
    await reader.line!(Buffer.from(line, 'latin1'), base + at);
    await reader.end();
  }

  /**
   * Where the first opening from `from` on starts, or -1. `seen` (per buffer) keeps where each opening was found last:
   * one is searched for again only once `from` has passed it — a `<~` met by chance every few KiB of binary content
   * made the other openings be searched for to the chunk's end each time.
   */
  #opening(bytes: Buffer, from: number, seen: number[] = OPENINGS.map(() => -2), dense = { m: false }): number {
    let first = -1;
    for (let k = 0; k < OPENINGS.length; k++) {
      let at = seen[k]!;
      if (at === -2 || (at >= 0 && at < from)) at = seen[k] = findOpening(bytes, k, from, dense);
      if (at >= 0 && (first < 0 || at < first)) first = at;
    }
    return first;
  }

  async #close(): Promise<void> {
    const reader = this.#reader;
    this.#reader = undefined;
    await reader?.end();
  }

  async end(): Promise<void> {
    // A `<~` whose opening waited for bytes that never came: decided on what there is.
    if (this.#carry[0] === 0x3c && this.#carry[1] === 0x7e && !this.#reader) await this.#push(Buffer.alloc(0), this.#before, true);
    const carry = this.#carry;
    this.#carry = Buffer.alloc(0);
    // A last line without a line break.
    if (carry.length && this.#reader?.line && (await this.#reader.line(carry, this.#offset))) await this.#close();
    await this.#close();
  }
}
