/**
 * Brotli has no magic number. Content nothing claimed, that is not text, is tried: its first bytes
 * decoded with a small output bound. Random bytes often decode for a while, so a trial counts only
 * when what it gave looks like what brotli is used for — text (a bundle, a page, JSON) — or starts
 * with a format the registry knows.
 */
import { isUtf8 } from 'node:buffer';
import * as zlib from 'node:zlib';
import { brotliTrials } from './trial-engine.js';
import { TRIAL_CHUNK } from './types.js';

/**
 * Whether the first bytes are not text (a NUL, or more than a tenth control or invalid bytes). A
 * backspace between a character and itself, or after `_`, is text: nroff's overstrike (bold `c\bc`,
 * underline `_\bc`), a formatted man page's every bold letter; so is an ESC that begins a CSI
 * sequence (`ESC[`): a coloured log (`git diff --color-words`, `grep --color=always`) has one every few
 * characters.
 */
export function looksBinary(head: Uint8Array): boolean {
  const n = Math.min(head.length, 512);
  let odd = 0;
  for (let i = 0; i < n; i++) {
    const b = head[i]!;
    if (b === 0) return true;
    if (b === 8 && i > 0 && (head[i - 1] === head[i + 1] || head[i - 1] === 0x5f) && head[i - 1]! > 0x20) continue;
    if (b === 0x1b && head[i + 1] === 0x5b) continue;
    if ((b < 0x20 && b !== 9 && b !== 10 && b !== 13) || b === 0x7f) odd++;
  }
  return odd * 10 > n;
}

/**
 * Whether the first bytes are text: not binary by `looksBinary`, and UTF-8 (a sequence cut at the
 * end aside). A short compressed stream often has no NUL and few control bytes (a tenth of random
 * bytes are), so it passes `looksBinary`; it is almost never UTF-8.
 */
export function looksText(head: Uint8Array): boolean {
  if (looksBinary(head)) return false;
  const n = Math.min(head.length, 512);
  for (let cut = 0; cut <= 3 && cut <= n; cut++) if (isUtf8(head.subarray(0, n - cut))) return true;
  return false;
}

/**
 * Whether `head` may start a brotli stream that gives 32 bytes or more, by its first meta-block's header
 * (RFC 7932 §9.1-9.2): false only where the decoder fails or gives less — the window's reserved code
 * (0010001), a last meta-block that is empty (ISLASTEMPTY), of metadata or of fewer than 32 bytes, a
 * metadata block's reserved bit set, a length with a needless last zero nibble or byte, padding bits
 * that are not zero, and a compressed meta-block's first prefix code that no decoder builds (`firstCodeHolds`).
 * Setting up a decoder that throws on a random head took ~0.2 ms (issue 28); the header alone refused ~56% of
 * random heads, with the first prefix code ~80%, and every non-brotli head whose first byte is 0x7f (ELF), before one.
 */
export function brotliHeadHolds(head: Uint8Array): boolean {
  let pos = 0;
  const bits = (n: number): number => {
    let v = 0;
    for (let i = 0; i < n; i++, pos++) v |= ((head[pos >> 3]! >> (pos & 7)) & 1) << i;
    return v;
  };
  const padded = (): boolean => bits((8 - (pos & 7)) & 7) === 0;
  if (bits(1) === 1 && bits(3) === 0 && bits(3) === 1) return false;
  const last = bits(1) === 1;
  if (last && bits(1) === 1) return false;
  const code = bits(2);
  if (code === 3) {
    if (bits(1) === 1) return false;
    const skipBytes = bits(2);
    let top = 1;
    for (let i = 0; i < skipBytes; i++) top = bits(8);
    return !(skipBytes > 1 && top === 0) && !last && padded();
  }
  let length = 1;
  let nibble = 0;
  for (let i = 0; i < 4 + code; i++) length += (nibble = bits(4)) * 2 ** (4 * i);
  if (code > 0 && nibble === 0) return false;
  if (last && length < 32) return false;
  if (!last && bits(1) === 1) return padded();
  // A compressed meta-block: its first prefix code must be one a decoder builds (read past the head's end, it may be).
  return firstCodeHolds(bits) || pos > 8 * head.length;
}

