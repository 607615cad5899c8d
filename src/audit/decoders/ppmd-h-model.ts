/**
 * PPMd var. H's model (Dmitry Shkarin's PPMd, 2001; the model 7-Zip's PPMd coder 030401 uses):
 * contexts, their symbol statistics and the text they were seen in, kept in one arena of the
 * size the stream's properties give, laid out byte for byte as the encoder kept it — 12-byte
 * units, 6-byte states, offsets into the arena as references — because what the encoder did when
 * the arena filled (freeing, gluing, restarting the model) decides the statistics the decoder
 * must share. Written from the format's description; `ppmd-h.ts` decodes symbols with it.
 */

export const UNIT = 12;
const NUM_INDEXES = 38;
export const MAX_FREQ = 124;
const PERIOD_BITS = 7;
const BIN_SCALE = 1 << 14;
const INIT_BIN_ESC = [0x3cdd, 0x1f3f, 0x59bf, 0x48f3, 0x64a1, 0x5abc, 0x6632, 0x6051];

export const INDX2UNITS = new Uint8Array(NUM_INDEXES);
export const UNITS2INDX = new Uint8Array(128);
export const NS2INDX = new Uint8Array(256);
export const NS2BSINDX = new Uint8Array(256);
export const HB2FLAG = new Uint8Array(256);
{
  let k = 0;
  for (let i = 0; i < NUM_INDEXES; i++) {
    for (let step = i >= 12 ? 4 : (i >> 2) + 1; step > 0; step--) UNITS2INDX[k++] = i;
    INDX2UNITS[i] = k;
  }
  NS2BSINDX.fill(4, 2, 11).fill(6, 11);
  NS2BSINDX[1] = 2;
  for (let i = 0; i < 3; i++) NS2INDX[i] = i;
  for (let i = 3, m = 3, n = 1; i < 256; i++) {
    NS2INDX[i] = m;
    if (--n === 0) n = ++m - 2;
  }
  HB2FLAG.fill(8, 0x40);
}
const u2i = (nu: number) => UNITS2INDX[nu - 1]!;

/** The model's arena and state. A context is `numStats u16, summFreq u16, stats u32, suffix u32` (one state inline from byte 2 when it has one); a state is `symbol, freq, successor u32`. */
export class PpmdHModel {
  readonly m: Uint8Array;
  readonly v: DataView;
  readonly freeList = new Uint32Array(NUM_INDEXES);
  readonly binSumm = new Uint16Array(128 * 64);
  /** 25 × 16 SEE contexts and, at 400, the dummy one (shift 7: never adapts). */
  readonly seeSumm = new Uint16Array(401);
  readonly seeShift = new Uint8Array(401);
  readonly seeCount = new Uint8Array(401);
  readonly align: number;
  minContext = 0;
  maxContext = 0;
  foundState = 0;
  orderFall = 0;
  initEsc = 0;
  prevSuccess = 0;
  hiBitsFlag = 0;
  runLength = 0;
  initRL = 0;
  glueCount = 0;
  loUnit = 0;
  hiUnit = 0;
  text = 0;
  unitsStart = 0;

  constructor(
    readonly size: number,
    readonly maxOrder: number,
  ) {
    this.align = 4 - (size & 3);
    this.m = new Uint8Array(this.align + size + UNIT);
    this.v = new DataView(this.m.buffer);
    this.restart();
    this.seeShift[400] = PERIOD_BITS;
    this.seeCount[400] = 64;
  }

  u16 = (o: number) => this.m[o]! | (this.m[o + 1]! << 8);
  u32 = (o: number) => this.v.getUint32(o, true);
  set16 = (o: number, x: number) => this.v.setUint16(o, x & 0xffff, true);
  set32 = (o: number, x: number) => this.v.setUint32(o, x >>> 0, true);
  numStats = (c: number) => this.u16(c);
  summFreq = (c: number) => this.u16(c + 2);
  stats = (c: number) => this.u32(c + 4);
  suffix = (c: number) => this.u32(c + 8);
  successor = (s: number) => this.u32(s + 2);

  restart(): void {
    this.freeList.fill(0);
    this.text = this.align;
    this.hiUnit = this.text + this.size;
    this.loUnit = this.unitsStart = this.hiUnit - Math.floor(Math.floor(this.size / 8) / UNIT) * 7 * UNIT;
    this.glueCount = 0;
    this.orderFall = this.maxOrder;
    this.runLength = this.initRL = -Math.min(this.maxOrder, 12) - 1;
    this.prevSuccess = 0;
    this.hiUnit -= UNIT;
    this.minContext = this.maxContext = this.hiUnit;
    this.set32(this.minContext + 8, 0);
    this.set16(this.minContext, 256);
    this.set16(this.minContext + 2, 257);
    this.foundState = this.loUnit;
    this.set32(this.minContext + 4, this.loUnit);
    for (let i = 0; i < 256; i++) {
      const s = this.loUnit + i * 6;
      this.m[s] = i;
      this.m[s + 1] = 1;
      this.set32(s + 2, 0);
    }
    this.loUnit += (256 / 2) * UNIT;
    for (let i = 0; i < 128; i++)
      for (let k = 0; k < 8; k++) {
        const val = BIN_SCALE - Math.floor(INIT_BIN_ESC[k]! / (i + 2));
        for (let j = 0; j < 64; j += 8) this.binSumm[i * 64 + k + j] = val;
      }
    for (let i = 0; i < 25; i++)
      for (let k = 0; k < 16; k++) {
        this.seeShift[i * 16 + k] = PERIOD_BITS - 4;
        this.seeSumm[i * 16 + k] = (5 * i + 10) << (PERIOD_BITS - 4);
        this.seeCount[i * 16 + k] = 4;
      }
  }

