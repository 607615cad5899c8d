/**
 * One registry client per host, each with the settings and credentials the user gave for it:
 * `registry-auth` first, else what `docker login` left on the machine (Docker config, credential
 * helpers), else the step's `github-token` for ghcr.io. Credentials found on the machine are secrets
 * of the run: they go into the catalog (hidden, and looked for by the audit) before they are used.
 */
import { ConfigError } from '../core/errors.js';
import { HELPER_ENV, type Exec } from '../core/exec.js';
import type { Files } from '../core/files.js';
import type { Repository } from '../core/reference.js';
import type { TransferSettings } from '../core/transfer.js';
import type { Platform } from '../platform/platform.js';
import type { SecretCatalog } from '../secrets/catalog.js';
import type { Credentials } from './auth.js';
import { USER_AGENT, type ClientOptions, type RegistryClient } from './client.js';
import { fetchDockerCredentials } from './credentials.js';
import { machineTrust } from './machine-trust.js';
import { resolveCredentials } from './resolve.js';
import { noProxyIssues, proxySchemeIssues, proxySettings } from './transport/proxy.js';
import { TIMEOUT_ENV } from './transport/transport.js';

/** How long a credential helper may take to answer `get` (HOIST_REGISTRY_TIMEOUT when set). */
const HELPER_TIMEOUT_MS = 60_000;

/** The longest idle timeout taken: a day. */
const MAX_TIMEOUT_SECONDS = 86_400;

/** What connecting takes of the effects seam (`Effects` has it all): files, processes, the platform, the client factory. */
export interface ConnectEffects {
  files: Pick<Files, 'readText' | 'readTextIfExists'>;
  exec: Exec;
  platform: Platform;
  registry: (options: ClientOptions) => Promise<RegistryClient>;
}

/**
 * The per-request idle timeout the environment sets (`HOIST_REGISTRY_TIMEOUT`, seconds), or the
 * client's default (120 s): for a registry slow to answer (a commit of a large blob to object
 * storage), named by the timeout's own message. A value that is no positive number, or more than a
 * day, is refused.
 */
export function timeoutFromEnv(env: Readonly<Record<string, string | undefined>>): number | undefined {
  const raw = env[TIMEOUT_ENV]?.trim();
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new ConfigError([{ input: TIMEOUT_ENV, message: `'${raw.slice(0, 40)}' is not a number of seconds (e.g. ${TIMEOUT_ENV}=600)` }]);
  // Milliseconds given for seconds (3600000 meant as an hour) asked for 41 days, past the 2^31 ms a
  // timer holds: Node printed a TimeoutOverflowWarning into the log and ran on. More than a day is refused.
  if (seconds > MAX_TIMEOUT_SECONDS)
    throw new ConfigError([
      {
        input: TIMEOUT_ENV,
        message: `'${raw.slice(0, 40)}' seconds is more than a day: the value is in seconds, not milliseconds (e.g. ${TIMEOUT_ENV}=600 for ten minutes)`,
      },
    ]);
  return seconds * 1000;
}

/**
 * The CA bundle registry-ca names for a host. A file that cannot be read is the input's error
 * (exit 2, naming the line to fix): it was a bare "ENOENT: no such file or directory" and exit 3.
 */
