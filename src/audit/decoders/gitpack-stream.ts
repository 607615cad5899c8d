/**
 * One large object of a git pack (more than the reader inflates in one piece): its zlib stream
 * inflated as the pack streams, with backpressure, its content written to its sink as it comes
 * (each chunk allowed first). Where the stream ends is known from the input zlib consumed: the
 * bytes fed past it are handed back, the next object's header.
 */
import * as zlib from 'node:zlib';
import { isBomb, nameBomb } from './bomb.js';
import type { DecodeEnv, Sink } from './types.js';

/** An object's output judged for a bomb past this (`isBomb`): before the pack's own ratio bound stops the whole pack. */
const OBJECT_BOMB_AFTER = 1024 * 1024;
const STREAM = { chunkSize: 64 * 1024, readableHighWaterMark: 64 * 1024, writableHighWaterMark: 64 * 1024 };

export interface StreamEnd {
  /** The bytes fed after the stream's end: what follows it in the pack. */
  rest: Buffer;
  /** Bytes it inflated to. */
  out: number;
  /** A reason it is damaged or cut short, if it is. */
  failure?: string;
}

export class ObjectStream {
  readonly #inflate = zlib.createInflate(STREAM);
  readonly #pump: Promise<void>;
  /** Bytes fed and not yet known to be consumed, with the offset (in what was fed) of the first. */
  #pieces: Buffer[] = [];
  #piecesAt = 0;
  #fed = 0;
  #out = 0;
  #done = false;
  #failure: string | undefined;
  /** Told a bomb (`bomb.ts`): named at the object, inflated on to its end (where the next object begins), its output dropped. */
  #bomb = false;

  constructor(
    readonly env: DecodeEnv,
    sink: Sink,
    /** The object's path, where a bomb is named. */
    path: string,
  ) {
    this.#inflate.on('error', (e: Error) => void (this.#failure ??= e.message));
    this.#pump = (async () => {
      try {
        for await (const chunk of this.#inflate as AsyncIterable<Buffer>) {
          this.#out += chunk.length;
          if (this.#bomb) continue;
          if (isBomb(this.#out, this.#inflate.bytesWritten, OBJECT_BOMB_AFTER)) {
            this.#bomb = true;
            nameBomb(env, this.#out - chunk.length, path);
            continue;
          }
          if (!env.allow(chunk.length)) break; // the router said what was not audited; the reader stops
          await sink.write(chunk);
        }
      } catch {
        // told by the 'error' handler
      } finally {
        this.#done = true;
        await sink.end();
      }
    })();
  }

  /**
   * Feeds `bytes`; the stream's end, once it is reached (the rest of what was fed returned), or
   * undefined while it goes on. Resolves once zlib took the bytes and its output was written.
   */
  async feed(bytes: Buffer): Promise<StreamEnd | undefined> {
    if (!this.#done && bytes.length) {
      this.#pieces.push(bytes);
      this.#fed += bytes.length;
      await Promise.race([new Promise<void>((resolve) => this.#inflate.write(bytes, () => resolve())), this.#pump]);
    }
    const consumed = this.#inflate.bytesWritten;
    if (!this.#done && consumed === this.#fed) {
      this.#trim(consumed);
      return undefined;
    }
    // Zlib took less than it was given: the stream ended inside these bytes.
    this.#inflate.end();
    await this.#pump;
    return this.#end();
  }

  /** The pack's input ended: the stream too, cut short if zlib did not reach its end. */
  async finish(): Promise<StreamEnd> {
    this.#inflate.end();
    await this.#pump;
    return this.#end();
  }

  #trim(consumed: number): void {
    while (this.#pieces.length && this.#piecesAt + this.#pieces[0]!.length <= consumed) this.#piecesAt += this.#pieces.shift()!.length;
  }

  #end(): StreamEnd {
    const consumed = this.#inflate.bytesWritten;
    this.#trim(consumed);
    const held = Buffer.concat(this.#pieces);
    this.#pieces = [];
    this.#inflate.destroy();
    return { rest: held.subarray(consumed - this.#piecesAt), out: this.#out, failure: this.#failure };
  }
}
