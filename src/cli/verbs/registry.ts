/**
 * The registry verbs (tags, audit, inspect, verify): looking after what is already in the
 * registries, with the same registry settings as a build (`--registry-auth-file` or
 * HOIST_REGISTRY_AUTH, `--registry-ca`, `--insecure-registries`, `--retries`, `--concurrency`, the
 * Docker config's credentials). `registryVerb` makes such a verb from its own flags, its parse and
 * its task; the settings are read, and the registries connected, when it runs (run-registry.ts).
 */
import type { Connect, Out, RegistryJob, RegistryLine, RegistrySettingsFlags } from '../registry-job.js';
import { defineVerb, type Options, type Values, type Verb } from './verb.js';

export type { Connect, Out, RegistryJob, RegistryLine, RegistrySettingsFlags };

/** The registry settings every registry verb takes. */
const SETTINGS: Options = {
  'registry-auth-file': { type: 'string' },
  'registry-ca': { type: 'string', multiple: true },
  'insecure-registries': { type: 'string', multiple: true },
  retries: { type: 'string' },
  concurrency: { type: 'string' },
};

export const REGISTRY_SETTINGS_HELP = `Registry settings, as for hoist build: --registry-auth-file PATH (or HOIST_REGISTRY_AUTH), --registry-ca REGISTRY=PEM,
--insecure-registries HOST, --retries N, --concurrency N; credentials from the Docker config work as they are.`;

export interface RegistrySpec<T> {
  name: string;
  summary: string;
  /** Its lines on the registry verbs' shared help page. */
  usage: string;
  examples: readonly string[];
  /** Its own flags (beside the registry settings), per subcommand if it has them. */
  options: (sub?: string) => Options;
  subcommands?: readonly string[];
  subcommand?: (word: string | undefined) => string;
  parse: (values: Values, positionals: string[], sub?: string) => T;
  /** Runs the task; loads the verb's heavy modules. Returns the exit code. */
  run: (job: RegistryJob<T>) => Promise<number>;
}

const settingsOf = (values: Values): RegistrySettingsFlags => ({
  ...(values['registry-auth-file'] === undefined ? {} : { authFile: values['registry-auth-file'] as string }),
  registryCa: (values['registry-ca'] as string[] | undefined) ?? [],
  insecureRegistries: (values['insecure-registries'] as string[] | undefined) ?? [],
  retries: (values.retries as string | undefined) ?? '',
  concurrency: (values.concurrency as string | undefined) ?? '',
});

export function registryVerb<T>(spec: RegistrySpec<T>): Verb {
  return defineVerb<RegistryLine<T>>({
    name: spec.name,
    summary: spec.summary,
    usage: spec.usage,
    examples: spec.examples,
    helpFirst: true,
    ...(spec.subcommands ? { subcommands: spec.subcommands } : {}),
    ...(spec.subcommand ? { subcommand: spec.subcommand } : {}),
    options: (sub) => ({ ...SETTINGS, ...spec.options(sub) }),
    parse: (values, positionals, sub) => ({
      command: spec.name,
      json: values.json === true,
      task: spec.parse(values, positionals, sub),
      settings: settingsOf(values),
    }),
    run: async (line, ctx) => (await import('../run-registry.js')).runRegistry(line, ctx, spec.run),
  });
}
