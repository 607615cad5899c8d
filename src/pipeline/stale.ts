/**
 * The stale report (`hoist stale`, the stale sub-action and component): which images are built on
 * a base that has moved since. Each image records its base (`base.name`, `base.digest`: labels
 * where its FROM was pinned, else the manifest annotations Hoist sets from the base's registry);
 * the base's tag is read again, and an image whose recorded digest is no longer what that tag
 * points at is stale — and so is every image built on a stale one, with the chain down from the
 * ancestor that changed. The images are those a hierarchy file plans (each entry's version tag,
 * else latest) or the references given. Anything stale fails the step: the rebuild list for a
 * scheduled pipeline.
 */
import { ConfigError, FindingError } from '../core/errors.js';
import { formatFull, parseReference, type Reference } from '../core/reference.js';
import type { Effects } from '../effects/effects.js';
import { readHierarchy } from '../inputs/hierarchy.js';
import { referenceError } from '../inputs/images.js';
import { inputScope, parseList } from '../inputs/read.js';
import { catalogRegistryPasswords, parseTransfer, yamlFor } from '../inputs/registries.js';
import { imageConfig } from '../maintain/tags.js';
import type { RegistryClient } from '../registry/client.js';
import { closeAll, connectRegistries } from '../registry/connect.js';
import { publish } from '../report/publish.js';
import { staleReport, type Verdict } from '../report/stale.js';
import { newCatalog } from '../secrets/hide.js';

const BASE_NAME = 'org.opencontainers.image.base.name';
const BASE_DIGEST = 'org.opencontainers.image.base.digest';
const MAX_DEPTH = 16;

export type { Verdict } from '../report/stale.js';

/**
 * The base an image records as its own. The manifest annotations are the image's own (Hoist sets
 * them on every build, from the FROM or the base's registry); config labels are inherited through
 * FROM, so an unpinned child of a pinned parent carries its parent's base.digest label: labels
 * count only where the annotations name no base, or the same one.
 */
export function recordedBase(config: { labels: Record<string, string>; annotations: Record<string, string> }): { name?: string; digest?: string } {
  const own = config.annotations;
  if (own[BASE_NAME] && own[BASE_DIGEST]) return { name: own[BASE_NAME], digest: own[BASE_DIGEST] };
  const labels = config.labels;
  if (labels[BASE_NAME] && labels[BASE_DIGEST] && (!own[BASE_NAME] || own[BASE_NAME] === labels[BASE_NAME]))
    return { name: labels[BASE_NAME], digest: labels[BASE_DIGEST] };
  return own[BASE_NAME] ? { name: own[BASE_NAME] } : {};
}

/**
 * The images the step names: the hierarchy's entries (their version tag, else latest), and `images`
 * references (`named`: their full names, which must be in their registries).
 */
async function imagesToCheck(fx: Effects, read: (n: string) => string): Promise<{ refs: Reference[]; named: Set<string> }> {
  const refs: Reference[] = [];
  const named = new Set<string>();
  const file = read('hierarchy').trim();
  if (file) {
    for (const e of await readHierarchy(fx.files, fx.platform.context.workspace, file, read('allow-outside-workspace').trim() === 'true')) {
      for (const image of e.images) refs.push({ ...parseReference(image.split(/\s+/)[0]!), tag: e.version ?? 'latest', digest: undefined });
    }
  }
  for (const line of parseList(read('images'))) {
    try {
      const parsed = parseReference(line);
      const ref = parsed.tag || parsed.digest ? parsed : { ...parsed, tag: 'latest' };
      refs.push(ref);
      named.add(formatFull(ref));
    } catch (e) {
      throw new ConfigError([{ input: 'images', message: referenceError(line, e) }]);
    }
  }
  if (!refs.length) throw new ConfigError([{ input: 'hierarchy', message: 'nothing to check: give a hierarchy file, or images (references with their tags)' }]);
  return { refs, named };
}

