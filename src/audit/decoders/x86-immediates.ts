/**
 * Short strings a compiler wrote into x86-64 instructions. A string constant compared or stored whole is not always
 * in the binary's data: Go compiles `key != "9+/v=o&M%Gn"` to `movabs $"9+/v=o&M",%rdx; cmp %rdx,(%rax); cmpw
 * $"%G",8(%rax); cmpb $"n",10(%rax)`; rustc compiles `k == "O+j/L=2&T%jP"` to a movabs XORed with the first 8 bytes
 * and an imm32 XORed with the 4 loaded from offset 8; g++ builds `std::string pw = "8+m/Po=a&Up%VvE"` in place with two
 * 8-byte stores 7 bytes apart; gcc builds a local `char k[13]` with a movabs stored at 3(%rsp) and one at 8(%rsp). The
 * value is then in the code, cut into immediates of 8, 4, 2 and 1 bytes between opcodes, and in no other byte of the
 * file.
 *
 * Read where such code is: a movabs (REX.W B8+r) whose 8 bytes are text (printable ASCII, or at least 3 of it then
 * NULs: a string's end), or a `pcmpeqb` (or AVX's `vpcmpeqb`, `vpxor`) with a RIP-relative constant. The instructions are decoded (`x86-decode.ts`,
 * `x86-window.ts`) from up to BEFORE bytes before it (the first start that decodes in step to it) for as long as another
 * such instruction comes within SPAN bytes, and each immediate is placed where it goes in memory: an immediate stored to, compared with
 * or XORed into `disp(base,index,scale)` at that displacement of that operand's canvas; a register that holds an
 * immediate (movabs, `mov $imm32,%r32`) likewise when it is stored to, compared or XORed with memory; an immediate
 * compared or XORed with a register loaded from memory (`mov 8(%r14),%ecx; xor $imm32,%rcx`) where that register was
 * loaded from. A byte placed where another already is, different, starts the canvas afresh (a `switch` over strings
 * compares each case at the same displacements). A canvas 128 code bytes unused, or whose base register is written,
 * or any at a `ret` or `jmp`, is done: each run of at least MIN_RUN bytes in a row on it made of two pieces or more
 * (one piece is contiguous in the file already) is written, each ended by a NUL, to the content's `(x86 immediates at N)`.
 *
 * Only in content that is x86-64 code: an ELF file of machine x86-64 (executables, shared objects, `.o` members of an
 * `.a`), a PE file of machine AMD64, a 64-bit Mach-O file of x86-64 (its magic and header read from its first bytes).
 * In an ELF file, 16-byte constants an SSE instruction loads by a RIP-relative address are placed too, as the file's
 * bytes they are (its program headers map the address): gcc builds `char pw[] = "Hk4#Tz9!pQ2@wE7&mN5_rx"` with a
 * `movdqa` of the first 16 bytes from .rodata and a movabs of the rest; rustc compares a 20-byte `&str` with two
 * `pcmpeqb` of entries of .rodata.cst16 that are not next to each other. A run holding such bytes is written when the
 * content has held them all (before the code, within the chunk; or after it, up to PENDING runs waiting).
 * Not read: a string built with arithmetic or by a loop, pieces more than 128 code bytes apart, C4-VEX compares, 32-bit
 * x86, the constants of PE and Mach-O files. AArch64 code (an ELF, PE or Mach-O file of that machine) is read by
 * `arm64-immediates.ts` instead, its runs written to `(arm64 immediates at N)`.
 */
import { decode, instruction, type Instruction } from './x86-decode.js';
import { type Layout, movabsOfText, SPAN, Window } from './x86-window.js';
import { giveBack, lease } from './join-pool.js';
import { arm64Code, Arm64Places } from './arm64-immediates.js';
import { codeMachine, codeMagic, elfSegments } from './code-header.js';
import { tripleCandidates } from './runs-classify.js';
import type { Sink } from './types.js';

/** The decoding of a place starts up to this many bytes before it (the loads before a compare, the stores before a movabs). */
const BEFORE = 64;
/** The content's first bytes read for its header (ELF's machine at 18 and program headers; PE's where e_lfanew says). */
const HEADER = 4096;
/** Runs kept to write each once per content (a binary holds each of its strings once or a few times). */
const SEEN = 8192;
/** Runs waiting for file bytes after the code (`.rodata` after `.text`). */
const PENDING = 4096;

