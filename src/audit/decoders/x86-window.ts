/**
 * One decoding of x86-64 code for the strings its immediates hold (`x86-immediates.ts`): the instructions from a
 * start, each immediate placed on the canvas of the memory operand it is stored to, compared or XORed with, at that
 * operand's displacement; the runs of MIN_RUN bytes or more in a row made of two pieces or more.
 *
 * A byte on a canvas is a value (0–255) or, for a 16-byte constant an SSE instruction loads from the file
 * (`movdqa .LC0(%rip),%xmm0` then a store; rustc's `pcmpeqb` of loaded bytes with one), a reference to the file's
 * byte it is: `-1 - offset` (`Layout` maps the RIP-relative address to the offset). `x86-immediates.ts` reads those
 * bytes where the content holds them, before or after the code.
 */
import { decode, instruction, type Instruction } from './x86-decode.js';

/** Runs shorter than this are not written: the values the audit looks for are longer (and a shorter run is most code). */
export const MIN_RUN = 8;
/** The decoding goes on this many bytes past the last movabs of text or SSE compare with a constant it met. */
export const SPAN = 192;
/** A canvas or a register's value unused for this many code bytes is done. */
const STALE = 128;
/** No decoding from one place goes past this many bytes (what a chunk's end carries stays small). */
const MOST = 16 * 1024;

/** rax, rcx, rdx, rsi, rdi, r8–r11: what a call may change (System V; Windows' x64 keeps rsi and rdi: lost all the same). */
const CALLER_SAVED = [0, 1, 2, 6, 7, 8, 9, 10, 11];

const printable = (b: number) => b >= 0x20 && b < 0x7f;

/** A movabs of text at `p`: REX.W B8+r and 8 bytes of printable ASCII, or at least 3 of it then NULs. */
export function movabsOfText(c: Uint8Array, p: number): boolean {
  if ((c[p]! & 0xf8) !== 0x48 || (c[p + 1]! & 0xf8) !== 0xb8) return false;
  let k = 0;
  while (k < 8 && printable(c[p + 2 + k]!)) k++;
  if (k === 8) return true;
  if (k < 3) return false;
  for (; k < 8; k++) if (c[p + 2 + k] !== 0) return false;
  return true;
}

/**
 * The runs of MIN_RUN bytes or more in a row on a canvas (its bytes and the piece that placed each, by offset), each
 * with how many pieces made it: 1, or 2 for two or more.
 */
export function canvasRuns(canvas: { readonly bytes: Map<number, number>; readonly piece: Map<number, number> }): Array<{ run: number[]; pieces: number }> {
  const runs: Array<{ run: number[]; pieces: number }> = [];
  const at = [...canvas.bytes.keys()].sort((x, y) => x - y);
  for (let i = 0; i < at.length;) {
    let j = i;
    while (j + 1 < at.length && at[j + 1] === at[j]! + 1) j++;
    if (j - i + 1 >= MIN_RUN) {
      const first = canvas.piece.get(at[i]!);
      let pieces = 1;
      for (let k = i + 1; k <= j && pieces < 2; k++) if (canvas.piece.get(at[k]!) !== first) pieces++;
      runs.push({ run: at.slice(i, j + 1).map((o) => canvas.bytes.get(o)!), pieces });
    }
    i = j + 1;
  }
  return runs;
}

/** Where a RIP-relative operand points in the file: the content offset of the byte at `va` (-1: not in it). */
export interface Layout {
  /** The address the byte at content offset `offset` is loaded at (-1: none). */
  address(offset: number): number;
  offset(address: number): number;
}

/** An XMM register's value: 16 bytes of the file from `target` (a reference each), or known bytes. */
interface Vector {
  bytes: number[];
  at: number;
}

interface Held {
  bytes: Uint8Array;
  at: number;
}
interface Loaded {
  key: string;
  disp: number;
  width: number;
  at: number;
}
/** Bytes placed at displacements of one memory operand (`base,index,scale`), each with the instruction it came from. */
interface Canvas {
  /** A value, or a reference to the file's byte (`-1 - offset`). */
  bytes: Map<number, number>;
  piece: Map<number, number>;
  last: number;
}

