// Property: an xz stream whose blocks carry the x86 BCJ filter (xz --x86 --lzma2, what `xz` uses
// for executables when asked, and what distributions' kernel and firmware packages ship) comes out
// byte for byte as the original, so a value next to a call or jump opcode is found: here a UTF-16
// value (a Windows binary's strings, a .NET assembly's #US heap) written right after E8/E9 bytes at
// many offsets of a real ELF binary, whose 00 bytes make the filter convert the 4 bytes after each
// opcode. The clean twin passes; the filter's start offset (--x86=start=N) and several blocks are kept.
// Nearest real-world variants: `xz --x86` on a binary in an image, a `.tar.xz` made with
// `--filters=x86,lzma2`, multi-block `xz -T2 --block-size` output.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BcjArm, BcjArm64, BcjX86 } from './bcj.js';
import { lzma2Run } from './lzma2.js';
import { auditFiles, SECRET } from './testing.js';

/** A copy of an ELF binary with `value` (UTF-16LE) written right after `count` E8/E9 opcodes spread over it. */
function executable(value: string, count: number): Buffer {
  const elf = Buffer.from(readFileSync(process.execPath).subarray(0, 1 << 20));
  const utf16 = Buffer.from(value, 'utf16le');
  for (let i = 100_000, n = 0; i < elf.length - 200 && n < count; i++)
    if (elf[i] === 0xe8 || elf[i] === 0xe9) {
      utf16.copy(elf, i + 1);
      n++;
      i += Math.floor(elf.length / (count + 2));
    }
  return elf;
}

const xz = (input: Uint8Array, ...filters: string[]) => execFileSync('xz', ['-c', ...filters], { input, maxBuffer: 1 << 28 });

describe('xz blocks with the x86 BCJ filter', { timeout: 60_000 }, () => {
  it('the filter reversed exactly: byte for byte the original binary, from any start offset, fed in any chunk sizes', async () => {
    const elf = readFileSync(process.execPath).subarray(0, 1 << 20);
    for (const start of [0, 4096, 0x7ffffff0]) {
      const raw = execFileSync('xz', ['--format=raw', `--x86=start=${start}`, '--lzma2=preset=1,dict=1MiB', '-c'], { input: elf, maxBuffer: 1 << 28 });
      const bcj = new BcjX86(start);
      const parts: Uint8Array[] = [];
      const run = lzma2Run(
        20,
        undefined,
        async (b) => (parts.push(bcj.push(b.subarray(0, 7)), bcj.push(b.subarray(7))), true),
        (why) => parts.push(Buffer.from(why)),
      );
      for (let i = 0; i < raw.length; i += 10_007) await run.push(raw.subarray(i, i + 10_007));
      await run.end();
      parts.push(bcj.end());
      const out = Buffer.concat(parts);
      expect(out.equals(elf)).toBe(true);
    }
  });

  it.each([
    ['--arm', BcjArm],
    ['--arm64', BcjArm64],
  ] as const)('%s: reversed byte for byte over an ELF binary and random bytes, from a start offset, fed in any chunk sizes', async (filter, Filter) => {
    const inputs = [readFileSync(process.execPath).subarray(0, 1 << 19), Buffer.from(Array.from({ length: 1 << 18 }, (_, i) => (i * 2654435761) >>> 24))];
    for (const input of inputs)
      for (const start of [0, 8192]) {
        const raw = execFileSync('xz', ['--format=raw', `${filter}=start=${start}`, '--lzma2=preset=1,dict=1MiB', '-c'], { input, maxBuffer: 1 << 28 });
        const bcj = new Filter(start);
        const parts: Uint8Array[] = [];
        const run = lzma2Run(
          20,
          undefined,
          async (b) => (parts.push(bcj.push(b.subarray(0, 5)), bcj.push(b.subarray(5))), true),
          (why) => parts.push(Buffer.from(why)),
        );
        for (let i = 0; i < raw.length; i += 9_999) await run.push(raw.subarray(i, i + 9_999));
        await run.end();
        parts.push(bcj.end());
        expect(Buffer.concat(parts).equals(input)).toBe(true);
      }
  });

  it('a UTF-16 value right after call/jump opcodes of an ELF binary is found; the clean twin passes', async () => {
    expect(await auditFiles({ 'usr/lib/app.xz': xz(executable(SECRET, 40), '--x86', '--lzma2=preset=6') })).toEqual([
      { severity: 'leak', what: 'token, UTF-16', path: 'usr/lib/app.xz!' },
    ]);
    expect(await auditFiles({ 'usr/lib/app.xz': xz(executable('clean-value-nothing', 40), '--x86', '--lzma2=preset=6') })).toEqual([]);
  });

  it('several blocks (--block-size) and a start offset (--x86=start=N) are each reversed from their own start', async () => {
    const files = {
      'usr/lib/blocks.xz': xz(executable(SECRET, 40), '--block-size=200000', '--x86', '--lzma2=preset=1'),
      'usr/lib/start.xz': xz(executable(SECRET, 40), '--x86=start=65536', '--lzma2=preset=1'),
    };
    expect(await auditFiles(files)).toEqual([
      { severity: 'leak', what: 'token, UTF-16', path: 'usr/lib/blocks.xz!' },
      { severity: 'leak', what: 'token, UTF-16', path: 'usr/lib/start.xz!' },
    ]);
  });
});
