/**
 * 7-Zip's BCJ2 filter (coder 0303011B), which 7-Zip's "ultra" presets and older versions apply to x86 executables: the
 * code stream with each E8 (call), E9 (jump) and 0F 8x (conditional jump) kept, and whether its 4-byte target follows
 * told by a range coder (a probability per byte before an E8, one for E9, one for Jcc); a converted call's absolute
 * target is taken from the call stream, a jump's from the jump stream (big-endian), and written back relative to the
 * output position + 4. Four inputs, one output: the folder graph 7-Zip writes around it (three LZMA coders into its
 * first three inputs, its fourth packed as it is) is read by `sevenzip-coders.ts`, which gathers the inputs whole (they
 * are bounded by the folder's sizes) and calls `bcj2Decode`. As the LZMA SDK's Bcj2_Decode (9.20) reads it; 7-Zip 23's
 * encoder writes the same streams.
 */

const TOP = 1 << 24;
const BITS = 11;
const TOTAL = 1 << BITS;
const MOVE = 5;

/** `out` bytes of BCJ2's output from its four streams: main, call, jump, range coder; undefined when they do not decode to it. */
export function bcj2Decode(main: Uint8Array, call: Uint8Array, jump: Uint8Array, rc: Uint8Array, out: number): Uint8Array | undefined {
  const dst = new Uint8Array(out);
  const probs = new Uint16Array(258).fill(TOTAL >> 1);
  if (rc.length < 5) return out === 0 ? dst : undefined;
  let rp = 0;
  let code = 0;
  let range = 0xffffffff;
  for (let i = 0; i < 5; i++) code = ((code << 8) | rc[rp++]!) >>> 0;
  let ip = 0;
  let op = 0;
  let cp = 0;
  let jp = 0;
  let prev = 0;
  /** One bit of the range coder under `probs[i]`. */
  const bit = (i: number): number => {
    const p = probs[i]!;
    const bound = (range >>> BITS) * p;
    let b: number;
    if (code >>> 0 < bound >>> 0) {
      range = bound;
      probs[i] = p + ((TOTAL - p) >> MOVE);
      b = 0;
    } else {
      range = (range - bound) >>> 0;
      code = (code - bound) >>> 0;
      probs[i] = p - (p >> MOVE);
      b = 1;
    }
    if (range >>> 0 < TOP) {
      range = (range << 8) >>> 0;
      code = ((code << 8) | (rc[rp++] ?? 0)) >>> 0;
    }
    return b;
  };
  while (op < out) {
    // Copy up to and including the next E8/E9/Jcc opcode.
    let b = 0;
    let opcode = false;
    while (ip < main.length && op < out) {
      b = main[ip++]!;
      dst[op++] = b;
      if ((b & 0xfe) === 0xe8 || (prev === 0x0f && (b & 0xf0) === 0x80)) {
        opcode = true;
        break;
      }
      prev = b;
    }
    if (!opcode || op === out) break;
    if (bit(b === 0xe8 ? prev : b === 0xe9 ? 256 : 257) === 0) {
      prev = b;
      continue;
    }
    const src = b === 0xe8 ? call : jump;
    const at = b === 0xe8 ? cp : jp;
    if (at + 4 > src.length) return undefined;
    const abs = ((src[at]! << 24) | (src[at + 1]! << 16) | (src[at + 2]! << 8) | src[at + 3]!) >>> 0;
    if (b === 0xe8) cp += 4;
    else jp += 4;
    const rel = (abs - (op + 4)) >>> 0;
    for (let k = 0; k < 4 && op < out; k++) dst[op++] = (rel >>> (8 * k)) & 0xff;
    prev = rel >>> 24;
  }
  return op === out ? dst : undefined;
}
