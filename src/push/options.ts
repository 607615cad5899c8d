/** The engine's options for a run with these clients: each registry gets at most half the requests. */
import type { Platform } from '../platform/platform.js';
import type { TransferSettings } from '../inputs/registries.js';
import type { RegistryClient } from '../registry/client.js';
import type { EngineOptions } from './engine.js';

export function engineOptions(
  platform: Pick<Platform, 'info' | 'progress'>,
  transfer: TransferSettings,
  clients: ReadonlyMap<string, RegistryClient>,
): EngineOptions {
  return {
    clientFor: (host) => {
      const client = clients.get(host);
      if (!client) throw new Error(`internal: no registry client for ${host}`);
      return client;
    },
    concurrency: transfer.concurrency,
    perHost: Math.max(1, Math.ceil(transfer.concurrency / 2)),
    log: (line) => platform.info(line),
    ...(platform.progress ? { onProgress: (p) => platform.progress!(p) } : {}),
  };
}
