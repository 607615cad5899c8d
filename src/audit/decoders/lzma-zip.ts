/**
 * A zip member compressed with LZMA (method 14: Python's ZIP_LZMA, 7-Zip's `-mm=LZMA`, old
 * WinZip): a 4-byte header — the LZMA SDK's version, the properties' size — then the 5 property
 * bytes (lc/lp/pb and the dictionary size) and raw LZMA1, up to the member's size or its end
 * marker. Decoded as the zip walker's other methods are, synchronously per pushed chunk: output goes out
 * as the window fills (256 KiB at most at once), and the zip's own bounds (the member's expansion,
 * `allow`) see it there; a damaged stream is an error the walker names as not audited.
 */
import type { MethodDecoder, MethodError } from './zip-method.js';
import { LzmaCore, LzmaError, parseProps } from './lzma-core.js';
import { errorText } from './types.js';

export class ZipLzma implements MethodDecoder {
  static readonly compression = 14;
  ondata: (err: MethodError | null, data: Uint8Array, final: boolean) => void = () => undefined;
  #head: Uint8Array = new Uint8Array(0);
  #core: LzmaCore | undefined;
  #started = false;
  #over = false;

  constructor(
    readonly name: string,
    readonly compressed?: number,
    readonly original?: number,
  ) {}

  push(chunk: Uint8Array, final: boolean): void {
    if (this.#over) return;
    try {
      const core = this.#core ?? this.#header(chunk, final);
      if (!core) return;
      if (this.#core === core) core.feed(chunk);
      this.#core = core;
      if (!this.#started) {
        if (core.unread < 5 && !final) return;
        if (core.unread < 5) throw new LzmaError('the data ends inside the stream');
        core.startRange();
        this.#started = true;
      }
      const limit = this.original ?? Infinity;
      for (;;) {
        const wanting = core.decode(limit, final);
        const out = core.take();
        if (core.total >= limit || core.marked) {
          this.#over = true;
          return this.ondata(null, out.slice(), true);
        }
        if (out.length) this.ondata(null, out.slice(), false);
        if (wanting || !out.length) break;
      }
      if (final) throw new LzmaError('the data ends inside the stream');
    } catch (e) {
      this.#over = true;
      const error = Object.assign(new Error(`lzma: ${e instanceof LzmaError ? e.message : errorText(e)}`), { code: 0 });
      this.ondata(error, new Uint8Array(0), true);
    }
  }

  /** The header, gathered until whole: the decoder it makes, fed what follows it. */
  #header(chunk: Uint8Array, final: boolean): LzmaCore | undefined {
    const head = new Uint8Array(this.#head.length + chunk.length);
    head.set(this.#head);
    head.set(chunk, this.#head.length);
    this.#head = head;
    const propsSize = head.length >= 4 ? head[2]! | (head[3]! << 8) : 5;
    if (head.length < 4 + propsSize) {
      if (final) throw new LzmaError('the data ends inside its header');
      return undefined;
    }
    const props = propsSize === 5 ? parseProps(head[4]!, new DataView(head.buffer, head.byteOffset + 5, 4).getUint32(0, true)) : undefined;
    if (!props) throw new LzmaError('a header that cannot be read');
    const core = new LzmaCore(props, this.original);
    core.feed(head.subarray(4 + propsSize));
    this.#head = new Uint8Array(0);
    return core;
  }
}
