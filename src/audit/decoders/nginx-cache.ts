/**
 * nginx's cache files (`proxy_cache_path`, `fastcgi_cache_path`, `uwsgi_`/`scgi_cache`: /var/cache/nginx/…, also
 * OpenResty's and Angie's): a binary header (ngx_http_file_cache_header_t, version 5: the times, a CRC-32, where the
 * upstream's response head and body start, an ETag, a Vary), `\nKEY: <key>\n`, the upstream's status line and headers
 * as it sent them, then its body — de-chunked (the `Transfer-Encoding: chunked` header kept, its size lines not) and
 * still encoded as it sent it: brotli, with no magic number, or gzip, zstd and deflate, whose streams start at the body.
 * The body is written as content of its own (`f64b…e6ab (as HTTP body)`), brotli undone, the rest claimed or scanned as
 * any content is; a file cut before its body, or whose body start is not after its head's, is named.
 */
import { brotliStream, isZlibHeader } from './native.js';
import { looksText } from './trial.js';
import { startsWith, type Decoder, type DecodeEnv, type Decoding, type Sink } from './types.js';

/** The header's size in version 5 (8-byte fields on a 64-bit build, then ETag, Vary and the variant's MD5, aligned). */
const HEADER = 0x150;
const KEY = [...Buffer.from('\nKEY: ')];
/** Where the header's fields are: the version (8 bytes), the upstream head's and body's starts (2 bytes each). */
const AT = { version: 0, headerStart: 54, bodyStart: 56 } as const;

/** Whether `h` starts an nginx cache file: version 5, the key line after the header, the head before the body. */
export function isNginxCache(h: Uint8Array): boolean {
  if (h.length < HEADER + KEY.length || !startsWith(h, [5, 0, 0, 0, 0, 0, 0, 0]) || !startsWith(h, KEY, HEADER)) return false;
  const view = new DataView(h.buffer, h.byteOffset, h.length);
  const headerStart = view.getUint16(AT.headerStart, true);
  const bodyStart = view.getUint16(AT.bodyStart, true);
  return headerStart > HEADER + KEY.length && bodyStart > headerStart;
}

interface Body {
  write(b: Uint8Array): unknown;
  end(): unknown;
}

/** A brotli decoding of what is written, into `sink`; a trial's failure that gave nothing more than it took is quiet. */
function brotliInto(env: DecodeEnv, sink: Sink, trial: boolean): Body {
  const inner = Object.create(env, { open: { value: () => sink }, trial: { value: trial || env.trial } }) as DecodeEnv;
  const d = brotliStream(inner);
  return { write: (b) => d.push(b), end: () => d.end() };
}

/** The body written as it is, and — when its first 16 bytes are not text and start no stream — tried as brotli too. */
class BrotliTrialTee implements Body {
  #first: Buffer[] = [];
  #held = 0;
  #trial: Body | undefined;
  #decided = false;

  constructor(
    readonly env: DecodeEnv,
    readonly plain: Body,
  ) {}

  async write(b: Uint8Array): Promise<void> {
    await this.plain.write(b);
    if (this.#decided) return void (await this.#trial?.write(b));
    this.#first.push(Buffer.from(b));
    this.#held += b.length;
    if (this.#held >= 16) await this.#decide();
  }

  async #decide(): Promise<void> {
    this.#decided = true;
    const first = Buffer.concat(this.#first);
    this.#first = [];
    const stream = startsWith(first, [0x1f, 0x8b]) || startsWith(first, [0x28, 0xb5, 0x2f, 0xfd]) || isZlibHeader(first);
    if (looksText(first) || stream) return;
    this.#trial = brotliInto(this.env, this.env.openAt(`${this.env.path} (as HTTP body, brotli)`), true);
    await this.#trial.write(first);
  }

  async end(): Promise<void> {
    if (!this.#decided && this.#held) await this.#decide();
    await this.#trial?.end();
    await this.plain.end();
  }
}

class NginxCacheFile implements Decoding {
  #at = 0;
  #head: Buffer[] = [];
  #bodyStart = 0;
  #body: Body | undefined;

  constructor(readonly env: DecodeEnv) {}

  async push(bytes: Uint8Array): Promise<void> {
    if (this.env.stopped) return;
    if (!this.#bodyStart && this.#at + bytes.length >= AT.bodyStart + 2) {
      const first = Buffer.concat([...this.#head, bytes]);
      this.#bodyStart = first.readUInt16LE(AT.bodyStart);
    }
    const start = this.#at;
    this.#at += bytes.length;
    if (!this.#body) {
      // The head (at most 64 KiB: its offsets are 16 bits) is kept until the body starts.
      if (!this.#bodyStart || this.#at <= this.#bodyStart) return void this.#head.push(Buffer.from(bytes));
      const cut = this.#bodyStart - start;
      const head = Buffer.concat([...this.#head, bytes.subarray(0, cut)]);
      this.#head = [];
      this.#body = this.#open(head);
      bytes = bytes.subarray(cut);
    }
    await this.#body.write(bytes);
  }

  /**
   * The body's reader, by the upstream's Content-Encoding: brotli undone (`br`); any other written as it is (gzip, zstd
   * and zlib claimed at its start). With no encoding the head names (none, or a damaged header), a body that is not
   * text and starts no stream is also tried as brotli, quietly (`brotliTrial`).
   */
  #open(head: Buffer): Body {
    const upstream = head.toString('latin1', Math.min(head.length, head.readUInt16LE(AT.headerStart)));
    const encoding = /^content-encoding:[ \t]*([^\r\n]*?)[ \t]*\r?$/im.exec(upstream)?.[1]?.toLowerCase();
    const sink: Sink = this.env.openAt(`${this.env.path} (as HTTP body)`);
    if (encoding === 'br') return brotliInto(this.env, sink, false);
    const plain: Body = { write: (b) => (this.env.allow(b.length) ? sink.write(b) : undefined), end: () => sink.end() };
    return encoding && encoding !== 'identity' ? plain : new BrotliTrialTee(this.env, plain);
  }

  async end(): Promise<void> {
    if (this.#body) return void (await this.#body.end());
    // An empty body (a 204, a HEAD's answer) ends where it starts.
    if (this.#bodyStart && this.#at >= this.#bodyStart) return;
    if (!this.env.stopped) this.env.limit(`a damaged nginx cache file (it ends before its body, at byte ${this.#bodyStart}): the rest is not audited`);
  }
}

export const nginxCache: Decoder = {
  name: 'nginx cache file',
  sniff: (h) => isNginxCache(h),
  open: (env) => new NginxCacheFile(env),
};
