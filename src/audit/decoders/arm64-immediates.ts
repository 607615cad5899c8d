/**
 * Short strings a compiler cut into AArch64 instructions. Go (GOARCH=arm64) compiles `key != "9+/v=o&M%Gn"` to `ldr
 * x5,[x0]; movz x27,#"9+"; movk x27,#"/v",lsl #16; movk …,lsl #32; movk …,lsl #48; cmp x5,x27`, then a `ldrh`
 * compared with a `movz` of the next two characters and a `ldrb` with `cmp w5,#'n'`; it builds a `[N]byte` literal or
 * the bytes given to `bytes.Equal` with the same movz/movk stored by `str`/`stur` to the stack, and a struct's byte
 * array one `strb` a character. Each instruction holds 16 bits of the value (bits 5–20 of its word): the value is in
 * no byte run of the file.
 *
 * Read where such code is: a MOVZ of two printable characters with a MOVK of two more into the same register within
 * LOOK words after it, or a MOVZ of one character stored by STRB with a STRB to the next offset of the same base
 * after it. The code around it — BEFORE bytes before, SPAN bytes after the last place met — is decoded word by word
 * (`arm64-window.ts`); each run of 8 bytes or more it builds of two pieces or more (or of one, all printable) is written, ended by a NUL,
 * to the content's `(arm64 immediates at N)`.
 *
 * Only in content that is AArch64 code: an ELF file of machine AArch64 (183; its executable PT_LOAD segments, or
 * every word where it has none: a relocatable `.o`), a PE file of machine ARM64 (0xAA64), a 64-bit Mach-O file of
 * arm64 (every word: Go aligns its code to 4 in the file as in memory). Not read: strings of 17 bytes and more that
 * Go compares with `runtime.memequal` — they are contiguous in `.rodata`, where the byte reader finds them —, a lone
 * 8-byte piece (an 8-byte value: one compare), literal pools and ADRP+LDR of constants, SIMD compares (clang's and
 * rustc's `ldr q`/`cmeq`, untested: no aarch64 C or Rust toolchain in the lab), big-endian code.
 */
import { Arm64Window, word } from './arm64-window.js';
import { codeMachine, elfSegments } from './code-header.js';

/** The decoding starts this many bytes before a place: the loads before the first MOVZ (a debug build loads a string byte by byte, 7 words a byte: 62 words before for 8 bytes). */
const BEFORE = 288;
/** It goes on this many bytes past the last place met. */
const SPAN = 192;
/** A MOVK of the same register comes within this many words after the MOVZ, or a STRB's second. */
const LOOK = 4;
/** The bytes after a place its test reads: nearer a chunk's end, it is looked at with the next. */
const AHEAD = 4 * (LOOK + 3);
/** A window longer than this is decoded as far as it reaches in a chunk (places one after another: a table of them). */
const LONGEST = 1 << 20;

const printable = (b: number) => b >= 0x20 && b < 0x7f;

/** Whether the word at `p` (a MOVZ, told by the caller) begins a place, `end` the bytes it may read. */
function isPlace(c: Uint8Array, p: number, end: number): boolean {
  const w = word(c, p);
  const imm = (w >>> 5) & 0xffff;
  const rd = w & 31;
  if (imm >= 0x20 && imm < 0x7f && !(w & 0x00600000)) {
    // One character stored as a byte, then the next byte of the same base (Go's byte-array literals: movz; strb).
    if (p + 8 > end) return false;
    const store = word(c, p + 4);
    if ((store & 0xffc0001f) !== (0x39000000 | rd)) return false;
    const base = (store >>> 5) & 31;
    const off = (store >>> 10) & 0xfff;
    for (let q = p + 8; q <= p + 4 * (LOOK + 2) && q + 4 <= end; q += 4) {
      const v = word(c, q);
      if ((v & 0xffc00000) === 0x39000000 && ((v >>> 5) & 31) === base && ((v >>> 10) & 0xfff) === off + 1) return true;
    }
    return false;
  }
  if (!printable(imm & 0xff) || !printable(imm >>> 8)) return false;
  for (let q = p + 4; q <= p + 4 * LOOK && q + 4 <= end; q += 4) {
    const v = word(c, q);
    if ((v & 0x7f80001f) === (0x72800000 | rd) && printable((v >>> 5) & 0xff) && printable((v >>> 13) & 0xff)) return true;
  }
  return false;
}

/**
 * Whether content beginning with `head` is AArch64 code, and where: an ELF file's executable PT_LOAD segments (file
 * offsets, from and to), or the whole content (none: a relocatable ELF, PE, Mach-O). Undefined if it is none.
 */
export function arm64Code(head: Uint8Array): Array<[number, number]> | undefined {
  if (codeMachine(head) !== 'aarch64') return undefined;
  return elfSegments(head)
    .filter((s) => s.executable)
    .map((s): [number, number] => [s.offset, s.offset + s.size]);
}

/** The strings of a content's AArch64 code, chunk by chunk (`x86-immediates.ts`'s CodeImmediates joins the chunks). */
export class Arm64Places {
  /** Places before this content offset were looked at. */
  #searched = 0;
  /** Where the last window ended: the next begins no earlier. */
  #done = 0;

  /** `code`: the executable ranges, file offsets from and to; none, the whole content. */
  constructor(readonly code: ReadonlyArray<readonly [number, number]>) {}

  /**
   * The windows of `bytes` (at `base` in the content, a multiple of 4) decoded, each run given to `out` with the
   * content offset of its window; returns where the bytes kept for the next chunk begin (in `bytes`).
   */
  search(bytes: Uint8Array, base: number, last: boolean, out: (run: number[], at: number) => void): number {
    const length = bytes.length - (bytes.length & 3);
    const limit = last ? length : Math.max(0, length - AHEAD);
    let from = -1;
    let end = -1;
    const finish = () => {
      const stop = Math.min(end, length, this.#range(base + from)![1] - base) & ~3;
      const window = new Arm64Window();
      window.read(bytes, from, stop);
      this.#done = base + stop;
      for (const run of window.runs) out(run, base + from);
      from = -1;
    };
    for (let p = Math.max(0, this.#searched - base, this.#done - base); p < limit; p += 4) {
      // One byte a word first: bits 23–30 of a MOVZ (either width) are 0xa5.
      if ((bytes[p + 3]! & 0x7f) !== 0x52 || !(bytes[p + 2]! & 0x80) || !this.#range(base + p)) continue;
      if (!isPlace(bytes, p, length)) continue;
      if (from >= 0 && p - BEFORE <= end && end - from < LONGEST) {
        end = Math.max(end, p + SPAN);
        continue;
      }
      if (from >= 0) {
        // A window cut for its length ends at this place, which begins the next.
        end = Math.min(end, p);
        finish();
      }
      from = Math.max(0, p - BEFORE, this.#done - base, Math.max(0, this.#range(base + p)![0] - base + 3) & ~3);
      end = p + SPAN;
    }
    if (from >= 0 && (last || end + BEFORE < limit || end - from >= LONGEST)) finish();
    // A window a later place may still reach is decoded with the next chunk, from its start.
    const keep = from >= 0 ? from : Math.max(0, limit - BEFORE);
    this.#searched = base + (from >= 0 ? from : limit);
    return keep;
  }

  /** The code range holding content offset `o` (the whole content where none is named), or undefined. */
  #range(o: number): readonly [number, number] | undefined {
    if (!this.code.length) return [0, Infinity];
    for (const range of this.code) if (o >= range[0] && o < range[1]) return range;
    return undefined;
  }
}
