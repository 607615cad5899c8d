/**
 * PPMd var. H as 7-Zip writes it (`7z a -m0=PPMd`, coder 030401; `-mx=9` text archives): 5
 * property bytes — the model's order (2–64) and its arena's size — then the symbols range-coded
 * with 7-Zip's coder (a zero byte, then a 32-bit code). The model (`ppmd-h-model.ts`,
 * `ppmd-h-update.ts`) is rebuilt exactly as the encoder's; decoding is one symbol at a time, fed
 * as the packed stream comes (symbols are decoded only while a margin of input is held, so the
 * stream is never gathered), output handed on in 64 KiB pieces. Bounds: an arena over MAX_MEMORY
 * is named, never allocated (a header asking 4 GiB); a cut or damaged stream is named after what
 * decoded before it was handed on.
 */
import { HB2FLAG, NS2BSINDX, NS2INDX, PpmdHModel } from './ppmd-h-model.js';
import { update1, update1_0, update2, updateBin } from './ppmd-h-update.js';
import type { Emit } from './lzma.js';
import type { Decoding } from './types.js';

/** The largest arena the audit builds: 7-Zip's `-mx=9` PPMd asks 192 MiB. */
export const MAX_MEMORY = 256 << 20;
const EXP_ESCAPE = [25, 14, 9, 7, 5, 5, 4, 4, 4, 3, 3, 3, 2, 2, 2, 2];
const TOP = 1 << 24;
/** Input held unread before a symbol is decoded: one symbol reads at most ~2 bytes per order escaped (64 at most). */
const MARGIN = 1024;
const PIECE = 64 << 10;
/** Where escFreq leaves the SEE context it used (decoding is synchronous: one at a time). */
const SEE = new Int32Array(1);

/** 7-Zip's range decoder over the input held so far; bytes read past its end count as `over`. */
class RangeDecoder {
  range = 0xffffffff;
  code = 0;
  buf = new Uint8Array(0);
  pos = 0;
  over = 0;

  byte(): number {
    if (this.pos < this.buf.length) return this.buf[this.pos++]!;
    this.over++;
    return 0;
  }

  /** False when the stream does not start as one (a first byte other than 0, a code of all ones). */
  init(): boolean {
    if (this.byte() !== 0) return false;
    for (let i = 0; i < 4; i++) this.code = ((this.code << 8) | this.byte()) >>> 0;
    return this.code < 0xffffffff;
  }

  threshold(total: number): number {
    this.range = Math.floor(this.range / total);
    return Math.floor(this.code / this.range);
  }

  normalize(): void {
    for (let k = 0; k < 2 && this.range < TOP; k++) {
      this.code = ((this.code << 8) | this.byte()) >>> 0;
      this.range = (this.range << 8) >>> 0;
    }
  }

  decode(start: number, size: number): void {
    this.code = (this.code - start * this.range) >>> 0;
    this.range = (this.range * size) >>> 0;
    this.normalize();
  }

  bit(size0: number): number {
    const bound = ((this.range >>> 14) * size0) >>> 0;
    let bit = 0;
    if (this.code < bound) this.range = bound;
    else {
      bit = 1;
      this.code = (this.code - bound) >>> 0;
      this.range = (this.range - bound) >>> 0;
    }
    this.normalize();
    return bit;
  }
}

/** The BinSumm slot of the coding context (one state). */
function binSlot(p: PpmdHModel): number {
  const one = p.minContext + 2;
  p.hiBitsFlag = HB2FLAG[p.m[p.foundState]!]!;
  const col = p.prevSuccess + NS2BSINDX[p.numStats(p.suffix(p.minContext)) - 1]! + p.hiBitsFlag + 2 * HB2FLAG[p.m[one]!]! + ((p.runLength >> 26) & 0x20);
  return (p.m[one + 1]! - 1) * 64 + col;
}

