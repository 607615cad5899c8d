/**
 * One set of registry settings for everything that talks to a registry: the builders pull bases,
 * `COPY --from` images and caches with the same credentials, CAs and plain-HTTP choices as Hoist's
 * own client. Written into the step's private directory (0600, removed with it):
 *   - a Docker config (`DOCKER_CONFIG`) for docker, buildx and buildctl — the machine's own config
 *     (its helpers, contexts, buildx builders and CLI plugins kept) with the step's logins added;
 *   - the same file as buildah's `--authfile`, and a `--cert-dir` with the CAs of `registry-ca`.
 * What a builder cannot be told (the Docker daemon's own trust store) is said, with where to put it.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { TransferSettings } from '../inputs/registries.js';
import { dockerConfigPath, serverUrl, type DockerConfigFile } from '../registry/credentials.js';

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

/** The API host's key in a Docker config (`registry-1.docker.io` is Docker Hub's historical URL). */
const keyFor = (host: string) => serverUrl(host === 'registry-1.docker.io' ? 'docker.io' : host);

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
  const auths = { ...machine.auths };
  const logins = [
    ...[...transfer.registries].filter(([, r]) => r.password).map(([host, r]) => ({ host, username: r.username ?? '', password: r.password! })),
    ...extra,
  ];
  for (const l of logins) auths[keyFor(l.host)] = { auth: Buffer.from(`${l.username}:${l.password}`).toString('base64') };
  const authFile = join(configDir, 'config.json');
  await writeFile(authFile, JSON.stringify({ ...machine, auths }), { mode: 0o600, flag: 'wx' });
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
