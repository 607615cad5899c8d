/**
 * Short strings a compiler wrote into x86-64 instructions. A string constant compared or stored whole is not always
 * in the binary's data: Go compiles `key != "9+/v=o&M%Gn"` to `movabs $"9+/v=o&M",%rdx; cmp %rdx,(%rax); cmpw
 * $"%G",8(%rax); cmpb $"n",10(%rax)`; rustc compiles `k == "O+j/L=2&T%jP"` to a movabs XORed with the first 8 bytes
 * and an imm32 XORed with the 4 loaded from offset 8; g++ builds `std::string pw = "8+m/Po=a&Up%VvE"` in place with two
 * 8-byte stores 7 bytes apart; gcc builds a local `char k[13]` with a movabs stored at 3(%rsp) and one at 8(%rsp). The
 * value is then in the code, cut into immediates of 8, 4, 2 and 1 bytes between opcodes, and in no other byte of the
 * file.
 *
 * Read where such code begins: a movabs (REX.W B8+r) whose 8 bytes are text (printable ASCII, or at least 3 of it then
 * NULs: a string's end). From there the instructions are decoded (`x86-decode.ts`) for as long as another such movabs
 * comes within SPAN bytes, and each immediate is placed where it goes in memory: an immediate stored to, compared with
 * or XORed into `disp(base,index,scale)` at that displacement of that operand's canvas; a register that holds an
 * immediate (movabs, `mov $imm32,%r32`) likewise when it is stored to, compared or XORed with memory; an immediate
 * compared or XORed with a register loaded from memory (`mov 8(%r14),%ecx; xor $imm32,%rcx`) where that register was
 * loaded from. A byte placed where another already is, different, starts the canvas afresh (a `switch` over strings
 * compares each case at the same displacements). A canvas 128 code bytes unused, or whose base register is written,
 * or any at a `ret` or `jmp`, is done: each run of at least MIN_RUN bytes in a row on it made of two pieces or more
 * (one piece is contiguous in the file already) is written, one a line, to the content's `(x86 immediates at N)`.
 *
 * Only in content that is x86-64 code: an ELF file of machine x86-64 (executables, shared objects, `.o` members of an
 * `.a`), a PE file of machine AMD64, a 64-bit Mach-O file of x86-64 (its magic and header read from its first bytes).
 * Not read: a string loaded from 16-byte constants (`movdqa .LC0(%rip),%xmm0`, Rust's `pcmpeqb` with .rodata.cst16
 * constants: the bytes are in the data, cut into 16-byte entries not always in order), one built with arithmetic or by
 * a loop, pieces more than 128 code bytes apart, AVX forms, aarch64's movz/movk, 32-bit x86.
 */
import { decode, instruction, type Instruction } from './x86-decode.js';
import { tripleCandidates } from './runs-classify.js';
import type { Sink } from './types.js';

/** Runs shorter than this are not written: the values the audit looks for are longer (and a shorter run is most code). */
export const MIN_RUN = 8;
/** The decoding goes on this many bytes past the last movabs of text it met. */
const SPAN = 192;
/** A canvas or a register's value unused for this many code bytes is done. */
const STALE = 128;
/** No decoding from one movabs goes past this many bytes (what a chunk's end carries stays small). */
const MOST = 16 * 1024;
/** The content's first bytes read for its header (ELF's machine at 18; PE's header where e_lfanew says). */
const HEADER = 4096;
/** Runs kept to write each once per content (a binary holds each of its strings once or a few times). */
const SEEN = 8192;

/**
 * `tripleCandidates`' tables: REX.W (0x48–0x4f), B8+r (0xb8–0xbf), then a byte 0x20–0x7f (the immediate's first).
 */
const MOVABS = (() => {
  const t = new Uint8Array(96);
  for (let x = 8; x < 16; x++) t[x] = t[32 + x] = 1;
  t[16 + 4] = 1;
  t[32 + 16 + 0xb] = 1;
  for (let x = 0; x < 16; x++) t[64 + x] = 1;
  for (let h = 2; h < 8; h++) t[64 + 16 + h] = 1;
  return t;
})();

