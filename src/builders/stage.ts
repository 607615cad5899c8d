/**
 * The build stage: the builder chosen (and what it cannot do refused) before any secret is
 * written; then the secrets as 0600 files and Hoist's own ssh-agent, one build per unit into an
 * OCI layout, Hoist's annotations on each root; the secrets gone as soon as the builds are done.
 */
import { join } from 'node:path';
import { ConfigError } from '../core/errors.js';
import { formatReference, formatRepository } from '../core/reference.js';
import type { Effects } from '../effects/effects.js';
import type { BuildInputs } from '../inputs/index.js';
import { layoutGraph, type ImageGraph } from '../oci/graph.js';
import { annotateLayoutRoot, type LayoutRoot } from '../oci/layout.js';
import type { Labels } from '../plan/labels.js';
import type { PlannedUnit } from '../plan/stage.js';
import type { ImageMeta, Unit } from '../plan/units.js';
import type { Workdir } from '../pipeline/workdir.js';
import { chooseBuilder, type Choice } from './builders.js';
import { unsupported, type BuildPlan } from './plan.js';
import { startAgent } from './ssh-agent.js';

export const AGENT_STATE = 'ssh_agent_pid';

/** One finished build: its unit, labels, OCI layout and graph. */
export interface Built {
  unit: Unit;
  meta: ImageMeta;
  layoutDir: string;
  root: LayoutRoot;
  imageId: string;
  localTags: readonly string[];
  graph: ImageGraph;
}

function planFor(inputs: BuildInputs, unit: Unit, labels: Labels): BuildPlan {
  const { source, builder: b, secrets } = inputs;
  return {
    context: source.context,
    file: source.file,
    target: unit.target,
    buildArgs: source.buildArgs,
    labels: labels.values,
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
    // Local names for the built image: its fixed tags (floating ones are decided per registry later).
    localTags: unit.images.flatMap((image) => image.tags.filter((t) => !t.floating).map((t) => formatReference(image.repository, t.tag))),
    iidFile: '',
  };
}

/** The builder for this run, said with its reason; what it cannot do is refused as input errors. */
export async function chooseBuilderFor(fx: Pick<Effects, 'platform' | 'exec' | 'builders'>, inputs: BuildInputs, first: PlannedUnit): Promise<Choice> {
  const { platform } = fx;
  const b = inputs.builder;
  const choice = chooseBuilder(b.builder, await fx.builders.probe(fx.exec, platform.context.env, b.buildxBuilder), b.buildkitHost);
  platform.info(`Builder: ${choice.name} (${choice.why})`);
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

export async function runBuilds(fx: Effects, inputs: BuildInputs, planned: readonly PlannedUnit[], choice: Choice, work: Workdir): Promise<Built[]> {
  const { platform, exec } = fx;
  const secretsDir = await fx.files.makePrivateDir(work.dir, 'secrets-');
  const secretFiles = await writeSecretFiles(fx, inputs, secretsDir);
  const ssh = [...inputs.secrets.ssh];
  const { sshKey, sshKeyPassphrase } = inputs.secrets;
  const agent = sshKey ? await startAgent(exec, work.dir, platform.context.env, sshKey, sshKeyPassphrase) : undefined;
  if (agent) {
    work.onEnd(() => agent.stop());
    platform.saveState(AGENT_STATE, String(agent.pid));
    ssh.push({ id: 'default', paths: [agent.socket] });
    platform.info("ssh-key loaded into Hoist's own ssh-agent, forwarded to the build as default");
  }
  const insecureRegistries = [...inputs.transfer.registries].filter(([, r]) => r.insecure).map(([host]) => host);
  const { buildkitHost, buildxBuilder } = inputs.builder;
  const builder = fx.builders.create(choice, {
    exec,
    env: platform.context.env,
    workdir: work.dir,
    readFile: (p) => fx.files.readText(p),
    buildkitHost,
    buildxBuilder,
    insecureRegistries,
  });
  const built: Built[] = [];
  for (const [i, { unit, meta }] of planned.entries()) {
    const plan = { ...planFor(inputs, unit, meta.labels), ssh, secretFiles, iidFile: join(work.dir, `iid-${i}`) };
    const layoutDir = join(work.dir, `oci-${i}`);
    const name = planned.length > 1 ? ` ${unit.target ?? 'default'} for ${unit.images.map((x) => formatRepository(x.repository)).join(', ')}` : '';
    const imageId = await platform.group(`Build${name} (${builder.name})`, () => builder.build(plan, layoutDir, (line) => platform.info(line)));
    // Hoist's annotations go on the root the builder wrote (a new root digest), named by the first tag.
    const root = await annotateLayoutRoot(layoutDir, meta.annotations.values, unit.images[0]?.tags[0]?.tag);
    platform.info(`OCI layout: ${root.descriptor.mediaType} ${root.descriptor.digest} (${root.descriptor.size} bytes), image id ${imageId}`);
    built.push({ unit, meta, layoutDir, root, imageId, localTags: plan.localTags, graph: await layoutGraph(layoutDir, root) });
  }
  // The secret files and the agent are no longer needed once the builds have run.
  await fx.files.remove(secretsDir);
  agent?.stop();
  return built;
}
