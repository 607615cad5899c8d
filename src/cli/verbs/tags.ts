/**
 * `hoist tags list|delete|prune`: the tags of a repository. A `tags list` loads the registry client
 * and little else: the tag reading and deleting modules load when the verb runs.
 */
import { formatRepository, parseReference, parseRepository, type Repository } from '../../core/reference.js';
import type { Effects } from '../../effects/effects.js';
import { parseDuration, planPrune, UNPROTECTABLE, type Unprotectable } from '../../maintain/prune.js';
import type { RegistryClient } from '../../registry/client.js';
import { UsageError } from '../usage.js';
import { registryVerb, type RegistryJob } from './registry.js';
import type { Options, Values } from './verb.js';

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

const SUBCOMMANDS = ['list', 'delete', 'prune'] as const;

const repo = (text: string | undefined, what: string): Repository => {
  if (!text) throw new UsageError(`${what}: give a repository, e.g. registry.acme/team/app`);
  try {
    return parseRepository(text);
  } catch (e) {
    throw new UsageError(`${what}: '${text}': ${(e as Error).message}`);
  }
};

function target(p: string): { repository: Repository; tag: string } {
  const ref = (() => {
    try {
      return parseReference(p);
    } catch (e) {
      throw new UsageError(`tags delete: '${p}': ${(e as Error).message}`);
    }
  })();
  if (!ref.tag || ref.digest) throw new UsageError(`tags delete: '${p}' names no tag: give REPO:TAG`);
  return { repository: { registry: ref.registry, host: ref.host, path: ref.path }, tag: ref.tag };
}

function prune(values: Values, positionals: string[]): TagsTask {
  if (positionals.length !== 1) throw new UsageError('tags prune takes one repository');
  const unprotect = ((values.unprotect as string | undefined) ?? '')
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);
  const unknown = unprotect.filter((u) => !(UNPROTECTABLE as readonly string[]).includes(u));
  if (unknown.length) throw new UsageError(`--unprotect: '${unknown.join(',')}' is not one of ${UNPROTECTABLE.join(', ')}`);
  const keep = Number(values.keep);
  if (values.keep === undefined || !Number.isInteger(keep) || keep < 0)
    throw new UsageError('tags prune: --keep N (a whole number, the tags to keep) is required');
  const olderThan = values['older-than'] as string | undefined;
  if (olderThan !== undefined && !/^\d+[mhdw]$/.test(olderThan)) throw new UsageError(`--older-than: '${olderThan}' is not a duration (90m, 12h, 30d, 2w)`);
  return {
    verb: 'prune',
    repository: repo(positionals[0], 'tags prune'),
    keep,
    ...(values.match ? { match: values.match as string } : {}),
    ...(olderThan ? { olderThan } : {}),
    dryRun: values['dry-run'] === true,
    unprotect: unprotect as Unprotectable[],
    pruneUnknownAge: values['prune-unknown-age'] === true,
  };
}

function parse(values: Values, positionals: string[], sub?: string): TagsTask {
  if (sub === 'list') {
    if (positionals.length !== 1) throw new UsageError('tags list takes one repository');
    return { verb: 'list', repository: repo(positionals[0], 'tags list'), digest: values.digest === true };
  }
  if (sub === 'delete') {
    if (!positionals.length) throw new UsageError('tags delete takes REPO:TAG arguments');
    return { verb: 'delete', targets: positionals.map(target), dryRun: values['dry-run'] === true };
  }
  return prune(values, positionals);
}

async function deleteTags(fx: Effects, client: RegistryClient, repository: Repository, names: string[], dryRun: boolean) {
  const [{ checkDeletes, planDeletes, runDeletes }, { describeTags }] = await Promise.all([
    import('../../maintain/delete.js'),
    import('../../maintain/tags.js'),
  ]);
  const all = await describeTags(client, repository.path, { labels: false, concurrency: 8 });
  const plans = await planDeletes(client, repository.path, all, names);
  if (!dryRun) {
    await checkDeletes(client, repository.path); // a registry that refuses deletes is refused before any tag moves
    await runDeletes(client, repository.path, plans);
  }
  for (const p of plans) {
    const how = p.how === 'manifest' ? `the manifest ${p.digest} with it (no other tag had it)` : `only the tag; ${p.digest} stays for ${p.keptBy.join(', ')}`;
    fx.platform.info(`${formatRepository(repository)}:${p.tag}: ${dryRun ? 'would delete' : 'deleted'} ${how}`);
  }
  return plans;
}

