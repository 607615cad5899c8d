/**
 * One entry of a hierarchy: its inputs laid over the step's, its Dockerfile's FROM of the parent
 * pinned, its inputs digest, the image its tags already hold from these inputs (`resolveEntry`),
 * and its build (`buildEntry`). Shared by the whole-family build, the plan and the one-entry job.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { ConfigError } from '../core/errors.js';
import { formatReference, formatRepository, parseReference, type Repository } from '../core/reference.js';
import type { LazyFacts } from '../core/facts.js';
import type { Effects } from '../effects/effects.js';
import type { HierarchyEntry } from '../inputs/hierarchy.js';
import type { BuildInputs } from '../inputs/index.js';
import { readBuildInputs } from '../plan/inputs.js';
import { imageConfig } from '../maintain/tags.js';
import { DockerfileError, stages } from '../plan/dockerfile.js';
import { closeAll, connectRegistries } from '../registry/connect.js';
import type { SecretCatalog } from '../secrets/catalog.js';
import { confineSource, workspaceConfinement } from '../inputs/confine.js';
import type { RunRecord } from '../report/outputs.js';
import type { EntryResult } from '../plan/hierarchy.js';
import { CONTEXT_DIGEST_CAP, contextDigest } from './context-digest.js';

/** The label that records a build's inputs, so an unchanged entry is known without building it. */
export const INPUTS_LABEL = 'dev.hoist.inputs.digest';

export type { EntryResult } from '../plan/hierarchy.js';

/** What an entry's image is made from: the same inputs give the same digest. */
export async function inputsDigest(inputs: BuildInputs, dockerfile: string, parentDigest: string | undefined): Promise<string | { tooLarge: number }> {
  const { source, builder } = inputs;
  const context = await contextDigest(source.context, source.file);
  if ('tooLarge' in context) return context;
  const canonical = JSON.stringify({
    context: context.digest,
    dockerfile,
    target: source.target ?? null,
    buildArgs: [...source.buildArgs].sort(([a], [b]) => a.localeCompare(b)),
    platforms: builder.platforms,
    parent: parentDigest ?? null,
  });
  return `sha256:${createHash('sha256').update(canonical).digest('hex')}`;
}

/** The Dockerfile with every `FROM` of the parent's repositories pinned to `digest`; throws when none names them. */
export function pinFrom(dockerfile: string, buildArgs: ReadonlyArray<readonly [string, string]>, parent: EntryResult, entry: string): string {
  const lines = dockerfile.split('\n');
  let pinned = 0;
  let all;
  try {
    all = stages(dockerfile, buildArgs);
  } catch (e) {
    if (e instanceof DockerfileError)
      throw new ConfigError([{ input: 'hierarchy', message: `${entry}: its Dockerfile, ${e.message} (BuildKit refuses it too)` }]);
    throw e;
  }
  for (const stage of all) {
    let ref;
    try {
      ref = parseReference(stage.from);
    } catch {
      continue; // scratch, an earlier stage
    }
    if (!parent.repositories.some((r) => r.host === ref.host && r.path === ref.path)) continue;
    const m = stage.endLine === stage.line ? /^(\s*FROM\s+)((?:--\S+\s+)*)(\S+)(.*)$/i.exec(lines[stage.line - 1] ?? '') : null;
    if (!m)
      throw new ConfigError([{ input: 'hierarchy', message: `${entry}: line ${stage.line} of its Dockerfile is a FROM Hoist cannot pin (split over lines)` }]);
    lines[stage.line - 1] = `${m[1]}${m[2]}${formatReference(ref, ref.tag, parent.digest)}${m[4]}`;
    pinned++;
  }
  if (!pinned) {
    throw new ConfigError([
      {
        input: 'hierarchy',
        message: `${entry} is from ${parent.name}, but no FROM of its Dockerfile names ${parent.name}'s images (${parent.repositories.map(formatRepository).join(', ')}): build it FROM one of them`,
      },
    ]);
  }
  return lines.join('\n');
}

/** The step's inputs with the entry's in their place, and the inputs label. */
function entryReader(read: (name: string) => string, entry: HierarchyEntry, label?: string): (name: string) => string {
  const own: Record<string, string | undefined> = {
    context: entry.context,
    file: entry.file ?? '',
    target: entry.target ?? '',
    'build-args': entry.buildArgs.length ? entry.buildArgs.map(([k, v]) => `${k}=${v}`).join('\n') : undefined,
    images: entry.images.join('\n'),
    version: entry.version,
    labels: label ? [read('labels'), `${INPUTS_LABEL}=${label}`].filter(Boolean).join('\n') : undefined,
  };
  return (name) => own[name] ?? read(name);
}

