/**
 * One entry of a planned family built in a job of its own (`hierarchy-entry`). Its parent's digest
 * is not handed over between jobs: each ancestor, root first, is found in the registry as the plan
 * and the whole-family build find an unchanged entry — under its planned tags, the image whose
 * `dev.hoist.inputs.digest` is the ancestor's inputs digest in this run (which includes its own
 * parent's digest). An ancestor whose job failed or has not run has no such image: the job refuses,
 * naming it and what was looked for. The entry is then built as a whole-family build builds it.
 */
import { ConfigError } from '../core/errors.js';
import { formatRepository } from '../core/reference.js';
import type { Effects } from '../effects/effects.js';
import type { HierarchyEntry } from '../inputs/hierarchy.js';
import { entryReport } from '../report/hierarchy.js';
import { publish } from '../report/publish.js';
import { newCatalog } from '../secrets/hide.js';
import { checkoutFacts } from './facts.js';
import { buildEntry, INPUTS_LABEL, resolveEntry, type EntryResult, type ResolvedEntry, type RunBuild } from './hierarchy-entry.js';

/** The refusal when an ancestor has no image of its current inputs: names it and what was looked for. */
export function missingAncestor(entry: string, ancestor: ResolvedEntry): ConfigError {
  const name = ancestor.entry.name;
  const where = ancestor.probe.release.images.map((i) => `${formatRepository(i.repository)}:{${i.tags.map((t) => t.tag).join(',')}}`).join(', ');
  const what = ancestor.digest
    ? `an image labelled ${INPUTS_LABEL}=${ancestor.digest} under ${where}, found none`
    : `its inputs digest, but its context is too large to hash (${where})`;
  return new ConfigError([
    {
      input: 'hierarchy-entry',
      message: `${entry} is built on ${name}, which has no image from its inputs in this run: looked for ${what} — ${name}'s job failed or has not run yet; run it (or re-run it) first`,
    },
  ]);
}

/** Each ancestor of `entry`, root first, found in the registry; throws naming the first that is not. */
export async function findAncestors(
  entry: HierarchyEntry,
  byName: ReadonlyMap<string, HierarchyEntry>,
  resolve: (e: HierarchyEntry, parent: EntryResult | undefined) => Promise<ResolvedEntry>,
): Promise<EntryResult | undefined> {
  let parent: EntryResult | undefined;
  for (const name of [...entry.ancestors].reverse()) {
    const found = await resolve(byName.get(name)!, parent);
    if (!found.existing) throw missingAncestor(entry.name, found);
    parent = { name, status: 'unchanged', digest: found.existing, repositories: found.repositories };
  }
  return parent;
}

/** `hierarchy-entry: NAME`: that entry alone, on its parent's image of this run. */
export async function buildOneEntry(fx: Effects, file: string, entries: readonly HierarchyEntry[], name: string, runBuild: RunBuild): Promise<void> {
  const { platform } = fx;
  const byName = new Map(entries.map((e) => [e.name, e]));
  const entry = byName.get(name);
  if (!entry) throw new ConfigError([{ input: 'hierarchy-entry', message: `${file} has no entry '${name}' (entries: ${[...byName.keys()].join(', ')})` }]);
  const catalog = newCatalog(fx);
  const facts = checkoutFacts(fx);
  const parent = await findAncestors(entry, byName, (e, p) => resolveEntry(fx, e, p, catalog, facts));
  if (parent) platform.info(`${entry.name}: its parent ${parent.name} is ${parent.digest} (found by its inputs digest)`);
  await publish(fx, entryReport(file, await buildEntry(fx, entry, parent, catalog, facts, runBuild), parent));
}
