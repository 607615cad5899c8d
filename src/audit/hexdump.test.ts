// Hex dumps as the real tools print them (fixtures made with xxd, hexdump and GNU od from one
// file, test/fixtures/hexdumps/original.txt), read back into exactly that file's bytes, whatever
// the chunking of the stream.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DumpDecoder, sniffDump } from './hexdump.js';

const dir = join(import.meta.dirname, '../../test/fixtures/hexdumps');
const original = readFileSync(join(dir, 'original.txt'));

describe('hex dumps', () => {
  it.each([
    ['xxd.txt', 'xxd'],
    ['xxd-g1-c8.txt', 'xxd'],
    ['hexdump-C.txt', 'canonical'],
    ['hexdump.txt', 'words'],
    ['od-x.txt', 'words'],
    ['od-An-tx1.txt', 'bytes'],
    ['od-Ax-tx1z.txt', 'bytes'],
  ] as const)('%s is read as %s and gives the bytes back, in any chunking', (file, format) => {
    const dump = readFileSync(join(dir, file));
    expect(sniffDump(dump)).toBe(format);
    for (const size of [1, 5, 64, dump.length]) {
      const out: Buffer[] = [];
      const d = new DumpDecoder(format, (b) => out.push(b));
      for (let i = 0; i < dump.length; i += size) d.push(dump.subarray(i, i + size), false);
      d.push(new Uint8Array(0), true);
      expect(Buffer.concat(out).toString('latin1')).toBe(original.toString('latin1'));
    }
  });

  it.each([
    ['repeats.hexdump-C.txt', 'canonical'],
    ['repeats.od-x.txt', 'words'],
    ['repeats.od-tx1.txt', 'bytes'],
    ['repeats.xxd-a.txt', 'xxd'],
  ] as const)('%s: lines a * stands for are given back', (file, format) => {
    const dump = readFileSync(join(dir, file));
    expect(dump.toString()).toMatch(format === 'xxd' ? /q/ : /^\*$/m);
    const out: Buffer[] = [];
    const d = new DumpDecoder(format, (b) => out.push(b));
    d.push(dump, true);
    expect(Buffer.concat(out).toString('latin1')).toBe(readFileSync(join(dir, 'repeats.txt'), 'latin1'));
  });

  it('does not take ordinary text, a CSV of numbers or base64 for a dump', () => {
    for (const text of ['hello world\nsecond line\n', '10 20 30 40 50\n', 'ZGIucGFzc3dvcmQ9dG9r\n', '# config\nkey: 00 11\n']) {
      expect(sniffDump(Buffer.from(text)), text).toBeUndefined();
    }
  });
});
