/**
 * The push engine's contract (`engine.ts` runs it): what goes where, the options, what each registry
 * reports and the progress events. Apart from the engine so the parts it calls (`presence.ts`,
 * `tagging.ts`) read these types without importing the engine back.
 */
import type { Repository } from '../core/reference.js';
import type { RegistryClient } from '../registry/client.js';
import type { FloatingPlan } from './floating.js';
import type { ReleaseTagMode } from './release-tags.js';

export interface PushTarget {
  repository: Repository;
  /** Tags to point at the root once the registry has everything; may be empty (push by digest). */
  tags: readonly string[];
  /**
   * Chooses the tags from those the repository already has (forward-only floating tags). When
   * set, the engine lists the repository's tags while the blobs go up and pushes only the tags
   * this returns; a listing that fails fails this registry before any tag moves.
   */
  chooseTags?: (existing: readonly string[]) => readonly string[];
  /** The floating tags among the chosen ones: re-read before and after they are written (`floating.ts`). */
  floating?: FloatingPlan;
  /** Release tags among the tags: not moved onto another commit's image (`release-tags.ts`). */
  releaseTags?: readonly string[];
}

export interface RegistryReport {
  /** The registry's API host. */
  host: string;
  /** The registry as users write it (`docker.io`, `ghcr.io`). */
  registry: string;
  repositories: string[];
  digest: string;
  /** Full references whose tags now point at the image. */
  references: string[];
  blobsUploaded: number;
  blobsMounted: number;
  blobsSkipped: number;
  /** Sizes of the blobs uploaded (each counted once). */
  bytesUploaded: number;
  /** Bytes actually written to the registry, re-sends after interruptions included. */
  bytesSent: number;
  bytesMounted: number;
  bytesSkipped: number;
  /** Tags that already pointed at the image: not written again. */
  tagsUnchanged: number;
  /** Interrupted uploads continued from the registry's offset / started over. */
  resumed: number;
  restarted: number;
  durationMs: number;
  /** Set when this registry failed; its tags were not moved. */
  error?: Error;
}

export interface EngineOptions {
  clientFor: (host: string) => RegistryClient;
  /** Requests in flight across all registries. */
  concurrency: number;
  /** Requests in flight per registry host. */
  perHost: number;
  /** Repositories per host that may already hold the blobs (mount sources: the base, a copy's source, the user's). */
  mountFrom?: (host: string) => readonly string[];
  /**
   * Repositories named by what is being copied (a source's `base.name` label), not by the user:
   * a blob is mounted from them only where `sourceHolds` shows the source has it, so an untrusted
   * source cannot make Hoist link a blob it never held with the user's credentials.
   */
  untrustedMountFrom?: (host: string) => readonly string[];
  sourceHolds?: (digest: string) => Promise<boolean>;
  /** `protect` (default): release tags are not moved onto another commit's image. */
  releaseTags?: ReleaseTagMode;
  /** Milliseconds before floating tags are read again after writing (default 1000), and how often at most (default 5). */
  settleMs?: number;
  settleRounds?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Throttled progress lines and notable events (resumes, learned chunk sizes). */
  log?: (line: string) => void;
  progressIntervalMs?: number;
  /** Every change in a registry's progress, unthrottled (a terminal draws it as a bar). */
  onProgress?: (p: Progress) => void;
  now?: () => number;
}

/** How far one registry is: bytes in place (sent, mounted or already there) of the total, bytes sent. */
export interface Progress {
  host: string;
  done: number;
  total: number;
  sent: number;
  elapsedMs: number;
}
