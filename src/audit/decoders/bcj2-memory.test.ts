// Property: a BCJ2 block is read no further than the expansion bound lets its packed bytes make (200 times, and a MiB), and
// its four inputs are gathered only as far as that prefix needs, so a crafted archive costs memory in proportion to its
// own size, not to the output it declares: named as a bomb, its prefix read (a value there is found), peak RSS bounded.
// Real-world variant, made by the real tool: `7zz a -mf=BCJ2` (7-Zip's ultra preset filters executables with BCJ2) of
// an "executable" of 60 MiB that is nothing but calls to one address — 7-Zip's call stream is then one target repeated,
// and the archive 44 KB. Before, all four inputs (12 MiB of opcodes, 48 MiB of targets) were gathered in pieces and joined,
// and the 60 MiB output made whole before the bound stopped it: 325 MiB peak RSS in a child decoding it alone.
// Measured in a child process of its own (fuzz.testing.ts's `isolated`: its peak RSS apart from the test runner's).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isolated } from './fuzz.testing.js';
import { has } from './testing.js';

const MARKER = 'bcj2-prefix-marker-5c1e';

/** 60 MiB of `call rel32` to one absolute address, the marker (as a Windows binary holds a string, UTF-16) at its start. */
function callDense(): Buffer {
  const calls = (60 << 20) / 5;
  const b = Buffer.alloc(4096 + calls * 5);
  b.write(MARKER, 64, 'utf16le');
  for (let i = 0, p = 4096; i < calls; i++, p += 5) {
    b[p] = 0xe8;
    b.writeUInt32LE((0x401000 - (p + 5)) >>> 0, p + 1);
  }
  return b;
}

describe('BCJ2 within the expansion bound', () => {
  it.skipIf(!has('7zz'))('a 7zz -mf=BCJ2 archive of 60 MiB of calls: its prefix read, named a bomb, peak RSS under 160 MiB', { timeout: 120_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'hoist-bcj2-'));
    try {
      writeFileSync(join(dir, 'app.exe'), callDense());
      execFileSync('7zz', ['a', '-mf=BCJ2', 'out.7z', 'app.exe'], { cwd: dir, stdio: 'ignore' });
      const archive = readFileSync(join(dir, 'out.7z'));
      expect(archive.length).toBeLessThan(256 * 1024); // the crafted case: a small archive declaring 60 MiB
      const r = isolated('sevenzip.ts', 'sevenZip', archive, [Buffer.from(MARKER, 'utf16le')], { deadlineMs: 60_000 });
      expect(r.hung || r.crashed).toBeFalsy();
      expect(r.found).toEqual([true]);
      expect(r.limits.join('\n')).toMatch(/expands more than 200 times/);
      // The child is ~40 MiB doing nothing; the prefix (~10 MiB), its inputs and LZMA's dictionaries are the rest.
      expect(r.peakMiB, `peak RSS ${r.peakMiB.toFixed(0)} MiB`).toBeLessThan(160);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