/**
 * `tripleCandidates`' tables, five classes: REX.W (0x48–0x4f), B8+r (0xb8–0xbf), then a byte 0x20–0x7f (the movabs'
 * first immediate byte); 0F 74 then a ModRM byte of a RIP-relative operand (mod 0, rm 5: pcmpeqb, 66 before it); and
 * 0F 6F, 0F 28 or 0F 10 with such a ModRM byte (movdqa/movdqu, movaps, movups of a constant: checked for a store after);
 * and their VEX forms (`-march=x86-64-v3`); VEX's vpxor and vpcmpeqb (C5, pp 66, then EF or 74) of a RIP-relative
 * constant.
 */
const PLACES = (() => {
  const t = new Uint8Array(96);
  const or = (bit: number, ...at: number[]) => {
    for (const i of at) t[i] = t[i]! | bit;
  };
  or(1, 0x8, 0x9, 0xa, 0xb, 0xc, 0xd, 0xe, 0xf, 16 + 4);
  or(1, 32 + 8, 32 + 9, 32 + 10, 32 + 11, 32 + 12, 32 + 13, 32 + 14, 32 + 15, 48 + 0xb);
  or(1, ...Array.from({ length: 16 }, (_, x) => 64 + x), 80 + 2, 80 + 3, 80 + 4, 80 + 5, 80 + 6, 80 + 7);
  for (const bit of [2, 4]) or(bit, 0xf, 16 + 0, 64 + 5, 64 + 0xd, 80 + 0, 80 + 1, 80 + 2, 80 + 3);
  or(2, 32 + 4, 48 + 7);
  or(4, 32 + 0xf, 32 + 8, 32 + 0, 48 + 6, 48 + 2, 48 + 1);
  // VEX's two-byte form (C5, then R vvvv=1111 L pp, then 6F, 28 or 10): vmovdqa/vmovdqu, vmovaps, vmovups.
  or(8, 0x5, 16 + 0xc, 32 + 8, 32 + 9, 32 + 0xa, 32 + 0xc, 32 + 0xd, 32 + 0xe, 48 + 0xf, 48 + 7);
  or(8, 64 + 0xf, 64 + 8, 64 + 0, 80 + 6, 80 + 2, 80 + 1);
  // VEX's two-byte form with pp 66 and any vvvv, then EF or 74 (vpxor, vpcmpeqb: rustc's compares with AVX).
  or(16, 0x5, 16 + 0xc, 32 + 1, 32 + 5, 32 + 9, 32 + 0xd, ...Array.from({ length: 16 }, (_, x) => 48 + x), 64 + 0xf, 64 + 4, 80 + 0xe, 80 + 7);
  return t;
})();

/** How far after a load of a constant then a store its decoding goes: the next few stores (gcc's local char arrays). */
const STORES = 64;
/** The instructions after a load of a constant its store may be among. */
const LOOK = 6;
/** The bytes a place is looked at with after it (a load and LOOK instructions of 15 bytes at most): nearer a chunk's end, it waits for the next. */
const AHEAD = 128;

/**
 * The place at `p`: where its first instruction begins (a movabs at `p`; a pcmpeqb's or load's 66, F3 or REX before
 * its 0F), how far after it to decode and how far before; undefined if it is none. A load of a constant is a place
 * only with a store of that register right after it.
 */
