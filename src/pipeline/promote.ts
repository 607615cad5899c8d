/**
 * The promotion pipeline: copy a built image — a reference or a digest, every platform — from one
 * registry to others by digest, with the tags the destinations should get, sending only the blobs
 * each destination lacks. What a destination may already hold is found by HEAD, and mounted from
 * the repositories named in `mount-from` and the image's own base (its `base.name` label), so a
 * base every environment has is never sent again. The summary says what the copy cost.
 */
import { FindingError } from '../core/errors.js';
import { formatFull, formatRepository, parseReference, type Reference } from '../core/reference.js';
import type { Effects } from '../effects/effects.js';
import { PROMOTE_IDENTITY_NAMES, readPromoteInputs, type SignatureRequirement } from '../inputs/promote.js';
import { fetchGraph, graphSize, withReferrers, type ImageGraph } from '../oci/graph.js';
import { copyGraph } from '../push/copy.js';
import { describeReport } from '../push/engine.js';
import { engineOptions } from '../push/options.js';
import { pushError } from '../push/stage.js';
import type { RegistryClient } from '../registry/client.js';
import { closeAll, connectRegistries } from '../registry/connect.js';
import { BODY_LIMITS, readLimited } from '../registry/transport/http.js';
import { promoteReport } from '../report/promote.js';
import { publish } from '../report/publish.js';
import { newCatalog } from '../secrets/hide.js';
import { versionOfTag } from '../plan/tags.js';
import { findTagged } from '../trust/artefacts.js';
import { copyTaggedArtefacts } from '../trust/carry.js';

const MiB = 1024 * 1024;
const mib = (n: number) => (n / MiB).toFixed(1);

export async function promote(fx: Effects): Promise<void> {
  const { platform } = fx;
  const catalog = newCatalog(fx);
  const inputs = await readPromoteInputs((name) => platform.getInput(name), platform.context, catalog);
  const { source, destinations } = inputs;
  const clients = await connectRegistries(fx, inputs.transfer, [source, ...destinations], catalog);
  try {
    const client = clients.get(source.host)!;
    // The image's referrers (attestations, signatures) go with it.
    const graph = await withReferrers(client, source.path, await fetchGraph(client, source.path, source.digest ?? source.tag!, 'source'));
    if (source.digest && source.digest !== graph.root.digest) throw new Error(`${formatFull(source)}: the registry answered with ${graph.root.digest}`);
    // require-signature: the digest about to be copied is verified before any byte is sent anywhere.
    const signed = inputs.signature.required ? await requireSignature(fx, client, source, graph, inputs.signature) : undefined;
    // cosign's tagged signatures and attestations of the image (and of each platform, as --recursive signs them) go with it.
    const artefacts = (await Promise.all([graph.root, ...graph.children].map((n) => findTagged(client, source.path, n.digest)))).flat();
    // Where destinations may hold the base already: the mount-from repositories (trusted: the user
    // named them), and the image's base from its label (untrusted: the source names it, so a blob is
    // mounted from there only once the source is shown to hold it — HEAD at the source).
    const named = (host: string) => inputs.mountFrom.filter((h) => h.host === undefined || h.host === host).map((h) => h.path);
    const labelled = await baseRepository(client, source.path, graph.root.bytes, graph.children[0]?.bytes);
    const hints = [...new Set([...inputs.mountFrom.map((h) => (h.host ? `${h.host}/${h.path}` : h.path)), ...labelled])];
    const platforms = graph.children.length ? `, ${graph.children.length} platforms` : '';
    const kept = graph.referrers?.length ? `, ${graph.referrers.length} referrer${graph.referrers.length === 1 ? '' : 's'}` : '';
    platform.info(
      `Promoting ${formatFull(source)} (${graph.root.digest}, ${mib(graphSize(graph))} MiB${platforms}${kept}) to ${destinations.length} repositories${hints.length ? `; mounting from ${hints.join(', ')} where a destination has them` : ''}`,
    );
    // Version tags given to promote are release tags: not moved onto another commit's image (release-tags).
    const targets = destinations.map((repository) => ({
      repository,
      tags: inputs.tags,
      releaseTags: inputs.tags.filter((t) => versionOfTag(t) !== undefined),
    }));
    const options = {
      ...engineOptions(platform, inputs.transfer, clients),
      mountFrom: named,
      untrustedMountFrom: () => labelled,
      sourceHolds: (digest: string) => client.hasBlob(source.path, digest),
      releaseTags: inputs.releaseTags,
    };
    // Signatures first: once a destination's tag moves, the image it names is signed there too.
    const carried = artefacts.length
      ? await platform.group('Signatures and attestations', () => copyTaggedArtefacts(client, source, artefacts, targets, options))
      : { copied: [], reports: [] };
    for (const r of carried.reports) if (r.error) platform.info(describeReport(r));
    const unsigned = pushError(carried.reports, 'copy of the signatures');
    if (unsigned) throw unsigned; // the image is not copied where its signatures could not go
    if (carried.copied.length) platform.info(`Copied ${carried.copied.join(', ')} to ${destinations.length} repositories`);
    const result = await platform.group('Promote', () => copyGraph(client, source, graph, targets, options));
    for (const r of result.reports) platform.info(describeReport(r));
    const sent = [...carried.reports, ...result.reports].reduce((n, r) => n + r.bytesSent, 0);
    // What the destinations had already, or mounted from a repository of theirs: bytes shared with their bases.
    const shared = [...carried.reports, ...result.reports].reduce((n, r) => n + r.bytesMounted + r.bytesSkipped, 0);
    platform.info(
      `Sent ${mib(sent)} MiB of blobs for an image of ${mib(result.size)} MiB across ${destinations.length} destinations; ${mib(shared)} MiB were there already or mounted (shared with what they hold: their bases)`,
    );
    await publish(
      fx,
      promoteReport({
        source,
        destinations: destinations.length,
        digest: result.digest,
        size: result.size,
        reports: result.reports,
        sent,
        shared,
        ...(signed ? { signed } : {}),
        copied: carried.copied,
      }),
    );
    const failed = pushError(result.reports, 'promotion');
    if (failed) throw failed;
  } finally {
    await closeAll(clients);
  }
}

