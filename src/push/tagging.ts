/**
 * The engine's last step on one registry, once the image is complete there: release tags checked
 * for every repository first (none moves if one is protected), then the fixed tags — the version
 * tag among them, which floating tags' leaders are read from — each read back after it is written,
 * then the floating tags, re-read before and after each write (`floating.ts`).
 */
import { formatReference } from '../core/reference.js';
import type { BlobSource, ImageGraph } from '../oci/graph.js';
import type { RegistryClient } from '../registry/client.js';
import { RegistryError } from '../registry/errors.js';
import type { EngineOptions, PushTarget, RegistryReport } from './types.js';
import { convergeFloating } from './floating.js';
import type { Presence } from './presence.js';
import { checkReleaseTags, ProtectedTagError, revisionOfGraph } from './release-tags.js';

export interface TagContext extends Pick<EngineOptions, 'log' | 'releaseTags' | 'settleMs' | 'settleRounds'> {
  client: RegistryClient;
  host: string;
  graph: ImageGraph;
  source: BlobSource;
  limit: <T>(task: () => Promise<T>) => Promise<T>;
  report: RegistryReport;
  sleep: (ms: number) => Promise<void>;
  /** The early reads: a fixed tag already at the image is neither checked, read again nor written. */
  presence?: Pick<Presence, 'tagAtRoot' | 'tagState'>;
}

export async function tagRepositories(c: TagContext, repos: readonly PushTarget[], tagsOf: ReadonlyArray<readonly string[]>): Promise<void> {
  const { graph, report } = c;
  /** Per repository: the release tags as the check just read them (the tag phase does not read them again). */
  const checked = repos.map(() => new Map<string, string | undefined>());
  if ((c.releaseTags ?? 'protect') === 'protect') {
    // Release tags already at this image need no check (nothing moves); the others are read now.
    const release = await Promise.all(
      repos.map(async (target, i) => {
        const listed = (target.releaseTags ?? []).filter((t) => tagsOf[i]!.includes(t));
        const atRoot = await Promise.all(listed.map((t) => c.presence?.tagAtRoot(target.repository.path, t)));
        return listed.filter((_, j) => atRoot[j] !== true);
      }),
    );
    const revision = release.some((r) => r.length) ? await revisionOfGraph(graph, c.source) : undefined;
    for (const [i, target] of repos.entries()) {
      if (!release[i]!.length) continue;
      const check = { client: c.client, host: c.host, repository: target.repository.path, name: formatReference(target.repository) };
      checked[i] = await checkReleaseTags({ ...check, digest: graph.root.digest, revision, limit: c.limit }, release[i]!);
    }
  }
  const placed = repos.map(() => new Set<string>());
  /** Per repository: whether this run wrote one of its fixed tags (the version tag the floating ones follow). */
  const wrote = repos.map(() => false);
  /** Per repository: the release tags this run wrote (moved or created), read again once the others have had time to land. */
  const wroteRelease = repos.map(() => [] as string[]);
  const protect = (c.releaseTags ?? 'protect') === 'protect';
  try {
    for (const [i, target] of repos.entries()) {
      const floating = new Set(target.floating?.tags.map((t) => t.tag));
      const release = new Set(target.releaseTags ?? []);
      // A repository's fixed tags at once (each written and read back); the first failure is reported.
      const moves = tagsOf[i]!.filter((t) => !floating.has(t)).map(async (tag) => {
        if (await moveTag(c, target, tag, checked[i]!)) {
          wrote[i] = true;
          if (protect && release.has(tag)) wroteRelease[i]!.push(tag);
        }
        placed[i]!.add(tag);
      });
      const failed = (await Promise.allSettled(moves)).find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    }
    // Registries have no compare-and-swap: another run releasing the same version from another
    // commit may have read the tag as free too, and written it after this run's read-back. Its
    // write is seen by reading again a settle time later (the floating tags' settle phase runs
    // meanwhile, and follows whatever the version tag holds).
    const settleMs = c.settleMs ?? 1000;
    const recheckAt = wroteRelease.some((r) => r.length) ? c.sleep(settleMs) : undefined;
    for (const [i, target] of repos.entries()) {
      const plan = target.floating;
      const allowed = tagsOf[i]!.filter((t) => plan?.tags.some((p) => p.tag === t));
      if (!plan || !allowed.length) continue;
      const name = formatReference(target.repository);
      const settle = { sleep: c.sleep, settleMs: c.settleMs ?? 1000, rounds: c.settleRounds ?? 5 };
      const log = (line: string) => c.log?.(line);
      const { ours } = await convergeFloating(
        { client: c.client, repository: target.repository.path, name, root: graph.root, limit: c.limit, log, ...settle, wroteFixedTags: wrote[i]! },
        plan,
        allowed,
      );
      for (const tag of ours) placed[i]!.add(tag);
    }
    if (recheckAt) {
      await recheckAt;
      const revision = await revisionOfGraph(graph, c.source);
      for (const [i, target] of repos.entries()) {
        if (!wroteRelease[i]!.length) continue;
        const name = formatReference(target.repository);
        try {
          await checkReleaseTags(
            { client: c.client, host: c.host, repository: target.repository.path, name, digest: graph.root.digest, revision, limit: c.limit },
            wroteRelease[i]!,
          );
        } catch (e) {
          if (!(e instanceof ProtectedTagError)) throw e;
          for (const tag of wroteRelease[i]!) placed[i]!.delete(tag);
          throw new ProtectedTagError(
            `${e.message.replace(/: not moved\. .*$/s, '')} — another run wrote it after this run had (two runs released the same version from different commits at once): ${formatReference(target.repository, wroteRelease[i]![0])} is not this image. Release this commit under a new version`,
            { registry: c.host, repository: target.repository.path, code: 'RELEASE_TAG_PROTECTED', retryable: false, cause: e },
          );
        }
      }
    }
  } finally {
    // In the order the tags were planned, whichever phase placed them (also when a later one failed).
    for (const [i, target] of repos.entries())
      for (const tag of tagsOf[i]!) if (placed[i]!.has(tag)) report.references.push(formatReference(target.repository, tag));
  }
}