/** Whether one image sits on a base that moved, following its bases up. */
export async function checkImage(
  clientFor: (host: string) => Promise<RegistryClient>,
  ref: Reference,
  seen: Map<string, Promise<Verdict>> = new Map(),
  depth = 0,
  below: ReadonlySet<string> = new Set(),
): Promise<Verdict> {
  const name = formatFull(ref);
  // Records that name each other as bases (a registry's labels are untrusted) end here, not in a wait on itself.
  if (below.has(name)) return { image: name, stale: false, unknown: true, reason: 'cannot tell: its recorded bases form a cycle', chain: [] };
  const known = seen.get(name);
  if (known) return known;
  const verdict = (async (): Promise<Verdict> => {
    const config = await imageConfig(await clientFor(ref.host), ref.path, ref.digest ?? ref.tag ?? 'latest');
    if (!config)
      return { image: name, stale: false, absent: true, reason: 'not in its registry (not built yet, or a mistyped name): nothing to check', chain: [] };
    const { name: baseName, digest: recorded } = recordedBase(config);
    if (!baseName || !recorded) return { image: name, stale: false, reason: 'records no base (base.name and base.digest labels or annotations)', chain: [] };
    let base: Reference;
    try {
      base = parseReference(baseName);
    } catch (e) {
      return {
        image: name,
        stale: false,
        unknown: true,
        reason: `cannot tell: its base.name '${baseName}' is no image reference (${(e as Error).message})`,
        chain: [],
      };
    }
    if (!base.tag) return { image: name, stale: false, reason: `its base ${baseName} is pinned by digest alone: it cannot move`, chain: [] };
    const tagRef = { ...base, digest: undefined };
    const current = (await (await clientFor(base.host)).headManifest(base.path, base.tag))?.digest;
    if (!current) return { image: name, stale: true, reason: `its base ${formatFull(tagRef)} is gone from its registry`, chain: [formatFull(tagRef)] };
    if (current !== recorded)
      return { image: name, stale: true, reason: `its base ${formatFull(tagRef)} moved: built on ${recorded}, now ${current}`, chain: [formatFull(tagRef)] };
    if (depth >= MAX_DEPTH) return { image: name, stale: false, reason: `its base is current (bases deeper than ${MAX_DEPTH} not followed)`, chain: [] };
    const up = await checkImage(clientFor, tagRef, seen, depth + 1, new Set([...below, name]));
    if (up.stale) return { image: name, stale: true, reason: `built on ${up.image}, which is stale: ${up.reason}`, chain: [up.image, ...up.chain] };
    return { image: name, stale: false, reason: `its base ${formatFull(tagRef)} is current (${current})`, chain: [] };
  })();
  // One image's trouble (its registry failing, a record that cannot be read) is that image's note, not the report's failure.
  const settled = verdict.catch((e: unknown): Verdict => ({
    image: name,
    stale: false,
    unknown: true,
    reason: `cannot tell: ${e instanceof Error ? e.message : String(e)}`,
    chain: [],
  }));
  seen.set(name, settled);
  return settled;
}

export async function stale(fx: Effects): Promise<void> {
  const { platform } = fx;
  const read = (name: string) => platform.getInput(name);
  const scope = inputScope(read, platform.context.workspace, platform.context.env);
  const transfer = parseTransfer(scope, await yamlFor(read('registry-auth')));
  if (scope.issues.length) throw new ConfigError(scope.issues);
  const catalog = newCatalog(fx);
  catalogRegistryPasswords(transfer, catalog);
  const { refs, named } = await imagesToCheck(fx, read);
  const clients = await connectRegistries(fx, transfer, refs, catalog);
  try {
    const clientFor = async (host: string) => {
      const known = clients.get(host);
      if (known) return known;
      const more = await connectRegistries(fx, transfer, [parseReference(`${host}/x`)], catalog);
      for (const [h, c] of more) clients.set(h, c);
      return clients.get(host)!;
    };
    const seen = new Map<string, Promise<Verdict>>();
    const verdicts: Verdict[] = [];
    for (const ref of refs) verdicts.push(await checkImage(clientFor, ref, seen));
    const staleOnes = verdicts.filter((v) => v.stale);
    for (const v of verdicts)
      if (v.unknown) platform.warning(`??  ${v.image}: ${v.reason}`);
      else if (v.absent) platform.warning(`--  ${v.image}: ${v.reason}`);
      else platform.info(`${v.stale ? 'STALE' : 'ok'}  ${v.image}: ${v.reason}`);
    await publish(fx, staleReport(verdicts));
    if (staleOnes.length)
      throw new FindingError(
        `${staleOnes.length} of ${verdicts.length} images are built on an outdated base; rebuild: ${staleOnes.map((v) => v.image).join(', ')}`,
      );
    // An image the step names itself that its registry does not hold is a mistyped (or deleted)
    // reference: a warning alone let a scheduled check pass green without ever checking it. A
    // hierarchy's entry not built yet stays a warning (a family grows before its first build).
    const missing = verdicts.filter((v) => v.absent && named.has(v.image));
    if (missing.length)
      throw new ConfigError(
        missing.map((v) => ({
          input: 'images',
          message: `${v.image} is not in its registry (no such repository, or no such tag in it): correct the reference, or leave it out until it is pushed`,
        })),
      );
    // Not stale is not the answer for an image that could not be read: the report is incomplete.
    const unknown = verdicts.filter((v) => v.unknown);
    if (unknown.length)
      throw new Error(`could not check ${unknown.length} of ${verdicts.length} images: ${unknown.map((v) => `${v.image} (${v.reason})`).join('; ')}`);
  } finally {
    await closeAll(clients);
  }
}
