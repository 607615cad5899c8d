/**
 * The plan of a family built as CI jobs (`hierarchy-plan`): nothing is built; each entry is looked
 * up as a whole-family build would (its inputs digest against what its tags hold), and what needs
 * building — its inputs changed, or a parent is being rebuilt, whose new digest is its input too —
 * is listed by depth, parents' level first: the `levels` output, a matrix per level. On GitLab the
 * plan is also a child pipeline, one job per entry needing its parent's job.
 */
import { join } from 'node:path';
import { ConfigError } from '../core/errors.js';
import type { Repository } from '../core/reference.js';
import type { Effects } from '../effects/effects.js';
import type { HierarchyEntry } from '../inputs/hierarchy.js';
import { newCatalog } from '../secrets/hide.js';
import { GITLAB_SECRET_KEYS } from '../secrets/inputs.js';
import { checkoutFacts } from './build.js';
import { resolveEntry, type EntryResult } from './hierarchy-entry.js';

/** The file the GitLab plan writes, for `trigger: include: artifact:`. */
export const CHILD_PIPELINE = 'hoist-hierarchy-pipeline.yml';

export interface PlannedEntry {
  name: string;
  from?: string;
  depth: number;
  /** `build`: its job must run; `unchanged`: its tags hold an image of its inputs (the digest). */
  status: 'build' | 'unchanged';
  digest?: string;
}

/** What the plan asks of an entry whose parent is not being rebuilt: the image its tags hold from its inputs now, if any. */
export type LookUp = (entry: HierarchyEntry, parent: EntryResult | undefined) => Promise<{ repositories: Repository[]; existing?: string }>;

/**
 * The plan, parents first (`entries` ordered as `orderEntries` does). An entry under a parent
 * being rebuilt is rebuilt without being looked up: its parent's digest, part of its inputs, is
 * not known yet.
 */
export async function planEntries(entries: readonly HierarchyEntry[], lookUp: LookUp): Promise<PlannedEntry[]> {
  const found = new Map<string, EntryResult | 'build'>();
  const plan: PlannedEntry[] = [];
  for (const e of entries) {
    const parent = e.from ? found.get(e.from) : undefined;
    const at = { name: e.name, ...(e.from ? { from: e.from } : {}), depth: e.ancestors.length };
    if (parent === 'build') {
      found.set(e.name, 'build');
      plan.push({ ...at, status: 'build' });
      continue;
    }
    const { repositories, existing } = await lookUp(e, parent);
    found.set(e.name, existing ? { name: e.name, status: 'unchanged', digest: existing, repositories } : 'build');
    plan.push(existing ? { ...at, status: 'unchanged', digest: existing } : { ...at, status: 'build' });
  }
  return plan;
}

/** The entries to build, one list per depth that has any, parents' first, file order within. */
export function levels(plan: readonly PlannedEntry[]): string[][] {
  const byDepth = new Map<number, string[]>();
  for (const p of plan) if (p.status === 'build') byDepth.set(p.depth, [...(byDepth.get(p.depth) ?? []), p.name]);
  return [...byDepth.entries()].sort(([a], [b]) => a - b).map(([, names]) => names);
}

const NUMBER_KEYS = new Set(['retries', 'concurrency']);
/** Choices whose values include true/false words but are strings in the component's spec (scripts/gitlab-template.mjs's OPTIONS). */
const CHOICE_KEYS = new Set(['sign']);

export interface ChildOptions {
  /** The build component, as the parent pipeline includes it (`$CI_SERVER_FQDN/group/hoist/build@1.2.0`). */
  component: string;
  /** The hierarchy file, relative to the project. */
  file: string;
  /** The plan job's component inputs (`INPUT_*` of its environment, names lower-cased). */
  inputs: Record<string, string>;
  /** The image the plan job ran in, for the one job of an empty plan. */
  image: string;
}

/**
 * The child pipeline (JSON, which is YAML): the build component included once per entry to build,
 * with the plan job's inputs but the secret ones, the entry named, and `needs:` on the parent's
 * job when the parent is built too (else none: it starts at once on the parent's image as it is).
 */
