/**
 * The pipeline: config → tags → build → OCI layout → push → outputs. Effects come in through
 * `Deps`; this module decides the order of things, what is checked before anything is built,
 * and that nothing is pushed once something has gone wrong.
 */
import { createWriteStream, rmSync } from 'node:fs';
import { access, constants, mkdtemp, readFile, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { baseImage, imageUses, stages } from './build/dockerfile.js';
import { checkBaseImages } from './audit/policy.js';
import { looksLikePrivateKey, startAgent, stopAgent, type SshAgent } from './build/ssh-agent.js';
import { auditLayout, type Finding } from './audit/audit.js';
import { upsertPrComment } from './platform/pr-comment.js';
import { renderComment, renderSummary, type RunSummary } from './report.js';
import { keyIdentity } from './audit/keys.js';
import { namedSecrets, parseConfig, secretValues, ConfigError, type TransferSettings, type Config, type ConfigIssue, type ImageTarget } from './config.js';
import { imageLabels, type Labels } from './core/labels.js';
import { formatReference, formatRepository, parseReference, type Repository } from './core/reference.js';
import { decideTags, type TagDecision } from './core/tags.js';
import type { Redactor } from './core/redact.js';
import type { Exec } from './exec.js';
import { chooseBuilder, createBuilder, probeBuilders } from './build/builders.js';
import { unsupported, type BuildPlan } from './build/plan.js';
import { writeDockerArchive, writeOciLayout } from './build/export.js';
import { annotateLayoutRoot, type LayoutRoot } from './oci/layout.js';
import { Credentials } from './registry/auth.js';
import type { ClientOptions, RegistryClient } from './registry/client.js';
import { fetchDockerCredentials } from './registry/credentials.js';
import { describeReport, pushGraph, TagListError, type EngineOptions, type PushTarget, type RegistryReport } from './registry/engine.js';
import { layoutGraph, layoutSource, type ImageGraph } from './registry/graph.js';
import type { RunFacts } from './platform/context.js';
import type { Platform } from './platform/platform.js';

export interface Deps {
  platform: Platform;
  exec: Exec;
  redactor: Redactor;
  createRegistryClient: (options: ClientOptions) => RegistryClient;
  /**
   * Runs `handler` (synchronously) if the step is cancelled (SIGTERM, SIGINT) before the returned
   * function is called; the step then ends.
   */
  onTerminate: (handler: () => void) => () => void;
}

const WORKDIR_STATE = 'workdir';
const AGENT_STATE = 'ssh_agent_pid';
export const USER_AGENT = 'hoist/0.1';

/** Checks what the pure config cannot: that the files it names exist. */
async function checkFiles(config: Config): Promise<void> {
  const issues: ConfigIssue[] = [];
  const isDir = async (p: string) => (await stat(p).catch(() => undefined))?.isDirectory() ?? false;
  const readable = async (p: string) => access(p, constants.R_OK).then(() => true, () => false);
  if (!(await isDir(config.context))) issues.push({ input: 'context', message: `${config.context} is not a directory` });
  else if (!(await readable(config.file))) issues.push({ input: 'file', message: `no Dockerfile at ${config.file}: set file to the Dockerfile's path` });
  for (const s of config.secrets) {
    if (s.kind === 'file' && !(await readable(s.path))) issues.push({ input: 'secret-files', message: `secret '${s.id}': cannot read ${s.path}` });
  }
  for (const s of config.ssh) {
    for (const p of s.paths) if (!(await readable(p))) issues.push({ input: 'ssh', message: `ssh '${s.id}': cannot read ${p}` });
  }
  for (const [host, r] of config.registries) {
    if (r.caFile && !(await readable(r.caFile))) issues.push({ input: 'registry-ca', message: `${host}: cannot read ${r.caFile}` });
  }
  if (issues.length) throw new ConfigError(issues);
}

/**
 * The contents of `secret-files` are secrets too: masked and redacted as soon as they are read,
 * and a build argument carrying one is refused (build arguments are stored in the image history).
 * Files over 64 KiB (keystores, bundles) are handed to the builder unread: no log line or build
 * argument could hold them whole.
 */
async function checkSecretFiles(config: Config, hide: (value: string) => void): Promise<Array<{ name: string; value: string }>> {
  const issues: ConfigIssue[] = [];
  const read: Array<{ name: string; value: string }> = [];
  for (const s of config.secrets) {
    if (s.kind !== 'file') continue;
    const size = (await stat(s.path)).size;
    if (size === 0) issues.push({ input: 'secret-files', message: `secret '${s.id}': ${s.path} is empty; the build would run without it` });
    if (size === 0 || size > 64 * 1024) continue;
    const value = (await readFile(s.path, 'utf8')).replace(/\r?\n$/, '');
    if (!value) continue; // a lone newline
    hide(value);
    read.push({ name: `secret '${s.id}' (secret-files)`, value });
    for (const [name, arg] of config.buildArgs) {
      if (arg === value) issues.push({ input: 'build-args', message: `${name} has the value of secret '${s.id}' (secret-files): build arguments are stored in the image history; pass it through secrets and RUN --mount=type=secret instead` });
    }
  }
  if (issues.length) throw new ConfigError(issues);
  return read;
}

/** What making registry clients needs: a build's config, or a promotion's. */
export interface ClientSettings extends TransferSettings {
  githubToken?: string;
}

/**
 * Keeps a secret out of every later line: the Redactor, and the platform's masking of each of its
 * lines (a PEM key is masked line by line).
 */
export function hideSecret(deps: Pick<Deps, 'platform' | 'redactor'>, value: string): void {
  deps.redactor.add(value);
  for (const line of value.split(/\r?\n/)) if (line.trim()) deps.platform.mask(line.trim());
}

/** A client's settings for a host: plain HTTP only when named, the CA bundle the user gave. */
async function clientOptions(config: ClientSettings, host: string): Promise<ClientOptions> {
  const settings = config.registries.get(host);
  return {
    host,
    insecure: settings?.insecure ?? false,
    ca: settings?.caFile ? await readFile(settings.caFile, 'utf8') : undefined,
    retries: config.retries,
    userAgent: USER_AGENT,
  };
}

/** The engine's options for a run with these clients (each registry gets at most half the requests). */
export function engineOptions(deps: Pick<Deps, 'platform'>, config: ClientSettings, clients: ReadonlyMap<string, RegistryClient>): EngineOptions {
  return {
    clientFor: (host) => {
      const client = clients.get(host);
      if (!client) throw new Error(`internal: no registry client for ${host}`);
      return client;
    },
    concurrency: config.concurrency,
    perHost: Math.max(1, Math.ceil(config.concurrency / 2)),
    log: (line) => deps.platform.info(line),
  };
}

/** Credentials for a registry: `registry-auth` first, else what `docker login` left on the machine. */
async function credentialsFor(deps: Deps, config: ClientSettings, registry: string, host: string, found: Array<{ name: string; value: string }>): Promise<Credentials | undefined> {
  const settings = config.registries.get(host);
  if (settings?.username !== undefined && settings.password) return new Credentials(settings.username, settings.password);
  const env = deps.platform.context.env;
  const fromMachine = await fetchDockerCredentials(registry, {
    env,
    readFile: (path) => readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? undefined : Promise.reject(e))),
    runHelper: async (helper, serverUrl) => (await deps.exec.run(`docker-credential-${helper}`, ['get'], { env, input: serverUrl })).stdout,
  });
  if (fromMachine) {
    const secret = fromMachine.revealForRedaction();
    hideSecret(deps, secret);
    found.push({ name: `the ${registry} credentials from ${fromMachine.origin}`, value: secret });
    deps.platform.info(`${registry}: using the credentials of ${fromMachine.username || 'a token'} from ${fromMachine.origin}`);
  }
  if (!fromMachine && registry === 'ghcr.io' && config.githubToken) {
    deps.platform.info('ghcr.io: using the step\'s github-token');
    return new Credentials(env.GITHUB_ACTOR || 'x-access-token', config.githubToken);
  }
  return fromMachine;
}

