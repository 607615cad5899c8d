/**
 * SZDD, the file format of MS-DOS and Windows `COMPRESS.EXE` (`APP.EN_`, `SETUP.EX_`; made on Linux by mscompress,
 * read by msexpand, Wine's LZExpand, libmspack): `SZDD\x88\xf0\x27\x33`, the mode `A`, the file name's missing last
 * character, the uncompressed length (32 bits), then LZSS — a flag byte whose bits, least significant first, tell
 * each of the next eight items: a literal byte (1) or a match (0: two bytes, a 12-bit position in a 4 KiB window
 * filled with spaces and written from 4096 - 16, and a length of 3 to 18). The flag bytes cut a value's text every
 * eight literals, so no search finds it in the file's own bytes. Decoded as it streams, its output one content
 * (`APP.EN_!`) bounded by the length the header declares; what the window holds is 4 KiB. A stream that ends before
 * its declared length is named.
 */
import { startsWith, type Decoder, type DecodeEnv, type Decoding } from './types.js';

const MAGIC = [0x53, 0x5a, 0x44, 0x44, 0x88, 0xf0, 0x27, 0x33];
const HEADER = 14;
const WINDOW = 4096;
/** Output is written in pieces of this size. */
const PIECE = 64 << 10;

export const szdd: Decoder = {
  name: 'SZDD (MS compress)',
  sniff: (h) => startsWith(h, MAGIC) && h[8] === 0x41,
  // A match of 18 bytes costs 2 bytes and one flag bit.
  maxRatio: 9,
  open(env: DecodeEnv): Decoding {
    const sink = env.open();
    const window = new Uint8Array(WINDOW).fill(0x20);
    let pos = WINDOW - 16;
    const header: number[] = [];
    let declared = -1;
    let made = 0;
    let flags = 0;
    let bit = 8;
    let first = -1;
    let done = false;
    let out = Buffer.allocUnsafe(PIECE);
    let n = 0;

    const flush = async () => {
      if (!n) return;
      const piece = out.subarray(0, n);
      out = Buffer.allocUnsafe(PIECE);
      n = 0;
      if (!env.allow(piece.length)) {
        done = true;
        return;
      }
      await sink.write(piece);
    };
    const put = (b: number) => {
      window[pos] = b;
      pos = (pos + 1) & (WINDOW - 1);
      out[n++] = b;
      if (++made >= declared) done = true;
    };

    return {
      get finished() {
        return done;
      },
      async push(bytes) {
        let i = 0;
        while (declared < 0 && i < bytes.length) {
          header.push(bytes[i++]!);
          if (header.length === HEADER) declared = header[10]! | (header[11]! << 8) | (header[12]! << 16) | (header[13]! * 2 ** 24);
          if (declared === 0) done = true;
        }
        for (; i < bytes.length && !done && !env.stopped; i++) {
          const b = bytes[i]!;
          if (bit === 8) {
            flags = b;
            bit = 0;
            continue;
          }
          if (flags & (1 << bit)) {
            put(b);
            bit++;
          } else if (first < 0) first = b;
          else {
            let from = first | ((b & 0xf0) << 4);
            first = -1;
            bit++;
            for (let len = (b & 0x0f) + 3; len > 0 && !done; len--) {
              put(window[from]!);
              from = (from + 1) & (WINDOW - 1);
            }
          }
          if (n > PIECE - 32) await flush();
        }
        await flush();
      },
      async end() {
        await flush();
        await sink.end();
        if (!env.stopped && declared >= 0 && made < declared) env.limit(`an SZDD file cut short: ${made} of ${declared} bytes decoded`);
      },
    };
  },
};