/** The image every one of the entry's repositories holds under a planned tag with these inputs, if any. */
export async function unchangedImage(fx: Effects, inputs: BuildInputs, digest: string, catalog: SecretCatalog): Promise<string | undefined> {
  const images = inputs.release.images;
  const clients = await connectRegistries(
    fx,
    inputs.transfer,
    images.map((i) => i.repository),
    catalog,
  );
  try {
    let found: string | undefined;
    for (const image of images) {
      const client = clients.get(image.repository.host)!;
      let here: string | undefined;
      for (const t of image.tags) {
        const config = await imageConfig(client, image.repository.path, t.tag).catch(() => undefined);
        if (config?.labels[INPUTS_LABEL] === digest) {
          here = config.digest;
          break;
        }
      }
      if (!here || (found && found !== here)) return undefined;
      found = here;
    }
    return found;
  } finally {
    await closeAll(clients);
  }
}

/** What an entry is made of in this run, before anything is built. */
export interface ResolvedEntry {
  entry: HierarchyEntry;
  /** Its inputs as the step's with the entry's laid over them. */
  probe: BuildInputs;
  repositories: Repository[];
  /** Its Dockerfile, the parent's FROM pinned. */
  pinned: string;
  /** Its inputs digest; undefined when its context is too large to hash. */
  digest?: string;
  /** The image its planned tags hold, built from these inputs. */
  existing?: string;
}

/**
 * One build from its inputs to its push (`build.ts#runBuild`), handed in by the build pipeline that
 * loads the family: this module never imports its caller back.
 */
export type RunBuild = (
  fx: Effects,
  read: (name: string) => string,
  facts: LazyFacts,
  catalog: SecretCatalog,
  o: { publish: boolean; prepare?: (inputs: BuildInputs, workdir: string) => Promise<BuildInputs> },
) => Promise<RunRecord>;

/** The entry's inputs, pinned Dockerfile and inputs digest, and the image its tags hold from them, if any. */
export async function resolveEntry(
  fx: Effects,
  entry: HierarchyEntry,
  parent: EntryResult | undefined,
  catalog: SecretCatalog,
  facts: LazyFacts,
): Promise<ResolvedEntry> {
  const { platform } = fx;
  const read = entryReader((name) => platform.getInput(name), entry);
  const probe = await readBuildInputs(read, platform.context, catalog, facts);
  const repositories = probe.release.images.map((i) => i.repository);
  if (probe.source.git) {
    throw new ConfigError([
      {
        input: 'hierarchy',
        message: `${entry.name}: context must be a directory of the checkout (a git URL's content cannot be compared with what the registry holds)`,
      },
    ]);
  }
  if (!probe.delivery.push)
    throw new ConfigError([{ input: 'push', message: 'a hierarchy pushes each parent before its children are built on it: set push: true' }]);
  // The entry's context and Dockerfile are the hierarchy file's word, repository content: nothing is read before they are confined.
  await confineSource(fx.files, probe.source, workspaceConfinement(platform.context.workspace, 'hierarchy', entry.name));
  const dockerfile = await fx.files.readText(probe.source.file).catch(() => {
    throw new ConfigError([{ input: 'hierarchy', message: `${entry.name}: no Dockerfile at ${probe.source.file}` }]);
  });
  const pinned = parent ? pinFrom(dockerfile, probe.source.buildArgs, parent, entry.name) : dockerfile;
  const inputs = await inputsDigest(probe, pinned, parent?.digest);
  if (typeof inputs !== 'string') {
    platform.info(`${entry.name}: its context holds more than ${CONTEXT_DIGEST_CAP / 1024 ** 3} GiB of files: not compared with what its tags hold, built`);
    return { entry, probe, repositories, pinned };
  }
  const existing = await unchangedImage(fx, probe, inputs, catalog);
  return { entry, probe, repositories, pinned, digest: inputs, ...(existing ? { existing } : {}) };
}

/** The entry built on `parent` (or left as it is when its tags hold an image of these inputs). */
export async function buildEntry(
  fx: Effects,
  entry: HierarchyEntry,
  parent: EntryResult | undefined,
  catalog: SecretCatalog,
  facts: LazyFacts,
  runBuild: RunBuild,
): Promise<EntryResult> {
  const { platform } = fx;
  const step = (name: string) => platform.getInput(name);
  const { repositories, pinned, digest, existing } = await resolveEntry(fx, entry, parent, catalog, facts);
  if (existing && digest) {
    platform.info(
      `${entry.name}: unchanged — ${repositories.map(formatRepository).join(', ')} already hold ${existing}, built from these inputs (${digest.slice(0, 19)}…); not built, no tag moved`,
    );
    return { name: entry.name, status: 'unchanged', digest: existing, repositories };
  }
  const prepare = async (inputs: BuildInputs, workdir: string) => {
    if (!parent) return inputs;
    const file = join(workdir, 'Dockerfile.pinned');
    await fx.files.writeText(file, pinned);
    platform.info(`${entry.name}: built on ${parent.name} at ${parent.digest} (its FROM pinned)`);
    return { ...inputs, source: { ...inputs.source, file } };
  };
  const record = await runBuild(fx, entryReader(step, entry, digest), facts, catalog, { publish: false, prepare });
  const built = record.built?.[0];
  if (!built || !record.pushed) throw new Error(`${entry.name}: nothing was pushed`);
  return {
    name: entry.name,
    status: 'built',
    digest: built.root.descriptor.digest,
    repositories,
    references: record.pushed.reports.flatMap((r) => r.references),
  };
}
