/**
 * The build stage: the builder chosen (and what it cannot do refused) before any secret is
 * written; then the secrets as 0600 files and Hoist's own ssh-agent, one build per unit into an
 * OCI layout, Hoist's annotations on each root; the secrets gone as soon as the builds are done.
 */
import { join } from 'node:path';
import type { Builder, BuilderProbe, BuildPlan, Choice, LayerAudit } from '../core/builder.js';
import { ConfigError } from '../core/errors.js';
import { keepHeapSmall } from '../core/heap.js';
import { formatReference, formatRepository, type Reference } from '../core/reference.js';
import type { Effects } from '../effects/effects.js';
import type { BuildInputs } from '../inputs/index.js';
import type { Adopted } from '../oci/adopt.js';
import { addReferrers, layoutGraph, layoutPlatforms, type ImageGraph } from '../oci/graph.js';
import { attestationsToReferrers } from '../oci/referrers.js';
import { annotateLayoutRoot, type LayoutRoot } from '../oci/layout.js';
import type { Labels } from '../plan/labels.js';
import type { PlannedUnit } from '../plan/stage.js';
import type { ImageMeta, Unit } from '../plan/units.js';
import type { Workdir } from '../core/workdir.js';
import { allowingEnv, HELPER_ENV } from '../effects/exec.js';
import { BuilderError, chooseBuilder } from './builders.js';
import { githubTokenLogin, writeBuilderAccess, type BuilderRegistryAccess } from './registry-access.js';
import { unsupported } from './plan.js';
import { baseReference, type BaseFinder } from './bases.js';
import { buildLayout, checkEmulation } from './layout-build.js';
import { AGENT_STATE, startAgent } from './ssh-agent.js';
import { plainLoopbackRegistries } from './loopback.js';
import { imageUses } from '../plan/dockerfile.js';

export { AGENT_STATE };
/** The build's agent keeps ssh-key this long: the longest a job may run (GitHub's limit, 6 hours). */
const BUILD_KEY_LIFETIME_S = 6 * 3600;

/** One finished build: its unit, labels, OCI layout and graph. */
export interface Built {
  unit: Unit;
  meta: ImageMeta;
  layoutDir: string;
  root: LayoutRoot;
  imageId: string;
  localTags: readonly string[];
  graph: ImageGraph;
  /** Steps mounting a secret that came from the build cache (they ran with an earlier value). */
  cachedSecretSteps: string[];
  /** The image's base, when it names a registry image: its repository is where registries may mount from. */
  base?: Reference;
  /** Base layers the manifest names by the base's registry blobs (the layout holds stand-ins). */
  adopted: Adopted;
  /** The image's platforms (`os/arch[/variant]`): an index's, or its config's. */
  platforms: string[];
  /** buildx's reference of the build (`buildx.build.ref`), where there is one. */
  buildRef?: string;
  /** The audit that read the layers as the builder streamed them (the docker path), for the audit stage to finish. */
  streamedAudit?: LayerAudit;
}

/** The epoch a reproducible build clamps to: the release's creation time, in Unix seconds. */
export function epochOf(inputs: BuildInputs): number | undefined {
  return inputs.builder.reproducible ? Math.floor(Date.parse(inputs.release.created.created) / 1000) : undefined;
}

function planFor(inputs: BuildInputs, unit: Unit, labels: Labels): BuildPlan {
  const { source, builder: b, secrets } = inputs;
  const epoch = epochOf(inputs);
  // BuildKit (0.11 on) takes its times from SOURCE_DATE_EPOCH; the user's own value wins.
  const sde = epoch !== undefined && !source.buildArgs.some(([k]) => k === 'SOURCE_DATE_EPOCH') ? [['SOURCE_DATE_EPOCH', String(epoch)] as const] : [];
  return {
    context: source.context,
    file: source.file,
    target: unit.target,
    buildArgs: [...source.buildArgs, ...sde],
    labels: labels.values,
    annotations: inputs.metadata.leveledAnnotations,
    network: b.network,
    secretFiles: [],
    ssh: secrets.ssh,
    platforms: b.platforms,
    cacheFrom: b.cacheFrom,
    cacheTo: b.cacheTo,
    noCache: b.noCache,
    pull: b.pull,
    addHosts: b.addHosts,
    buildContexts: source.buildContexts,
    provenance: b.provenance,
    sbom: b.sbom,
    extras: b.extras,
    // Local names for the built image: its fixed tags (floating ones are decided per registry later).
    localTags: unit.images.flatMap((image) => image.tags.filter((t) => !t.floating).map((t) => formatReference(image.repository, t.tag))),
    keepLocalTags: inputs.delivery.load,
    iidFile: '',
    ...(epoch === undefined ? {} : { epoch }),
  };
}

