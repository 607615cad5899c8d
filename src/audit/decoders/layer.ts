/** A layer blob as its media type says: the decompressor its bytes go through, and whether it is a tar. */
import * as zlib from 'node:zlib';

export function layerDecompressor(mediaType: string): (() => zlib.Gunzip | zlib.ZstdDecompress) | undefined | 'unsupported' {
  // zlib streams are Transforms and take Transform options, though the typings list only zlib's: a
  // deep readable buffer lets inflation (on the threadpool) run ahead while the scan runs here.
  if (/(\+|\.)gzip$/.test(mediaType)) return () => zlib.createGunzip({ chunkSize: 256 * 1024, readableHighWaterMark: 8 * 1024 * 1024 } as zlib.ZlibOptions);
  if (/\+zstd$/.test(mediaType))
    return typeof zlib.createZstdDecompress === 'function'
      ? () => zlib.createZstdDecompress({ chunkSize: 256 * 1024, readableHighWaterMark: 8 * 1024 * 1024 } as zlib.ZstdOptions)
      : 'unsupported';
  return undefined;
}

export const isLayerTar = (mediaType: string) => /(layer|rootfs\.diff)[^+]*\.tar(\.|\+|$)|\.tar$/.test(mediaType) || /layer\.v1\.tar/.test(mediaType);
