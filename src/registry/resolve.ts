/**
 * Which credentials log in to a registry: the one precedence, for the push (registry/connect.ts) and
 * the builders (builders/stage.ts) alike — `registry-auth` first, else what `docker login` left on the
 * machine (Docker config, credential helpers), else the step's `github-token` for ghcr.io only.
 * A registry is matched by its API host, so every Docker Hub name is one registry and a host with a
 * port is its own (`ghcr.io:443` is not ghcr.io). Pure but for the machine lookup it is given.
 */
import { registryHost } from '../core/reference.js';
import type { TransferSettings } from '../core/transfer.js';
import { Credentials } from './auth.js';

export type CredentialSource = 'registry-auth' | 'machine' | 'github-token';

export interface CredentialInputs {
  /** The step's registry settings (`registry-auth` among them), keyed by API host. */
  transfer: TransferSettings;
  /** The credentials the machine holds for a registry as users write it, or undefined. */
  machine: (registry: string) => Promise<Credentials | undefined>;
  githubToken?: string;
  /** The user the github-token acts for (GITHUB_ACTOR). */
  actor?: string;
}

export async function resolveCredentials(
  registry: string,
  from: CredentialInputs,
): Promise<{ credentials: Credentials; source: CredentialSource } | undefined> {
  const host = registryHost(registry);
  const given = from.transfer.registries.get(host);
  if (given?.username !== undefined && given.password) return { credentials: new Credentials(given.username, given.password), source: 'registry-auth' };
  const machine = await from.machine(registry);
  if (machine) return { credentials: machine, source: 'machine' };
  if (host === 'ghcr.io' && from.githubToken) return { credentials: new Credentials(from.actor || 'x-access-token', from.githubToken), source: 'github-token' };
  return undefined;
}
