/**
 * The x86 branch converter (BCJ) reversed exactly, as liblzma's `simple/x86.c` and the LZMA SDK's
 * `Bra86.c` do: an E8/E9 (call/jump) opcode's 32-bit operand was turned from relative to absolute
 * by the encoder and is turned back here, with the same bookkeeping of recent opcodes, so the
 * output is byte for byte the original. Streaming: the last 4 bytes of a piece (an operand cut by
 * the boundary) wait for the next; at the end they pass as they are. Used for xz blocks with the
 * x86 filter (`xz-walk.ts` reports them) and 7z folders with the BCJ coder.
 */
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

/** A filter before LZMA2 in an xz block, as `xz-walk.ts` reports it. */
interface BlockFilter {
  id: number;
  props: Uint8Array;
}

/**
 * An xz stream's output split back into its blocks (their sizes reported by the walk as each block
 * ends, before the decoder can have given more), each block whose only other filter is x86 BCJ
 * (filter 4, its optional start offset) reversed exactly. Other filters (ARM, ARM64, delta…) are
 * left as they made the data: text comes through them whole.
 */
export class XzBlockFilters {
  readonly #blocks: Array<{ bcj: BcjX86 | undefined; size?: number; out: number }> = [];

  start(filters: BlockFilter[]): void {
    const x86 = filters.length === 1 && filters[0]!.id === 4 ? filters[0]! : undefined;
    const offset = x86?.props.length === 4 ? new DataView(x86.props.buffer, x86.props.byteOffset, 4).getUint32(0, true) : 0;
    this.#blocks.push({ bcj: x86 ? new BcjX86(offset) : undefined, out: 0 });
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