function placeAt(c: Uint8Array, p: number, ins: Instruction): { at: number; span: number; before: number } | undefined {
  const vex = c[p] === 0xc5;
  if (c[p] !== 0x0f && !vex) return movabsOfText(c, p) ? { at: p, span: SPAN, before: BEFORE } : undefined;
  const op = c[vex ? p + 2 : p + 1];
  if ((c[vex ? p + 3 : p + 2]! & 0xc7) !== 0x05 || (op !== 0x74 && op !== 0x6f && op !== 0x28 && op !== 0x10 && !(vex && op === 0xef))) return undefined;
  let at = p;
  if (!vex && (c[at - 1]! & 0xf0) === 0x40) at--;
  if (!vex && (c[at - 1] === 0x66 || c[at - 1] === 0xf3)) at--;
  if (vex && (op === 0x74 || op === 0xef) && (c[p + 1]! & 3) === 1) return { at, span: SPAN, before: BEFORE };
  if (op === 0x74) return !vex && c[at] === 0x66 ? { at, span: SPAN, before: BEFORE } : undefined;
  const map = vex ? 0x11 : 1;
  const length = decode(c, at, c.length, ins);
  if (length === 0 || ins.map !== map || ins.op !== op) return undefined;
  const reg = ins.reg;
  // Its store within the next few instructions (g++ puts a heap string's pointer and length between), the register
  // not written before it.
  for (let q = at + length, k = 0; k < LOOK; k++) {
    const n = decode(c, q, c.length, ins);
    if (n === 0) return undefined;
    const store: number = ins.op;
    if (ins.map === map && ins.mod !== 3 && ins.reg === reg && (store === 0x29 || store === 0x11 || store === 0x7f)) return { at, span: STORES, before: 0 };
    if ((ins.map === 1 || ins.map === 0x11) && ins.reg === reg) return undefined;
    q += n;
  }
  return undefined;
}

/** Whether content beginning with `head` is x86-64 code: ELF of EM_X86_64, PE of AMD64, Mach-O of x86-64. */
export function x86Code(head: Uint8Array): boolean {
  return codeMachine(head) === 'x86-64';
}

/**
 * An ELF file's loaded segments (PT_LOAD: offset, address, size in the file), from its program headers in `head`, and
 * where its first executable segment begins in the file (`code`).
 */
export function elfLayout(head: Uint8Array): (Layout & { code: number }) | undefined {
  const loads = elfSegments(head);
  if (!loads.length) return undefined;
  let code = Infinity;
  for (const l of loads) if (l.executable) code = Math.min(code, l.offset);
  return {
    code,
    address: (offset) => {
      for (const l of loads) if (offset >= l.offset && offset < l.offset + l.size) return l.address + (offset - l.offset);
      return -1;
    },
    offset: (address) => {
      for (const l of loads) if (address >= l.address && address + 16 <= l.address + l.size) return l.offset + (address - l.address);
      return -1;
    },
  };
}

/**
 * The earliest start from `from` that decodes in step to `to` (x86 falls in step within a few instructions), else `to`:
 * each place before `to` decoded once, from the last back — a place is in step if its instruction ends at `to` or at
 * a place in step.
 */
function inStep(c: Uint8Array, from: number, to: number): number {
  if (from >= to) return to;
  const ins = instruction();
  const steps = new Uint8Array(to - from);
  let earliest = to;
  for (let q = to - 1; q >= from; q--) {
    const next = q + (decode(c, q, c.length, ins) || 1);
    if (next === to || (next < to && steps[next - from])) {
      steps[q - from] = 1;
      earliest = q;
    }
  }
  return earliest;
}

/** The 16-byte blocks kept before the code: this many at most (1 MiB). */
const BLOCKS = 65536;

/**
 * Blocks of 16 bytes (at file offsets that are multiples of 16, as `.rodata.cst16`'s entries are) of the data before an
 * ELF file's code (rustc's and lld's layout: `.rodata` first) that may be a piece of a string: printable ASCII, or
 * printable then NULs (a string's last entry, `hOtN` then 12 NULs) — by its first and last bytes. The first BLOCKS of
 * them, offsets ascending.
 */
class Constants {
  // Made at the first block kept: every content's runs reader has one.
  #offsets = new Float64Array(0);
  #bytes = Buffer.alloc(0);
  #count = 0;

  /** The content offset of the next block to look at. */
  next = 0;

