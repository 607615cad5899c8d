/**
 * lrzip files (`.lrz`, `.tar.lrz`: rzip's long-range deduplication, then LZMA, bzip2, gzip, LZO or
 * ZPAQ per chunk), named rather than passed in silence: the rzip stage's stream of matches and
 * literals, in chunks of its own format, is not decoded by the audit. Told by the 24-byte header of
 * lrzip 0.6+: `LRZI`, major version 0, a minor version, and its MD5 and encryption flags (each 0 or
 * 1) before a zero byte; the file's bytes as they are are still scanned like every file's.
 */
import { startsWith, type Decoder, type DecodeEnv, type Decoding } from './types.js';

export const isLrzip = (h: Uint8Array): boolean =>
  startsWith(h, [0x4c, 0x52, 0x5a, 0x49, 0]) && h.length >= 24 && h[5]! >= 6 && h[5]! <= 9 && h[21]! <= 1 && h[22]! <= 1 && h[23] === 0;

export const lrzip: Decoder = {
  name: 'lrzip file',
  sniff: isLrzip,
  open(env: DecodeEnv): Decoding {
    return {
      push() {},
      end() {
        if (!env.stopped) env.limit('an lrzip file (rzip long-range stage, then LZMA or others per chunk), which the audit does not decode');
      },
    };
  },
};
