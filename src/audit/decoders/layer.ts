/** A layer blob as its media type says: the decompressor its bytes go through, and whether it is a tar. */
import * as zlib from 'node:zlib';

/**
 * The size of each inflated chunk of a layer, and how far inflation may run ahead of the scan. The scan is the slower
 * side, so the read-ahead is always full: at 8 MiB its 32 chunks were 8 MiB of the large members' peak RSS (malloc'd
 * buffers of 256 KiB live at the peak: 9.1 MiB, 5.0 at 1 MiB), and each chunk waited long enough in it to be promoted to
 * V8's old generation, where only the next full GC frees it. At 1 MiB (4 chunks) inflation still runs on the threadpool
 * while the scan reads. bench/audit.ts's large members, private bundles alternated, 7 pairs (load 3–7): peak RSS median
 * 112.7 → 109.6 MiB (109.8–116.1 → 102.4–114.7: the run-to-run noise is ±7 MiB); the plain 1 GiB row's CPU 6 pairs,
 * user + system median 12.74 → 12.85 s (+0.9%).
 */
export const CHUNK = 256 * 1024;
export const AHEAD = 1024 * 1024;

export function layerDecompressor(mediaType: string): (() => zlib.Gunzip) | undefined | 'zstd' | 'unsupported' {
  // zlib streams are Transforms and take Transform options, though the typings list only zlib's: a
  // deep readable buffer lets inflation (on the threadpool) run ahead while the scan runs here. Its
  // side is in object mode so that each read gives one chunk as inflated: a byte-mode read() gives
  // the whole buffer joined, a copy of up to its depth in one allocation, whose freeing lets the
  // allocator keep as much again for good (peak RSS).
  const stream = { chunkSize: CHUNK, readableObjectMode: true, readableHighWaterMark: AHEAD / CHUNK };
  if (/(\+|\.)gzip$/.test(mediaType)) return () => zlib.createGunzip(stream as zlib.ZlibOptions);
  // Read frame by frame by the layer's own walk (LayoutAudit's #scanZstdLayer, zstd-frames.ts's zstdLayer): every frame,
  // not only the first, and a frame not read is a limit of the layer, the frames after it read on.
  if (/\+zstd$/.test(mediaType)) return typeof zlib.createZstdDecompress === 'function' ? 'zstd' : 'unsupported';
  return undefined;
}

export const isLayerTar = (mediaType: string) => /(layer|rootfs\.diff)[^+]*\.tar(\.|\+|$)|\.tar$/.test(mediaType) || /layer\.v1\.tar/.test(mediaType);
