import { describe, expect, it } from 'vitest';
import { seeded, testSeed } from '../../test/support/random.js';
import { PRIVATE_KEY_BEGIN } from '../secrets/private-key.js';
import { compile, encodings } from './audit.js';
import { Automaton } from './matcher.js';
import { isBase64Alphabet } from './wrapped.js';

// The scan automaton's tables must grow with the patterns' bytes, not with their states × byte
// classes: a dense table (a row of 4 bytes a class for each state) took ~0.3 MiB a secret value
// for the whole run (24 MiB for 100 values), so the values alone broke the audit's 100 MiB.
// Property: the automata `compile` makes for N values — the audit's own, every form of each value,
// with the escape families' stops — take at most BOUND bytes a pattern byte, at 1, 20 and 100
// values; the bytes past the first 20 values too. Nearest real-world variant: the bench's values
// (bench/audit.ts: base64 tokens, ghp_ tokens, passwords with symbols), compiled as `audit` does.

const SEED = testSeed(1010);
/**
 * Deep states take 12 bytes each (about one a pattern byte); the states at most two bytes deep keep
 * a full row (4 bytes a class) until the patterns' first two bytes have all occurred: ~22 bytes a
 * pattern byte at 20 values, ~18 at 100, ~16 at 300. The dense table took ~500.
 */
const BOUND = 24;
/** And a fixed allowance, for the roots' rows and their children's (a few rows of 4 bytes a class: 1 value's forms take 19 KiB). */
const FIXED = 16 * 1024;
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function values(count: number): string[] {
  const r = seeded(SEED);
  return Array.from({ length: count }, (_, i) =>
    i % 20 < 10 ? r.bytes(24).toString('base64') : i % 20 < 15 ? `ghp_${r.chars(ALNUM, 36)}` : `${r.chars(ALNUM, 10)}!@#${r.chars(ALNUM, 6)}`,
  );
}

/**
 * The patterns' bytes, both automata's: every distinct form of each value and the key markers (the
 * scan's), and the forms read with line breaks left out (the wrapped text's), as `compile` keeps them.
 */
function patternBytes(vs: string[]): number {
  let total = PRIVATE_KEY_BEGIN.reduce((n, b) => n + Buffer.byteLength(b), 0);
  for (const v of vs) {
    const seen = new Set<string>();
    for (const [form, encoding] of encodings(v)) {
      const bytes = Buffer.from(form);
      if (seen.has(bytes.toString('hex'))) continue;
      seen.add(bytes.toString('hex'));
      total += bytes.length;
      if (encoding.startsWith('base64') || encoding === 'hex' || (encoding === 'plain' && isBase64Alphabet(bytes))) total += bytes.length;
    }
  }
  return total;
}

const sizeOf = (vs: string[]) => {
  const c = compile(vs.map((value, i) => ({ name: `secret ${i}`, value })));
  return { automaton: c.automaton.stateBytes + c.wrapped.stateBytes, patterns: patternBytes(vs) };
};

describe(`the scan automaton's size (seed ${SEED})`, () => {
  it(`takes at most ${BOUND} bytes a pattern byte and ${FIXED} more, at 1, 20 and 100 values; past the first 20, ${BOUND} a byte`, () => {
    const sizes = [1, 20, 100].map((n) => ({ n, ...sizeOf(values(n)) }));
    for (const s of sizes)
      expect(s.automaton, `${s.n} values: ${s.automaton} bytes for ${s.patterns} pattern bytes`).toBeLessThanOrEqual(BOUND * s.patterns + FIXED);
    const [, twenty, hundred] = sizes;
    expect(hundred!.automaton - twenty!.automaton).toBeLessThanOrEqual(BOUND * (hundred!.patterns - twenty!.patterns));
  });

  it('stays within the bound for patterns that share no byte past their first (every state its own)', () => {
    // Worst case for the rows: many first-byte pairs. 400 random base64 strings of 40 bytes.
    const r = seeded(SEED + 1);
    const patterns = Array.from({ length: 400 }, (_, k) => ({ bytes: Buffer.from(r.bytes(30).toString('base64')), tag: k }));
    const a = new Automaton(patterns);
    const total = patterns.reduce((n, p) => n + p.bytes.length, 0);
    expect(a.stateBytes, `${a.stateBytes} bytes for ${total} pattern bytes`).toBeLessThanOrEqual(BOUND * total + FIXED);
  });
});
