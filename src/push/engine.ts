/**
 * The push engine: one image graph to many repositories on many registries at once.
 *
 * Per registry host: every blob is made present in every target repository (already there — the
 * image's manifest in the repository, or a HEAD of the blob —; else mounted from a repository of
 * the same registry that has it; else uploaded, resumable), then the manifests not yet there are
 * PUT by digest, and only when all of that registry's blobs and manifests are in place are its
 * tags moved — so no tag ever points at an incomplete image. Registries are independent: one
 * failing leaves the others to finish. Work runs under a global and a per-host concurrency limit.
 */
import pLimit, { type LimitFunction } from 'p-limit';
import { formatReference } from '../core/reference.js';
import type { Referrer, RegistryClient } from '../registry/client.js';
import { REACH_FIX, RegistryError, UNREACHABLE } from '../registry/errors.js';
import { graphSize, referrerEntry, type BlobSource, type ImageGraph } from '../oci/graph.js';
import type { EngineOptions, PushTarget, RegistryReport } from './types.js';
import { Presence } from './presence.js';
import { tagRepositories } from './tagging.js';
import { SourceDigestError, verifyingOpen } from './verify.js';

export type { EngineOptions, Progress, PushTarget, RegistryReport } from './types.js';

/** The tags of a target could not be listed, so none of its tags were moved. */
export class TagListError extends Error {
  override readonly name = 'TagListError';
}

const MiB = 1024 * 1024;
/**
 * A registry's presence reads at once, at most (the connections its client keeps): beside its upload
 * slots, still under the global limit, so `concurrency: 1` is one request in flight.
 */
const PRESENCE_READS = 16;
const mib = (n: number) => `${(n / MiB).toFixed(1)} MiB`;

/** Groups targets by registry host; the same repository named twice gets the union of tags. */
function byHost(targets: readonly PushTarget[]): Map<string, PushTarget[]> {
  const hosts = new Map<string, Map<string, PushTarget>>();
  for (const t of targets) {
    const repos = hosts.get(t.repository.host) ?? new Map<string, PushTarget>();
    hosts.set(t.repository.host, repos);
    const seen = repos.get(t.repository.path);
    if (seen && (seen.chooseTags || t.chooseTags))
      throw new Error(`${formatReference(t.repository)} is named twice with tags chosen from the registry's: name it once`);
    repos.set(
      t.repository.path,
      seen
        ? { repository: seen.repository, tags: [...new Set([...seen.tags, ...t.tags])], releaseTags: [...(seen.releaseTags ?? []), ...(t.releaseTags ?? [])] }
        : { ...t, tags: [...t.tags] },
    );
  }
  return new Map([...hosts].map(([h, repos]) => [h, [...repos.values()]]));
}

export async function pushGraph(graph: ImageGraph, source: BlobSource, targets: readonly PushTarget[], options: EngineOptions): Promise<RegistryReport[]> {
  const global = pLimit(options.concurrency);
  const hosts = byHost(targets);
  const halt: Halt = {};
  return Promise.all([...hosts].map(([host, repos]) => new HostPush(graph, source, host, repos, options, global, halt).run()));
}

type Limit = <T>(task: () => Promise<T>) => Promise<T>;
interface HostLimits {
  /** A request in one of the registry's upload slots (`per-host` of them): uploads, mounts, manifests, tags. */
  slot: Limit;
  /** A bodiless read at the start (`presence.ts`), beside the slots, so a re-push's reads do not queue behind them. */
  read: Limit;
}

/** One registry's two limits, both under the push's global one, so `concurrency: 1` means one request in flight. */
function hostLimits(global: LimitFunction, slots: number, reads: number): HostLimits {
  const slot = pLimit(slots);
  const read = pLimit(reads);
  return { slot: (task) => slot(() => global(task)), read: (task) => read(() => global(task)) };
}

/** Shared by every registry of one push: a source that served wrong bytes stops them all. */
interface Halt {
  error?: Error;
}

