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
  /**
   * The machine's login setup is wrong as written (a login file that is not JSON or cannot be read,
   * DOCKER_CONFIG naming a file, a helper the config names that is not installed): an input error
   * (exit 2, cli/exit.ts), found before anything is sent. A helper that ran and failed is not.
   */
  constructor(
    message: string,
    readonly inputError = false,
  ) {
    super(message);
  }
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
 * The login files a machine holds, in the order they are read: REGISTRY_AUTH_FILE when set (podman's,
 * buildah's and skopeo's auth file, which `podman login` writes), the Docker config, then the
 * containers tools' default auth files (`$XDG_RUNTIME_DIR/containers/auth.json`,
 * `~/.config/containers/auth.json`). All share the `auths`/`credHelpers` form. Before, only the
 * Docker config was read: a `podman login` or `skopeo login` on the runner was not seen, and the
 * push went without a login ("the registry requires a login").
 */
export function loginFiles(env: Record<string, string | undefined>): LoginFile[] {
  const files: LoginFile[] = [];
  const authFile = env.REGISTRY_AUTH_FILE?.trim();
  if (authFile) files.push({ path: authFile, docker: false, named: 'REGISTRY_AUTH_FILE' });
  // GitLab's DOCKER_AUTH_CONFIG (the runner pulls the job's images with it): a Docker config as the
  // variable's text, or as a File variable's path. It was not read: a job whose bases or registry
  // need the login it holds went without one ("the registry requires a login").
  const inline = env.DOCKER_AUTH_CONFIG?.trim();
  if (inline)
    files.push(
      inline.startsWith('{')
        ? { path: 'DOCKER_AUTH_CONFIG', docker: true, named: 'DOCKER_AUTH_CONFIG', text: inline }
        : { path: inline, docker: true, named: 'DOCKER_AUTH_CONFIG', required: true },
    );
  const docker = dockerConfigPath(env);
  if (docker) files.push({ path: docker, docker: true });
  if (!authFile) {
    if (env.XDG_RUNTIME_DIR) files.push({ path: join(env.XDG_RUNTIME_DIR, 'containers', 'auth.json'), docker: false });
    if (env.HOME) files.push({ path: join(env.HOME, '.config', 'containers', 'auth.json'), docker: false });
  }
  return files;
}

/**
 * The credentials the machine's login files hold for `registry` (as users write it: `docker.io`,
 * `ghcr.io`, `127.0.0.1:5000`), the first file that has them, or undefined. A helper that has nothing
 * for the registry is not an error; a helper that cannot run, or a login file that cannot be read or
 * is not JSON, is.
 */
/** A login file: a path, or (DOCKER_AUTH_CONFIG) the text itself; `named` is the variable that gave it. */
export interface LoginFile {
  path: string;
  docker: boolean;
  named?: string;
  text?: string;
  /** A file that must be there (a File variable's path): missing, it is named, not passed over. */
  required?: boolean;
}

export async function fetchDockerCredentials(registry: string, sources: CredentialSources, repository?: string): Promise<Credentials | undefined> {
  for (const file of loginFiles(sources.env)) {
    const found = await fromLoginFile(registry, file, sources, repository);
    if (found) return found;
  }
  return undefined;
}

