/** What makes a decoded byte list a value's text: shared by `runs-bytes.ts`, `runs-bytes-indexed.ts` and `keyed-lists.ts`. */

/** The shortest value the audit looks for is 8 bytes: a list of fewer numbers cannot hold one. */
export const MIN_BYTES = 8;

/**
 * Whether a short list's bytes are text (UTF-8 or Latin-1, no control character but tab and line breaks): a value is.
 * A short list that is not is a magic number or a table in source code (`[0x89, 0x4c, 0x5a, 0x4f, …]`, lzop's), whose
 * format a decoder would claim and then name as a damaged stream. NULs after the text are a C buffer's terminator and
 * padding (gdb's `p/x buf` of a `char[40]`, Rust's `{:?}` of a `[u8; 48]`, Go's `[48]byte`): text still, if MIN_BYTES
 * of it come before them.
 */
export function isText(whole: Buffer): boolean {
  let end = whole.length;
  while (end > 0 && whole[end - 1] === 0) end--;
  if (end < MIN_BYTES) return false;
  const bytes = end === whole.length ? whole : whole.subarray(0, end);
  let c1 = false;
  for (const b of bytes) {
    if (b < 0x20 ? b !== 9 && b !== 10 && b !== 13 : b === 0x7f) return false;
    if (b >= 0x80 && b < 0xa0) c1 = true;
  }
  if (!c1) return true;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}
