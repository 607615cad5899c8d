// Property: a dump of words in octal or decimal — od's own default (`od FILE`: 2-byte words as six octal digits, the
// form a bare `od` in a CI step prints), od -d / -s / -t u2 / -t d2 / -t o4 / -t d4 / -t u4 / -D / -i / -t o8 / -t d8 /
// -l with each offset radix (-A o, -A d, -A x), and hexdump -o / -d / -x (each word right-aligned in 8 columns) — is
// told by its first line and read back into exactly the bytes dumped, in any chunking: a config line beyond ASCII, then
// seeded random bytes of a random length (the last word padded with NULs, trimmed by the closing offset). Nearest
// real-world variant: a support bundle or CI debugging step that ran `od` on an env file (round 15, variant15-text.ts:
// od, od -d, hexdump -d and od -t u4 of an env file were missed, silent). Audited, the value is found under the dump;
// the clean twin gives nothing; columns of numbers that are no dump are not taken for one.
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../test/support/random.js';
import { auditFiles, has, SECRET } from './decoders/testing.js';
import { sniffDump } from './hexdump.js';
import { dumpOf, read } from './hexdump.testing.js';

const rand = seededPerTest(1515);

const content = (value: string) => Buffer.concat([Buffer.from(`API_TOKEN=${value} é€😀\n`), rand.bytes(rand.int(40, 400))]);

describe.skipIf(!has('od') || !has('hexdump'))(`word dumps in octal and decimal (seed ${rand.seed})`, () => {
  it.each([
    ['od', 'octalWords'],
    ['od -o', 'octalWords'],
    ['od -A d', 'octalWords'],
    ['od -A x -t o2', 'octalWords'],
    ['od -t o4', 'octalWords'],
    ['od -A d -t o8', 'octalWords'],
    ['od -d', 'decimalWords'],
    ['od -s', 'decimalWords'],
    ['od -A x -t u2', 'decimalWords'],
    ['od -A d -t d2', 'decimalWords'],
    ['od -t u4', 'decimalWords'],
    ['od -D', 'decimalWords'],
    ['od -i', 'decimalWords'],
    ['od -A x -t d4', 'decimalWords'],
    ['od -t d8', 'decimalWords'],
    ['od -l', 'decimalWords'],
    ['od -t u8', 'decimalWords'],
    ['hexdump -o', 'octalWords'],
    ['hexdump -d', 'decimalWords'],
    ['hexdump -x', 'words'],
  ] as const)('%s is read as %s and gives the bytes back, in any chunking', (args, format) => {
    for (let n = 0; n < 5; n++) {
      const bytes = content(rand.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop0123456789+/=', rand.int(8, 40)));
      const dump = dumpOf(args, bytes);
      expect(sniffDump(dump), args).toBe(format);
      for (const size of [1, 5, 64, dump.length]) expect(read(dump, format, size).equals(bytes), `${args}, chunks of ${size}`).toBe(true);
    }
  });

  it('lines a * stands for are given back by the offsets in any radix (od -A d: decimal offsets)', () => {
    const bytes = Buffer.concat([Buffer.from(`API_TOKEN=${SECRET}\n`), Buffer.alloc(96, 0x41), Buffer.from(`NEXT=${SECRET}\n`)]);
    for (const args of ['od -A d', 'od -A d -d', 'od', 'od -A x -t u4', 'hexdump -d']) {
      const dump = dumpOf(args, bytes);
      expect(dump.toString(), args).toMatch(/^\*$/m);
      const format = sniffDump(dump)!;
      expect(read(dump, format, 64).equals(bytes), args).toBe(true);
    }
  });

  it('audited, the value is found under each dump; the clean twin gives nothing', async () => {
    const env = (v: string) => Buffer.from(`APP_ENV=production\nAPI_TOKEN=${v}\n`);
    for (const args of ['od', 'od -A d -d', 'od -t u4', 'hexdump -d', 'hexdump -x']) {
      expect(await auditFiles({ 'var/log/debug.log': dumpOf(args, env(SECRET)) }), args).toEqual([
        { severity: 'leak', what: 'token', path: 'var/log/debug.log (as a hex dump)' },
      ]);
      expect(await auditFiles({ 'var/log/debug.log': dumpOf(args, env(SECRET.replace('7f3a', 'a3f7'))) }), args).toEqual([]);
    }
  });

  it('does not take columns of numbers that are no dump for words', () => {
    for (const text of [
      '2024-01-01  12345  67890\n',
      'total 123456 234567 345678\n',
      '100000   2000   3000   4000\n', // aligned, but a first offset is 0
      '000000   2000   3000   400\n', // not aligned
      '0000000  1 2 3 4\n',
      '000123  99999  99999\n', // above a 2-byte word in a 2-byte column
      '1234567 1234 5678 9012\n',
      'commit  123456  234567\n',
    ])
      expect(sniffDump(Buffer.from(text)) ?? 'none', text).not.toMatch(/Words/);
  });
});
