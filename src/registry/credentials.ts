/**
 * Credentials already on the machine: the Docker config file (`$DOCKER_CONFIG/config.json`, else
 * `~/.docker/config.json` — what `docker login` and `docker/login-action` write) and the credential
 * helpers it names (`credHelpers` per registry, `credsStore` for all). Inputs win over these; this
 * module is only asked for registries `registry-auth` does not name.
 */
import { dirname, join } from 'node:path';
import { DOCKER_HUB, isDockerHub } from '../core/reference.js';
import { Credentials } from './auth.js';

export interface DockerAuthEntry {
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
}

export interface DockerConfigFile {
  auths?: Record<string, DockerAuthEntry>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

export interface CredentialSources {
  env: Record<string, string | undefined>;
  /** Reads a file; undefined when it does not exist. */
  readFile: (path: string) => Promise<string | undefined>;
  /** Runs `docker-credential-<helper> get` with the server URL on stdin; returns its stdout. */
  runHelper: (helper: string, serverUrl: string) => Promise<string>;
}

export function dockerConfigPath(env: Record<string, string | undefined>): string | undefined {
  if (env.DOCKER_CONFIG) return join(env.DOCKER_CONFIG, 'config.json');
  return env.HOME ? join(env.HOME, '.docker', 'config.json') : undefined;
}

/** `https://ghcr.io/v1/` → `ghcr.io`; how Docker matches `auths` keys to a registry. */
function normaliseKey(key: string): string {
  return key
    .replace(/^[a-z]+:\/\//i, '')
    .replace(/\/.*$/, '')
    .toLowerCase();
}

/** The server URL Docker uses for a registry in `auths` and with helpers. */
export function serverUrl(registry: string): string {
  return isDockerHub(registry) ? DOCKER_HUB.configKey : registry;
}

export class CredentialError extends Error {
  override readonly name = 'CredentialError';
}

/** Credentials from one `auths` entry, or undefined when the entry holds none. */
export function parseAuthEntry(entry: DockerAuthEntry, origin: string): Credentials | undefined {
  if (entry.identitytoken) return new Credentials(entry.username ?? '', entry.identitytoken, { kind: 'identity-token', origin });
  if (entry.username && entry.password) return new Credentials(entry.username, entry.password, { origin });
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) throw new CredentialError(`${origin}: the 'auth' value is not base64 of USERNAME:PASSWORD — log in again`);
    return new Credentials(decoded.slice(0, colon), decoded.slice(colon + 1), { origin });
  }
  return undefined;
}

/** Credentials from a helper's `get` answer (`{"ServerURL","Username","Secret"}`). */
export function parseHelperAnswer(stdout: string, origin: string): Credentials | undefined {
  let parsed: { Username?: string; Secret?: string };
  try {
    parsed = JSON.parse(stdout) as typeof parsed;
  } catch {
    throw new CredentialError(`${origin} answered something that is not JSON`);
  }
  if (!parsed.Secret) return undefined;
  if (parsed.Username === '<token>') return new Credentials('', parsed.Secret, { kind: 'identity-token', origin });
  return new Credentials(parsed.Username ?? '', parsed.Secret, { origin });
}

/**
 * The credentials the Docker config holds for `registry` (as users write it: `docker.io`,
 * `ghcr.io`, `127.0.0.1:5000`), or undefined. A helper that has nothing for the registry is not
 * an error; a helper that cannot run, or a config file that is not JSON, is.
 */
export async function fetchDockerCredentials(registry: string, sources: CredentialSources): Promise<Credentials | undefined> {
  const found = dockerConfigPath(sources.env);
  if (!found) return undefined;
  const path: string = found;
  let text: string | undefined;
  try {
    text = await sources.readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // DOCKER_CONFIG is the directory that holds config.json; set to the file itself (a common slip,
    // as REGISTRY_AUTH_FILE is a file) it gave a bare "ENOTDIR: not a directory, open …/config.json/config.json".
    if (code === 'ENOTDIR' && sources.env.DOCKER_CONFIG)
      throw new CredentialError(
        `DOCKER_CONFIG=${sources.env.DOCKER_CONFIG} names a file: it is the directory that holds config.json — set DOCKER_CONFIG=${dirname(sources.env.DOCKER_CONFIG)}`,
      );
    throw new CredentialError(
      `${path} (the Docker config) cannot be read (${code ?? (e as Error).message}): fix its permissions, or point DOCKER_CONFIG elsewhere`,
    );
  }
  if (text === undefined) return undefined;
  let config: DockerConfigFile;
  try {
    config = JSON.parse(text) as DockerConfigFile;
  } catch {
    throw new CredentialError(`${path} is not valid JSON: fix or remove it`);
  }
  const wanted = isDockerHub(registry) ? DOCKER_HUB.index : registry.toLowerCase();
  const matches = (key: string) => {
    const k = normaliseKey(key);
    return k === wanted || (isDockerHub(wanted) && isDockerHub(k));
  };

  const helperEntry = Object.entries(config.credHelpers ?? {}).find(([key]) => matches(key));
  const helper = helperEntry?.[1] ?? config.credsStore;
  if (helper) {
    const origin = `docker-credential-${helper} (${path})`;
    let stdout: string;
    try {
      stdout = await sources.runHelper(helper, serverUrl(registry));
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      // Helpers say "credentials not found" (exit 1) when they have nothing for the server.
      if (/credentials not found|no credentials/i.test(message)) return fromAuths();
      throw new CredentialError(`${origin} failed for ${registry}: ${message}`);
    }
    return parseHelperAnswer(stdout, origin) ?? fromAuths();
  }
  return fromAuths();

  function fromAuths(): Credentials | undefined {
    const entry = Object.entries(config.auths ?? {}).find(([key]) => matches(key));
    return entry ? parseAuthEntry(entry[1], path) : undefined;
  }
}
