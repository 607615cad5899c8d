/**
 * Large-window brotli (`brotli --large_window=N`, RFC 7932's extension, windows of 2^10 to 2^30 bytes): its first
 * byte 0x11 — the 7 bits 0010001 that a standard decoder rejects, then a 0 bit — and the next byte's low 6 bits the
 * window's. Standard brotli reads it as damaged, leaky or clean. A stream is decoded with the decoder's large-window
 * parameter when it says it is one, its window at most 2^27 bytes (zstd's bound here: the decoder's ring buffer grows
 * with the output, up to the window); a larger one is named, nothing decoded (found by a trial: dropped, a chance).
 *
 * The ring buffer is what a large window costs: brotli's decoder sizes it to the output so far plus the meta-block
 * begun (a power of two, 1.5 times it while it grows), up to the window. A 2^27 window over 160 MB of output peaked
 * at 226 MiB (the decoder's child process) against 142 for the same file at a standard 2^24 window (session 58), so a
 * stream whose window is over 2^BROTLI_WHOLE_LOG is read only while its output stays under 48 MiB — with a meta-block
 * of at most 16 MiB begun, its ring buffer stays within 64 MiB — and then cut and named: the rest is not audited.
 */
import type { DecodeEnv, Decoding } from './types.js';

/** The window bits of a large-window stream starting with `h`; undefined for a standard stream. */
export const largeWindowBits = (h: Uint8Array): number | undefined => (h.length >= 2 && h[0] === 0x11 ? h[1]! & 0x3f : undefined);

/** The largest large window read. */
export const BROTLI_WINDOW_LOG_MAX = 27;
/** The largest window read to its end: a larger one's output is cut at WHOLE_OUT (`bounded`). */
export const BROTLI_WHOLE_LOG = 26;
/** 2^26 less the longest meta-block (2^24): the ring buffer reaches no more than 2^26 while the output stays below it. */
const WHOLE_OUT = 2 ** BROTLI_WHOLE_LOG - 2 ** 24;

/** `env`, its output cut (and the cut named) past WHOLE_OUT for a stream of `bits` window bits over BROTLI_WHOLE_LOG. */
function bounded(env: DecodeEnv, bits: number | undefined): DecodeEnv {
  if (bits === undefined || bits <= BROTLI_WHOLE_LOG) return env;
  let out = 0;
  let said = false;
  const allow = (n: number): boolean => {
    out += n;
    if (out <= WHOLE_OUT) return env.allow(n);
    if (!said)
      env.limit(
        `a large-window brotli stream (a 2^${bits}-byte window): only its first ${WHOLE_OUT / 2 ** 20} MiB read, past them its decoder's buffer would grow to the window — the rest is not audited`,
      );
    said = true;
    return false;
  };
  return Object.create(env, { allow: { value: allow } }) as DecodeEnv;
}

/**
 * A brotli decoding that waits for the stream's first two bytes, then opens `engine(large)` — large: the stream is a
 * large-window one — and hands it what it held; a window over BROTLI_WINDOW_LOG_MAX is named instead.
 */
export function brotliWindowed(env: DecodeEnv, engine: (large: boolean, env: DecodeEnv) => Decoding): Decoding {
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
    inner = engine(bits !== undefined, bounded(env, bits));
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