export async function createClients(deps: Deps, config: ClientSettings, repositories: readonly Repository[], found: Array<{ name: string; value: string }>): Promise<Map<string, RegistryClient>> {
  const clients = new Map<string, RegistryClient>();
  for (const image of repositories) {
    if (clients.has(image.host)) continue;
    clients.set(image.host, deps.createRegistryClient({
      ...(await clientOptions(config, image.host)),
      credentials: await credentialsFor(deps, config, image.registry, image.host, found),
    }));
  }
  return clients;
}

/** A finding as one line: what (never the value), its fingerprint, where. */
const describeFinding = (f: Finding) => `${f.what}${f.fingerprint ? ` [sha256 ${f.fingerprint}…]` : ''} in ${f.where}`;

interface AuditSummary {
  mode: Config['audit'];
  leaks: number;
  findings: Finding[];
  skipped: string[];
  layers: number;
  bytes: number;
}

/** Runs the audit (unless `audit: off`), logs what it found; the caller decides whether to push. */
async function auditImage(deps: Deps, config: Config, layoutDir: string, graph: ImageGraph, secrets: Array<{ name: string; value: string }>): Promise<AuditSummary> {
  const { platform, redactor } = deps;
  if (config.audit === 'off') {
    platform.info('audit: off — the image was not checked for secrets');
    return { mode: 'off', leaks: 0, findings: [], skipped: [], layers: 0, bytes: 0 };
  }
  const handedKeys = new Map<string, string>();
  for (const s of secrets) {
    const identity = looksLikePrivateKey(s.value) ? keyIdentity(s.value) : undefined;
    if (identity) handedKeys.set(s.name, identity);
  }
  const result = await platform.group('Audit', () => auditLayout(layoutDir, graph, { secrets, handedKeys, redact: (t) => redactor.redact(t) }));
  for (const s of result.skipped) platform.warning(`audit: ${s}`);
  const leaks = result.findings.filter((f) => f.severity === 'leak');
  for (const f of result.findings.filter((x) => x.severity === 'key')) platform.warning(`audit: ${describeFinding(f)} (not a key of this run: reported, not failed)`);
  if (leaks.length && config.audit === 'warn') for (const f of leaks) platform.warning(`audit: ${describeFinding(f)}`);
  platform.info(`audit: ${result.layers} layers (${(result.bytes / 1048576).toFixed(1)} MiB decompressed), config and annotations checked for ${secrets.length - result.skipped.length} values: ${leaks.length ? `${leaks.length} found` : 'none found'}`);
  return { mode: config.audit, leaks: leaks.length, findings: result.findings, skipped: result.skipped, layers: result.layers, bytes: result.bytes };
}

