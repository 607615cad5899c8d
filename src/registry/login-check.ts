/**
 * The login check before a build: every push target's registry is asked, in parallel, for what the
 * push will ask first — its `/v2/` challenge answered (Basic, or a Bearer token from its token
 * service) with `pull,push` scope on the target repository — so that a wrong password fails in
 * seconds, naming the registry and the input to fix, instead of after the build and the audit.
 *
 * It speaks through the push's own clients: the token it gets stays in the client's cache and
 * serves the push, so the check costs one HEAD per repository, not a second login.
 *
 * Only the registry's definite refusals fail the run (401/403, a CA it is not trusted with, plain
 * HTTP where TLS was expected): a registry that is down or slow now is said and the build goes on —
 * one registry down must not cost the others their push, and it may be back when the push starts.
 */
import { ConfigError, type ConfigIssue } from '../core/errors.js';
import { formatRepository, type Repository } from '../core/reference.js';
import type { TransferSettings } from '../core/transfer.js';
import type { SecretCatalog } from '../secrets/catalog.js';
import type { RegistryClient } from './client.js';
import { connectRegistries, type ConnectEffects } from './connect.js';
import { RegistryError } from './errors.js';

/** How long a registry has to answer the check before the build goes on without it. */
export const LOGIN_CHECK_TIMEOUT_MS = 15_000;

/** The blob the check asks about (sha256 of no bytes): any answer, 200 or 404, proves the login. */
const PROBE_DIGEST = 'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export interface LoginCheckOptions {
  transfer: TransferSettings;
  /** The step's github-token (ghcr.io's login when registry-auth names none). */
  githubToken?: string;
  /** Said for a registry the check could not reach: the build goes on. */
  warn: (message: string) => void;
  timeoutMs?: number;
}

type Outcome = { ok: true } | { ok: false; issue?: ConfigIssue; warning?: string };

/** The input the user fixes for a refused login, and how the message names it. */
function loginInput(host: string, o: LoginCheckOptions): { input: string; fix: string } {
  if (o.transfer.registries.get(host)?.password) return { input: 'registry-auth', fix: `correct the line for ${host} in registry-auth` };
  if (host === 'ghcr.io' && o.githubToken) return { input: 'github-token', fix: 'give github-token packages: write, or add ghcr.io to registry-auth' };
  return { input: 'registry-auth', fix: `add it to registry-auth (${host}=USERNAME:PASSWORD), or run docker login ${host} again` };
}

/** The client's words without its own prefix, the probe's path and its hint (the fix is the check's own). */
function said(target: Repository, text: string): string {
  return (
    text
      .replace(`${target.host}/${target.path}: `, '')
      .replace(/^HEAD \S+ (failed: )?/, '')
      .replace(/ — .*$/s, '')
      // The client's own fix ("the registry requires a login: add it to registry-auth …") gives way to the check's.
      .replace(/: (add it to|log in with a password there) .*$/s, '')
      .replace(/; if the root CA is installed locally, try running Node\.js with --use-system-ca/, '')
  );
}

/** Why the check failed, from the client's error: an issue for a definite refusal, else a warning. */
function judge(target: Repository, error: unknown, o: LoginCheckOptions): Outcome {
  const name = formatRepository(target);
  const text = error instanceof Error ? error.message : String(error);
  if (error instanceof RegistryError && (error.status === 401 || error.status === 403 || error.code === 'UNAUTHORIZED' || error.code === 'DENIED')) {
    const { input, fix } = loginInput(target.host, o);
    return { ok: false, issue: { input, message: `${name}: the login was refused before the build (${said(target, text)}): ${fix}` } };
  }
  if (error instanceof RegistryError && error.code === 'PLAIN_HTTP')
    return {
      ok: false,
      issue: {
        input: 'insecure-registries',
        message: `${name}: the registry answers in plain HTTP, not TLS: if it is a plain-HTTP registry, add ${target.host} to insecure-registries`,
      },
    };
  if (error instanceof RegistryError && !error.retryable && /certificate|self.signed|CERT/i.test(text))
    return {
      ok: false,
      issue: {
        input: 'registry-ca',
        message: `${name}: the registry's TLS certificate is not trusted (${said(target, text)}): trust its CA with registry-ca (${target.host}=PATH of the CA's PEM file)`,
      },
    };
  return { ok: false, warning: `${name}: the login could not be checked before the build (${said(target, text)}): building anyway; its push may fail` };
}

async function checkOne(client: RegistryClient, target: Repository, o: LoginCheckOptions): Promise<Outcome> {
  const timeoutMs = o.timeoutMs ?? LOGIN_CHECK_TIMEOUT_MS;
  // Cancelled at the deadline: the client holds no request nobody answers, for the push or for closing it.
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
  try {
    await client.hasBlob(target.path, PROBE_DIGEST, { signal: deadline.signal });
    return { ok: true };
  } catch (e) {
    if (!deadline.signal.aborted) return judge(target, e, o);
    return {
      ok: false,
      warning: `${formatRepository(target)}: no answer to the login check within ${timeoutMs / 1000} s: building anyway; its push may fail`,
    };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Checks the login to every target repository at once; throws one ConfigError naming every refused
 * registry and its input, and warns for each registry that could not be asked.
 */
export async function checkLogins(clients: ReadonlyMap<string, RegistryClient>, targets: readonly Repository[], o: LoginCheckOptions): Promise<void> {
  const unique = [...new Map(targets.map((t) => [`${t.host}/${t.path}`, t])).values()];
  const outcomes = await Promise.all(
    unique.map(async (t) => {
      const client = clients.get(t.host);
      return { outcome: client ? await checkOne(client, t, o) : ({ ok: true } as const) };
    }),
  );
  const issues: ConfigIssue[] = [];
  for (const { outcome } of outcomes) {
    if (outcome.ok) continue;
    if (outcome.issue) issues.push(outcome.issue);
    if (outcome.warning) o.warn(outcome.warning);
  }
  if (issues.length) throw new ConfigError(issues);
}

/** Closes clients without waiting more than a moment for one that holds a request nobody answers. */
async function closeSoon(clients: Iterable<RegistryClient>): Promise<void> {
  const closed = Promise.all([...clients].map((c) => c.close().catch(() => undefined)));
  await Promise.race([closed, new Promise((r) => setTimeout(r, 1_000).unref())]);
}

/**
 * The push targets' clients (`connectRegistries`), each target's login checked before anything is
 * built or read: a refused login closes them and throws the ConfigError; a registry that could not
 * be asked is a warning on the platform. A check that got no answer in time is cancelled, so that
 * nothing later — the push, or closing the clients after a failure — waits behind its request.
 */
export async function connectTargets(
  fx: ConnectEffects,
  transfer: TransferSettings,
  targets: readonly Repository[],
  catalog: SecretCatalog,
  githubToken?: string,
  timeoutMs?: number,
): Promise<Map<string, RegistryClient>> {
  const clients = await connectRegistries(fx, transfer, targets, catalog, githubToken);
  try {
    await checkLogins(clients, targets, { transfer, githubToken, warn: (m) => fx.platform.warning(m), timeoutMs });
  } catch (e) {
    await closeSoon(clients.values());
    throw e;
  }
  return clients;
}
