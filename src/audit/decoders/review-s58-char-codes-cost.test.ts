// Review of s58 (H7): the char codes' new needles on one long line. Session s58 made `(char)N` casts, Ruby's `N.chr`,
// `String.fromCharCode(N)` and Go's `U+0041 'A'` places of the char codes notation. Each place is checked by
// text-rewrite.ts's encodedLine, which turns the whole line around it into a string (and searches its ends): on a line
// of 256 KiB holding a place every 8 bytes that is quadratic. Through the bundle of 1942d1d a file of 256 KiB of
// `(char)1+` on one line, or of `1.chr+`, or of `U+0041 'A' `, ran past 100 s (0.5 s user through the session-start
// bundle, which had no such places); `String.fromCharCode(1) + ` 14 s user. The audit's 20 s limit did not stop it (the
// loop never yields). Property: the reader is linear — 256 KiB of any one trigger on one line, fed as the audit feeds
// it, is read in well under 5 s. Nearest real variant: a minified JavaScript bundle (one line) built from a
// String.fromCharCode obfuscator; a generated C# file of casts.
import { describe, expect, it } from 'vitest';
import { rewritten } from './text-rewrite.testing.js';

const line = (unit: string) => Buffer.from(unit.repeat(Math.ceil((256 * 1024) / unit.length)) + '\n', 'latin1');

describe('char codes on one long line: linear', () => {
  it.each([['(char)1+'], ['1.chr+'], ["U+0041 'A' "], ['String.fromCharCode(1) + ']])(
    '256 KiB of %j on one line, chunks of 64 KiB: under 5 s',
    async (unit) => {
      const started = Date.now();
      await rewritten(line(unit), 1 << 16, 'char codes');
      expect(Date.now() - started).toBeLessThan(5_000);
    },
    120_000,
  );
});