/** Writes `secrets` values to 0600 files in the step's private directory; returns id → path. */
async function writeSecretFiles(config: Config, workdir: string): Promise<Array<{ id: string; path: string }>> {
  const dir = join(workdir, 'secrets');
  await mkdir(dir, { mode: 0o700 });
  const files: Array<{ id: string; path: string }> = [];
  const write = async (id: string, value: string) => {
    const path = join(dir, id);
    await writeFile(path, value, { mode: 0o600, flag: 'wx' });
    files.push({ id, path });
  };
  for (const s of config.secrets) {
    if (s.kind === 'file') files.push({ id: s.id, path: s.path });
    else await write(s.id, s.value);
  }
  if (config.knownHosts) await write('known_hosts', `${config.knownHosts}\n`);
  return files;
}

/** The planned tags of an image as text: floating ones marked, for the log. */
const describePlan = (image: ImageTarget) => image.tags.map((t) => (t.floating ? `${t.tag} (if highest)` : t.tag)).join(', ');

/** One build: a target stage and the images that get it. */
interface Unit {
  target: string | undefined;
  images: ImageTarget[];
}

/** The builds a run makes: one per target stage its images name (`target=`), in input order. */
function unitsOf(config: Config): Unit[] {
  const units: Unit[] = [];
  for (const image of config.images) {
    const target = image.target ?? config.target;
    const unit = units.find((u) => u.target === target);
    if (unit) unit.images.push(image);
    else units.push({ target, images: [image] });
  }
  return units;
}

