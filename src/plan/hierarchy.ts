/**
 * The plan of a family built as CI jobs, pure: which entries need building — their inputs changed,
 * or a parent is being rebuilt, whose new digest is their input too — found over a look-up seam
 * (`pipeline/hierarchy-plan.ts` asks the registry), listed by depth, parents' level first (the
 * `levels` output, a matrix per level), and GitLab's child pipeline: the build component once per
 * entry to build, `needs:` on a parent it builds, the secret inputs never written.
 */
import type { Repository } from '../core/reference.js';
import type { HierarchyEntry } from '../inputs/hierarchy.js';
import { GITLAB_SECRET_KEYS } from '../secrets/inputs.js';

/** What became of an entry in a run: built, found unchanged, failed, or skipped under a failed parent. */
export interface EntryResult {
  name: string;
  status: 'built' | 'unchanged' | 'failed' | 'skipped';
  /** The image's digest (built or found), its repositories, and what went wrong. */
  digest?: string;
  repositories: Repository[];
  references?: string[];
  error?: string;
}

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

/** The plan job's component inputs from its environment: its `INPUT_*` variables, names lower-cased. */
export function jobInputs(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).flatMap(([k, v]) => (k.startsWith('INPUT_') && v !== undefined ? [[k.slice('INPUT_'.length).toLowerCase(), v]] : [])),
  );
}
