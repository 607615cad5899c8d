// Retention: what prune may delete, and the kinds of tag it never deletes.
import { describe, expect, it } from 'vitest';
import { seeded, testSeeds } from '../../test/support/random.js';
import { globToRegExp, parseDuration, planPrune } from './prune.js';
import { artefactOf, type TagInfo } from './tags.js';

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
  const pruned = (o: Parameters<typeof planPrune>[1], list: readonly TagInfo[] = tags) =>
    planPrune(list, o)
      .filter((d) => d.prune)
      .map((d) => d.tag);

  it('keeps the newest N matching tags, and never one whose digest a release shares', () => {
    expect(pruned({ keep: 1, match: 'sha-*', now })).toEqual(['sha-a', 'sha-c']); // sha-b is 1.0.0's image
  });

  it('without --match, never latest or a version tag; a tag of unknown age is kept unless asked', () => {
    expect(pruned({ keep: 2, now })).toEqual(['sha-a']); // sha-b: 1.0.0's; sha-d: latest's; nightly: no created time
    expect(pruned({ keep: 2, now, pruneUnknownAge: true })).toEqual(['nightly', 'sha-a']);
  });

  it('a glob naming them is not enough for latest and releases: only unprotect, each kind by name', () => {
    expect(pruned({ keep: 0, match: '*', now })).toEqual(['sha-a', 'sha-c']);
    expect(pruned({ keep: 0, match: '*', now, unprotect: ['releases'] })).toEqual(['1.0.0', 'sha-a', 'sha-b', 'sha-c']);
    expect(pruned({ keep: 0, match: '*', now, unprotect: ['latest', 'releases'] })).toEqual(['1.0.0', 'latest', 'sha-a', 'sha-b', 'sha-c', 'sha-d']);
  });

  it('with --older-than, only what is older; unknown ages are kept', () => {
    expect(pruned({ keep: 0, match: 'sha-*', olderThanMs: 21.5 * 3_600_000, now })).toEqual(['sha-a']);
  });

  // Property: signatures, attestations, SBOMs and referrers are never pruned, whatever the glob,
  // the flags or their age. Real-world variant: cosign's sha256-<hex>.sig/.att/.sbom tags (no
  // created time, sorted last), the referrers API fallback tag, a Notary v2 signature or an
  // in-toto attestation pushed by tag with a subject.
  it('never prunes a member of the signature class, whatever the options', () => {
    const hex = 'ab'.repeat(32);
    const members: TagInfo[] = [
      tag(`sha256-${hex}.sig`, 's1'),
      tag(`sha256-${hex}.att`, 's2'),
      tag(`sha256-${hex}.sbom`, 's3'),
      tag(`sha256-${hex}`, 's4', 0),
      tag(`sha256-${hex}.custom-suffix`, 's5', 0),
      tag(`sha512-${'cd'.repeat(64)}.sig`, 's6'),
      { ...tag('sig-notation', 's7', 0), artefact: 'a referrer of sha256:1234' },
      { ...tag('attestation-v1', 's8', 0), artefact: 'a signature or attestation (application/vnd.dsse.envelope.v1+json)' },
    ];
    const options: Array<Parameters<typeof planPrune>[1]> = [
      { keep: 0, now },
      { keep: 0, match: '*', now, unprotect: ['latest', 'releases'], pruneUnknownAge: true },
      { keep: 0, match: 'sha*', now, pruneUnknownAge: true },
      { keep: 0, match: 's*', olderThanMs: 1, now, pruneUnknownAge: true },
    ];
    for (const o of options) {
      const decisions = planPrune([...tags, ...members], o);
      for (const m of members)
        expect(
          decisions.find((d) => d.tag === m.tag),
          `${m.tag} ${JSON.stringify(o)}`,
        ).toMatchObject({ prune: false, why: expect.stringMatching(/never pruned/) });
    }
    // The class does not swallow ordinary tags that merely start alike.
    expect(pruned({ keep: 0, match: 'sha*', now }, [...members, tag('sha-e', 'd9', 1)])).toEqual(['sha-e']);
  });
});

