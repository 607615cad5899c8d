/**
 * The x86 branch converter (BCJ) reversed exactly, as liblzma's `simple/x86.c` and the LZMA SDK's
 * `Bra86.c` do: an E8/E9 (call/jump) opcode's 32-bit operand was turned from relative to absolute
 * by the encoder and is turned back here, with the same bookkeeping of recent opcodes, so the
 * output is byte for byte the original. Streaming: the last 4 bytes of a piece (an operand cut by
 * the boundary) wait for the next; at the end they pass as they are. Used for xz blocks with the
 * x86 filter (`xz-walk.ts` reports them) and 7z folders with the BCJ coder.
 */
import { xzDeltaFilter } from './delta.js';
import { filterChain } from './filter-chain.js';

const ALLOWED = [true, true, true, false, true, false, false, false];
const BIT = [0, 1, 2, 2, 3, 3, 3, 3];
const msByte = (b: number) => b === 0 || b === 0xff;

export class BcjX86 {
  #mask = 0;
  #prevPos = -5 >>> 0;
  /** Where the next byte given sits in the stream (mod 2^32), after the filter's start offset. */
  #now: number;
  #tail = new Uint8Array(0);

  constructor(start = 0) {
    this.#now = start >>> 0;
  }

  /** The decoded bytes `input` completes (a copy); up to 4 bytes are kept for the next call. */
  push(input: Uint8Array): Uint8Array {
    const buf = new Uint8Array(this.#tail.length + input.length);
    buf.set(this.#tail);
    buf.set(input, this.#tail.length);
    const n = this.#convert(buf);
    this.#tail = buf.slice(n);
    this.#now = (this.#now + n) >>> 0;
    return buf.subarray(0, n);
  }

  /** What is left: the last bytes, which no operand can fill. */
  end(): Uint8Array {
    const rest = this.#tail;
    this.#tail = new Uint8Array(0);
    return rest;
  }

  #convert(buf: Uint8Array): number {
    const size = buf.length;
    if (size < 5) return 0;
    const now = this.#now;
    let mask = this.#mask;
    let prevPos = this.#prevPos;
    if ((now - prevPos) >>> 0 > 5) prevPos = (now - 5) >>> 0;
    let i = 0;
    while (i <= size - 5) {
      let b = buf[i]!;
      if (b !== 0xe8 && b !== 0xe9) {
        i++;
        continue;
      }
      const offset = (now + i - prevPos) >>> 0;
      prevPos = (now + i) >>> 0;
      if (offset > 5) mask = 0;
      else for (let k = 0; k < offset; k++) mask = (mask & 0x77) << 1;
      b = buf[i + 4]!;
      if (msByte(b) && ALLOWED[(mask >>> 1) & 7] && mask >>> 1 < 0x10) {
        let src = (b * 0x1000000 + (buf[i + 3]! << 16) + (buf[i + 2]! << 8) + buf[i + 1]!) >>> 0;
        let dest: number;
        for (;;) {
          dest = (src - (now + i + 5)) >>> 0;
          if (mask === 0) break;
          const bit = BIT[mask >>> 1]!;
          b = (dest >>> (24 - bit * 8)) & 0xff;
          if (!msByte(b)) break;
          src = (dest ^ (2 ** (32 - bit * 8) - 1)) >>> 0;
        }
        buf[i + 4] = (dest >>> 24) & 1 ? 0xff : 0;
        buf[i + 3] = (dest >>> 16) & 0xff;
        buf[i + 2] = (dest >>> 8) & 0xff;
        buf[i + 1] = dest & 0xff;
        i += 5;
        mask = 0;
      } else {
        i++;
        mask |= 1;
        if (msByte(b)) mask |= 0x10;
      }
    }
    this.#mask = mask;
    this.#prevPos = prevPos;
    return i;
  }
}

/**
 * A branch converter that walks its own steps (ARM Thumb: 2 bytes; IA-64: 16-byte bundles; RISC-V; the aligned words
 * below), reversed as liblzma's simple coders run it: `convert` filters what it can of a buffer and says how far it
 * got; the rest waits for more.
 */
abstract class Stepped {
  #now: number;
  #tail = new Uint8Array(0);

  constructor(start = 0) {
    this.#now = start >>> 0;
  }

  push(input: Uint8Array): Uint8Array {
    const buf = new Uint8Array(this.#tail.length + input.length);
    buf.set(this.#tail);
    buf.set(input, this.#tail.length);
    const n = this.convert(buf, this.#now);
    this.#tail = buf.slice(n);
    this.#now = (this.#now + n) >>> 0;
    return buf.subarray(0, n);
  }

  end(): Uint8Array {
    const rest = this.#tail;
    this.#tail = new Uint8Array(0);
    return rest;
  }

  /** Converts `buf` (its first byte at stream position `now`) back in place: the bytes done. */
  protected abstract convert(buf: Uint8Array, now: number): number;
}

/** A converter over aligned 4-byte words (ARM, ARM64, PowerPC, SPARC): a word cut by a piece's end waits for the next. */
abstract class Aligned extends Stepped {
  protected convert(buf: Uint8Array, now: number): number {
    const n = buf.length - (buf.length % 4);
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    for (let i = 0; i < n; i += 4) this.word(view, i, (now + i) >>> 0);
    return n;
  }

  /** The word at `i` (at stream position `pc`) converted back in place. */
  protected abstract word(view: DataView, i: number, pc: number): void;
}

/** ARM (32-bit) BL: liblzma's `simple/arm.c`. */
export class BcjArm extends Aligned {
  protected word(view: DataView, i: number, pc: number): void {
    if (view.getUint8(i + 3) !== 0xeb) return;
    const src = (view.getUint32(i, true) & 0xffffff) * 4;
    const dest = ((src - (pc + 8)) >>> 2) & 0xffffff;
    view.setUint32(i, (dest | 0xeb000000) >>> 0, true);
  }
}

/** ARM64 BL and ADRP: liblzma's `simple/arm64.c`. */
export class BcjArm64 extends Aligned {
  protected word(view: DataView, i: number, pc: number): void {
    let instr = view.getUint32(i, true);
    if (instr >>> 26 === 0x25) {
      view.setUint32(i, (0x94000000 | ((instr - (pc >>> 2)) & 0x03ffffff)) >>> 0, true);
    } else if ((instr & 0x9f000000) >>> 0 === 0x90000000) {
      const src = ((instr >>> 29) & 3) | ((instr >>> 3) & 0x001ffffc);
      if ((src + 0x00020000) & 0x001c0000) return;
      const dest = (src - (pc >>> 12)) >>> 0;
      instr &= 0x9000001f;
      instr |= (dest & 3) << 29;
      instr |= (dest & 0x0003fffc) << 3;
      instr |= (0 - (dest & 0x00020000)) & 0x00e00000;
      view.setUint32(i, instr >>> 0, true);
    }
  }
}

/** PowerPC branch (`bl`, big-endian words): liblzma's `simple/powerpc.c`. */
export class BcjPpc extends Aligned {
  protected word(view: DataView, i: number, pc: number): void {
    const b0 = view.getUint8(i);
    const b3 = view.getUint8(i + 3);
    if (b0 >>> 2 !== 0x12 || (b3 & 3) !== 1) return;
    const src = (view.getUint32(i, false) & 0x03fffffc) >>> 0;
    const dest = (src - pc) >>> 0;
    view.setUint32(i, ((0x48000000 | (dest & 0x03fffffc)) >>> 0) | (b3 & 3), false);
  }
}

/** SPARC `call` (big-endian words): liblzma's `simple/sparc.c`. */
export class BcjSparc extends Aligned {
  protected word(view: DataView, i: number, pc: number): void {
    const b0 = view.getUint8(i);
    const b1 = view.getUint8(i + 1);
    if (!((b0 === 0x40 && (b1 & 0xc0) === 0) || (b0 === 0x7f && (b1 & 0xc0) === 0xc0))) return;
    const src = (view.getUint32(i, false) << 2) >>> 0;
    let dest = ((src - pc) >>> 0) >>> 2;
    dest = ((((0 - ((dest >>> 22) & 1)) << 22) & 0x3fffffff) | (dest & 0x3fffff) | 0x40000000) >>> 0;
    view.setUint32(i, dest, false);
  }
}

/** ARM Thumb BL (a pair of 16-bit halves, F000 then F800): liblzma's `simple/armthumb.c`. */
export class BcjArmThumb extends Stepped {
  protected convert(buf: Uint8Array, now: number): number {
    let i = 0;
    for (; i + 4 <= buf.length; i += 2) {
      if ((buf[i + 1]! & 0xf8) !== 0xf0 || (buf[i + 3]! & 0xf8) !== 0xf8) continue;
      const src = (((buf[i + 1]! & 7) << 19) | (buf[i]! << 11) | ((buf[i + 3]! & 7) << 8) | buf[i + 2]!) << 1;
      const dest = ((src - (now + i + 4)) >>> 0) >>> 1;
      buf[i + 1] = 0xf0 | ((dest >>> 19) & 7);
      buf[i] = (dest >>> 11) & 0xff;
      buf[i + 3] = 0xf8 | ((dest >>> 8) & 7);
      buf[i + 2] = dest & 0xff;
      i += 2;
    }
    return i;
  }
}

/** Which of a bundle's three slots may hold a branch, by its template (the bundle's low 5 bits). */
const IA64_BRANCHES = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 4, 6, 6, 0, 0, 7, 7, 4, 4, 0, 0, 4, 4, 0, 0];

/** IA-64 `br.call` and friends in 128-bit bundles (41-bit slots, read as 48 bits in a double): liblzma's `simple/ia64.c`. */
export class BcjIa64 extends Stepped {
  protected convert(buf: Uint8Array, now: number): number {
    let i = 0;
    for (; i + 16 <= buf.length; i += 16) {
      const mask = IA64_BRANCHES[buf[i]! & 0x1f]!;
      for (let slot = 0, bitPos = 5; slot < 3; slot++, bitPos += 41) {
        if (!((mask >>> slot) & 1)) continue;
        const at = i + (bitPos >>> 3);
        const res = bitPos & 7;
        let instr = 0;
        for (let j = 5; j >= 0; j--) instr = instr * 256 + buf[at + j]!;
        const norm = Math.floor(instr / 2 ** res);
        if (Math.floor(norm / 2 ** 37) % 16 !== 5 || Math.floor(norm / 512) % 8 !== 0) continue;
        const src = ((Math.floor(norm / 2 ** 13) % 2 ** 20) | ((Math.floor(norm / 2 ** 36) % 2) << 20)) * 16;
        const dest = ((src - (now + i)) >>> 0) >>> 4;
        const rebuilt =
          (norm % 2 ** 13) +
          (dest & 0xfffff) * 2 ** 13 +
          (Math.floor(norm / 2 ** 33) % 8) * 2 ** 33 +
          ((dest >>> 20) & 1) * 2 ** 36 +
          Math.floor(norm / 2 ** 37) * 2 ** 37;
        let out = (instr % 2 ** res) + rebuilt * 2 ** res;
        for (let j = 0; j < 6; j++, out = Math.floor(out / 256)) buf[at + j] = out % 256;
      }
    }
    return i;
  }
}

/** RISC-V JAL (rd x1 or x5) and AUIPC with its paired instruction: liblzma's `simple/riscv.c` decoder (xz 5.6, 7-Zip 24). */
export class BcjRiscv extends Stepped {
  protected convert(buf: Uint8Array, now: number): number {
    if (buf.length < 8) return 0;
    const last = buf.length - 8;
    const le = (at: number) => (buf[at]! | (buf[at + 1]! << 8) | (buf[at + 2]! << 16) | (buf[at + 3]! << 24)) >>> 0;
    const put = (at: number, v: number) => {
      for (let k = 0; k < 4; k++) buf[at + k] = (v >>> (8 * k)) & 0xff;
    };
    let i = 0;
    for (; i <= last; i += 2) {
      let inst = buf[i]!;
      if (inst === 0xef) {
        // JAL: its 20-bit immediate was stored big-endian and absolute
        const b1 = buf[i + 1]!;
        if (b1 & 0x0d) continue;
        const addr = ((((b1 & 0xf0) << 13) | (buf[i + 2]! << 9) | (buf[i + 3]! << 1)) - (now + i)) >>> 0;
        buf[i + 1] = (b1 & 0x0f) | ((addr >>> 8) & 0xf0);
        buf[i + 2] = ((addr >>> 16) & 0x0f) | ((addr >>> 7) & 0x10) | ((addr << 4) & 0xe0);
        buf[i + 3] = ((addr >>> 4) & 0x7f) | ((addr >>> 13) & 0x80);
        i += 2;
      } else if ((inst & 0x7f) === 0x17) {
        // AUIPC
        inst = le(i);
        let inst2: number;
        if (inst & 0xe80) {
          // rd neither x0 nor x2: a "fake" pair the encoder made of data that looked like its special form
          inst2 = le(i + 4);
          if (((inst << 8) ^ ((inst2 - 3) >>> 0)) & 0xf8003) {
            i += 4;
            continue;
          }
          const addr = (((inst & 0xfffff000) >>> 0) + (inst2 >>> 20)) >>> 0;
          inst = (0x17 | (2 << 7) | (inst2 << 12)) >>> 0;
          inst2 = addr;
        } else {
          // the special form: rd x2, inst2's low 20 bits, then the absolute address big-endian
          const rs1 = inst >>> 27;
          if (((inst - 0x3117) << 18) >>> 0 >= (rs1 & 0x1d)) {
            i += 2;
            continue;
          }
          const addr = ((((buf[i + 4]! << 24) | (buf[i + 5]! << 16) | (buf[i + 6]! << 8) | buf[i + 7]!) >>> 0) - (now + i)) >>> 0;
          inst2 = ((inst >>> 12) | (addr << 20)) >>> 0;
          inst = (0x17 | (rs1 << 7) | ((addr + 0x800) & 0xfffff000)) >>> 0;
        }
        put(i, inst);
        put(i + 4, inst2);
        i += 6;
      }
    }
    return i;
  }
}

/** A reversing branch filter of any kind. */
export type BranchFilter = Pick<BcjX86, 'push' | 'end'>;

/** The reversing filter for an xz filter ID (4 x86, 5 PowerPC, 6 IA-64, 7 ARM, 8 ARM Thumb, 9 SPARC, 10 ARM64, 11 RISC-V), from its start offset; undefined for others. */
export function xzBranchFilter(id: number, start: number): BranchFilter | undefined {
  if (id === 5) return new BcjPpc(start);
  if (id === 9) return new BcjSparc(start);
  if (id === 6) return new BcjIa64(start);
  if (id === 8) return new BcjArmThumb(start);
  if (id === 11) return new BcjRiscv(start);
  return id === 4 ? new BcjX86(start) : id === 7 ? new BcjArm(start) : id === 10 ? new BcjArm64(start) : undefined;
}

/** A filter before LZMA2 in an xz block, as `xz-walk.ts` reports it. */
interface BlockFilter {
  id: number;
  props: Uint8Array;
}

/**
 * An xz stream's output split back into its blocks (their sizes reported by the walk as each block
 * ends, before the decoder can have given more), each block whose only other filter is x86, PowerPC,
 * IA-64, ARM, ARM Thumb, SPARC, ARM64 or RISC-V BCJ (4–11; their optional start offset) or delta (3, `delta.ts`) reversed
 * exactly. A block with another filter is left as it was made: text comes through whole.
 */
export class XzBlockFilters {
  readonly #blocks: Array<{ bcj: BranchFilter | undefined; size?: number; out: number }> = [];

  /** A block's filters, all of them (`xz --x86 --delta --lzma2`: a chain, `filter-chain.ts`); one not known passes its bytes as they are. */
  start(filters: BlockFilter[]): void {
    const made = filters.map((f) =>
      f.id === 3
        ? xzDeltaFilter(f.props)
        : xzBranchFilter(f.id, f.props.length === 4 ? new DataView(f.props.buffer, f.props.byteOffset, 4).getUint32(0, true) : 0),
    );
    this.#blocks.push({ bcj: filterChain(made.filter((f) => f !== undefined)), out: 0 });
  }

  end(size: number): void {
    const open = this.#blocks.findLast((b) => b.size === undefined);
    if (open) open.size = size;
  }

  /** The decoder's output, each block's part through its filter. */
  apply(bytes: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    let rest = bytes;
    while (rest.length) {
      const b = this.#blocks[0];
      if (!b) return [...out, rest];
      if (b.size !== undefined && b.out >= b.size) {
        if (b.bcj) out.push(b.bcj.end());
        this.#blocks.shift();
        continue;
      }
      const take = b.size === undefined ? rest.length : Math.min(rest.length, b.size - b.out);
      const piece = rest.subarray(0, take);
      b.out += take;
      out.push(b.bcj ? b.bcj.push(piece) : piece);
      rest = rest.subarray(take);
    }
    return out.filter((p) => p.length);
  }

  /** What the filters still hold once the stream has ended. */
  finish(): Uint8Array[] {
    return this.#blocks
      .splice(0)
      .flatMap((b) => (b.bcj ? [b.bcj.end()] : []))
      .filter((p) => p.length);
  }
}
