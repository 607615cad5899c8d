/**
 * The plan stage: what can be decided and checked before anything is built — that the files the
 * inputs name are there, the base-image policy over the Dockerfile, the builds and their labels.
 */
import { dirname, relative } from 'node:path';
import { ConfigError, FindingError, type ConfigIssue } from '../core/errors.js';
import { formatRepository } from '../core/reference.js';
import type { Effects } from '../effects/effects.js';
import type { BuildInputs } from '../inputs/index.js';
import { machineTrust } from '../registry/machine-trust.js';
import { noProxyIssues, proxySchemeIssues } from '../registry/transport/proxy.js';
import { DockerfileError, imageUses } from './dockerfile.js';
import { checkBaseImages } from './policy.js';
import type { ImageTarget } from './release.js';
import { imageMetadata, unitsOf, type ImageMeta, type Unit } from './units.js';

export interface PlannedUnit {
  unit: Unit;
  meta: ImageMeta;
}

/** Checks what the pure inputs cannot: that the files they name exist. */
export async function checkFiles(fx: Pick<Effects, 'files'> & Partial<Pick<Effects, 'platform'>>, inputs: BuildInputs): Promise<void> {
  const { files } = fx;
  const hosts = [...new Set(inputs.release.images.map((i) => i.repository.host))];
  const urls = hosts.flatMap((h) => [`https://${h}/v2/`, ...(inputs.transfer.registries.get(h)?.insecure ? [`http://${h}/v2/`] : [])]);
  const issues: ConfigIssue[] = await environmentIssues(fx.platform?.context.env ?? {}, urls);
  const { context, file } = inputs.source;
  if (!(await files.isDirectory(context))) issues.push({ input: 'context', message: `${context} is not a directory` });
  else if (!(await files.readable(file))) issues.push({ input: 'file', message: `no Dockerfile at ${file}: set file to the Dockerfile's path` });
  for (const s of inputs.secrets.secrets) {
    if (s.kind === 'file' && !(await files.readable(s.path)))
      issues.push({
        input: 'secret-files',
        message: s.unshown
          ? `secret '${s.id}': the value given is no file that can be read (a path relative to the workspace; on GitLab, a File-type variable); it is not printed, as it may be the secret itself`
          : `secret '${s.id}': cannot read ${s.path}`,
      });
  }
  for (const s of inputs.secrets.ssh)
    for (const p of s.paths) if (!(await files.readable(p))) issues.push({ input: 'ssh', message: `ssh '${s.id}': cannot read ${p}` });
  for (const [host, r] of inputs.transfer.registries) {
    const issue = r.caFile ? await checkCaFile(files, host, r.caFile) : undefined;
    if (issue) issues.push(issue);
  }
  // An output's directory is made now, not after the build: a dest nothing can be written under
  // (a file on the way, /proc, a read-only mount) is the input's error before minutes are spent.
  for (const o of inputs.delivery.outputs) {
    const made = await files.makeDirs(dirname(o.dest)).then(
      () => undefined,
      (e: NodeJS.ErrnoException) => e.code ?? e.message,
    );
    if (made)
      issues.push({
        input: 'outputs',
        message: `type=${o.type},dest=${o.dest}: cannot make ${dirname(o.dest)} (${made}): give a dest in a directory this job can write`,
      });
  }
  if (issues.length) throw new ConfigError(issues);
}

/**
 * The environment the registry connections read, checked before the build as the inputs are: a
 * NO_PROXY entry nothing can match, an SSL_CERT_FILE or SSL_CERT_DIR that cannot be read. They
 * failed the push only after the whole build (or, for NO_PROXY, went through the proxy unsaid).
 */
async function environmentIssues(env: Readonly<Record<string, string | undefined>>, urls: readonly string[]): Promise<ConfigIssue[]> {
  const issues: ConfigIssue[] = [...proxySchemeIssues(env, urls), ...noProxyIssues(env)].map(({ variable, message }) => ({ input: variable, message }));
  await machineTrust(env).catch((e: unknown) => {
    if (!(e instanceof ConfigError)) throw e;
    issues.push(...e.issues);
  });
  return issues;
}