/** A build's labels and manifest annotations (generated OCI ones plus the user's), and its base. */
interface ImageMeta {
  labels: Labels;
  annotations: Labels;
  base?: string;
}

/** The image's labels and manifest annotations: generated OCI ones plus the user's. */
function imageMetadata(config: Config, facts: RunFacts, dockerfile: string, unit: Unit): ImageMeta {
  const base = baseImage(stages(dockerfile, config.buildArgs), unit.target);
  let baseDigest: string | undefined;
  try {
    baseDigest = base ? parseReference(base.from).digest : undefined;
  } catch {
    baseDigest = undefined; // not a reference (the policy says so when it is on)
  }
  // Without a release version, the tag that names this build best: its branch or pull request, else any fixed tag.
  const tags = unit.images[0]?.tags ?? [];
  const fixed = (tags.find((t) => t.rule === 'branch' || t.rule === 'pr') ?? tags.find((t) => !t.floating))?.tag;
  const common = {
    repository: facts.repository,
    revision: facts.git.sha,
    version: config.version ?? fixed,
    created: config.created.created,
    baseName: base?.from,
    baseDigest,
    public: unit.images.some((i) => i.visibility === 'public'),
  };
  return { labels: imageLabels({ ...common, user: config.labels }), annotations: imageLabels({ ...common, user: config.annotations }), base: base?.from };
}

/** Per image: the push target, with forward-only floating tags decided against the registry's tags. */
function pushTargets(config: Config, images: readonly ImageTarget[], decisions: Map<string, TagDecision[]>): PushTarget[] {
  return images.map((image) => {
    const name = formatRepository(image.repository);
    const decide = (existing: readonly string[]) => {
      const d = decideTags(image.tags, config.version, existing, config.floating);
      decisions.set(name, d);
      return d.filter((x) => x.push).map((x) => x.tag);
    };
    const needsListing = config.floating === 'forward' && image.tags.some((t) => t.floating);
    return needsListing ? { repository: image.repository, tags: [], chooseTags: decide } : { repository: image.repository, tags: decide([]) };
  });
}

/** `load` and `outputs`: the image into the local Docker daemon, and as files. After the audit. */
async function exportCopies(deps: Deps, config: Config, layoutDir: string, graph: ImageGraph, names: readonly string[], builder: string): Promise<void> {
  const { platform, exec } = deps;
  if (config.load) {
    if (builder === 'docker') {
      platform.info(`load: the image is in the Docker daemon already, as ${names.join(', ')}`);
    } else {
      const load = exec.sink('docker', ['load'], { env: platform.context.env });
      await Promise.all([writeDockerArchive(layoutDir, graph, names, load.stdin), load.done]);
      platform.info(`load: loaded into the Docker daemon as ${names.join(', ')}`);
    }
  }
  for (const spec of config.outputs) {
    if (spec.type === 'docker') {
      await mkdir(dirname(spec.dest), { recursive: true });
      await writeDockerArchive(layoutDir, graph, names, createWriteStream(spec.dest, { mode: 0o644 }));
    } else {
      await writeOciLayout(layoutDir, spec);
    }
    platform.info(`outputs: ${spec.type === 'docker' ? 'a Docker archive' : `an OCI layout${spec.tar ? ' (tar)' : ''}`} at ${spec.dest}`);
  }
}

/** The job summary, redacted; a summary that cannot be written is a warning, not a failed build. */
async function writeSummary(deps: Deps, markdown: string): Promise<void> {
  try {
    await deps.platform.summary(deps.redactor.redact(markdown));
  } catch (e) {
    deps.platform.warning(`could not write the job summary: ${deps.redactor.redact(e instanceof Error ? e.message : String(e))}`);
  }
}

