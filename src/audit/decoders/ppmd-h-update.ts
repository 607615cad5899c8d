/**
 * PPMd var. H's model updated after each symbol (`ppmd-h-model.ts` holds the arena): the found
 * state's frequency raised, the contexts from the longest down to the one that coded it given the
 * symbol, new contexts made for the text that follows, statistics rescaled past MAX_FREQ; the
 * model restarted when its arena is full, as the encoder did.
 */
import { MAX_FREQ, UNIT, UNITS2INDX, type PpmdHModel } from './ppmd-h-model.js';

const u2i = (nu: number) => UNITS2INDX[nu - 1]!;

/** The state of `c` for `symbol` (`c` has several). */
function stateOf(p: PpmdHModel, c: number, symbol: number): number {
  let s = p.stats(c);
  while (p.m[s] !== symbol) if ((s += 6) >= p.m.length) throw new RangeError('no state for the symbol');
  return s;
}

/** New one-state contexts along the suffixes for the found state's successor text; 0 when the arena is full. */
function createSuccessors(p: PpmdHModel, skip: boolean): number {
  let c = p.minContext;
  const upBranch = p.successor(p.foundState);
  const fsSymbol = p.m[p.foundState]!;
  const ps: number[] = skip ? [] : [p.foundState];
  while (p.suffix(c)) {
    c = p.suffix(c);
    const s = p.numStats(c) !== 1 ? stateOf(p, c, fsSymbol) : c + 2;
    const successor = p.successor(s);
    if (successor !== upBranch) {
      c = successor;
      if (ps.length === 0) return c;
      break;
    }
    ps.push(s);
  }
  const upSymbol = p.m[upBranch]!;
  let upFreq: number;
  if (p.numStats(c) === 1) upFreq = p.m[c + 3]!;
  else {
    const s = stateOf(p, c, upSymbol);
    const cf = p.m[s + 1]! - 1;
    const s0 = (p.summFreq(c) - p.numStats(c) - cf) >>> 0;
    upFreq = (1 + (2 * cf <= s0 ? (5 * cf > s0 ? 1 : 0) : Math.floor((2 * cf + 3 * s0 - 1) / (2 * s0)))) & 0xff;
  }
  do {
    let c1: number;
    if (p.hiUnit !== p.loUnit) c1 = p.hiUnit -= UNIT;
    else if (p.freeList[0] !== 0) c1 = p.removeNode(0);
    else {
      c1 = p.allocUnitsRare(0);
      if (!c1) return 0;
    }
    p.set16(c1, 1);
    p.setState(c1 + 2, upSymbol, upFreq, upBranch + 1);
    p.set32(c1 + 8, c);
    p.set32(ps.pop()! + 2, c1);
    c = c1;
  } while (ps.length !== 0);
  return c;
}

/** The suffix of the coding context given a little of the found symbol too. */
function raiseSuffix(p: PpmdHModel): void {
  const c = p.suffix(p.minContext);
  const symbol = p.m[p.foundState]!;
  if (p.numStats(c) === 1) {
    if (p.m[c + 3]! < 32) p.m[c + 3]!++;
    return;
  }
  let s = p.stats(c);
  if (p.m[s] !== symbol) {
    s = stateOf(p, c, symbol);
    if (p.m[s + 1]! >= p.m[s - 6 + 1]!) {
      p.swapStates(s, s - 6);
      s -= 6;
    }
  }
  if (p.m[s + 1]! < MAX_FREQ - 9) {
    p.m[s + 1]! += 2;
    p.set16(c + 2, p.summFreq(c) + 2);
  }
}

/** Context `c` (not the coding one) given the found symbol; false when the arena is full. */
function addSymbol(p: PpmdHModel, c: number, ns: number, s0: number, successor: number): boolean {
  const ns1 = p.numStats(c);
  if (ns1 !== 1) {
    if ((ns1 & 1) === 0) {
      const oldNU = ns1 >> 1;
      const i = u2i(oldNU);
      if (i !== u2i(oldNU + 1)) {
        const ptr = p.allocUnits(i + 1);
        if (!ptr) return false;
        const old = p.stats(c);
        p.copyUnits(ptr, old, oldNU);
        p.insertNode(old, i);
        p.set32(c + 4, ptr);
      }
    }
    const sf = p.summFreq(c);
    p.set16(c + 2, sf + (2 * ns1 < ns ? 1 : 0) + 2 * (4 * ns1 <= ns && sf <= 8 * ns1 ? 1 : 0));
  } else {
    const s = p.allocUnits(0);
    if (!s) return false;
    p.m.copyWithin(s, c + 2, c + 8);
    p.set32(c + 4, s);
    p.m[s + 1] = p.m[s + 1]! < MAX_FREQ / 4 - 1 ? p.m[s + 1]! << 1 : MAX_FREQ - 4;
    p.set16(c + 2, p.m[s + 1]! + p.initEsc + (ns > 3 ? 1 : 0));
  }
  let cf = 2 * p.m[p.foundState + 1]! * (p.summFreq(c) + 6);
  const sf = s0 + p.summFreq(c);
  if (cf < 6 * sf) {
    cf = 1 + (cf > sf ? 1 : 0) + (cf >= 4 * sf ? 1 : 0);
    p.set16(c + 2, p.summFreq(c) + 3);
  } else {
    cf = 4 + (cf >= 9 * sf ? 1 : 0) + (cf >= 12 * sf ? 1 : 0) + (cf >= 15 * sf ? 1 : 0);
    p.set16(c + 2, p.summFreq(c) + cf);
  }
  p.setState(p.stats(c) + ns1 * 6, p.m[p.foundState]!, cf, successor);
  p.set16(c, ns1 + 1);
  return true;
}