/**
 * The gate of `require-signature`: a signature of `digest` in the source repository that one of the
 * `verify-key` keys verifies, or keyless by `verify-identity` from `verify-oidc-issuer` under
 * `trusted-root` (`trust/gate.ts`); else a FindingError naming the digest and why, before
 * anything is copied. Returns who signed, for the log and the summary.
 */
async function requireSignature(fx: Effects, client: RegistryClient, source: Reference, graph: ImageGraph, required: SignatureRequirement): Promise<string> {
  const { readSigners, readKeylessSigners, verifyDigest, whyNotVerified, describeSigners } = await import('../trust/gate.js');
  const dir = fx.platform.context.workspace;
  const signers = required.keys ? await readSigners(fx.files, required.keys, 'verify-key', dir) : { input: 'verify-identity', keys: [] };
  if (required.keyless) signers.keyless = await readKeylessSigners(fx.files, required.keyless, PROMOTE_IDENTITY_NAMES, 'trusted-root', dir);
  const digest = graph.root.digest;
  const result = await verifyDigest(client, source.path, digest, signers);
  // Signatures stored either way count: cosign's `.sig` tag and Sigstore bundle referrers (verifyDigest reads both).
  if (!result.verified.length)
    throw new FindingError(
      `${formatRepository(source)}@${digest} is not promoted: ${whyNotVerified(result)}; nothing was copied and no tag moved (require-signature)`,
    );
  const who = describeSigners(result, signers);
  fx.platform.info(`Signature verified: ${digest} by ${who}`);
  return who;
}

/** The repository path of the image's base, from its `org.opencontainers.image.base.name` label. */
async function baseRepository(client: Pick<RegistryClient, 'fetchBlob'>, repo: string, root: Buffer, firstChild: Buffer | undefined): Promise<string[]> {
  try {
    const manifest = JSON.parse((firstChild ?? root).toString('utf8')) as { config?: { digest: string } };
    if (!manifest.config) return [];
    const body = await readLimited(await client.fetchBlob(repo, manifest.config.digest), BODY_LIMITS.listing, `the config of ${repo}`);
    const config = JSON.parse(body.toString('utf8')) as { config?: { Labels?: Record<string, string> } };
    const base = config.config?.Labels?.['org.opencontainers.image.base.name'];
    return base ? [parseReference(base).path] : [];
  } catch {
    return []; // no label or no config to read: the destinations get what they lack by HEAD
  }
}