/** With `pr-comment: true` on a pull request: one comment, updated in place. Failures are warnings. */
async function commentOnPullRequest(deps: Deps, config: Config, summary: RunSummary): Promise<void> {
  const { platform } = deps;
  const pr = platform.context.facts.git.pullRequest;
  if (!config.prComment) return;
  if (pr === undefined) return platform.info('pr-comment: this run is not for a pull request, so there is nothing to comment on');
  const env = platform.context.env;
  if (!config.githubToken || !env.GITHUB_REPOSITORY) return platform.warning('pr-comment: no github-token (or no GITHUB_REPOSITORY): the pull request was not commented on');
  try {
    const done = await upsertPrComment({ token: config.githubToken, apiUrl: env.GITHUB_API_URL || 'https://api.github.com', repository: env.GITHUB_REPOSITORY, pullRequest: pr, userAgent: USER_AGENT }, deps.redactor.redact(renderComment(summary)));
    platform.info(`pr-comment: ${done} the comment on pull request #${pr}`);
  } catch (e) {
    platform.warning(`pr-comment: could not comment on pull request #${pr} (${deps.redactor.redact(e instanceof Error ? e.message : String(e))}); the image was pushed all the same`);
  }
}

/** One finished build: its unit, labels, OCI layout and graph. */
interface Built {
  unit: Unit;
  meta: ImageMeta;
  layoutDir: string;
  root: LayoutRoot;
  imageId: string;
  localTags: readonly string[];
  graph: ImageGraph;
}

interface Metadata {
  version: string | null;
  versionSource: string | null;
  created: Config['created'];
  base: string | null;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  withheldLabels: string[];
  digest: string;
  audit: AuditSummary;
  images: Array<{ repository: string; visibility: string; digest: string; pushed: boolean; tags: TagDecision[]; error?: string }>;
  /** With public and private builds: the private bytes proven absent from the public registries. */
  privateBytesKeptPrivate?: number;
}

/** Pushes one build to its images' registries; the decisions map gets each repository's tag decisions. */
async function pushUnit(deps: Deps, config: Config, unit: Unit, graph: ImageGraph, layoutDir: string, clients: Map<string, RegistryClient>, decisions: Map<string, TagDecision[]>): Promise<RegistryReport[]> {
  const { platform } = deps;
  const mine = new Map<string, TagDecision[]>();
  const reports = await pushGraph(graph, layoutSource(layoutDir), pushTargets(config, unit.images, mine), engineOptions(deps, config, clients));
  for (const r of reports) platform.info(describeReport(r));
  for (const [repository, ds] of mine) {
    decisions.set(repository, ds);
    for (const d of ds) if (!d.push) platform.info(`${repository}: ${d.tag} not moved — ${d.reason}`);
  }
  return reports;
}

/**
 * The proof for public registries: no blob of another build (a private layer, a private config)
 * may be readable there. Each is asked for anonymously by digest; any answer fails the run.
 * Returns the private bytes that stayed private.
 */
async function provePrivateStaysPrivate(deps: Deps, config: Config, built: readonly Built[]): Promise<number> {
  let kept = 0;
  for (const b of built) {
    const publicImages = b.unit.images.filter((i) => i.visibility === 'public');
    if (!publicImages.length) continue;
    const own = new Set(b.graph.blobs.map((x) => x.digest));
    const others = new Map(built.filter((o) => o !== b).flatMap((o) => o.graph.blobs).filter((x) => !own.has(x.digest)).map((x) => [x.digest, x]));
    for (const image of publicImages) {
      const anonymous = deps.createRegistryClient(await clientOptions(config, image.repository.host)); // no credentials
      try {
        const seen: string[] = [];
        for (const blob of others.values()) {
          const there = await anonymous.hasBlob(image.repository.path, blob.digest).catch((e: unknown) => {
            throw new Error(`${formatRepository(image.repository)} is marked public, but it cannot be read anonymously to prove that nothing private reached it: ${e instanceof Error ? e.message : String(e)}`);
          });
          if (there) seen.push(blob.digest);
        }
        if (seen.length) throw new Error(`${formatRepository(image.repository)} is public and serves ${seen.length} private blob${seen.length > 1 ? 's' : ''} (${seen.join(', ')}): remove them from that registry now`);
        kept += [...others.values()].reduce((n, x) => n + x.size, 0);
        deps.platform.info(`${formatRepository(image.repository)} (public): none of the ${others.size} private blobs of the other builds can be read there anonymously`);
      } finally {
        await anonymous.close();
      }
    }
  }
  return kept;
}

