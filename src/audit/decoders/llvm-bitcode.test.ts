// LLVM bitcode (llvm-bitcode.ts): a string constant of a bitcode object is a record of 6-, 7- or 8-bit fields packed
// at bit offsets, in no byte. Property: the object of an rlib made by `rustc -C linker-plugin-lto` (the real tool: a
// crate built for cross-language LTO) is claimed and its string records given, the value found at the member's path
// whichever field width the writer chose (char6 for [a-zA-Z0-9._], 8-bit for SECRET's + / =), every string
// llvm-bcanalyzer -dump reads back (`record string = '…'`) among them; the clean twin passes; damaged copies (seed
// named) are named or read, never thrown; the sniff claims none of 16,384 random heads (seed named, the magic planted
// in two of three) and no head of a file in /usr/bin or /usr/lib. Nearest real-world variant: cargo's
// target/release/deps/*.rlib of a crate built with RUSTFLAGS=-Clinker-plugin-lto left in a builder image (clang -flto
// objects are the same bitcode).
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { damaged, DAMAGE_SEED, decodeWith, fileHeads } from './decode.testing.js';
import { isLlvmBitcode, llvmBitcode } from './llvm-bitcode.js';
import { auditFiles, has, SECRET, tool } from './testing.js';

const rng = seededPerTest(0x13b6);
const CLEAN = 'tok-clean-twin-0000000000000000';
const RUSTC = '/usr/bin/rustc';
const ALNUM = 'Zq81LmN0pR7sT2uV4wX6yA9bC3dE5fG';

/** lib.rs returning `value` from a function never inlined (the string only in the bitcode's constants). */
const libRs = (value: string) => `#[inline(never)]\npub fn token() -> &'static str { "${value}" }\n`;

/** An rlib made by rustc -C linker-plugin-lto (an ar archive whose object member is LLVM bitcode). */
const rlib = (value: string) =>
  tool(
    RUSTC,
    ['--edition', '2021', '--crate-type', 'rlib', '-C', 'linker-plugin-lto', '-O', '--crate-name', 'acme', 'lib.rs', '-o', 'libacme.rlib'],
    { 'lib.rs': libRs(value) },
    'libacme.rlib',
  );

/** The bitcode object alone (rustc --emit=llvm-bc). */
const bc = (value: string) =>
  tool(
    RUSTC,
    ['--edition', '2021', '--crate-type', 'rlib', '-O', '--emit=llvm-bc', '--crate-name', 'acme', 'lib.rs', '-o', 'acme.bc'],
    { 'lib.rs': libRs(value) },
    'acme.bc',
  );

describe.runIf(has(RUSTC))(`LLVM bitcode (seed ${rng.seed})`, () => {
  it('an rlib of rustc -C linker-plugin-lto: the object claimed, the value (8-bit fields) found at its path; the clean twin passes', async () => {
    const lib = rlib(SECRET);
    expect(lib.includes(SECRET)).toBe(false);
    const found = await auditFiles({ 'srv/libacme.rlib': lib });
    expect(found).toEqual([expect.objectContaining({ severity: 'leak', path: expect.stringMatching(/^srv\/libacme\.rlib!\/[^!]+\.o!?$/) })]);
    expect(await auditFiles({ 'srv/libacme.rlib': rlib(CLEAN) })).toEqual([]);
  });

  it.runIf(has('llvm-bcanalyzer'))('a value of char6 fields given; every string llvm-bcanalyzer -dump reads is among the records given', async () => {
    const file = bc(ALNUM);
    expect(file.includes(ALNUM)).toBe(false);
    expect(isLlvmBitcode(file.subarray(0, 512))).toBe(true);
    const { out, limits } = await decodeWith(llvmBitcode, file, { chunk: rng.int(1, 5000) });
    expect(limits).toEqual([]);
    const text = out.toString('latin1');
    expect(text).toContain(ALNUM);
    const dump = tool('llvm-bcanalyzer', ['-dump', 'acme.bc'], { 'acme.bc': file }).toString('latin1');
    const strings = [...dump.matchAll(/record string = '([^']*)'/g)].map((m) => m[1]!);
    expect(strings.length).toBeGreaterThan(2);
    expect(strings.filter((s) => !text.includes(s))).toEqual([]);
  });

  it(`damaged copies (seed ${DAMAGE_SEED}) are named or read, never thrown`, async () => {
    for (const d of damaged(bc(SECRET), 40)) await expect(decodeWith(llvmBitcode, d, { chunk: rng.int(1, 5000) })).resolves.toBeDefined();
  });
});

describe('the LLVM bitcode sniff on data that is not its own', () => {
  it(`16,384 random heads (seed ${rng.seed}), the magic or the wrapper's planted in two of three, are not claimed`, () => {
    const claimed: number[] = [];
    for (let i = 0; i < 16_384; i++) {
      const h = rng.bytes(512);
      if (i % 3 === 1) h.set([0x42, 0x43, 0xc0, 0xde]);
      if (i % 3 === 2) h.set([0xde, 0xc0, 0x17, 0x0b]);
      if (isLlvmBitcode(h)) claimed.push(i);
    }
    expect(claimed).toEqual([]);
  });

  it('no head of a file in /usr/bin or /usr/lib is claimed', () => {
    const all = [...fileHeads('/usr/bin', 5000), ...fileHeads('/usr/lib/x86_64-linux-gnu', 5000), ...fileHeads('/usr/lib', 5000)];
    expect(all.length).toBeGreaterThan(500);
    expect(all.flatMap((h, i) => (isLlvmBitcode(h) ? [i] : []))).toEqual([]);
  });
});