/**
 * A registry-ca file must hold a PEM certificate: any other file (a key, a DER file, the wrong path)
 * was taken as it is and only failed the push, after the whole build, as an untrusted certificate.
 * Its text is never quoted: the wrong path may be a secret's.
 */
export async function checkCaFile(files: Pick<Effects['files'], 'readText'>, host: string, path: string): Promise<ConfigIssue | undefined> {
  const text = await files.readText(path).catch(() => undefined);
  if (text === undefined) return { input: 'registry-ca', message: `${host}: cannot read ${path}` };
  if (!text.includes('-----BEGIN CERTIFICATE-----'))
    return { input: 'registry-ca', message: `${host}: ${path} holds no PEM certificate (-----BEGIN CERTIFICATE-----): give the CA's certificate in PEM` };
  return undefined;
}

/** The planned tags of an image as text: floating ones marked, for the log. */
const describePlan = (image: ImageTarget) => image.tags.map((t) => (t.floating ? `${t.tag} (if highest)` : t.tag)).join(', ');

/** The base-image policy over every image the Dockerfile uses; refused lines are annotated. */
function enforcePolicy(fx: Pick<Effects, 'platform'>, inputs: BuildInputs, dockerfile: string): void {
  const { platform } = fx;
  const file = relative(platform.context.workspace, inputs.source.file) || inputs.source.file;
  let uses;
  try {
    uses = imageUses(dockerfile, inputs.source.buildArgs, {
      platforms: inputs.builder.platforms,
      targets: unitsOf(inputs.release.images, inputs.source.target).map((u) => u.target),
    });
  } catch (e) {
    if (!(e instanceof DockerfileError)) throw e;
    if (e.input) throw new ConfigError([{ input: e.input, message: `${e.reason} (BuildKit refuses it too; nothing was built)` }]);
    platform.error(`BuildKit would refuse this Dockerfile: ${e.reason}`, { file, line: e.line, title: 'Dockerfile' });
    throw new ConfigError([
      { input: 'file', message: `${file}${e.line ? `:${e.line}` : ''}: ${e.reason} (BuildKit refuses this Dockerfile; nothing was built)` },
    ]);
  }
  const violations = checkBaseImages(uses, {
    allowed: inputs.audit.allowedBaseImages,
    requirePinned: inputs.audit.requirePinnedBase,
    buildContexts: inputs.source.buildContexts,
  });
  if (!violations.length) return;
  for (const v of violations) platform.error(`base image policy: ${v.message}`, { file, line: v.line, title: 'Base image policy' });
  const lines = violations.map((v) => `  - ${v.line ? `${file}:${v.line}: ` : ''}${v.message}`).join('\n');
  throw new FindingError(
    `the base image policy refused ${violations.length === 1 ? 'an image' : `${violations.length} images`} the build would use; nothing was built:\n${lines}`,
  );
}

export async function planBuild(fx: Pick<Effects, 'platform' | 'files'>, inputs: BuildInputs): Promise<PlannedUnit[]> {
  const { platform } = fx;
  const { release } = inputs;
  for (const w of release.warnings) platform.warning(w);
  if (release.version) platform.info(`Version ${release.version} (from the ${release.versionSource})`);
  platform.info(
    `Created ${release.created.created} (from ${release.created.from})${inputs.builder.reproducible ? ": reproducible, the layers' file times are clamped to it" : ''}`,
  );
  for (const image of release.images)
    platform.info(`${formatRepository(image.repository)}${image.visibility === 'public' ? ' (public)' : ''}: ${describePlan(image)}`);
  const dockerfile = await fx.files.readText(inputs.source.file);
  enforcePolicy(fx, inputs, dockerfile);
  const units = unitsOf(release.images, inputs.source.target);
  return units.map((unit) => {
    const meta = imageMetadata(release, inputs.metadata, platform.context.facts, dockerfile, inputs.source.buildArgs, unit, inputs.builder.platforms[0]);
    if (meta.labels.withheld.length) {
      const which = units.length > 1 ? ` of the ${unit.target ?? 'default'} build` : '';
      platform.info(
        `Left out of the labels${which} because a target registry is public and the repository is not known to be: ${meta.labels.withheld.join(', ')} (set them in labels to keep them)`,
      );
    }
    return { unit, meta };
  });
}