  insertNode(node: number, indx: number): void {
    this.set32(node, this.freeList[indx]!);
    this.freeList[indx] = node;
  }

  removeNode(indx: number): number {
    const node = this.freeList[indx]!;
    this.freeList[indx] = this.u32(node);
    return node;
  }

  splitBlock(ptr: number, oldIndx: number, newIndx: number): void {
    const nu = INDX2UNITS[oldIndx]! - INDX2UNITS[newIndx]!;
    const at = ptr + INDX2UNITS[newIndx]! * UNIT;
    let i = u2i(nu);
    if (INDX2UNITS[i] !== nu) {
      const k = INDX2UNITS[--i]!;
      this.insertNode(at + k * UNIT, nu - k - 1);
    }
    this.insertNode(at, i);
  }

  /** Free blocks side by side joined, the free lists refilled (a node: stamp u16, nu u16, next u32, prev u32). */
  glueFreeBlocks(): void {
    const head = this.align + this.size;
    let n = head;
    this.glueCount = 255;
    for (let i = 0; i < NUM_INDEXES; i++) {
      const nu = INDX2UNITS[i]!;
      let next = this.freeList[i]!;
      this.freeList[i] = 0;
      while (next !== 0) {
        const node = next;
        this.set32(node + 4, n);
        this.set32(n + 8, next);
        n = next;
        next = this.u32(node);
        this.set16(node, 0);
        this.set16(node + 2, nu);
      }
    }
    this.set16(head, 1);
    this.set32(head + 4, n);
    this.set32(n + 8, head);
    if (this.loUnit !== this.hiUnit) this.set16(this.loUnit, 1);
    while (n !== head) {
      const node = n;
      let nu = this.u16(node + 2);
      for (;;) {
        const node2 = node + nu * UNIT;
        nu += this.u16(node2 + 2);
        if (this.u16(node2) !== 0 || nu >= 0x10000) break;
        this.set32(this.u32(node2 + 8) + 4, this.u32(node2 + 4));
        this.set32(this.u32(node2 + 4) + 8, this.u32(node2 + 8));
        this.set16(node + 2, nu);
      }
      n = this.u32(node + 4);
    }
    for (n = this.u32(head + 4); n !== head;) {
      let node = n;
      const next = this.u32(node + 4);
      let nu = this.u16(node + 2);
      for (; nu > 128; nu -= 128, node += 128 * UNIT) this.insertNode(node, NUM_INDEXES - 1);
      let i = u2i(nu);
      if (INDX2UNITS[i] !== nu) {
        const k = INDX2UNITS[--i]!;
        this.insertNode(node + k * UNIT, nu - k - 1);
      }
      this.insertNode(node, i);
      n = next;
    }
  }

  /** 0 when the arena is full. */
  allocUnitsRare(indx: number): number {
    if (this.glueCount === 0) {
      this.glueFreeBlocks();
      if (this.freeList[indx] !== 0) return this.removeNode(indx);
    }
    let i = indx;
    do {
      if (++i === NUM_INDEXES) {
        const bytes = INDX2UNITS[indx]! * UNIT;
        this.glueCount = (this.glueCount - 1) & 0xffffffff;
        return this.unitsStart - this.text > bytes ? (this.unitsStart -= bytes) : 0;
      }
    } while (this.freeList[i] === 0);
    const r = this.removeNode(i);
    this.splitBlock(r, i, indx);
    return r;
  }

  allocUnits(indx: number): number {
    if (this.freeList[indx] !== 0) return this.removeNode(indx);
    const bytes = INDX2UNITS[indx]! * UNIT;
    if (bytes <= this.hiUnit - this.loUnit) {
      const r = this.loUnit;
      this.loUnit += bytes;
      return r;
    }
    return this.allocUnitsRare(indx);
  }

  copyUnits(to: number, from: number, nu: number): void {
    this.m.copyWithin(to, from, from + nu * UNIT);
  }

  shrinkUnits(old: number, oldNU: number, newNU: number): number {
    const i0 = u2i(oldNU);
    const i1 = u2i(newNU);
    if (i0 === i1) return old;
    if (this.freeList[i1] !== 0) {
      const ptr = this.removeNode(i1);
      this.copyUnits(ptr, old, newNU);
      this.insertNode(old, i0);
      return ptr;
    }
    this.splitBlock(old, i0, i1);
    return old;
  }

  /** Writes state `s` (6 bytes). */
  setState(s: number, symbol: number, freq: number, successor: number): void {
    this.m[s] = symbol;
    this.m[s + 1] = freq;
    this.set32(s + 2, successor);
  }

  swapStates(a: number, b: number): void {
    const m = this.m;
    for (let i = 0; i < 6; i++) {
      const t = m[a + i]!;
      m[a + i] = m[b + i]!;
      m[b + i] = t;
    }
  }

  seeUpdate(see: number): void {
    if (this.seeShift[see]! < PERIOD_BITS && --this.seeCount[see]! === 0) {
      this.seeSumm[see] = this.seeSumm[see]! << 1;
      this.seeCount[see] = 3 << this.seeShift[see]!++;
    }
  }
}
