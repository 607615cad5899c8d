/**
 * Windows imaging files (`.wim`, `.esd`, `.swm`: wimlib's wimcapture, DISM; installer and recovery
 * images, captured directories), named rather than passed in silence when compressed: a WIM's
 * resources are 32 KiB chunks of XPRESS, LZX or LZMS (Microsoft's LZ77 + Huffman codes), which the
 * audit does not decode. Told by the header's 8-byte magic (`MSWIM`, a pipable WIM's `WLPWM`) and
 * its size of 208; an image whose header says no compression stores its files as they are, and its
 * bytes are scanned like every file's, so it is not named.
 */
import { startsWith, type Decoder, type DecodeEnv, type Decoding } from './types.js';

const MSWIM = [0x4d, 0x53, 0x57, 0x49, 0x4d, 0, 0, 0];
const WLPWM = [0x57, 0x4c, 0x50, 0x57, 0x4d, 0, 0, 0];
const COMPRESSION = 0x2;
const KINDS: ReadonlyArray<[number, string]> = [
  [0x20000, 'XPRESS'],
  [0x40000, 'LZX'],
  [0x80000, 'LZMS'],
  [0x200000, 'XPRESS'],
];

const u32 = (b: Uint8Array, i: number) => (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;

/** A WIM header: the magic and a header size of 208 bytes. */
export const isWim = (h: Uint8Array): boolean => (startsWith(h, MSWIM) || startsWith(h, WLPWM)) && h.length >= 20 && u32(h, 8) === 208;

/** The compression the header's flags name, or undefined for an image stored as it is. */
export function wimCompression(h: Uint8Array): string | undefined {
  const flags = u32(h, 16);
  if (!(flags & COMPRESSION)) return undefined;
  return KINDS.find(([bit]) => flags & bit)?.[1] ?? 'an unknown compression';
}

export const wim: Decoder = {
  name: 'WIM image',
  sniff: isWim,
  open(env: DecodeEnv): Decoding {
    let kind: string | undefined;
    let seen = false;
    return {
      push(bytes) {
        if (!seen && bytes.length >= 20) kind = wimCompression(bytes);
        seen = true;
      },
      end() {
        if (kind && !env.stopped) env.limit(`a WIM image whose resources are ${kind}-compressed, which the audit does not decode`);
      },
    };
  },
};