/** One registry host's push: its blobs, then its manifests by digest, then — all in place — its tags. */
class HostPush {
  readonly report: RegistryReport;
  readonly #client: RegistryClient;
  /** This registry's limits, each under the push's global one (`concurrency`): see `hostLimits`. */
  readonly #limits: HostLimits;
  /** Uploads waiting on their commit outside the slots, at most as many as the slots (`#limitUpload`). */
  readonly #commits: LimitFunction;
  readonly #now: () => number;
  readonly #started: number;
  readonly #total: number;
  #done = 0;
  #lastProgress: number;
  /** Repositories of this registry known to hold a blob, filled as blobs are found or pushed. */
  readonly #holders = new Map<string, string[]>();
  readonly #hints: readonly string[];
  readonly #untrusted: readonly string[];
  readonly #sourceHolds = new Map<string, Promise<boolean>>();
  readonly #skipped = new Set<string>();
  #presence: Presence | undefined;

  constructor(
    readonly graph: ImageGraph,
    readonly source: BlobSource,
    readonly host: string,
    readonly repos: PushTarget[],
    readonly options: EngineOptions,
    global: LimitFunction,
    readonly halt: Halt,
  ) {
    this.#now = options.now ?? Date.now;
    this.#started = this.#lastProgress = this.#now();
    this.#client = options.clientFor(host);
    this.#limits = hostLimits(global, options.perHost, Math.min(PRESENCE_READS, options.concurrency));
    this.#commits = pLimit(options.perHost);
    this.#total = graphSize(graph) * repos.length;
    this.#hints = options.mountFrom?.(host) ?? [];
    this.#untrusted = options.untrustedMountFrom?.(host) ?? [];
    this.report = {
      host,
      registry: repos[0]!.repository.registry,
      repositories: repos.map((r) => r.repository.path),
      digest: graph.root.digest,
      references: [],
      blobsUploaded: 0,
      blobsMounted: 0,
      blobsSkipped: 0,
      bytesUploaded: 0,
      bytesSent: 0,
      bytesMounted: 0,
      bytesSkipped: 0,
      tagsUnchanged: 0,
      resumed: 0,
      restarted: 0,
      durationMs: 0,
    };
  }

