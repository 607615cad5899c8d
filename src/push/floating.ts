/**
 * Floating tags (`2`, `2.1`, `latest`, a channel, their variant forms) under concurrent releases.
 * Registries have no compare-and-swap, so each release decides as late as it can and checks again
 * after it wrote:
 *
 * - write phase, after the image's blobs, manifests and fixed tags (its full version tag among
 *   them) are in place: list the tag names, find the leader of each tag's line (the highest
 *   version tag there); a higher leader than this release → the tag is left where it is; else
 *   HEAD the tag right before writing and PUT it only when it points elsewhere.
 * - settle phase, `settleMs` later and again while anything changed (at most `rounds` times): list
 *   and HEAD again. The tag's target is what the leader's version tag holds (this image, while
 *   this release leads). A tag off its target is repaired when the value there is this release's
 *   own write (a higher release landed meanwhile: yield to it) or when this release leads (a
 *   lower release overwrote it after its own re-read: set it back). A value neither ours nor
 *   ours to guard is left to the release that wrote it. A run that wrote no tag at all (a re-run
 *   of a release already in place: version tag and floating tags found on its image) skips it.
 *
 * Why the end state converges for any interleaving (registries linearisable per tag, version tags
 * never moved once written — `release-tags: protect` — and every writer following this protocol):
 * let H be the highest release of a tag's line and t_H the moment its version tag is in place.
 * Every write to the tag is preceded by a listing, and writes the target that listing shows; a
 * listing after t_H shows H, so a write whose listing came after t_H writes H's image. Take the
 * last write W to the tag, by a release R, from a listing before t_H. R reads the tag again after
 * W (its settle phase runs at least once after its last write). If any of those reads came after
 * t_H, R saw H leading and its own value standing, and yielded — a later write, so W was not the
 * last. If all of them came before t_H, W did too; H's write phase comes after t_H, reads the tag
 * (W's value, or a later one) and, finding it off H, writes — again later than W. So the last write
 * puts H's image there, whatever the order of lists, reads and writes; a lower release that writes
 * after H's re-read is undone by its own settle read, and H's delayed re-check undoes one that
 * stopped before its settle phase (killed) as long as it wrote before that re-check.
 * The proof needs no particular delay, only a re-read after the last write; `settleMs` is the
 * window in which a killed writer's stale write, or a tag listing that lags behind the tags (an
 * eventually consistent registry), is still caught, so it is kept for every run that wrote. A run
 * that wrote nothing has no write to re-check, and its version tag predates the run: a lower
 * release whose listing missed it was covered by the settle phase of the run that wrote it.
 * A tag a variant shares with the plain image (`latest` without onlatest) orders its line by version,
 * then plain before variant (plan/tag-lines.ts): the proof above holds with that order in place of
 * the version's, as every writer reads the same order from the same listing.
 * Limits: the settle phase runs at most `rounds` times (reaching that is logged), and a line's leader
 * is read from full version tags, so a release whose `version-tags` leave out `full` cannot be seen
 * by the others, and a plain run reads another variant's release only once that variant's minor or
 * major tag is listed (what tells `2.1.0-alpine` from a pre-release), so a variant whose
 * `version-tags` are `full` alone never holds a shared `latest` against a lower plain release.
 */
import type { ManifestNode } from '../oci/graph.js';
import { lineLeader, type TagRule, type Variant } from '../plan/tags.js';
import type { RegistryClient } from '../registry/client.js';

export interface FloatingPlan {
  version: string;
  variant?: Variant;
  /** Every floating tag planned for the repository, with the rule that made it (its line). */
  tags: ReadonlyArray<{ tag: string; rule: TagRule }>;
  /** Told when a tag the early decision let move was left after all (a higher release landed). */
  onLeft?: (tag: string, reason: string) => void;
}

export interface FloatingContext {
  client: Pick<RegistryClient, 'listTags' | 'headManifest' | 'getManifest' | 'putManifest'>;
  repository: string;
  /** `registry/repository`, for the log. */
  name: string;
  root: ManifestNode;
  limit: <T>(task: () => Promise<T>) => Promise<T>;
  log: (line: string) => void;
  sleep: (ms: number) => Promise<void>;
  settleMs: number;
  rounds: number;
  /** Whether this run wrote one of the repository's fixed tags (its version tag among them) before the floating ones. */
  wroteFixedTags: boolean;
}

export interface FloatingResult {
  /** Tags that point at this image at the end (moved now or already there). */
  ours: string[];
  /** Tags left on, or yielded to, a higher release. */
  left: string[];
}

