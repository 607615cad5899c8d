/**
 * The build pipeline, stage by stage: inputs → plan → build → audit → push → report. Effects come
 * in through `Effects`; this module decides only the order of things and that nothing is pushed
 * once something has gone wrong (a leak under `audit: fail`, a bad input, a failed build).
 */
import { baseFinder, baseReference, buildPlatform } from '../builders/bases.js';
import { withBlobs } from '../builders/base-blobs.js';
import { withClonedContext } from '../builders/git-context.js';
import { ConfigError } from '../core/errors.js';
import type { Effects } from '../effects/effects.js';
import type { BuildInputs } from '../inputs/index.js';
import { readBuildInputs } from '../plan/inputs.js';
import type { LazyFacts } from '../core/facts.js';
import type { Choice } from '../core/builder.js';
import type { Workdir } from '../core/workdir.js';
import type { signerFor } from '../sign/stage.js';
import { confineSource, workspaceConfinement } from '../inputs/confine.js';
import { checkFiles, planBuild, type PlannedUnit } from '../plan/stage.js';
import { primaryBuild, publishOutputs, runSummary, type RunRecord } from '../report/outputs.js';
import { catalogSecretFiles } from '../secrets/secret-files.js';
import type { SecretCatalog } from '../secrets/catalog.js';
import { newCatalog } from '../secrets/hide.js';
import { checkoutFacts } from './facts.js';
import { withWorkdir } from './workdir.js';

/**
 * The stages after the inputs load once the builder probe has started its processes (`runBuild`):
 * a run that stops at its inputs pays for none of them (the cold start bench/bundle.ts measures),
 * and their modules compile while the daemon answers the probe, not before it. First what runs
 * before the build — the builder's choice, the registry clients (the HTTP stack with them) and the
 * login check —, then the audit and the push, which are needed once the builder is chosen.
 */
function stages() {
  const building = Promise.all([
    import('../builders/stage.js'),
    import('../registry/connect.js'),
    import('../registry/login-check.js'),
    import('../registry/client.js'),
  ]).then(([builders, connect, loginCheck]) => ({ ...builders, ...connect, ...loginCheck }));
  const delivering = building
    .then(() => Promise.all([import('../audit/stage.js'), import('../push/local.js'), import('../push/stage.js'), import('../push/prove.js')]))
    .then(([audit, local, push, prove]) => ({ ...audit, ...local, ...push, ...prove }));
  // Awaited where they are needed, unless the run stops first.
  for (const p of [building, delivering]) p.catch(() => undefined);
  return { building, delivering };
}

export async function build(fx: Effects): Promise<void> {
  const { platform } = fx;
  // A family of images from one step: each entry a build of its own, parents first.
  const hierarchy = platform.getInput('hierarchy').trim();
  if (hierarchy) return (await import('./hierarchy.js')).buildHierarchy(fx, hierarchy, runBuild);
  for (const input of ['hierarchy-plan', 'hierarchy-entry'])
    if (!['', 'false'].includes(platform.getInput(input).trim()))
      throw new ConfigError([{ input, message: `${input} works on a family of images: set hierarchy to its file` }]);
  const catalog = newCatalog(fx);
  const record = await runBuild(fx, (name) => platform.getInput(name), checkoutFacts(fx), catalog, { publish: true });
  if (record.pushed) {
    const { commentOnPullRequest, noteOnMergeRequest } = await import('../report/comment.js');
    await commentOnPullRequest(fx, record.inputs!.delivery, runSummary(record)!);
    await noteOnMergeRequest(fx, record.inputs!.delivery, runSummary(record)!);
  }
}

export interface RunOptions {
  /** Set the step's outputs and summary from this build (a single build does; a hierarchy sums its entries). */
  publish: boolean;
  /** Changes the inputs once read, in the run's private directory (a hierarchy pins each child's parent). */
  prepare?: (inputs: BuildInputs, workdir: string) => Promise<BuildInputs>;
}

/** The files the inputs name checked, the secret files catalogued, the builds planned (and, with base-signers, every base verified by digest and the build pinned to it: trust/bases.ts). */
async function checkAndPlan(fx: Effects, prepared: BuildInputs, catalog: SecretCatalog, workDir: string) {
  await checkFiles(fx, prepared);
  await catalogSecretFiles(fx.files, prepared.secrets.secrets, { buildArgs: prepared.source.buildArgs, ...prepared.metadata }, catalog);
  return prepared.audit.baseSigners || prepared.audit.baseKeyless
    ? await (await import('../trust/bases.js')).trustBases(fx, prepared, await planBuild(fx, prepared), catalog, workDir)
    : { inputs: prepared, planned: await planBuild(fx, prepared) };
}