async function list({ task: c, json, transfer, out, connect }: RegistryJob<TagsTask & { verb: 'list' }>): Promise<number> {
  const { describeTags, byDigest } = await import('../../maintain/tags.js');
  return connect([c.repository], async (client) => {
    // Names only: one request per page of the listing. Digests (one HEAD per tag) only with --digest.
    if (!c.digest) {
      const names = [...new Set(await client(c.repository).listTags(c.repository.path))].sort();
      if (json)
        out.print(
          JSON.stringify(
            names.map((tag) => ({ tag })),
            null,
            2,
          ),
        );
      else for (const t of names) out.print(t);
      return 0;
    }
    const tags = await describeTags(client(c.repository), c.repository.path, { labels: json, concurrency: transfer.concurrency });
    if (json) out.print(JSON.stringify(tags, null, 2));
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
      if (json) out.print(JSON.stringify({ dryRun: c.dryRun, deleted }, null, 2));
      return 0;
    },
  );
}

async function runPrune({ fx, task: c, json, transfer, out, connect }: RegistryJob<TagsTask & { verb: 'prune' }>): Promise<number> {
  const { describeTags } = await import('../../maintain/tags.js');
  return connect([c.repository], async (client) => {
    const cl = client(c.repository);
    const tags = await describeTags(cl, c.repository.path, { labels: true, concurrency: transfer.concurrency });
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
    if (json) out.print(JSON.stringify({ dryRun: c.dryRun, decisions }, null, 2));
    else for (const t of going) out.print(t);
    return 0;
  });
}

export const tags = registryVerb<TagsTask>({
  name: 'tags',
  summary: 'list, delete (only the tags named) or prune the tags of a repository',
  usage: `  hoist tags list REPO [--digest] [--json]            every tag, sorted, one request per page (--digest: each tag read, grouped by digest)
  hoist tags delete REPO:TAG... [--dry-run] [--json]  removes only the named tags; a shared digest stays for the others
  hoist tags prune REPO --keep N [--match GLOB] [--older-than 30d] [--unprotect latest,releases] [--prune-unknown-age] [--dry-run] [--json]
                                                      keeps the newest N matching tags; never a release's digest,
                                                      latest or a version tag unless --match names them`,
  examples: [
    'hoist tags list registry.acme/team/app | head -5',
    'hoist tags delete registry.acme/team/app:pr-41 registry.acme/team/app:pr-42',
    'hoist tags prune registry.acme/team/app --keep 20 --match "sha-*" --dry-run',
  ],
  subcommands: SUBCOMMANDS,
  subcommand: (word) => {
    if (word !== undefined && (SUBCOMMANDS as readonly string[]).includes(word)) return word;
    throw new UsageError(word ? `unknown tags command '${word}': use list, delete or prune` : 'tags needs a command: list, delete or prune');
  },
  options: (sub): Options =>
    sub === 'list'
      ? { digest: { type: 'boolean' } }
      : sub === 'delete'
        ? { 'dry-run': { type: 'boolean' } }
        : {
            keep: { type: 'string' },
            match: { type: 'string' },
            'older-than': { type: 'string' },
            'dry-run': { type: 'boolean' },
            unprotect: { type: 'string' },
            'prune-unknown-age': { type: 'boolean' },
          },
  parse,
  run: (job) =>
    job.task.verb === 'list'
      ? list(job as RegistryJob<TagsTask & { verb: 'list' }>)
      : job.task.verb === 'delete'
        ? remove(job as RegistryJob<TagsTask & { verb: 'delete' }>)
        : runPrune(job as RegistryJob<TagsTask & { verb: 'prune' }>),
});
