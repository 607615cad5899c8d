/**
 * LZMA-compressed SWF files (`ZWS`: Flash Player 11+, AIR, Flex's `-compress lzma`, Haxe): a 4-byte
 * signature and version, the uncompressed file length, the compressed length, the 5 LZMA property
 * bytes, then raw LZMA1 — an LZMA-alone stream without its 8-byte size, so neither the lzma decoder
 * nor a search for streams inside finds it. Decoded by `lzma.ts`'s driver up to the length the
 * header gives (the 8 header bytes of the uncompressed file not counted): `app.swf!`, where a
 * DefineBinaryData tag's embedded config or an ActionScript constant pool lies as it was written.
 * `CWS` (zlib after the 8 bytes) needs nothing of its own: its zlib stream is found inside.
 */
import { parseProps } from './lzma-core.js';
import { headedLzma, plausibleDict } from './lzma.js';
import { startsWith, type Decoder, type DecodeEnv, type Decoding } from './types.js';

const HEADER = 17;

/** A ZWS header: a version Flash used (up to 60), a length of at least 8, plausible LZMA properties; the body's size and properties. */
export function zwsHeader(h: Uint8Array): { size: number; props: NonNullable<ReturnType<typeof parseProps>> } | undefined {
  if (!startsWith(h, [0x5a, 0x57, 0x53]) || h.length < HEADER + 1) return undefined;
  const v = new DataView(h.buffer, h.byteOffset, h.byteLength);
  const version = h[3]!;
  const length = v.getUint32(4, true);
  const compressed = v.getUint32(8, true);
  const dict = v.getUint32(13, true);
  const props = parseProps(h[12]!, dict);
  if (version < 10 || version > 60 || length < 9 || compressed < 5 || !props || !plausibleDict(dict) || h[HEADER] !== 0) return undefined;
  return { size: length - 8, props };
}

export const swfLzma: Decoder = {
  name: 'LZMA SWF',
  sniff: (h) => zwsHeader(h) !== undefined,
  open: (env: DecodeEnv): Decoding =>
    headedLzma(env, { damaged: 'LZMA SWF', endsInHeader: 'the file ends inside its header', need: HEADER + 1, body: HEADER, parse: zwsHeader }),
};
