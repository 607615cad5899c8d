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
  for (const d of decided) if (d.push) registry.set(d.tag, `${version}${variant?.suffix ?? ''}`);
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
