/**
 * curl's trace files (`curl --trace FILE`, `--trace-ascii FILE`, `--trace-time`: a CI job's debugging left in an
 * image): `== Info:` lines, and a section for each piece sent or received — `<= Recv data, 1006 bytes (0x3ee)` — then
 * its bytes, 16 a line as hex and ASCII (`--trace`) or as text only (`--trace-ascii`). The bytes received are the
 * answer as it came: its body chunked (a size line through a value) and encoded as the server chose (brotli, with no
 * magic number), each line's hex a piece of it. Read here: the bytes received, in order, written as content of their own
 * (`trace.txt (received)`), where the HTTP reader (`http-message.ts`) takes the framing and encoding out; the bytes
 * sent (`trace.txt (sent)`: a request's body) likewise. A `--trace-ascii` trace shows a byte that is not text as `.`:
 * a body the answer's head says is encoded (brotli, gzip …) cannot be read back from it, and is named.
 */
import type { Decoder, DecodeEnv, Decoding, Sink } from './types.js';

/** A `--trace-time` stamp before a line. */
const TIME = /^\d\d:\d\d:\d\d\.\d{6} /;
const SECTION = /^(=>|<=) (Send|Recv) (header|data|SSL data), (\d{1,12}) bytes \(0x[0-9a-f]+\)$/;
const LINE_MAX = 4096;

const INFO = /^== Info: +\S/;
/** How far the sniff looks for a trace's lines: a trace whose first line is damaged is still told by the next ones. */
const SNIFF = 1024;

/**
 * Whether `head` starts a curl trace: its first line an `== Info:` line or a section line (time-stamped or not) — or,
 * its first line damaged (a byte set, a garbled start), two section lines at line starts within its first KiB.
 */
export function isCurlTrace(head: Uint8Array): boolean {
  const lines = Buffer.from(head.subarray(0, SNIFF)).toString('latin1').split('\n');
  const line = (k: number) => lines[k]!.replace(/\r$/, '').replace(TIME, '');
  if (INFO.test(line(0)) || SECTION.test(line(0))) return true;
  let sections = 0;
  for (let k = 1; k < lines.length - 1 && sections < 2; k++) if (SECTION.test(line(k))) sections++;
  return sections >= 2;
}

class CurlTrace implements Decoding {
  #line = '';
  #sinks: { sent?: Sink; received?: Sink } = {};
  /** The section being read: its direction, whether it is a header, and the bytes it still has. */
  #section: { dir: 'sent' | 'received'; left: number; data: boolean } | undefined;
  /** --trace-ascii: the next line's offset is where the last one's text ended, or 1–2 bytes on (a line end). */
  #ascii: { at: number } | undefined;
  #encoded = false;
  #named = false;
  /** --trace: the offset the next hex line of the section should say (its bytes so far). */
  #next = 0;
  /** The first damage met (a line of a section that does not read, a section short of its bytes): named at the end. */
  #damage: string | undefined;
  #lines = 0;
  /** A `--trace` trace (its lines hex), once one line read as hex. */
  #hex = false;

  constructor(readonly env: DecodeEnv) {}

