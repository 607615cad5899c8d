/**
 * One decoding of a short stretch of AArch64 code (`arm64-immediates.ts` finds where), each constant a register is
 * given placed where it goes in memory. A64 instructions are 32-bit words, little-endian, 4-byte aligned: no length
 * decoder is needed, a word is read by its fixed fields (Arm's A64 encoding tables).
 *
 * Registers: a constant built by MOVZ/MOVN then MOVK (16 bits a time, `lsl #0/16/32/48`), by ORR with the zero
 * register (a bitmask immediate: Go's `mov x2,#'>'`) or copied by MOV is held; a register loaded from `[Rn,#off]`
 * (LDR/LDRH/LDRB/LDUR, a pair of LDP) remembers where. A held register compared (CMP, CCMP) or XORed (EOR) with a
 * loaded one, or a loaded one of 1 or 2 bytes compared with an immediate, places the constant's bytes at the load's
 * offset of its base's canvas; a held register stored (STR/STRH/STRB/STUR, STP) places them at the store's. Each
 * instruction that places is a piece; a canvas's runs of 8 bytes or more made of two pieces or more, or of one
 * if all printable (8 bytes built 16 bits a word: an 8-byte value is one compare), are its output.
 * A byte placed where a different one is writes the canvas and goes on with the pieces that agree and lie wholly before
 * the new one (a `switch` compares each case at the same offsets, in order of offset). A compare followed by a B.cond
 * that is not EQ or NE orders (`c >= 'A'`): nothing placed.
 */
import { canvasRuns } from './x86-window.js';

/** A canvas, or a register's value, unused for this many code bytes is done. */
const STALE = 320;

/** A canvas: what memory at its base register's offsets holds, and the instruction (piece) that placed each byte. */
interface Canvas {
  readonly bytes: Map<number, number>;
  readonly piece: Map<number, number>;
  last: number;
  /** The register it is based on: its canvases are done when that register is written. */
  readonly origin: number;
}

/** A constant a register holds: its 8 bytes, little-endian, and where it was made. */
interface Held {
  readonly bytes: Uint8Array;
  readonly at: number;
}

interface Loaded {
  readonly key: number;
  readonly disp: number;
  readonly width: number;
  readonly at: number;
}

/** The 8 bytes of a bitmask immediate (ORR's N:immr:imms, Arm's DecodeBitMasks), or undefined if it is reserved. */
export function bitmask(n: number, immr: number, imms: number, wide: boolean): Uint8Array | undefined {
  const len = 31 - Math.clz32((n << 6) | (~imms & 0x3f));
  if (len < 1) return undefined;
  const size = 1 << len;
  const levels = size - 1;
  const s = imms & levels;
  const r = immr & levels;
  if (s === levels) return undefined;
  const mask = (1n << BigInt(size)) - 1n;
  let element = (1n << BigInt(s + 1)) - 1n;
  if (r) element = ((element >> BigInt(r)) | (element << BigInt(size - r))) & mask;
  let value = 0n;
  for (let k = 0; k < 64; k += size) value |= element << BigInt(k);
  if (!wide) value &= 0xffffffffn;
  const bytes = new Uint8Array(8);
  for (let k = 0; k < 8; k++) bytes[k] = Number((value >> BigInt(8 * k)) & 0xffn);
  return bytes;
}

// Masks whose bit 31 is set, made signed as `&` makes its result.
const RET = 0xd65f0000 | 0;
const BLR = 0xd63f0000 | 0;
const BL = 0x94000000 | 0;
const WORD_RET = 0xfffffc1f | 0;
const WORD_BL = 0xfc000000 | 0;

/** The word at `p` of `c`, as a signed 32-bit integer. */
export const word = (c: Uint8Array, p: number): number => c[p]! | (c[p + 1]! << 8) | (c[p + 2]! << 16) | (c[p + 3]! << 24);

