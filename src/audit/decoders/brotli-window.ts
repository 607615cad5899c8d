/**
 * Large-window brotli (`brotli --large_window=N`, RFC 7932's extension, windows of 2^10 to 2^30 bytes): its first
 * byte 0x11 — the 7 bits 0010001 that a standard decoder rejects, then a 0 bit — and the next byte's low 6 bits the
 * window's. Standard brotli reads it as damaged, leaky or clean. A stream is decoded with the decoder's large-window
 * parameter when it says it is one, its window at most 2^27 bytes (zstd's bound here: the decoder's ring buffer grows
 * with the output, up to the window); a larger one is named, nothing decoded (found by a trial: dropped, a chance).
 */
import type { DecodeEnv, Decoding } from './types.js';

/** The window bits of a large-window stream starting with `h`; undefined for a standard stream. */
export const largeWindowBits = (h: Uint8Array): number | undefined => (h.length >= 2 && h[0] === 0x11 ? h[1]! & 0x3f : undefined);

/** The largest large window read. */
export const BROTLI_WINDOW_LOG_MAX = 27;

/**
 * A brotli decoding that waits for the stream's first two bytes, then opens `engine(large)` — large: the stream is a
 * large-window one — and hands it what it held; a window over BROTLI_WINDOW_LOG_MAX is named instead.
 */
export function brotliWindowed(env: DecodeEnv, engine: (large: boolean) => Decoding): Decoding {
  let inner: Decoding | undefined;
  let head: Uint8Array = new Uint8Array(0);
  let refused = false;
  const start = async () => {
    const held = head;
    head = new Uint8Array(0);
    const bits = largeWindowBits(held);
    if (bits !== undefined && bits > BROTLI_WINDOW_LOG_MAX) {
      refused = true;
      if (!env.trial) env.limit(`a large-window brotli stream (a 2^${bits}-byte window, over the 2^${BROTLI_WINDOW_LOG_MAX} read): not audited`);
      return;
    }
    inner = engine(bits !== undefined);
    if (held.length) await inner.push(held);
  };
  return {
    get finished() {
      return refused || (inner?.finished ?? false);
    },
    async push(bytes) {
      if (refused) return;
      if (inner) return inner.push(bytes);
      head = Buffer.concat([head, bytes]);
      if (head.length >= 2) await start();
    },
    async end() {
      if (!inner && !refused) await start();
      await inner?.end();
    },
  };
}
