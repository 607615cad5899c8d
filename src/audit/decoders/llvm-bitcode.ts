/**
 * LLVM bitcode (`.bc`; the objects of `clang -flto`, `rustc -C linker-plugin-lto` rlibs and `--emit=llvm-bc`, the
 * bitcode wrapper of Apple's toolchain): a bitstream, not bytes. A string constant is a record whose characters are an
 * array of 6-bit (char6: [a-zA-Z0-9._]), 7-bit or 8-bit fields packed at any bit offset, so the value is in no byte
 * and a search finds nothing. Read as LLVM's BitstreamReader reads it: abbreviation ids of the block's width,
 * ENTER_SUBBLOCK / END_BLOCK / DEFINE_ABBREV / UNABBREV_RECORD, the BLOCKINFO block's abbreviations for other blocks,
 * abbreviated records of literal, fixed, VBR, array, char6 and blob operands. Each record's text is given, one a line,
 * as the content `path!`: arrays of char6 or of fixed fields up to 8 bits (the writer's string abbreviations: constant
 * strings, names, metadata names), blobs (metadata strings), and an unabbreviated record whose operands are all
 * printable bytes (a function-local constant string). Claimed by the magic `BC` C0 DE (or the wrapper's DE C0 17 0B
 * with its offset) and a first ENTER_SUBBLOCK of the identification or module block. The bitstream is held whole (up to
 * HOLD, beyond which it is named); a damaged stream is named with what was read before it given.
 */
import { startsWith, type Decoder, type DecodeEnv, type Decoding } from './types.js';

const MAGIC = [0x42, 0x43, 0xc0, 0xde];
const WRAPPER = [0xde, 0xc0, 0x17, 0x0b];
/** The most of a bitcode file held to be read. */
const HOLD = 64 << 20;
const IDENTIFICATION = 13;
const MODULE = 8;
const BLOCKINFO = 0;

/**
 * The first block id after the magic at `at` when the stream opens as LLVM writes it, else -1: ENTER_SUBBLOCK (abbrev
 * width 2), a one-chunk block id, an abbreviation width of 2 to 7, the alignment's 18 zero bits, a length of words.
 */
function firstBlock(h: Uint8Array, at: number): number {
  if (h.length < at + 8) return -1;
  const w = (h[at]! | (h[at + 1]! << 8) | (h[at + 2]! << 16) | (h[at + 3]! << 24)) >>> 0;
  const words = (h[at + 4]! | (h[at + 5]! << 8) | (h[at + 6]! << 16) | (h[at + 7]! << 24)) >>> 0;
  if ((w & 3) !== 1 || w >>> 14 !== 0 || words === 0 || words > 1 << 26) return -1;
  const id = (w >>> 2) & 0xff;
  const width = (w >>> 10) & 0xf;
  if (id & 0x80 || width & 0x8 || width < 2) return -1;
  return id;
}

/** Where the bitstream starts in a file opening with `h` (0 for raw bitcode, the wrapper's offset), or -1. */
function bitcodeAt(h: Uint8Array): number {
  if (startsWith(h, MAGIC)) return 0;
  if (!startsWith(h, WRAPPER) || h.length < 20) return -1;
  const off = h[8]! | (h[9]! << 8) | (h[10]! << 16) | (h[11]! << 24);
  return off >= 20 && off <= 256 ? off : -1;
}

export function isLlvmBitcode(h: Uint8Array): boolean {
  const at = bitcodeAt(h);
  if (at < 0 || !startsWith(h, MAGIC, at)) return false;
  const id = firstBlock(h, at + 4);
  return id === IDENTIFICATION || id === MODULE;
}

class Damaged extends Error {}

type Op = { kind: 'literal'; value: number } | { kind: 'fixed' | 'vbr'; width: number } | { kind: 'array' | 'char6' | 'blob' };

const CHAR6 = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._';

