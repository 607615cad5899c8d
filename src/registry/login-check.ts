/**
 * The login check before a build: every push target's registry is asked, in parallel, for what the
 * push will ask first — its `/v2/` challenge answered (Basic, or a Bearer token from its token
 * service) with `pull,push` scope on the target repository — so that a wrong password fails in
 * seconds, naming the registry and the input to fix, instead of after the build and the audit.
 *
 * Then the right to push: the upload session a push opens first is opened and at once cancelled
 * (`RegistryClient.checkPush`), so a login — or an anonymous token — that may pull but not push is
 * found here too (a HEAD passes with a pull-only token).
 *
 * It speaks through the push's own clients: the token it gets stays in the client's cache and
 * serves the push, so the check costs a HEAD, a POST and a DELETE per repository, not a second login.
 *
 * Only the registry's definite refusals fail the run (401/403, a CA it is not trusted with, plain
 * HTTP where TLS was expected), and so does a run none of whose push targets can be reached at all
 * (connection refused, a name that does not resolve: exit 3, nothing built). One registry down among
 * several, or slow now, is said and the build goes on — it must not cost the others their push, and
 * it may be back when the push starts.
 */
import { ConfigError, type ConfigIssue } from '../core/errors.js';
import { formatRepository, type Repository } from '../core/reference.js';
import type { TransferSettings } from '../core/transfer.js';
import type { SecretCatalog } from '../secrets/catalog.js';
import type { RegistryClient } from './client.js';
import { connectRegistries, type ConnectEffects } from './connect.js';
import { REACH_FIX, RegistryError, UNREACHABLE } from './errors.js';

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
  /** What the check comes before: a build (`hoist build`, the Action) or only a push (`hoist push LAYOUT`). Its words. */
  step?: 'build' | 'push';
}

/** What the messages say of the step the check comes before, and of going on without it. */
const before = (o: LoginCheckOptions) => (o.step === 'push' ? 'before the push' : 'before the build');
const anyway = (o: LoginCheckOptions) => (o.step === 'push' ? 'pushing anyway' : 'building anyway');

/** `unreachable`: the registry refused the connection or its name does not resolve (not a slow answer). */
type Outcome = { ok: true } | { ok: false; issue?: ConfigIssue; warning?: string; unreachable?: string };

function networkCode(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  for (let e: unknown = error; e && typeof e === 'object' && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && UNREACHABLE.test(code)) return code;
    const errors = (e as { errors?: unknown }).errors;
    if (Array.isArray(errors))
      for (const x of errors) if (UNREACHABLE.test(String((x as { code?: unknown })?.code))) return String((x as { code: unknown }).code);
  }
  return error instanceof Error ? UNREACHABLE.exec(error.message)?.[1] : undefined;
}

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
      .replace(/^(HEAD|POST) \S+ (failed: )?/, '')
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
  if (isRefusal(error)) {
    const { input, fix } = loginInput(target.host, o);
    return { ok: false, issue: { input, message: `${name}: the login was refused ${before(o)} (${said(target, text)}): ${fix}` } };
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
  const warning = `${name}: the login could not be checked ${before(o)} (${said(target, text)}): ${anyway(o)}; its push may fail`;
  const code = networkCode(error);
  return { ok: false, warning, ...(code ? { unreachable: `${name} (${code}: ${said(target, text)})` } : {}) };
}

/** The login works but may not push (a pull-only token, a read-only account): who asked, and the fix. */
function pushRefused(client: RegistryClient, target: Repository, error: unknown, o: LoginCheckOptions): Outcome {
  const name = formatRepository(target);
  const text = said(target, error instanceof Error ? error.message : String(error));
  const origin = client.loginOrigin;
  if (origin === undefined)
    return {
      ok: false,
      issue: {
        input: 'registry-auth',
        message: `${name}: no login was found for ${target.host}, and anonymous access may not push there (checked ${before(o)}: ${text}): add it to registry-auth (${target.host}=USERNAME:PASSWORD), or run docker login ${target.host}`,
      },
    };
  const { input, fix } = loginInput(target.host, o);
  const rights = `give that login push rights on ${target.path}, or ${fix}`;
  return {
    ok: false,
    issue: {
      input,
      message: `${name}: the login from ${origin} may pull but not push there (checked ${before(o)}: ${text}): ${input === 'github-token' ? fix : rights}`,
    },
  };
}

const isRefusal = (e: unknown): boolean =>
  e instanceof RegistryError && (e.status === 401 || e.status === 403 || e.code === 'UNAUTHORIZED' || e.code === 'DENIED');

async function checkOne(client: RegistryClient, target: Repository, o: LoginCheckOptions): Promise<Outcome> {
  const timeoutMs = o.timeoutMs ?? LOGIN_CHECK_TIMEOUT_MS;
  // Cancelled at the deadline: the client holds no request nobody answers, for the push or for closing it.
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
  let asked: 'login' | 'push' = 'login';
  try {
    await client.hasBlob(target.path, PROBE_DIGEST, { signal: deadline.signal });
    // The login holds; whether it may push is what the push asks first: an upload opened, then cancelled.
    asked = 'push';
    await client.checkPush(target.path, { signal: deadline.signal });
    return { ok: true };
  } catch (e) {
    if (!deadline.signal.aborted) return asked === 'push' && isRefusal(e) ? pushRefused(client, target, e, o) : judge(target, e, o);
    return {
      ok: false,
      warning: `${formatRepository(target)}: no answer to the login check within ${timeoutMs / 1000} s: ${anyway(o)}; its push may fail`,
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
  const unreachable: string[] = [];
  for (const { outcome } of outcomes) {
    if (outcome.ok) continue;
    if (outcome.issue) issues.push(outcome.issue);
    if (outcome.unreachable) unreachable.push(outcome.unreachable);
  }
  // Not one target can be reached: a build now would be pushed nowhere. One of several down still builds for the others.
  const noneReached = unreachable.length > 0 && unreachable.length === outcomes.length;
  if (!noneReached) for (const { outcome } of outcomes) if (!outcome.ok && outcome.warning) o.warn(outcome.warning);
  if (issues.length) throw new ConfigError(issues);
  if (noneReached)
    throw new RegistryError(
      `${unreachable.join('; ')}: ${unreachable.length > 1 ? 'no push target could be reached' : 'the push target could not be reached'} ${before(o)}, so nothing was ${o.step === 'push' ? 'pushed' : 'built'}: ${REACH_FIX}`,
      { registry: unique[0]!.host, retryable: false, code: 'UNREACHABLE' },
    );
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
  step: 'build' | 'push' = 'build',
): Promise<Map<string, RegistryClient>> {
  const clients = await connectRegistries(fx, transfer, targets, catalog, githubToken);
  try {
    await checkLogins(clients, targets, { transfer, githubToken, warn: (m) => fx.platform.warning(m), timeoutMs, step });
  } catch (e) {
    await closeSoon(clients.values());
    throw e;
  }
  return clients;
}
