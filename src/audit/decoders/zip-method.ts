/**
 * What a decoder of one zip method (`lzma-zip.ts`, `deflate64.ts`) is to the walker, apart from
 * both so that neither imports the other: fed the member's data as stored, it hands out what it
 * decodes through `ondata`, synchronously, and says an error there.
 */

/** A decoder error: a message, and a code (what fflate's decoders, which these follow, gave). */
export type MethodError = Error & { code: number };

export interface MethodDecoder {
  ondata: (err: MethodError | null, data: Uint8Array, final: boolean) => void;
  push(chunk: Uint8Array, final: boolean): void;
}
