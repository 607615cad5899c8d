/**
 * docker/metadata-action's own semver rows (its __tests__/meta.test.ts at dc80280, every row with a
 * `type=semver` tag), run through Hoist's tag planning as a table. Each row gives the event's git
 * ref, the metadata-action inputs, Hoist's equivalent inputs, and the tags metadata-action makes
 * from semver and latest (raw, edge, match and pep440 tags are other rules). Where Hoist differs,
 * the row says so and why — a documented choice, not an accident.
 */
import { describe, expect, it } from 'vitest';
import { AUTO_TAGS, planTags, resolveVersion, VERSION_LEVELS, type TagOptions, type Variant, type VersionLevel } from './tags.js';

interface Row {
  name: string;
  ref: string;
  /** What metadata-action was given, for the reader. */
  given: string;
  hoist: { version?: string; pattern?: string; levels?: VersionLevel[]; variant?: Variant; latest?: 'auto' | 'never' };
  /** metadata-action's semver and latest tags. */
  expected: string[];
  /** Why Hoist's tags are not `expected`, when they are not. */
  differs?: { hoist: string[]; why: string };
}

const V = (suffix: string, prefix = ''): Variant => ({ prefix, suffix, prefixOnLatest: true, suffixOnLatest: true });
const ALL: VersionLevel[] = ['full', 'minor', 'major'];

const rows: Row[] = [
  {
    name: 'push14',
    ref: 'refs/heads/master',
    given: 'type=semver,pattern={{version}},value=v1.2.3',
    hoist: { version: 'v1.2.3', levels: ['full'] },
    expected: ['1.2.3', 'latest'],
  },
  {
    name: 'tag11',
    ref: 'refs/tags/v1.1.1',
    given: '{{version}}, {{major}}.{{minor}}, {{major}}',
    hoist: { levels: ALL },
    expected: ['1.1.1', '1.1', '1', 'latest'],
  },
  { name: 'tag12', ref: 'refs/tags/v1.1.1', given: '{{version}}, {{major}}.{{minor}}.{{patch}}', hoist: { levels: ['full'] }, expected: ['1.1.1', 'latest'] },
  {
    name: 'tag13',
    ref: 'refs/tags/v2.0.8-beta.67',
    given: '{{major}}.{{minor}}, {{major}} on a pre-release',
    hoist: { levels: ['minor', 'major'] },
    expected: ['2.0.8-beta.67'],
  },
  {
    name: 'tag14',
    ref: 'refs/tags/sometag',
    given: 'type=ref,event=tag + semver patterns, latest=false',
    hoist: { latest: 'never' },
    expected: ['sometag'],
    differs: {
      hoist: [],
      why: 'Hoist makes no tag of a git tag that is not a version (auto-tags without version warns and goes on; give the tag in tags to push it as it is); with version in auto-tags it is an input error, where metadata-action skips the semver rules silently',
    },
  },
  { name: 'tag15', ref: 'refs/tags/v2.0.8-beta.67', given: '{{version}} (+ raw and match rules)', hoist: { levels: ['full'] }, expected: ['2.0.8-beta.67'] },
  {
    name: 'tag21',
    ref: 'refs/tags/v1.1.1',
    given: '{{version}}, {{major}}.{{minor}}.{{patch}}; suffix=-dev,onlatest=true',
    hoist: { levels: ['full'], variant: V('-dev') },
    expected: ['1.1.1-dev', 'latest-dev'],
  },
  {
    name: 'tag22',
    ref: 'refs/tags/v1.1.1',
    given: '{{version}}, {{major}}.{{minor}}.{{patch}}; prefix=foo-,onlatest=true, suffix=-dev,onlatest=true',
    hoist: { levels: ['full'], variant: V('-dev', 'foo-') },
    expected: ['foo-1.1.1-dev', 'foo-latest-dev'],
  },
  {
    name: 'tag31',
    ref: 'refs/tags/v2.0.8-beta.67',
    given: '{{raw}}',
    hoist: { levels: ['full'] },
    expected: ['v2.0.8-beta.67'],
    differs: {
      hoist: ['2.0.8-beta.67'],
      why: "Hoist's version tags never carry the git tag's v: one spelling per version, which forward-only floating tags compare",
    },
  },
  {
    name: 'tag34',
    ref: 'refs/tags/p1/v1.0.0',
    given: '{{version}},match=v(\\d.\\d.\\d)$',
    hoist: { pattern: 'v(\\d.\\d.\\d)$', levels: ['full'] },
    expected: ['1.0.0', 'latest'],
  },
  {
    name: 'push35',
    ref: 'refs/heads/master',
    given: '{{version}},value=p1/v1.2.3,match=v(\\d.\\d.\\d)$',
    hoist: { version: '1.2.3', levels: ['full'] },
    expected: ['1.2.3', 'latest'],
  },
  {
    name: 'raw05',
    ref: 'refs/tags/v1.1.1',
    given: '{{version}}, {{major}}.{{minor}}, {{major}} (+ raw tags)',
    hoist: { levels: ALL },
    expected: ['1.1.1', '1.1', '1', 'latest'],
  },
];

/** Hoist's tags for a row: version from the input, else the git tag (through the pattern); only the version rule. */
function hoistTags(row: Row): string[] {
  const gitTag = row.ref.startsWith('refs/tags/') ? row.ref.slice('refs/tags/'.length) : undefined;
  let version: string | undefined;
  try {
    version = resolveVersion({ input: row.hoist.version ?? '', pattern: row.hoist.pattern ?? '', gitTag })?.version;
  } catch {
    return []; // not a version: no version tags
  }
  const o: TagOptions = {
    version,
    facts: { scheduled: false },
    auto: AUTO_TAGS.filter((a) => a === 'version'),
    levels: row.hoist.levels ?? VERSION_LEVELS,
    tagLatest: row.hoist.latest ?? 'auto',
    majorZero: false,
    channel: false,
    explicit: [],
    now: new Date(0),
    ...(row.hoist.variant ? { variant: row.hoist.variant } : {}),
  };
  return planTags(o).map((t) => t.tag);
}

describe("metadata-action's semver rows", () => {
  it.each(rows)('$name: $ref with $given', (row) => {
    expect(hoistTags(row)).toEqual(row.differs ? row.differs.hoist : row.expected);
  });
});
