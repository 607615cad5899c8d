/**
 * The push stage: each build to its own images' registries, sending only what each lacks, with
 * forward-only floating tags decided per repository against the tags it already has.
 */
import { join } from 'node:path';
import type { Built } from '../builders/stage.js';
import { formatRepository } from '../core/reference.js';
import type { Effects } from '../effects/effects.js';
import type { BuildInputs } from '../inputs/index.js';
import { adoptingSource, mountHints } from '../oci/adopt.js';
import { layoutSource } from '../oci/graph.js';
import type { ImageTarget } from '../plan/release.js';
import { decideTags, type FloatingMode, type TagDecision, type Variant } from '../plan/tags.js';
import type { RegistryClient } from '../registry/client.js';
import { describeReport, pushGraph, TagListError, type PushTarget, type RegistryReport } from './engine.js';
import { engineOptions } from './options.js';

export interface Pushed {
  reports: RegistryReport[];
  /** Per repository: every planned tag, moved or not, and why. */
  decisions: Map<string, TagDecision[]>;
}

/** Per image: the push target, with forward-only floating tags decided against the registry's tags. */
export function pushTargets(
  images: readonly ImageTarget[],
  version: string | undefined,
  floating: FloatingMode,
  decisions: Map<string, TagDecision[]>,
  variant?: Variant,
): PushTarget[] {
  return images.map((image) => {
    const name = formatRepository(image.repository);
    const decide = (existing: readonly string[]) => {
      const d = decideTags(image.tags, version, existing, floating, variant);
      decisions.set(name, d);
      return d.filter((x) => x.push).map((x) => x.tag);
    };
    const needsListing = floating === 'forward' && image.tags.some((t) => t.floating);
    // The full version tag: not moved onto another commit's image (release-tags: protect).
    const releaseTags = image.tags.filter((t) => t.rule === 'version').map((t) => t.tag);
    if (!needsListing) return { repository: image.repository, tags: decide([]), releaseTags };
    const onLeft = (tag: string, reason: string) =>
      decisions.set(
        name,
        (decisions.get(name) ?? []).map((d) => (d.tag === tag ? { ...d, push: false, reason } : d)),
      );
    const plan = version ? { version, variant, tags: image.tags.filter((t) => t.floating).map(({ tag, rule }) => ({ tag, rule })), onLeft } : undefined;
    return { repository: image.repository, tags: [], chooseTags: decide, releaseTags, ...(plan ? { floating: plan } : {}) };
  });
}

export async function pushBuilds(
  fx: Pick<Effects, 'platform' | 'files'>,
  inputs: BuildInputs,
  built: readonly Built[],
  clients: ReadonlyMap<string, RegistryClient>,
): Promise<Pushed> {
  const { platform } = fx;
  const pushed: Pushed = { reports: [], decisions: new Map() };
  const options = engineOptions(platform, inputs.transfer, clients);
  await platform.group('Push', async () => {
    for (const b of built) {
      const mine = new Map<string, TagDecision[]>();
      // push-by-digest: a platform's part of a later merge, which tags the index; nothing here moves a tag.
      const targets = inputs.delivery.pushByDigest
        ? b.unit.images.map((image) => ({ repository: image.repository, tags: [] }))
        : pushTargets(b.unit.images, inputs.release.version, inputs.tags.floating, mine, inputs.tags.variant);
      const source = adoptingSource(layoutSource(b.layoutDir), b.adopted, (host) => clients.get(host));
      const reports = await pushGraph(b.graph, source, targets, { ...options, releaseTags: inputs.tags.releaseTags, mountFrom: mountHints(b.base, b.adopted) });
      for (const r of reports) platform.info(describeReport(r));
      if (inputs.delivery.pushByDigest) await recordDigest(fx, inputs.delivery.digestDir, b, reports);
      for (const [repository, ds] of mine) {
        pushed.decisions.set(repository, ds);
        for (const d of ds) if (!d.push) platform.info(`${repository}: ${d.tag} not moved — ${d.reason}`);
      }
      pushed.reports.push(...reports);
    }
  });
  return pushed;
}

/**
 * push-by-digest: the log names what was pushed; with `digest-dir`, a file named after the
 * platforms holds each reference — one runner's part of a merge's sources-dir.
 */
async function recordDigest(fx: Pick<Effects, 'platform' | 'files'>, dir: string | undefined, b: Built, reports: readonly RegistryReport[]): Promise<void> {
  const refs = b.unit.images.map((i) => `${formatRepository(i.repository)}@${b.root.descriptor.digest}`);
  fx.platform.info(`push-by-digest: ${refs.join(', ')} (${b.platforms.join(', ') || 'platform unknown'}); no tag set — merge joins it`);
  if (!dir || reports.some((r) => r.error)) return;
  const name = (b.platforms.join('_') || b.root.descriptor.digest.slice(7, 19)).replace(/\//g, '-');
  await fx.files.writeText(join(dir, name), `${refs.join('\n')}\n`);
  fx.platform.info(`push-by-digest: ${join(dir, name)} written for merge's sources-dir`);
}

/** The error for registries that failed (the others succeeded; on a failed one, no tag moved or those that did named). */
export function pushError(reports: readonly RegistryReport[], what = 'push'): Error | undefined {
  const failed = reports.filter((r) => r.error);
  if (!failed.length) return undefined;
  const ok = reports.length - failed.length;
  const hint = failed.some((r) => r.error instanceof TagListError)
    ? "\n  (floating tags move only forward, which needs the registry's tag list: grant read access, or set floating-tags: always)"
    : '';
  const lines = failed.map((r) => `  ${describeReport(r)}`).join('\n');
  // A failure after a tag was written (the floating tags' second listing refused, after the release
  // tag) leaves that tag on the image: said so, where "no tag moved on a failed one" was said anyway.
  const moved = failed.flatMap((r) => r.references);
  const tags = moved.length
    ? `on a failed one only ${moved.join(', ')} point${moved.length === 1 ? 's' : ''} at the image; a re-run moves the rest`
    : 'no tag moved on a failed one';
  return new Error(
    `${what} failed on ${failed.length} of ${reports.length} registries (${what === 'push' ? `${ok} succeeded; ` : ''}${tags}):\n${lines}${hint}`,
    // Kept for the exit code (cli/exit.ts): a refused release tag is the policy's finding, a network failure is not.
    { cause: failed.length === 1 ? failed[0]!.error : new AggregateError(failed.map((r) => r.error)) },
  );
}