/** One decoding: the runs it wrote (values and references) and where it stopped. */
export class Window {
  readonly runs: number[][] = [];
  readonly #ins: Instruction = instruction();
  /** Registers holding an immediate. */
  readonly #held: Array<Held | undefined> = Array.from({ length: 16 }, () => undefined);
  /** Registers loaded from memory. */
  readonly #loaded: Array<Loaded | undefined> = Array.from({ length: 16 }, () => undefined);
  readonly #canvases = new Map<string, Canvas>();
  /** XMM registers holding a constant (from the file, or from a register's immediate). */
  readonly #vector: Array<Vector | undefined> = Array.from({ length: 16 }, () => undefined);
  /** XMM registers loaded from memory. */
  readonly #vloaded: Array<Loaded | undefined> = Array.from({ length: 16 }, () => undefined);
  /** The content offset of `c`'s first byte. */
  #base = 0;

  /**
   * `known`: the file's byte at a content offset where it is known now, else -1 (`x86-immediates.ts`: the blocks kept
   * before the code) — a constant known is values, compared exactly with what else is placed where it goes.
   */
  constructor(
    readonly layout?: Layout,
    readonly known: (offset: number) => number = () => -1,
  ) {}

  /**
   * Decodes `c` (at `base` in the content) from `start` to `span` bytes past `from` and to SPAN past each movabs of text
   * or SSE compare with a constant after: where it stopped, or -1 if it needed bytes past `c`'s end (`last`: none come).
   */
  read(c: Uint8Array, base: number, start: number, from: number, span: number, last: boolean): number {
    const ins = this.#ins;
    this.#base = base;
    let until = from + span;
    let p = start;
    let steps = 0;
    while (p < until && p - start < MOST) {
      if (p >= c.length) {
        if (!last) return -1;
        break;
      }
      const length = decode(c, p, c.length, ins);
      if (length === 0) {
        if (!last && p + 16 > c.length) return -1;
        p++;
        continue;
      }
      if (++steps % 16 === 0) this.#expire(p, false);
      if (ins.map === 0 && length === 10 && movabsOfText(c, p)) until = Math.max(until, p + SPAN);
      if (ins.map === 0) this.#one(c, p);
      else if (ins.map === 1 || ins.map === 0x11) {
        if (((ins.map === 1 && ins.op === 0x74) || (ins.map === 0x11 && (ins.op === 0x74 || ins.op === 0xef))) && ins.p66 && ins.rip)
          until = Math.max(until, p + SPAN);
        this.#two(p);
      }
      p += length;
    }
    this.#expire(p, true);
    return p;
  }