/**
 * Points a tag at the root and reads it back; says whether it wrote. A tag already there is left as it is (a re-run
 * writes nothing, which registries with immutable tags require); a refused move of an existing
 * tag names the setting; a tag that reads back as another image is an error naming the registry.
 */
async function moveTag(c: TagContext, target: PushTarget, tag: string, checked: ReadonlyMap<string, string | undefined>): Promise<boolean> {
  const { graph, report } = c;
  const path = target.repository.path;
  // What the release-tag check read just before this phase, else what the push read as it began.
  const atCheck = checked.has(tag) ? (checked.get(tag) === graph.root.digest ? 'image' : 'elsewhere') : undefined;
  const early = atCheck ?? (await c.presence?.tagState(path, tag));
  // Read right before writing when the early read could not say (a tag already at the image is never written again).
  const read = early === undefined ? await c.limit(() => c.client.headManifest(path, tag)) : undefined;
  if (early === 'image' || read?.digest === graph.root.digest) {
    report.tagsUnchanged++;
    return false;
  }
  try {
    await c.limit(() => c.client.putManifest(path, tag, graph.root.bytes, graph.root.mediaType));
  } catch (e) {
    const refused = e instanceof RegistryError && e.status !== undefined && [400, 403, 409, 412].includes(e.status);
    if (!refused || !/immutab|already exists|overwrit|TAG_INVALID|DENIED/i.test(`${e.message} ${(e as RegistryError).code ?? ''}`)) throw e;
    const at = read ?? (await c.limit(() => c.client.headManifest(path, tag)));
    if (at?.digest === graph.root.digest) {
      report.tagsUnchanged++; // another run of this image placed it meanwhile
      return false;
    }
    if (!at) throw e;
    throw new RegistryError(
      `${formatReference(target.repository, tag)} is at ${at.digest} and the registry refused to move it to ${graph.root.digest}: its tags are immutable (ECR imageTagMutability IMMUTABLE, a Harbor immutability rule, Artifact Registry immutable tags). Release under a new tag, or let this one move (${e.message})`,
      { registry: c.host, repository: path, status: (e as RegistryError).status, code: 'TAG_IMMUTABLE', retryable: false, cause: e },
    );
  }
  const now = await c.limit(() => c.client.headManifest(path, tag));
  if (now?.digest !== graph.root.digest) {
    throw new RegistryError(
      `${c.host}: ${formatReference(target.repository, tag)} was written as ${graph.root.digest} but reads back as ${now?.digest ?? 'nothing'} (the registry, or a proxy or cache before it, serves other bytes than it was sent — or another run moved the tag at that moment)`,
      { registry: c.host, repository: path, code: 'TAG_READBACK_MISMATCH', retryable: false },
    );
  }
  return true;
}