export class Arm64Window {
  /** The runs written, each its bytes. */
  readonly runs: number[][] = [];
  #held: Array<Held | undefined> = Array.from({ length: 32 }, () => undefined);
  #loaded: Array<Loaded | undefined> = Array.from({ length: 32 }, () => undefined);
  readonly #canvases = new Map<number, Canvas>();
  /**
   * Each register's canvas key: the register plus 32 times the times it was written (a load from a place its old value
   * pointed to still places there).
   */
  #key: number[] = Array.from({ length: 32 }, (_, r) => r);
  /** A register holding 8 bytes loaded from a place: that place's canvas key (negative; 0: none). */
  #pointer: number[] = Array.from({ length: 32 }, () => 0);
  /** The places pointers were loaded from (`key:offset`), and sums of two registers (`+key:key`), each's key. */
  readonly #slots = new Map<string, number>();
  /** The next key of a place (ids are never given twice: a store drops a place's entry, not its key). */
  #nextSlot = -1;
  /**
   * The registers at the last conditional branch: the code after a RET or a B is reached by a branch, and a string's
   * first 8 bytes loaded before the first compare are compared again there (an if-chain or a switch over strings of one
   * length, `return` between).
   */
  #branched: { held: Array<Held | undefined>; loaded: Array<Loaded | undefined>; key: number[]; pointer: number[] } | undefined;

  /** The words of `c` from `from` to `to` (byte offsets, 4-aligned in the content) decoded, every canvas written. */
  read(c: Uint8Array, from: number, to: number): void {
    for (let p = from; p + 4 <= to; p += 4) {
      if (((p - from) & 63) === 0) this.#expire(p, false);
      const w = word(c, p);
      // A compare followed by a B.cond that is not EQ/NE orders, it does not test equality: not placed.
      if ((w & 0x1f) === 0x1f && p + 8 <= to && ((w & 0x7f20001f) === 0x6b00001f || (w & 0x7f80001f) === 0x7100001f)) {
        const next = word(c, p + 4);
        if ((next & 0xff000010) === 0x54000000 && (next & 0xe) !== 0) continue;
      }
      this.#one(w, p);
    }
    this.#expire(to, true);
  }

