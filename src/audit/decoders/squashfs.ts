/**
 * squashfs images (`.snap`, `.squashfs`, an AppImage's payload, firmware and live-system images)
 * whose blocks the audit cannot find on its own. A squashfs image is its superblock, then its
 * files' data and fragment blocks back to back, then its inode, directory and fragment tables; a
 * block's compressed size is known only from those tables, at the image's end. With gzip, xz and
 * zstd (compression ids 1, 4, 6: mksquashfs's default, snaps, most AppImages) every block is a
 * zlib stream, an xz stream or a zstd frame with its magic number, found as streams inside the
 * image as it is (`embedded.ts`): such images are not claimed. With lzo, lz4 and lzma (ids 3, 5, 2)
 * blocks are raw, without a magic number, and reading them would mean holding the whole image until
 * its tables arrive; such an image is named as not fully audited (its bytes as they are are scanned
 * like every file's: a value in a block stored uncompressed or in an LZ literal run is still found).
 */
import { startsWith, type Decoder, type DecodeEnv, type Decoding } from './types.js';

const NAMES: Record<number, string> = { 1: 'gzip', 2: 'lzma', 3: 'lzo', 4: 'xz', 5: 'lz4', 6: 'zstd' };
/** Compressions whose blocks carry a magic number, found inside the image as it is. */
const FOUND_INSIDE = new Set([1, 4, 6]);

/** "hsqs", a block size of 4 KiB to 1 MiB (its log beside it), version 4.0: the image's compression id, or undefined. */
export function squashfsCompression(h: Uint8Array): number | undefined {
  if (!startsWith(h, [0x68, 0x73, 0x71, 0x73]) || h.length < 32) return undefined;
  const v = new DataView(h.buffer, h.byteOffset, h.length);
  const blockSize = v.getUint32(12, true);
  const log = v.getUint16(22, true);
  if (log < 12 || log > 20 || blockSize !== 2 ** log || v.getUint16(28, true) !== 4 || v.getUint16(30, true) !== 0) return undefined;
  return v.getUint16(20, true);
}

export const squashfs: Decoder = {
  name: 'squashfs',
  sniff: (h) => {
    const id = squashfsCompression(h);
    return id !== undefined && !FOUND_INSIDE.has(id);
  },
  open(env: DecodeEnv): Decoding {
    let id: number | undefined;
    return {
      push(bytes) {
        id ??= squashfsCompression(bytes);
      },
      end() {
        // Named at the end: naming this content stops its decoding.
        const name = NAMES[id ?? 0] ?? `compression ${id}`;
        if (!env.stopped) env.limit(`a squashfs image compressed with ${name}, whose blocks the audit does not read`);
      },
    };
  },
};