/** rax, rcx, rdx, rsi, rdi, r8–r11: what a call may change (System V; Windows' x64 keeps rsi and rdi: lost all the same). */
const CALLER_SAVED = [0, 1, 2, 6, 7, 8, 9, 10, 11];

const printable = (b: number) => b >= 0x20 && b < 0x7f;

/** A movabs of text at `p`: REX.W B8+r and 8 bytes of printable ASCII, or at least 3 of it then NULs. */
function movabsOfText(c: Uint8Array, p: number): boolean {
  if ((c[p]! & 0xf8) !== 0x48 || (c[p + 1]! & 0xf8) !== 0xb8) return false;
  let k = 0;
  while (k < 8 && printable(c[p + 2 + k]!)) k++;
  if (k === 8) return true;
  if (k < 3) return false;
  for (; k < 8; k++) if (c[p + 2 + k] !== 0) return false;
  return true;
}

const u16 = (c: Uint8Array, p: number) => c[p]! | (c[p + 1]! << 8);
const u32 = (c: Uint8Array, p: number) => (u16(c, p) | (u16(c, p + 2) << 16)) >>> 0;

/** Whether content beginning with `head` is x86-64 code: ELF of EM_X86_64, PE of AMD64, Mach-O of x86-64. */
export function x86Code(head: Uint8Array): boolean {
  if (head.length >= 20 && u32(head, 0) === 0x464c457f) return head[4] === 2 && head[5] === 1 && u16(head, 18) === 62;
  if (head.length >= 8 && u32(head, 0) === 0xfeedfacf) return u32(head, 4) === 0x01000007;
  if (head.length >= 0x40 && head[0] === 0x4d && head[1] === 0x5a) {
    const pe = u32(head, 0x3c);
    return pe + 6 <= head.length && u32(head, pe) === 0x4550 && u16(head, pe + 4) === 0x8664;
  }
  return false;
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
  bytes: Map<number, number>;
  piece: Map<number, number>;
  last: number;
}

/** One decoding from a movabs of text: the runs it wrote and where it stopped. */
class Window {
  readonly runs: Uint8Array[] = [];
  readonly #ins: Instruction = instruction();
  /** Registers holding an immediate. */
  readonly #held: Array<Held | undefined> = Array.from({ length: 16 }, () => undefined);
  /** Registers loaded from memory. */
  readonly #loaded: Array<Loaded | undefined> = Array.from({ length: 16 }, () => undefined);
  readonly #canvases = new Map<string, Canvas>();

