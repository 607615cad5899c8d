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
/** The size of a content's first piece before it grows. */
const FIRST = 4 * 1024;
/** Writes this large or larger are not gathered. */
const SMALL = 16 * 1024;

export function coalescing(sink: Sink): Sink {
  let piece: Buffer | undefined;
  let filled = 0;
  /** A piece was handed on: the next ones are PIECE bytes from the start. */
  let whole = false;
  const flush = () => {
    if (!filled) return undefined;
    const out = piece!.subarray(0, filled);
    whole = true;
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
        // A content's first piece grows to PIECE (FIRST, 4 and 16 times that) as it fills: a content of a few small
        // writes (a routed copy of 2 KiB, a short run) was a 64 KiB buffer each, 6 GiB made and dropped over a layer
        // of 18,131 man pages (GC was a third of the time). After one piece, whole pieces.
        if (!piece) piece = Buffer.allocUnsafeSlow(whole ? PIECE : FIRST);
        else if (filled === piece.length) {
          const bigger = Buffer.allocUnsafeSlow(Math.min(piece.length * 4, PIECE));
          bigger.set(piece.subarray(0, filled));
          piece = bigger;
        }
        const n = Math.min(bytes.length - at, piece.length - filled);
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
