/**
 * A sink that gathers small writes into pieces of PIECE bytes before handing them on. Decoders that
 * write as they read — a base64 run a line (57 bytes) at a time, a quoted string an escape at a
 * time — made each line a push through the router and the scan, and, under a compressed stream, one
 * zlib write on the threadpool: a 16 MiB gzip'd file as 76-column base64 was 110,000 round trips
 * (17 s, and 41 MiB of V8 heap in flight). The bytes, their order and their end are the same;
 * only the size of the writes changes. A write of SMALL bytes or more goes on as it is (after what
 * was gathered), uncopied.
 */
import type { Sink } from './decoders/types.js';

/** The size of a gathered piece. */
export const PIECE = 64 * 1024;
/** Writes this large or larger are not gathered. */
const SMALL = 16 * 1024;

export function coalescing(sink: Sink): Sink {
  let piece: Buffer | undefined;
  let filled = 0;
  const flush = () => {
    if (!filled) return undefined;
    const out = piece!.subarray(0, filled);
    piece = undefined; // the next piece is a fresh buffer: the sink's consumers may keep views of this one
    filled = 0;
    return sink.write(out);
  };
  return {
    async write(bytes: Uint8Array): Promise<void> {
      if (bytes.length >= SMALL) {
        await flush();
        return sink.write(bytes);
      }
      let at = 0;
      while (at < bytes.length) {
        piece ??= Buffer.allocUnsafeSlow(PIECE);
        const n = Math.min(bytes.length - at, PIECE - filled);
        piece.set(bytes.subarray(at, at + n), filled);
        filled += n;
        at += n;
        if (filled === PIECE) await flush();
      }
    },
    async end(): Promise<void> {
      await flush();
      return sink.end();
    },
  };
}
