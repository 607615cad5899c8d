/**
 * The plan of a family built as CI jobs (`hierarchy-plan`), its effects: nothing is built; each
 * entry is looked up as a whole-family build would (its inputs digest against what its tags hold)
 * for `plan/hierarchy.ts#planEntries`, whose levels are the `levels` output. On GitLab the plan is
 * also a child pipeline, written into the workspace for `trigger: include: artifact:`.
 */
import { join } from 'node:path';
import { ConfigError } from '../core/errors.js';
import type { Effects } from '../effects/effects.js';
import type { HierarchyEntry } from '../inputs/hierarchy.js';
import { CHILD_PIPELINE, childPipeline, jobInputs, levels, planEntries } from '../plan/hierarchy.js';
import { planReport } from '../report/hierarchy.js';
import { publish } from '../report/publish.js';
import { newCatalog } from '../secrets/hide.js';
import { checkoutFacts } from './facts.js';
import { resolveEntry } from './hierarchy-entry.js';

/** `hierarchy-plan: true`: the `levels` output, the summary, and on GitLab the child pipeline. */
export async function planHierarchy(fx: Effects, file: string, entries: readonly HierarchyEntry[]): Promise<void> {
  const { platform } = fx;
  const catalog = newCatalog(fx);
  const facts = checkoutFacts(fx);
  const plan = await planEntries(entries, async (entry, parent) => {
    const r = await resolveEntry(fx, entry, parent, catalog, facts);
    return { repositories: r.repositories, ...(r.existing ? { existing: r.existing } : {}) };
  });
  const out = levels(plan);
  for (const p of plan)
    platform.info(p.status === 'build' ? `${p.name}: to build (level ${out.findIndex((l) => l.includes(p.name)) + 1})` : `${p.name}: unchanged, ${p.digest}`);
  await publish(fx, planReport(file, plan, out));
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
    const child = childPipeline(plan, { component, file, inputs: jobInputs(env), image: env.CI_JOB_IMAGE ?? 'registry.gitlab.com/hoist/hoist:0' });
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
  platform.info(`plan: ${out.flat().length} of ${plan.length} to build in ${out.length} level(s)`);
}
