/**
 * A layer blob's compressed bytes fed to its decompressor from two buffers used in turn (`feedBlob`), where a read
 * stream made a buffer for every read.
 */
import { open, type FileHandle } from 'node:fs/promises';
import type { Writable } from 'node:stream';

/** The reads of a layer's blob. */
export const BLOB_READ = 256 * 1024;

/**
 * A compressed blob's bytes written to its decompressor, read into two buffers used in turn: a buffer is read into
 * again once the decompressor took the last write of it whole (its callback), so the compressed bytes are two buffers
 * however large the layer. `createReadStream` made a buffer of BLOB_READ for every read — bench/audit.ts's archives
 * row, 2,264 of them (566 MiB), each mapped and unmapped by malloc (BLOB_READ is above its mmap threshold: core/malloc.ts)
 * and many of them kept by the collector until a full collection, their bytes counted toward its limit all the while.
 * A read that fails destroys the decompressor with its error, which the scan's read of it throws.
 */
export async function feedBlob(path: string, sink: Writable): Promise<void> {
  const closed = new Promise<void>((resolve) => sink.once('close', resolve));
  const buffers = [Buffer.allocUnsafe(BLOB_READ), Buffer.allocUnsafe(BLOB_READ)] as const;
  const written: [Promise<void>, Promise<void>] = [Promise.resolve(), Promise.resolve()];
  let file: FileHandle | undefined;
  try {
    file = await open(path, 'r');
    for (let i: 0 | 1 = 0; ; i = i ? 0 : 1) {
      await Promise.race([written[i], closed]);
      if (sink.destroyed) return;
      const buffer = buffers[i];
      const { bytesRead } = await file.read(buffer, 0, BLOB_READ, null);
      if (!bytesRead) break;
      written[i] = new Promise<void>((resolve) => sink.write(buffer.subarray(0, bytesRead), () => resolve()));
    }
    sink.end();
  } catch (e) {
    sink.destroy(e as Error);
  } finally {
    await file?.close();
  }
}
