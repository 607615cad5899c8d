/**
 * Runs a registry verb (tags, audit, inspect, verify) on the real effects: its registry settings
 * read through the same input parsers as a build's (a usage error before anything runs), the
 * secrets among them hidden, the environment tools get without them, and clients connected to the
 * registries the task names. Loaded when such a verb runs.
 */
import type { Repository } from '../core/reference.js';
import { ConfigError } from '../core/errors.js';
import { nodeFiles } from '../effects/files.js';
import { realEffects } from '../effects/real.js';
import { inputScope } from '../inputs/read.js';
import { parseTransfer, yamlFor, type TransferSettings } from '../inputs/registries.js';
import { createCliPlatform } from '../platform/cli.js';
import { logText } from '../platform/log-safe.js';
import type { RegistryClient } from '../registry/client.js';
import { closeAll, connectRegistries } from '../registry/connect.js';
import { newCatalog } from '../secrets/hide.js';
import { redacting } from '../secrets/redacting-platform.js';
import { cliDialect, cliSpelling } from './dialect.js';
import { exitCodeFor } from './exit.js';
import { childEnv, secretEnv } from './secret-env.js';
import { UsageError } from './usage.js';
import type { RegistryJob, RegistryLine, RegistrySettingsFlags } from './registry-job.js';
import type { RunContext } from './verbs/verb.js';

/** The registry settings through the same input parsers as a build's; HOIST_REGISTRY_AUTH or --registry-auth-file, not both. */
async function readSettings(given: RegistrySettingsFlags, env: NodeJS.ProcessEnv): Promise<TransferSettings> {
  const authFile = given.authFile;
  if (authFile !== undefined && env.HOIST_REGISTRY_AUTH !== undefined)
    throw new UsageError('--registry-auth-file and HOIST_REGISTRY_AUTH are both set: give one');
  const registryAuth =
    authFile === undefined
      ? (secretEnv(env, 'registry-auth') ?? '')
      : await nodeFiles.readText(authFile).catch((e: NodeJS.ErrnoException) => {
          throw new UsageError(`--registry-auth-file: cannot read ${authFile} (${e.code ?? 'error'})`);
        });
  const inputs: Record<string, string> = {
    'registry-auth': registryAuth,
    'registry-ca': given.registryCa.join('\n'),
    'insecure-registries': given.insecureRegistries.join('\n'),
    retries: given.retries,
    concurrency: given.concurrency,
  };
  const scope = inputScope((name) => inputs[name] ?? '', process.cwd(), env);
  const transfer = parseTransfer(scope, await yamlFor(registryAuth));
  // Named as a shell user gives it: HOIST_REGISTRY_AUTH or --registry-auth-file (there is no --registry-auth).
  if (scope.issues.length) throw new UsageError(scope.issues.map((i) => `${cliSpelling(i.input)}: ${i.message}`).join('\n'));
  return transfer;
}

export async function runRegistry<T>(line: RegistryLine<T>, ctx: RunContext, run: (job: RegistryJob<T>) => Promise<number>): Promise<number> {
  const { env, streams, redactor, quiet } = ctx;
  const transfer = await readSettings(line.settings, env);
  const auditValues = secretEnv(env, 'audit-values') ?? '';
  for (const value of [secretEnv(env, 'registry-auth'), auditValues]) if (value) redactor.add(value);
  for (const r of transfer.registries.values()) if (r.password) redactor.add(r.password);
  const facts = { git: { scheduled: false }, repository: {} };
  const platform = redacting(
    createCliPlatform({ inputs: new Map(), facts, env: childEnv(env), redactor, out: streams.stderr, cwd: process.cwd(), quiet, dialect: cliDialect }),
    redactor,
  );
  const fx = realEffects(platform, redactor);
  // Tag names and a pushed image's file names are the registry's and the image's bytes: inert (log-safe.ts).
  const print = (text: string) => void streams.stdout.write(`${logText(redactor.redact(text))}\n`);
  // --raw: the registry's bytes exactly, unless they hold a secret of this run (then redacted) or go to a terminal (made inert).
  const raw = (bytes: Buffer) => {
    const text = bytes.toString('utf8');
    const safe = redactor.redact(text);
    void streams.stdout.write(safe !== text || (streams.stdout as { isTTY?: boolean }).isTTY ? `${logText(safe)}\n` : bytes);
  };
  const connect = async <R>(repos: readonly Repository[], use: (client: (r: Repository) => RegistryClient) => Promise<R>): Promise<R> => {
    const clients = await connectRegistries(fx, transfer, repos, newCatalog(fx));
    try {
      return await use((r) => clients.get(r.host)!);
    } finally {
      await closeAll(clients);
    }
  };
  try {
    return await run({ fx, task: line.task, json: line.json, transfer, auditValues, out: { print, raw }, connect });
  } catch (error) {
    // An input by its flag (--registry-ca), a variable (HOIST_REGISTRY_TIMEOUT) as it is.
    if (error instanceof ConfigError)
      for (const i of error.issues) platform.error(`${/^[a-z][a-z0-9-]*$/.test(i.input) ? cliSpelling(i.input) : i.input}: ${i.message}`);
    else platform.error(error instanceof Error ? error.message : `unexpected failure: ${String(error)}`);
    return exitCodeFor(error);
  }
}