export function childPipeline(plan: readonly PlannedEntry[], o: ChildOptions): { text: string; withheld: string[] } {
  const toBuild = plan.filter((p) => p.status === 'build');
  const jobName = (name: string) => `hoist-${name}`;
  const shared: Record<string, string | boolean | number> = {};
  const withheld: string[] = [];
  for (const [key, value] of Object.entries(o.inputs).sort(([a], [b]) => a.localeCompare(b))) {
    if (!value || key === 'hierarchy_plan' || key === 'hierarchy_entry' || key === 'hierarchy' || key === 'command') continue;
    // A secret input (src/secrets/inputs.ts) is never written into a file the pipeline keeps.
    if (GITLAB_SECRET_KEYS.has(key)) {
      withheld.push(key);
      continue;
    }
    // Each value typed as the build component's spec types it (a boolean, a number, or a string — a choice such as sign: false stays a string).
    const flag = !CHOICE_KEYS.has(key) && (value === 'true' || value === 'false');
    shared[key] = flag ? value === 'true' : NUMBER_KEYS.has(key) && /^\d+$/.test(value) ? Number(value) : value;
  }
  if (!toBuild.length) {
    const note = { image: o.image, script: ['echo "hoist: every image of the family is up to date: nothing to build"'] };
    return { text: `${JSON.stringify({ 'hoist-hierarchy-unchanged': note }, null, 2)}\n`, withheld };
  }
  const building = new Set(toBuild.map((p) => p.name));
  const doc: Record<string, unknown> = {
    include: toBuild.map((p) => ({
      component: o.component,
      inputs: { ...shared, job_name: jobName(p.name), hierarchy: o.file, hierarchy_entry: p.name },
    })),
  };
  for (const p of toBuild) doc[jobName(p.name)] = { needs: p.from && building.has(p.from) ? [jobName(p.from)] : [] };
  return { text: `${JSON.stringify(doc, null, 2)}\n`, withheld };
}

/** `hierarchy-plan: true`: the `levels` output, the summary, and on GitLab the child pipeline. */
export async function planHierarchy(fx: Effects, file: string, entries: readonly HierarchyEntry[]): Promise<void> {
  const { platform } = fx;
  const catalog = newCatalog(fx);
  const facts = await checkoutFacts(fx);
  const plan = await planEntries(entries, async (entry, parent) => {
    const r = await resolveEntry(fx, entry, parent, catalog, facts);
    return { repositories: r.repositories, ...(r.existing ? { existing: r.existing } : {}) };
  });
  const out = levels(plan);
  for (const p of plan)
    platform.info(p.status === 'build' ? `${p.name}: to build (level ${out.findIndex((l) => l.includes(p.name)) + 1})` : `${p.name}: unchanged, ${p.digest}`);
  platform.setOutput('levels', JSON.stringify(out));
  platform.setOutput('hierarchy', JSON.stringify(plan));
  if (platform.name === 'gitlab') {
    const env = platform.context.env;
    const component = env.HOIST_COMPONENT?.trim();
    if (!component)
      throw new ConfigError([
        {
          input: 'hierarchy-plan',
          message: `the child pipeline includes the build component: set the job's variable HOIST_COMPONENT to the component as this pipeline includes it ($CI_SERVER_FQDN/<group>/<project>/build@<version>)`,
        },
      ]);
    const inputs = Object.fromEntries(
      Object.entries(env).flatMap(([k, v]) => (k.startsWith('INPUT_') && v !== undefined ? [[k.slice('INPUT_'.length).toLowerCase(), v]] : [])),
    );
    const child = childPipeline(plan, { component, file, inputs, image: env.CI_JOB_IMAGE ?? 'registry.gitlab.com/hoist/hoist:0' });
    // An artifact outlives the job and anyone who can read the pipeline reads it: no secret the run holds goes in.
    if (fx.redactor.redact(child.text) !== child.text)
      throw new ConfigError([
        { input: 'hierarchy-plan', message: `an input of the plan job holds a secret value: ${CHILD_PIPELINE} would carry it; move it into a secret input` },
      ]);
    await fx.files.writeText(join(platform.context.workspace, CHILD_PIPELINE), child.text);
    platform.info(`wrote ${CHILD_PIPELINE}: ${out.flat().length} job(s)`);
    if (child.withheld.length)
      platform.warning(
        `${child.withheld.join(', ')} carr${child.withheld.length === 1 ? 'ies' : 'y'} secrets: not written into ${CHILD_PIPELINE}; give the child jobs their registry logins through CI/CD variables (the job token logs in to the project's registry)`,
      );
  }
  const lines = plan.map((p) => `${'  '.repeat(p.depth)}- **${p.name}** ${p.status === 'build' ? '🔨 to build' : '✅ unchanged'}`);
  await platform.summary([`### Hoist hierarchy plan: ${file}`, '', ...lines, '', `levels: \`${JSON.stringify(out)}\``, ''].join('\n'));
  platform.info(`plan: ${out.flat().length} of ${plan.length} to build in ${out.length} level(s)`);
}
