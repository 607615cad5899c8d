/**
 * The build pipeline, stage by stage: inputs → plan → build → audit → push → report. Effects come
 * in through `Effects`; this module decides only the order of things and that nothing is pushed
 * once something has gone wrong (a leak under `audit: fail`, a bad input, a failed build).
 */
import { auditBuilds, leakError } from '../audit/stage.js';
import { chooseBuilderFor, runBuilds } from '../builders/stage.js';
import type { Effects } from '../effects/effects.js';
import { readBuildInputs } from '../inputs/index.js';
import { checkFiles, planBuild } from '../plan/stage.js';
import { deliverLocally } from '../push/local.js';
import { provePrivateStaysPrivate } from '../push/prove.js';
import { pushBuilds, pushError } from '../push/stage.js';
import { closeAll, connectRegistries } from '../registry/connect.js';
import { commentOnPullRequest } from '../report/comment.js';
import { primaryBuild, publishOutputs, runSummary, type RunRecord } from '../report/outputs.js';
import { catalogSecretFiles } from '../secrets/secret-files.js';
import { newCatalog } from '../secrets/hide.js';
import { withWorkdir } from './workdir.js';

export async function build(fx: Effects): Promise<void> {
  const { platform } = fx;
  const catalog = newCatalog(fx);
  const inputs = await readBuildInputs((name) => platform.getInput(name), platform.context, catalog);
  await checkFiles(fx, inputs);
  await catalogSecretFiles(fx.files, inputs.secrets.secrets, { buildArgs: inputs.source.buildArgs, ...inputs.metadata }, catalog);
  const planned = await planBuild(fx, inputs);
  const choice = await chooseBuilderFor(fx, inputs, planned[0]!);
  const record: RunRecord = { inputs };
  await withWorkdir(fx, async (work) => {
    record.built = await runBuilds(fx, inputs, planned, choice, work);
    // Registry clients before the audit: credentials found on the machine are secrets it looks for too.
    const { delivery, transfer } = inputs;
    const clients = delivery.push
      ? await connectRegistries(
          fx,
          transfer,
          inputs.release.images.map((i) => i.repository),
          catalog,
          delivery.githubToken,
        )
      : new Map();
    try {
      record.audit = await auditBuilds(fx, inputs.audit.mode, record.built, catalog.all, inputs.audit.limits === 'strict');
      if (record.audit.leaks > 0 && record.audit.mode === 'fail') throw leakError(record.audit);
      await deliverLocally(fx, delivery, primaryBuild(inputs, record.built), choice.name);
      if (!delivery.push) return platform.info('push is false: nothing was pushed');
      record.pushed = await pushBuilds(fx, inputs, record.built, clients);
      const failed = pushError(record.pushed.reports);
      if (failed) throw failed;
      if (record.built.length > 1 && inputs.release.images.some((i) => i.visibility === 'public')) {
        record.privateBytesKeptPrivate = await platform.group('Public registries hold nothing private', () =>
          provePrivateStaysPrivate(fx, transfer, record.built!),
        );
        platform.info(`${(record.privateBytesKeptPrivate / 1048576).toFixed(1)} MiB of private layers and configs stayed out of the public registries`);
      }
    } finally {
      await closeAll(clients);
      await publishOutputs(fx, record);
    }
  });
  if (record.pushed) await commentOnPullRequest(fx, inputs.delivery, runSummary(record)!);
}
