/**
 * What the first bytes of an executable say, for the readers of code (`x86-immediates.ts`, `arm64-immediates.ts`): its
 * machine — an ELF file (64-bit, little-endian), a PE file or a 64-bit Mach-O file — and, for an ELF file, its loaded
 * segments from the program headers.
 */

export const u16 = (c: Uint8Array, p: number): number => c[p]! | (c[p + 1]! << 8);
export const u32 = (c: Uint8Array, p: number): number => (u16(c, p) | (u16(c, p + 2) << 16)) >>> 0;
const u64 = (c: Uint8Array, p: number) => u32(c, p) + u32(c, p + 4) * 2 ** 32;

/** Whether `head` may begin an ELF, PE or 64-bit Mach-O file (true while fewer than 4 bytes are in). */
export function codeMagic(head: Uint8Array): boolean {
  if (head.length < 4) return true;
  const magic = u32(head, 0);
  return magic === 0x464c457f || magic === 0xfeedfacf || (head[0] === 0x4d && head[1] === 0x5a);
}

/**
 * The machine of the code `head` begins: an ELF of EM_X86_64 (62) or EM_AARCH64 (183; its program headers in `head`),
 * a PE of AMD64 (0x8664) or ARM64 (0xAA64), a Mach-O of x86-64 or arm64; undefined for anything else.
 */
export function codeMachine(head: Uint8Array): 'x86-64' | 'aarch64' | undefined {
  if (head.length >= 20 && u32(head, 0) === 0x464c457f) {
    if (head[4] !== 2 || head[5] !== 1) return undefined;
    const machine = u16(head, 18);
    return machine === 62 ? 'x86-64' : machine === 183 && head.length >= 64 ? 'aarch64' : undefined;
  }
  if (head.length >= 8 && u32(head, 0) === 0xfeedfacf) {
    const cpu = u32(head, 4);
    return cpu === 0x01000007 ? 'x86-64' : cpu === 0x0100000c ? 'aarch64' : undefined;
  }
  if (head.length >= 0x40 && head[0] === 0x4d && head[1] === 0x5a) {
    const pe = u32(head, 0x3c);
    if (pe + 6 > head.length || u32(head, pe) !== 0x4550) return undefined;
    const machine = u16(head, pe + 4);
    return machine === 0x8664 ? 'x86-64' : machine === 0xaa64 ? 'aarch64' : undefined;
  }
  return undefined;
}

/** A loaded segment of an ELF file: its file offset, address and size in the file, and whether it is code. */
export interface Segment {
  readonly offset: number;
  readonly address: number;
  readonly size: number;
  readonly executable: boolean;
}

/** An ELF file's PT_LOAD segments, from its program headers in `head` (none if it is no 64-bit ELF file). */
export function elfSegments(head: Uint8Array): Segment[] {
  if (head.length < 64 || u32(head, 0) !== 0x464c457f || head[4] !== 2) return [];
  const at = u64(head, 32);
  const size = u16(head, 54);
  const count = u16(head, 56);
  const segments: Segment[] = [];
  for (let k = 0; k < count && at + (k + 1) * size <= head.length; k++) {
    const h = at + k * size;
    if (u32(head, h) !== 1) continue;
    segments.push({ offset: u64(head, h + 8), address: u64(head, h + 16), size: u64(head, h + 32), executable: (u32(head, h + 4) & 1) === 1 });
  }
  return segments;
}
