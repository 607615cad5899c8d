/**
 * One set of registry settings for everything that talks to a registry: the builders pull bases,
 * `COPY --from` images and caches with the same credentials, CAs and plain-HTTP choices as Hoist's
 * own client. Written into the step's private directory (0600, removed with it):
 *   - a Docker config (`DOCKER_CONFIG`) for docker, buildx and buildctl — the machine's own config
 *     (its helpers, contexts, buildx builders and CLI plugins kept) with the logins of the machine's
 *     other login files (REGISTRY_AUTH_FILE, GitLab's DOCKER_AUTH_CONFIG, the containers tools' auth
 *     files: Hoist's own requests read them, registry/credentials.ts#loginFiles) and the step's added,
 *     in the same precedence — a base behind a `podman login` or DOCKER_AUTH_CONFIG login is pulled
 *     by the builder with it, as Hoist's own base lookup is;
 *   - the same file as buildah's `--authfile`, and a `--cert-dir` with the CAs of `registry-ca`.
 * What a builder cannot be told (the Docker daemon's own trust store) is said, with where to put it.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Effects } from '../effects/effects.js';
import type { TransferSettings } from '../inputs/registries.js';
import { machineCredentials } from '../registry/connect.js';
import { CredentialError, dockerConfigPath, loginFiles, serverUrl, type DockerAuthEntry, type DockerConfigFile } from '../registry/credentials.js';
import { resolveCredentials } from '../registry/resolve.js';

export interface BuilderRegistryAccess {
  /** The directory to hand docker, buildx and buildctl as DOCKER_CONFIG. */
  dockerConfig: string;
  /** The same config.json, for buildah's --authfile. */
  authFile: string;
  /** A directory of the step's extra CAs (ca-N.crt), for buildah's --cert-dir; undefined without any. */
  certDir?: string;
  /** Registries whose CA the user gave: the Docker daemon must be told on its own machine. */
  caHosts: string[];
}

export async function writeBuilderAccess(
  dir: string,
  transfer: TransferSettings,
  env: Readonly<Record<string, string | undefined>>,
  extra: Array<{ host: string; username: string; password: string }> = [],
): Promise<BuilderRegistryAccess> {
  const configDir = join(dir, 'docker-config');
  await mkdir(configDir, { mode: 0o700 });
  const machinePath = dockerConfigPath(env);
  const machine: DockerConfigFile & Record<string, unknown> = machinePath && existsSync(machinePath) ? JSON.parse(await readFile(machinePath, 'utf8')) : {};
  const others = await otherLoginFiles(env, machinePath);
  const auths = { ...others.below.auths, ...machine.auths, ...others.above.auths };
  const credHelpers = { ...others.below.credHelpers, ...machine.credHelpers, ...others.above.credHelpers };
  const logins = [
    ...[...transfer.registries].filter(([, r]) => r.password).map(([host, r]) => ({ host, username: r.username ?? '', password: r.password! })),
    ...extra,
  ];
  // Keyed as Docker keys them: Docker Hub's API host under its index URL (registry/credentials.ts#serverUrl).
  for (const l of logins) auths[serverUrl(l.host)] = { auth: Buffer.from(`${l.username}:${l.password}`).toString('base64') };
  const authFile = join(configDir, 'config.json');
  const helpers = Object.keys(credHelpers).length ? { credHelpers } : {};
  await writeFile(authFile, JSON.stringify({ ...machine, ...helpers, auths }), { mode: 0o600, flag: 'wx' });
  // What else lives in the machine's Docker config directory: buildx builders, contexts, CLI plugins.
  if (machinePath) {
    for (const name of ['buildx', 'contexts', 'cli-plugins']) {
      const from = join(dirname(machinePath), name);
      if (existsSync(from)) await symlink(from, join(configDir, name));
    }
  }
  const cas = [...transfer.registries].filter(([, r]) => r.caFile);
  let certDir: string | undefined;
  if (cas.length) {
    certDir = join(dir, 'certs');
    await mkdir(certDir, { mode: 0o700 });
    for (const [i, [, r]] of cas.entries()) await writeFile(join(certDir, `ca-${i}.crt`), await readFile(r.caFile!));
  }
  return { dockerConfig: configDir, authFile, ...(certDir ? { certDir } : {}), caHosts: cas.map(([host]) => host) };
}

type Logins = Required<Pick<DockerConfigFile, 'auths' | 'credHelpers'>>;

/**
 * The `auths` and `credHelpers` of the machine's login files other than the Docker config: those read
 * before it (REGISTRY_AUTH_FILE, DOCKER_AUTH_CONFIG) go above its entries, the containers tools'
 * default files below, each file above those after it. Keys are as Docker keys them (Docker Hub's under
 * its index URL). A file that is missing or cannot be read or parsed adds nothing here: Hoist's own
 * lookup of a registry's login names it (credentials.ts), and a builder would not have had it before.
 */
async function otherLoginFiles(env: Readonly<Record<string, string | undefined>>, dockerConfig: string | undefined): Promise<{ above: Logins; below: Logins }> {
  const above: Logins = { auths: {}, credHelpers: {} };
  const below: Logins = { auths: {}, credHelpers: {} };
  let into = above;
  const files = loginFiles({ ...env });
  for (const file of files) {
    if (file.docker && !file.named && file.path === dockerConfig) {
      into = below;
      continue;
    }
    const config = await readConfig(file.text, file.path);
    for (const [key, entry] of Object.entries(config?.auths ?? {})) {
      const k = dockerKey(key);
      if (entry && typeof entry === 'object' && !(k in into.auths)) into.auths[k] = entry as DockerAuthEntry;
    }
    for (const [key, helper] of Object.entries(config?.credHelpers ?? {})) {
      const k = dockerKey(key);
      if (typeof helper === 'string' && !(k in into.credHelpers)) into.credHelpers[k] = helper;
    }
  }
  return { above, below };
}

async function readConfig(text: string | undefined, path: string): Promise<DockerConfigFile | undefined> {
  try {
    const config = JSON.parse(text ?? (await readFile(path, 'utf8'))) as unknown;
    return config && typeof config === 'object' && !Array.isArray(config) ? (config as DockerConfigFile) : undefined;
  } catch {
    return undefined;
  }
}

/** A login file's key as the Docker config keys it: `docker.io` (as podman writes it) under Docker Hub's index URL. */
function dockerKey(key: string): string {
  const host = key.replace(/^https?:\/\//, '').replace(/\/+$/, '');
  return /^(docker\.io|index\.docker\.io|registry-1\.docker\.io)(\/v1)?$/.test(host) ? serverUrl('docker.io') : key;
}

/** The github-token login for ghcr.io the builders get, when the one precedence chooses it. */
export async function githubTokenLogin(
  fx: Pick<Effects, 'files' | 'exec' | 'platform'>,
  transfer: TransferSettings,
  githubToken: string,
): Promise<Array<{ host: string; username: string; password: string }>> {
  const machine = machineCredentials(fx);
  const lookup = async (registry: string) => {
    try {
      return await machine(registry);
    } catch (e) {
      // Unreadable here, it fails the push that needs it with its own message; the builders keep the token.
      if (!(e instanceof CredentialError)) throw e;
      fx.platform.info(`ghcr.io: the builders log in with the step's github-token (${e.message})`);
      return undefined;
    }
  };
  const chosen = await resolveCredentials('ghcr.io', { transfer, machine: lookup, githubToken, actor: fx.platform.context.env.GITHUB_ACTOR });
  return chosen?.source === 'github-token' ? [{ host: 'ghcr.io', username: chosen.credentials.username, password: githubToken }] : [];
}