  /** One-byte map instructions. */
  #one(c: Uint8Array, p: number): void {
    const ins = this.#ins;
    const { op, mod } = ins;
    const imm = (): Uint8Array => c.subarray(ins.immAt, ins.immAt + ins.immLength);
    const slash = ins.reg & 7;
    if (op === 0xc3 || op === 0xc2 || op === 0xcc) {
      // A return ends what the function built; a jump does not (Go's debug builds: `je +5; jmp fail` between pieces).
      this.#expire(p, true);
    } else if (op === 0xe8 || (op === 0xff && mod !== 3 && slash === 2)) {
      // A call: the caller-saved registers are lost; memory is not.
      for (const r of CALLER_SAVED) this.#held[r] = this.#loaded[r] = undefined;
      this.#vector.fill(undefined);
      this.#vloaded.fill(undefined);
    } else if (op >= 0xb8 && op <= 0xbf) {
      const r = (op & 7) | ((ins.rex & 1) << 3);
      this.#forget(r);
      if (ins.immLength >= 4) this.#held[r] = { bytes: imm(), at: p };
    } else if ((op === 0xc7 || op === 0xc6) && slash === 0) {
      if (mod !== 3) this.#place(this.#key(), this.#disp(p), imm(), p);
      else {
        this.#forget(ins.rm);
        if (ins.rex & 8) this.#held[ins.rm] = { bytes: imm(), at: p };
      }
    } else if ((op === 0x81 || op === 0x80 || op === 0x83) && (slash === 7 || slash === 6)) {
      // cmp or xor with an immediate: placed at the memory operand, or where the register compared was loaded from
      // (rustc: `movzbl 8(%r14),%ecx; xor $0x63,%rcx` for a value's 9th byte). 83's imm8 is sign-extended: its byte.
      if (mod !== 3) this.#place(this.#key(), this.#disp(p), imm(), p);
      else this.#placeLoaded(this.#loaded[ins.rm], imm(), p);
    } else if (op === 0x3d || op === 0x35 || op === 0x3c || op === 0x34) {
      this.#placeLoaded(this.#loaded[0], imm(), p);
    } else if (op === 0x39 || op === 0x3b || op === 0x31 || op === 0x33 || op === 0x89) {
      this.#registers(p);
    } else if (op === 0x8b) {
      const from = ins.mod === 3 ? ins.rm : -1;
      const held = from >= 0 ? this.#held[from] : undefined;
      const loaded = from >= 0 ? this.#loaded[from] : this.#reload(ins.reg, this.#width(), p);
      if (from >= 0) this.#forget(ins.reg);
      this.#held[ins.reg] = held;
      this.#loaded[ins.reg] = loaded;
    } else if (op === 0x8d) {
      this.#forget(ins.reg);
    } else if (ins.modrm && mod === 3 && op < 0x40) {
      // Other ALU operations between registers write their destination.
      if ((op & 7) === 3) this.#forget(ins.reg);
      else if ((op & 7) === 1 && (op & 0x38) !== 0x38) this.#forget(ins.rm);
    }
  }

  /** 0F map: movzx/movsx loads, SSE loads and stores of 16, 8 and 4 bytes, pcmpeqb. */
  #two(p: number): void {
    const ins = this.#ins;
    const { op, mod, rep, p66 } = ins;
    const x = ins.reg;
    if (op === 0xb6 || op === 0xb7 || op === 0xbe || op === 0xbf) {
      // movzx/movsx from memory: where the register's value came from.
      if (mod !== 3) this.#loaded[x] = this.#reload(x, op & 1 ? 2 : 1, p);
      else this.#forget(x);
      return;
    }
    const load16 = ((op === 0x6f && (p66 || rep === 0xf3)) || op === 0x28 || op === 0x10) && rep !== 0xf2;
    const loadMovq = op === 0x7e && rep === 0xf3;
    if (load16 || loadMovq || (op === 0x6e && p66) || (op === 0xf0 && rep === 0xf2)) {
      const width = loadMovq ? 8 : op === 0x6e ? (ins.rex & 8 ? 8 : 4) : op === 0x10 && rep === 0xf3 ? 4 : ins.wide ? 32 : 16;
      const held = op === 0x6e && mod === 3 ? this.#held[ins.rm] : undefined;
      const copied = mod === 3 && op !== 0x6e ? this.#vector[ins.rm] : undefined;
      const vloaded = mod === 3 && op !== 0x6e ? this.#vloaded[ins.rm] : undefined;
      this.#vector[x] = this.#vloaded[x] = undefined;
      if (held) this.#vector[x] = { bytes: [...held.bytes.subarray(0, width)], at: p };
      else if (mod === 3) {
        this.#vector[x] = copied;
        this.#vloaded[x] = vloaded;
      } else if (ins.rip) this.#vector[x] = this.#constant(p, width);
      else this.#vloaded[x] = { key: this.#key(), disp: this.#disp(p), width, at: p };
      return;
    }
    const store16 = ((op === 0x7f && (p66 || rep === 0xf3)) || op === 0x29 || op === 0x11) && rep !== 0xf2;
    if (store16 || (op === 0xd6 && p66) || (op === 0x7e && p66 && !rep)) {
      const vector = this.#vector[x];
      const width = op === 0xd6 ? 8 : op === 0x7e ? (ins.rex & 8 ? 8 : 4) : op === 0x11 && rep === 0xf3 ? 4 : ins.wide ? 32 : 16;
      if (mod !== 3 && vector) this.#placeValues(this.#key(), this.#disp(p), vector.bytes.slice(0, width), p);
      return;
    }
    if (op === 0x74 && p66 && ins.map === 1) {
      // pcmpeqb: bytes loaded from memory compared with a constant — the constant is what was there.
      if (mod !== 3) {
        const vector = this.#vector[x];
        if (ins.rip) this.#constantAgainst(x, p);
        else if (vector) this.#placeValues(this.#key(), this.#disp(p), vector.bytes, p);
      } else {
        const [a, b] = [x, ins.rm];
        const va = this.#vector[a];
        const vb = this.#vector[b];
        const la = this.#vloaded[a];
        const lb = this.#vloaded[b];
        if (va && lb) this.#placeValues(lb.key, lb.disp, va.bytes.slice(0, lb.width), p);
        else if (vb && la) this.#placeValues(la.key, la.disp, vb.bytes.slice(0, la.width), p);
      }
    }
    // vpcmpeqb, vpxor (rustc with AVX: `vpxor .rodata(%rip),%xmm1,%xmm1` of bytes loaded into xmm1, then vpor and
    // vptest): the first source (vvvv) loaded from memory.
    if ((op === 0x74 || op === 0xef) && p66 && ins.map === 0x11 && ins.rip) this.#constantAgainst(ins.vvvv, p);
    // Any other: its destination (the reg field) holds something else now.
    if (x < 16) this.#vector[x] = this.#vloaded[x] = undefined;
  }

  /** A RIP-relative constant compared with (or XORed into) what XMM register `r` was loaded with: what was there. */
  #constantAgainst(r: number, p: number): void {
    const loaded = this.#vloaded[r];
    const constant = loaded && this.#constant(p, 16);
    if (loaded && constant) this.#placeValues(loaded.key, loaded.disp, constant.bytes.slice(0, loaded.width), p);
  }

  /** The `width` bytes of the file a RIP-relative operand points to, as references (undefined: not in the file). */
  #constant(p: number, width: number): Vector | undefined {
    const layout = this.layout;
    if (!layout) return undefined;
    const address = layout.address(this.#base + p);
    if (address < 0) return undefined;
    const offset = layout.offset(address + this.#ins.length + this.#ins.disp);
    if (offset < 0) return undefined;
    const bytes: number[] = [];
    for (let k = 0; k < width; k++) {
      const b = this.known(offset + k);
      bytes.push(b >= 0 ? b : -1 - (offset + k));
    }
    return { bytes, at: p };
  }

  /** cmp, xor, mov between a register and memory or two registers (39, 3B, 31, 33, 89). */
  #registers(p: number): void {
    const ins = this.#ins;
    const { op } = ins;
    const width = this.#width();
    if (ins.mod !== 3) {
      const held = this.#held[ins.reg];
      if (held) this.#place(this.#key(), this.#disp(p), held.bytes.subarray(0, width), p);
      if (op === 0x33) this.#forget(ins.reg);
      return;
    }
    const a = ins.reg;
    const b = ins.rm;
    if (op === 0x89) {
      const held = this.#held[a];
      const loaded = this.#loaded[a];
      this.#forget(b);
      this.#held[b] = held;
      this.#loaded[b] = loaded;
      return;
    }
    // A register holding an immediate against one loaded from memory: the immediate is placed where that was loaded.
    const ha = this.#held[a];
    const hb = this.#held[b];
    if (ha && this.#loaded[b]) this.#placeLoaded(this.#loaded[b], ha.bytes.subarray(0, width), p);
    else if (hb && this.#loaded[a]) this.#placeLoaded(this.#loaded[a], hb.bytes.subarray(0, width), p);
    if (op === 0x31) this.#forget(b);
    else if (op === 0x33) this.#forget(a);
  }

  #placeLoaded(loaded: Loaded | undefined, bytes: Uint8Array, p: number): void {
    if (loaded) this.#place(loaded.key, loaded.disp, bytes.subarray(0, Math.min(bytes.length, loaded.width)), p);
  }

  /** The operand's width: 8 with REX.W, 2 with 0x66, else 4. */
  #width(): number {
    return this.#ins.rex & 8 ? 8 : this.#ins.p66 ? 2 : 4;
  }

  /** The memory operand's canvas: its base, index and scale (RIP-relative and absolute operands share one). */
  #key(): string {
    const ins = this.#ins;
    return ins.rip || (ins.base < 0 && ins.index < 0) ? 'abs' : `${ins.base},${ins.index},${ins.scale}`;
  }

  /** Its displacement; a RIP-relative operand's is where it points in the content. */
  #disp(p: number): number {
    const ins = this.#ins;
    return ins.rip ? p + ins.length + ins.disp : ins.disp;
  }

  /**
   * Register `r` loaded from the memory operand (`width` bytes): where it was loaded from. Canvases based on `r` go on
   * under names of their own when `r` is the operand's own base (rustc's `xor (%rax),%rcx; mov 8(%rax),%eax; xor
   * $imm,%rax`: the bytes loaded are still theirs); else they are done, as for any write.
   */
  #reload(r: number, width: number, p: number): Loaded {
    let key = this.#key();
    const disp = this.#disp(p);
    if (this.#ins.base !== r || this.#ins.rip) {
      this.#forget(r);
      return { key, disp, width, at: p };
    }
    this.#held[r] = this.#loaded[r] = undefined;
    for (const [name, canvas] of Array.from(this.#canvases))
      if (name.startsWith(`${r},`)) {
        this.#canvases.delete(name);
        this.#canvases.set(`${name}@${p}`, canvas);
        if (name === key) key = `${name}@${p}`;
      }
    return { key, disp, width, at: p };
  }

  /** Register `r` is written: its value and source are gone, and canvases based on it are done. */
  #forget(r: number): void {
    this.#held[r] = this.#loaded[r] = undefined;
    for (const [key, canvas] of this.#canvases)
      if (key.startsWith(`${r},`)) {
        this.#flush(canvas);
        this.#canvases.delete(key);
      }
  }

  #place(key: string, disp: number, bytes: Uint8Array, p: number): void {
    this.#placeValues(key, disp, bytes, p);
  }

  /**
   * Bytes (values or references) placed at `disp` on `key`'s canvas. Where a value differs from a value there, the
   * canvas is done and a new one begun with its pieces that agree (rustc's `match`: a 5-byte key's pieces at 0 and 4,
   * then a 22-byte key's constants at 6 and at 0 — the one at 6 is the new key's too). Where a reference (a constant's
   * byte after the code, unknown yet) meets a value, both may be so: the canvas is written as it is, then goes on with
   * the new bytes over the old (gcc's movabs over the last byte of a 16-byte constant; rustc 1.63's `match`, its
   * `.rodata` after the code, a 22-byte key's constants over a 5-byte key's immediates).
   */
  #placeValues(key: string, disp: number, bytes: ArrayLike<number>, p: number): void {
    let canvas = this.#canvases.get(key);
    if (canvas) {
      const differ = new Set<number>();
      let unsure = false;
      for (let k = 0; k < bytes.length; k++) {
        const was = canvas.bytes.get(disp + k);
        if (was === undefined || was === bytes[k]) continue;
        if (was >= 0 && bytes[k]! >= 0) differ.add(canvas.piece.get(disp + k)!);
        else if (was >= 0 || bytes[k]! >= 0) unsure = true;
      }
      if (differ.size) {
        this.#flush(canvas);
        const kept: Canvas = { bytes: new Map(), piece: new Map(), last: p };
        for (const [at, piece] of canvas.piece)
          if (!differ.has(piece)) {
            kept.bytes.set(at, canvas.bytes.get(at)!);
            kept.piece.set(at, piece);
          }
        canvas = kept;
        this.#canvases.set(key, canvas);
      } else if (unsure) this.#flush(canvas);
    }
    if (!canvas) {
      canvas = { bytes: new Map(), piece: new Map(), last: p };
      this.#canvases.set(key, canvas);
    }
    for (let k = 0; k < bytes.length; k++) {
      if (!canvas.bytes.has(disp + k)) canvas.piece.set(disp + k, p);
      canvas.bytes.set(disp + k, bytes[k]!);
    }
    canvas.last = p;
  }

  /** Each run of MIN_RUN bytes or more in a row on `canvas`, of two pieces or more. */
  #flush(canvas: Canvas): void {
    for (const { run, pieces } of canvasRuns(canvas)) if (pieces >= 2) this.runs.push(run);
  }

  #expire(p: number, all: boolean): void {
    for (const [key, canvas] of this.#canvases)
      if (all || p - canvas.last > STALE) {
        this.#flush(canvas);
        this.#canvases.delete(key);
      }
    for (let r = 0; r < 16; r++) {
      if (all || (this.#held[r] && p - this.#held[r]!.at > STALE)) this.#held[r] = undefined;
      if (all || (this.#loaded[r] && p - this.#loaded[r]!.at > STALE)) this.#loaded[r] = undefined;
      if (all || (this.#vector[r] && p - this.#vector[r]!.at > STALE)) this.#vector[r] = undefined;
      if (all || (this.#vloaded[r] && p - this.#vloaded[r]!.at > STALE)) this.#vloaded[r] = undefined;
    }
  }
}
