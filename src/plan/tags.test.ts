import fc from 'fast-check';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { AUTO_TAGS, decideTags, planTags, resolveVersion, sanitizeTag, VERSION_LEVELS, type TagOptions } from './tags.js';

describe('resolveVersion', () => {
  const none = { input: '', pattern: '', gitTag: undefined };
  it.each([
    [{ ...none, input: '2.1.106' }, '2.1.106', 'version'],
    [{ ...none, input: 'v2.1.106', gitTag: 'v9.9.9' }, '2.1.106', 'version'],
    [{ ...none, gitTag: 'v2.1.106' }, '2.1.106', 'git tag v2.1.106'],
    [{ ...none, gitTag: '2.2.0-rc.1' }, '2.2.0-rc.1', 'git tag 2.2.0-rc.1'],
    [{ ...none, gitTag: 'app-2.1.0', pattern: '^app-(.+)$' }, '2.1.0', 'git tag app-2.1.0'],
    [{ ...none, gitTag: 'app/v3.0.1', pattern: '^app/v?(?<version>\\d.*)$' }, '3.0.1', 'git tag app/v3.0.1'],
  ])('%j → %s', (src, version, source) => {
    expect(resolveVersion(src)).toEqual({ version, source });
  });

  it('has no version without an input or a git tag (a branch build)', () => {
    expect(resolveVersion(none)).toBeUndefined();
  });

  it.each(['2.x', '2.1', 'latest', '01.2.3'])('rejects version %j, naming the input', (input) => {
    expect(() => resolveVersion({ ...none, input })).toThrow(
      expect.objectContaining({ input: 'version', message: expect.stringMatching(/is not a semantic version/) }),
    );
  });

  it.each(['2.1.106+build.5', 'v1.1.1+build'])('rejects %j with the message for build metadata', (input) => {
    expect(() => resolveVersion({ ...none, input })).toThrow(
      expect.objectContaining({ input: 'version', message: `'${input}' has build metadata (+…), which a tag cannot hold: leave it out of the version` }),
    );
  });

  it('names the git tag when that is what failed', () => {
    expect(() => resolveVersion({ ...none, gitTag: 'release-two' })).toThrow(/the git tag 'release-two'/);
  });

  // Property: a git tag that is a version after a prefix (a monorepo component's) names the input
  // that reads it, version-pattern, with a pattern for that tag — it said only 'not a semantic version'.
  it.each([
    ['app/v1.2.3', '^app/v(.+)$'],
    ['release-2.1.106', '^release-(.+)$'],
    ['charts/my.app-0.3.0-rc.1', '^charts/my\\.app-(.+)$'],
  ])('the git tag %s names version-pattern and suggests %s', (gitTag, pattern) => {
    const message = `the git tag '${gitTag}' is a version after a prefix: set version-pattern to read it, e.g. ${pattern}`;
    expect(() => resolveVersion({ ...none, gitTag })).toThrow(expect.objectContaining({ input: 'version-pattern', message }));
    expect(resolveVersion({ ...none, gitTag, pattern })?.version).toBe(gitTag.replace(/^.*?(\d+\.\d+\.\d+.*)$/, '$1'));
  });

  it.each([
    [{ pattern: '^app-(.+)$', gitTag: 'lib-1.0.0' }, /'lib-1.0.0' does not match \^app-\(\.\+\)\$/],
    [{ pattern: '^app-.+$', gitTag: 'app-1.0.0' }, /needs a group around the version/],
    [{ pattern: '^app-(', gitTag: 'app-1.0.0' }, /not a regular expression/],
  ])('version-pattern %j is an error that says why', (o, message) => {
    expect(() => resolveVersion({ ...none, ...o })).toThrow(expect.objectContaining({ input: 'version-pattern', message: expect.stringMatching(message) }));
  });
});

const options = (o: Partial<TagOptions>): TagOptions => ({
  version: undefined,
  facts: { scheduled: false },
  auto: AUTO_TAGS,
  levels: VERSION_LEVELS,
  tagLatest: 'auto',
  majorZero: false,
  channel: false,
  explicit: [],
  now: new Date('2026-11-23T05:00:00Z'),
  ...o,
});
const tagsOf = (o: Partial<TagOptions>) => planTags(options(o)).map((t) => (t.floating ? `${t.tag}*` : t.tag));

