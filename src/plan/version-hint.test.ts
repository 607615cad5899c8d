// Property: a release version that is not semantic is refused with what is wrong and the version
// to write instead — not only "expected major.minor.patch". Nearest real variants: a calendar
// version `2024.12.06` (zero-padded month/day), `VERSION=2.1` from a file, a four-part .NET
// `1.2.3.4`, a tag name `release-2.1.0` passed as version, `2.1.0-rc.01`, `2.1.0-rc_1`.
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { planTags, resolveVersion } from './tags.js';
import { versionHint } from './version-hint.js';

describe('versionHint', () => {
  it.each([
    ['2024.12.06', 'a number has a leading zero', '2024.12.6'],
    ['2024.01.05', 'a number has a leading zero', '2024.1.5'],
    ['2.1', 'two numbers', '2.1.0'],
    ['3', 'one number', '3.0.0'],
    ['2.1-rc.1', 'two numbers', '2.1.0-rc.1'],
    ['1.2.3.4', '4 numbers', '1.2.3'],
    ['release-2.1.0', "'release-' comes before the version", '2.1.0'],
    ['v1.2.3', "'v' comes before the version", '1.2.3'],
    [' 2.1.0 beta', 'holds a space', '2.1.0beta'],
    ['2.1.0-rc.01', 'leading zero', '2.1.0-rc.1'],
    ['2.1.0-rc_1', "'_' cannot be in a pre-release", '2.1.0-rc.1'],
    ['2.1.0-rc..1', 'empty', '2.1.0-rc.1'],
    ['2024.12.06-rc.01', 'leading zero', '2024.12.6-rc.1'],
  ])('%s: %s, write %s', (given, why, fixed) => {
    const hint = versionHint(given) ?? '';
    expect({ why: hint.includes(why), fix: hint.endsWith(fixed), valid: semver.valid(fixed) === fixed || fixed.includes('beta') }).toEqual({
      why: true,
      fix: true,
      valid: true,
    });
  });

  // `version: $(git tag --points-at HEAD)` with two tags on the commit: two versions, not one with a space to remove
  // (a hunt's finding: "it holds a space: write 2.1.52.1.6").
  it.each(['2.1.5\n2.1.6', 'v2.1.5\nv2.1.6\n', '2.1.5 2.1.6-rc.1'])('%j: two versions, give one', (given) => {
    expect(versionHint(given)).toMatch(/^it holds 2 versions \(.+; two git tags on one commit\?\): give one$/);
  });

  it('a branch name (version: ${{ github.ref_name }} on a branch run): leave version empty', () => {
    expect(
      [versionHint('main'), versionHint('feature/login')].map((h) => h?.startsWith('it holds no version number (a branch name?): leave version empty')),
    ).toEqual([true, true]);
  });

  it('nothing specific for a number in no version shape', () => {
    expect([versionHint('build-42x'), versionHint('1..2')]).toEqual([undefined, undefined]);
  });
});

describe('the version input refused with its fix', () => {
  it.each([
    ['2024.12.06', "'2024.12.06' is not a semantic version: a number has a leading zero (a calendar version's month or day): write 2024.12.6"],
    ['v2.1', "'v2.1' is not a semantic version: it has two numbers; a release version has three (major.minor.patch): write 2.1.0"],
  ])('version %s', (input, said) => {
    expect(() => resolveVersion({ input, pattern: '', gitTag: undefined })).toThrow(said);
  });

  // The run's git tag, no version input: the fix is the version input or another tag, not "leave version empty".
  it.each([
    [
      'deploy-prod',
      "the git tag 'deploy-prod' (no version input was given) is not a semantic version: it holds no version number: give version, or set auto-tags: sha,branch",
    ],
    [
      'v1.2',
      "the git tag 'v1.2' (no version input was given) is not a semantic version: it has two numbers; a release version has three (major.minor.patch): give version 1.2.0 (or tag the release 1.2.0)",
    ],
  ])('git tag %s', (gitTag, said) => {
    expect(() => resolveVersion({ input: '', pattern: '', gitTag })).toThrow(said);
  });
});

// Property: two tags on one tags line (space-separated, as a shell variable holds a list) are named
// as such with the fix. Nearest real variant: `tags: $EXTRA_TAGS` with EXTRA_TAGS="edge nightly".
describe('tags: a space-separated list', () => {
  it('edge nightly: two tags on one line', () => {
    const plan = () => planTags({ version: undefined, facts: {}, auto: [], explicit: ['edge nightly'] } as unknown as Parameters<typeof planTags>[0]);
    expect(plan).toThrow("'edge nightly' holds 2 tags on one line: give one per line, or separate them with commas");
  });
});
