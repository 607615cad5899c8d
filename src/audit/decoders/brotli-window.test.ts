// Property: a large-window brotli stream (brotli --large_window=N, the real tool) is decoded, at any chunking, when its
// window is at most 2^27; one over it is named, nothing decoded; a standard stream decodes as before. Nearest
// real-world variant: an asset or artifact compressed by a build's `brotli --large_window` step, kept as .br.
// Memory (session 58): a window over 2^26 is read while its output stays under 48 MiB (its decoder's ring buffer then
// within 64 MiB; a 2^27 window over 160 MB peaked at 226 MiB against 142 for a standard window), then cut and named;
// a 2^26 window of the same file is read whole.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { decodeWith } from './decode.testing.js';
import { largeWindowBits } from './brotli-window.js';
import { brotli } from './native.js';
import { auditFiles, has, SECRET, tool } from './testing.js';

const text = `API_TOKEN=${SECRET}\n${Array.from({ length: 3000 }, (_, i) => `LINE_${i}`).join('\n')}\n`;
const br = (flags: string[]) => tool('brotli', [...flags, '-o', 'a.br', 'a.txt'], { 'a.txt': text }, 'a.br');

describe.runIf(has('brotli'))('large-window brotli (brotli --large_window)', () => {
  it.each([[26], [27]])('--large_window=%i: found at file.br!, any chunking, the clean twin passes', async (w) => {
    const file = br(['-q', '11', `--large_window=${w}`]);
    expect(largeWindowBits(file)).toBe(w);
    expect(file.includes(SECRET)).toBe(false);
    const found = await auditFiles({ 'srv/a.br': file });
    expect(found.map((f) => `${f.severity} ${f.path}`)).toContainEqual('leak srv/a.br!');
    for (const chunk of [1, 2, 3, 7, 1000, file.length]) expect((await decodeWith(brotli, file, { chunk })).out.toString()).toBe(text);
    const clean = tool('brotli', ['-q', '11', `--large_window=${w}`, '-o', 'a.br', 'a.txt'], { 'a.txt': text.replace(SECRET, 'x'.repeat(20)) }, 'a.br');
    expect(await auditFiles({ 'srv/a.br': clean })).toEqual([]);
  });

  it('a window over 2^27 is named, nothing decoded; a standard stream is not taken for a large-window one', async () => {
    const file = br(['-q', '5', '--large_window=30']);
    expect(largeWindowBits(file)).toBe(30);
    const r = await decodeWith(brotli, file);
    expect(r.limits).toEqual([expect.stringMatching(/^a large-window brotli stream \(a 2\^30-byte window/)]);
    expect(r.out.length).toBe(0);
    const standard = br(['-q', '11']);
    expect(largeWindowBits(standard)).toBeUndefined();
    expect((await decodeWith(brotli, standard, { chunk: 1 })).out.toString()).toBe(text);
    expect(execFileSync('brotli', ['-d', '-c'], { input: file }).length).toBe(Buffer.byteLength(text));
  });

  it('a 2^27 window over 64 MB: its first 48 MiB read, then named; the same at 2^26 read whole', { timeout: 120_000 }, async () => {
    const big = (w: number) => tool('sh', ['-c', `(cat a.txt; seq 1 9000000; cat a.txt) | brotli -q 3 --large_window=${w} -c`], { 'a.txt': text });
    const cut = await decodeWith(brotli, big(27), { chunk: 65536 });
    expect(cut.limits).toEqual([expect.stringMatching(/^a large-window brotli stream \(a 2\^27-byte window\): only its first 48 MiB read/)]);
    expect([cut.out.includes(SECRET), cut.out.length <= 48 * 2 ** 20]).toEqual([true, true]);
    const whole = await decodeWith(brotli, big(26), { chunk: 65536 });
    expect([whole.limits, whole.out.lastIndexOf(SECRET) > 50_000_000]).toEqual([[], true]);
  });
});