  #one(w: number, p: number): void {
    if ((w & 0x1f800000) === 0x12800000) return this.#moveWide(w, p);
    // ORR (immediate) Rd, ZR, #bitmask: sf 01 100100 N immr imms Rn Rd.
    if ((w & 0x7f800000) === 0x32000000) {
      const rd = w & 31;
      this.#forget(rd);
      const bytes = ((w >>> 5) & 31) === 31 && rd !== 31 ? bitmask((w >>> 22) & 1, (w >>> 16) & 63, (w >>> 10) & 63, w < 0) : undefined;
      if (bytes) this.#held[rd] = { bytes, at: p };
      return;
    }
    // ORR (shifted register) Rd, ZR, Rm, no shift: MOV Rd, Rm.
    if ((w & 0x7fe0ffe0) === 0x2a0003e0) {
      const rd = w & 31;
      const held = this.#held[(w >>> 16) & 31];
      const loaded = this.#loaded[(w >>> 16) & 31];
      const pointer = this.#pointer[(w >>> 16) & 31]!;
      this.#forget(rd);
      if (rd === 31) return;
      // A 32-bit MOV zeroes the upper half.
      if (held) this.#held[rd] = { bytes: w < 0 ? held.bytes.slice() : Uint8Array.of(...held.bytes.subarray(0, 4), 0, 0, 0, 0), at: p };
      if (loaded) this.#loaded[rd] = loaded;
      this.#pointer[rd] = pointer;
      return;
    }
    if ((w & 0x7fe00000) === 0x2a000000 && this.#joined(w, p)) return;
    // ADD Xd, Xn, Xm (no shift): Xd points to the place Xn + Xm.
    if ((w & 0xffe0fc00) === (0x8b000000 | 0)) {
      const sum = this.#sum((w >>> 5) & 31, (w >>> 16) & 31, 0);
      this.#forget(w & 31);
      if ((w & 31) !== 31) this.#pointer[w & 31] = sum;
      return;
    }
    // UBFM Rd, Rn, #0, #(8n - 1) (UBFX, UXTB, UXTH): the low n bytes of a loaded register.
    if ((w & 0x7f800000) === 0x53000000 && !((w >>> 16) & 63) && ((w >>> 10) & 63 & 7) === 7) {
      const loaded = this.#loaded[(w >>> 5) & 31];
      const rd = w & 31;
      this.#forget(rd);
      if (loaded && rd !== 31) this.#loaded[rd] = { ...loaded, width: Math.min(loaded.width, (((w >>> 10) & 63) + 1) / 8), at: p };
      return;
    }
    if (this.#compare(w, p)) return;
    if ((w & 0x0a000000) === 0x08000000) return this.#memory(w, p);
    if ((w & WORD_RET) === RET) {
      this.#expire(p, true);
      return this.#resume();
    }
    if ((w & WORD_BL) === BL || (w & WORD_RET) === BLR) return this.#call();
    // B.cond, CBZ/CBNZ, TBZ/TBNZ write no register: their state kept for what comes after the next RET or B.
    if ((w & 0xff000010) === 0x54000000 || (w & 0x7c000000) === 0x34000000) {
      this.#branched = { held: this.#held.slice(), loaded: this.#loaded.slice(), key: this.#key.slice(), pointer: this.#pointer.slice() };
      return;
    }
    // B: a jump does not end what is built (a switch's cases); what follows is reached by a branch.
    if ((w & 0xfc000000) === 0x14000000) return this.#resume();
    // Conditional compares (CCMN; CCMP placed above) write flags only: bits 3:0 are nzcv, not a register.
    if ((w & 0x1fe00000) === 0x1a400000) return;
    // Data processing, immediate and register: Rd written (ZR for CMP, CMN, TST: nothing).
    if ((w & 0x1c000000) === 0x10000000 || (w & 0x0e000000) === 0x0a000000) return this.#forget(w & 31);
    // SIMD to a general register (UMOV, FMOV): Rd written; other SIMD/FP and system words keep the general registers.
    if ((w & 0x9fe0fc00) === 0x0e003c00 || (w & 0x7f3ffc00) === 0x1e260000) this.#forget(w & 31);
  }

  /** MOVN, MOVZ, MOVK: sf opc 100101 hw imm16 Rd. */
  #moveWide(w: number, p: number): void {
    const opc = (w >>> 29) & 3;
    const hw = (w >>> 21) & 3;
    const imm = (w >>> 5) & 0xffff;
    const rd = w & 31;
    if (opc === 1 || (w >= 0 && hw > 1)) return this.#forget(rd);
    if (opc === 3) {
      const held = this.#held[rd];
      this.#forgetCanvases(rd);
      this.#loaded[rd] = undefined;
      if (!held) return;
      // A new value (a branch's state kept may hold the old one).
      const bytes = held.bytes.slice();
      bytes[2 * hw] = imm & 0xff;
      bytes[2 * hw + 1] = imm >>> 8;
      // A W register's write zeroes the upper half.
      if (w >= 0) bytes.fill(0, 4);
      this.#held[rd] = { bytes, at: p };
      return;
    }
    this.#forget(rd);
    if (rd === 31) return;
    const bytes = new Uint8Array(8).fill(opc === 0 ? 0xff : 0);
    const value = opc === 0 ? ~imm & 0xffff : imm;
    bytes[2 * hw] = value & 0xff;
    bytes[2 * hw + 1] = value >>> 8;
    if (w >= 0) bytes.fill(0, 4);
    this.#held[rd] = { bytes, at: p };
  }