/** The builder for this run, said with its reason; what it cannot do is refused as input errors. */
export async function chooseBuilderFor(
  fx: Pick<Effects, 'platform' | 'exec' | 'builders'>,
  inputs: BuildInputs,
  first: PlannedUnit,
  probing?: Promise<BuilderProbe>, // asked already, while the run read and planned (pipeline/build.ts)
): Promise<Choice> {
  const { platform } = fx;
  const b = inputs.builder;
  const probe = await (probing ?? fx.builders.probe(fx.exec, platform.context.env, b.buildxBuilder));
  let choice: Choice;
  try {
    choice = chooseBuilder(b.builder, probe, b.buildkitHost);
  } catch (e) {
    // build-push-action's `builder: NAME` is a buildx instance: without buildx, say what Hoist's builder input takes.
    if (!b.builderIsInstance || !(e instanceof BuilderError)) throw e;
    throw new BuilderError(
      `builder: '${b.buildxBuilder}' is taken as a buildx builder instance (build-push-action's meaning), but ${e.message.replace(/^builder buildx: /, '')}; or set builder: auto (or docker, buildctl, buildah) to let Hoist build without buildx`,
    );
  }
  platform.info(
    `Builder: ${choice.name} (${choice.why}${b.builderIsInstance ? `; builder instance ${b.buildxBuilder}, as build-push-action's builder input names it` : ''})`,
  );
  const refused = unsupported(choice.name, planFor(inputs, first.unit, first.meta.labels), b.provenanceSet);
  if (refused.length) throw new ConfigError(refused);
  if (b.provenance !== 'false' && !b.provenanceSet && (choice.name === 'docker' || choice.name === 'buildah')) {
    platform.info(`No provenance attestation: builder ${choice.name} cannot make one (buildx and buildctl do)`);
  }
  return choice;
}

/** Writes `secrets` values (and the pinned host keys) to 0600 files in the private directory; returns id → path. */
async function writeSecretFiles(fx: Pick<Effects, 'files'>, inputs: BuildInputs, dir: string): Promise<Array<{ id: string; path: string }>> {
  const out: Array<{ id: string; path: string }> = [];
  const write = async (id: string, value: string) => {
    const path = join(dir, id);
    await fx.files.writePrivate(path, value);
    out.push({ id, path });
  };
  for (const s of inputs.secrets.secrets) {
    if (s.kind === 'file') out.push({ id: s.id, path: s.path });
    else await write(s.id, s.value);
  }
  if (inputs.secrets.knownHosts) await write('known_hosts', `${inputs.secrets.knownHosts}\n`);
  return out;
}

/** The builders' registry settings: the step's, in its private directory; what the daemon cannot be told is said. */
async function registryAccess(fx: Effects, inputs: BuildInputs, choice: Choice, dir: string): Promise<BuilderRegistryAccess> {
  const { transfer, delivery } = inputs;
  const env = fx.platform.context.env;
  // ghcr.io through the step's github-token when the push would use it (registry/resolve.ts): neither
  // registry-auth nor the machine's Docker config logs in to it. The machine's own login stays as it is.
  const ghcr = delivery.githubToken ? await githubTokenLogin(fx, transfer, delivery.githubToken) : [];
  const access = await writeBuilderAccess(dir, transfer, env, ghcr);
  if (choice.name === 'docker' && access.caHosts.length) {
    fx.platform.info(
      `registry-ca: the Docker daemon checks ${access.caHosts.join(', ')} with its own trust store when it pulls a base from there: put the CA at /etc/docker/certs.d/<host>/ca.crt on the daemon's machine (Hoist's own pushes use registry-ca as given)`,
    );
  }
  return access;
}