  /** Decodes `c` from `start`: where it stopped, or -1 if it needed bytes past `c`'s end (`last`: none come). */
  read(c: Uint8Array, start: number, last: boolean): number {
    const ins = this.#ins;
    let until = start + SPAN;
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
      else if (ins.map === 1 && (ins.op === 0xb6 || ins.op === 0xb7 || ins.op === 0xbe || ins.op === 0xbf)) {
        // movzx/movsx from memory: where the register's value came from.
        this.#forget(ins.reg);
        if (ins.mod !== 3) this.#loaded[ins.reg] = { key: this.#key(), disp: this.#disp(p), width: ins.op & 1 ? 2 : 1, at: p };
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
    if (op === 0xc3 || op === 0xc2 || op === 0xcc || op === 0xe9 || op === 0xeb) {
      this.#expire(p, true);
    } else if (op === 0xe8 || (op === 0xff && mod !== 3 && slash === 2)) {
      // A call: the caller-saved registers are lost; memory is not.
      for (const r of CALLER_SAVED) this.#held[r] = this.#loaded[r] = undefined;
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
      const loaded = from >= 0 ? this.#loaded[from] : { key: this.#key(), disp: this.#disp(p), width: this.#width(), at: p };
      this.#forget(ins.reg);
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
    let canvas = this.#canvases.get(key);
    if (canvas) {
      for (let k = 0; k < bytes.length; k++) {
        const was = canvas.bytes.get(disp + k);
        if (was !== undefined && was !== bytes[k]) {
          this.#flush(canvas);
          canvas = undefined;
          break;
        }
      }
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
    const at = [...canvas.bytes.keys()].sort((x, y) => x - y);
    for (let i = 0; i < at.length;) {
      let j = i;
      while (j + 1 < at.length && at[j + 1] === at[j]! + 1) j++;
      if (j - i + 1 >= MIN_RUN) {
        const pieces = new Set<number>();
        for (let k = i; k <= j; k++) pieces.add(canvas.piece.get(at[k]!)!);
        if (pieces.size >= 2) {
          const run = new Uint8Array(j - i + 1);
          for (let k = i; k <= j; k++) run[k - i] = canvas.bytes.get(at[k]!)!;
          this.runs.push(run);
        }
      }
      i = j + 1;
    }
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
    }
  }
}

/** The strings of a content's x86-64 code, fed chunk by chunk (`runs.ts`'s EncodedRuns). */
export class CodeImmediates {
  /** Undecided until HEADER bytes (or the end) are in; then whether the content is x86-64 code. */
  #code: boolean | undefined;
  #head: Buffer[] = [];
  #headLength = 0;
  /** The chunk's bytes from a decoding it cut: decoded again with the next. */
  #tail: Buffer = Buffer.alloc(0);
  #offset = 0;
  /** Where the last decoding stopped, in the content: a movabs before it was decoded in it. */
  #done = 0;
  #sink: Sink | undefined;
  readonly #seen = new Set<string>();

  constructor(readonly open: (offset: number, alphabet: string) => Sink | undefined) {}

  async push(chunk: Uint8Array): Promise<void> {
    if (this.#code === undefined) {
      this.#head.push(Buffer.from(chunk));
      this.#headLength += chunk.length;
      if (this.#headLength < HEADER) return;
      await this.#decide(false);
      return;
    }
    if (this.#code) await this.#chunk(chunk, false);
  }

  async end(): Promise<void> {
    if (this.#code === undefined) await this.#decide(true);
    else if (this.#code) await this.#chunk(new Uint8Array(0), true);
    await this.#sink?.end();
    this.#sink = undefined;
  }

  async #decide(last: boolean): Promise<void> {
    const head = Buffer.concat(this.#head);
    this.#head = [];
    this.#code = x86Code(head);
    if (this.#code) await this.#chunk(head, last);
  }

  async #chunk(chunk: Uint8Array, last: boolean): Promise<void> {
    const tail = this.#tail;
    const bytes = tail.length ? Buffer.concat([tail, chunk]) : chunk;
    const base = this.#offset - tail.length;
    this.#offset += chunk.length;
    this.#tail = Buffer.alloc(0);
    const places: number[] = [];
    if (!tripleCandidates(MOVABS, bytes, places))
      for (let p = 0; p + 1 < bytes.length; p++) if ((bytes[p]! & 0xf8) === 0x48 && (bytes[p + 1]! & 0xf8) === 0xb8) places.push(p);
    for (const p of places) {
      if (base + p < this.#done) continue;
      if (p + 10 > bytes.length) {
        if (!last) this.#tail = Buffer.from(bytes.subarray(p));
        return;
      }
      if (!movabsOfText(bytes, p)) continue;
      const window = new Window();
      const end = window.read(bytes, p, last);
      if (end < 0) {
        this.#tail = Buffer.from(bytes.subarray(p));
        return;
      }
      this.#done = base + end;
      for (const run of window.runs) await this.#write(run, base + p);
    }
    // A movabs the chunk's end cut (the pass reads zeros past it): kept for the next chunk.
    if (!last && !this.#tail.length) {
      const from = Math.max(0, bytes.length - 9, this.#done - base);
      for (let p = from; p < bytes.length; p++)
        if ((bytes[p]! & 0xf8) === 0x48 && (p + 1 === bytes.length || (bytes[p + 1]! & 0xf8) === 0xb8)) {
          this.#tail = Buffer.from(bytes.subarray(p));
          break;
        }
    }
  }

  async #write(run: Uint8Array, at: number): Promise<void> {
    const text = Buffer.from(run).toString('latin1');
    if (this.#seen.has(text)) return;
    if (this.#seen.size < SEEN) this.#seen.add(text);
    this.#sink ??= this.open(at, 'x86 immediates');
    await this.#sink?.write(Buffer.from(`${text}\n`, 'latin1'));
  }
}
