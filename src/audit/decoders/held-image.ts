/**
 * The opener of a file-system image whose files are cut across its blocks (FAT's clusters,
 * cramfs's pages): the image's bytes read on as plain content under its own path, less its first
 * `header` bytes (a boot sector, a superblock: no file is in them, and without them the plain read
 * is not claimed again); the image held up to `max`, and at its end each file the walk gives
 * written whole as a member (`esp.img!/EFI/APP/APP.CFG`). Larger than `max`, the image is named:
 * its cut files are not joined. A file the walk cannot read (undefined) is named at its path.
 */
import type { DecodeEnv, Decoding } from './types.js';

export interface HeldImage {
  /** Bytes at the image's start left out of the plain read. */
  header: number;
  max: number;
  /** What is named when the image is larger than `max`. */
  tooLarge: string;
  /** What is named for a file the walk gives as undefined. */
  unreadable: string;
  /** The files to write whole, by path inside the image (given as they are read: a file's blocks may decompress asynchronously). */
  files(img: Buffer): Iterable<[string, Buffer | undefined]> | AsyncIterable<[string, Buffer | undefined]>;
}

export function heldImage(env: DecodeEnv, image: HeldImage): Decoding {
  const plain = env.openAt(env.path);
  let held: Buffer[] | undefined = [];
  let size = 0;
  return {
    async push(bytes) {
      if (env.stopped) return;
      const skip = Math.max(0, Math.min(bytes.length, image.header - size));
      size += bytes.length;
      if (held && size <= image.max) held.push(Buffer.from(bytes));
      else held = undefined;
      if (skip < bytes.length && env.allow(bytes.length - skip)) await plain.write(bytes.subarray(skip));
    },
    async end() {
      await plain.end();
      const img = held && Buffer.concat(held);
      held = undefined;
      if (env.stopped) return;
      if (!img) return env.limit(image.tooLarge);
      for await (const [path, bytes] of image.files(img)) {
        if (!bytes) {
          env.limit(image.unreadable, `${env.path}!/${path}`);
          continue;
        }
        if (!env.allow(bytes.length)) return;
        const sink = env.open(path);
        await sink.write(bytes);
        await sink.end();
      }
    },
  };
}
