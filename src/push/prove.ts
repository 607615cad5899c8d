/**
 * The proof for public registries: no blob of another build (a private layer, a private config)
 * may be readable there. Each is asked for anonymously by digest; any answer fails the run.
 */
import type { Built } from '../builders/stage.js';
import { formatRepository } from '../core/reference.js';
import type { Effects } from '../effects/effects.js';
import type { TransferSettings } from '../inputs/registries.js';
import type { ImageTarget } from '../plan/release.js';
import { clientOptions } from '../registry/connect.js';

type Blob = { digest: string; size: number };

async function proveOne(
  fx: Pick<Effects, 'platform' | 'files' | 'registry'>,
  transfer: TransferSettings,
  image: ImageTarget,
  others: ReadonlyMap<string, Blob>,
): Promise<number> {
  const name = formatRepository(image.repository);
  const anonymous = await fx.registry(await clientOptions(fx, transfer, image.repository.host)); // no credentials
  try {
    const seen: string[] = [];
    for (const blob of others.values()) {
      const there = await anonymous.hasBlob(image.repository.path, blob.digest).catch((e: unknown) => {
        throw new Error(
          `${name} is marked public, but it cannot be read anonymously to prove that nothing private reached it: ${e instanceof Error ? e.message : String(e)}`,
        );
      });
      if (there) seen.push(blob.digest);
    }
    if (seen.length)
      throw new Error(
        `${name} is public and serves ${seen.length} private blob${seen.length > 1 ? 's' : ''} (${seen.join(', ')}): remove them from that registry now`,
      );
    fx.platform.info(`${name} (public): none of the ${others.size} private blobs of the other builds can be read there anonymously`);
    return [...others.values()].reduce((n, x) => n + x.size, 0);
  } finally {
    await anonymous.close();
  }
}

/** Returns the private bytes that stayed private. */
export async function provePrivateStaysPrivate(
  fx: Pick<Effects, 'platform' | 'files' | 'registry'>,
  transfer: TransferSettings,
  built: readonly Built[],
): Promise<number> {
  let kept = 0;
  for (const b of built) {
    const own = new Set(b.graph.blobs.map((x) => x.digest));
    const others = new Map(
      built
        .filter((o) => o !== b)
        .flatMap((o) => o.graph.blobs)
        .filter((x) => !own.has(x.digest))
        .map((x) => [x.digest, x] as const),
    );
    for (const image of b.unit.images.filter((i) => i.visibility === 'public')) kept += await proveOne(fx, transfer, image, others);
  }
  return kept;
}
