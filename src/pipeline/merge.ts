/**
 * The merge pipeline: images built apart (one platform per runner, each with push-by-digest)
 * joined into one index, which every target repository gets with the children it lacks — blobs
 * streamed from the source registries, mounted where a target's registry holds them — and the
 * version's tags, moved only forward as a build moves them. Every source is read and every
 * platform checked before anything is written.
 */
import { join } from 'node:path';
import { ConfigError, type ConfigIssue } from '../core/errors.js';
import type { Reference } from '../core/reference.js';
import type { Effects } from '../effects/effects.js';
import { parseSource, type MergeInputs } from '../inputs/merge.js';
import { readMergeInputs } from '../plan/inputs.js';
import { parseLines } from '../inputs/read.js';
import { describeReport, pushGraph } from '../push/engine.js';
import { joinParts, readPart } from '../push/merge.js';
import { engineOptions } from '../push/options.js';
import { pushError, pushTargets } from '../push/stage.js';
import type { TagDecision } from '../plan/tags.js';
import { closeAll, connectRegistries } from '../registry/connect.js';
import { mergeReport } from '../report/merge.js';
import { publish } from '../report/publish.js';
import { newCatalog } from '../secrets/hide.js';

/** The sources the inputs name, then those in the files of `sources-dir` (by file name). */
async function allSources(fx: Pick<Effects, 'files'>, inputs: MergeInputs): Promise<Reference[]> {
  const sources = [...inputs.sources];
  if (!inputs.sourcesDir) return sources;
  const issues: ConfigIssue[] = [];
  if (!(await fx.files.isDirectory(inputs.sourcesDir))) throw new ConfigError([{ input: 'sources-dir', message: `${inputs.sourcesDir} is not a directory` }]);
  for (const name of await fx.files.listFiles(inputs.sourcesDir)) {
    for (const line of parseLines(await fx.files.readText(join(inputs.sourcesDir, name)))) {
      const { source, issue } = parseSource(line, 'sources-dir');
      if (source) sources.push(source);
      if (issue) issues.push({ ...issue, message: `${name}: ${issue.message}` });
    }
  }
  if (!sources.length)
    issues.push({ input: 'sources-dir', message: `${inputs.sourcesDir} holds no source: each file names an image by digest (repo@sha256:…)` });
  if (issues.length) throw new ConfigError(issues);
  return sources;
}

export async function merge(fx: Effects): Promise<void> {
  const { platform } = fx;
  const catalog = newCatalog(fx);
  const inputs = await readMergeInputs((name) => platform.getInput(name), platform.context, catalog);
  // sign: key|keyless — the key read and checked (or the OIDC token found) before anything is pushed.
  const sign = inputs.signing.mode === 'off' ? undefined : await import('../sign/stage.js');
  const signer = sign && (await sign.signerFor(inputs.signing, catalog));
  const sources = await allSources(fx, inputs);
  const images = inputs.release.images;
  const clients = await connectRegistries(fx, inputs.transfer, [...sources, ...images.map((i) => i.repository)], catalog);
  try {
    const clientFor = (host: string) => clients.get(host)!;
    const parts = [];
    for (const source of sources) parts.push(await readPart(clientFor(source.host), source));
    const joined = joinParts(parts, clientFor);
    platform.info(`Index of ${joined.platforms.join(', ')} from ${sources.length} source${sources.length === 1 ? '' : 's'}: ${joined.graph.root.digest}`);
    const decisions = new Map<string, TagDecision[]>();
    const targets = pushTargets(images, inputs.release.version, inputs.tags.floating, decisions, inputs.tags.variant);
    // A target's registry may hold a source's blobs in the source's repository: mounted, not sent.
    const mountFrom = (host: string) => [...new Set(sources.filter((s) => s.host === host).map((s) => s.path))];
    const reports = await platform.group('Merge', () =>
      pushGraph(joined.graph, joined.source, targets, {
        ...engineOptions(platform, inputs.transfer, clients),
        mountFrom,
        releaseTags: inputs.tags.releaseTags,
      }),
    );
    for (const r of reports) platform.info(describeReport(r));
    for (const [repository, ds] of decisions) for (const d of ds) if (!d.push) platform.info(`${repository}: ${d.tag} not moved — ${d.reason}`);
    const failed = pushError(reports, 'merge');
    // Once the index and its tags are in every target: it and each platform image signed there (cosign sign --recursive).
    let signatures;
    let unsigned: unknown;
    if (sign && signer && !failed)
      signatures = await sign.signPushed(fx, signer, [{ graph: joined.graph, unit: { images } }], clients).catch((e: unknown) => {
        unsigned = e;
        return undefined;
      });
    await publish(
      fx,
      mergeReport({
        digest: joined.graph.root.digest,
        platforms: joined.platforms,
        sources,
        repositories: images.map((i) => i.repository),
        version: inputs.release.version,
        reports,
        decisions,
        ...(signatures ? { signatures } : {}),
      }),
    );
    if (failed) throw failed;
    if (unsigned) throw unsigned;
  } finally {
    await closeAll(clients);
  }
}