/** LLVM's bit reader over `b`, LSB first. */
class Bits {
  pos = 0;
  readonly end: number;
  constructor(readonly b: Buffer) {
    this.end = b.length * 8;
  }
  read(n: number): number {
    if (n > 32 || this.pos + n > this.end) throw new Damaged();
    let v = 0;
    let got = 0;
    while (got < n) {
      const off = this.pos & 7;
      const take = Math.min(8 - off, n - got);
      v += ((this.b[this.pos >>> 3]! >>> off) & ((1 << take) - 1)) * 2 ** got;
      got += take;
      this.pos += take;
    }
    return v;
  }
  vbr(n: number): number {
    if (n < 2 || n > 32) throw new Damaged();
    const hi = 2 ** (n - 1);
    let v = 0;
    let scale = 1;
    // LLVM's ReadVBR64: a 64-bit value takes up to ceil(64 / (n - 1)) pieces (a hash or -1 as VBR6: 13)
    for (let i = 0, pieces = Math.ceil(64 / (n - 1)); i < pieces; i++) {
      const piece = this.read(n);
      v += (piece % hi) * scale;
      if (piece < hi) return v;
      scale *= hi;
    }
    throw new Damaged();
  }
  align32(): void {
    this.pos = Math.ceil(this.pos / 32) * 32;
    if (this.pos > this.end) throw new Damaged();
  }
}

/** Printable bytes of text (tab, line ends, ASCII, any byte ≥ 0x80). */
const printable = (v: number) => v === 9 || v === 10 || v === 13 || (v >= 0x20 && v < 0x7f) || (v >= 0x80 && v <= 0xff);

/** A value of `op` (not an array or blob). */
function readOp(bits: Bits, op: Op): number {
  if (op.kind === 'literal') return op.value;
  if (op.kind === 'fixed') return op.width ? bits.read(op.width) : 0;
  if (op.kind === 'vbr') return op.width ? bits.vbr(op.width) : 0;
  if (op.kind === 'char6') return CHAR6.charCodeAt(bits.read(6));
  throw new Damaged();
}

/** A DEFINE_ABBREV's operands. */
function defineAbbrev(bits: Bits): Op[] {
  const n = bits.vbr(5);
  const ops: Op[] = [];
  for (let i = 0; i < n; i++) {
    if (bits.read(1)) {
      ops.push({ kind: 'literal', value: bits.vbr(8) });
      continue;
    }
    const e = bits.read(3);
    if (e === 1 || e === 2) {
      const w = bits.vbr(5);
      if (w > 32) throw new Damaged();
      ops.push({ kind: e === 1 ? 'fixed' : 'vbr', width: w });
    } else if (e === 3) ops.push({ kind: 'array' });
    else if (e === 4) ops.push({ kind: 'char6' });
    else if (e === 5) ops.push({ kind: 'blob' });
    else throw new Damaged();
  }
  return ops;
}

/** An abbreviated record: its arrays of char6 or of 7- and 8-bit fields and its blobs given to `out`, a line each. */
function abbreviatedRecord(bits: Bits, abbrev: Op[], out: Buffer[]): void {
  for (let i = 0; i < abbrev.length; i++) {
    const op = abbrev[i]!;
    if (op.kind === 'array') {
      const elt = abbrev[++i];
      if (!elt || elt.kind === 'array' || elt.kind === 'blob') throw new Damaged();
      const n = bits.vbr(6);
      if (n > bits.end - bits.pos) throw new Damaged();
      const stringy = elt.kind === 'char6' || (elt.kind === 'fixed' && elt.width >= 7 && elt.width <= 8);
      const bytes = stringy ? Buffer.alloc(n + 1, 10) : undefined;
      for (let j = 0; j < n; j++) {
        const v = readOp(bits, elt);
        if (bytes) bytes[j] = v;
      }
      if (bytes && n) out.push(bytes);
    } else if (op.kind === 'blob') {
      const n = bits.vbr(6);
      bits.align32();
      if (bits.pos + n * 8 > bits.end) throw new Damaged();
      const at = bits.pos >>> 3;
      out.push(bits.b.subarray(at, at + n), Buffer.from([10]));
      bits.pos += n * 8;
      bits.align32();
    } else readOp(bits, op);
  }
}