  /**
   * ORR Rd, Rn, Rm, LSL #(8 × Rn's width) of registers loaded from adjacent bytes of one canvas: Rd holds the bytes of
   * both (Go's debug builds load a string's bytes one by one and join them before a compare). True if it was that.
   */
  #joined(w: number, p: number): boolean {
    const low = this.#loaded[(w >>> 5) & 31];
    const high = this.#loaded[(w >>> 16) & 31];
    const shift = (w >>> 10) & 63;
    if (!low || !high || high.key !== low.key || high.disp !== low.disp + low.width || shift !== 8 * low.width) return false;
    const rd = w & 31;
    this.#forget(rd);
    if (rd !== 31) this.#loaded[rd] = { key: low.key, disp: low.disp, width: low.width + high.width, at: p };
    return true;
  }

  /** CMP/SUBS, CCMP and EOR of registers, CMP/CCMP with an immediate: true if `w` is one. */
  #compare(w: number, p: number): boolean {
    const subs = (w & 0x7f20001f) === 0x6b00001f;
    const eor = (w & 0x7f200000) === 0x4a000000;
    const ccmp = (w & 0x7fe00c10) === 0x7a400000;
    if (subs || eor || ccmp) {
      // A shifted operand is another value.
      if (!ccmp && (w & 0x00c0fc00) !== 0) {
        this.#forget(w & 31);
        return true;
      }
      const rn = (w >>> 5) & 31;
      const rm = (w >>> 16) & 31;
      const width = w < 0 ? 8 : 4;
      const [hn, hm, ln, lm] = [this.#held[rn], this.#held[rm], this.#loaded[rn], this.#loaded[rm]];
      if (hm && ln) this.#placeLoaded(ln, hm.bytes.subarray(0, width), p);
      else if (hn && lm) this.#placeLoaded(lm, hn.bytes.subarray(0, width), p);
      if (eor) this.#forget(w & 31);
      return true;
    }
    const subsImm = (w & 0x7f80001f) === 0x7100001f;
    const ccmpImm = (w & 0x7fe00c10) === 0x7a400800;
    if (!subsImm && !ccmpImm) return false;
    const loaded = this.#loaded[(w >>> 5) & 31];
    if (loaded && loaded.width <= 2) {
      let imm = subsImm ? (w >>> 10) & 0xfff : (w >>> 16) & 31;
      if (subsImm && (w >>> 22) & 1) imm <<= 12;
      this.#placeLoaded(loaded, Uint8Array.of(imm & 0xff, (imm >>> 8) & 0xff), p);
    }
    return true;
  }

  /** The registers as they were at the last conditional branch (none kept: as they are). */
  #resume(): void {
    const state = this.#branched;
    if (!state) return;
    this.#held = state.held.slice();
    this.#loaded = state.loaded.slice();
    this.#key = state.key.slice();
    this.#pointer = state.pointer.slice();
  }

  /** Loads and stores of general registers: unsigned offset, LDUR/STUR, LDP/STP signed offset; other forms forget. */
  #memory(w: number, p: number): void {
    if (w & 0x04000000) return this.#vectorMemory(w);
    const rt = w & 31;
    const rn = (w >>> 5) & 31;
    const opc = (w >>> 22) & 3;
    const size = w >>> 30;
    if ((w & 0x3b000000) === 0x39000000) return this.#access(opc, size, rn, rt, ((w >>> 10) & 0xfff) << size, p);
    if ((w & 0x3f200c00) === 0x38000000) return this.#access(opc, size, rn, rt, (((w >>> 12) & 0x1ff) << 23) >> 23, p);
    // Register offset, [Xn, Xm{, LSL #size}]: the place Xn + Xm (Go's `k[i:i+N]`, `b[1:]`: its later pieces at
    // `[Xd, #off]` with Xd = Xn + Xm).
    if ((w & 0x3b200c00) === 0x38200800) return this.#access(opc, size, rn, rt, 0, p, this.#sum(rn, (w >>> 16) & 31, (w >>> 12) & 1 ? size : 0));
    const pair = w & 0x3fc00000;
    if (pair === 0x29000000 || pair === 0x29400000) {
      const scale = w < 0 ? 3 : 2;
      if ((w >>> 30) & 1) return this.#forgetPair(w);
      const off = ((((w >>> 15) & 0x7f) << 25) >> 25) << scale;
      const load = (w >>> 22) & 1;
      // Both from the base as it was (`ldp x0, x1, [x0]`: x1 from the old x0's place).
      const key = this.#base(rn);
      this.#access(load, scale, rn, rt, off, p, key);
      this.#access(load, scale, rn, (w >>> 10) & 31, off + (1 << scale), p, key);
      return;
    }
    this.#otherMemory(w);
  }

  /** The other general-register forms: the registers they write forgotten. */
  #otherMemory(w: number): void {
    const rt = w & 31;
    const rn = (w >>> 5) & 31;
    // LDR (literal), LDRSW (literal): Rt loaded (PRFM, opc 11, none).
    if ((w & 0x3b000000) === 0x18000000) return w >>> 30 === 3 ? undefined : this.#forget(rt);
    // Exclusives and CAS: Rs written (a status, CAS's old value), and a load's Rt and Rt2.
    if ((w & 0x3f000000) === 0x08000000) {
      this.#forget((w >>> 16) & 31);
      if ((w >>> 22) & 1) this.#forgetPair(w);
      return;
    }
    if ((w & 0x3b000000) === 0x38000000) {
      // Atomics and LDRAA/LDRAB (bit 21) write Rt; the other forms load where opc is not 00 (sign-extending: 10, 11).
      if (w & 0x00200000 || ((w >>> 22) & 3) !== 0) this.#forget(rt);
      // Pre- and post-index write their base back.
      if (!(w & 0x00200000) && (w >>> 10) & 1) this.#forget(rn);
      return;
    }
    if ((w & 0x3a000000) === 0x28000000) {
      this.#forgetPair(w);
      if ((w >>> 23) & 1) this.#forget(rn);
    }
  }

  /** SIMD/FP loads and stores: their general registers are only a base that pre- and post-index forms move. */
  #vectorMemory(w: number): void {
    const rn = (w >>> 5) & 31;
    const single = (w & 0x3b200000) === 0x38000000 && (w >>> 10) & 1;
    const pair = (w & 0x3a800000) === 0x28800000;
    // LD1–LD4/ST1–ST4 and their single-lane forms, post-indexed.
    const structures = (w & 0xbf800000) === 0x0c800000 || (w & 0xbf800000) === 0x0d800000;
    if (single || pair || structures) this.#forget(rn);
  }

  /** A load (opc 01, 10, 11) or store (00) of 1 << size bytes at [rn, #off]. */
  #access(opc: number, size: number, rn: number, rt: number, off: number, p: number, key = this.#base(rn)): void {
    const width = 1 << size;
    if (opc === 0) {
      // The place's 8 bytes are another pointer now.
      if (width === 8) this.#slots.delete(`${key}:${off}`);
      const held = this.#held[rt];
      if (held && rt !== 31) this.#place(key, off, held.bytes.subarray(0, width), p);
      return;
    }
    if (opc === 2 && size === 3) return; // PRFM
    if (rt === 31) return;
    if (rt === rn) {
      // The base reloaded from itself: what was placed on it stays with the load, apart; the register's canvas is new.
      this.#held[rt] = undefined;
      this.#key[rt] = this.#key[rt]! + 32;
      this.#pointer[rt] = 0;
    } else this.#forget(rt);
    this.#loaded[rt] = { key, disp: off, width, at: p };
    if (width === 8) {
      // A pointer loaded from a place (a debug build reloads a string's pointer from its stack slot before each byte):
      // its bytes are one canvas however many registers it is loaded into.
      const slot = `${key}:${off}`;
      let id = this.#slots.get(slot);
      if (id === undefined) this.#slots.set(slot, (id = this.#nextSlot--));
      this.#pointer[rt] = id;
    }
  }

  /** The canvas of what register `r` points to: where the pointer it holds was loaded from or summed, else its own. */
  #base(r: number): number {
    return this.#pointer[r] || this.#key[r]!;
  }

  /** The canvas key of the place `a` + (`b` << `shift`) (either order). */
  #sum(a: number, b: number, shift: number): number {
    const [x, y] = [this.#base(a), this.#base(b)].sort((i, j) => i - j);
    const slot = `+${x}:${y}:${shift}`;
    let id = this.#slots.get(slot);
    if (id === undefined) this.#slots.set(slot, (id = this.#nextSlot--));
    return id;
  }

  #forgetPair(w: number): void {
    if (!((w >>> 22) & 1)) return;
    this.#forget(w & 31);
    this.#forget((w >>> 10) & 31);
  }

  /** A call: every register's value lost but Go's g (R28) and the frame pointer (R29); memory kept. */
  #call(): void {
    for (let r = 0; r < 31; r++)
      if (r !== 28 && r !== 29) {
        this.#held[r] = this.#loaded[r] = undefined;
        this.#pointer[r] = 0;
      }
  }

  #placeLoaded(loaded: Loaded, bytes: Uint8Array, p: number): void {
    this.#place(loaded.key, loaded.disp, bytes.subarray(0, Math.min(bytes.length, loaded.width)), p);
  }

  /** Register `r` written: its value and source gone, the canvases based on it done. */
  #forget(r: number): void {
    if (r === 31) return;
    this.#held[r] = this.#loaded[r] = undefined;
    this.#pointer[r] = 0;
    this.#forgetCanvases(r);
  }

  #forgetCanvases(r: number): void {
    for (const [key, canvas] of this.#canvases)
      if (canvas.origin === r) {
        this.#flush(canvas);
        this.#canvases.delete(key);
      }
    this.#key[r] = this.#key[r]! + 32;
  }

  #place(key: number, disp: number, bytes: Uint8Array, p: number): void {
    let canvas = this.#canvases.get(key);
    if (canvas && this.#differs(canvas, disp, bytes)) {
      // A switch: the next case compared at the same offsets. Written, then on with the pieces that agree.
      this.#flush(canvas);
      canvas = this.#agreeing(canvas, disp);
      this.#canvases.set(key, canvas);
    }
    if (!canvas) {
      canvas = { bytes: new Map(), piece: new Map(), last: p, origin: key >= 0 ? key & 31 : -1 };
      this.#canvases.set(key, canvas);
    }
    for (let k = 0; k < bytes.length; k++) {
      canvas.bytes.set(disp + k, bytes[k]!);
      canvas.piece.set(disp + k, p);
    }
    canvas.last = p;
  }

  #differs(canvas: Canvas, disp: number, bytes: Uint8Array): boolean {
    for (let k = 0; k < bytes.length; k++) {
      const was = canvas.bytes.get(disp + k);
      if (was !== undefined && was !== bytes[k]) return true;
    }
    return false;
  }

  /**
   * A canvas of the pieces of `canvas` that lie wholly before `disp`: the next case's pieces go on from the ones it
   * shares with the case before (Go compares a case's pieces in order of offset; a later piece is the old case's).
   */
  #agreeing(canvas: Canvas, disp: number): Canvas {
    const dropped = new Set<number>();
    for (const [at, piece] of canvas.piece) if (at >= disp) dropped.add(piece);
    const kept: Canvas = { bytes: new Map(), piece: new Map(), last: canvas.last, origin: canvas.origin };
    for (const [at, piece] of canvas.piece)
      if (!dropped.has(piece)) {
        kept.bytes.set(at, canvas.bytes.get(at)!);
        kept.piece.set(at, piece);
      }
    return kept;
  }

  /** The canvas's runs of 8 bytes or more in a row (x86-window's MIN_RUN), made of two pieces or more or all printable. */
  #flush(canvas: Canvas): void {
    // One piece is a register's constant, made by 16 bits a word: never in the file's bytes either (an 8-byte key).
    for (const { run, pieces } of canvasRuns(canvas)) if (pieces >= 2 || run.every((b) => b >= 0x20 && b < 0x7f)) this.runs.push(run);
  }

  #expire(p: number, all: boolean): void {
    for (const [key, canvas] of this.#canvases)
      if (all || p - canvas.last > STALE) {
        this.#flush(canvas);
        this.#canvases.delete(key);
      }
    for (let r = 0; r < 32; r++) {
      if (all || (this.#held[r] && p - this.#held[r]!.at > STALE)) this.#held[r] = undefined;
      if (all || (this.#loaded[r] && p - this.#loaded[r]!.at > STALE)) this.#loaded[r] = undefined;
    }
  }
}
