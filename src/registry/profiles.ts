/**
 * How blobs are uploaded to a registry. The distribution spec allows a monolithic PUT, a streamed
 * PATCH and fixed-size chunked PATCHes; registries differ in which they accept and in how far their
 * `Range` answers can be trusted. A profile starts from what is known of the host and is adjusted
 * at run time by what the registry answers (`learnChunkLimit`).
 */

export interface UploadProfile {
  /** Which registry family the profile is for (shown in logs). */
  name: string;
  /**
   * `stream`: one PATCH with the rest of the blob, resumed from the registry's `Range` after a
   * failure; `chunked`: PATCHes of `chunkSize` bytes; `monolithic`: one PUT with the whole blob
   * (no resume: an interrupted blob is sent again).
   */
  mode: 'stream' | 'chunked' | 'monolithic';
  /** Bytes per PATCH in `chunked` mode. */
  chunkSize: number;
  /** The smallest PATCH the registry takes (except the last one). */
  minChunk: number;
  /** Blobs up to this size go in one PUT, whatever the mode (one round trip fewer). */
  monolithicUpTo: number;
  /** Whether the `Range` of an upload session says what the registry really holds. */
  trustRange: boolean;
}

const MiB = 1024 * 1024;

const GENERIC: UploadProfile = { name: 'distribution', mode: 'stream', chunkSize: 16 * MiB, minChunk: 0, monolithicUpTo: 4 * MiB, trustRange: true };

interface KnownRegistry {
  matches: (host: string) => boolean;
  profile: Partial<UploadProfile> & { name: string };
}

/** Known quirks, by host. Each line says where the number comes from. */
const KNOWN: KnownRegistry[] = [
  // GHCR refuses PATCH bodies over 4 MiB ("416 … exceeds the maximum permissible limit of 4.00MiB").
  { matches: (h) => h === 'ghcr.io', profile: { name: 'ghcr', mode: 'chunked', chunkSize: 4 * MiB } },
  // Google Artifact Registry and GCR do not take chunked uploads: one PUT per blob.
  { matches: (h) => h === 'gcr.io' || h.endsWith('.gcr.io') || h.endsWith('-docker.pkg.dev'), profile: { name: 'google', mode: 'monolithic' } },
  // ECR: layer parts of 5 MiB at least (but the last) and 20 MiB at most; its upload status is not
  // reliable after a broken part, so an interrupted upload starts a new session.
  {
    matches: (h) => /\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/.test(h),
    profile: { name: 'ecr', mode: 'chunked', chunkSize: 10 * MiB, minChunk: 5 * MiB, trustRange: false },
  },
  // ACR answers `Range: bytes=0-N` (parsed either way) and takes PATCHes up to 20 MiB comfortably.
  { matches: (h) => h.endsWith('.azurecr.io'), profile: { name: 'acr', mode: 'chunked', chunkSize: 16 * MiB } },
];

export function profileFor(host: string): UploadProfile {
  const known = KNOWN.find((k) => k.matches(host.toLowerCase()));
  return { ...GENERIC, ...known?.profile };
}

/** The smallest chunk Hoist shrinks to when a registry refuses a PATCH as too large. */
export const SMALLEST_CHUNK = 1 * MiB;

/**
 * A registry refused a PATCH as too large (413, or GHCR's 416 "exceeds the maximum permissible
 * limit"): use half the size that failed from now on. Returns false when the chunk cannot shrink.
 */
export function learnChunkLimit(profile: UploadProfile, failedSize: number): boolean {
  const next = Math.max(SMALLEST_CHUNK, profile.minChunk, Math.floor(failedSize / 2 / 65536) * 65536);
  if (next >= failedSize) return false;
  profile.mode = 'chunked';
  profile.chunkSize = next;
  return true;
}

/** Whether an error answer means "this request body is too large". */
export function isTooLarge(status: number | undefined, message: string): boolean {
  return status === 413 || (status === 416 && /too large|exceeds|maximum/i.test(message));
}

/**
 * The offset after an upload session's `Range` (`0-1023` or `bytes=0-1023` → 1024). `0-0` is
 * ambiguous (distribution says it for 0 and for 1 byte) and taken as 0: the registry will correct
 * us with a 416 if it holds one byte.
 */
export function parseUploadRange(range: string | undefined): number | undefined {
  if (!range) return undefined;
  const m = /^(?:bytes=)?(\d+)-(\d+)$/.exec(range.trim());
  if (!m) return undefined;
  const end = Number(m[2]);
  return end === 0 ? 0 : end + 1;
}
