/**
 * The zip family (`.jar`, `.war`, `.jmod` after its 4-byte header, `.whl`, `.apk`, `.nupkg`,
 * `.docx`): walked front to back as it streams by `zip-walk.ts`, each member to its own sink
 * (`app.jar!/META-INF/x`). Deflated members are inflated by Node's zlib, which also says where a
 * member written with a data descriptor ends (Java's jars, Info-ZIP from a pipe); stored ones pass
 * as they are; LZMA (14) and Deflate64 (9) members are decoded by `lzma-zip.ts` and `deflate64.ts`;
 * bzip2, zstd and xz ones (12, 93, 95) are whole streams for the registry. Encrypted members and
 * other methods are named as not read. A member has its own expansion bound, so a bomb member stops
 * alone.
 */
import { ZipWalk } from './zip-walk.js';
import { DEFLATE_MAX_RATIO, startsWith, type Decoder } from './types.js';

export { isZipLocal } from './zip-records.js';

export const zip: Decoder = {
  name: 'zip',
  // What the archive itself expands to: deflated and stored members (other methods' streams go to their own decoders as they are).
  maxRatio: DEFLATE_MAX_RATIO,
  sniff: (h) => startsWith(h, [0x50, 0x4b, 0x03, 0x04]),
  open(env) {
    const walk = new ZipWalk(env);
    return {
      push: (bytes) => walk.push(bytes),
      end: () => walk.end(),
      get finished() {
        return walk.finished;
      },
    };
  },
};
