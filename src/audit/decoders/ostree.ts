/**
 * OSTree content objects of an archive repository (`ostree init --mode=archive-z2` / `archive`: what
 * Flatpak remotes and OS update servers serve, objects/XX/<62 hex>.filez): a 4-byte big-endian
 * header length, 4 bytes of padding (zero), the GVariant file header (size, uid, gid, mode, rdev,
 * symlink target, xattrs), then the file's content as raw deflate — no zlib or gzip header, not at
 * the object's first byte, so neither a decoder nor the search for streams inside finds it. Claimed
 * by its name and its header (a length 24–65,535, the padding zero, a u64 size below 2^53); the
 * content inflated as `obj.filez!`. A header cut short is named, and so is a damaged stream — or one that
 * ends before the size the header gives (a damaged stream can end early and leave the rest unread).
 */
import { rawDeflate } from './native.js';
import { DEFLATE_MAX_RATIO, type Decoder, type DecodeEnv, type Decoding } from './types.js';

/** The GVariant header is at least the u64 size and four u32s; OSTree caps it well below 64 KiB (xattrs). */
const MIN_HEADER = 24;
const MAX_HEADER = 0xffff;

/** Where the deflate stream starts, if `h` begins an archive content object's header. */
export function filezStart(h: Uint8Array): number | undefined {
  if (h.length < 16) return undefined;
  const v = new DataView(h.buffer, h.byteOffset, h.byteLength);
  const length = v.getUint32(0);
  if (length < MIN_HEADER || length > MAX_HEADER || v.getUint32(4) !== 0 || v.getUint32(8) >= 0x200000) return undefined;
  return 8 + length;
}

export const ostreeFilez: Decoder = {
  name: 'OSTree content object',
  maxRatio: DEFLATE_MAX_RATIO,
  sniff: (h, path) => path.endsWith('.filez') && filezStart(h) !== undefined,
  open(env: DecodeEnv): Decoding {
    let head = new Uint8Array(0);
    let start: number | undefined;
    let inner: Decoding | undefined;
    let size = 0;
    let out = 0;
    let named = false;
    // The inflated bytes counted as they are allowed: a stream that ends short of the header's size, and was not named damaged, is.
    const counted: DecodeEnv = Object.create(env, {
      allow: { value: (n: number) => ((out += n), env.allow(n)) },
      limit: { value: (what: string, at?: string) => ((named = true), env.limit(what, at)) },
    });
    return {
      get finished() {
        return inner?.finished ?? false;
      },
      async push(bytes) {
        if (inner) return inner.push(bytes);
        head = Buffer.concat([head, bytes]);
        start ??= filezStart(head);
        if (start === undefined || head.length <= start) return;
        size = new DataView(head.buffer, head.byteOffset).getUint32(8) * 2 ** 32 + new DataView(head.buffer, head.byteOffset).getUint32(12);
        inner = rawDeflate(counted);
        await inner.push(head.subarray(start));
        head = new Uint8Array(0);
      },
      // A symlink's object ends with its header: nothing to read.
      async end() {
        if (!inner) {
          if (start === undefined || head.length !== start) env.limit('a damaged OSTree content object (it ends inside its header): not audited');
          return;
        }
        await inner.end();
        if (out < size && !named && !env.stopped)
          env.limit(`a damaged OSTree content object (its content ends after ${out} of the ${size} bytes its header gives): the rest is not audited`);
      },
    };
  },
};
