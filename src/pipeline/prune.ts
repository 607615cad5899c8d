/**
 * The prune pipeline (prune/action.yml, gitlab/templates/prune.yml, the same as `hoist tags
 * prune`): every tag listed with its image's created time, the retention decided, the tags that
 * go deleted — only those tags, a digest another tag keeps staying — after checking that the
 * registry deletes at all.
 */
import { ConfigError } from '../core/errors.js';
import { parseRepository, type Repository } from '../core/reference.js';
import type { Effects } from '../effects/effects.js';
import { inputScope, optional, parseBool, parseSubset } from '../inputs/read.js';
import { catalogRegistryPasswords, parseTransfer, yamlFor } from '../inputs/registries.js';
import { checkDeletes, planDeletes, runDeletes } from '../maintain/delete.js';
import { parseDuration, planPrune, UNPROTECTABLE } from '../maintain/prune.js';
import { tagGlob } from '../maintain/tag-glob.js';
import { describeTags } from '../maintain/tags.js';
import { closeAll, connectRegistries } from '../registry/connect.js';
import { publish } from '../report/publish.js';
import { pruneReport } from '../report/prune.js';
import { newCatalog } from '../secrets/hide.js';

async function readPruneInputs(fx: Effects) {
  const read = (name: string) => fx.platform.getInput(name);
  const scope = inputScope(read, fx.platform.context.workspace, fx.platform.context.env);
  let repository: Repository | undefined;
  try {
    repository = parseRepository(read('repository'));
  } catch (e) {
    scope.issues.push({
      input: 'repository',
      message: read('repository').trim()
        ? `'${read('repository').trim()}': ${(e as Error).message}`
        : 'no repository given: the repository to prune, e.g. registry.acme/team/app',
    });
  }
  const keep = Number(read('keep').trim());
  if (!read('keep').trim() || !Number.isInteger(keep) || keep < 0)
    scope.issues.push({ input: 'keep', message: `'${read('keep').trim()}' is not a whole number of tags to keep` });
  const olderThan = optional(scope, 'older-than');
  const olderThanMs = olderThan === undefined ? undefined : parseDuration(olderThan);
  if (olderThan !== undefined && olderThanMs === undefined)
    scope.issues.push({ input: 'older-than', message: `'${olderThan}' is not a duration (90m, 12h, 30d, 2w)` });
  const dryRun = parseBool(scope, 'dry-run', false);
  const unprotect = parseSubset(scope, 'unprotect', UNPROTECTABLE, []);
  const pruneUnknownAge = parseBool(scope, 'prune-unknown-age', false);
  const transfer = parseTransfer(scope, await yamlFor(read('registry-auth')));
  const match = optional(scope, 'match');
  if (match !== undefined)
    try {
      tagGlob(match);
    } catch (e) {
      scope.issues.push({ input: 'match', message: (e as Error).message });
    }
  if (scope.issues.length || !repository) throw new ConfigError(scope.issues);
  return { repository, keep, match, olderThanMs, dryRun, transfer, unprotect, pruneUnknownAge };
}

export async function prune(fx: Effects): Promise<void> {
  const { platform } = fx;
  const catalog = newCatalog(fx);
  const inputs = await readPruneInputs(fx);
  catalogRegistryPasswords(inputs.transfer, catalog);
  const { repository, dryRun } = inputs;
  const clients = await connectRegistries(fx, inputs.transfer, [repository], catalog);
  try {
    const client = clients.get(repository.host)!;
    const tags = await describeTags(client, repository.path, { labels: true, concurrency: inputs.transfer.concurrency });
    const decisions = planPrune(tags, {
      keep: inputs.keep,
      ...(inputs.match ? { match: inputs.match } : {}),
      ...(inputs.olderThanMs !== undefined ? { olderThanMs: inputs.olderThanMs } : {}),
      now: platform.context.now(),
      unprotect: inputs.unprotect,
      pruneUnknownAge: inputs.pruneUnknownAge,
    });
    for (const d of decisions) platform.info(`${d.prune ? (dryRun ? 'would prune' : 'prune') : 'keep'} ${d.tag}: ${d.why}`);
    const going = decisions.filter((d) => d.prune).map((d) => d.tag);
    if (going.length) {
      // Refused whole when the registry does not delete, a dry run as the real run is (maintain/delete.ts).
      const plans = dryRun ? [] : await planDeletes(client, repository.path, tags, going);
      const unknown = await checkDeletes(client, repository.path, { dryRun });
      if (unknown) platform.warning(unknown);
      await runDeletes(client, repository.path, plans);
    }
    await publish(fx, pruneReport({ repository, dryRun, decisions, tags: tags.length }));
  } finally {
    await closeAll(clients);
  }
}
