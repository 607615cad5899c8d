// Property: an xz stream whose blocks run a chain of filters before LZMA2 (xz --x86 --delta=dist=4, --delta then a
// branch filter, --arm64 --delta: the real tool) is read through the whole chain, last filter first, at any chunking —
// the value found, the output the one `xz -dc` gives; the clean twin passes. Nearest real-world variant: a release
// tarball or firmware blob compressed with a tuned filter chain (`xz --x86 --delta=dist=4 --lzma2=preset=9e`). Through
// the bundle of the session's start each passed in silence (the chain's filters dropped: the output read as deltas).
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { decodeWith } from './decode.testing.js';
import { auditFiles, has, SECRET, tool } from './testing.js';
import { xz } from './xz.js';

const text = `API_TOKEN=${SECRET}\n${Array.from({ length: 3000 }, (_, i) => `LINE_${i}`).join('\n')}\n`;

describe.runIf(has('xz'))('xz filter chains', () => {
  it.each([['--x86 --delta=dist=4'], ['--delta=dist=4 --x86'], ['--x86 --delta=dist=1'], ['--arm64 --delta=dist=2'], ['--sparc --delta=dist=3 --powerpc']])(
    'xz %s --lzma2: found at file.xz!, as xz -dc gives it at any chunking; the clean twin passes',
    async (flags) => {
      const file = tool('sh', ['-c', `xz -c ${flags} --lzma2 a.txt`], { 'a.txt': text });
      expect(file.includes(SECRET)).toBe(false);
      expect(execFileSync('xz', ['-dc'], { input: file }).toString()).toBe(text);
      const found = await auditFiles({ 'srv/a.xz': file });
      expect(found.map((f) => `${f.severity} ${f.path}`)).toEqual(['leak srv/a.xz!']);
      for (const chunk of [1, 5, 333, file.length]) expect((await decodeWith(xz, file, { chunk })).out.toString()).toBe(text);
      const clean = tool('sh', ['-c', `xz -c ${flags} --lzma2 a.txt`], { 'a.txt': text.replace(SECRET, 'x'.repeat(SECRET.length)) });
      expect(await auditFiles({ 'srv/a.xz': clean })).toEqual([]);
    },
  );
});