async function readLoginFile(file: LoginFile, sources: CredentialSources): Promise<DockerConfigFile | undefined> {
  const { path } = file;
  let text: string | undefined = file.text;
  try {
    text ??= await sources.readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // DOCKER_CONFIG is the directory that holds config.json; set to the file itself (a common slip,
    // as REGISTRY_AUTH_FILE is a file) it gave a bare "ENOTDIR: not a directory, open …/config.json/config.json".
    if (file.docker && !file.named && code === 'ENOTDIR' && sources.env.DOCKER_CONFIG)
      throw new CredentialError(
        `DOCKER_CONFIG=${sources.env.DOCKER_CONFIG} names a file: it is the directory that holds config.json — set DOCKER_CONFIG=${dirname(sources.env.DOCKER_CONFIG)}`,
        true,
      );
    // DOCKER_AUTH_CONFIG's value may be no path at all (a base64'd config, a token): read as one it failed, and is not printed.
    if (file.required)
      throw new CredentialError(
        `${file.named} is neither a Docker config (JSON starting with '{') nor the path of a file that can be read (${code ?? 'unreadable'}): set it to the JSON, or make it a File variable`,
        true,
      );
    const what = file.named ? `${file.named}=${path}` : `${path} (${file.docker ? 'the Docker config' : "the containers tools' auth file"})`;
    throw new CredentialError(
      `${what} cannot be read (${code ?? (e as Error).message}): fix its permissions, or point ${file.named ?? (file.docker ? 'DOCKER_CONFIG' : 'REGISTRY_AUTH_FILE')} elsewhere`,
      true,
    );
  }
  // No file (REGISTRY_AUTH_FILE's too, as podman and skopeo take it: set before the first login) holds no login.
  if (text === undefined && file.required)
    // The value is not printed: a variable meant to hold the JSON may hold a bare token.
    throw new CredentialError(
      `${file.named} is neither a Docker config (JSON starting with '{') nor the path of a file that is there: set it to the JSON, or make it a File variable`,
      true,
    );
  if (text === undefined) return undefined;
  try {
    const config = JSON.parse(text) as unknown;
    if (!config || typeof config !== 'object' || Array.isArray(config)) throw new Error('not an object');
    return config as DockerConfigFile;
  } catch {
    const what = file.text !== undefined ? file.named : file.named ? `${file.named}=${path}` : path;
    throw new CredentialError(`${what} is not valid JSON: fix or remove it`, true);
  }
}

async function fromLoginFile(registry: string, file: LoginFile, sources: CredentialSources, repository?: string): Promise<Credentials | undefined> {
  const config = await readLoginFile(file, sources);
  if (!config) return undefined;
  const { path } = file;
  const wanted = isDockerHub(registry) ? DOCKER_HUB.index : registry.toLowerCase();
  const matches = (key: string) => {
    const k = normaliseKey(key);
    return k === wanted || (isDockerHub(wanted) && isDockerHub(k));
  };
  const pick = <T>(entries: Record<string, T> | undefined) => bestEntry(Object.entries(entries ?? {}), file.docker, matches, repository);

  const helperEntry = pick(config.credHelpers);
  // containers-auth.json has no credsStore: only a Docker config's default store is asked.
  const helper = helperEntry?.[1] ?? (file.docker ? config.credsStore : undefined);
  if (helper) {
    const origin = `docker-credential-${helper} (${path})`;
    let stdout: string;
    try {
      stdout = await sources.runHelper(helper, serverUrl(registry));
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      // Helpers say "credentials not found" (exit 1) when they have nothing for the server.
      if (/credentials not found|no credentials/i.test(message)) return fromAuths();
      // Not installed: the config names a helper this machine lacks — its setup, not the registry's answer.
      const missing = (e as { notFound?: unknown }).notFound === true;
      const fix = missing ? ` (or take "${helper}" out of ${path}, or point DOCKER_CONFIG at a config without it)` : '';
      throw new CredentialError(`${origin} failed for ${registry}: ${message}${fix}`, missing);
    }
    return parseHelperAnswer(stdout, origin) ?? fromAuths();
  }
  return fromAuths();

  function fromAuths(): Credentials | undefined {
    const entry = pick(config!.auths);
    return entry ? parseAuthEntry(entry[1], path) : undefined;
  }
}

/**
 * The entry for a registry, and in the containers tools' auth files for a repository: there a key
 * may name a namespace (`podman login quay.io/team-a` writes `quay.io/team-a`), and the most
 * specific key that holds the repository wins, the registry's own key after it; a namespace key
 * that does not hold the repository is not its login. The Docker config keys by registry only
 * (Docker drops a key's path, `https://index.docker.io/v1/` among them); without a repository, the
 * first key of the registry serves, as before.
 */
function bestEntry<T>(
  entries: Array<[string, T]>,
  docker: boolean,
  matches: (key: string) => boolean,
  repository: string | undefined,
): [string, T] | undefined {
  if (docker || repository === undefined) return entries.find(([key]) => matches(key));
  const namespaced = (key: string) => !/^[a-z]+:\/\//i.test(key) && key.replace(/\/+$/, '').includes('/');
  const holds = (key: string) => {
    const ns = key.replace(/\/+$/, '').slice(key.indexOf('/') + 1);
    return repository !== undefined && (repository === ns || repository.startsWith(`${ns}/`));
  };
  const scoped = entries.filter(([key]) => namespaced(key) && matches(key) && holds(key)).sort(([a], [b]) => b.length - a.length);
  return scoped[0] ?? entries.find(([key]) => matches(key) && !namespaced(key));
}
