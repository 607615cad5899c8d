/**
 * A family of images from one step (`hierarchy`): each entry of the file built as a build of its
 * own, parents first, every child on the digest just pushed for its parent — its Dockerfile's
 * `FROM` of the parent's repository pinned to that digest, whatever tag it names — so no child
 * picks up a stale or racing parent. An entry whose inputs (context, Dockerfile, build arguments,
 * target, platforms, parent digest) are those its tags' image recorded is not built again; a
 * failure skips that entry's descendants, not its siblings. The summary shows the tree.
 */
import { ConfigError } from '../core/errors.js';
import type { Effects } from '../effects/effects.js';
import { readHierarchy } from '../inputs/hierarchy.js';
import { familyReport } from '../report/hierarchy.js';
import { publish } from '../report/publish.js';
import { newCatalog } from '../secrets/hide.js';
import { checkoutFacts } from './facts.js';
import { buildEntry, type EntryResult, type RunBuild } from './hierarchy-entry.js';

export { INPUTS_LABEL, inputsDigest, pinFrom, type EntryResult } from './hierarchy-entry.js';

/** The family of `file`; `runBuild` is the build pipeline's one build (it loads this module, which never imports it back). */
export async function buildHierarchy(fx: Effects, file: string, runBuild: RunBuild): Promise<void> {
  const { platform, redactor } = fx;
  const entries = await readHierarchy(fx.files, platform.context.workspace, file, platform.getInput('allow-outside-workspace').trim() === 'true');
  // A family built as CI jobs: the plan (what to build, by level), or one entry's job.
  const only = platform.getInput('hierarchy-entry').trim();
  if (platform.getInput('hierarchy-plan').trim() === 'true') {
    if (only) throw new ConfigError([{ input: 'hierarchy-entry', message: 'hierarchy-plan builds nothing: give hierarchy-plan or hierarchy-entry, not both' }]);
    return (await import('./hierarchy-plan.js')).planHierarchy(fx, file, entries);
  }
  if (only) return (await import('./hierarchy-job.js')).buildOneEntry(fx, file, entries, only, runBuild);
  const catalog = newCatalog(fx);
  const facts = checkoutFacts(fx);
  const results = new Map<string, EntryResult>();
  for (const entry of entries) {
    const parent = entry.from ? results.get(entry.from) : undefined;
    if (parent && (parent.status === 'failed' || parent.status === 'skipped')) {
      results.set(entry.name, { name: entry.name, status: 'skipped', repositories: [], error: `${entry.from} ${parent.status}` });
      platform.info(`${entry.name}: skipped — ${entry.from} ${parent.status}`);
      continue;
    }
    platform.info(`── ${entry.name}${entry.from ? ` (from ${entry.from})` : ''} ──`);
    try {
      results.set(entry.name, await buildEntry(fx, entry, parent, catalog, facts, runBuild));
    } catch (e) {
      const message = redactor.redact(
        e instanceof ConfigError ? e.issues.map((i) => `${i.input}: ${i.message}`).join('; ') : e instanceof Error ? e.message : String(e),
      );
      results.set(entry.name, { name: entry.name, status: 'failed', repositories: [], error: message });
      platform.error(`${entry.name}: ${message}`);
    }
  }
  const all = [...results.values()];
  await publish(fx, familyReport(file, entries, results));
  const count = (s: EntryResult['status']) => all.filter((r) => r.status === s).length;
  platform.info(`hierarchy: ${count('built')} built, ${count('unchanged')} unchanged, ${count('failed')} failed, ${count('skipped')} skipped`);
  const failed = all.filter((r) => r.status === 'failed');
  if (failed.length)
    throw new Error(
      `${failed.length} of ${all.length} images of ${file} failed (${failed.map((r) => r.name).join(', ')}); ${count('skipped') ? 'their descendants were skipped' : 'nothing depended on them'}`,
    );
}
