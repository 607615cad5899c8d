// Property: formats the audit does not decode are named, never passed in silence — a bzip3 file gives a
// `limit` finding naming the file, leaky or clean, in any chunk sizes; ARJ's methods 1-4 (its default
// -m1) are decoded (arj.ts: the value found in the member; before session 56 they were named, -m4 until
// session 57, arj-fast.ts); an ARJ archive that only stores its
// members (-m0) is walked through and not named, its value found in its bytes as they are; random
// heads and near misses (an ARJ header whose CRC-32 is off by a bit, bzip3's magic with a block size
// it refuses) are not claimed. Generated: seeded values with + / = & < > % " \ ` and non-ASCII, random
// member counts and sizes, random chunk cuts. Nearest real-world variants: `bzip3 -e`, `arj a`.
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { decodeWith } from './decode.testing.js';
import { auditFiles, has, SECRET, tool } from './testing.js';
import { arj } from './arj.js';
import { bzip3, isArjHeader, isBzip3 } from './unread.js';

const rng = seededPerTest(0xa51);
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=&<>%"\\`é€';
const config = (value: string) => `API_TOKEN=${value}\n${Array.from({ length: rng.int(10, 3000) }, (_, i) => `row ${i} ${rng.int(1e6)}`).join('\n')}\n`;

/** `arj a` of `n` generated members with `args` (-m0 stores them). */
function arjOf(value: string, n: number, ...args: string[]): Buffer {
  const files: Record<string, string> = {};
  for (let i = 0; i < n; i++) files[`m${i}.txt`] = i === n - 1 ? config(value) : config(rng.chars(ALPHABET, 20));
  return tool('arj', ['a', '-y', ...args, 'out.arj', ...Object.keys(files)], files, 'out.arj');
}

describe.runIf(has('arj') && has('bzip3'))(`formats not decoded, named (seed ${rng.seed})`, { timeout: 120_000 }, () => {
  it('a compressed ARJ archive and a bzip3 file named, in random chunk sizes; a stored ARJ archive walked through, not named', async () => {
    for (let k = 0; k < 6; k++) {
      const value = rng.chars(ALPHABET, rng.int(8, 60));
      const chunk = rng.int(1, 700);
      const n = rng.int(1, 5);
      // Methods 1-3 decoded (arj.ts, since session 56), method 4 too (arj-fast.ts, since session 57).
      const method = rng.pick(['-m1', '-m4', '-m2', '-m3']);
      const packed = await decodeWith(arj, arjOf(value, n, method), { chunk });
      expect(packed.limits, `${n} members, chunks of ${chunk}`).toEqual([]);
      expect(packed.out.includes(`API_TOKEN=${value}\n`), `${method}: the members decoded`).toBe(true);
      const stored = await decodeWith(arj, arjOf(value, n, '-m0'), { chunk });
      expect(stored.limits, `${n} stored members, chunks of ${chunk}`).toEqual([]);
      const bz = await decodeWith(bzip3, tool('bzip3', ['-c', 'f'], { f: config(value) }), { chunk });
      expect(bz.limits).toEqual(['a bzip3 stream, which the audit does not decode']);
    }
  });

  it('random heads and near misses are not claimed', () => {
    const real = arjOf('x'.repeat(12), 1);
    expect(isArjHeader(real)).toBe(true);
    for (let bit = 0; bit < 64; bit++) {
      const near = Buffer.from(real);
      near[8 + rng.int(20)]! ^= 1 << rng.int(8);
      expect(isArjHeader(near)).toBe(false);
    }
    const bz = tool('bzip3', ['-c', 'f'], { f: 'abc' });
    expect(isBzip3(bz)).toBe(true);
    expect(isBzip3(Buffer.concat([bz.subarray(0, 5), Buffer.from([0, 0, 0, 0])]))).toBe(false);
    for (let i = 0; i < 20_000; i++) {
      const head = rng.bytes(512);
      if (i % 2) head.set([0x60, 0xea]);
      expect(isArjHeader(head) || isBzip3(head)).toBe(false);
    }
  });

  it('through the audit: bzip3 named by its path; ARJ -m1 and -m4 read (found in their members, the clean twins silent); the stored ARJ found', async () => {
    const found = await auditFiles({
      'srv/a.bz3': tool('bzip3', ['-c', 'f'], { f: config(SECRET) }),
      'srv/b.arj': arjOf(SECRET, 2),
      'srv/c.arj': arjOf('an-other-value-of-the-same-length+/=', 2),
      'srv/d.arj': arjOf(SECRET, 3, '-m0'),
      'srv/e.arj': arjOf(SECRET, 2, '-m4'),
      'srv/f.arj': arjOf('an-other-value-of-the-same-length+/=', 2, '-m4'),
    });
    expect(found.map((f) => `${f.severity} ${f.path.replace(/!\/.*/, '!/…')}`).sort()).toEqual([
      'leak srv/b.arj!/…',
      'leak srv/d.arj',
      'leak srv/e.arj!/…',
      'limit srv/a.bz3',
    ]);
  });
});

describe.runIf(has('arj'))('an ARJ member that expands past the bound (H7 review)', { timeout: 120_000 }, () => {
  // Property: a member's header-stated size is not a buffer to allocate: an arj -m1 of 96 MiB of zeros (about 6 KB) is
  // decoded only as far as bomb.ts lets a stream run (64 MiB, past it the audit's ratio) and named a bomb at its path.
  // Before: decoded whole into one buffer of its stated size (768 MiB of zeros: 824 MiB peak RSS), nothing named.
  it('arj -m1 of 96 MiB of zeros: named a bomb, at most 64 MiB decoded', async () => {
    const archive = tool('sh', ['-c', 'head -c 100663296 /dev/zero > z && arj a -y -m1 z.arj z > /dev/null'], {}, 'z.arj');
    expect(archive.length).toBeLessThan(100_000);
    const { out, limits } = await decodeWith(arj, archive);
    expect(limits).toEqual([expect.stringMatching(/^a decompression bomb \(64 MiB made/)]);
    expect(out.length).toBeLessThanOrEqual(archive.length + (64 << 20));
  });
});
