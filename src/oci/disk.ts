/**
 * A full disk said as such: `ENOSPC: no space left on device, write` names no file and no size.
 * Every write Hoist makes into the runner's temp directory (OCI layouts, exports, its private
 * files) goes through `onDiskFull`, which turns ENOSPC (and EDQUOT, a quota) into an error naming
 * the directory, what was being written and the space left there — before anything is pushed,
 * since the layout is complete only when its writes are.
 */
import { statfs } from 'node:fs/promises';
import { dirname } from 'node:path';

export class DiskFullError extends Error {
  override readonly name = 'DiskFullError';
}

const MiB = 1024 * 1024;

/** Free and total bytes of the file system holding `dir` (the nearest existing parent), or undefined. */
async function space(dir: string): Promise<{ free: number; total: number } | undefined> {
  for (let d = dir; ; d = dirname(d)) {
    try {
      const s = await statfs(d);
      return { free: Number(s.bavail) * Number(s.bsize), total: Number(s.blocks) * Number(s.bsize) };
    } catch {
      if (dirname(d) === d) return undefined;
    }
  }
}

/**
 * A builder that failed because a disk filled (its own output says so: `no space left on device`):
 * the error names the layout directory it wrote into and the space left there, beside the tool's
 * line — the full disk may also be the builder's own storage (Docker's data root, BuildKit's cache).
 */
export async function toolDiskFull(error: unknown, dir: string, tool: string): Promise<unknown> {
  if (!(error instanceof Error)) return error;
  const text = `${error.message}\n${String((error as { outputTail?: unknown }).outputTail ?? '')}`;
  if (!/no space left on device|disk quota exceeded/i.test(text)) return error;
  const s = await space(dir);
  const left = s ? `${(s.free / MiB).toFixed(1)} MiB free of ${(s.total / MiB).toFixed(1)} MiB` : 'free space unknown';
  return new DiskFullError(
    `${tool} ran out of disk space while writing the image into ${dir} (${left} there; or its own storage filled): free space, or point the runner's temp directory (RUNNER_TEMP, TMPDIR) at a larger disk. Nothing was pushed. ${tool} said: ${error.message}`,
    { cause: error },
  );
}

/** Runs `work`; a full disk or quota becomes a DiskFullError naming `dir`, `what` and the free space. */
export async function onDiskFull<T>(dir: string, what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOSPC' && code !== 'EDQUOT') throw e;
    const s = await space(dir);
    const left = s ? `${(s.free / MiB).toFixed(1)} MiB free of ${(s.total / MiB).toFixed(1)} MiB` : 'free space unknown';
    throw new DiskFullError(
      `no space left in ${dir} while writing ${what} (${code === 'EDQUOT' ? 'disk quota exceeded' : 'device full'}; ${left} there): free space on that disk, or point the runner's temp directory (RUNNER_TEMP, TMPDIR) at a larger one. Nothing was pushed`,
      { cause: e },
    );
  }
}