  /** The blocks of `bytes` (at `base` in the content, holding the next block's first byte) that end by `to`. */
  keep(bytes: Uint8Array, base: number, to: number): void {
    for (; this.next + 16 <= to && this.#count < BLOCKS; this.next += 16) {
      const o = this.next;
      // Its first byte and its last (two looks a block: a library's .dynstr is before its code, all text): a block kept
      // that is neither is only memory, and a constant is read only where code points.
      const p = o - base;
      const first = bytes[p]!;
      const end = bytes[p + 15]!;
      if (first < 0x20 || first >= 0x7f || (end !== 0 && (end < 0x20 || end >= 0x7f))) continue;
      if (this.#count === this.#offsets.length) this.#grow();
      this.#offsets[this.#count] = o;
      const into = this.#count * 16;
      for (let k = 0; k < 16; k++) this.#bytes[into + k] = bytes[p + k]!;
      this.#count++;
    }
  }

  /** The byte at content offset `o` if a block kept holds it, else -1. */
  byte(o: number): number {
    const block = o - (o % 16);
    let lo = 0;
    let hi = this.#count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const at = this.#offsets[mid]!;
      if (at === block) return this.#bytes[mid * 16 + (o - block)]!;
      if (at < block) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  #grow(): void {
    const offsets = new Float64Array(Math.max(1024, this.#offsets.length * 2));
    offsets.set(this.#offsets);
    this.#offsets = offsets;
    const bytes = Buffer.alloc(offsets.length * 16);
    this.#bytes.copy(bytes);
    this.#bytes = bytes;
  }
}

/** The strings of a content's x86-64 code, fed chunk by chunk (`runs.ts`'s EncodedRuns). */
export class CodeImmediates {
  /** Undecided until HEADER bytes (or the end) are in; then whether the content is code read here (x86-64, AArch64). */
  #code: boolean | undefined;
  #layout: (Layout & { code: number }) | undefined;
  /** AArch64 code's reader, where the content is that (`arm64-immediates.ts`). */
  #arm: Arm64Places | undefined;
  /** The 16-byte blocks of text before the code (`Constants`): what a RIP-relative constant there was. */
  readonly #constants = new Constants();
  #head: Buffer[] = [];
  #headLength = 0;
  /** Bytes before the next chunk: BEFORE bytes of context, and from a place a chunk's end cut (decoded with the next). */
  #keep: Buffer = Buffer.alloc(0);
  #offset = 0;
  /** Places before this content offset were looked at. */
  #searched = 0;
  /** Where the last decoding stopped: a place before it was decoded in it. */
  #done = 0;
  /** Runs whose references are to bytes after the chunk: their offset, then the run. */
  #pending: Array<{ at: number; run: number[] }> = [];
  /** The first byte a pending run waits for: until a chunk holds it, none is looked at. */
  #need = Infinity;
  #sink: Sink | undefined;
  readonly #seen = new Set<string>();

  constructor(readonly open: (offset: number, alphabet: string) => Sink | undefined) {}

  /** A constant's byte known at once: before the code, in the blocks kept (read before any code, whatever the chunks). */
  readonly #known = (offset: number): number => (offset < (this.#layout?.code ?? 0) ? this.#constants.byte(offset) : -1);

  async push(chunk: Uint8Array): Promise<void> {
    if (this.#code === undefined) {
      // Most contents say at once that they are none (their first bytes), or are whole in a first chunk: no copy.
      if (!this.#headLength && (chunk.length >= HEADER || !codeMagic(chunk))) {
        this.#code = this.#decideOn(chunk);
        if (this.#code) await this.#chunk(chunk, false);
        return;
      }
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
    this.#pending = [];
    await this.#sink?.end();
    this.#sink = undefined;
  }

  async #decide(last: boolean): Promise<void> {
    const head = Buffer.concat(this.#head);
    this.#head = [];
    this.#code = this.#decideOn(head);
    if (this.#code) await this.#chunk(head, last);
  }

  /** Whether content beginning with `head` is code read here: x86-64 (its layout kept), or AArch64 (`#arm`). */
  #decideOn(head: Uint8Array): boolean {
    const machine = codeMagic(head) ? codeMachine(head) : undefined;
    if (machine === 'x86-64') this.#layout = elfLayout(head);
    if (machine === 'aarch64') this.#arm = new Arm64Places(arm64Code(head)!);
    return machine !== undefined;
  }

  async #chunk(chunk: Uint8Array, last: boolean): Promise<void> {
    const keep = this.#keep;
    // Joined in a buffer leased for the push (`join-pool.ts`): a new one each chunk was a sixth of this reader's time.
    const joined = keep.length ? lease(keep.length + chunk.length) : undefined;
    try {
      let bytes = chunk;
      if (joined) {
        keep.copy(joined, 0);
        joined.set(chunk, keep.length);
        bytes = joined.subarray(0, keep.length + chunk.length);
      }
      if (this.#arm) await this.#searchArm(this.#arm, bytes, this.#offset - keep.length, last);
      else await this.#search(bytes, this.#offset - keep.length, last);
      this.#offset += chunk.length;
    } finally {
      if (joined) giveBack(joined);
    }
  }

  /** The places of `bytes` (at `base` in the content) decoded. */
  async #search(bytes: Uint8Array, base: number, last: boolean): Promise<void> {
    if (this.#pending.length && base + bytes.length > this.#need) await this.#resolve(bytes, base);
    if (this.#layout && this.#constants.next < this.#layout.code) this.#constants.keep(bytes, base, Math.min(base + bytes.length, this.#layout.code));
    const places: number[] = [];
    const ins = instruction();
    if (!tripleCandidates(PLACES, bytes, places)) for (let p = 0; p + 2 < bytes.length; p++) if (placeAt(bytes, p, ins)) places.push(p);
    // Places from here on are looked at with the next chunk (a movabs or a decoding it cuts; a load, its store).
    let cut = last ? bytes.length : Math.max(0, bytes.length - AHEAD);
    for (const p of places) {
      if (base + p < this.#searched || base + p < this.#done) continue;
      if (p >= cut) break;
      const place = placeAt(bytes, p, ins);
      if (!place || base + place.at < this.#done) continue;
      const window = new Window(this.#layout, this.#known);
      const start = inStep(bytes, Math.max(0, place.at - place.before, this.#done - base), place.at);
      const end = window.read(bytes, base, start, place.at, place.span, last);
      if (end < 0) {
        cut = p;
        break;
      }
      this.#done = base + end;
      for (const run of window.runs) await this.#run(run, bytes, base, base + place.at);
    }
    this.#searched = base + cut;
    // From BEFORE bytes before the cut, and the prefixes of the place there.
    this.#keep = last ? Buffer.alloc(0) : Buffer.from(bytes.subarray(Math.max(0, cut - BEFORE - 2)));
  }

  /** The windows of AArch64 code in `bytes` (at `base`) decoded, their runs written. */
  async #searchArm(arm: Arm64Places, bytes: Uint8Array, base: number, last: boolean): Promise<void> {
    const runs: Array<{ run: number[]; at: number }> = [];
    const keep = arm.search(bytes, base, last, (run, at) => runs.push({ run, at }));
    this.#keep = last ? Buffer.alloc(0) : Buffer.from(bytes.subarray(keep));
    for (const { run, at } of runs) await this.#write(run, at);
  }

  /** A run's references read from `bytes` (at `base` in the content): written, kept for bytes to come, or let go. */
  async #run(run: number[], bytes: Uint8Array, base: number, at: number): Promise<void> {
    let later = false;
    for (let k = 0; k < run.length; k++) {
      const v = run[k]!;
      if (v >= 0) continue;
      const o = -1 - v;
      if (o >= base + bytes.length) later = true;
      else if (o >= base && o >= (this.#layout?.code ?? 0)) run[k] = bytes[o - base]!;
      else {
        // Before the code, only the blocks kept — however the content was cut into chunks, the same strings.
        const b = this.#constants.byte(o);
        if (b < 0) return;
        run[k] = b;
      }
    }
    if (!later) await this.#write(run, at);
    else if (this.#pending.length < PENDING) {
      this.#pending.push({ at, run });
      for (const v of run) if (v < 0) this.#need = Math.min(this.#need, -1 - v);
    }
  }

  /** The pending runs' references that `bytes` (at `base`) hold, and those now whole written. */
  async #resolve(bytes: Uint8Array, base: number): Promise<void> {
    if (!this.#pending.length) return;
    const pending = this.#pending;
    this.#pending = [];
    this.#need = Infinity;
    for (const { at, run } of pending) await this.#run(run, bytes, base, at);
  }

  async #write(run: number[], at: number): Promise<void> {
    const text = Buffer.from(run).toString('latin1');
    if (this.#seen.has(text)) return;
    if (this.#seen.size < SEEN) this.#seen.add(text);
    this.#sink ??= this.open(at, this.#arm ? 'arm64 immediates' : 'x86 immediates');
    // Each ended by a NUL, as C strings sit in .rodata: written a line each, OpenSSH's `-----BEGIN OPENSSH PRIVATE
    // KEY-----` (built in its code) and the strings after it read as a private key's block.
    await this.#sink?.write(Buffer.from(`${text}\0`, 'latin1'));
  }
}
