/** `hoist tags list|delete|prune` run (verbs/tags.ts declares the verb): loaded when the verb runs. */
import { formatRepository, type Repository } from '../../core/reference.js';
import type { Effects } from '../../effects/effects.js';
import { checkDeletes, planDeletes, runDeletes } from '../../maintain/delete.js';
import { parseDuration, planPrune, type Unprotectable } from '../../maintain/prune.js';
import { byDigest, describeTags } from '../../maintain/tags.js';
import type { RegistryClient } from '../../registry/client.js';
import type { RegistryJob } from './registry.js';
import { jsonText } from '../../platform/log-safe.js';

/** What `hoist tags` was asked, as verbs/tags.ts parses it. */
export type TagsTask =
  | { verb: 'list'; repository: Repository; digest: boolean }
  | { verb: 'delete'; targets: Array<{ repository: Repository; tag: string }>; dryRun: boolean }
  | {
      verb: 'prune';
      repository: Repository;
      keep: number;
      match?: string;
      olderThan?: string;
      dryRun: boolean;
      unprotect: Unprotectable[];
      pruneUnknownAge: boolean;
    };

async function deleteTags(fx: Effects, client: RegistryClient, repository: Repository, names: string[], dryRun: boolean) {
  const all = await describeTags(client, repository.path, { labels: false, concurrency: 8 });
  const plans = await planDeletes(client, repository.path, all, names);
  // A registry that refuses deletes is refused before any tag moves, and a dry run is refused alike.
  const unknown = await checkDeletes(client, repository.path, { dryRun });
  if (unknown) fx.platform.warning(`${formatRepository(repository)}: ${unknown}`);
  if (!dryRun) await runDeletes(client, repository.path, plans);
  for (const p of plans) {
    const how = p.how === 'manifest' ? `the manifest ${p.digest} with it (no other tag had it)` : `only the tag; ${p.digest} stays for ${p.keptBy.join(', ')}`;
    fx.platform.info(`${formatRepository(repository)}:${p.tag}: ${dryRun ? 'would delete' : 'deleted'} ${how}`);
  }
  return plans;
}

/** Registries answer an unknown repository as an empty one: a mistyped name must not pass unnoticed. */
function noTags(fx: Effects, repository: Repository): void {
  fx.platform.warning(`${formatRepository(repository)}: no tags (the registry holds none, or knows no such repository)`);
}

async function list({ fx, task: c, json, transfer, out, connect }: RegistryJob<TagsTask & { verb: 'list' }>): Promise<number> {
  return connect([c.repository], async (client) => {
    // Names only: one request per page of the listing. Digests (one HEAD per tag) only with --digest.
    if (!c.digest) {
      const names = [...new Set(await client(c.repository).listTags(c.repository.path))].sort();
      if (!names.length) noTags(fx, c.repository);
      if (json) out.print(jsonText(names.map((tag) => ({ tag }))));
      else for (const t of names) out.print(t);
      return 0;
    }
    const tags = await describeTags(client(c.repository), c.repository.path, { labels: json, concurrency: transfer.concurrency });
    if (!tags.length) noTags(fx, c.repository);
    if (json) out.print(jsonText(tags));
    else for (const [digest, names] of byDigest(tags)) out.print(`${digest}  ${names.join(' ')}`);
    return 0;
  });
}

async function remove({ fx, task: c, json, out, connect }: RegistryJob<TagsTask & { verb: 'delete' }>): Promise<number> {
  const byRepo = new Map<string, { repository: Repository; tags: string[] }>();
  for (const t of c.targets) {
    const key = formatRepository(t.repository);
    byRepo.set(key, { repository: t.repository, tags: [...(byRepo.get(key)?.tags ?? []), t.tag] });
  }
  return connect(
    [...byRepo.values()].map((r) => r.repository),
    async (client) => {
      const deleted = [];
      for (const { repository, tags } of byRepo.values()) deleted.push(...(await deleteTags(fx, client(repository), repository, tags, c.dryRun)));
      if (json) out.print(jsonText({ dryRun: c.dryRun, deleted }));
      return 0;
    },
  );
}

async function runPrune({ fx, task: c, json, transfer, out, connect }: RegistryJob<TagsTask & { verb: 'prune' }>): Promise<number> {
  return connect([c.repository], async (client) => {
    const cl = client(c.repository);
    const tags = await describeTags(cl, c.repository.path, { labels: true, concurrency: transfer.concurrency });
    if (!tags.length) noTags(fx, c.repository);
    const decisions = planPrune(tags, {
      keep: c.keep,
      ...(c.match ? { match: c.match } : {}),
      ...(c.olderThan ? { olderThanMs: parseDuration(c.olderThan)! } : {}),
      now: new Date(),
      unprotect: c.unprotect,
      pruneUnknownAge: c.pruneUnknownAge,
    });
    for (const d of decisions) fx.platform.info(`${d.prune ? (c.dryRun ? 'would prune' : 'prune') : 'keep'} ${d.tag}: ${d.why}`);
    const going = decisions.filter((d) => d.prune).map((d) => d.tag);
    if (going.length) await deleteTags(fx, cl, c.repository, going, c.dryRun);
    if (json) out.print(jsonText({ dryRun: c.dryRun, decisions }));
    else for (const t of going) out.print(t);
    return 0;
  });
}

export const runTags = (job: RegistryJob<TagsTask>): Promise<number> =>
  job.task.verb === 'list'
    ? list(job as RegistryJob<TagsTask & { verb: 'list' }>)
    : job.task.verb === 'delete'
      ? remove(job as RegistryJob<TagsTask & { verb: 'delete' }>)
      : runPrune(job as RegistryJob<TagsTask & { verb: 'prune' }>);
