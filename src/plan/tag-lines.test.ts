// A tag a variant shares with the plain image (`latest` without onlatest, metadata-action's default
// for flavor suffix=-alpine) follows every release that writes it, ordered by version and then
// plain before variant. Nearest real-world variant: one release tag building `app:2.1.0` and
// `app:2.1.0-alpine` in a matrix, both jobs pushing `latest`.
import fc from 'fast-check';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { releaseTags } from '../../test/support/releases.js';
import { decideTags, lineLeader, type Variant } from './tags.js';

const alpine: Variant = { prefix: '', suffix: '-alpine', prefixOnLatest: false, suffixOnLatest: false };
const slim: Variant = { prefix: '', suffix: '-slim', prefixOnLatest: false, suffixOnLatest: false };

/** One release's tags pushed the way the early decision allows, into a map of tag → `version variant`. */
function release(registry: Map<string, string>, version: string, variant?: Variant) {
  const planned = releaseTags(version, variant);
  const decided = decideTags(planned, version, [...registry.keys()], 'forward', variant);
  for (const d of decided) if (d.push) registry.set(d.tag, `${variant?.prefix ?? ''}${version}${variant?.suffix ?? ''}`);
  return decided;
}

describe('shared latest: ordered by version, then plain before variant', () => {
  // Property: whatever order plain and alpine releases land in, `latest` ends on the highest
  // version, on the plain image when both were released at it; 2-alpine/2.1-alpine and 2/2.1 keep
  // following their own releases.
  it('ends latest on the highest version, plain over alpine at the same version, in any order', () => {
    const one = fc.tuple(fc.nat(2), fc.nat(2), fc.nat(2), fc.boolean()).map(([a, b, c, isAlpine]) => ({ v: `${a + 1}.${b}.${c}`, isAlpine }));
    fc.assert(
      fc.property(fc.array(one, { minLength: 1, maxLength: 16 }), (releases) => {
        const registry = new Map<string, string>();
        for (const r of releases) release(registry, r.v, r.isAlpine ? alpine : undefined);
        const top = [...releases].sort((a, b) => semver.compare(b.v, a.v) || Number(a.isAlpine) - Number(b.isAlpine))[0]!;
        expect(registry.get('latest')).toBe(`${top.v}${top.isAlpine ? '-alpine' : ''}`);
        const alpines = releases.filter((r) => r.isAlpine).map((r) => r.v);
        expect(registry.get('latest-alpine')).toBeUndefined();
        const top2 = alpines.filter((v) => v.startsWith('2.')).sort(semver.rcompare)[0];
        expect(registry.get('2-alpine')).toBe(top2 && `${top2}-alpine`);
      }),
      { numRuns: 300 },
    );
  });

  it('an alpine 2.1.0 moves latest from plain 2.0.0, never from plain 2.1.0, and says why', () => {
    const registry = new Map<string, string>();
    release(registry, '2.0.0');
    release(registry, '2.1.0', alpine);
    expect(registry.get('latest')).toBe('2.1.0-alpine');
    release(registry, '2.1.0');
    expect(registry.get('latest')).toBe('2.1.0');
    const again = release(registry, '2.1.0', alpine).find((d) => d.tag === 'latest')!;
    expect(again).toMatchObject({ push: false, reason: expect.stringContaining("2.1.0 is there, the plain image's release of 2.1.0") });
    expect(registry.get('latest')).toBe('2.1.0');
  });

  // A plain run reads another variant's release from its minor/major tags; a pre-release has none.
  it('a plain 2.0.0 leaves latest on slim 2.1.0, but not on a pre-release 2.1.0-beta nor on a variant with its own latest', () => {
    const registry = new Map<string, string>();
    release(registry, '2.1.0', slim);
    const plain = release(registry, '2.0.0').find((d) => d.tag === 'latest')!;
    expect(plain).toMatchObject({ push: false, reason: expect.stringContaining('2.1.0-slim is there, higher than 2.0.0') });
    expect(registry.get('latest')).toBe('2.1.0-slim');
    expect(lineLeader('latest', '2.0.0', ['2.0.0', '2.1.0-beta', '2.1.0-rc.1'])).toMatchObject({ tag: '2.0.0', order: 0 });
    expect(lineLeader('latest', '2.0.0', ['2.0.0', '2.1.0-alpine', '2.1-alpine', 'latest-alpine'])).toMatchObject({ tag: '2.0.0', order: 0 });
    expect(lineLeader('latest', '2.0.0', ['2.0.0', 'py3.12-2.1.0', 'py3.12-2'])).toMatchObject({ tag: 'py3.12-2.1.0', order: 1 });
    expect(lineLeader('latest', '2.1.0', ['2.1.0-alpine', '2.1.0', 'v2.1.0'], alpine)).toMatchObject({ tag: '2.1.0', order: 1 });
    // A variant's own lines stay its own: 2.1-alpine is never held by a plain 2.2.0.
    expect(lineLeader('minor', '2.1.0', ['2.1.0-alpine', '2.1.5'], alpine)).toMatchObject({ tag: '2.1.0-alpine', order: 0 });
  });
});