// Property: among images of one created time (or of none), the tags kept are the highest by the
// tags' own order — semver precedence between versions, digit runs as numbers otherwise — whatever
// order the registry lists them in. Real-world variants: a CI job tagging pr-8 … pr-11 of one
// commit in seconds, ko/bazel/nix images all made at 1970 (build-N, pruned only when asked), release
// candidates 2.2.0-rc.N, nightly dates 20261207, sha-<hex> commits.
describe('planPrune: the order of tags made at one time', () => {
  const pruned = (list: readonly TagInfo[], o: Parameters<typeof planPrune>[1]) =>
    planPrune(list, o)
      .filter((d) => d.prune)
      .map((d) => d.tag);
  const sameTime = (names: readonly string[], hour?: number) => names.map((n, i) => tag(n, `d${i}`, hour));
  const series = (make: (n: number) => string, numbers: readonly number[]) => numbers.map(make);

  it.each([
    ['pr-N, pushed within one second', series((n) => `pr-${n}`, [8, 9, 10, 11]), 'pr-*', 2, {}, ['pr-8', 'pr-9']],
    ['build-N of 1970 (reproducible builds)', series((n) => `build-${n}`, [8, 9, 10, 11]), 'build-*', 2, { pruneUnknownAge: true }, ['build-8', 'build-9']],
    [
      'release candidates',
      series((n) => `2.2.0-rc.${n}`, [1, 2, 3, 10]),
      '2.2.0-*',
      1,
      { unprotect: ['releases' as const] },
      ['2.2.0-rc.1', '2.2.0-rc.2', '2.2.0-rc.3'],
    ],
    [
      'a release after its candidates',
      ['2.2.0-rc.3', '2.2.0-rc.10', '2.2.0'],
      '2.2.0*',
      1,
      { unprotect: ['releases' as const] },
      ['2.2.0-rc.10', '2.2.0-rc.3'],
    ],
    ['nightly dates', ['20261130', '20261207', '20261201', '2026120'], '2026*', 2, { unprotect: ['releases' as const] }, ['2026120', '20261130']],
    ['v-prefixed versions', ['v1.9.0', 'v1.10.0', 'v1.10.1'], 'v1.*', 2, { unprotect: ['releases' as const] }, ['v1.9.0']],
  ])('%s: keeps the highest', (_what, names, match, keep, extra, expected) => {
    for (const hour of [5, undefined]) {
      const o = { keep, match, now, pruneUnknownAge: true, ...extra };
      expect({ hour, pruned: pruned(sameTime(names, hour), o) }).toEqual({ hour, pruned: [...expected].sort() });
    }
  });

  it.each(testSeeds([1, 2, 3, 4, 5, 6, 7, 8]))('generated sets, shuffled, keep the highest of each family (seed %i)', (seed) => {
    const r = seeded(seed);
    const families: Array<(n: number) => string> = [
      (n) => `pr-${n}`,
      (n) => `build-${n}`,
      (n) => `3.1.0-rc.${n}`,
      (n) => `nightly-${20260000 + n}`,
      (n) => `v${n}.0.${n % 7}`,
      (n) => `1.${n}.0`,
    ];
    for (let round = 0; round < 50; round++) {
      const make = r.pick(families);
      const numbers = [...new Set(Array.from({ length: r.int(2, 16) }, () => r.int(0, r.pick([10, 100, 100_000]))))];
      const keep = r.int(0, numbers.length + 1);
      const kept = [...numbers].sort((a, b) => b - a).slice(0, keep);
      const expected = numbers.filter((n) => !kept.includes(n)).map(make);
      const shuffled = [...numbers].sort(() => r.next() - 0.5).map(make);
      const o = { keep, now, pruneUnknownAge: true, unprotect: ['releases' as const] };
      const hour = r.pick([3, undefined]);
      expect({ round, pruned: pruned(sameTime(shuffled, hour), o) }).toEqual({ round, pruned: expected.sort() });
    }
  });

  it.each(testSeeds([11, 12, 13]))('any tags made at one time: the listing order does not change what goes (seed %i)', (seed) => {
    const r = seeded(seed);
    const alphabet = 'abcdef0123456789.-_';
    for (let round = 0; round < 50; round++) {
      const names = [
        ...new Set(
          Array.from({ length: r.int(2, 12) }, () =>
            r.pick([
              () => `sha-${r.chars('0123456789abcdef', 7)}`,
              () => r.chars(alphabet, r.int(1, 8)),
              () => `${r.int(0, 3)}.${r.int(0, 12)}.0${r.pick(['', '-rc.1', '-rc.10', '+b'])}`,
            ])(),
          ),
        ),
      ].filter((n) => /^\w/.test(n));
      const o = { keep: r.int(0, 4), now, pruneUnknownAge: true, unprotect: ['releases' as const, 'latest' as const] };
      const once = pruned(sameTime(names), o);
      const reversed = pruned(sameTime([...names].reverse()), o);
      const shuffled = pruned(sameTime([...names].sort(() => r.next() - 0.5)), o);
      expect({ round, names, reversed, shuffled }).toEqual({ round, names, reversed: once, shuffled: once });
    }
  });
});

describe('artefactOf: what a tagged manifest is', () => {
  const manifest = (m: object) => Buffer.from(JSON.stringify({ schemaVersion: 2, ...m }));
  it.each([
    [{ subject: { digest: 'sha256:1' }, config: { mediaType: 'application/vnd.oci.empty.v1+json' } }, /referrer of sha256:1/],
    [
      { config: { mediaType: 'application/vnd.oci.image.config.v1+json' }, layers: [{ mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json' }] },
      /signature/,
    ],
    [{ config: { mediaType: 'application/vnd.oci.image.config.v1+json' }, layers: [{ mediaType: 'application/vnd.dsse.envelope.v1+json' }] }, /attestation/],
    [{ artifactType: 'application/vnd.cncf.notary.signature', config: { mediaType: 'application/vnd.oci.empty.v1+json' } }, /signature/],
    [{ artifactType: 'application/spdx+json' }, /spdx/],
    [{ artifactType: 'application/vnd.example.thing' }, /artifact/],
  ])('%j', (m, what) => {
    expect(artefactOf(manifest(m))).toMatch(what);
  });
  it('an image is not an artefact', () => {
    expect(
      artefactOf(
        manifest({ config: { mediaType: 'application/vnd.oci.image.config.v1+json' }, layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' }] }),
      ),
    ).toBeUndefined();
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
