/**
 * metadata-action's semver rules under Hoist's forward-only rule, on generated release histories
 * (a seeded generator: versions released in any order, backports included, re-runs too). Property:
 * whatever the order, `{{major}}` ends on the highest release of its major, `{{major}}.{{minor}}`
 * on the highest of its minor, `latest` on the highest of all, and every `{{version}}` tag on its
 * own release. Nearest real workflow: metadata-action's README semver example on a repository that
 * maintains two release lines (a 1.x backport after 2.0).
 */
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { decideTags } from '../tags.js';
import { metaContext, planMetaTags } from './plan.js';
import { parseFlavor, parseTagRules } from '../../inputs/tag-rules.js';
import { seeded, testSeed } from '../../../test/support/random.js';

const rules = parseTagRules(['type=semver,pattern={{version}}', 'type=semver,pattern={{major}}.{{minor}}', 'type=semver,pattern={{major}}', 'type=sha']);
const flavor = parseFlavor([]);

/** One sequence for the 60 histories (replay the whole describe): a fixed seed, HOIST_TEST_SEED by hand. */
const SEED = testSeed(0xc0ffee);

describe(`generated release histories through the semver rules (seed ${SEED})`, () => {
  const { int: rand } = seeded(SEED);

  it.each(Array.from({ length: 60 }, (_, i) => i))('history %i', () => {
    const versions = Array.from({ length: 3 + rand(8) }, () => `${rand(3)}.${rand(3)}.${rand(4)}`).filter((v) => v !== '0.0.0');
    const registry = new Map<string, string>(); // tag → the release it holds
    for (const v of versions) {
      const facts = {
        git: { tag: `v${v}`, sha: `${v.replaceAll('.', '')}abcdef0123`, scheduled: false, ref: `refs/tags/v${v}`, event: 'push' },
        repository: {},
      };
      const { planned, meta } = planMetaTags(rules, flavor, metaContext(facts, new Date(0), 7));
      for (const d of decideTags(planned, meta.semver, [...registry.keys()], 'forward')) if (d.push) registry.set(d.tag, v);
    }
    const highest = (pred: (v: string) => boolean) => versions.filter(pred).sort(semver.rcompare)[0];
    for (const v of new Set(versions)) {
      const [major, minor] = v.split('.');
      expect(registry.get(v)).toBe(v);
      expect(registry.get(`${major}.${minor}`)).toBe(highest((x) => x.startsWith(`${major}.${minor}.`)));
      expect(registry.get(major!)).toBe(highest((x) => x.startsWith(`${major}.`))); // 0 too: the rule makes it
    }
    expect(registry.get('latest')).toBe(highest(() => true));
  });
});
