/**
 * `hoist push LAYOUT|ARCHIVE`: an image built earlier — by `hoist build --push=false --outputs
 * type=oci,dest=DIR`, by `docker save`, or by any tool that writes an OCI layout — audited as a
 * build is, then pushed to every image with the same forward-only tag fan-out as a build. An OCI
 * layout is pushed as it is (the digest that was tested is the digest pushed); a docker archive is
 * converted first (its layers compressed: a registry image of its own). Inputs are the build's
 * (images, version, tags, audit, registries); `artefact` names the layout directory or the archive.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { auditBuilds, leakError } from '../audit/stage.js';
import type { Built } from '../builders/stage.js';
import { ConfigError } from '../core/errors.js';
import type { Effects } from '../effects/effects.js';
import type { BuildInputs } from '../inputs/index.js';
import type { RegistryClient } from '../registry/client.js';
import type { SecretCatalog } from '../secrets/catalog.js';
import type { signerFor } from '../sign/stage.js';
import { readBuildInputs } from '../plan/inputs.js';
import { convertDockerSave } from '../oci/docker-save.js';
import { layoutGraph, layoutPlatforms } from '../oci/graph.js';
import { readLayoutRoot } from '../oci/layout.js';
import { pushBuilds, pushError } from '../push/stage.js';
import { closeAll } from '../registry/connect.js';
import { connectTargets } from '../registry/login-check.js';
import { publish } from '../report/publish.js';
import { pushReport, signaturesReport } from '../report/push.js';
import { newCatalog } from '../secrets/hide.js';
import { withWorkdir } from './workdir.js';

const exists = (path: string) =>
  stat(path).then(
    (s) => s,
    () => undefined,
  );

/** What the artefact is, checked before any registry is asked: a missing path or a directory that is no layout fails at once. */
async function artefactKind(given: string, artefact: string): Promise<'layout' | 'archive'> {
  const found = await exists(artefact);
  if (!found) throw new ConfigError([{ input: 'artefact', message: `${given}: no such file or directory (give an OCI layout directory or a docker archive)` }]);
  if (!found.isDirectory()) return 'archive';
  if (!(await exists(join(artefact, 'oci-layout'))) || !(await exists(join(artefact, 'index.json'))))
    throw new ConfigError([{ input: 'artefact', message: `${given} is no OCI layout (it has no oci-layout and index.json)` }]);
  return 'layout';
}

/** The artefact as an OCI layout directory: used in place, or a docker archive converted into `work`. */
async function layoutOf(fx: Pick<Effects, 'platform'>, given: string, artefact: string, work: string): Promise<string> {
  if ((await artefactKind(given, artefact)) === 'layout') return artefact;
  const dir = join(work, 'layout');
  fx.platform.info(`${given}: a docker archive, converted into an OCI layout (its layers compressed)`);
  try {
    await convertDockerSave(createReadStream(artefact), dir);
  } catch (e) {
    throw new ConfigError([
      {
        input: 'artefact',
        message: `${given} is no docker archive (${(e as Error).message}); an OCI layout in a tar: extract it and give the directory`,
      },
    ]);
  }
  return dir;
}

export async function pushArtefact(fx: Effects): Promise<void> {
  const { platform } = fx;
  const given = platform.getInput('artefact').trim();
  // Relative to the workspace (the Action's checkout, the CLI's working directory).
  const artefact = given && resolve(platform.context.workspace, given);
  if (!artefact) throw new ConfigError([{ input: 'artefact', message: 'give the OCI layout directory or docker archive to push' }]);
  const catalog = newCatalog(fx);
  const inputs = await readBuildInputs((name) => platform.getInput(name), platform.context, catalog);
  // sign: key — the key read and checked before anything is pushed (src/sign/ loads only for a run that signs).
  const signer = inputs.signing.mode === 'off' ? undefined : await (await import('../sign/stage.js')).signerFor(inputs.signing, catalog);
  await artefactKind(given, artefact);
  await withWorkdir(fx, async (work) => {
    // Clients and the login check first: a wrong password fails before a docker archive is converted
    // and the image audited, and credentials found on the machine are looked for by the audit too.
    const targets = inputs.release.images.map((i) => i.repository);
    const clients = await connectTargets(fx, inputs.transfer, targets, catalog, inputs.delivery.githubToken, undefined, 'push');
    try {
      await pushLayout(fx, { given, artefact, work: work.dir, inputs, catalog, signer, clients });
    } finally {
      await closeAll(clients);
    }
  });
}

interface PushJob {
  given: string;
  artefact: string;
  work: string;
  inputs: BuildInputs;
  catalog: SecretCatalog;
  signer: Awaited<ReturnType<typeof signerFor>>;
  clients: ReadonlyMap<string, RegistryClient>;
}

/** The artefact read as a layout, audited, pushed with the clients already logged in, signed. */
async function pushLayout(fx: Effects, { given, artefact, work, inputs, catalog, signer, clients }: PushJob): Promise<void> {
  const { platform } = fx;
  const layoutDir = await layoutOf(fx, given, artefact, work);
  let root;
  try {
    root = await readLayoutRoot(layoutDir);
  } catch (e) {
    throw new ConfigError([{ input: 'artefact', message: (e as Error).message }]);
  }
  const graph = await layoutGraph(layoutDir, root);
  const built: Built = {
    unit: { target: undefined, images: inputs.release.images },
    meta: { labels: { values: [], withheld: [] }, annotations: { values: [], withheld: [] } },
    layoutDir,
    root,
    imageId: root.descriptor.digest,
    localTags: [],
    graph,
    cachedSecretSteps: [],
    adopted: new Map(),
    platforms: await layoutPlatforms(layoutDir, graph),
  };
  platform.info(`${given}: ${root.descriptor.mediaType} ${root.descriptor.digest} (${built.platforms.join(', ') || 'platform unknown'})`);
  const audit = await auditBuilds(fx, inputs.audit.mode, [built], catalog.all, inputs.audit.limits === 'strict');
  if (audit.leaks > 0 && audit.mode === 'fail') throw leakError(audit);
  const pushed = await pushBuilds(fx, inputs, [built], clients);
  await publish(fx, pushReport({ digest: root.descriptor.digest, platforms: built.platforms, version: inputs.release.version, reports: pushed.reports }));
  const failed = pushError(pushed.reports);
  if (failed) throw failed;
  if (signer) {
    const signed = await (await import('../sign/stage.js')).signPushed(fx, signer, [built], clients);
    await publish(fx, signaturesReport(signed.map((s) => s.reference)));
  }
}