async function readCa(fx: Pick<ConnectEffects, 'files'>, host: string, path: string): Promise<string> {
  try {
    return await fx.files.readText(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError([{ input: 'registry-ca', message: `${host}: cannot read ${path} (${code}): give the path of the CA's PEM file (REGISTRY=PATH)` }]);
  }
}

/** A client's settings for a host: plain HTTP only when named, the CA bundle the user gave. */
export async function clientOptions(fx: Pick<ConnectEffects, 'files' | 'platform'>, transfer: TransferSettings, host: string): Promise<ClientOptions> {
  const settings = transfer.registries.get(host);
  // The proxy this host's requests go through (https, and http where the registry is insecure): a SOCKS ALL_PROXY that
  // NO_PROXY or HTTPS_PROXY keeps this host from is not in use.
  const urls = [`https://${host}/v2/`, ...(settings?.insecure ? [`http://${host}/v2/`] : [])];
  const noProxy = [...proxySchemeIssues(fx.platform.context.env, urls), ...noProxyIssues(fx.platform.context.env)];
  if (noProxy.length) throw new ConfigError(noProxy.map(({ variable, message }) => ({ input: variable, message })));
  const given = settings?.caFile ? await readCa(fx, host, settings.caFile) : undefined;
  const machine = await machineTrust(fx.platform.context.env, (message) => fx.platform.warning(message));
  return {
    host,
    insecure: settings?.insecure ?? false,
    ca: given && machine ? `${given}\n${machine}` : (given ?? machine),
    retries: transfer.retries,
    userAgent: USER_AGENT,
    proxy: proxySettings(fx.platform.context.env),
    timeoutMs: timeoutFromEnv(fx.platform.context.env),
    log: (message) => fx.platform.info(message),
  };
}

/** The machine's credentials for a registry (Docker config, helpers), added to the catalog before they are used. */
export function machineCredentials(
  fx: Pick<ConnectEffects, 'files' | 'exec' | 'platform'>,
  catalog?: SecretCatalog,
): (registry: string, repository?: string) => Promise<Credentials | undefined> {
  const env = fx.platform.context.env;
  return async (registry, repository) => {
    const found = await fetchDockerCredentials(
      registry,
      {
        env,
        readFile: (path) => fx.files.readTextIfExists(path),
        // A helper gets its cloud's own variables (ecr-login: AWS_*, gcr: CLOUDSDK_*/GOOGLE_*), nothing of the step's inputs.
        // Bounded: a helper waiting on a prompt no job can answer (pass's gpg pinentry, secretservice's
        // keyring unlock) held the run for ever. HOIST_REGISTRY_TIMEOUT raises the bound, as for a registry.
        runHelper: async (helper, serverUrl) => {
          const timeoutMs = timeoutFromEnv(env) ?? HELPER_TIMEOUT_MS;
          const run = fx.exec.run(`docker-credential-${helper}`, ['get'], { env, input: serverUrl, allowEnv: HELPER_ENV, timeoutMs });
          // The helper is stopped at the limit, but a child of it (a shell script's) may hold its
          // output open, and the run would wait on that: the answer is not waited for past the limit.
          let timer: NodeJS.Timeout | undefined;
          const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timed out')), timeoutMs + 1_000)));
          try {
            return (await Promise.race([run, late])).stdout;
          } catch (e) {
            run.catch(() => undefined);
            if (!/timed out/i.test(e instanceof Error ? e.message : String(e))) throw e;
            throw new Error(
              `docker-credential-${helper} gave no answer within ${timeoutMs / 1000} s (a helper waiting on a password prompt or a locked keyring, which a job cannot answer): log in with registry-auth, or take the helper out of the Docker config; if it is only slow, raise the limit with ${TIMEOUT_ENV}=SECONDS`,
            );
          } finally {
            clearTimeout(timer);
          }
        },
      },
      repository,
    );
    if (found) catalog?.add(`the ${registry} credentials from ${found.origin}`, found.revealForRedaction());
    return found;
  };
}

async function credentialsFor(
  fx: ConnectEffects,
  transfer: TransferSettings,
  image: Repository,
  catalog: SecretCatalog,
  githubToken: string | undefined,
): Promise<Credentials | undefined> {
  const env = fx.platform.context.env;
  const machine = machineCredentials(fx, catalog);
  // The repository too: a containers auth file may hold a login per namespace (podman login quay.io/team-a).
  const chosen = await resolveCredentials(image.registry, {
    transfer,
    machine: (registry) => machine(registry, image.path),
    githubToken,
    actor: env.GITHUB_ACTOR,
  });
  if (chosen?.source === 'machine')
    fx.platform.info(`${image.registry}: using the credentials of ${chosen.credentials.username || 'a token'} from ${chosen.credentials.origin}`);
  if (chosen?.source === 'github-token') fx.platform.info("ghcr.io: using the step's github-token");
  return chosen?.credentials;
}

/** A client for every host among `repositories`, with its credentials. */
export async function connectRegistries(
  fx: ConnectEffects,
  transfer: TransferSettings,
  repositories: readonly Repository[],
  catalog: SecretCatalog,
  githubToken?: string,
): Promise<Map<string, RegistryClient>> {
  const clients = new Map<string, RegistryClient>();
  for (const image of repositories) {
    if (clients.has(image.host)) continue;
    const credentials = await credentialsFor(fx, transfer, image, catalog, githubToken);
    clients.set(image.host, await fx.registry({ ...(await clientOptions(fx, transfer, image.host)), credentials }));
  }
  return clients;
}

/**
 * Clients for the bases' registries, added to `clients` (a target's client serves its bases too).
 * Soft: a base registry Hoist cannot log in to only means its layers are sent as the builder made them.
 */
export async function connectBases(
  fx: ConnectEffects,
  transfer: TransferSettings,
  bases: readonly Repository[],
  catalog: SecretCatalog,
  clients: Map<string, RegistryClient>,
): Promise<void> {
  for (const base of bases) {
    if (clients.has(base.host)) continue;
    try {
      const credentials = await credentialsFor(fx, transfer, base, catalog, undefined);
      clients.set(base.host, await fx.registry({ ...(await clientOptions(fx, transfer, base.host)), credentials }));
    } catch (e) {
      fx.platform.info(`${base.registry}: no client for the base image's registry (${e instanceof Error ? e.message : String(e)})`);
    }
  }
}

export async function closeAll(clients: ReadonlyMap<string, RegistryClient>): Promise<void> {
  await Promise.all([...clients.values()].map((c) => c.close()));
}
