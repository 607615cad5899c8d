/**
 * The length of an x86-64 instruction, and the parts of it that `x86-immediates.ts` reads for meaning: opcode map and
 * byte, prefixes, ModRM's fields and memory operand (base, index, scale, displacement, RIP-relative) and where the
 * immediate is. Nothing else of the instruction set: an instruction not read for meaning is stepped over by its length.
 * Legacy prefixes, REX, the one-byte map, 0F, 0F38 and 0F3A, and VEX (C4/C5) and EVEX (62) for their length.
 *
 * Checked against `objdump -d` while it was made (`x86-immediates.test.ts` checks it on this machine's binaries): the
 * same instruction starts over `ls`, libstdc++, a Rust binary and a 4.4 MB Go binary; over libcrypto 0.1–1% differ,
 * all in tables of data inside `.text`, where the two fall back in step within a few instructions.
 */

/** One decoded instruction (reused: `decode` fills it). */
export interface Instruction {
  length: number;
  /** A 0x66 prefix (16-bit operands; SSE's 66 forms). */
  p66: boolean;
  /** 0xf3 or 0xf2 if one was there, else 0. */
  rep: number;
  rex: number;
  /** 0: one-byte map; 1: 0F; 2: 0F38; 3: 0F3A; 16 + the map: VEX or EVEX. */
  map: number;
  op: number;
  modrm: boolean;
  mod: number;
  /** ModRM's reg field with REX.R. */
  reg: number;
  /** ModRM's rm field with REX.B (mod 3: a register). */
  rm: number;
  /** A memory operand's base register (with REX.B), -1 for none (RIP-relative or absolute). */
  base: number;
  index: number;
  scale: number;
  disp: number;
  rip: boolean;
  immAt: number;
  immLength: number;
  /** VEX.L: a 256-bit operation. */
  wide: boolean;
  /** VEX's and EVEX's vvvv: the first source register of a three-operand form (-1: none). */
  vvvv: number;
}

export function instruction(): Instruction {
  return {
    length: 0,
    p66: false,
    rep: 0,
    rex: 0,
    map: 0,
    op: 0,
    modrm: false,
    mod: 3,
    reg: 0,
    rm: 0,
    base: -1,
    index: -1,
    scale: 0,
    disp: 0,
    rip: false,
    immAt: 0,
    immLength: 0,
    wide: false,
    vvvv: -1,
  };
}

/** Immediate sizes that depend on the prefixes. */
const IMM_Z = -4; // imm32, or imm16 with 0x66
const IMM_V = -8; // B8+r: imm64 with REX.W, else as IMM_Z
const MOFFS = -9; // A0–A3: an 8-byte address (4 with 0x67)

/** One-byte map: has a ModRM byte; the immediate's size. */
const MODRM1 = new Uint8Array(256);
const IMM1 = new Int8Array(256);
for (let b = 0; b < 0x40; b++) {
  const low = b & 7;
  if (low < 4) MODRM1[b] = 1;
  else if (low === 4) IMM1[b] = 1;
  else if (low === 5) IMM1[b] = IMM_Z;
}
for (const b of [0x62, 0x63, 0x69, 0x6b, 0xc0, 0xc1, 0xc6, 0xc7, 0xd0, 0xd1, 0xd2, 0xd3, 0xf6, 0xf7, 0xfe, 0xff]) MODRM1[b] = 1;
for (let b = 0x80; b <= 0x8f; b++) MODRM1[b] = 1;
for (let b = 0xd8; b <= 0xdf; b++) MODRM1[b] = 1;
for (const [b, size] of [
  [0x69, IMM_Z],
  [0x6b, 1],
  [0x80, 1],
  [0x81, IMM_Z],
  [0x82, 1],
  [0x83, 1],
  [0xc0, 1],
  [0xc1, 1],
  [0xc6, 1],
  [0xc7, IMM_Z],
  [0x68, IMM_Z],
  [0x6a, 1],
  [0xa8, 1],
  [0xa9, IMM_Z],
  [0xc2, 2],
  [0xca, 2],
  [0xc8, 3],
  [0xcd, 1],
  [0xeb, 1],
  [0xe8, 4],
  [0xe9, 4],
] as const)
  IMM1[b] = size;
for (let b = 0x70; b <= 0x7f; b++) IMM1[b] = 1;
for (let b = 0xe0; b <= 0xe7; b++) IMM1[b] = 1;
for (let b = 0xb0; b <= 0xb7; b++) IMM1[b] = 1;
for (let b = 0xb8; b <= 0xbf; b++) IMM1[b] = IMM_V;
for (let b = 0xa0; b <= 0xa3; b++) IMM1[b] = MOFFS;

/** 0F map: has a ModRM byte (most do); the immediate's size. */
const MODRM2 = new Uint8Array(256).fill(1);
const IMM2 = new Int8Array(256);
for (const b of [0x05, 0x06, 0x07, 0x08, 0x09, 0x0b, 0x0e, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x77, 0xa0, 0xa1, 0xa2, 0xa8, 0xa9, 0xaa])
  MODRM2[b] = 0;
for (let b = 0xc8; b <= 0xcf; b++) MODRM2[b] = 0;
for (let b = 0x80; b <= 0x8f; b++) {
  MODRM2[b] = 0;
  IMM2[b] = 4;
}
for (const b of [0x70, 0x71, 0x72, 0x73, 0xa4, 0xac, 0xba, 0xc2, 0xc4, 0xc5, 0xc6]) IMM2[b] = 1;

const PREFIX = new Uint8Array(256);
for (const b of [0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x2e, 0x3e, 0x26, 0x36, 0x64, 0x65]) PREFIX[b] = 1;