/** The SEE context for an escape from the coding context with `numMasked` symbols masked (its index in `at[0]`): its escape frequency. */
function escFreq(p: PpmdHModel, numMasked: number, at: Int32Array): number {
  const mc = p.minContext;
  const ns = p.numStats(mc);
  at[0] = 400;
  if (ns === 256) return 1;
  const nonMasked = ns - numMasked;
  const see =
    NS2INDX[nonMasked - 1]! * 16 +
    (nonMasked < (p.numStats(p.suffix(mc)) - ns) >>> 0 ? 1 : 0) +
    2 * (p.summFreq(mc) < 11 * ns ? 1 : 0) +
    4 * (numMasked > nonMasked ? 1 : 0) +
    p.hiBitsFlag;
  const r = p.seeSumm[see]! >> p.seeShift[see]!;
  p.seeSumm[see] = p.seeSumm[see]! - r;
  at[0] = see;
  return r + (r === 0 ? 1 : 0);
}

/** The first try, in the coding context: the symbol, or -3 (escaped: masked symbols in `mask`), -2 (damaged). */
function decodeFirst(p: PpmdHModel, rc: RangeDecoder, mask: Int8Array): number {
  const mc = p.minContext;
  if (p.numStats(mc) === 1) {
    const slot = binSlot(p);
    const prob = p.binSumm[slot]!;
    const mean = (prob + 32) >> 7;
    if (rc.bit(prob) === 0) {
      p.binSumm[slot] = prob + 128 - mean;
      p.foundState = mc + 2;
      updateBin(p);
      return p.m[mc + 2]!;
    }
    p.binSumm[slot] = prob - mean;
    p.initEsc = EXP_ESCAPE[p.binSumm[slot]! >> 10]!;
    mask.fill(-1);
    mask[p.m[mc + 2]!] = 0;
    p.prevSuccess = 0;
    return -3;
  }
  let s = p.stats(mc);
  const count = rc.threshold(p.summFreq(mc));
  let hiCnt = p.m[s + 1]!;
  if (count < hiCnt) {
    rc.decode(0, hiCnt);
    p.foundState = s;
    const symbol = p.m[s]!;
    update1_0(p);
    return symbol;
  }
  p.prevSuccess = 0;
  for (let i = p.numStats(mc) - 1; i > 0; i--) {
    s += 6;
    if ((hiCnt += p.m[s + 1]!) > count) {
      rc.decode(hiCnt - p.m[s + 1]!, p.m[s + 1]!);
      p.foundState = s;
      const symbol = p.m[s]!;
      update1(p);
      return symbol;
    }
  }
  if (count >= p.summFreq(mc)) return -2;
  p.hiBitsFlag = HB2FLAG[p.m[p.foundState]!]!;
  rc.decode(hiCnt, p.summFreq(mc) - hiCnt);
  mask.fill(-1);
  for (let i = p.numStats(mc), t = p.stats(mc); i > 0; i--, t += 6) mask[p.m[t]!] = 0;
  return -3;
}

/** One symbol: 0–255, -1 (the end mark: an escape from the root), -2 (damaged). */
export function decodeSymbol(p: PpmdHModel, rc: RangeDecoder, mask: Int8Array, ps: Int32Array): number {
  const first = decodeFirst(p, rc, mask);
  if (first !== -3) return first;
  for (;;) {
    const numMasked = p.numStats(p.minContext);
    do {
      p.orderFall++;
      if (!p.suffix(p.minContext)) return -1;
      p.minContext = p.suffix(p.minContext);
    } while (p.numStats(p.minContext) === numMasked);
    let hiCnt = 0;
    let n = 0;
    const num = p.numStats(p.minContext) - numMasked;
    for (let s = p.stats(p.minContext); n !== num; s += 6) {
      if (s >= p.m.length) return -2;
      if (mask[p.m[s]!]) {
        hiCnt += p.m[s + 1]!;
        ps[n++] = s;
      }
    }
    const esc = escFreq(p, numMasked, SEE);
    const see = SEE[0]!;
    const freqSum = esc + hiCnt;
    const count = rc.threshold(freqSum);
    if (count < hiCnt) {
      let k = 0;
      for (hiCnt = p.m[ps[0]! + 1]!; hiCnt <= count;) hiCnt += p.m[ps[++k]! + 1]!;
      const s = ps[k]!;
      rc.decode(hiCnt - p.m[s + 1]!, p.m[s + 1]!);
      p.seeUpdate(see);
      p.foundState = s;
      const symbol = p.m[s]!;
      update2(p);
      return symbol;
    }
    if (count >= freqSum) return -2;
    rc.decode(hiCnt, freqSum - hiCnt);
    p.seeSumm[see] = p.seeSumm[see]! + freqSum;
    while (n > 0) mask[p.m[ps[--n]!]!] = 0;
  }
}

