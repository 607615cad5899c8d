// Property: a plain value of base64's alphabet (a token: letters, digits, `_-+/=`) cut by line
// breaks from column 0 at any width — the real `fold -w N`, LF or CRLF, the `KEY=` before it on the
// first line — is found by the layer's wrapped scan, in any chunk size; another token of the same
// shape is not; a value with a character outside that alphabet is not looked for wrapped (the
// line before a break must be base64 to its end, and such a value's line is not).
// Nearest real-world variant: a `.env` line longer than a terminal folded by `fold -w 64` into a
// README or a job log kept in the image (red team round 11, text: `fold-w64`).
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../test/support/random.js';
import { compile } from './audit.js';
import { isBase64Alphabet, WrappedScan } from './wrapped.js';

const rand = seededPerTest(4711);
const TOKEN = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';
const fold = (text: string, width: number) => execFileSync('fold', ['-w', String(width)], { input: text, encoding: 'utf8' });

/** Findings of `value` in `text` by the wrapped scan, the text given `size` bytes at a time. */
function wrappedFinds(value: string, text: string, size: number): string[] {
  const { wrapped, wrappedSpan } = compile([{ name: 'token', value }]);
  const found: string[] = [];
  const scan = new WrappedScan(wrapped, wrappedSpan, (m) => void (m.tag.kind === 'secret' && found.push(m.tag.encoding)));
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += size) scan.write(bytes.subarray(i, i + size));
  scan.end();
  return found;
}

describe('a plain token folded from column 0', () => {
  it(`is found at every width fold cuts it, LF and CRLF, in any chunk size (seed ${rand.seed})`, () => {
    for (let round = 0; round < 40; round++) {
      const value = `${rand.pick(['ghp_', 'glpat-', 'sk_live_', ''])}${rand.chars(TOKEN, rand.int(24, 60))}`;
      const width = rand.int(12, 80);
      const key = rand.pick(['API_TOKEN=', 'export GITHUB_TOKEN=', 'token: ', '']);
      const lines = (v: string) => fold(`# ${'n'.repeat(30)} notes\n${key}${v}\nnext line here\n`, width);
      const crlf = (t: string) => (round % 3 === 0 ? t.replace(/\n/g, '\r\n') : t);
      const text = crlf(lines(value));
      const size = rand.pick([1, 7, 64, 4096]);
      // Only where fold cut the value itself is it a wrapped finding; else the plain scan finds it.
      const cut = !text.includes(value);
      expect({ width, size, found: wrappedFinds(value, text, size).includes('plain') || !cut }).toEqual({ width, size, found: true });
      // The clean twin: the same lines with another token of the same shape.
      const other = `${value.slice(0, 4)}${rand.chars(TOKEN, value.length - 4)}`;
      expect(wrappedFinds(value, crlf(lines(other)), size)).toEqual([]);
    }
  });

  it('a value holding a character outside base64 is not a wrapped pattern (its plain form is read by the escape scan as before)', () => {
    expect(isBase64Alphabet(Buffer.from('ghp_abc-DEF+/='))).toBe(true);
    expect(isBase64Alphabet(Buffer.from('pa$$w0rd!'))).toBe(false);
    const { wrapped } = compile([{ name: 'pw', value: 'correct horse battery staple 42!' }]);
    const found: string[] = [];
    const scan = new WrappedScan(wrapped, 40, (m) => void (m.tag.kind === 'secret' && found.push(m.tag.encoding)));
    scan.write(Buffer.from(fold('PASSWORD=correct horse battery staple 42!\n', 20)));
    scan.end();
    expect(found.filter((e) => e === 'plain')).toEqual([]);
  });

  it('random text of the alphabet folded at random widths holds no finding', () => {
    for (let round = 0; round < 20; round++) {
      const value = rand.chars(TOKEN, 40);
      expect(wrappedFinds(value, fold(rand.chars(TOKEN, 20_000), rand.int(12, 80)), 4096)).toEqual([]);
    }
  });
});

describe('the probe before a break, at the chunk boundary', () => {
  // A break is probed through the kept tail while its 16 bytes reach back into it, in the chunk alone after: a value
  // cut where the probe just holds (16 base64 bytes before the break, or 8 from the line's start) is found whatever
  // the chunk boundary's distance from the break, 0-40 bytes, LF and CRLF; one byte short, the wrapped scan has nothing.
  // (A long line after: the break is read with the second chunk, not at the end.)
  it(`a break with exactly the probe's bytes before it, at every distance from a chunk boundary (seed ${rand.seed})`, () => {
    const missed: string[] = [];
    for (let round = 0; round < 24; round++) {
      const value = rand.chars(TOKEN.slice(0, 62), 40);
      const { wrapped, wrappedSpan } = compile([{ name: 'token', value }]);
      const crlf = round % 2 ? '\r\n' : '\n';
      const fromStart = round % 4 >= 2;
      const head = fromStart ? 8 : 16;
      for (const short of [0, 1]) {
        const cut = head - short;
        const before = `${'n '.repeat(rand.int(40, 200))}${fromStart ? '\n' : 'key: '}`;
        const text = Buffer.from(`${before}${value.slice(0, cut)}${crlf}${value.slice(cut)} ;${crlf}the end${' m'.repeat(200)};${crlf}`);
        const at = text.indexOf(crlf, before.length);
        for (let d = 0; d <= 40; d++) {
          const found: string[] = [];
          const scan = new WrappedScan(wrapped, wrappedSpan, (m) => void (m.tag.kind === 'secret' && found.push(m.tag.encoding)));
          scan.write(text.subarray(0, at - d));
          scan.write(text.subarray(at - d));
          scan.end();
          if (found.includes('plain') === !!short)
            missed.push(`${fromStart ? 'line of' : 'probe'} ${cut} ${JSON.stringify(crlf)}, boundary ${d} before: ${found}`);
        }
      }
    }
    expect(missed).toEqual([]);
  });
});
