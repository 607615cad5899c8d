// Property: ARJ's method 4 (`arj a -m4`, its fastest) is read, not only named — an archive of 1-4 generated members
// (seeded values with + / = & < > % " \ ` and non-ASCII, 10-3,000 rows, random bytes beside) gives its value in its
// member and names nothing, in any chunk sizes; the clean twin gives nothing; a damaged copy (cut, or 1-8 bytes set
// anywhere past the main header) is read or named, never passed in silence (a member whose data decodes to its size
// yet fails the header's CRC-32 is named); data whose first match reaches before its start, or that ends early,
// throws ArjFastError, and a header claiming 4 GiB over a few bytes allocates nothing near that.
// Nearest real-world variant: a DOS-era toolchain or BBS archive (`arj a -m4`) copied into an image.
// Fails on arj.ts before session 57: the -m4 archive was only named ("method 4, which the audit does not decode").
import { describe, expect, it } from 'vitest';
import { seeded, seededPerTest, testSeed } from '../../../test/support/random.js';
import { arj } from './arj.js';
import { ArjFastError, arjFastDecode } from './arj-fast.js';
import { decodeWith } from './decode.testing.js';
import { damagedCopies, expectEachReadOrNamed } from './fuzz.testing.js';
import { has, tool } from './testing.js';

const rng = seededPerTest(0xa4f);
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=&<>%"\\`é€';
const config = (value: string) => `API_TOKEN=${value}\n${Array.from({ length: rng.int(10, 3000) }, (_, i) => `row ${i} ${rng.int(1e6)}`).join('\n')}\n`;

/** `arj a -m4` of `n` members, the last holding `value`, random bytes in the first. */
function m4(value: string, n: number, method = '-m4'): Buffer {
  const files: Record<string, Uint8Array | string> = { 'r.bin': rng.bytes(rng.int(1, 20_000)) };
  for (let i = 1; i < n; i++) files[`m${i}.txt`] = i === n - 1 ? config(value) : config(rng.chars(ALPHABET, 20));
  return tool('arj', ['a', '-y', method, 'out.arj', ...Object.keys(files)], files, 'out.arj');
}

describe.runIf(has('arj'))(`ARJ method 4 (seed ${rng.seed})`, { timeout: 120_000 }, () => {
  it('arj a -m4: the value found in its member, nothing named, in random chunk sizes; the clean twin gives nothing', async () => {
    for (let k = 0; k < 8; k++) {
      const value = rng.chars(ALPHABET, rng.int(8, 60));
      const [n, chunk] = [rng.int(2, 5), rng.int(1, 700)];
      const leaky = await decodeWith(arj, m4(value, n), { chunk });
      expect([leaky.out.includes(`API_TOKEN=${value}\n`), leaky.limits], `${n} members, chunks of ${chunk}`).toEqual([true, []]);
      const clean = await decodeWith(arj, m4(rng.chars(ALPHABET, value.length), n), { chunk });
      expect([clean.out.includes(`API_TOKEN=${value}\n`), clean.limits]).toEqual([false, []]);
    }
  });

  it('arj a -m1 (methods 1-3) members checked against their CRC-32 too: as made, nothing named', async () => {
    const both = await decodeWith(arj, m4('tok-arj-crc-5d1c', 3, '-m1'), { chunk: 4096 });
    expect([both.out.includes('API_TOKEN=tok-arj-crc-5d1c'), both.limits]).toEqual([true, []]);
  });

  it('40 damaged copies of an arj a -m4 archive (cut, or bytes set past the main header): each read or named', () => {
    const file = m4('tok-h6-arj-m4-7c3e9a', 3);
    const region = (): [number, number] => [80, file.length];
    expectEachReadOrNamed('arj.ts', 'arj', damagedCopies(file, seeded(testSeed(0xa44)), 40, region), 'tok-h6-arj-m4-7c3e9a');
  });
});

describe('ARJ method-4 data, crafted', () => {
  it('a first match before the data’s start, or data that ends early, throws ArjFastError', () => {
    // A length code of 1 (bits 1 0, then 1 bit: 1) — a match — as the first item.
    expect(() => arjFastDecode(Uint8Array.of(0b10100000, 0, 0), 100)).toThrow(ArjFastError);
    expect(() => arjFastDecode(Uint8Array.of(0x00, 0x00), 100)).toThrow(ArjFastError);
  });

  it('a claimed size of 4 GiB over 64 bytes: throws at the data’s end, the memory grown only as it fills', () => {
    const before = process.memoryUsage().rss;
    expect(() => arjFastDecode(new Uint8Array(64), 2 ** 32 - 1)).toThrow(ArjFastError);
    expect(process.memoryUsage().rss - before).toBeLessThan(64 << 20);
  });
});
