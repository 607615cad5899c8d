// The plan of a family built as CI jobs, pure, with a fake of Hoist's own look-up seam (the registry
// look-up an entry's inputs digest makes): what needs building is what changed and everything under
// it, by depth, parents' level first; the GitLab child pipeline needs only the parents it builds and
// holds no secret.
// Nearest real-world variant: a golden-image family (OS → runtimes → frameworks → apps) where a
// security fix lands in one runtime on a Tuesday and only that runtime's subtree must rebuild.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { orderEntries, type HierarchyEntry } from '../inputs/hierarchy.js';
import { childPipeline, jobInputs, levels, planEntries, type LookUp } from './hierarchy.js';
import { seeded, testSeed } from '../../test/support/random.js';

const family = (pairs: Array<[string, string?]>): HierarchyEntry[] =>
  orderEntries(
    pairs.map(([name, from]) => ({ name, context: name, buildArgs: [], images: [`r.example/g/${name}`], ...(from ? { from } : {}) })),
    'family.yml',
  );

const golden = family([['app1', 'runtime'], ['os'], ['runtime', 'os'], ['app2', 'runtime'], ['tool', 'os']]);

/** A registry where `changed` entries hold no image of their inputs; every look-up recorded with its parent's digest. */
function fakeRegistry(changed: Set<string>) {
  const calls: Array<[string, string | undefined]> = [];
  const lookUp: LookUp = async (entry, parent) => {
    calls.push([entry.name, parent?.digest]);
    const repositories = [{ registry: 'r.example', host: 'r.example', path: `g/${entry.name}` }];
    return changed.has(entry.name) ? { repositories } : { repositories, existing: `sha256:${entry.name}-on-${parent?.digest ?? 'none'}` };
  };
  return { calls, lookUp };
}

describe('planEntries and levels', () => {
  it('nothing changed: nothing to build, every entry looked up on its parent’s found digest', async () => {
    const { calls, lookUp } = fakeRegistry(new Set());
    const plan = await planEntries(golden, lookUp);
    expect(levels(plan)).toEqual([]);
    expect(calls).toContainEqual(['runtime', 'sha256:os-on-none']);
    expect(calls).toContainEqual(['app2', 'sha256:runtime-on-sha256:os-on-none']);
  });

  it('a change in runtime plans runtime and its apps, not os nor its sibling tool; apps are not looked up', async () => {
    const { calls, lookUp } = fakeRegistry(new Set(['runtime']));
    const plan = await planEntries(golden, lookUp);
    expect(levels(plan)).toEqual([['runtime'], ['app1', 'app2']]);
    expect(calls.map(([n]) => n).sort()).toEqual(['os', 'runtime', 'tool']);
    expect(plan.find((p) => p.name === 'tool')).toMatchObject({ status: 'unchanged', digest: 'sha256:tool-on-sha256:os-on-none' });
  });

  it('a change in the root plans the whole family, level by level in file order', async () => {
    const plan = await planEntries(golden, fakeRegistry(new Set(['os'])).lookUp);
    expect(levels(plan)).toEqual([['os'], ['runtime', 'tool'], ['app1', 'app2']]);
  });

  const first = testSeed(1);
  it(`generated families: every planned entry comes after its planned parent, and exactly the changed subtrees are planned (seeds ${first} on)`, async () => {
    for (let seed = first; seed < first + 200; seed++) {
      const { int: rand } = seeded(seed);
      const size = 1 + rand(12);
      const pairs: Array<[string, string?]> = [];
      for (let i = 0; i < size; i++) pairs.push([`e${i}`, i && rand(4) ? `e${rand(i)}` : undefined]);
      const entries = family(pairs.sort(() => rand(3) - 1));
      const changed = new Set(entries.filter(() => rand(5) === 0).map((e) => e.name));
      const out = levels(await planEntries(entries, fakeRegistry(changed).lookUp));
      const levelOf = new Map(out.flatMap((l, i) => l.map((n) => [n, i] as const)));
      for (const e of entries) {
        const expected = changed.has(e.name) || e.ancestors.some((a) => changed.has(a));
        expect(levelOf.has(e.name), `seed ${seed}: ${e.name} planned`).toBe(expected);
        const parentFirst = !expected || !e.from || !levelOf.has(e.from) || levelOf.get(e.from)! < levelOf.get(e.name)!;
        expect(parentFirst, `seed ${seed}: ${e.name} after ${e.from}`).toBe(true);
      }
    }
  });
});