describe('planTags', () => {
  it.each([
    ['2.1.106', {}, ['2.1.106', '2.1*', '2*', 'latest*']],
    ['2.1.106', { tagLatest: 'never' }, ['2.1.106', '2.1*', '2*']],
    ['2.1.106', { tagLatest: 'always' }, ['2.1.106', '2.1*', '2*', 'latest']],
    ['2.1.106', { levels: ['full', 'major'] }, ['2.1.106', '2*', 'latest*']],
    ['0.4.2', {}, ['0.4.2', '0.4*', 'latest*']],
    ['0.4.2', { majorZero: true }, ['0.4.2', '0.4*', '0*', 'latest*']],
    ['2.2.0-rc.1', {}, ['2.2.0-rc.1']],
    ['2.2.0-rc.1', { channel: true }, ['2.2.0-rc.1', 'rc*']],
    ['3.0.0-beta.2', { channel: true, tagLatest: 'always' }, ['3.0.0-beta.2', 'beta*', 'latest']],
    ['3.0.0-1', { channel: true }, ['3.0.0-1']],
    ['3.0.0-nightlyish.1', { channel: true }, ['3.0.0-nightlyish.1', 'nightlyish*']],
    ['3.0.0-latest.1', {}, ['3.0.0-latest.1']],
  ] as const)('%s with %j', (version, o, tags) => {
    expect(tagsOf({ version, auto: ['version'], ...o })).toEqual(tags);
  });

  it('tags other builds from the run: commit, branch, pull request, schedule', () => {
    expect(tagsOf({ facts: { sha: 'ABCDEF0123', branch: 'feature/Login_Page', scheduled: false } })).toEqual(['sha-abcdef0', 'feature-login_page']);
    // A pull request is tagged pr-N, never with its head branch (metadata-action's pr rows: no branch tag there).
    expect(tagsOf({ facts: { sha: 'abcdef0123', branch: 'fix', pullRequest: 42, scheduled: false } })).toEqual(['sha-abcdef0', 'pr-42']);
    // DOCKER_METADATA_SHORT_SHA_LENGTH, and a variant's prefix that pr-N does not take (its suffix it does).
    expect(tagsOf({ shaLength: 12, facts: { sha: 'abcdef0123456789', scheduled: false } })).toEqual(['sha-abcdef012345']);
    expect(
      tagsOf({ variant: { prefix: 'app-', suffix: '-slim', prefixOnLatest: false, suffixOnLatest: false }, facts: { pullRequest: 7, scheduled: false } }),
    ).toEqual(['pr-7-slim']);
    expect(tagsOf({ facts: { branch: 'main', scheduled: true } })).toEqual(['main', 'nightly', 'nightly-20261123']);
    expect(tagsOf({ facts: { branch: 'main', sha: 'abcdef0', scheduled: false }, auto: ['version'] })).toEqual([]);
  });

  it('gives a release its version tags and its commit, but no branch tag', () => {
    expect(tagsOf({ version: '1.0.0', facts: { tag: 'v1.0.0', sha: 'abcdef0', scheduled: false } })).toEqual(['1.0.0', '1.0*', '1*', 'latest*', 'sha-abcdef0']);
  });

  it('takes explicit tags bare or as full references (what docker/metadata-action outputs)', () => {
    const planned = planTags(options({ explicit: ['edge', 'ghcr.io/acme/app:pr-7', '127.0.0.1:5000/app:dev'] }));
    expect(planned.map((p) => [p.tag, p.repository])).toEqual([
      ['edge', undefined],
      ['pr-7', 'ghcr.io/acme/app'],
      ['dev', '127.0.0.1:5000/app'],
    ]);
  });

  it.each([
    [{ explicit: ['no spaces'] }, 'tags', /'no spaces' holds 2 tags on one line: give one per line, or separate them with commas/],
    [{ explicit: ['127.0.0.1:5000/app'] }, 'tags', /names no tag/],
    [{ explicit: ['-dash'] }, 'tags', /not starting with/],
    // A channel that is another rule's tag (a hunt's finding: 2.3.0-latest moved `latest` onto a pre-release, and
    // 2.4.0-sha-1234567 wrote a commit's tag). Next to them, the channels that stay: rc, beta, nightlyish.
    [{ version: '2.3.0-latest', auto: ['version' as const], channel: true }, 'version', /channel 'latest' is a tag Hoist gives otherwise.*2\.3\.0-rc\.1/],
    [{ version: '2.4.0-sha-1234567', auto: ['version' as const], channel: true }, 'version', /channel 'sha-1234567'/],
    [{ version: '2.4.0-pr-12', auto: ['version' as const], channel: true }, 'version', /channel 'pr-12'/],
    [{ version: '2.4.0-Nightly.3', auto: ['version' as const], channel: true }, 'version', /channel 'nightly'/],
  ])('rejects %j naming the rule', (o, input, message) => {
    expect(() => planTags(options(o))).toThrow(expect.objectContaining({ input, message: expect.stringMatching(message) }));
  });

  it.each([
    ['Feature/ABC', 'feature-abc'],
    ['dependabot/npm_and_yarn/lodash-4.17.21', 'dependabot-npm_and_yarn-lodash-4.17.21'],
    ['.hidden--', 'hidden'],
    ['///', undefined],
    ['a'.repeat(200), 'a'.repeat(128)],
  ])('sanitises branch %j → %j', (branch, tag) => {
    expect(sanitizeTag(branch)).toBe(tag);
  });

  // Property: every branch build gets a valid tag, whatever the variant adds; a tag a variant makes
  // too long names the variant's input. Nearest real-world variant: a Renovate branch of 130
  // characters in a monorepo built with tag-suffix -alpine — the build failed naming `version`.
  it('cuts a long branch tag to leave room for the variant; a pre-release made too long by the suffix names tag-suffix', () => {
    const branch = `renovate/${'a'.repeat(125)}`;
    const variant = { prefix: 'v-', suffix: '-alpine', prefixOnLatest: false, suffixOnLatest: false };
    const [tag] = tagsOf({ facts: { branch, scheduled: false }, variant });
    expect(tag).toBe(`v-renovate-${'a'.repeat(128 - 'v-renovate-'.length - '-alpine'.length)}-alpine`);
    expect(tag!.length).toBe(128);
    const long = `1.0.0-${'b'.repeat(118)}`; // 124 characters: a valid tag alone
    expect(() => planTags(options({ version: long, auto: ['version'], variant }))).toThrow(
      expect.objectContaining({ input: 'tag-suffix', message: expect.stringContaining(`from '${long}' with the variant's prefix and suffix`) }),
    );
  });
});