/** The chosen builder, with the step's registry settings for every pull it makes (bases, COPY --from, caches). */
async function builderFor(fx: Effects, inputs: BuildInputs, choice: Choice, work: Workdir, targets: ReadonlyArray<string | undefined> = []): Promise<Builder> {
  const { platform, exec } = fx;
  const insecureRegistries = [...inputs.transfer.registries].filter(([, r]) => r.insecure).map(([host]) => host);
  if (choice.name === 'buildah') insecureRegistries.push(...(await plainLoopbackBases(fx, inputs, targets, insecureRegistries)));
  const { buildkitHost, buildxBuilder } = inputs.builder;
  const access = await registryAccess(fx, inputs, choice, work.dir);
  return fx.builders.create(choice, {
    exec: allowingEnv(exec, HELPER_ENV),
    // The step's logins, helpers and CAs reach every pull the builder makes (bases, COPY --from, caches).
    env: { ...platform.context.env, DOCKER_CONFIG: access.dockerConfig, REGISTRY_AUTH_FILE: access.authFile },
    certDir: access.certDir,
    workdir: work.dir,
    readFile: (p) => fx.files.readText(p),
    buildkitHost,
    buildxBuilder,
    insecureRegistries,
  });
}

/**
 * The loopback registries the build pulls from that answer in plain HTTP (builders/loopback.ts):
 * buildah reaches them over HTTP, as Docker and Hoist's own client do, and the log says so.
 */
async function plainLoopbackBases(fx: Effects, inputs: BuildInputs, targets: ReadonlyArray<string | undefined>, known: readonly string[]): Promise<string[]> {
  let refs: string[];
  try {
    const uses = imageUses(await fx.files.readText(inputs.source.file), inputs.source.buildArgs, {
      platforms: inputs.builder.platforms,
      targets: [...targets],
    });
    refs = uses.map((u) => u.ref);
  } catch {
    return []; // the policy stage has said what is wrong with the Dockerfile
  }
  for (const [, source] of inputs.source.buildContexts) if (source.startsWith('docker-image://')) refs.push(source.slice('docker-image://'.length));
  const plain = await plainLoopbackRegistries(refs, known);
  for (const host of plain) fx.platform.info(`${host}: a loopback registry that answers in plain HTTP: buildah pulls from it over HTTP, as Docker does`);
  return plain;
}

/** The build's SSH forwards: the given ones, and ssh-key loaded into Hoist's own agent (stopped with the step) as default. */
async function buildAgent(fx: Effects, inputs: BuildInputs, work: Workdir) {
  const { platform, exec } = fx;
  const ssh = [...inputs.secrets.ssh];
  const { sshKey, sshKeyPassphrase } = inputs.secrets;
  const agent = sshKey ? await startAgent(exec, work.dir, platform.context.env, sshKey, sshKeyPassphrase, BUILD_KEY_LIFETIME_S) : undefined;
  if (agent) {
    work.onEnd(() => agent.stop());
    platform.saveState(AGENT_STATE, String(agent.pid));
    ssh.push({ id: 'default', paths: [agent.socket] });
    platform.info("ssh-key loaded into Hoist's own ssh-agent, forwarded to the build as default");
  }
  return { ssh, agent };
}