export async function run(deps: Deps): Promise<void> {
  const { platform, exec, redactor } = deps;
  const config = parseConfig((name) => platform.getInput(name), platform.context);
  const hide = (value: string) => hideSecret(deps, value);
  for (const value of secretValues(config)) hide(value);
  await checkFiles(config);
  // Everything the audit looks for: the config's secrets, secret-files contents, credentials found on the machine.
  const auditSecrets = [...namedSecrets(config), ...(await checkSecretFiles(config, hide))];
  if (config.version) platform.info(`Version ${config.version} (from the ${config.versionSource})`);
  for (const image of config.images) platform.info(`${formatRepository(image.repository)}${image.visibility === 'public' ? ' (public)' : ''}: ${describePlan(image)}`);
  const dockerfile = await readFile(config.file, 'utf8');
  // The base-image policy, from the Dockerfile, before anything is built.
  const violations = checkBaseImages(imageUses(dockerfile, config.buildArgs), { allowed: config.allowedBaseImages, requirePinned: config.requirePinnedBase, buildContexts: config.buildContexts });
  if (violations.length) {
    const file = relative(platform.context.workspace, config.file) || config.file;
    for (const v of violations) platform.error(`base image policy: ${v.message}`, { file, line: v.line, title: 'Base image policy' });
    throw new Error(`the base image policy refused ${violations.length === 1 ? 'an image' : `${violations.length} images`} the build would use; nothing was built:\n${violations.map((v) => `  - ${v.line ? `${file}:${v.line}: ` : ''}${v.message}`).join('\n')}`);
  }
  const units = unitsOf(config);
  const metas = units.map((u) => imageMetadata(config, platform.context.facts, dockerfile, u));
  for (const [i, meta] of metas.entries()) {
    if (meta.labels.withheld.length) {
      platform.info(`Left out of the labels${units.length > 1 ? ` of the ${units[i]!.target ?? 'default'} build` : ''} because a target registry is public and the repository is not known to be: ${meta.labels.withheld.join(', ')} (set them in labels to keep them)`);
    }
  }
  const planFor = (unit: Unit, labels: Labels): BuildPlan => ({
    context: config.context, file: config.file, target: unit.target, buildArgs: config.buildArgs, labels: labels.values, network: config.network,
    secretFiles: [], ssh: config.ssh, platforms: config.platforms, cacheFrom: config.cacheFrom, cacheTo: config.cacheTo, noCache: config.noCache,
    pull: config.pull, addHosts: config.addHosts, buildContexts: config.buildContexts, provenance: config.provenance, sbom: config.sbom,
    // Local names for the built image: its fixed tags (floating ones are decided per registry later).
    localTags: unit.images.flatMap((image) => image.tags.filter((t) => !t.floating).map((t) => formatReference(image.repository, t.tag))),
    iidFile: '',
  });
  // The builder is chosen, and what it cannot do refused, before any secret is written.
  const choice = chooseBuilder(config.builder, await probeBuilders(exec, platform.context.env, config.buildxBuilder), config.buildkitHost);
  platform.info(`Builder: ${choice.name} (${choice.why})`);
  const refused = unsupported(choice.name, planFor(units[0]!, metas[0]!.labels), config.provenanceSet);
  if (refused.length) throw new ConfigError(refused);
  if (config.provenance !== 'false' && !config.provenanceSet && (choice.name === 'docker' || choice.name === 'buildah')) {
    platform.info(`No provenance attestation: builder ${choice.name} cannot make one (buildx and buildctl do)`);
  }

  const workdir = await mkdtemp(join(platform.context.tempDir, 'hoist-'));
  platform.saveState(WORKDIR_STATE, workdir);
  let agent: SshAgent | undefined;
  // Cancelled mid-step: no secret file and no agent may outlive it.
  const unhook = deps.onTerminate(() => {
    // Each step on its own: one failing must not keep the others from running.
    const attempt = (what: string, step: () => void) => {
      try {
        step();
      } catch (e) {
        platform.warning(`while cancelling, could not ${what}: ${e instanceof Error ? e.message : String(e)}`);
      }
    };
    attempt('stop the running tools', () => exec.stopAll());
    attempt('stop the ssh-agent', () => agent?.stop());
    attempt(`remove ${workdir}`, () => rmSync(workdir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 }));
  });
  try {
    const secretFiles = await writeSecretFiles(config, workdir);
    const ssh = [...config.ssh];
    if (config.sshKey) {
      agent = await startAgent(exec, workdir, platform.context.env, config.sshKey, config.sshKeyPassphrase);
      platform.saveState(AGENT_STATE, String(agent.pid));
      ssh.push({ id: 'default', paths: [agent.socket] });
      platform.info(`ssh-key loaded into Hoist's own ssh-agent, forwarded to the build as default`);
    }
    const builder = createBuilder(choice, {
      exec, env: platform.context.env, workdir, readFile: (p) => readFile(p, 'utf8'), buildkitHost: config.buildkitHost, buildxBuilder: config.buildxBuilder,
      insecureRegistries: [...config.registries].filter(([, r]) => r.insecure).map(([host]) => host),
    });
    const built: Built[] = [];
    for (const [i, unit] of units.entries()) {
      const meta = metas[i]!;
      const plan = { ...planFor(unit, meta.labels), ssh, secretFiles, iidFile: join(workdir, `iid-${i}`) };
      const layoutDir = join(workdir, `oci-${i}`);
      const name = units.length > 1 ? ` ${unit.target ?? 'default'} for ${unit.images.map((x) => formatRepository(x.repository)).join(', ')}` : '';
      const imageId = await platform.group(`Build${name} (${builder.name})`, () => builder.build(plan, layoutDir, (line) => platform.info(line)));
      // Hoist's annotations go on the root the builder wrote (a new root digest), named by the first tag.
      const root = await annotateLayoutRoot(layoutDir, meta.annotations.values, unit.images[0]?.tags[0]?.tag);
      platform.info(`OCI layout: ${root.descriptor.mediaType} ${root.descriptor.digest} (${root.descriptor.size} bytes), image id ${imageId}`);
      built.push({ unit, meta, layoutDir, root, imageId, localTags: plan.localTags, graph: await layoutGraph(layoutDir, root) });
    }
    // The secret files and the agent are no longer needed once the builds have run.
    await rm(join(workdir, 'secrets'), { recursive: true, force: true });
    agent?.stop();

    // The outputs describe the build of the `target` input (the final image); metadata has each image's digest.
    const primary = built.find((b) => b.unit.target === config.target) ?? built[built.length - 1]!;
    platform.setOutput('imageid', primary.imageId);
    platform.setOutput('digest', primary.root.descriptor.digest);
    platform.setOutput('version', config.version ?? '');
    platform.setOutput('labels', primary.meta.labels.values.map(([k, v]) => `${k}=${v}`).join('\n'));
    // Registry clients first (push only): credentials found on the machine are secrets the audit looks for too.
    const found: Array<{ name: string; value: string }> = [];
    const clients = config.push ? await createClients(deps, config, config.images.map((i) => i.repository), found) : new Map<string, RegistryClient>();
    try {
      const audits = [];
      for (const b of built) audits.push(await auditImage(deps, config, b.layoutDir, b.graph, [...auditSecrets, ...found]));
      const audit: AuditSummary = {
        mode: config.audit, leaks: audits.reduce((n, a) => n + a.leaks, 0), findings: audits.flatMap((a) => a.findings),
        skipped: [...new Set(audits.flatMap((a) => a.skipped))], layers: audits.reduce((n, a) => n + a.layers, 0), bytes: audits.reduce((n, a) => n + a.bytes, 0),
      };
      const digestOf = (image: ImageTarget) => built.find((b) => b.unit.images.includes(image))!.root.descriptor.digest;
      const metadata: Metadata = {
        version: config.version ?? null,
        versionSource: config.versionSource ?? null,
        created: config.created,
        base: primary.meta.base ?? null,
        labels: Object.fromEntries(primary.meta.labels.values),
        annotations: Object.fromEntries(primary.meta.annotations.values),
        withheldLabels: primary.meta.labels.withheld,
        digest: primary.root.descriptor.digest,
        audit,
        images: config.images.map((i) => ({ repository: formatRepository(i.repository), visibility: i.visibility, digest: digestOf(i), pushed: false, tags: [] })),
      };
      if (audit.leaks > 0 && config.audit === 'fail') {
        platform.setOutput('metadata', JSON.stringify(metadata));
        await writeSummary(deps, renderSummary({ digest: metadata.digest, version: metadata.version, registries: [], decisions: new Map(), audit }));
        throw new Error(`the audit found ${audit.leaks === 1 ? 'a secret' : `${audit.leaks} secrets`} in the image; nothing was pushed:\n${audit.findings.filter((f) => f.severity === 'leak').map((f) => `  - ${describeFinding(f)}`).join('\n')}\nFix the Dockerfile (a secret belongs in RUN --mount=type=secret, not in ARG, ENV, a label or a file), or set audit: warn to push anyway.`);
      }
      await exportCopies(deps, config, primary.layoutDir, primary.graph, primary.localTags, builder.name);
      if (!config.push) {
        platform.info('push is false: nothing was pushed');
        platform.setOutput('tags', built.flatMap((b) => b.localTags).join('\n'));
        platform.setOutput('metadata', JSON.stringify(metadata));
        return;
      }
      const decisions = new Map<string, TagDecision[]>();
      const reports: RegistryReport[] = [];
      await platform.group('Push', async () => {
        for (const b of built) reports.push(...(await pushUnit(deps, config, b.unit, b.graph, b.layoutDir, clients, decisions)));
      });
      platform.setOutput('tags', reports.flatMap((r) => r.references).join('\n'));
      metadata.images = config.images.map((i) => {
        const name = formatRepository(i.repository);
        const report = reports.find((r) => r.host === i.repository.host && r.repositories.includes(i.repository.path));
        return { repository: name, visibility: i.visibility, digest: digestOf(i), pushed: !!report && !report.error, tags: decisions.get(name) ?? [], ...(report?.error ? { error: report.error.message } : {}) };
      });
      const failed = reports.filter((r) => r.error);
      // Public registries: nothing of another build may be there (checked when every push landed).
      if (!failed.length && built.length > 1 && config.images.some((i) => i.visibility === 'public')) {
        const kept = await platform.group('Public registries hold nothing private', () => provePrivateStaysPrivate(deps, config, built));
        metadata.privateBytesKeptPrivate = kept;
        platform.info(`${(kept / 1048576).toFixed(1)} MiB of private layers and configs stayed out of the public registries`);
      }
      platform.setOutput('metadata', JSON.stringify(metadata));
      const summary: RunSummary = { digest: metadata.digest, version: metadata.version, registries: reports, decisions, audit: metadata.audit };
      await writeSummary(deps, renderSummary(summary));
      if (!failed.length) {
        await commentOnPullRequest(deps, config, summary);
      } else {
        const ok = reports.length - failed.length;
        const hint = failed.some((r) => r.error instanceof TagListError)
          ? '\n  (floating tags move only forward, which needs the registry\'s tag list: grant read access, or set floating-tags: always)' : '';
        throw new Error(`push failed on ${failed.length} of ${reports.length} registries (${ok} succeeded; no tag moved on a failed one):\n${failed.map((r) => `  ${describeReport(r)}`).join('\n')}${hint}`);
      }
    } finally {
      await Promise.all([...clients.values()].map((c) => c.close()));
    }
  } finally {
    agent?.stop();
    await rm(workdir, { recursive: true, force: true });
    unhook();
  }
}

/** The post step: removes what the main step left behind if it was cut short. */
export async function cleanup(platform: Platform): Promise<void> {
  const pid = Number(platform.getState(AGENT_STATE));
  // Only an ssh-agent: the pid may have been reused since.
  if (pid && (await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')).trim() === 'ssh-agent') stopAgent(pid);
  const workdir = platform.getState(WORKDIR_STATE);
  if (workdir) await rm(workdir, { recursive: true, force: true });
}
