/**
 * HTTP/1.x messages kept as they went over the wire: `curl -i` / `curl -i --raw` output, wget's
 * --save-headers, a proxy's or a test recorder's fixture — a status line (or a request line),
 * headers, a blank line, then the body as the headers frame it. Two framings hide a body's bytes
 * from a scan of the file as it is: `Transfer-Encoding: chunked` cuts the body every chunk with a
 * size line (Node writes one chunk per `res.write`), and `Content-Encoding: br` compresses it with
 * no magic number to be found by. Each message's body is written, its chunk framing taken out and
 * brotli undone, as content of its own — `response.http (as HTTP body)`, `(as HTTP body 2)` for the
 * next message (`curl -i -L`: a redirect, then the answer) — where gzip, zstd and zlib bodies are
 * claimed by their magic numbers and the rest is scanned as text. Told by a start line and a header
 * line after it; anything that stops being HTTP (a size line that is not hex, a head over 64 KiB)
 * ends the reading, the file itself being scanned as it is anyway.
 */
import { brotliStream } from './native.js';
import type { Decoder, DecodeEnv, Decoding, Sink } from './types.js';

const START = /^(?:HTTP\/(?:1\.[01]|2|3) [1-5]\d\d(?: [^\r\n]*)?|(?:GET|POST|PUT|PATCH|DELETE|OPTIONS) \S+ HTTP\/1\.[01])\r?\n[!#$%&'*+.^_`|~0-9A-Za-z-]+:/;

/** Whether `head` starts an HTTP/1.x message: a status or request line, then a header line. */
export const sniffHttp = (head: Uint8Array): boolean => START.test(Buffer.from(head.subarray(0, 512)).toString('latin1'));

/** The magic numbers a chunked body's first chunk may open with: gzip's, zstd's. */
const BODY_MAGICS = [Buffer.from([0x1f, 0x8b, 0x08]), Buffer.from([0x28, 0xb5, 0x2f, 0xfd])];

/** Where in `b` the first chunked body's first size line (`chunkLineAt`) before a gzip or zstd magic starts, or -1. */
function chunkStart(b: Buffer): number {
  let first = -1;
  for (const magic of BODY_MAGICS)
    for (let m = b.indexOf(magic, 3); m >= 0 && (first < 0 || m - 3 < first); m = b.indexOf(magic, m + 1))
      for (let back = 3; back <= 8 && m - back >= 0; back++) if (chunkLineAt(b, m - back, back) && (first < 0 || m - back < first)) first = m - back;
  return first;
}

/** The most a message's head (start line and headers) may take; a size or trailer line, SIZE_LINE. */
const HEAD_MAX = 64 * 1024;
const SIZE_LINE = 4096;

type State = 'head' | 'length' | 'rest' | 'chunk-size' | 'chunk-data' | 'chunk-end' | 'trailer' | 'done';

interface Body {
  write(b: Buffer): void | Promise<void>;
  end(): void | Promise<void>;
}

class HttpMessages implements Decoding {
  #state: State = 'head';
  #head = Buffer.alloc(0);
  #line = '';
  #left = 0;
  #messages = 0;
  #body: Body | undefined;
  /** The next size line is a chunked body's first. */
  #first = false;

  constructor(
    private readonly env: DecodeEnv,
    chunked = false,
  ) {
    if (chunked) [this.#state, this.#body] = ['chunk-size', this.#open(false)];
  }

  get finished(): boolean {
    return this.#state === 'done';
  }

  async push(bytes: Uint8Array): Promise<void> {
    let b: Buffer = Buffer.from(bytes);
    while (b.length && this.#state !== 'done' && !this.env.stopped) b = await this.#step(b);
  }

  async end(): Promise<void> {
    // An unframed body (see #readLine) with no line break in it: still held as the first size line.
    if (this.#state === 'chunk-size' && this.#first && this.#line) await this.#body!.write(Buffer.from(this.#line, 'latin1'));
    await this.#endBody();
    this.#state = 'done';
  }

  async #step(b: Buffer): Promise<Buffer> {
    switch (this.#state) {
      case 'head':
        return this.#readHead(b);
      case 'rest':
        await this.#body!.write(b);
        return b.subarray(b.length);
      case 'length':
      case 'chunk-data': {
        const n = Math.min(this.#left, b.length);
        await this.#body!.write(b.subarray(0, n));
        this.#left -= n;
        if (!this.#left) {
          if (this.#state === 'length') await this.#endBody();
          else this.#state = 'chunk-end';
        }
        return b.subarray(n);
      }
      default:
        return this.#readLine(b);
    }
  }

  /**
   * A line of the chunked framing: a size, the CRLF after a chunk's data, a trailer. A first size line
   * that is not one is the body itself: `curl -i` without --raw keeps the Transfer-Encoding header
   * but writes the body unframed — or the next message, the body left out.
   */
  async #readLine(b: Buffer): Promise<Buffer> {
    const nl = b.indexOf(0x0a);
    this.#line += b.subarray(0, nl < 0 ? b.length : nl + 1).toString('latin1');
    const complete = nl >= 0;
    if (!complete && this.#line.length <= SIZE_LINE) return b.subarray(b.length);
    const [raw, line, rest] = [this.#line, this.#line.trim(), b.subarray(complete ? nl + 1 : b.length)];
    this.#line = '';
    const size = complete && /^[0-9A-Fa-f]{1,8}(?:;.*)?$/.test(line);
    if (this.#state === 'chunk-size' && !size && this.#first) {
      // curl -i -L leaves out a redirect's body: the next message's head follows the first's.
      if (/^HTTP\/\S+ \d{3}/.test(raw)) {
        await this.#endBody();
        return Buffer.concat([Buffer.from(raw, 'latin1'), rest]);
      }
      this.#state = 'rest';
      await this.#body!.write(Buffer.from(raw, 'latin1'));
      return rest;
    }
    this.#first = false;
    if (!complete) this.#state = 'done';
    else if (this.#state === 'chunk-end') this.#state = line ? 'done' : 'chunk-size';
    else if (this.#state === 'trailer') {
      if (!line) await this.#endBody();
    } else if (!size) this.#state = 'done';
    else {
      this.#left = parseInt(line, 16);
      this.#state = this.#left ? 'chunk-data' : 'trailer';
    }
    return rest;
  }

  /** The head gathered to its blank line, then the body begun as its headers frame it. */
  #readHead(b: Buffer): Buffer {
    const was = this.#head.length;
    this.#head = Buffer.concat([this.#head, b]);
    const text = this.#head.toString('latin1');
    const m = /\r?\n\r?\n/.exec(text.slice(Math.max(0, was - 3)));
    const chunk = chunkStart(this.#head);
    if (chunk >= 0 && (!m || chunk < Math.max(0, was - 3) + m.index)) return this.#damagedHead(b, was, chunk);
    if (!m) {
      if (this.#head.length > HEAD_MAX) this.#state = 'done';
      return b.subarray(b.length);
    }
    const end = Math.max(0, was - 3) + m.index + m[0].length;
    const head = text.slice(0, end);
    this.#head = Buffer.alloc(0);
    if (!START.test(head)) {
      this.#state = 'done';
      return b.subarray(b.length);
    }
    this.#begin(head);
    return b.subarray(end - was);
  }

  /**
   * A head whose blank line is damaged (a chunked body's first size line and magic met before it): the body read from
   * there. Not named here: a message found inside other bytes is a trial, and a trial's limit before any output stops
   * it (nested.ts); what its body holds is found, and a body that fails names itself.
   */
  #damagedHead(b: Buffer, was: number, at: number): Buffer {
    this.#head = Buffer.alloc(0);
    [this.#state, this.#body] = ['chunk-size', this.#open(false)];
    return b.subarray(at - was);
  }

  #begin(head: string): void {
    const headers = new Map<string, string>();
    for (const l of head.split(/\r?\n/).slice(1)) {
      const c = l.indexOf(':');
      if (c > 0)
        headers.set(
          l.slice(0, c).trim().toLowerCase(),
          l
            .slice(c + 1)
            .trim()
            .toLowerCase(),
        );
    }
    const status = /^HTTP\/\S+ (\d{3})/.exec(head)?.[1];
    const length = Number(headers.get('content-length') ?? NaN);
    const chunked = /(^|,)\s*chunked\s*$/.test(headers.get('transfer-encoding') ?? '');
    // 1xx, 204, 304 have no body; a request has one only when framed.
    if ((status && /^(1\d\d|204|304)$/.test(status)) || (!chunked && !(length > 0) && (!status || length === 0))) return;
    this.#body = this.#open(headers.get('content-encoding') === 'br');
    if (chunked) [this.#state, this.#first] = ['chunk-size', true];
    else if (length > 0) [this.#state, this.#left] = ['length', length];
    else this.#state = 'rest';
  }

  #open(brotli: boolean): Body {
    const n = ++this.#messages;
    const sink: Sink = this.env.openAt(`${this.env.path} (as HTTP body${n > 1 ? ` ${n}` : ''})`);
    if (brotli) {
      const inner = Object.create(this.env, { open: { value: () => sink } }) as DecodeEnv;
      const d = brotliStream(inner);
      return { write: (b) => d.push(b), end: () => d.end() };
    }
    return { write: (b) => (this.env.allow(b.length) ? sink.write(b) : undefined), end: () => sink.end() };
  }

  async #endBody(): Promise<void> {
    const body = this.#body;
    this.#body = undefined;
    if (this.#state !== 'done') this.#state = 'head';
    await body?.end();
  }
}

const hex = (c: number | undefined) => c !== undefined && ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66));

/**
 * Whether a chunked body's first size line — `back - 2` hex digits (the whole run: no hex digit before it; the line
 * break before it may be damaged) and CRLF — stands at `at`, right before a compressed stream's magic number (at
 * `at + back`).
 */
export const chunkLineAt = (b: Uint8Array, at: number, back: number): boolean => {
  if (at > 0 && hex(b[at - 1])) return false;
  for (let i = at; i < at + back - 2; i++) if (!hex(b[i])) return false;
  return b[at + back - 2] === 0x0d && b[at + back - 1] === 0x0a;
};

/**
 * A chunked body whose message head is not read — its status line or a header damaged (`HTTP/1.1` with a byte set, a
 * `Transfer-Encoding` line garbled), or a body saved alone (`curl --raw -o`): found by its first size line before a
 * gzip or zstd magic (embedded.ts), read from there as a chunked body (`(as HTTP body)`), its framing taken out. The
 * member found by its magic alone would fail at the next size line, quietly (a chance magic is no evidence).
 */
export const chunkedBody: Decoder = {
  name: 'HTTP chunked body',
  sniff: (h) => chunkStart(Buffer.from(h.subarray(0, 16))) === 0,
  open: (env) => new HttpMessages(env, true),
};

export const httpMessage: Decoder = {
  name: 'HTTP message',
  sniff: (h) => sniffHttp(h),
  open: (env) => new HttpMessages(env),
};
