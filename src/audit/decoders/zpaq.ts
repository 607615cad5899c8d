/**
 * zpaq journaling archives (`zpaq a`: deduplicating incremental backups), named rather than passed
 * in silence: their blocks are context-mixing streams whose model is a program stored in the block
 * (ZPAQL), which the audit does not run. Told by the 13-byte locator tag zpaq writes before each
 * block (`7kSt` and nine fixed bytes) at the start; the archive's bytes as they are are still
 * scanned like every file's.
 */
import { startsWith, type Decoder, type DecodeEnv, type Decoding } from './types.js';

const TAG = [0x37, 0x6b, 0x53, 0x74, 0xa0, 0x31, 0x83, 0xd3, 0x8c, 0xb2, 0x28, 0xb0, 0xd3];

export const isZpaq = (h: Uint8Array): boolean => startsWith(h, TAG);

export const zpaq: Decoder = {
  name: 'zpaq archive',
  sniff: isZpaq,
  open(env: DecodeEnv): Decoding {
    return {
      push() {},
      end() {
        if (!env.stopped) env.limit('a zpaq archive (context-mixing blocks), which the audit does not decode');
      },
    };
  },
};
