/**
 * Image references, parsed and normalised the way the distribution reference grammar and the
 * Docker CLI do it: `alpine` is `docker.io/library/alpine`, whose API host is
 * `registry-1.docker.io`. Pure functions only.
 */

/** A repository in a registry, without tag or digest. */
export interface Repository {
  /** The registry as users write it (`docker.io`, `ghcr.io`, `127.0.0.1:5000`). */
  registry: string;
  /** The host[:port] the distribution API is served on. */
  host: string;
  /** The repository path inside the registry (`library/alpine`, `acme/app`). */
  path: string;
}

export interface Reference extends Repository {
  tag: string | undefined;
  digest: string | undefined;
}

/**
 * Docker Hub's names, the one table: as users write it, its API host, the host of its historical
 * index URL (how `docker login` keys it in a Docker config, `https://index.docker.io/v1/`), and
 * every name that means it.
 */
export const DOCKER_HUB = {
  name: 'docker.io',
  api: 'registry-1.docker.io',
  index: 'index.docker.io',
  configKey: 'https://index.docker.io/v1/',
  aliases: ['docker.io', 'index.docker.io', 'registry-1.docker.io'],
} as const;

/** Whether a registry name (any case) is Docker Hub's, by any of its names. */
export function isDockerHub(registry: string): boolean {
  return (DOCKER_HUB.aliases as readonly string[]).includes(registry.toLowerCase());
}

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?$|^\[[0-9a-fA-F:]+\](?::[0-9]+)?$/;
export const TAG_PATTERN = /^[\w][\w.-]{0,127}$/;
export const DIGEST_PATTERN = /^sha256:[a-f0-9]{64}$/;

export class ReferenceError extends Error {
  override readonly name = 'ReferenceError';
}

/** The API host for a registry name (`docker.io` and `index.docker.io` → `registry-1.docker.io`). */
export function registryHost(registry: string): string {
  return isDockerHub(registry) ? DOCKER_HUB.api : registry.toLowerCase();
}

/** Parses `[registry/]path[:tag][@digest]`. Throws ReferenceError with the reason. */
export function parseReference(input: string): Reference {
  const text = input.trim();
  if (!text) throw new ReferenceError('the reference is empty');
  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST_PATTERN.test(digest)) throw new ReferenceError(`'${digest}' is not a sha256 digest`);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.indexOf(':', lastSlash + 1);
  if (colon >= 0) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG_PATTERN.test(tag))
      throw new ReferenceError(`'${tag}' is not a valid tag (letters, digits, '_', '.', '-'; at most 128; not starting with '.' or '-')`);
  }
  const parts = rest.split('/');
  let registry: string = DOCKER_HUB.name;
  const first = parts[0] ?? '';
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost' || first.startsWith('['))) {
    registry = first;
    parts.shift();
    if (!DOMAIN.test(registry)) throw new ReferenceError(`'${registry}' is not a valid registry host`);
  }
  if (registry === DOCKER_HUB.index) registry = DOCKER_HUB.name;
  if (registry === DOCKER_HUB.name && parts.length === 1) parts.unshift('library');
  for (const part of parts) {
    if (!COMPONENT.test(part)) {
      throw new ReferenceError(part.toLowerCase() !== part ? `'${part}' must be lower case` : `'${part}' is not a valid repository name component`);
    }
  }
  const path = parts.join('/');
  if (path.length > 255) throw new ReferenceError('the repository name is longer than 255 characters');
  return { registry, host: registryHost(registry), path, tag, digest };
}

/** Parses a repository: a reference that must have neither tag nor digest. */
export function parseRepository(input: string): Repository {
  const ref = parseReference(input);
  if (ref.tag !== undefined || ref.digest !== undefined) {
    throw new ReferenceError(`'${input.trim()}' names a ${ref.digest ? 'digest' : 'tag'}; give the repository only (tags come from version/tags)`);
  }
  return { registry: ref.registry, host: ref.host, path: ref.path };
}

/** `registry/path` as users write it (`docker.io/library/alpine`). */
export function formatRepository(repo: Repository): string {
  return `${repo.registry}/${repo.path}`;
}

export function formatReference(repo: Repository, tag?: string, digest?: string): string {
  return `${formatRepository(repo)}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`;
}

/** A reference as written: repository, tag and digest, each where it has one. */
export const formatFull = (ref: Reference): string => formatReference(ref, ref.tag, ref.digest);
