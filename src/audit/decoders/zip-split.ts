/**
 * The first part of a split zip archive (`zip -s 64k`: backup.z01, backup.z02, …, backup.zip): it
 * opens with the spanning signature (`PK\x07\x08`) before its first local header. A member runs on
 * across the parts, each a file of its own that the audit reads alone, so a value past a part's end
 * is cut. The part is named, and read on as plain content (the signature as zeros), where the search
 * inside still opens its members' starts (`backup.z01@4!/a.log`).
 */
import { heldPlain } from './held-image.js';
import { startsWith, type Decoder, type DecodeEnv, type Decoding } from './types.js';

const SPANNED = [0x50, 0x4b, 0x07, 0x08, 0x50, 0x4b, 0x03, 0x04];

export const zipSplit: Decoder = {
  name: 'split zip part',
  sniff: (h) => startsWith(h, SPANNED),
  open(env: DecodeEnv): Decoding {
    env.limit('the first part of a split zip archive (zip -s): a member across its parts (.z01, .z02 … .zip) is not joined');
    const plain = heldPlain(env, 4, 0);
    return { push: (bytes) => plain.push(bytes), end: async () => void (await plain.end()) };
  },
};
