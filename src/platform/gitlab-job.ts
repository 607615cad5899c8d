/**
 * What a GitLab job adds to the inputs it is given, for the components and for `hoist` run in the
 * job's script alike (GITLAB_CI=true): the project's image (`CI_REGISTRY_IMAGE`) when no images are
 * named, the runner's logins (the project's registry, the dependency proxy) for registries
 * registry-auth does not name, and the instance's CA for the project's registry. In a job script
 * the CLI had none of them: `hoist push out/layout` was "no image given", and with
 * `--images $CI_REGISTRY_IMAGE` its push went without the job's login and was refused.
 */
import { readFileSync } from 'node:fs';

type Env = Readonly<Record<string, string | undefined>>;

/** The input as the job gives it: `value` (as the user gave it) with the job's own defaults. */
export function gitlabJobInput(env: Env, name: string, value: string): string {
  if (name === 'images' && !value.trim() && env.CI_REGISTRY_IMAGE) return env.CI_REGISTRY_IMAGE;
  if (name === 'registry-ca') return withServerCa(env, value);
  if (name === 'registry-auth') return withJobLogins(value, jobLogins(env));
  return value;
}

interface JobLogin {
  registry: string;
  username: string;
  password: string;
}

/**
 * The logins the runner hands every job: the project's registry (`CI_REGISTRY`), and the group's
 * dependency proxy (`CI_DEPENDENCY_PROXY_SERVER`, the GitLab host with its port, `gitlab.acme:443`)
 * that `FROM ${CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX}/node:22` pulls through — also under the host
 * alone, as `CI_DEPENDENCY_PROXY_DIRECT_GROUP_IMAGE_PREFIX` writes it. Without the proxy's login the
 * build's pull of such a base was refused (GitLab's docs have the job run docker login first).
 */
function jobLogins(env: Env): JobLogin[] {
  const logins: JobLogin[] = [];
  if (env.CI_REGISTRY && env.CI_REGISTRY_USER && env.CI_REGISTRY_PASSWORD)
    logins.push({ registry: env.CI_REGISTRY, username: env.CI_REGISTRY_USER, password: env.CI_REGISTRY_PASSWORD });
  const proxy = env.CI_DEPENDENCY_PROXY_SERVER?.trim();
  if (proxy && env.CI_DEPENDENCY_PROXY_USER && env.CI_DEPENDENCY_PROXY_PASSWORD) {
    const login = { username: env.CI_DEPENDENCY_PROXY_USER, password: env.CI_DEPENDENCY_PROXY_PASSWORD };
    for (const registry of new Set([proxy, proxy.replace(/:443$/, '')])) logins.push({ registry, ...login });
  }
  return logins;
}

/**
 * registry-auth with the job's logins for the registries it does not name: after the user's lines,
 * or as more entries of a docker/login-action YAML list (left out of a list, the push to
 * $CI_REGISTRY_IMAGE went without a login). A registry the user names keeps the user's login — a
 * deploy token is never replaced by the job's token.
 */
function withJobLogins(value: string, logins: readonly JobLogin[]): string {
  const added = logins.filter((l) => !namesRegistry(value, l.registry));
  if (!added.length) return value;
  const list = /^([ \t]*)-\s/m.exec(value);
  if (list) {
    const at = list[1];
    const q = JSON.stringify; // a JSON string is a YAML double-quoted scalar: any password as it is
    const entries = added.map((l) => `${at}- registry: ${q(l.registry)}\n${at}  username: ${q(l.username)}\n${at}  password: ${q(l.password)}\n`);
    return `${value.replace(/\s+$/, '')}\n${entries.join('')}`;
  }
  return [value.trim(), ...added.map((l) => `${l.registry}=${l.username}:${l.password}`)].filter(Boolean).join('\n');
}

/**
 * The CA a self-managed GitLab's runner hands every job (`CI_SERVER_TLS_CA_FILE`: its tls-ca-file,
 * the instance's private CA) trusts the project's registry (`CI_REGISTRY`, the instance's own name or
 * a subdomain under the same CA), unless registry_ca names that registry itself — as the job's login
 * logs in to it. The push to $CI_REGISTRY_IMAGE failed TLS ('unable to get local issuer
 * certificate') unless the user found the variable and wrote the registry_ca line.
 */
function withServerCa(env: Env, value: string): string {
  const file = env.CI_SERVER_TLS_CA_FILE?.trim();
  if (!file || !env.CI_REGISTRY || namesRegistry(value, env.CI_REGISTRY)) return value;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return value; // the runner's own variable, not the user's: an input that names a file does fail when it is missing
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----')) return value;
  return [value.trim(), `${hostOf(env.CI_REGISTRY)}=${file}`].filter(Boolean).join('\n');
}

/** A registry as registry-auth's reader matches it: without scheme or path, in lower case. */
const hostOf = (registry: string) =>
  registry
    .trim()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
    .replace(/\/.*$/, '')
    .toLowerCase();

/**
 * Whether registry-auth already logs in to `registry`, however it is written there
 * (`https://registry.gitlab.com=…`, `REGISTRY.gitlab.com=…`, `registry: "registry.gitlab.com"`): the
 * job's login added after such a line took its place, the user's deploy token silently replaced by
 * the job's token.
 */
function namesRegistry(value: string, registry: string): boolean {
  const want = hostOf(registry);
  return value.split(/\r?\n/).some((line) => {
    const yaml = /^\s*(?:-\s+)?registry:\s*["']?([^"'\s#]+)/.exec(line);
    const eq = line.indexOf('=');
    const key = yaml ? yaml[1]! : !/^\s*(?:-\s|#)/.test(line) && eq > 0 ? line.slice(0, eq) : undefined;
    return key !== undefined && hostOf(key) === want;
  });
}