/** Moves the given floating tags (those the early decision allowed) and settles them. */
export async function convergeFloating(ctx: FloatingContext, plan: FloatingPlan, allowed: readonly string[]): Promise<FloatingResult> {
  const { client, repository, name, root, limit, log } = ctx;
  const ruleOf = new Map(plan.tags.map((t) => [t.tag, t.rule]));
  const v = plan.version;
  /** Per tag this release still guards: the digests it wrote there. */
  const guarded = new Map<string, Set<string>>();
  const left: string[] = [];

  /**
   * The leaders' version tags as read after the last listing: once per listing, shared by the tags
   * of a line (`1`, `1.2` and `latest` all follow `1.2.3`'s). One read stands for the moment of the
   * listing, as a read per tag would: a version tag moved by `release-tags: overwrite` after it is
   * a change like any other write, seen by the next listing's reads (each settle round starts the
   * map anew), so the cache never outlives the listing it belongs to.
   */
  let leaders = new Map<string, Promise<string | undefined>>();
  /** The line's leader and the digest the tag should hold: the leader's image, or this one while it leads. */
  const targetOf = async (tag: string, names: readonly string[]) => {
    const leader = lineLeader(ruleOf.get(tag)!, v, names, plan.variant);
    const higher = leader !== undefined && leader.order > 0;
    if (!leader || leader.order < 0) return { leader, higher, digest: root.digest };
    let at = leaders.get(leader.tag);
    if (!at) leaders.set(leader.tag, (at = limit(() => client.headManifest(repository, leader.tag)).then((m) => m?.digest)));
    return { leader, higher, digest: (await at) ?? root.digest };
  };

  let names = await limit(() => client.listTags(repository));
  // Each tag on its own, all at once: every step of the protocol is per tag (its listing, its
  // leader, its read right before its write); one after another, a re-run's three floating tags
  // took seven round trips, now two.
  const decided = await Promise.all(
    allowed.map(async (tag) => {
      const { leader, higher, digest } = await targetOf(tag, names);
      const at = await limit(() => client.headManifest(repository, tag));
      if (higher || digest !== root.digest) {
        const reason = `${leader!.tag} is there (${digest}), ${leader!.why}: ${tag} stays at ${at?.digest ?? 'nothing'}`;
        log(`${name}:${tag} not moved — re-read before writing: ${reason}`);
        plan.onLeft?.(tag, reason);
        return { tag, ours: false, wrote: false };
      }
      if (at?.digest === root.digest) return { tag, ours: true, wrote: false };
      await limit(() => client.putManifest(repository, tag, root.bytes, root.mediaType));
      log(`${name}:${tag}: was at ${at?.digest ?? 'nothing'}, now ${root.digest} (${v} leads its line)`);
      return { tag, ours: true, wrote: true };
    }),
  );
  for (const d of decided) {
    if (d.ours) guarded.set(d.tag, new Set([root.digest]));
    else left.push(d.tag);
  }
  const wrote = ctx.wroteFixedTags || decided.some((d) => d.wrote);

  // Nothing written by this run (a re-run of a release already in place): no write of its own to
  // re-check, and its version tag landed in an earlier run, whose settle phase guarded that moment.
  if (!wrote) return { ours: [...guarded.keys()], left };
  for (let round = 1; guarded.size > 0 && round <= ctx.rounds; round++) {
    await ctx.sleep(ctx.settleMs);
    names = await limit(() => client.listTags(repository));
    leaders = new Map();
    let changed = false;
    for (const [tag, written] of guarded) {
      const { leader, higher, digest } = await targetOf(tag, names);
      const at = await limit(() => client.headManifest(repository, tag));
      if (at?.digest === digest) {
        if (digest !== root.digest) {
          log(`${name}:${tag} is on ${leader!.tag} (${digest}), which leads its line now: left there`);
          guarded.delete(tag);
          left.push(tag);
          plan.onLeft?.(tag, `${leader!.tag} landed meanwhile`);
        }
        continue;
      }
      const ours = at !== undefined && written.has(at.digest);
      if (!ours && higher) {
        log(`${name}:${tag} is at ${at?.digest ?? 'nothing'} and ${leader!.tag} leads its line: its release moves it, not this one`);
        guarded.delete(tag);
        left.push(tag);
        continue;
      }
      const manifest = digest === root.digest ? root : await limit(() => client.getManifest(repository, digest));
      if (!manifest) continue; // the leader's image went away while we looked: read again next round
      await limit(() => client.putManifest(repository, tag, manifest.bytes, manifest.mediaType));
      written.add(digest);
      changed = true;
      log(
        higher
          ? `${name}:${tag}: ${leader!.tag} landed after this release wrote it: yielded, now ${digest}`
          : `${name}:${tag} was at ${at?.digest ?? 'nothing'} (written by a lower release after this one's re-read): repaired, now ${digest}`,
      );
    }
    if (!changed) return { ours: [...guarded.keys()], left };
  }
  if (guarded.size) log(`${name}: floating tags still changing after ${ctx.rounds} re-reads; the last writer's own re-read settles them`);
  return { ours: [...guarded.keys()], left };
}