/** An UNABBREV_RECORD: its code, and its operands as text when there are 4 or more and all are printable bytes. */
function unabbreviatedRecord(bits: Bits): { code: number; first: number | undefined; text: Buffer | undefined } {
  const code = bits.vbr(6);
  const n = bits.vbr(6);
  if (n * 6 > bits.end - bits.pos) throw new Damaged();
  const text = n >= 4 ? Buffer.alloc(n + 1, 10) : undefined;
  let printableAll = true;
  let first: number | undefined;
  for (let i = 0; i < n; i++) {
    const v = bits.vbr(6);
    if (i === 0) first = v;
    if (text && printableAll && printable(v)) text[i] = v;
    else printableAll = false;
  }
  return { code, first, text: printableAll ? text : undefined };
}

/** The text of the bitstream in `b` (the magic first): each string-like record's bytes, one a line. Throws Damaged past what it read (`out` keeps it). */
export function bitcodeStrings(b: Buffer, out: Buffer[]): void {
  const bits = new Bits(b);
  bits.pos = 32; // the magic
  const info = new Map<number, Op[][]>();
  const stack: { width: number; abbrevs: Op[][]; id: number; infoCur: number }[] = [];
  let width = 2;
  let abbrevs: Op[][] = [];
  let blockId = -1;
  let infoCur = -1;
  while (bits.pos + width <= bits.end) {
    const id = bits.read(width);
    if (id === 0) {
      // END_BLOCK
      bits.align32();
      const top = stack.pop();
      if (!top) return;
      ({ width, abbrevs, id: blockId, infoCur } = top);
      if (!stack.length && bits.end - bits.pos < 32) return;
    } else if (id === 1) {
      // ENTER_SUBBLOCK
      const newId = bits.vbr(8);
      const newWidth = bits.vbr(4);
      bits.align32();
      const words = bits.read(32);
      if (newWidth < 1 || newWidth > 32 || stack.length > 64 || bits.pos + words * 32 > bits.end) throw new Damaged();
      stack.push({ width, abbrevs, id: blockId, infoCur });
      width = newWidth;
      blockId = newId;
      abbrevs = [...(info.get(newId) ?? [])];
      infoCur = -1;
    } else if (id === 2) {
      const ops = defineAbbrev(bits);
      if (blockId !== BLOCKINFO) abbrevs.push(ops);
      else if (infoCur < 0) throw new Damaged();
      else info.set(infoCur, [...(info.get(infoCur) ?? []), ops]);
    } else if (id === 3) {
      const r = unabbreviatedRecord(bits);
      if (blockId === BLOCKINFO && r.code === 1) {
        if (r.first === undefined) throw new Damaged();
        infoCur = r.first; // SETBID
      }
      if (r.text) out.push(r.text);
    } else {
      const abbrev = abbrevs[id - 4];
      if (!abbrev) throw new Damaged();
      abbreviatedRecord(bits, abbrev, out);
    }
  }
  if (stack.length) throw new Damaged();
}

export const llvmBitcode: Decoder = {
  name: 'LLVM bitcode',
  sniff: isLlvmBitcode,
  open(env: DecodeEnv): Decoding {
    const held: Buffer[] = [];
    let size = 0;
    let over = false;
    return {
      push(bytes) {
        if (over || env.stopped) return;
        if (size + bytes.length > HOLD) {
          over = true;
          held.length = 0;
          env.limit(`LLVM bitcode over ${HOLD >> 20} MiB: its bitstream (string constants packed at bit offsets) is not audited`);
          return;
        }
        held.push(Buffer.from(bytes));
        size += bytes.length;
      },
      async end() {
        if (over || env.stopped) return;
        const all = Buffer.concat(held, size);
        held.length = 0;
        const at = bitcodeAt(all);
        const out: Buffer[] = [];
        let damaged = false;
        try {
          if (at < 0) throw new Damaged();
          bitcodeStrings(at ? all.subarray(at) : all, out);
        } catch (e) {
          if (!(e instanceof Damaged)) throw e;
          damaged = true;
        }
        const sink = env.open();
        for (const piece of out) {
          if (!env.allow(piece.length)) break;
          await sink.write(piece);
        }
        await sink.end();
        if (damaged) env.limit('a damaged LLVM bitcode stream: what follows the damage is not audited');
      },
    };
  },
};