export function updateModel(p: PpmdHModel): void {
  let fSuccessor = p.successor(p.foundState);
  if (p.m[p.foundState + 1]! < MAX_FREQ / 4 && p.suffix(p.minContext) !== 0) raiseSuffix(p);
  if (p.orderFall === 0) {
    p.minContext = p.maxContext = createSuccessors(p, true);
    if (p.minContext === 0) return p.restart();
    p.set32(p.foundState + 2, p.minContext);
    return;
  }
  p.m[p.text++] = p.m[p.foundState]!;
  let successor = p.text;
  if (p.text >= p.unitsStart) return p.restart();
  if (fSuccessor) {
    if (fSuccessor <= successor) {
      const cs = createSuccessors(p, false);
      if (cs === 0) return p.restart();
      fSuccessor = cs;
    }
    if (--p.orderFall === 0) {
      successor = fSuccessor;
      if (p.maxContext !== p.minContext) p.text--;
    }
  } else {
    p.set32(p.foundState + 2, successor);
    fSuccessor = p.minContext;
  }
  const ns = p.numStats(p.minContext);
  const s0 = (p.summFreq(p.minContext) - ns - (p.m[p.foundState + 1]! - 1)) >>> 0;
  for (let c = p.maxContext; c !== p.minContext; c = p.suffix(c)) if (!addSymbol(p, c, ns, s0, successor)) return p.restart();
  p.maxContext = p.minContext = fSuccessor;
}

/** The coding context's frequencies halved (its found state moved first), states left at 0 dropped. */
function rescale(p: PpmdHModel): void {
  const mc = p.minContext;
  const stats = p.stats(mc);
  let s = p.foundState;
  const tmp = p.m.slice(s, s + 6);
  p.m.copyWithin(stats + 6, stats, s);
  p.m.set(tmp, stats);
  s = stats;
  let escFreq = p.summFreq(mc) - p.m[s + 1]!;
  const adder = p.orderFall !== 0 ? 1 : 0;
  p.m[s + 1] = (p.m[s + 1]! + 4 + adder) >> 1;
  let sumFreq = p.m[s + 1]!;
  let i = p.numStats(mc) - 1;
  do {
    s += 6;
    escFreq -= p.m[s + 1]!;
    p.m[s + 1] = (p.m[s + 1]! + adder) >> 1;
    sumFreq += p.m[s + 1]!;
    if (p.m[s + 1]! > p.m[s - 6 + 1]!) {
      const t = p.m.slice(s, s + 6);
      let s1 = s;
      do s1 -= 6;
      while (s1 !== stats && t[1]! > p.m[s1 - 6 + 1]!);
      p.m.copyWithin(s1 + 6, s1, s);
      p.m.set(t, s1);
    }
  } while (--i);
  if (p.m[s + 1] === 0) {
    const numStats = p.numStats(mc);
    do i++;
    while (p.m[(s -= 6) + 1] === 0);
    escFreq += i;
    p.set16(mc, numStats - i);
    if (p.numStats(mc) === 1) {
      const t = p.m.slice(stats, stats + 6);
      do {
        t[1] = t[1]! - (t[1]! >> 1);
        escFreq >>>= 1;
      } while (escFreq > 1);
      p.insertNode(stats, u2i((numStats + 1) >> 1));
      p.foundState = mc + 2;
      p.m.set(t, mc + 2);
      return;
    }
    const n0 = (numStats + 1) >> 1;
    const n1 = (p.numStats(mc) + 1) >> 1;
    if (n0 !== n1) p.set32(mc + 4, p.shrinkUnits(stats, n0, n1));
  }
  p.set16(mc + 2, sumFreq + escFreq - (escFreq >>> 1));
  p.foundState = p.stats(mc);
}

function nextContext(p: PpmdHModel): void {
  const c = p.successor(p.foundState);
  if (p.orderFall === 0 && c > p.text) p.minContext = p.maxContext = c;
  else updateModel(p);
}

/** The first state of a context of several coded the symbol. */
export function update1_0(p: PpmdHModel): void {
  const fs = p.foundState;
  p.prevSuccess = 2 * p.m[fs + 1]! > p.summFreq(p.minContext) ? 1 : 0;
  p.runLength += p.prevSuccess;
  p.set16(p.minContext + 2, p.summFreq(p.minContext) + 4);
  if ((p.m[fs + 1]! += 4) > MAX_FREQ) rescale(p);
  nextContext(p);
}

/** Another state of a context of several coded it. */
export function update1(p: PpmdHModel): void {
  let s = p.foundState;
  p.m[s + 1]! += 4;
  p.set16(p.minContext + 2, p.summFreq(p.minContext) + 4);
  if (p.m[s + 1]! > p.m[s - 6 + 1]!) {
    p.swapStates(s, s - 6);
    p.foundState = s -= 6;
    if (p.m[s + 1]! > MAX_FREQ) rescale(p);
  }
  nextContext(p);
}

/** A binary context's state coded it. */
export function updateBin(p: PpmdHModel): void {
  const fs = p.foundState;
  p.m[fs + 1] = p.m[fs + 1]! + (p.m[fs + 1]! < 128 ? 1 : 0);
  p.prevSuccess = 1;
  p.runLength++;
  nextContext(p);
}

/** It was coded after an escape. */
export function update2(p: PpmdHModel): void {
  p.set16(p.minContext + 2, p.summFreq(p.minContext) + 4);
  if ((p.m[p.foundState + 1]! += 4) > MAX_FREQ) rescale(p);
  p.runLength = p.initRL;
  updateModel(p);
}
