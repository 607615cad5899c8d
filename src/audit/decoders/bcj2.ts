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

import type { DecodeEnv } from './types.js';

type Emit = (bytes: Uint8Array) => Promise<boolean>;

/** The most a BCJ2 block's output is gathered (its folder's sizes say what each is): a larger block is named, as the gathering decoders do past 64 MiB. */
export const BCJ2_MAX = 64 << 20;

/** One of BCJ2's four inputs: a pack stream as it is, or one coder's output, written to `keep` while it says more. */
export interface Bcj2Source {
  /** Its length as the folder declares it. */
  readonly size: number;
  /** Writes its bytes to `keep` until they end or `keep` answers false; false when they do not decode. */
  read(keep: Emit): Promise<boolean>;
}

/**
 * A BCJ2 block of `size` bytes from `packed` bytes of pack streams: its inputs gathered, then decoded, its output written to
 * `emit` in `slice`s. The output is made only as far as the expansion bound would let `packed` bytes make it (`ratio` ×
 * packed + 1 MiB, the router's bound on a content), and each input gathered only as far as that prefix can need — a byte
 * of output takes one byte of the main stream or of the call or jump stream, a branch at most one of the range coder's —,
 * into one buffer of that size (gathered in pieces, then joined, each input was held twice). A block that would make more
 * is named a bomb once that prefix is read. Before, a 44 KB archive of 60 MiB of calls (`7zz a -mf=BCJ2`) gathered all
 * four inputs and the output whole before the bound named it: 325 MiB of peak RSS in a child decoding it alone.
 */
export async function decodeBcj2Block(
  sources: readonly Bcj2Source[],
  size: number,
  packed: number,
  env: Pick<DecodeEnv, 'ratio' | 'stopped' | 'limit'>,
  emit: Emit,
  fail: (why: string) => void,
  slice: number,
): Promise<void> {
  if (size > BCJ2_MAX) return fail(`a BCJ2 block of ${size} bytes, more than the ${BCJ2_MAX} gathered`);
  const reach = Math.min(size, env.ratio * packed + (1 << 20));
  const inputs: Uint8Array[] = [];
  for (const source of sources) {
    const got = env.stopped ? undefined : await gather(source, reach + 5, env);
    if (!got) return env.stopped ? undefined : fail('a BCJ2 input that does not decode');
    inputs.push(got);
  }
  const out = bcj2Decode(inputs[0]!, inputs[1]!, inputs[2]!, inputs[3]!, reach, reach < size);
  inputs.length = 0;
  if (!out) return fail('BCJ2 streams that do not decode');
  for (let i = 0; i < out.length; i += slice) if (!(await emit(out.subarray(i, i + slice)))) return;
  if (reach < size && !env.stopped) env.limit(`it expands more than ${env.ratio} times (a decompression bomb?): the rest is not audited`);
}

/** One input's first `cap` bytes (all of it when shorter), in one buffer; undefined when it does not decode or passes its size. */
async function gather(source: Bcj2Source, cap: number, env: Pick<DecodeEnv, 'stopped'>): Promise<Uint8Array | undefined> {
  const held = new Uint8Array(Math.min(source.size, cap));
  let at = 0;
  let over = false;
  const keep: Emit = async (b) => {
    const n = Math.min(b.length, held.length - at);
    held.set(n === b.length ? b : b.subarray(0, n), at);
    at += n;
    // Past its declared size: damaged. Past the cap only: the rest is not needed.
    if (n < b.length && held.length === source.size) over = true;
    return at < held.length && !env.stopped;
  };
  if (!(await source.read(keep)) || over) return undefined;
  return at === held.length ? held : held.subarray(0, at);
}

const TOP = 1 << 24;
const BITS = 11;
const TOTAL = 1 << BITS;
const MOVE = 5;

/**
 * `out` bytes of BCJ2's output from its four streams: main, call, jump, range coder; undefined when they do not decode to it.
 * `prefix`: the streams are their first bytes only (`decodeBcj2Block`): where they run out, the output made so far.
 */
export function bcj2Decode(main: Uint8Array, call: Uint8Array, jump: Uint8Array, rc: Uint8Array, out: number, prefix = false): Uint8Array | undefined {
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
    if (at + 4 > src.length) return prefix ? dst.subarray(0, op) : undefined;
    const abs = ((src[at]! << 24) | (src[at + 1]! << 16) | (src[at + 2]! << 8) | src[at + 3]!) >>> 0;
    if (b === 0xe8) cp += 4;
    else jp += 4;
    const rel = (abs - (op + 4)) >>> 0;
    for (let k = 0; k < 4 && op < out; k++) dst[op++] = (rel >>> (8 * k)) & 0xff;
    prev = rel >>> 24;
  }
  return op === out ? dst : prefix ? dst.subarray(0, op) : undefined;
}