/** A 7z PPMd coder's properties: its order and arena size, or why they are not read. */
export function ppmdProps(props: Uint8Array): { order: number; memory: number } | string {
  if (props.length < 5) return 'PPMd properties that cannot be read';
  const order = props[0]!;
  const memory = new DataView(props.buffer, props.byteOffset + 1, 4).getUint32(0, true);
  if (order < 2 || order > 64 || memory < 2048 || memory > 0xffffffff - 36) return `PPMd properties that cannot be read (order ${order}, memory ${memory})`;
  if (memory > MAX_MEMORY) return `a PPMd model of ${Math.ceil(memory / 2 ** 20)} MiB, over the ${MAX_MEMORY >> 20} MiB the audit builds`;
  return { order, memory };
}

/** A 7z PPMd coder as a stage: `size` bytes decoded to `emit`; damage, a cut or an arena too large told to `fail`. */
export function ppmdRun(props: Uint8Array, size: number, emit: Emit, fail: (why: string) => void): Decoding {
  const read = ppmdProps(props);
  if (typeof read === 'string') {
    fail(read);
    return { push: () => undefined, end: () => undefined };
  }
  const p = new PpmdHModel(read.memory, read.order);
  const rc = new RangeDecoder();
  const mask = new Int8Array(256);
  const ps = new Int32Array(256);
  let out = new Uint8Array(PIECE);
  let held = 0;
  let done = 0;
  let state: 'start' | 'run' | 'over' = 'start';
  const flush = async () => {
    const piece = out.subarray(0, held);
    out = new Uint8Array(PIECE);
    held = 0;
    if (piece.length && !(await emit(piece))) state = 'over';
  };
  /** What decoded before the damage handed on, then the damage named. */
  const stop = async (why: string) => {
    if (state !== 'over') await flush();
    state = 'over';
    fail(why);
  };
  const next = () => {
    try {
      return decodeSymbol(p, rc, mask, ps);
    } catch {
      return -2;
    }
  };
  const run = async (final: boolean) => {
    if (state === 'start') {
      if (!final && rc.buf.length - rc.pos < 5) return;
      if (!rc.init()) return stop('a PPMd stream that does not start as one');
      state = 'run';
    }
    while (state === 'run' && done < size && (final || rc.buf.length - rc.pos >= MARGIN)) {
      const symbol = next();
      if (symbol < 0) return stop(symbol === -1 ? `a PPMd stream that ends after ${done} of its ${size} bytes` : 'a damaged PPMd stream');
      if (rc.over > 0) return stop('a PPMd stream cut short');
      out[held++] = symbol;
      done++;
      if (held === PIECE) await flush();
    }
  };
  return {
    async push(b) {
      if (state === 'over') return;
      rc.buf = rc.pos < rc.buf.length ? Buffer.concat([rc.buf.subarray(rc.pos), b]) : b.slice();
      rc.pos = 0;
      await run(false);
    },
    async end() {
      if (state === 'over') return;
      await run(true);
      if (state === 'run' && done < size) await stop('a PPMd stream cut short');
      else if (state === 'run' && rc.code !== 0) await stop('a damaged PPMd stream (its coder does not end at zero)');
      else if (state === 'run') await flush();
    },
  };
}
