import { describe, expect, it } from 'vitest';
import { unescapeRuns } from './run-escapes.js';
import { MIN_SHORT } from './runs.js';
import { seededPerTest } from '../../../test/support/random.js';

/** Generated inputs, from this seed before each test (HOIST_TEST_SEED replaces it); the tests that draw name it. */
const rand = seededPerTest(1);

const read = (text: string | Buffer) => Buffer.from(unescapeRuns(Buffer.from(text), MIN_SHORT)).toString('latin1');

describe('unescapeRuns', () => {
  // The property: every escape of a run's character inside a stretch long enough to be a run is
  // read, whatever the escape family; the nearest real-world variants are System.Text.Json's
  // `\u002B`, PHP's `\/`, XML's `&#43;` and a URL's `%2B`/`%3D` inside a base64 value.
  it('reads each escape of a run character inside a run, in every family, however many in a row', () => {
    const run = 'QUJDREVGR0hJSktMTU5PUFFSU1RVVldY+/YWJj/+ZA==';
    const spell = { '+': ['\\u002B', '&#43;', '%2B', '&#x2b;'], '/': ['\\/', '\\u002f', '%2F', '\\x2F'], '=': ['%3D', '\\u003D', '&#61;'] } as const;
    for (let k = 0; k < 4; k++) {
      const escaped = run.replace(/[+/=]/g, (c) => spell[c as keyof typeof spell][k % spell[c as keyof typeof spell].length]!);
      expect(read(`{"value":"${escaped}"}`)).toBe(`{"value":"${run}"}`);
    }
    // A wrapped run: the escape at the start of a line joins the line before.
    expect(read(`data: QUJDREVGR0hJSktMTU5PUFFS\n  %2Bxy`)).toBe(`data: QUJDREVGR0hJSktMTU5PUFFS\n  +xy`);
  });

  // The property: an escape met by chance in binary bytes, with no run around it, is left as it
  // is and the chunk is not copied (a compiled file holds `%4A` and `\/` by chance every few KiB).
  it(`leaves escapes outside runs as they are, without copying the bytes (seed ${rand.seed})`, () => {
    const bytes = Buffer.concat([rand.bytes(64).map((b) => (b & 0x3f) | 0x80), Buffer.from('%4A'), rand.bytes(64).map((b) => (b & 0x3f) | 0x80)]);
    expect(unescapeRuns(bytes, MIN_SHORT)).toBe(bytes);
    expect(read('[a short %2B word], (x\\/y)')).toBe('[a short %2B word], (x\\/y)');
  });

  // A stretch cut by the chunk's edge may go on in the next: its escapes are read.
  it('reads an escape whose stretch reaches the chunk edge', () => {
    expect(read('AB%2BCD')).toBe('AB+CD');
    expect(read('\x01\x02%2Babc')).toBe('\x01\x02+abc');
  });
});

// Round 12 (issue 28): a hex literal's `0x` (SQL Server's CONVERT(varbinary, N'…'), MySQL's 0x…, Python's hex()) made
// its run base64's (`x` is a base64 letter): hex of UTF-16 or of binary bytes, which no form of a value matches, was
// decoded as base64. The `0x` is left out before a long enough hex run; `0x1F`, hex inside a word and base64 are not touched.
describe('hex literals (0x…)', () => {
  it("leaves out a literal's 0x before a hex run, in SQL and in an expression", () => {
    const hex = Buffer.from('Password=é€ab', 'utf16le').toString('hex').toUpperCase();
    expect(read(`INSERT INTO s VALUES (N'p', CONVERT(nvarchar(max), 0x${hex}));`)).toBe(`INSERT INTO s VALUES (N'p', CONVERT(nvarchar(max), ${hex}));`);
    expect(read(`x = 0X${hex.toLowerCase()}\n`)).toBe(`x = ${hex.toLowerCase()}\n`);
  });
  it('leaves short literals, a 0x inside a run, and a 0x before letters beyond f as they are', () => {
    for (const text of ['mask = 0x1F | 0xFF00;', 'QUJDREVG0x4142434445464748494A4B4C', `v = 0x${'ab'.repeat(20)}g`, 'id=0xdeadbeef'])
      expect(read(text)).toBe(text);
  });
});
