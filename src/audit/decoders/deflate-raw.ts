/**
 * Deflate with no header at all, a file of its own: PHP's `gzdeflate` (cache entries, sessions),
 * .NET's `DeflateStream`, Java's `Deflater(nowrap)`, Python's `zlib.compressobj(wbits=-15)`. No magic
 * number says so, so the content is tried only when nothing else claimed it and its first bytes are
 * not text: they must start a deflate block whose header holds (`deflateHeaderHolds`) and inflate to
 * text — at least 32 bytes of it, or a whole stream of at least 16 ending within them. Random bytes
 * pass that about once in 10^9 (a literal is printable about four times in ten under the fixed code);
 * a binary deflated (no text to show) is not claimed, and stays a gap.
 */
import { isUtf8 } from 'node:buffer';
import { constants, inflateRawSync } from 'node:zlib';
import { deflateHeaderHolds, rawDeflate } from './native.js';
import { looksText } from './trial.js';
import { DEFLATE_MAX_RATIO, TRIAL_CHUNK, trial, type Decoder } from './types.js';

/** Text with no control byte but tab and line breaks, and UTF-8 (a sequence cut at the end aside). */
function allText(out: Buffer): boolean {
  for (const b of out) if ((b < 0x20 && b !== 9 && b !== 10 && b !== 13) || b === 0x7f) return false;
  for (let cut = 0; cut <= 3 && cut < out.length; cut++) if (isUtf8(out.subarray(0, out.length - cut))) return true;
  return false;
}

const LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE = [
  1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
];
/** Literals a fixed-code block must open with, all text, to be taken for deflate (random bytes: about 0.45 a symbol). */
const LITERALS = 32;

/**
 * A first block under deflate's fixed code, read in JavaScript as far as it must be to judge it:
 * 'text' once LITERALS literals (or a whole short stream of 16) came with no control byte and every
 * copy within the output, 'no' at the first that is not. Random bytes take this path one time in four
 * and fail within a few symbols; zlib, far dearer to start, is asked only after 'text'.
 */
function fixedBlock(d: Uint8Array): 'text' | 'no' {
  let pos = 3;
  const bit = () => {
    const byte = d[pos >> 3];
    if (byte === undefined) throw RangeError();
    return (byte >> (pos++ & 7)) & 1;
  };
  const bits = (n: number) => {
    let v = 0;
    for (let i = 0; i < n; i++) v |= bit() << i;
    return v;
  };
  /** A Huffman code of `n` bits, read most significant bit first. */
  const code = (v: number, n: number) => {
    for (let i = 0; i < n; i++) v = (v << 1) | bit();
    return v;
  };
  let literals = 0;
  let out = 0;
  try {
    for (;;) {
      let sym: number;
      const c7 = code(0, 7);
      if (c7 <= 23) sym = 256 + c7;
      else {
        const c8 = code(c7, 1);
        if (c8 >= 48 && c8 <= 191) sym = c8 - 48;
        else if (c8 >= 192 && c8 <= 199) sym = 280 + c8 - 192;
        else sym = 144 + code(c8, 1) - 400;
      }
      if (sym < 256) {
        if ((sym < 0x20 && sym !== 9 && sym !== 10 && sym !== 13) || sym === 0x7f) return 'no';
        out++;
        if (++literals >= LITERALS) return 'text';
        continue;
      }
      // The end of the block: a whole stream of text if it is the last and ends the content (a short file).
      if (sym === 256) return d[0]! & 1 && literals >= 16 && (pos + 7) >> 3 === d.length ? 'text' : 'no';
      if (sym > 285) return 'no';
      const len = LENGTH_BASE[sym - 257]! + bits(LENGTH_EXTRA[sym - 257]!);
      const dc = code(0, 5);
      if (dc > 29) return 'no';
      const dist = DIST_BASE[dc]! + bits(dc < 4 ? 0 : (dc >> 1) - 1);
      if (dist > out) return 'no';
      out += len;
    }
  } catch {
    return 'no'; // the head ended first
  }
}

/** Whether `head` starts a headerless deflate stream of text. */
export function sniffRawDeflate(head: Uint8Array): boolean {
  if (head.length < 8 || !deflateHeaderHolds(head, 0) || looksText(head)) return false;
  if (((head[0]! >> 1) & 3) === 1 && fixedBlock(head) === 'no') return false;
  const whole = trial(() => inflateRawSync(head, { maxOutputLength: 1 << 20, chunkSize: TRIAL_CHUNK }));
  if (whole instanceof Buffer) return whole.length >= 16 && allText(whole.subarray(0, 4096));
  const part = trial(() => inflateRawSync(head, { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: 1 << 20, chunkSize: TRIAL_CHUNK }));
  return part instanceof Buffer && part.length >= 32 && allText(part.subarray(0, Math.min(part.length - 4, 4096)));
}

export const deflateRaw: Decoder = {
  name: 'raw deflate',
  sniff: (h) => sniffRawDeflate(h),
  open: (env) => rawDeflate(env),
  maxRatio: DEFLATE_MAX_RATIO,
};