const int32 = (c: Uint8Array, p: number) => c[p]! | (c[p + 1]! << 8) | (c[p + 2]! << 16) | (c[p + 3]! << 24);

/**
 * The instruction at `p` (its bytes end before `end`) into `ins`: its length, or 0 where its bytes run past `end` or
 * more than 14 prefixes come (not code: the caller steps one byte).
 */
export function decode(c: Uint8Array, p: number, end: number, ins: Instruction): number {
  const start = p;
  let p66 = false;
  let rep = 0;
  let rex = 0;
  let a67 = false;
  let wide = false;
  let vvvv = -1;
  while (p < end && PREFIX[c[p]!]) {
    const b = c[p]!;
    if (b === 0x66) p66 = true;
    else if (b === 0xf3 || b === 0xf2) rep = b;
    else if (b === 0x67) a67 = true;
    if (++p - start > 14) return 0;
  }
  if (p < end && (c[p]! & 0xf0) === 0x40) rex = c[p++]!;
  if (p >= end) return 0;
  let op = c[p++]!;
  let map = 0;
  let modrm: boolean;
  let imm: number;
  if (op === 0x0f) {
    if (p >= end) return 0;
    op = c[p++]!;
    if (op === 0x38 || op === 0x3a) {
      map = op === 0x38 ? 2 : 3;
      if (p >= end) return 0;
      op = c[p++]!;
      modrm = true;
      imm = map === 3 ? 1 : 0;
    } else {
      map = 1;
      modrm = MODRM2[op] === 1;
      imm = IMM2[op]!;
    }
  } else if (op === 0xc5 || op === 0xc4 || op === 0x62) {
    const size = op === 0xc5 ? 1 : op === 0xc4 ? 2 : 3;
    if (p + size + 1 > end) return 0;
    const b1 = c[p]!;
    // The byte holding pp (66, F3, F2 implied) and L (256 bits).
    const last = op === 0xc5 ? b1 : c[p + 1]!;
    // C5 holds R only (X, B and W are 0; the map is 0F); C4 and 62 hold R X B, then W in the next byte.
    map = op === 0xc5 ? 1 : op === 0xc4 ? b1 & 0x1f : b1 & 7;
    rex = 0x40 | ((~b1 >> 5) & (op === 0xc5 ? 4 : 7)) | (op === 0xc5 ? 0 : (last >> 4) & 8);
    p66 = (last & 3) === 1;
    rep = (last & 3) === 2 ? 0xf3 : (last & 3) === 3 ? 0xf2 : 0;
    wide = op !== 0x62 && (last & 4) !== 0;
    vvvv = (~last >> 3) & 15;
    p += size;
    op = c[p++]!;
    modrm = !(map === 1 && op === 0x77);
    imm = map === 3 ? 1 : map === 1 ? IMM2[op]! : 0;
    map |= 0x10;
  } else {
    modrm = MODRM1[op] === 1;
    imm = IMM1[op]!;
  }
  ins.p66 = p66;
  ins.wide = wide;
  ins.vvvv = vvvv;
  ins.rep = rep;
  ins.rex = rex;
  ins.map = map;
  ins.op = op;
  ins.modrm = modrm;
  noOperand(ins);
  if (modrm) {
    p = operand(c, p, end, ins);
    if (p === 0) return 0;
    // F6/F7: only TEST (/0, /1) has an immediate.
    if (map === 0 && (op === 0xf6 || op === 0xf7)) imm = (ins.reg & 7) > 1 ? 0 : op === 0xf6 ? 1 : IMM_Z;
  }
  let size = imm;
  if (imm === IMM_Z) size = p66 ? 2 : 4;
  else if (imm === IMM_V) size = rex & 8 ? 8 : p66 ? 2 : 4;
  else if (imm === MOFFS) size = a67 ? 4 : 8;
  ins.immAt = p;
  ins.immLength = size;
  p += size;
  if (p > end) return 0;
  ins.length = p - start;
  return ins.length;
}

function noOperand(ins: Instruction): void {
  ins.mod = 3;
  ins.reg = 0;
  ins.rm = 0;
  ins.base = -1;
  ins.index = -1;
  ins.scale = 0;
  ins.disp = 0;
  ins.rip = false;
}

/** The ModRM byte at `p` and the SIB byte and displacement after it into `ins` (REX from `ins.rex`): where they end, 0 if past `end`. */
function operand(c: Uint8Array, p: number, end: number, ins: Instruction): number {
  if (p >= end) return 0;
  const rex = ins.rex;
  const m = c[p++]!;
  const mod = m >> 6;
  const rm = m & 7;
  ins.mod = mod;
  ins.reg = ((m >> 3) & 7) | ((rex & 4) << 1);
  ins.rm = rm | ((rex & 1) << 3);
  if (mod === 3) return p;
  let base = rm | ((rex & 1) << 3);
  if (rm === 4) {
    if (p >= end) return 0;
    const sib = c[p++]!;
    const index = ((sib >> 3) & 7) | ((rex & 2) << 2);
    ins.scale = sib >> 6;
    ins.index = index === 4 ? -1 : index;
    base = (sib & 7) | ((rex & 1) << 3);
    if ((sib & 7) === 5 && mod === 0) {
      base = -1;
      if (p + 4 > end) return 0;
      ins.disp = int32(c, p);
      p += 4;
    }
  } else if (rm === 5 && mod === 0) {
    base = -1;
    ins.rip = true;
    if (p + 4 > end) return 0;
    ins.disp = int32(c, p);
    p += 4;
  }
  ins.base = base;
  if (mod === 1) {
    if (p >= end) return 0;
    ins.disp = (c[p++]! << 24) >> 24;
  } else if (mod === 2) {
    if (p + 4 > end) return 0;
    ins.disp = int32(c, p);
    p += 4;
  }
  return p;
}
