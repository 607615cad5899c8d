/**
 * Ogg files (RFC 3533: Vorbis, Opus, FLAC in Ogg, Theora, Speex): a sequence of pages, each a
 * 27-byte header (`OggS`, version 0, type, granule, the logical stream's serial, sequence, CRC, the
 * segment count) and a lacing table, then up to 65,025 bytes of body. A packet longer than what is
 * left of a page — a Vorbis comment of long lyrics or notes, embedded cover art — goes on in the
 * next page, a header and a lacing table in between, so a value written across that cut is in no
 * run of the file's bytes. Read here: each logical stream's page bodies joined, in page order, as
 * one content of its own (`song.oga!/ogg stream 0x1a2b3c4d`), where its packets lie whole. At most
 * 64 logical streams (a file claims more only when damaged); a page that does not begin where the
 * last one ended is named and ends the reading.
 */
import { startsWith, type Decoder, type DecodeEnv, type Decoding, type Sink } from './types.js';

const HEADER = 27;
const MAX_STREAMS = 64;

/** `OggS`, stream structure version 0, no header-type bit beyond the three defined. */
export const isOggPage = (h: Uint8Array, at = 0) => startsWith(h, [0x4f, 0x67, 0x67, 0x53, 0x00], at) && h.length > at + 5 && h[at + 5]! < 8;

/** One Ogg file as it streams: page headers parsed, each body written to its stream's sink. */
class OggPages implements Decoding {
  readonly #sinks = new Map<number, Sink>();
  #queue: Promise<void> = Promise.resolve();
  /** The header being gathered (27 bytes, then the lacing table). */
  #head = new Uint8Array(HEADER + 255);
  #have = 0;
  /** The body bytes still to come of the current page, and its stream's sink. */
  #body = 0;
  #sink: Sink | undefined;
  #offset = 0;
  #failed = false;

  constructor(private readonly env: DecodeEnv) {}

  get finished(): boolean {
    return this.#failed;
  }

  async push(bytes: Uint8Array): Promise<void> {
    let i = 0;
    while (i < bytes.length && !this.#failed && !this.env.stopped) {
      if (this.#body > 0) {
        const n = Math.min(this.#body, bytes.length - i);
        this.#write(bytes.subarray(i, i + n));
        this.#body -= n;
        i += n;
        continue;
      }
      i = this.#header(bytes, i);
    }
    this.#offset += bytes.length;
    await this.#queue;
  }

  /** Takes header bytes from `bytes` at `i`; once a header is whole, starts its body. The next index. */
  #header(bytes: Uint8Array, i: number): number {
    const need = this.#have < HEADER ? HEADER : HEADER + this.#head[26]!;
    const n = Math.min(need - this.#have, bytes.length - i);
    this.#head.set(bytes.subarray(i, i + n), this.#have);
    this.#have += n;
    if (this.#have === HEADER && !isOggPage(this.#head)) {
      this.#fail(`a damaged Ogg stream (no page header at byte ${this.#offset + i + n - HEADER}): the rest is not audited`);
      return bytes.length;
    }
    if (this.#have < HEADER || this.#have < HEADER + this.#head[26]!) return i + n;
    let body = 0;
    for (let s = 0; s < this.#head[26]!; s++) body += this.#head[HEADER + s]!;
    const serial = new DataView(this.#head.buffer).getUint32(14, true);
    this.#sink = this.#sinkOf(serial);
    this.#body = body;
    this.#have = 0;
    return i + n;
  }

  #sinkOf(serial: number): Sink | undefined {
    let sink = this.#sinks.get(serial);
    if (sink) return sink;
    if (this.#sinks.size >= MAX_STREAMS) {
      this.#fail(`an Ogg file of more than ${MAX_STREAMS} logical streams: the rest is not audited`);
      return undefined;
    }
    sink = this.env.open(`ogg stream 0x${serial.toString(16).padStart(8, '0')}`);
    this.#sinks.set(serial, sink);
    return sink;
  }

  #write(bytes: Uint8Array): void {
    const sink = this.#sink;
    if (!sink || !this.env.allow(bytes.length)) return;
    const copy = bytes.slice();
    this.#queue = this.#queue.then(() => sink.write(copy));
  }

  #fail(what: string): void {
    this.#failed = true;
    this.#body = 0;
    this.env.limit(what);
  }

  async end(): Promise<void> {
    if (!this.#failed && !this.env.stopped && (this.#have > 0 || this.#body > 0))
      this.env.limit('a damaged Ogg stream (it ends inside a page): the rest is not audited');
    for (const sink of this.#sinks.values()) this.#queue = this.#queue.then(() => sink.end());
    await this.#queue;
  }
}

export const ogg: Decoder = {
  name: 'Ogg',
  sniff: (h) => isOggPage(h) && (h[5]! & 0x02) !== 0, // the first page begins a logical stream
  open: (env) => new OggPages(env),
};