export async function runBuilds(
  fx: Effects,
  inputs: BuildInputs,
  planned: readonly PlannedUnit[],
  choice: Choice,
  work: Workdir,
  findBase: BaseFinder = async () => undefined,
  auditLayers?: (layoutDir: string) => LayerAudit,
): Promise<Built[]> {
  const { platform } = fx;
  // The young generation stays at the size it has from here (core/heap.ts): a builder's layers and
  // the audit that reads them as they stream (the docker path) come next, and by the first layer
  // it had doubled to 8-16 MiB a semi-space (peak RSS of the docker path, 200 MiB base: 128 -> 106 MiB).
  keepHeapSmall();
  await checkEmulation(fx.files, choice.name, inputs.builder.platforms, await fx.files.readText(inputs.source.file));
  const secretsDir = await fx.files.makePrivateDir(work.dir, 'secrets-');
  const secretFiles = await writeSecretFiles(fx, inputs, secretsDir);
  const { ssh, agent } = await buildAgent(fx, inputs, work);
  const builder = await builderFor(
    fx,
    inputs,
    choice,
    work,
    planned.map((p) => p.unit.target),
  );
  const built: Built[] = [];
  for (const [i, { unit, meta }] of planned.entries()) {
    const layoutDir = join(work.dir, `oci-${i}`);
    // The audit reads the layers as the builder streams them (the docker path), once per attempt:
    // the last one audited the layout that stays. Several platforms go through layouts of their own.
    let streamedAudit: LayerAudit | undefined;
    const streaming = auditLayers && inputs.builder.platforms.length < 2 ? { auditLayers: () => (streamedAudit = auditLayers(layoutDir)) } : {};
    const plan = {
      ...planFor(inputs, unit, meta.labels),
      ssh,
      secretFiles,
      iidFile: join(work.dir, `iid-${i}`),
      onCancel: (stop: () => void) => work.onEnd(stop),
      ...streaming,
    };
    const name = planned.length > 1 ? ` ${unit.target ?? 'default'} for ${unit.images.map((x) => formatRepository(x.repository)).join(', ')}` : '';
    const {
      imageId,
      cachedSecretSteps,
      adopted,
      baseDigest,
      platforms: oneByOne,
    } = await platform.group(`Build${name} (${builder.name})`, () =>
      buildLayout(fx, builder, plan, layoutDir, inputs.builder.secretCache, meta.base, findBase),
    );
    // Hoist's annotations go on the root the builder wrote (a new root digest), named by the first tag;
    // the base's digest as its registry said it while the build ran, unless the FROM pinned one.
    const BASE_DIGEST = 'org.opencontainers.image.base.digest';
    const learnedDigest = baseDigest && !meta.annotations.values.some(([k]) => k === BASE_DIGEST) ? [[BASE_DIGEST, baseDigest] as const] : [];
    // BuildKit placed the user's annotations at their levels: Hoist adds only the generated ones it was not given.
    const given = new Set(inputs.metadata.leveledAnnotations.map((a) => a.key));
    const own = builder.name === 'buildx' || builder.name === 'buildctl' ? meta.annotations.values.filter(([k]) => !given.has(k)) : meta.annotations.values;
    // BuildKit's attestations become referrers of their images: the index lists only real platforms.
    const { referrers } = await attestationsToReferrers(layoutDir);
    if (referrers.length)
      platform.info(
        `${referrers.length} attestation${referrers.length === 1 ? '' : 's'} kept as referrers of ${referrers.length === 1 ? 'its image' : 'their images'}, not as unknown/unknown platforms`,
      );
    const root = await annotateLayoutRoot(layoutDir, [...own, ...learnedDigest], unit.images[0]?.tags[0]?.tag);
    platform.info(`OCI layout: ${root.descriptor.mediaType} ${root.descriptor.digest} (${root.descriptor.size} bytes), image id ${imageId}`);
    const base = baseReference(meta.base);
    const graph = addReferrers(await layoutGraph(layoutDir, root), referrers);
    built.push({
      unit,
      meta,
      layoutDir,
      root,
      imageId,
      localTags: oneByOne.length ? [] : plan.localTags,
      graph,
      platforms: await layoutPlatforms(layoutDir, graph),
      cachedSecretSteps,
      adopted,
      ...(base ? { base } : {}),
      ...(builder.buildRef?.() ? { buildRef: builder.buildRef()! } : {}),
      ...(streamedAudit ? { streamedAudit } : {}),
    });
  }
  // The secret files and the agent are no longer needed once the builds have run.
  await fx.files.remove(secretsDir);
  agent?.stop();
  return built;
}

/**
 * `call` other than build (buildx): the frontend method runs — `check` lints the Dockerfile,
 * `outline` and `targets` describe it — and its result is the log; nothing is built or pushed.
 */
export async function runCall(fx: Effects, inputs: BuildInputs, first: PlannedUnit, choice: Choice, work: Workdir): Promise<void> {
  const { platform } = fx;
  const builder = await builderFor(fx, inputs, choice, work);
  const method = inputs.builder.extras.call;
  if (!builder.call) throw new Error(`call: ${method} needs buildx; builder ${builder.name} cannot`);
  const plan = { ...planFor(inputs, first.unit, first.meta.labels), iidFile: join(work.dir, 'iid-call') };
  await platform.group(`call: ${method} (${builder.name})`, () => builder.call!(plan, method, (line) => platform.info(line)));
  platform.info(`call: ${method.split(',')[0]} — nothing was built or pushed`);
}