describe('decideTags', () => {
  const decide = (version: string, existing: string[], mode: 'forward' | 'always' = 'forward') =>
    decideTags(planTags(options({ version, auto: ['version'], channel: true })), version, existing, mode);
  const pushed = (version: string, existing: string[]) =>
    decide(version, existing)
      .filter((d) => d.push)
      .map((d) => d.tag);

  it('moves everything on a first release', () => {
    expect(pushed('1.0.0', [])).toEqual(['1.0.0', '1.0', '1', 'latest']);
  });

  it('leaves 2 and latest alone for a backport 1.9.5 after 2.0.0', () => {
    const d = decide('1.9.5', ['1.9.4', '1.9', '1', '2.0.0', '2.0', '2', 'latest']);
    expect(d.filter((x) => x.push).map((x) => x.tag)).toEqual(['1.9.5', '1.9', '1']);
    expect(d.find((x) => x.tag === 'latest')).toMatchObject({ push: false, reason: '2.0.0 is there, higher than 1.9.5: latest stays on it' });
  });

  it('leaves 2.1 alone for an older 2.1.x, but moves it again on a re-run of the highest', () => {
    expect(pushed('2.1.3', ['2.1.7', 'v2.1.5'])).toEqual(['2.1.3']);
    expect(pushed('2.1.7', ['2.1.7', '2.1', '2', 'latest'])).toEqual(['2.1.7', '2.1', '2', 'latest']);
  });

  it('ignores pre-releases and other tags when deciding numbered ones, and moves channels forward', () => {
    expect(pushed('2.0.0', ['2.1.0-rc.1', 'sha-abcdef0', 'main', '3'])).toEqual(['2.0.0', '2.0', '2', 'latest']);
    expect(pushed('2.1.0-rc.2', ['2.1.0-rc.3'])).toEqual(['2.1.0-rc.2']);
    expect(pushed('2.1.0-rc.4', ['2.1.0-rc.3', '2.1.0-beta.9'])).toEqual(['2.1.0-rc.4', 'rc']);
  });

  it('moves every floating tag when asked to (floating-tags: always)', () => {
    expect(decide('1.9.5', ['2.0.0'], 'always').every((d) => d.push)).toBe(true);
  });

  // Any releases (stable and pre-release, 0.x included), pushed in any order, some twice: every
  // floating tag ends on the highest version of its line present, as if pushed in order.
  it('keeps floating tags on the highest version present, whatever the order of pushes', () => {
    const version = fc
      .tuple(fc.nat(3), fc.nat(3), fc.nat(3), fc.option(fc.tuple(fc.constantFrom('rc', 'beta'), fc.nat(3)), { nil: undefined }))
      .map(([a, b, c, pre]) => `${a}.${b}.${c}${pre ? `-${pre[0]}.${pre[1]}` : ''}`);
    fc.assert(
      fc.property(fc.array(version, { minLength: 1, maxLength: 25 }), fc.boolean(), (releases, majorZero) => {
        const registry = new Map<string, string>();
        for (const v of releases) {
          const planned = planTags(options({ version: v, auto: ['version'], channel: true, majorZero }));
          for (const d of decideTags(planned, v, [...registry.keys()], 'forward')) if (d.push) registry.set(d.tag, v);
        }
        const present = [...new Set(releases)];
        const stable = present.filter((v) => !semver.prerelease(v));
        const highest = (vs: string[]) => vs.sort(semver.rcompare)[0];
        const expected = new Map<string, string>(present.map((v) => [v, v]));
        if (stable.length) expected.set('latest', highest([...stable])!);
        for (const v of stable) {
          const [major, minor] = [semver.major(v), semver.minor(v)];
          expected.set(`${major}.${minor}`, highest(stable.filter((x) => semver.major(x) === major && semver.minor(x) === minor))!);
          if (major > 0 || majorZero) expected.set(`${major}`, highest(stable.filter((x) => semver.major(x) === major))!);
        }
        for (const channel of ['rc', 'beta']) {
          const pre = present.filter((v) => semver.prerelease(v)?.[0] === channel);
          if (pre.length) expected.set(channel, highest(pre)!);
        }
        expect(Object.fromEntries(registry)).toEqual(Object.fromEntries(expected));
      }),
      { numRuns: 300 },
    );
  });

  const alpine = { prefix: '', suffix: '-alpine', prefixOnLatest: false, suffixOnLatest: true };

  it('plans a variant: every made tag suffixed, latest only with onlatest, tags lines as given', () => {
    const tags = (variant: typeof alpine) =>
      planTags(options({ version: '2.1.0', auto: ['version', 'sha'], facts: { sha: 'abcdef0123', scheduled: false }, explicit: ['edge'], variant })).map(
        (t) => t.tag,
      );
    expect(tags(alpine)).toEqual(['2.1.0-alpine', '2.1-alpine', '2-alpine', 'latest-alpine', 'sha-abcdef0-alpine', 'edge']);
    expect(tags({ ...alpine, suffixOnLatest: false })).toContain('latest');
    expect(tags({ prefix: 'py3.12-', suffix: '', prefixOnLatest: false, suffixOnLatest: false })).toEqual([
      'py3.12-2.1.0',
      'py3.12-2.1',
      'py3.12-2',
      'latest',
      'py3.12-sha-abcdef0',
      'edge',
    ]);
  });

  // Two variants of one image in one repository, released in any order: each variant's floating
  // tags follow its own releases only (2-alpine never moves for a plain release, nor 2 for an alpine one).
  it('moves each variant’s floating tags along its own releases only', () => {
    const release = fc.tuple(fc.nat(2), fc.nat(2), fc.nat(2), fc.boolean()).map(([a, b, c, isAlpine]) => ({ v: `${a}.${b}.${c}`, isAlpine }));
    fc.assert(
      fc.property(fc.array(release, { minLength: 1, maxLength: 20 }), (releases) => {
        const registry = new Map<string, string>();
        for (const { v, isAlpine } of releases) {
          const variant = isAlpine ? alpine : undefined;
          const planned = planTags(options({ version: v, auto: ['version'], variant }));
          for (const d of decideTags(planned, v, [...registry.keys()], 'forward', variant)) if (d.push) registry.set(d.tag, v);
        }
        const highest = (vs: string[]) => [...vs].sort(semver.rcompare)[0]!;
        const expected = new Map<string, string>();
        for (const [suffix, own] of [
          ['', releases.filter((r) => !r.isAlpine).map((r) => r.v)],
          ['-alpine', releases.filter((r) => r.isAlpine).map((r) => r.v)],
        ] as const) {
          if (!own.length) continue;
          for (const v of own) {
            expected.set(`${v}${suffix}`, v);
            expected.set(
              `${semver.major(v)}.${semver.minor(v)}${suffix}`,
              highest(own.filter((x) => semver.major(x) === semver.major(v) && semver.minor(x) === semver.minor(v))),
            );
            if (semver.major(v) > 0) expected.set(`${semver.major(v)}${suffix}`, highest(own.filter((x) => semver.major(x) === semver.major(v))));
          }
          expected.set(`latest${suffix}`, highest(own));
        }
        expect(Object.fromEntries(registry)).toEqual(Object.fromEntries(expected));
      }),
      { numRuns: 300 },
    );
  });
});
