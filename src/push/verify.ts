/**
 * Every blob the engine uploads is hashed as it streams from its source (a registry for promote
 * and merge, a base's registry for adopted layers, the layout for a build), and the last chunk is
 * withheld when the bytes do not match the digest: the registry never receives a complete blob, so
 * it cannot commit it, and the upload fails with an error naming the source. A lying source is
 * caught here, not by the destination (which may not check) — and a destination that does check
 * is never left holding a session with the wrong bytes.
 */
import { createHash, type Hash } from 'node:crypto';
import { releaseChunks, type BlobSource, type LentChunks } from '../oci/graph.js';
import { RegistryError } from '../registry/errors.js';
import type { OpenBlob } from '../registry/upload.js';

/** A source served bytes that are not the blob it was asked for. Never retried. */
export class SourceDigestError extends RegistryError {
  constructor(
    readonly source: string,
    readonly digest: string,
    readonly actual: string,
  ) {
    super(`${source}: blob ${digest} streamed from the source has digest ${actual}; its upload was aborted and nothing further was pushed`, {
      registry: source,
      code: 'SOURCE_DIGEST_MISMATCH',
      retryable: false,
    });
  }
}

/**
 * `source.open` for one blob, hashing what passes. Reads are contiguous from 0 (a monolithic or
 * chunked upload); a read that starts at 0 again (a restart) resets the hash; one that starts
 * before the hashed offset (a resume at the registry's offset) re-reads [0, start) from the source
 * into the hash without sending it, so the hash always covers exactly the bytes [0, offset).
 */
export function verifyingOpen(source: BlobSource, blob: { digest: string; size: number }): OpenBlob {
  const algorithm = blob.digest.slice(0, blob.digest.indexOf(':'));
  let hash: Hash = createHash(algorithm);
  let hashed = 0;
  const fail = (): never => {
    throw new SourceDigestError(source.origin?.(blob.digest) ?? source.name, blob.digest, `${algorithm}:${hash.digest('hex')}`);
  };
  async function rehash(to: number): Promise<void> {
    hash = createHash(algorithm);
    hashed = 0;
    if (to > 0) {
      const chunks = await source.open(blob.digest, 0, to);
      for await (const chunk of chunks) {
        hash.update(chunk);
        hashed += chunk.length;
      }
      releaseChunks(chunks); // hashed, so no longer held
    }
    if (hashed !== to) fail();
  }
  return async (start, end) => {
    if (start !== hashed) await rehash(start);
    const chunks = await source.open(blob.digest, start, end);
    async function* checked(): AsyncGenerator<Buffer> {
      for await (const chunk of chunks) {
        hash.update(chunk);
        hashed += chunk.length;
        if (hashed > blob.size) fail();
        // The last chunk goes out only when the whole blob is what its digest says.
        if (hashed === blob.size && `${algorithm}:${hash.copy().digest('hex')}` !== blob.digest) fail();
        yield chunk;
      }
    }
    const verified: LentChunks = Object.assign(checked(), { release: () => releaseChunks(chunks) });
    return verified;
  };
}