/** Brotli's VarLenUint8 plus one (RFC 7932 §9.2): a count of block types or of prefix trees, 1-256. */
function varLen(bits: (n: number) => number): number {
  if (bits(1) === 0) return 1;
  const n = bits(3);
  return n === 0 ? 2 : (1 << n) + 1 + bits(n);
}

/**
 * Whether the first prefix code of a compressed meta-block, from its first field on (NBLTYPESL), is one brotli's decoder
 * builds: false only where it fails there — a simple code's symbol outside its alphabet or twice (SIMPLE_HUFFMAN_ALPHABET,
 * _SAME), a complex code whose code-length code lengths do not fill the code space (CL_SPACE, brotli's decode.c
 * ReadCodeLengthCodeLengths). That code is the block-type code of the first of literals, commands and distances with
 * two types or more; else the context map's of literals or distances with two trees or more (after NPOSTFIX, NDIRECT and
 * the one context mode); else the first literal tree's. Of random heads `brotliHeadHolds` let through, the decoder fails
 * ~80%, ~63% of them here (CL_SPACE alone 52%).
 */
function firstCodeHolds(bits: (n: number) => number): boolean {
  let alphabet = 0;
  for (let k = 0; k < 3 && !alphabet; k++) {
    const types = varLen(bits);
    if (types >= 2) alphabet = types + 2;
  }
  if (!alphabet) {
    bits(2 + 4 + 2); // NPOSTFIX, NDIRECT, the literal block type's context mode
    for (let k = 0; k < 2 && !alphabet; k++) {
      const trees = varLen(bits);
      if (trees >= 2) alphabet = trees + (bits(1) === 1 ? bits(4) + 1 : 0);
    }
    alphabet ||= 256;
  }
  const hskip = bits(2);
  if (hskip === 1) {
    // A simple code: 1-4 symbols of as many bits as alphabet - 1 has, each inside the alphabet, none twice.
    const width = 32 - Math.clz32(alphabet - 1);
    const symbols: number[] = [];
    for (let i = bits(2); i >= 0; i--) {
      const v = bits(width);
      if (v >= alphabet || symbols.includes(v)) return false;
      symbols.push(v);
    }
    return true;
  }
  // A complex code: the code-length code's lengths (a static code, 2-4 bits each), from the HSKIP'th on, until their
  // space (32 units) is used up; it must be used up exactly, or be one code.
  let space = 32;
  let codes = 0;
  for (let i = hskip; i < 18; i++) {
    const length = bits(1) === 0 ? (bits(1) === 0 ? 0 : 3) : bits(1) === 0 ? 4 : bits(1) === 0 ? 2 : bits(1) === 0 ? 1 : 5;
    if (length === 0) continue;
    space -= 32 >> length;
    codes++;
    if (space <= 0) break;
  }
  return codes === 1 || space === 0;
}

/** Whether `head` starts a brotli stream whose content is text. */
export function tryBrotli(head: Uint8Array, known: (out: Uint8Array) => boolean = () => false, depth = 0): boolean {
  if (head.length < 8 || !brotliHeadHolds(head)) return false;
  const out = brotliTrials.run(head.subarray(0, 1024), zlib.constants.BROTLI_OPERATION_FLUSH, 1 << 20, TRIAL_CHUNK);
  if (!(out instanceof Buffer)) return false;
  if (out.length < 32) return false;
  // What it gave is a format the registry knows (a tar, a zip), or brotli of text again (`.tar.br`, a `.br` compressed twice).
  if (known(out) || (depth < 2 && tryBrotli(out, known, depth + 1))) return true;
  let text = 0;
  for (const b of out.subarray(0, 4096)) if (b === 9 || b === 10 || b === 13 || (b >= 0x20 && b < 0x7f) || b >= 0xc2) text++;
  return text >= 0.95 * Math.min(out.length, 4096);
}
