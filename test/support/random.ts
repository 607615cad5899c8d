/**
 * The one source of generated test inputs: a seeded generator (mulberry32), so that a case that
 * fails is replayed from its seed. A test whose assertion depends on what it generates takes its
 * seed from `testSeed` and names it in its title or failure message. Values whose only job is to be
 * unique (secrets, tags, repository names) are not made here: they stay unpredictable.
 */
import { beforeEach } from 'vitest';

/** The environment variable that, set by hand, replaces every generated test's fixed seed. */
export const SEED_VARIABLE = 'HOIST_TEST_SEED';

/**
 * The seed a generated test runs from: its own fixed one, so the suite is the same on every run,
 * or HOIST_TEST_SEED when set (to replay a failure, or to try other seeds).
 */
export function testSeed(fixed: number): number {
  const given = process.env[SEED_VARIABLE];
  if (given === undefined || given === '') return fixed;
  const seed = Number(given);
  if (!Number.isSafeInteger(seed)) throw new Error(`${SEED_VARIABLE}=${given} is not an integer seed`);
  return seed >>> 0;
}

/** A test's list of fixed seeds, or HOIST_TEST_SEED alone when it is set. */
export function testSeeds(fixed: readonly number[]): number[] {
  return process.env[SEED_VARIABLE] ? [testSeed(0)] : [...fixed];
}

/** mulberry32's 32-bit outputs. */
function words(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** mulberry32: a small seeded generator of numbers in [0, 1), so a generated case is replayed from its seed. */
export function mulberry32(seed: number): () => number {
  const next = words(seed);
  return () => next() / 4294967296;
}

/** A seeded stand-in for node:crypto's randomBytes and randomInt, and a pick from a list. */
export interface Seeded {
  readonly seed: number;
  /** A number in [0, 1). */
  next(): number;
  /** An integer in [0, max) — or [min, max) given both — as crypto.randomInt takes them. */
  int(minOrMax: number, max?: number): number;
  /** `n` bytes (four from each draw: a 64 MiB file takes a fraction of a second). */
  bytes(n: number): Buffer;
  pick<T>(items: readonly T[]): T;
  /** `n` characters drawn from `alphabet`. */
  chars(alphabet: string, n: number): string;
}

export function seeded(seed: number): Seeded {
  const next = words(seed);
  const int = (minOrMax: number, max?: number): number => {
    const [lo, hi] = max === undefined ? [0, minOrMax] : [minOrMax, max];
    if (!(hi > lo)) throw new RangeError(`seeded int: empty range [${lo}, ${hi})`);
    return lo + Math.floor((next() / 4294967296) * (hi - lo));
  };
  return {
    seed,
    next: () => next() / 4294967296,
    int,
    bytes(n) {
      const out = Buffer.allocUnsafe(n);
      let i = 0;
      for (; i + 4 <= n; i += 4) out.writeUInt32LE(next(), i);
      if (i < n) {
        const last = next();
        for (let k = 0; i < n; i++, k++) out[i] = (last >>> (8 * k)) & 0xff;
      }
      return out;
    },
    pick: (items) => items[int(items.length)]!,
    chars: (alphabet, n) => {
      let s = '';
      for (let i = 0; i < n; i++) s += alphabet[int(alphabet.length)];
      return s;
    },
  };
}

/**
 * A test file's generator, begun again from its seed (testSeed(fixed)) before each of its tests:
 * a test draws the same inputs run alone (`-t`) as in its file. Tests that draw from it name
 * `.seed` in their titles. Not for tests run concurrently (they would share one sequence).
 */
export function seededPerTest(fixed: number): Seeded {
  const seed = testSeed(fixed);
  let current = seeded(seed);
  beforeEach(() => {
    current = seeded(seed);
  });
  return {
    seed,
    next: () => current.next(),
    int: (minOrMax, max) => current.int(minOrMax, max),
    bytes: (n) => current.bytes(n),
    pick: (items) => current.pick(items),
    chars: (alphabet, n) => current.chars(alphabet, n),
  };
}
