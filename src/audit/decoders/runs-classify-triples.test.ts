import { afterEach, describe, expect, it, vi } from 'vitest';
import { seeded, testSeed } from '../../../test/support/random.js';
import { KINDS } from './embedded.js';
import { tripleTables } from './runs-classify.js';

// Property: `tripleTables` (the classes of the embedded streams' needles' first three bytes, for
// the SIMD pass) gives the tables the byte lists gave — classes merged two at a time, the merge
// that lets the fewest more triples through first — while making each class's bytes nibble masks:
// no Set is made (the lists made into Sets at every pair tried were 44 ms of every audit's start).
// The nearest real-world variant: the embedded streams' own 26 magic numbers (embedded.ts's KINDS).

/** The tables as the byte lists made them (runs-classify.ts before nibble masks), kept here as the reference. */
function byLists(needles: ReadonlyArray<Uint8Array>, classesLeft = 8): Uint8Array {
  const all = Array.from({ length: 256 }, (_, c) => c);
  const spanned = (bytes: number[]) => new Set(bytes.map((c) => c & 15)).size * new Set(bytes.map((c) => c >> 4)).size;
  const passed = (k: number[][]) => k.reduce((n, b) => n * spanned(b), 1) / 2 ** 24;
  const unique = new Map<string, number[][]>();
  for (const n of needles) {
    const bytes = [[n[0]!], [n[1]!], n.length > 2 ? [n[2]!] : all];
    unique.set(JSON.stringify(bytes), bytes);
  }
  const classes = [...unique.values()];
  const union = (a: number[][], b: number[][]) => [0, 1, 2].map((i) => [...new Set([...a[i]!, ...b[i]!])]);
  while (classes.length > classesLeft) {
    let best = { i: 0, j: 1, cost: Infinity };
    for (let i = 0; i < classes.length; i++)
      for (let j = i + 1; j < classes.length; j++) {
        const cost = passed(union(classes[i]!, classes[j]!)) - passed(classes[i]!) - passed(classes[j]!);
        if (cost < best.cost) best = { i, j, cost };
      }
    classes[best.i] = union(classes[best.i]!, classes[best.j]!);
    classes.splice(best.j, 1);
  }
  const t = new Uint8Array(96);
  classes.forEach((bytes, k) =>
    bytes.forEach((list, i) => {
      for (const c of list) {
        t[32 * i + (c & 15)]! |= 1 << k;
        t[32 * i + 16 + (c >> 4)]! |= 1 << k;
      }
    }),
  );
  return t;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('the triples pass classes needles by nibble masks', () => {
  it("the embedded streams' needles: the tables the byte lists gave, and no Set made", () => {
    const needles = KINDS.map((k) => k.needle);
    const want = byLists(needles);
    let made = 0;
    vi.stubGlobal(
      'Set',
      class extends Set<unknown> {
        constructor(items?: Iterable<unknown>) {
          super(items);
          made++;
        }
      },
    );
    const got = tripleTables(needles);
    vi.unstubAllGlobals();
    expect(got).toEqual(want);
    expect(made).toBe(0);
  });

  const seed = testSeed(61);
  it(`seeded needle sets of 2 to 6 bytes: the same tables (seed ${seed})`, () => {
    const random = seeded(seed);
    for (let n = 0; n < 60; n++) {
      // Needles sharing first bytes, as magic numbers do (zlib's 0x78, gzip's 0x1f 0x8b), and random ones.
      const lead = random.bytes(3);
      const needles = Array.from({ length: random.int(1, 24) }, () => {
        const bytes = random.bytes(random.int(2, 7));
        if (random.int(2) === 0) bytes[0] = lead[0]!;
        if (random.int(3) === 0) bytes[1] = lead[1]!;
        return new Uint8Array(bytes);
      });
      expect(tripleTables(needles), `set ${n} (seed ${seed})`).toEqual(byLists(needles));
    }
  });
});
