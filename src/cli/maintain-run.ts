/**
 * Runs `hoist tags …`, `hoist audit` and `hoist inspect` on the real effects; returns the exit code.
 * The tag verbs are here; audit and inspect load their own modules (verbs/) when they run, so a
 * `tags list` loads the registry client and little else.
 */
import { formatRepository, type Repository } from '../core/reference.js';
import type { Effects } from '../effects/effects.js';
import { checkDeletes, planDeletes, runDeletes } from '../maintain/delete.js';
import { parseDuration, planPrune } from '../maintain/prune.js';
import { byDigest, describeTags } from '../maintain/tags.js';
import type { RegistryClient } from '../registry/client.js';
import { closeAll, connectRegistries } from '../registry/connect.js';
import { newCatalog } from '../secrets/hide.js';
import type { MaintainLine } from './maintain.js';

type Print = (text: string) => void;
/** Where results go: text (made inert, redacted), and the registry's bytes as served (--raw). */
export interface Out {
  print: Print;
  raw: (bytes: Buffer) => void;
}

async function withClients<T>(
  fx: Effects,
  line: MaintainLine,
  repos: readonly Repository[],
  use: (client: (r: Repository) => RegistryClient) => Promise<T>,
): Promise<T> {
  const clients = await connectRegistries(fx, line.transfer, repos, newCatalog(fx));
  try {
    return await use((r) => clients.get(r.host)!);
  } finally {
    await closeAll(clients);
  }
}

async function deleteTags(fx: Effects, client: RegistryClient, repository: Repository, names: string[], dryRun: boolean) {
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

async function runTags(fx: Effects, line: MaintainLine, print: Print): Promise<number> {
  const c = line.command;
  if (c.verb === 'list') {
    return withClients(fx, line, [c.repository], async (client) => {
      // Names only: one request per page of the listing. Digests (one HEAD per tag) only with --digest.
      if (!c.digest) {
        const names = [...new Set(await client(c.repository).listTags(c.repository.path))].sort();
        if (line.json)
          print(
            JSON.stringify(
              names.map((tag) => ({ tag })),
              null,
              2,
            ),
          );
        else for (const t of names) print(t);
        return 0;
      }
      const tags = await describeTags(client(c.repository), c.repository.path, { labels: line.json, concurrency: line.transfer.concurrency });
      if (line.json) print(JSON.stringify(tags, null, 2));
      else for (const [digest, names] of byDigest(tags)) print(`${digest}  ${names.join(' ')}`);
      return 0;
    });
  }
  if (c.verb === 'delete') {
    const byRepo = new Map<string, { repository: Repository; tags: string[] }>();
    for (const t of c.targets) {
      const key = formatRepository(t.repository);
      byRepo.set(key, { repository: t.repository, tags: [...(byRepo.get(key)?.tags ?? []), t.tag] });
    }
    return withClients(
      fx,
      line,
      [...byRepo.values()].map((r) => r.repository),
      async (client) => {
        const out = [];
        for (const { repository, tags } of byRepo.values()) out.push(...(await deleteTags(fx, client(repository), repository, tags, c.dryRun)));
        if (line.json) print(JSON.stringify({ dryRun: c.dryRun, deleted: out }, null, 2));
        return 0;
      },
    );
  }
  if (c.verb !== 'prune') return 2;
  return withClients(fx, line, [c.repository], async (client) => {
    const cl = client(c.repository);
    const tags = await describeTags(cl, c.repository.path, { labels: true, concurrency: line.transfer.concurrency });
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
    if (line.json) print(JSON.stringify({ dryRun: c.dryRun, decisions }, null, 2));
    else for (const t of going) print(t);
    return 0;
  });
}

export async function runMaintain(fx: Effects, line: MaintainLine, out: Out): Promise<number> {
  const c = line.command;
  if (c.verb === 'inspect') {
    const { runInspect } = await import('./verbs/inspect.js');
    return withClients(fx, line, [c.ref], (client) => runInspect(client(c.ref), c, line.json, out, fx.files));
  }
  if (c.verb === 'verify') {
    const { runVerify } = await import('./verbs/verify.js');
    const error = (text: string) => fx.platform.error(text);
    return withClients(fx, line, [c.ref], (client) => runVerify(client(c.ref), c, line.json, { print: out.print, error }, fx.files));
  }
  if (c.verb === 'audit') {
    const { runAudit } = await import('./verbs/audit.js');
    return runAudit(fx, line, out.print, (ref, use) => withClients(fx, line, [ref], (client) => use(client(ref))));
  }
  return runTags(fx, line, out.print);
}