  async push(bytes: Uint8Array): Promise<void> {
    const text = this.#line + Buffer.from(bytes).toString('latin1');
    const lines = text.split('\n');
    this.#line = lines.pop()!;
    if (this.#line.length > LINE_MAX) this.#line = this.#line.slice(-LINE_MAX);
    for (const l of lines) await this.#take(l.replace(/\r$/, '').replace(TIME, ''));
  }

  async #take(line: string): Promise<void> {
    this.#lines++;
    const s = SECTION.exec(line);
    if (s || INFO.test(line)) {
      await this.#close();
      if (!s) return;
      const recv = s[2] === 'Recv';
      this.#section = s[3] === 'SSL data' ? undefined : { dir: recv ? 'received' : 'sent', left: Number(s[4]), data: s[3] === 'data' };
      this.#ascii = undefined;
      this.#next = 0;
      return;
    }
    const sec = this.#section;
    const m = /^([0-9a-f]{4,}): (.*)$/.exec(line);
    if (!sec) return;
    // A section's line that does not read, or says another offset than its bytes so far (--trace): its bytes lost.
    if (!m) return void (line ? this.#damaged(`line ${this.#lines} does not read`) : undefined);
    const at = parseInt(m[1]!, 16);
    if (!this.#ascii && m[2]!.length >= 49 && at !== this.#next) this.#damaged(`line ${this.#lines} says offset ${at}, after ${this.#next} bytes`);
    const hex = /^((?:[0-9a-f]{2} ){1,16})/.exec(m[2]!.padEnd(49, ' '));
    const asHex = hex && m[2]!.length >= 49 ? Math.min(16, sec.left) : 0;
    let piece: Buffer;
    if (asHex && hex![1]!.length / 3 >= asHex) {
      piece = Buffer.from(hex![1]!.replace(/ /g, '').slice(0, asHex * 2), 'hex');
      this.#hex = true;
    } else if (this.#hex && m[2]!.length >= 49) {
      // A --trace line whose hex does not read (a byte set in it): its bytes lost, not taken for --trace-ascii text.
      this.#damaged(`line ${this.#lines}'s hex does not read`);
      this.#next = at + Math.min(16, sec.left);
      sec.left -= Math.min(16, sec.left);
      return;
    } else {
      // --trace-ascii: the line's text, after the line end its offset says was taken out.
      const gap = this.#ascii ? Math.max(0, Math.min(2, at - this.#ascii.at)) : 0;
      piece = Buffer.from(`${gap === 2 ? '\r\n' : gap === 1 ? '\n' : ''}${m[2]!}`, 'latin1');
      this.#ascii = { at: at + m[2]!.length };
      if (sec.dir === 'received' && /^content-encoding:[ \t]*(?!identity)\S/i.test(m[2]!)) this.#encoded = true;
    }
    if (asHex) this.#next = at + asHex;
    else if (hex && m[2]!.length >= 49) this.#damaged(`line ${this.#lines} holds bytes past its section's count`);
    sec.left -= Math.min(sec.left, asHex || piece.length);
    // An encoded answer's body in a --trace-ascii trace is dots where its bytes were: named at the end, not read.
    if (!asHex && this.#encoded && sec.dir === 'received' && sec.data) return;
    await this.#write(sec.dir, piece);
  }

  /** A --trace-ascii section's last line end (a header line's CRLF), which no line shows: its byte count says it. */
  async #close(): Promise<void> {
    const sec = this.#section;
    if (sec && this.#ascii && sec.left > 0 && sec.left <= 2) await this.#write(sec.dir, Buffer.from('\r\n'.slice(2 - sec.left)));
    else if (sec && sec.left > 0) this.#damaged(`a section ends ${sec.left} bytes short of its count`);
    this.#section = undefined;
  }

  #damaged(what: string): void {
    this.#damage ??= what;
  }

  async #write(dir: 'sent' | 'received', piece: Buffer): Promise<void> {
    if (!piece.length || !this.env.allow(piece.length)) return;
    const sink = (this.#sinks[dir] ??= this.env.openAt(`${this.env.path} (${dir})`));
    await sink.write(piece);
  }

  async end(): Promise<void> {
    if (this.#line) await this.#take(this.#line.replace(/\r$/, '').replace(TIME, ''));
    await this.#close();
    if (this.#encoded && !this.#named) {
      this.#named = true;
      this.env.limit('a curl --trace-ascii trace of an encoded answer (brotli, gzip …): its body is shown as text, its other bytes as dots, not audited');
    }
    if (this.#damage) this.env.limit(`a damaged curl trace (${this.#damage}): the bytes it lost are not audited`);
    for (const sink of Object.values(this.#sinks)) await sink.end();
  }
}

export const curlTrace: Decoder = {
  name: 'curl trace',
  sniff: (h) => isCurlTrace(h),
  head: SNIFF,
  open: (env) => new CurlTrace(env),
};
