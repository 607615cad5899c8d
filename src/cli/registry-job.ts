/**
 * What a registry verb (tags, audit, inspect, verify) hands its task, and how its line arrives:
 * read by `verbs/registry.ts`, which defines the verbs, and by `run-registry.ts`, which it loads
 * when one runs — apart from both, so neither imports the other back.
 */
import type { Repository } from '../core/reference.js';
import type { Effects } from '../effects/effects.js';
import type { TransferSettings } from '../inputs/registries.js';
import type { RegistryClient } from '../registry/client.js';

/** The registry settings as given on the command line, read when the verb runs. */
export interface RegistrySettingsFlags {
  authFile?: string;
  registryCa: string[];
  insecureRegistries: string[];
  retries: string;
  concurrency: string;
}

export interface RegistryLine<T> {
  command: string;
  json: boolean;
  task: T;
  settings: RegistrySettingsFlags;
}

/** Results: text (made inert, redacted), and the registry's bytes as served (--raw). */
export interface Out {
  print: (text: string) => void;
  raw: (bytes: Buffer) => void;
}

/** Clients for the repositories' registries, for the time `use` runs (connected and closed by run-registry.ts). */
export type Connect = <R>(repos: readonly Repository[], use: (client: (r: Repository) => RegistryClient) => Promise<R>) => Promise<R>;

/** What a registry verb's task runs with. */
export interface RegistryJob<T> {
  fx: Effects;
  task: T;
  json: boolean;
  transfer: TransferSettings;
  /** HOIST_AUDIT_VALUES, read here: tools never get it. */
  auditValues: string;
  out: Out;
  connect: Connect;
}