// A `v` variant (`tag-prefix: v`, metadata-action's flavor prefix=v) writes v2.5.0, v2.5, v2 — and `latest`, shared with
// the plain image, without onlatest. Its v2.5.0 was read as the plain image's 2.5.0 (a `v` git tag pushed by another
// tool): the plain `2` and `latest` stayed on 2.0.0 for good, and the variant's own run refused itself `latest`. Nearest
// real-world variant: a plain image next to a `v`-prefixed one, both from one tag in a matrix; and a repository whose
// older releases were pushed as `v1.9.0` alone (no `v1.9`), which stay the plain image's.
describe("a `v` variant's releases are its own", () => {
  const vee: Variant = { prefix: 'v', suffix: '', prefixOnLatest: false, suffixOnLatest: false };

  it('ends 2, v2 and latest each on the highest release that writes it, in any order', () => {
    const one = fc.tuple(fc.nat(2), fc.nat(2), fc.nat(2), fc.boolean()).map(([a, b, c, isV]) => ({ v: `${a + 1}.${b}.${c}`, isV }));
    fc.assert(
      fc.property(fc.array(one, { minLength: 1, maxLength: 16 }), (releases) => {
        const registry = new Map<string, string>();
        for (const r of releases) release(registry, r.v, r.isV ? vee : undefined);
        const top = [...releases].sort((a, b) => semver.compare(b.v, a.v) || Number(a.isV) - Number(b.isV))[0]!;
        const highest = (isV: boolean, major: string) =>
          releases
            .filter((r) => r.isV === isV && r.v.startsWith(`${major}.`))
            .map((r) => r.v)
            .sort(semver.rcompare)[0];
        expect(registry.get('latest')).toBe(`${top.isV ? 'v' : ''}${top.v}`);
        expect(registry.get('2')).toBe(highest(false, '2'));
        expect(registry.get('v2')).toBe(highest(true, '2') && `v${highest(true, '2')}`);
      }),
      { numRuns: 300 },
    );
  });

  it("the hunt's order: plain 2.0.0, v 2.5.0, plain 2.1.0 — 2 moves to 2.1.0, latest to v2.5.0 and then to a plain 2.5.0", () => {
    const registry = new Map<string, string>();
    release(registry, '2.0.0');
    const v25 = release(registry, '2.5.0', vee);
    expect(v25.find((d) => d.tag === 'latest')).toMatchObject({ push: true });
    release(registry, '2.1.0');
    expect(Object.fromEntries(['2', '2.1', 'v2', 'v2.5', 'latest'].map((t) => [t, registry.get(t)]))).toEqual({
      '2': '2.1.0',
      '2.1': '2.1.0',
      v2: 'v2.5.0',
      'v2.5': 'v2.5.0',
      latest: 'v2.5.0',
    });
    release(registry, '2.5.0');
    expect(registry.get('latest')).toBe('2.5.0');
  });

  it("a lone v1.9.0 (no v1.9 nor v1) is still the plain image's release: a plain 1.8.0 leaves 1 and latest on it", () => {
    const decided = decideTags(releaseTags('1.8.0'), '1.8.0', ['v1.9.0', '1', 'latest'], 'forward');
    expect(decided.filter((d) => d.tag === '1' || d.tag === 'latest').map((d) => [d.tag, d.push])).toEqual([
      ['1', false],
      ['latest', false],
    ]);
  });
});
