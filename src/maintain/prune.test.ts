// Retention: what prune may delete, and the kinds of tag it never deletes.
import { describe, expect, it } from 'vitest';
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
