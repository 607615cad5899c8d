/**
 * The opener of a file-system image whose files are cut across its blocks (FAT's clusters,
 * cramfs's pages): the image's bytes read on as plain content under its own path (`heldPlain`); the
 * image held up to `max`, and at its end each file the walk gives written whole as a member
 * (`esp.img!/EFI/APP/APP.CFG`). Larger than `max`, the image is named: its cut files are not joined.
 * A file the walk cannot read (undefined) is named at its path.
 */
import type { DecodeEnv, Decoding, Sink } from './types.js';

/** A content's bytes passed on as plain and held up to a bound, for a reader that walks them whole at their end. */
export interface HeldPlain {
  push(bytes: Uint8Array): Promise<void>;
  /** Ends the plain read; the bytes held, or undefined when they passed the bound. */
  end(): Promise<Buffer | undefined>;
}

/**
 * A content (an image, a database, a log) read on as plain under its own path, with its first `header` bytes as zeros
 * — its magic, boot sector or superblock: nothing of its files or rows is in them, and without them the plain read is
 * not claimed again — so that a stream found inside it is named at the file's own offset (`esp.img@20745!`); and held up
 * to `max` bytes for the walk at its end.
 */
export function heldPlain(env: DecodeEnv, header: number, max: number, plain: Sink = env.openAt(env.path)): HeldPlain {
  let held: Buffer[] | undefined = [];
  let size = 0;
  return {
    async push(bytes) {
      if (env.stopped) return;
      const blank = Math.max(0, Math.min(bytes.length, header - size));
      size += bytes.length;
      if (held && size <= max) held.push(Buffer.from(bytes));
      else held = undefined;
      if (env.allow(bytes.length)) await plain.write(blank ? Buffer.concat([Buffer.alloc(blank), bytes.subarray(blank)]) : bytes);
    },
    async end() {
      await plain.end();
      const all = held && Buffer.concat(held);
      held = undefined;
      return all;
    },
  };
}

export interface HeldImage {
  /** Bytes at the image's start read as zeros in the plain read (`heldPlain`). */
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
  const plain = heldPlain(env, image.header, image.max);
  return {
    push: (bytes) => plain.push(bytes),
    async end() {
      const img = await plain.end();
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