describe('childPipeline (GitLab)', () => {
  const options = {
    component: 'gitlab.example/hoist/hoist/build@1.2.0',
    file: 'images.yml',
    image: 'registry.gitlab.com/hoist/hoist:1.2.0',
    inputs: { insecure_registries: 'r.example', push: 'true', retries: '3', registry_auth: 'r.example=u:SECRET', hierarchy_plan: 'true', tags: '' },
  };

  it('one component include per entry to build, needs only on a parent it builds, secrets withheld', async () => {
    const plan = await planEntries(golden, fakeRegistry(new Set(['runtime'])).lookUp);
    const { text, withheld } = childPipeline(plan, options);
    const doc = JSON.parse(text) as Record<string, unknown> & { include: Array<{ component: string; inputs: Record<string, unknown> }> };
    expect(doc.include.map((i) => i.inputs.hierarchy_entry)).toEqual(['runtime', 'app1', 'app2']);
    expect(doc.include[0]).toEqual({
      component: options.component,
      inputs: { insecure_registries: 'r.example', push: true, retries: 3, job_name: 'hoist-runtime', hierarchy: 'images.yml', hierarchy_entry: 'runtime' },
    });
    expect(doc['hoist-runtime']).toEqual({ needs: [] });
    expect(doc['hoist-app2']).toEqual({ needs: ['hoist-runtime'] });
    expect(text).not.toContain('SECRET');
    expect(withheld).toEqual(['registry_auth']);
  });

  // The class: every value the child pipeline passes has the type the build component's spec gives
  // its input (GitLab refuses the pipeline otherwise: "`sign` input: provided value is not a string").
  // Every input at a value of its own type, as the plan job's INPUT_* variables hold them.
  it("every input passed typed as gitlab/templates/build.yml's spec types it", async () => {
    const spec = (
      parseAllDocuments(await readFile(new URL('../../gitlab/templates/build.yml', import.meta.url), 'utf8'))[0]!.toJS() as {
        spec: { inputs: Record<string, { type?: string; default?: unknown; options?: unknown[] }> };
      }
    ).spec.inputs;
    const inputs = Object.fromEntries(
      Object.entries(spec)
        .filter(([, s]) => s.type !== 'array')
        .map(([key, s]) => [key, String(s.options?.[0] ?? s.default ?? (s.type === 'number' ? 1 : 'x'))]),
    );
    const plan = await planEntries(golden, fakeRegistry(new Set(['runtime'])).lookUp);
    const passed = (JSON.parse(childPipeline(plan, { ...options, inputs }).text) as { include: Array<{ inputs: Record<string, unknown> }> }).include[0]!.inputs;
    const typeOf = (key: string) => spec[key]?.type ?? 'string';
    const wrong = Object.entries(passed).filter(([key, value]) => key in spec && typeof value !== typeOf(key));
    expect(wrong).toEqual([]);
    expect(Object.keys(passed)).toContain('sign');
  });

  // The plan job's INPUT_* variables are the component inputs its child jobs get (GitLab names them upper-cased).
  it('the plan job’s inputs: its INPUT_* variables, names lower-cased, nothing else', () => {
    expect(
      jobInputs({ INPUT_INSECURE_REGISTRIES: 'r.example', INPUT_HIERARCHY_PLAN: 'true', CI_JOB_TOKEN: 'x', HOME: '/root', INPUT_TAGS: undefined }),
    ).toEqual({
      insecure_registries: 'r.example',
      hierarchy_plan: 'true',
    });
  });

  it('an empty plan is still a valid pipeline: one job saying so', () => {
    const doc = JSON.parse(childPipeline([], options).text) as Record<string, { image: string }>;
    expect(Object.keys(doc)).toEqual(['hoist-hierarchy-unchanged']);
    expect(doc['hoist-hierarchy-unchanged']!.image).toBe(options.image);
  });
});
