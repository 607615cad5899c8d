/**
 * The build pipeline, stage by stage: inputs → plan → build → audit → push → report. Effects come
 * in through `Effects`; this module decides only the order of things and that nothing is pushed
 * once something has gone wrong (a leak under `audit: fail`, a bad input, a failed build).
 */
import { baseFinder, baseReference, buildPlatform } from '../builders/bases.js';
import { withClonedContext } from '../builders/git-context.js';
import { ConfigError } from '../core/errors.js';
import type { Effects } from '../effects/effects.js';
import type { BuildInputs } from '../inputs/index.js';
import { readBuildInputs } from '../plan/inputs.js';
import type { LazyFacts } from '../core/facts.js';
import { confineSource, workspaceConfinement } from '../inputs/confine.js';
import { checkFiles, planBuild } from '../plan/stage.js';
import { primaryBuild, publishOutputs, runSummary, type RunRecord } from '../report/outputs.js';
import { catalogSecretFiles } from '../secrets/secret-files.js';
import type { SecretCatalog } from '../secrets/catalog.js';
import { newCatalog } from '../secrets/hide.js';
import { checkoutFacts } from './facts.js';
import { withWorkdir } from './workdir.js';

/**
 * The stages after the inputs — builders, audit, registry clients, push — load once the inputs are
 * read: a run that stops at its inputs pays for none of them (the cold start bench/bundle.ts
 * measures), and the HTTP stack (node:http) loads with the first registry client, not here.
 */
async function stages() {
  const [builders, audit, local, push, prove, connect, loginCheck] = await Promise.all([
    import('../builders/stage.js'),
    import('../audit/stage.js'),
    import('../push/local.js'),
    import('../push/stage.js'),
    import('../push/prove.js'),
    import('../registry/connect.js'),
    import('../registry/login-check.js'),
  ]);
  return { ...builders, ...audit, ...local, ...push, ...prove, ...connect, ...loginCheck };
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
  const given = await readBuildInputs(read, platform.context, catalog, facts);
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
    // While the files are checked and the build planned: the later stages load, and the machine's
    // builders are asked (each a CLI start and a daemon round trip) — nothing here waits for either.
    // Not before the context is confined: a refused run starts no builder.
    const loading = stages();
    const probing = fx.builders.probe(fx.exec, platform.context.env, given.builder.buildxBuilder);
    for (const p of [loading, probing]) p.catch(() => undefined); // awaited below, unless the run stops first
    const { inputs, planned } = await checkAndPlan(fx, (record.inputs = o.prepare ? await o.prepare(cloned, work.dir) : cloned), catalog, work.dir);
    record.inputs = inputs;
    const {
      chooseBuilderFor,
      runCall,
      runBuilds,
      connectTargets,
      connectBases,
      auditBuilds,
      streamedAudits,
      leakError,
      deliverLocally,
      pushBuilds,
      pushError,
      provePrivateStaysPrivate,
      closeAll,
    } = await loading;
    const choice = await chooseBuilderFor(fx, inputs, planned[0]!, probing);
    if (inputs.builder.extras.call !== 'build') return runCall(fx, inputs, planned[0]!, choice, work);
    // Registry clients before the build: the bases' registries are read for their layers, credentials
    // found on the machine are secrets the audit looks for too, and a refused login fails the run now.
    const { delivery, transfer } = inputs;
    const bases = planned.flatMap((p) => baseReference(p.meta.base) ?? []);
    const targets = delivery.push ? inputs.release.images.map((i) => i.repository) : [];
    const clients = await connectTargets(fx, transfer, targets, catalog, delivery.githubToken);
    try {
      await connectBases(fx, transfer, bases, catalog, clients);
      record.built = await runBuilds(
        fx,
        inputs,
        planned,
        choice,
        work,
        baseFinder((host) => clients.get(host), buildPlatform(inputs.builder.platforms)),
        // The docker path audits each layer as docker save streams it (audit/streamed.ts); the audit below reads what did not stream.
        streamedAudits(fx, inputs.audit.mode, catalog.all, inputs.audit.limits === 'strict'),
      );
      record.audit = await auditBuilds(fx, inputs.audit.mode, record.built, catalog.all, inputs.audit.limits === 'strict');
      if (record.audit.leaks > 0 && record.audit.mode === 'fail') throw leakError(record.audit);
      // sign: key or keyless — each build's SLSA provenance, signed, and audited like the image before anything is pushed.
      const attested = signer && (await (await import('../sign/stage.js')).attestBuilds(fx, signer, inputs, record.built, catalog.all, started));
      await deliverLocally(fx, delivery, primaryBuild(inputs, record.built), choice.name, (host) => clients.get(host));
      if (!delivery.push) return platform.info('push is false: nothing was pushed');
      record.pushed = await pushBuilds(fx, inputs, record.built, clients);
      const failed = pushError(record.pushed.reports);
      if (failed) throw failed;
      if (signer) record.signatures = await (await import('../sign/stage.js')).signPushed(fx, signer, record.built, clients, attested?.attestations);
      if (record.built.length > 1 && inputs.release.images.some((i) => i.visibility === 'public')) {
        record.privateBytesKeptPrivate = await platform.group('Public registries hold nothing private', () =>
          provePrivateStaysPrivate(fx, transfer, record.built!),
        );
        platform.info(`${(record.privateBytesKeptPrivate / 1048576).toFixed(1)} MiB of private layers and configs stayed out of the public registries`);
      }
    } finally {
      await closeAll(clients);
      if (o.publish) await publishOutputs(fx, record);
    }
  });
  return record;
}