  #progress(force = false): void {
    const { options, report, host } = this;
    const t = this.#now();
    options.onProgress?.({ host, done: this.#done, total: this.#total, sent: report.bytesSent, elapsedMs: t - this.#started });
    if (!options.log || (!force && t - this.#lastProgress < (options.progressIntervalMs ?? 10_000))) return;
    this.#lastProgress = t;
    const seconds = Math.max(0.001, (t - this.#started) / 1000);
    const percent = Math.round((100 * this.#done) / Math.max(1, this.#total));
    options.log(
      `${host}: ${mib(this.#done)} of ${mib(this.#total)} in place (${percent}%), ${mib(report.bytesSent)} sent, ${mib(report.bytesSent / seconds)}/s`,
    );
  }

  #held(digest: string, repo: string): void {
    this.#holders.set(digest, [...(this.#holders.get(digest) ?? []), repo]);
  }

  /**
   * Where a blob may be mounted from: repositories of this registry it was pushed to or found in,
   * the trusted hints, and an untrusted hint only once the source is shown to hold the blob.
   */
  async #mountSources(repo: string, digest: string): Promise<string[]> {
    const trusted = [...(this.#holders.get(digest) ?? []), ...this.#hints];
    const untrusted = this.#untrusted.filter((h) => !trusted.includes(h));
    let held = false;
    if (untrusted.length && this.options.sourceHolds) {
      let check = this.#sourceHolds.get(digest);
      if (!check) this.#sourceHolds.set(digest, (check = this.options.sourceHolds(digest).catch(() => false)));
      held = await check;
      if (!held) this.#skipHint(untrusted.join(', '), `the source does not hold ${digest}, so it is not mounted from a repository the source names`);
    }
    return [...new Set([...trusted, ...(held ? untrusted : [])])].filter((h) => h !== repo && !this.#skipped.has(h));
  }

  /** Says once per hint why it was not used. */
  #skipHint(hint: string, why: string): void {
    if (this.#skipped.has(hint)) return;
    this.#skipped.add(hint);
    this.options.log?.(`${this.host}: mount-from ${hint} skipped — ${why}`);
  }

  /** A blob into a repository: already there, mounted from a holder or a hint, else uploaded. */
  async #ensureBlob(repo: string, blob: { digest: string; size: number }): Promise<void> {
    const [report, client] = [this.report, this.#client];
    if (this.halt.error) throw this.halt.error;
    // Held already: the image's manifest is there (registries refuse a manifest naming blobs they lack), or the blob.
    if ((await this.#presence?.hasManifest(repo, this.graph.root.digest)) || (await this.#limits.slot(() => client.hasBlob(repo, blob.digest)))) {
      report.blobsSkipped++;
      report.bytesSkipped += blob.size;
      this.#done += blob.size;
      return this.#held(blob.digest, repo);
    }
    let session: string | undefined;
    for (const from of await this.#mountSources(repo, blob.digest)) {
      // A mount is only a shortcut: a hint that cannot be used (no access, no such repository, not a name) is passed over.
      const mount = await this.#limits
        .slot(() => client.mountBlob(repo, blob.digest, from))
        .catch((e: unknown) => {
          if (!(e instanceof RegistryError)) throw e;
          this.#skipHint(from, e.message);
          return undefined;
        });
      if (!mount) continue;
      if (mount.mounted) {
        report.blobsMounted++;
        report.bytesMounted += blob.size;
        this.#done += blob.size;
        return this.#held(blob.digest, repo);
      }
      session = mount.session; // the registry opened an upload instead: use it
      break;
    }
    const onSent = (n: number) => {
      report.bytesSent += n;
      this.#done += n;
      this.#progress();
    };
    const open = verifyingOpen(this.source, blob);
    const stats = await this.#limitUpload((bodySent) =>
      client.uploadBlob(repo, blob, open, { session, onSent, onBodySent: bodySent, onEvent: (line) => this.options.log?.(`${this.host}: ${line}`) }),
    ).catch((e: unknown) => {
      if (e instanceof SourceDigestError) this.halt.error ??= e;
      throw e;
    });
    this.#done += blob.size - stats.bytesSent; // re-sent bytes do not count as progress twice
    report.blobsUploaded++;
    report.bytesUploaded += blob.size;
    report.resumed += stats.resumed;
    report.restarted += stats.restarted;
    this.#held(blob.digest, repo);
  }

  /**
   * An upload under the limits until its body is in the registry (`bodySent`): the closing PUT is
   * waited for beside them. Distribution fsyncs the whole blob in that PUT (0.1–0.2 s for 64 MiB),
   * and while every slot waited on its commit, no byte streamed — a 512 MiB push of 8 layers on
   * 4 slots stood still between its two rounds. Now the next blob streams while the last commits.
   * Commits have places of their own, as many as the slots, and an upload gives its slot back only
   * once it holds one: a registry slow to commit (a copy in object storage) never has more than
   * twice the slots' requests in flight. A commit the registry refuses starts the upload over in
   * its commit place (rare).
   */
  #limitUpload<T>(task: (bodySent: () => Promise<void>) => Promise<T>): Promise<T> {
    let running!: Promise<T>;
    let committing: Promise<void> | undefined;
    let leave: (() => void) | undefined;
    const inSlot = this.#limits.slot(
      () =>
        new Promise<void>((free) => {
          const bodySent = () =>
            (committing ??= new Promise<void>((placed) => {
              void this.#commits(
                () =>
                  new Promise<void>((done) => {
                    leave = done;
                    placed();
                    free();
                  }),
              );
            }));
          running = task(bodySent);
          running.then(
            () => free(),
            () => free(),
          );
        }),
    );
    return inSlot.then(() => running).finally(() => leave?.());
  }

  /** The tags each repository gets, its existing tags listed — once everything is up, as late as possible — where they decide. */
  #chooseTags(): Promise<Array<readonly string[]>> {
    return Promise.all(
      this.repos.map(async (target) => {
        if (!target.chooseTags) return target.tags;
        const existing = await this.#limits
          .slot(() => this.#client.listTags(target.repository.path))
          .catch((e: unknown) => {
            throw new TagListError(
              `${formatReference(target.repository)}: could not list its tags to choose which may move: ${e instanceof Error ? e.message : String(e)}`,
              { cause: e },
            );
          });
        return target.chooseTags(existing);
      }),
    );
  }

  /** Every manifest by digest, children first, the digest the registry stored checked. */
  async #putManifests(): Promise<void> {
    for (const target of this.repos) {
      for (const node of [...this.graph.children, this.graph.root]) {
        if (await this.#presence?.hasManifest(target.repository.path, node.digest)) {
          this.#done += node.bytes.length;
          continue;
        }
        const stored = await this.#limits.slot(() => this.#client.putManifest(target.repository.path, node.digest, node.bytes, node.mediaType));
        if (stored && stored !== node.digest) {
          throw new RegistryError(`${formatReference(target.repository)}: the registry stored manifest ${node.digest} as ${stored}`, {
            registry: this.host,
            repository: target.repository.path,
            retryable: false,
          });
        }
        this.#done += node.bytes.length;
      }
    }
  }

  /**
   * The referrers, after what they refer to. A registry that does not answer `OCI-Subject` has no
   * referrers API: the subject's fallback tag (`sha256-<hex>`) then lists them, as the spec asks.
   */
  async #putReferrers(): Promise<void> {
    for (const target of this.repos) {
      const path = target.repository.path;
      const fallback = new Map<string, Referrer[]>();
      for (const node of this.graph.referrers ?? []) {
        const put = await this.#limits.slot(() => this.#client.putManifestWithSubject(path, node.digest, node.bytes, node.mediaType));
        if (put.digest && put.digest !== node.digest) {
          throw new RegistryError(`${formatReference(target.repository)}: the registry stored referrer ${node.digest} as ${put.digest}`, {
            registry: this.host,
            repository: path,
            retryable: false,
          });
        }
        this.#done += node.bytes.length;
        const { subject, entry } = referrerEntry(node);
        if (!put.subject) fallback.set(subject, [...(fallback.get(subject) ?? []), entry]);
      }
      for (const [subject, entries] of fallback) await this.#limits.slot(() => this.#client.addToReferrersTag(path, subject, entries));
    }
  }

  async run(): Promise<RegistryReport> {
    const { graph, report } = this;
    try {
      // What the repositories already hold, read first: the image's manifests and the fixed tags (`presence.ts`).
      // Bodiless reads beside the slots, which bound uploads: in 4 slots a re-push of 4 tags and a
      // manifest took two rounds of reads, and with 3 registries the global limit a third.
      this.#presence = new Presence(this.#client, this.#limits.read, graph, this.repos);
      // Each blob goes to the first repository first, so the others can mount it from there.
      const [first, ...rest] = this.repos.map((r) => r.repository.path);
      const blobs = graph.blobs.map(async (blob) => {
        await this.#ensureBlob(first!, blob);
        await settleAll(rest.map((repo) => this.#ensureBlob(repo, blob)));
      });
      await settleAll(blobs);
      if (this.halt.error) throw this.halt.error;
      await this.#putManifests();
      await this.#putReferrers();
      // Everything is in place on this registry: now, and only now, decide and move its tags.
      const tagsOf = await this.#chooseTags();
      const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
      await tagRepositories(
        {
          ...this.options,
          client: this.#client,
          host: this.host,
          graph,
          source: this.source,
          limit: this.#limits.slot,
          report,
          sleep,
          presence: this.#presence,
        },
        this.repos,
        tagsOf,
      );
    } catch (e) {
      report.error = e instanceof Error ? e : new Error(String(e));
    }
    report.durationMs = this.#now() - this.#started;
    if (report.bytesSent > 0 && !report.error) this.#progress(true);
    else this.options.onProgress?.({ host: this.host, done: this.#done, total: this.#total, sent: report.bytesSent, elapsedMs: report.durationMs });
    return report;
  }
}

/** Like Promise.all, but waits for every task before rejecting with the first failure. */
async function settleAll(tasks: Array<Promise<void>>): Promise<void> {
  const results = await Promise.allSettled(tasks);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/** One line per registry for logs and error messages. */
export function describeReport(r: RegistryReport): string {
  const where = r.repositories.map((p) => `${r.registry}/${p}`).join(', ');
  // One of several registries down: the push to the others goes on, and this line says what to check.
  if (r.error) return `${where}: FAILED — ${r.error.message}${UNREACHABLE.test(r.error.message) ? `: ${REACH_FIX}` : ''}`;
  const seconds = (r.durationMs / 1000).toFixed(1);
  return (
    `${where}@${r.digest}: ${r.blobsUploaded} uploaded (${mib(r.bytesUploaded)}; ${mib(r.bytesSent)} sent), ${r.blobsMounted} mounted, ${r.blobsSkipped} already there, ${r.references.length} tags, ${seconds} s` +
    (r.resumed || r.restarted ? `, ${r.resumed} resumed / ${r.restarted} restarted uploads` : '')
  );
}
