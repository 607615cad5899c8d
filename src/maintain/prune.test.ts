import { describe, expect, it } from 'vitest';
import { globToRegExp, parseDuration, planPrune } from './prune.js';
import type { TagInfo } from './tags.js';

const at = (h: number) => new Date(Date.UTC(2026, 10, 1, h)).toISOString();
const tag = (name: string, digest: string, hour?: number): TagInfo => ({
  tag: name,
  digest,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  ...(hour === undefined ? {} : { created: at(hour) }),
});
const now = new Date(Date.UTC(2026, 10, 2));

describe('planPrune', () => {
  const tags = [
    tag('sha-a', 'd1', 1),
    tag('sha-b', 'd2', 2),
    tag('sha-c', 'd3', 3),
    tag('sha-d', 'd4', 4),
    tag('1.0.0', 'd2', 2),
    tag('latest', 'd4', 4),
    tag('nightly', 'd5'),
  ];
  const pruned = (o: Parameters<typeof planPrune>[1]) =>
    planPrune(tags, o)
      .filter((d) => d.prune)
      .map((d) => d.tag);

  it('keeps the newest N matching tags, and never one whose digest a release shares', () => {
    expect(pruned({ keep: 1, match: 'sha-*', now })).toEqual(['sha-a', 'sha-c']); // sha-b is 1.0.0's image
  });

  it('without --match, never latest or a version tag; a tag of unknown age sorts oldest', () => {
    expect(pruned({ keep: 2, now })).toEqual(['nightly', 'sha-a']); // sha-b: 1.0.0's; sha-d: latest's
  });

  it('without --match, never a referrers tag (sha256-<hex>: the attestations of an image on a registry without the referrers API)', () => {
    const referrers = tag(`sha256-${'a'.repeat(64)}`, 'd9', 0);
    const decisions = planPrune([...tags, referrers], { keep: 0, now });
    expect(decisions.find((d) => d.tag === referrers.tag)).toMatchObject({ prune: false, why: expect.stringContaining('referrers tags are kept') });
    expect(decisions.filter((d) => d.prune).map((d) => d.tag)).toContain('sha-a');
  });

  it('with --older-than, only what is older; unknown ages are kept', () => {
    expect(pruned({ keep: 0, match: '*', olderThanMs: 21.5 * 3_600_000, now })).toEqual(['1.0.0', 'sha-a', 'sha-b']);
  });
});

describe('globs and durations', () => {
  it.each([
    ['sha-*', 'sha-0123', true],
    ['sha-*', 'v1.sha-1', false],
    ['pr-?', 'pr-7', true],
    ['1.*', '1.2.3', true],
    ['1.*', '10', false],
  ])('%s matches %s: %s', (glob, text, matches) => {
    expect(globToRegExp(glob).test(text)).toBe(matches);
  });

  it('reads 90m, 12h, 30d, 2w', () => {
    expect([parseDuration('90m'), parseDuration('12h'), parseDuration('30d'), parseDuration('2w'), parseDuration('3 days')]).toEqual([
      5_400_000,
      43_200_000,
      2_592_000_000,
      1_209_600_000,
      undefined,
    ]);
  });
});