/** One build, from its inputs to its push; what it made is in the returned record, also when it throws (`record` argument). */
export async function runBuild(
  fx: Effects,
  read: (name: string) => string,
  facts: LazyFacts,
  catalog: SecretCatalog,
  o: RunOptions,
  record: RunRecord = {},
): Promise<RunRecord> {
  const { platform } = fx;
  // The facts are asked for once the inputs hold: from then on the probe's module loads (in the
  // real effects it is loaded on demand), while the facts are found (a git process where the CI
  // system gave no commit time) and the run's directory is made.
  const given = await readBuildInputs(read, platform.context, catalog, () => (import('../builders/builders.js').catch(() => undefined), facts()));
  record.inputs = given;
  // sign: key or keyless — the key (or the OIDC token) read and checked before anything is built or pushed (src/sign/ loads only for a run that signs).
  const signer = given.signing.mode === 'off' ? undefined : await (await import('../sign/stage.js')).signerFor(given.signing, catalog);
  const started = platform.context.now();
  await withWorkdir(fx, async (work) => {
    // A git context is cloned first: everything after reads its files as those of a directory.
    const cloned = await withClonedContext(fx, given, work);
    // Before anything reads them: the paths resolve inside the workspace (a clone's, inside its repository).
    await confineSource(
      fx.files,
      given.source.git ? { ...cloned.source, context: '', file: '' } : cloned.source,
      workspaceConfinement(platform.context.workspace),
    );
    // While the files are checked and the build planned: the machine's builders are asked (each a
    // CLI start and a daemon round trip), and then the later stages load — nothing here waits for
    // either. Not before the context is confined: a refused run starts no builder.
    const probing = fx.builders.probe(fx.exec, platform.context.env, given.builder.buildxBuilder);
    probing.catch(() => undefined); // awaited below, unless the run stops first
    const loaded = stages();
    const { inputs, planned } = await checkAndPlan(fx, (record.inputs = o.prepare ? await o.prepare(cloned, work.dir) : cloned), catalog, work.dir);
    record.inputs = inputs;
    const s = await loaded.building;
    const choice = await s.chooseBuilderFor(fx, inputs, planned[0]!, probing);
    if (inputs.builder.extras.call !== 'build') return s.runCall(fx, inputs, planned[0]!, choice, work);
    await buildAndDeliver(fx, { ...s, ...(await loaded.delivering) }, { inputs, planned, choice, work, catalog, signer, started, record, publish: o.publish });
  });
  return record;
}

type Stages = Awaited<ReturnType<typeof stages>['building']> & Awaited<ReturnType<typeof stages>['delivering']>;

interface Run {
  inputs: BuildInputs;
  planned: PlannedUnit[];
  choice: Choice;
  work: Workdir;
  catalog: SecretCatalog;
  signer: Awaited<ReturnType<typeof signerFor>>;
  started: Date;
  record: RunRecord;
  publish: boolean;
}

/** The chosen builder's builds, audited, delivered and pushed: what the run made is in `record`. */
async function buildAndDeliver(fx: Effects, s: Stages, run: Run): Promise<void> {
  const { platform } = fx;
  const { inputs, planned, choice, work, catalog, signer, started, record } = run;
  // Registry clients before the build: the bases' registries are read for their layers, credentials
  // found on the machine are secrets the audit looks for too, and a refused login fails the run now.
  const { delivery, transfer } = inputs;
  const bases = planned.flatMap((p) => baseReference(p.meta.base) ?? []);
  const targets = delivery.push ? inputs.release.images.map((i) => i.repository) : [];
  const clients = await s.connectTargets(fx, transfer, targets, catalog, delivery.githubToken);
  try {
    await s.connectBases(fx, transfer, bases, catalog, clients);
    record.built = await s.runBuilds(
      fx,
      inputs,
      planned,
      choice,
      work,
      withBlobs(
        baseFinder((host) => clients.get(host), buildPlatform(inputs.builder.platforms)),
        (host) => clients.get(host),
      ),
      // The docker path audits each layer as docker save streams it (audit/streamed.ts); the audit below reads what did not stream.
      s.streamedAudits(fx, inputs.audit.mode, catalog.all, inputs.audit.limits === 'strict'),
    );
    record.audit = await s.auditBuilds(fx, inputs.audit.mode, record.built, catalog.all, inputs.audit.limits === 'strict');
    if (record.audit.leaks > 0 && record.audit.mode === 'fail') throw s.leakError(record.audit);
    // sign: key or keyless — each build's SLSA provenance, signed, and audited like the image before anything is pushed.
    const attested = signer && (await (await import('../sign/stage.js')).attestBuilds(fx, signer, inputs, record.built, catalog.all, started));
    await s.deliverLocally(fx, delivery, primaryBuild(inputs, record.built), choice.name, (host) => clients.get(host));
    if (!delivery.push) return platform.info('push is false: nothing was pushed');
    record.pushed = await s.pushBuilds(fx, inputs, record.built, clients);
    const failed = s.pushError(record.pushed.reports);
    if (failed) throw failed;
    if (signer) record.signatures = await (await import('../sign/stage.js')).signPushed(fx, signer, record.built, clients, attested?.attestations);
    if (record.built.length > 1 && inputs.release.images.some((i) => i.visibility === 'public')) {
      record.privateBytesKeptPrivate = await platform.group('Public registries hold nothing private', () =>
        s.provePrivateStaysPrivate(fx, transfer, record.built!),
      );
      platform.info(`${(record.privateBytesKeptPrivate / 1048576).toFixed(1)} MiB of private layers and configs stayed out of the public registries`);
    }
  } finally {
    await s.closeAll(clients);
    if (run.publish) await publishOutputs(fx, record);
  }
}
