// The pure parts of the trust gate: which reason a refusal names when several signatures fail, and
// how a destination's signature layers and the source's are joined.
import { describe, expect, it } from 'vitest';
import type { VerifyResult } from '../sign/verify.js';
import { mulberry32, testSeed } from '../../test/support/random.js';
import { mergedLayers } from './carry.js';
import { whyNotVerified } from './gate.js';

// Reasons as src/sign/verify.ts words them, most telling first.
const REASONS = [
  ['signature over another digest', 'signed by sha256:0123456789ab, but for another image: sha256:' + 'b'.repeat(64)],
  ['tampered payload', 'the payload served hashes to sha256:' + 'c'.repeat(64) + " (200 bytes), not its descriptor's digest and size (tampered payload)"],
  ['signed by another key or tampered', 'the signature does not verify with the key given (another key, or a tampered payload or signature)'],
  ['unsigned', 'no signature: team/app:sha256-' + 'd'.repeat(64) + '.sig does not exist'],
] as const;

describe('whyNotVerified', () => {
  /**
   * Property: whatever the order and mix of rejected signatures, the clause names the most telling
   * one (an attack before an absence) and counts the rest. Nearest real-world variant: a .sig with
   * an old signature by a rotated key and a copied signature of another image, in either order.
   */
  const mixes = testSeed(33);
  it(`names the most telling rejection of any mix, in any order (2,000 generated mixes, seed ${mixes})`, () => {
    const random = mulberry32(mixes);
    for (let n = 0; n < 2000; n++) {
      const picked = REASONS.map((_, i) => i).filter(() => random() < 0.5);
      if (!picked.length) continue;
      const rejected = picked.flatMap((i) => Array.from({ length: 1 + Math.floor(random() * 2) }, () => ({ reason: REASONS[i]![1] })));
      rejected.sort(() => random() - 0.5);
      const result: VerifyResult = { tag: 'x.sig', verified: [], rejected };
      const best = REASONS[Math.min(...picked)]!;
      const clause = whyNotVerified(result);
      expect(clause.startsWith(`${best[0]}: ${best[1]}`), clause).toBe(true);
      expect(clause.endsWith(rejected.length > 1 ? `(${rejected.length} signatures, none verifies)` : best[1])).toBe(true);
    }
  });
});

describe('mergedLayers', () => {
  /**
   * Property: the destination's layers stay first and in order, each source layer it lacks follows
   * once, nothing is lost; nothing to write when the destination holds them all. Nearest real-world
   * variant: production's approval countersignature, then a re-promotion of the release.
   */
  const pairs = testSeed(7);
  it(`keeps every destination layer first, appends the missing source layers once (1,000 generated pairs, seed ${pairs})`, () => {
    const random = mulberry32(pairs);
    const pool = Array.from({ length: 6 }, (_, i) => ({
      mediaType: 'm',
      digest: `sha256:${String(i).repeat(64)}`,
      size: 10,
      annotations: { s: `sig${i % 3}` },
    }));
    const pick = () => pool.filter(() => random() < 0.4);
    for (let n = 0; n < 1000; n++) {
      const theirs = pick();
      const ours = pick();
      const merged = mergedLayers(theirs, ours);
      const missing = ours.filter((o) => !theirs.includes(o));
      expect(merged).toEqual(missing.length ? [...theirs, ...missing] : undefined);
    }
  });

  it('treats the same payload signed by another key as another layer (its annotation differs)', () => {
    const layer = { mediaType: 'm', digest: `sha256:${'a'.repeat(64)}`, size: 10, annotations: { 'dev.cosignproject.cosign/signature': 'one' } };
    const other = { ...layer, annotations: { 'dev.cosignproject.cosign/signature': 'two' } };
    expect(mergedLayers([layer], [other])).toEqual([layer, other]);
    expect(mergedLayers([layer], [{ ...layer }])).toBeUndefined();
  });
});
